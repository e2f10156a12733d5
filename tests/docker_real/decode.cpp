// Prints what `docker logs` prints, decoded by docker_local.hpp and
// docker_api.hpp from a local-driver file or an Engine API logs body, so that
// run.sh can compare it byte for byte with the real daemon's output.
//
//   decode local [--legacy] [--stream out|err] FILE...
//       each entry as Docker's reader hands it out: the line, then '\n'
//       unless the entry is a fragment that is not `last` (--legacy: unless
//       it is any fragment, as Docker before 23.0 does)
//   decode local-joined [--stream out|err] FILE...
//       the entries joined by local_joiner: each message, then '\n' unless
//       it ended unterminated
//   decode api [--timestamps] [--times] [--stream out|err] FILE
//       a logs body: a TTY body (detect_body says raw) as it is, else each
//       line, then '\n' unless unterminated; --times puts the line's time
//       (9 fraction digits, as `docker logs -t`) and a space before it;
//       --mux reads the body as multiplexed without looking
//   decode api-resume [--seconds] PART [REST]
//       the resume cursor (follow.hpp) over a timestamps=1 body read in two
//       requests: PART is the first one, cut anywhere (its unfinished frame
//       and line are dropped, as after a lost connection); alone, prints the
//       since= value to ask for next (SECONDS.NANOS; --seconds: the cursor
//       at whole seconds, remembering up to 2^22 records of the last one). With REST, the body
//       fetched with that since=: its records go through the same cursor
//       (the replayed ones dropped) and every delivered line is printed as
//       `docker logs -t` does (9 fraction digits); stderr has
//       "records=N first=N replayed=N older=N exact=0|1 since=S".
// Files are read in 64 KiB chunks and fed as such. Counts go to stderr as
// "records=N bytes=N". Exit 1 on any decoding error, with its offset.
#include <sandlog/docker_api.hpp>
#include <sandlog/docker_local.hpp>
#include <sandlog/follow.hpp>

#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct output {
  std::FILE* f = stdout;
  std::uint64_t records = 0;
  std::uint64_t bytes = 0;
  void put(std::string_view s) {
    std::fwrite(s.data(), 1, s.size(), f);
    bytes += s.size();
  }
};

bool wanted(int filter, sandlog::stream_kind k) {
  return filter == 0 || static_cast<int>(k) == filter;
}

template <class Feed>
bool read_chunks(const char* path, Feed&& feed) {
  std::FILE* in = std::fopen(path, "rb");
  if (in == nullptr) {
    std::fprintf(stderr, "decode: cannot open %s\n", path);
    return false;
  }
  std::vector<char> buf(65536);
  bool ok = true;
  for (;;) {
    const std::size_t n = std::fread(buf.data(), 1, buf.size(), in);
    if (n == 0) break;
    if (!feed(std::string_view(buf.data(), n))) {
      ok = false;
      break;
    }
  }
  std::fclose(in);
  return ok;
}

int fail(const char* what, sandlog::error e, std::uint64_t at) {
  std::fprintf(stderr, "decode: %s: %s at byte %llu\n", what, std::string(sandlog::to_string(e)).c_str(),
               static_cast<unsigned long long>(at));
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: decode local|local-joined|api [options] FILE...\n");
    return 2;
  }
  const std::string mode = argv[1];
  bool legacy = false, timestamps = false, times = false, mux = false, seconds = false;
  int filter = 0;
  std::vector<const char*> files;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--legacy") legacy = true;
    else if (a == "--timestamps") timestamps = true;
    else if (a == "--times") times = true;
    else if (a == "--mux") mux = true;
    else if (a == "--seconds") seconds = true;
    else if (a == "--stream" && i + 1 < argc) {
      const std::string s = argv[++i];
      filter = static_cast<int>(s == "out" ? sandlog::stream_kind::out : sandlog::stream_kind::err);
    } else files.push_back(argv[i]);
  }
  output out;
  // Docker itself has no limit on a joined line; the tests write 2 MiB ones.
  const std::size_t max_line = std::size_t{64} << 20;

  if (mode == "local" || mode == "local-joined") {
    sandlog::local_decoder dec;
    sandlog::local_joiner joiner({max_line, sandlog::overflow::fail});
    // A joiner per file, only to count the files that begin in the middle
    // of a line (a rotation that fell between two fragments).
    std::uint64_t headless = 0;
    auto on_message = [&](const sandlog::joined_record& j) {
      if (!wanted(filter, j.record.stream)) return;
      ++out.records;
      out.put(j.record.message);
      if (!j.is_unterminated()) out.put("\n");
    };
    auto on_entry = [&](const sandlog::local_entry& e) {
      if (mode == "local-joined") return joiner.add(e, on_message);
      if (wanted(filter, e.record.stream)) {
        ++out.records;
        out.put(e.record.message);
        const bool newline = e.record.partial ? (!legacy && e.has_metadata && e.metadata.last)
                                              : true;
        if (newline) out.put("\n");
      }
      return sandlog::error::ok;
    };
    // The files of a rotated set are one stream: a line may start in one
    // and end in the next.
    for (const char* f : files) {
      sandlog::error e = sandlog::error::ok;
      sandlog::local_stream alone;
      auto ignore = [](const sandlog::joined_record&) {};
      if (!read_chunks(f, [&](std::string_view c) {
            (void)alone.feed(c, ignore);
            return (e = dec.feed(c, on_entry)) == sandlog::error::ok;
          }))
        return e == sandlog::error::ok ? 1 : fail(f, e, dec.error_offset());
      headless += alone.joiner().stats().headless;
    }
    if (sandlog::error e = dec.finish(); e != sandlog::error::ok) return fail("local", e, dec.error_offset());
    if (sandlog::error e = joiner.finish(on_message); e != sandlog::error::ok) return fail("join", e, 0);
    std::fprintf(stderr, "records=%llu bytes=%llu entries=%llu broken=%llu headless_files=%llu\n",
                 static_cast<unsigned long long>(out.records),
                 static_cast<unsigned long long>(out.bytes),
                 static_cast<unsigned long long>(dec.records()),
                 static_cast<unsigned long long>(joiner.stats().broken),
                 static_cast<unsigned long long>(headless));
    std::fflush(stdout);
    return 0;
  }

  if (mode == "api" && files.size() == 1) {
    sandlog::api_options opts;
    opts.timestamps = timestamps;
    opts.max_line = max_line;
    opts.on_overflow = sandlog::overflow::fail;
    sandlog::docker_api_decoder dec(opts);
    bool decided = mux, raw = false;
    std::string head;
    auto sink = [&](const sandlog::joined_record& j) {
      if (!wanted(filter, j.record.stream)) return;
      ++out.records;
      if (times && j.record.has_time) {
        char buf[sandlog::max_timestamp_chars];
        sandlog::format_options fo;
        fo.fraction = sandlog::fraction_digits::nano;
        char* end = sandlog::format_timestamp(j.record.time, buf, fo);
        out.put(std::string_view(buf, static_cast<std::size_t>(end - buf)));
        out.put(" ");
      }
      out.put(j.record.message);
      if (!j.is_unterminated()) out.put("\n");
    };
    sandlog::error e = sandlog::error::ok;
    auto feed = [&](std::string_view c) {
      if (!decided) {
        // the framing is told by the first bytes; gather up to 64 of them
        head.append(c);
        const sandlog::body_kind k = sandlog::detect_body(head);
        if (k == sandlog::body_kind::undecided && head.size() < 64) return true;
        decided = true;
        raw = k == sandlog::body_kind::raw;
        c = head;
      }
      if (raw) {
        out.put(c);
        return true;
      }
      return (e = dec.feed(c, sink)) == sandlog::error::ok;
    };
    if (!read_chunks(files[0], feed)) {
      if (e == sandlog::error::ok) return 1;
    }
    if (!decided && !head.empty()) dec.feed(head, sink);  // shorter than a header: finish says so
    if (!raw) {
      const sandlog::error fin = dec.finish(sink);
      if (fin != sandlog::error::ok) {
        std::fflush(stdout);
        if (fin == sandlog::error::daemon_error)
          std::fprintf(stderr, "decode: daemon: %s\n", std::string(dec.error_message()).c_str());
        return fail(files[0], fin, dec.error_offset());
      }
    }
    std::fprintf(stderr, "records=%llu bytes=%llu frames=%llu raw=%d\n",
                 static_cast<unsigned long long>(out.records), static_cast<unsigned long long>(out.bytes),
                 static_cast<unsigned long long>(dec.frames()), raw ? 1 : 0);
    std::fflush(stdout);
    return 0;
  }
  if (mode == "api-resume" && (files.size() == 1 || files.size() == 2)) {
    sandlog::api_options opts;
    opts.timestamps = true;
    opts.max_line = max_line;
    opts.on_overflow = sandlog::overflow::fail;
    // Docker's since= takes nanoseconds and keeps the records at that instant.
    sandlog::resume_options ro;
    ro.precision =
        seconds ? sandlog::since_precision::seconds : sandlog::since_precision::nanoseconds;
    if (seconds) ro.max_remembered = std::size_t{1} << 22;
    sandlog::resume_cursor cursor(ro);
    std::uint64_t first = 0;
    bool second_part = false;
    auto sink = [&](const sandlog::joined_record& j) {
      if (cursor.admit(j.record) != sandlog::admit_verdict::deliver) return;
      if (!second_part) ++first;
      if (files.size() == 1) return;
      ++out.records;
      char buf[sandlog::max_timestamp_chars];
      sandlog::format_options fo;
      fo.fraction = sandlog::fraction_digits::nano;
      char* end = sandlog::format_timestamp(j.record.time, buf, fo);
      out.put(std::string_view(buf, static_cast<std::size_t>(end - buf)));
      out.put(" ");
      out.put(j.record.message);
      if (!j.is_unterminated()) out.put("\n");
    };
    {
      // The connection lost: what the decoder holds of a frame or a line is
      // dropped with it (no finish()).
      sandlog::docker_api_decoder dec(opts);
      sandlog::error e = sandlog::error::ok;
      if (!read_chunks(files[0], [&](std::string_view c) {
            return (e = dec.feed(c, sink)) == sandlog::error::ok;
          }))
        return e == sandlog::error::ok ? 1 : fail(files[0], e, dec.error_offset());
    }
    const std::optional<sandlog::timestamp> since = cursor.reconnect();
    if (!since) {
      std::fprintf(stderr, "decode: %s: no complete timestamped record before the cut\n", files[0]);
      return 1;
    }
    char since_text[40];
    std::snprintf(since_text, sizeof since_text, "%lld.%09u",
                  static_cast<long long>(since->seconds), static_cast<unsigned>(since->nanos));
    if (files.size() == 1) {
      std::printf("%s\n", since_text);
      return 0;
    }
    second_part = true;
    sandlog::docker_api_decoder dec(opts);
    sandlog::error e = sandlog::error::ok;
    if (!read_chunks(files[1], [&](std::string_view c) {
          return (e = dec.feed(c, sink)) == sandlog::error::ok;
        }))
      return e == sandlog::error::ok ? 1 : fail(files[1], e, dec.error_offset());
    if (sandlog::error fin = dec.finish(sink); fin != sandlog::error::ok)
      return fail(files[1], fin, dec.error_offset());
    const sandlog::resume_stats& st = cursor.stats();
    std::fprintf(stderr, "records=%llu first=%llu replayed=%llu older=%llu exact=%d since=%s\n",
                 static_cast<unsigned long long>(out.records),
                 static_cast<unsigned long long>(first),
                 static_cast<unsigned long long>(st.replayed),
                 static_cast<unsigned long long>(st.older), cursor.exact() ? 1 : 0, since_text);
    std::fflush(stdout);
    return cursor.exact() ? 0 : 1;
  }
  std::fprintf(stderr, "decode: unknown mode or arguments\n");
  return 2;
}
