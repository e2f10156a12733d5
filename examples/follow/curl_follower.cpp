// Follows a log over HTTP with libcurl and resumes after every disconnect.
//
//   curl_follower lines URL OUT   timestamped lines: line_splitter -> parse_record
//                                 -> resume_cursor; reconnects with since_time
//   curl_follower sse URL OUT     Server-Sent Events: sse_decoder; reconnects
//                                 with Last-Event-ID
//
// Writes each delivered line to OUT and the counts to stderr. A transfer that
// ends early (fewer bytes than announced, a reset, a timeout) is a disconnect;
// the partial line or event it leaves is discarded, never delivered, because
// the server sends it again in full.
#include <curl/curl.h>

#include <sandlog/follow.hpp>
#include <sandlog/line_splitter.hpp>
#include <sandlog/record.hpp>
#include <sandlog/sse.hpp>
#include <sandlog/timestamp.hpp>

#include <cstdio>
#include <cstring>
#include <string>

namespace {

struct counts {
  unsigned long long lines = 0;
  unsigned long long disconnects = 0;
  unsigned long long bad = 0;
};

struct lines_state {
  sandlog::line_splitter splitter;
  sandlog::resume_cursor cursor;
  std::FILE* out;
  counts* n;

  void on_line(const sandlog::line& l) {
    sandlog::log_record r;
    if (!sandlog::parse_record(l.text, sandlog::log_format::timestamped, r)) {
      ++n->bad;  // not timestamped: the cursor matches it by content
      r = sandlog::log_record{};
      r.message = l.text;
    }
    if (cursor.admit(r) != sandlog::admit_verdict::deliver) return;
    std::fwrite(l.text.data(), 1, l.text.size(), out);
    std::fputc('\n', out);
    ++n->lines;
  }
  static size_t write(char* p, size_t size, size_t count, void* self) {
    auto* s = static_cast<lines_state*>(self);
    s->splitter.feed(std::string_view(p, size * count),
                     [s](const sandlog::line& l) { s->on_line(l); });
    return size * count;
  }
};

struct sse_state {
  sandlog::sse_decoder decoder;
  std::FILE* out;
  counts* n;
  static size_t write(char* p, size_t size, size_t count, void* self) {
    auto* s = static_cast<sse_state*>(self);
    s->decoder.feed(std::string_view(p, size * count), [s](const sandlog::sse_event& e) {
      std::fwrite(e.data.data(), 1, e.data.size(), s->out);
      std::fputc('\n', s->out);
      ++s->n->lines;
    });
    return size * count;
  }
};

// One GET. Returns true when the whole body arrived with status 200.
bool get(CURL* h, const std::string& url, curl_slist* headers, curl_write_callback write,
         void* state) {
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, state);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);  // a stalled stream counts as dropped
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 10L);
  const CURLcode rc = curl_easy_perform(h);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  return rc == CURLE_OK && status == 200;
}

constexpr unsigned long long max_attempts = 100000;

int follow_lines(CURL* h, const std::string& base, std::FILE* out, counts& n) {
  lines_state s{sandlog::line_splitter{}, sandlog::resume_cursor{}, out, &n};
  std::optional<sandlog::timestamp> since;
  const char sep = base.find('?') == std::string::npos ? '?' : '&';
  for (unsigned long long attempt = 0; attempt < max_attempts; ++attempt) {
    std::string url = base;
    if (since) {
      char buf[sandlog::max_timestamp_chars];
      sandlog::format_options f;
      f.fraction = sandlog::fraction_digits::none;  // the server takes whole seconds
      url += sep;
      url += "since_time=";
      url.append(buf, sandlog::format_timestamp(*since, buf, f));
    }
    if (get(h, url, nullptr, lines_state::write, &s)) {
      s.splitter.finish([&](const sandlog::line& l) { s.on_line(l); });
      const auto& st = s.cursor.stats();
      std::fprintf(stderr,
                   "lines=%llu disconnects=%llu duplicates_dropped=%llu older_dropped=%llu "
                   "unverified=%llu mismatches=%llu exact=%d\n",
                   n.lines, n.disconnects, static_cast<unsigned long long>(st.replayed),
                   static_cast<unsigned long long>(st.older),
                   static_cast<unsigned long long>(st.unverified),
                   static_cast<unsigned long long>(st.mismatches), s.cursor.exact() ? 1 : 0);
      return s.cursor.exact() ? 0 : 2;
    }
    s.splitter.reset();  // drop the partial line: it comes again
    since = s.cursor.reconnect();
    ++n.disconnects;
  }
  std::fprintf(stderr, "gave up after %llu attempts\n", max_attempts);
  return 1;
}

int follow_sse(CURL* h, const std::string& url, std::FILE* out, counts& n) {
  sse_state s{sandlog::sse_decoder{}, out, &n};
  for (unsigned long long attempt = 0; attempt < max_attempts; ++attempt) {
    curl_slist* headers = curl_slist_append(nullptr, "Accept: text/event-stream");
    if (!s.decoder.last_event_id().empty()) {
      const std::string id = "Last-Event-ID: " + std::string(s.decoder.last_event_id());
      headers = curl_slist_append(headers, id.c_str());
    }
    const bool whole = get(h, url, headers, sse_state::write, &s);
    curl_slist_free_all(headers);
    s.decoder.finish();  // an unfinished event is discarded; the id is kept
    if (whole) {
      std::fprintf(stderr, "lines=%llu disconnects=%llu duplicates_dropped=0 last_event_id=%s\n",
                   n.lines, n.disconnects, std::string(s.decoder.last_event_id()).c_str());
      return 0;
    }
    ++n.disconnects;
  }
  std::fprintf(stderr, "gave up after %llu attempts\n", max_attempts);
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 || (std::strcmp(argv[1], "lines") != 0 && std::strcmp(argv[1], "sse") != 0)) {
    std::fprintf(stderr, "usage: %s lines|sse URL OUT\n", argv[0]);
    return 64;
  }
  std::FILE* out = std::fopen(argv[3], "wb");
  if (out == nullptr) {
    std::perror(argv[3]);
    return 1;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURL* h = curl_easy_init();
  counts n;
  const int rc = std::strcmp(argv[1], "lines") == 0 ? follow_lines(h, argv[2], out, n)
                                                    : follow_sse(h, argv[2], out, n);
  curl_easy_cleanup(h);
  curl_global_cleanup();
  if (std::fclose(out) != 0) return 1;
  return rc;
}
