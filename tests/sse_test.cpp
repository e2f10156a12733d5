// Specification of sse_decoder: the WHATWG event stream interpretation rules,
// chunking invariance, limits and memory.
#include <catch2/catch.hpp>

#include <sandlog/sse.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "support/counting_allocator.hpp"
#include "support/vectors.hpp"

namespace {

struct event {
  std::string type, data, id;
  bool operator==(const event& o) const {
    return type == o.type && data == o.data && id == o.id;
  }
};

std::ostream& operator<<(std::ostream& os, const event& e) {
  return os << "{" << e.type << "|" << e.data << "|" << e.id << "}";
}

struct outcome {
  std::vector<event> events;
  std::string last_id;
  std::uint64_t too_long = 0;
  bool operator==(const outcome& o) const {
    return events == o.events && last_id == o.last_id && too_long == o.too_long;
  }
};

std::ostream& operator<<(std::ostream& os, const outcome& o) {
  os << "[";
  for (const auto& e : o.events) os << e;
  return os << "] last_id=" << o.last_id << " too_long=" << o.too_long;
}

// Decodes `chunks` in order, then ends the stream.
outcome decode_chunks(const std::vector<std::string>& chunks, sandlog::sse_options opts = {}) {
  sandlog::sse_decoder d(opts);
  outcome out;
  for (const auto& c : chunks) {
    d.feed(c, [&](const sandlog::sse_event& e) {
      out.events.push_back({std::string(e.type), std::string(e.data), std::string(e.id)});
    });
  }
  d.finish();
  out.last_id = std::string(d.last_event_id());
  out.too_long = d.stats().too_long;
  return out;
}

outcome decode(const std::string& s, sandlog::sse_options opts = {}) {
  return decode_chunks({s}, opts);
}

// A slow, independent reading of the standard over the whole stream at once.
outcome reference(std::string s) {
  outcome out;
  if (s.compare(0, 3, "\xEF\xBB\xBF") == 0) s.erase(0, 3);
  std::string data, type, id, last_id;
  std::size_t i = 0;
  while (true) {
    std::size_t j = s.find_first_of("\r\n", i);
    if (j == std::string::npos) break;  // an unterminated line ends the stream unread
    std::string ln = s.substr(i, j - i);
    i = j + 1;
    if (s[j] == '\r' && i < s.size() && s[i] == '\n') ++i;
    if (ln.empty()) {
      last_id = id;
      if (!data.empty()) {
        data.pop_back();
        out.events.push_back({type.empty() ? "message" : type, data, last_id});
      }
      data.clear();
      type.clear();
      continue;
    }
    if (ln[0] == ':') continue;
    std::string name = ln, value;
    auto c = ln.find(':');
    if (c != std::string::npos) {
      name = ln.substr(0, c);
      value = ln.substr(c + 1);
      if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    }
    if (name == "data") data += value + "\n";
    if (name == "event") type = value;
    if (name == "id" && value.find('\0') == std::string::npos) id = value;
  }
  out.last_id = last_id;
  return out;
}

// Every way to cut `s` into two or three chunks gives `expected`.
void check_every_chunking(const std::string& s, const outcome& expected) {
  INFO("stream: " << s);
  REQUIRE(decode(s) == expected);
  const std::size_t n = s.size();
  for (std::size_t a = 0; a <= n; ++a) {
    REQUIRE(decode_chunks({s.substr(0, a), s.substr(a)}) == expected);
    for (std::size_t b = a; b <= n; ++b) {
      const auto got = decode_chunks({s.substr(0, a), s.substr(a, b - a), s.substr(b)});
      if (!(got == expected)) {
        INFO("cuts at " << a << " and " << b);
        REQUIRE(got == expected);
      }
    }
  }
}

std::string with_endings(const std::string& lf_text, const char* const* endings, std::size_t k) {
  std::string out;
  std::size_t i = 0;
  for (const char c : lf_text) {
    if (c == '\n') {
      const char* e = endings[i++ % k];
      // "\r" then "\n" would read as one CRLF and swallow a blank line.
      if (!out.empty() && out.back() == '\r' && e[0] == '\n') e = "\r";
      out += e;
    } else {
      out += c;
    }
  }
  return out;
}

// The WHATWG examples, written with LF; every test also runs them with CR,
// CRLF and mixes.
const std::vector<std::pair<std::string, std::vector<event>>>& whatwg_examples() {
  static const std::vector<std::pair<std::string, std::vector<event>>> cases = {
      {"data: YHOO\ndata: +2\ndata: 10\n\n", {{"message", "YHOO\n+2\n10", ""}}},
      {": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third "
       "event\n\n",
       {{"message", "first event", "1"}, {"message", "second event", ""},
        {"message", " third event", ""}}},
      {"data\n\ndata\ndata\n\ndata:", {{"message", "", ""}, {"message", "\n", ""}}},
      {"data:test\n\ndata: test\n\n", {{"message", "test", ""}, {"message", "test", ""}}},
      {"event: add\ndata: 73857293\n\nevent: remove\ndata: 2153\n\nevent: add\ndata: 113411\n\n",
       {{"add", "73857293", ""}, {"remove", "2153", ""}, {"add", "113411", ""}}},
  };
  return cases;
}

}  // namespace

TEST_CASE("the WHATWG examples decode as the standard shows") {
  for (const auto& c : whatwg_examples()) {
    INFO(c.first);
    outcome expected;
    expected.events = c.second;
    expected.last_id = c.second.empty() ? "" : c.second.back().id;
    REQUIRE(decode(c.first) == expected);
    REQUIRE(reference(c.first) == expected);
  }
}

TEST_CASE("every cut into two or three chunks gives the same events, with LF, CR, CRLF and mixes") {
  static const char* const lf[] = {"\n"};
  static const char* const cr[] = {"\r"};
  static const char* const crlf[] = {"\r\n"};
  static const char* const mix[] = {"\r\n", "\r", "\n"};
  static const char* const mix2[] = {"\r", "\r\n", "\n", "\r"};
  for (const auto& c : whatwg_examples()) {
    check_every_chunking(with_endings(c.first, lf, 1), reference(c.first));
    check_every_chunking(with_endings(c.first, cr, 1), reference(c.first));
    check_every_chunking(with_endings(c.first, crlf, 1), reference(c.first));
    check_every_chunking(with_endings(c.first, mix, 3), reference(c.first));
    check_every_chunking(with_endings(c.first, mix2, 4), reference(c.first));
  }
}

TEST_CASE("a CR ending one chunk and an LF starting the next are one terminator") {
  // Were they two, the LF would be a blank line and dispatch "a" early.
  const auto got = decode_chunks({"data: a\r", "\ndata: b\r", "\n\r", "\n"});
  REQUIRE(got.events == std::vector<event>{{"message", "a\nb", ""}});
}

TEST_CASE("CR CR is a line end and a blank line") {
  REQUIRE(decode("data: a\r\r").events == std::vector<event>{{"message", "a", ""}});
  REQUIRE(decode_chunks({"data: a\r", "\r"}).events == std::vector<event>{{"message", "a", ""}});
}

TEST_CASE("a leading BOM is dropped, even split across chunks") {
  const std::string s = "\xEF\xBB\xBF" "data: x\n\n";
  outcome expected;
  expected.events = {{"message", "x", ""}};
  check_every_chunking(s, expected);
}

TEST_CASE("only the first BOM is dropped; a second one is part of the field name") {
  REQUIRE(decode("\xEF\xBB\xBF\xEF\xBB\xBF" "data: x\n\n").events.empty());
  REQUIRE(decode("data: a\n\n\xEF\xBB\xBF" "data: b\n\n").events ==
          std::vector<event>{{"message", "a", ""}});
}

TEST_CASE("a prefix of a BOM is text, whatever the chunking") {
  // "\xEF\xBB" then "data": a field named "\xEF\xBB" "data", ignored; but the
  // bytes must reach the line, not vanish, so a ':' right after them is a comment.
  outcome none;
  check_every_chunking("\xEF\xBB" "data: x\n\n", none);
  check_every_chunking("\xEF" "data: x\n\n", none);
  outcome one;
  one.events = {{"message", "y", ""}};
  check_every_chunking("\xEF\n\ndata: y\n\n", one);
  check_every_chunking("\xEF\xBB\xBF\n\ndata: y\n\n", one);
}

TEST_CASE("a BOM is dropped again at the start of the next stream after finish") {
  sandlog::sse_decoder d;
  int n = 0;
  auto count = [&](const sandlog::sse_event&) { ++n; };
  d.feed("\xEF\xBB\xBF" "data: 1\n\n", count);
  d.finish();
  d.feed("\xEF\xBB", count);
  d.feed("\xBF" "data: 2\n\n", count);
  REQUIRE(n == 2);
}

TEST_CASE("a field without a colon is a name with an empty value") {
  REQUIRE(decode("data\n\n").events == std::vector<event>{{"message", "", ""}});
  REQUIRE(decode("event\ndata: x\n\n").events == std::vector<event>{{"message", "x", ""}});
}

TEST_CASE("only one space after the colon is removed, and no tab") {
  REQUIRE(decode("data:   x \n\n").events == std::vector<event>{{"message", "  x ", ""}});
  REQUIRE(decode("data:\tx\n\n").events == std::vector<event>{{"message", "\tx", ""}});
  REQUIRE(decode("data: a:b\n\n").events == std::vector<event>{{"message", "a:b", ""}});
}

TEST_CASE("field names are case-sensitive and unknown fields are ignored") {
  REQUIRE(decode("Data: x\n\n").events.empty());
  REQUIRE(decode("foo: x\ndata: y\n\n").events == std::vector<event>{{"message", "y", ""}});
}

TEST_CASE("comments are ignored and counted") {
  sandlog::sse_decoder d;
  std::vector<std::string> got;
  d.feed(":keep-alive\n: x\ndata: a\n:mid\ndata: b\n\n",
         [&](const sandlog::sse_event& e) { got.emplace_back(e.data); });
  REQUIRE(got == std::vector<std::string>{"a\nb"});
  REQUIRE(d.stats().comments == 3);
}

TEST_CASE("a blank line with no data dispatches nothing but resets the event type") {
  REQUIRE(decode("event: x\n\ndata: y\n\n").events == std::vector<event>{{"message", "y", ""}});
}

TEST_CASE("the event id persists across events until changed") {
  const auto got = decode("id: 7\ndata: a\n\ndata: b\n\nid: 8\ndata: c\n\nid\ndata: d\n\n");
  REQUIRE(got.events == std::vector<event>{{"message", "a", "7"},
                                           {"message", "b", "7"},
                                           {"message", "c", "8"},
                                           {"message", "d", ""}});
}

TEST_CASE("an id containing NUL is ignored") {
  static const char raw[] = "id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n";
  const std::string s(raw, sizeof raw - 1);
  const auto got = decode(s);
  REQUIRE(got.events == std::vector<event>{{"message", "a", "1"}, {"message", "b", "1"}});
}

TEST_CASE("a blank line updates the last event ID even without data") {
  sandlog::sse_decoder d;
  d.feed("id: 5\n\n", [](const sandlog::sse_event&) {});
  REQUIRE(d.last_event_id() == "5");
}

TEST_CASE("an unfinished event at the end of the stream is discarded, with its id") {
  const auto got = decode("id: 1\ndata: a\n\nid: 2\ndata: b\n");
  REQUIRE(got.events == std::vector<event>{{"message", "a", "1"}});
  REQUIRE(got.last_id == "1");
  REQUIRE(decode("data: a").events.empty());
}

TEST_CASE("an id read in an event the stream ended before is not carried into the next stream") {
  // Carried over, it would label the next stream's events and become
  // Last-Event-ID, so a client would resume past an event it never saw.
  sandlog::sse_decoder d;
  std::vector<std::string> ids;
  auto sink = [&](const sandlog::sse_event& e) { ids.emplace_back(e.id); };
  d.feed("id: 1\ndata: x\n", sink);
  d.finish();
  REQUIRE(d.last_event_id().empty());
  d.feed("data: y\n\ndata: z\n\n", sink);
  d.finish();
  REQUIRE(ids == std::vector<std::string>{"", ""});
  REQUIRE(d.last_event_id().empty());
}

TEST_CASE("the last dispatched id is carried into the next stream") {
  sandlog::sse_decoder d;
  std::vector<std::string> ids;
  auto sink = [&](const sandlog::sse_event& e) { ids.emplace_back(e.id); };
  d.feed("id: 1\ndata: a\n\nid: 2\n", sink);
  d.finish();
  d.feed("data: b\n\n", sink);
  REQUIRE(ids == std::vector<std::string>{"1", "1"});
  REQUIRE(d.last_event_id() == "1");
}

namespace {

struct wpt_case {
  std::string name, source;
  std::vector<std::string> streams;
  std::vector<event> events;
  std::string last_id;
  bool check_last_id = false;
  std::optional<std::uint64_t> retry;
  bool check_retry = false;
};

std::vector<wpt_case> load_wpt_cases(std::string& error) {
  std::vector<wpt_case> cases;
  const auto lines = sandlog_test::read_vectors("sse_wpt.txt", error);
  for (const auto& l : lines) {
    const auto bad = [&] {
      error = "sse_wpt.txt:" + std::to_string(l.number) + ": bad " + l.keyword + " line";
      return std::vector<wpt_case>{};
    };
    if (l.keyword == "case") {
      if (l.args.size() != 2) return bad();
      cases.push_back({});
      cases.back().name = l.args[0];
      cases.back().source = l.args[1];
      continue;
    }
    if (cases.empty()) return bad();
    wpt_case& c = cases.back();
    if (l.keyword == "stream") {
      std::string bytes;
      for (const auto& part : l.args) bytes += part;
      c.streams.push_back(bytes);
    } else if (l.keyword == "event" && l.args.size() == 3) {
      c.events.push_back({l.args[0], l.args[1], l.args[2]});
    } else if (l.keyword == "last_id" && l.args.size() == 1) {
      c.last_id = l.args[0];
      c.check_last_id = true;
    } else if (l.keyword == "retry" && l.args.size() == 1) {
      c.check_retry = true;
      if (l.args[0] != "none") c.retry = std::stoull(l.args[0]);
    } else {
      return bad();
    }
  }
  return cases;
}

struct wpt_outcome {
  std::vector<event> events;
  std::string last_id;
  std::optional<std::uint64_t> retry;
};

// Each stream is cut into pieces of `piece` bytes (0: whole), each piece fed
// from its own exact-size copy, then the stream ends with finish().
wpt_outcome run_wpt(const wpt_case& c, std::size_t first_cut, std::size_t piece) {
  sandlog::sse_decoder d;
  wpt_outcome out;
  auto sink = [&](const sandlog::sse_event& e) {
    out.events.push_back({std::string(e.type), std::string(e.data), std::string(e.id)});
  };
  for (const auto& s : c.streams) {
    std::size_t at = 0;
    auto feed_copy = [&](std::size_t n) {
      const std::string copy = s.substr(at, n);
      d.feed(copy, sink);
      at += copy.size();
    };
    feed_copy(first_cut);
    while (at < s.size()) feed_copy(piece == 0 ? s.size() : piece);
    d.finish();
  }
  out.last_id = std::string(d.last_event_id());
  out.retry = d.retry();
  return out;
}

}  // namespace

TEST_CASE("the WPT eventsource parsing cases give the events the tests assert") {
  std::string error;
  const auto cases = load_wpt_cases(error);
  INFO(error);
  REQUIRE(error.empty());
  REQUIRE(cases.size() >= 25);
  for (const auto& c : cases) {
    INFO("case " << c.name << " from " << c.source);
    REQUIRE(!c.streams.empty());
    std::size_t longest = 0;
    for (const auto& s : c.streams) longest = std::max(longest, s.size());
    auto check = [&](std::size_t first_cut, std::size_t piece) {
      const wpt_outcome got = run_wpt(c, first_cut, piece);
      INFO("first cut " << first_cut << ", then pieces of " << piece);
      REQUIRE(got.events == c.events);
      if (c.check_last_id) REQUIRE(got.last_id == c.last_id);
      if (c.check_retry) REQUIRE(got.retry == c.retry);
    };
    check(longest, 0);
    check(0, 1);  // byte by byte
    for (std::size_t cut = 0; cut <= longest; ++cut) check(cut, 0);
  }
}

TEST_CASE("retry is taken only when it is all ASCII digits") {
  auto retry_of = [](const std::string& s) {
    sandlog::sse_decoder d;
    d.feed(s, [](const sandlog::sse_event&) {});
    return d.retry();
  };
  REQUIRE(retry_of("retry: 1500\n") == std::optional<std::uint64_t>(1500));
  REQUIRE(retry_of("retry: 0\n") == std::optional<std::uint64_t>(0));
  REQUIRE_FALSE(retry_of("retry: 15a\n").has_value());
  REQUIRE_FALSE(retry_of("retry: -1\n").has_value());
  REQUIRE_FALSE(retry_of("retry: \n").has_value());
  REQUIRE_FALSE(retry_of("retry:  15\n").has_value());
  REQUIRE_FALSE(retry_of("retry: 1.5\n").has_value());
  REQUIRE_FALSE(retry_of("retry: 99999999999999999999999\n").has_value());
  REQUIRE(retry_of("retry: 10\nretry: x\n") == std::optional<std::uint64_t>(10));
}

TEST_CASE("the last event ID can be restored for a new decoder") {
  sandlog::sse_decoder d;
  d.set_last_event_id("41");
  std::string id;
  d.feed("data: x\n\n", [&](const sandlog::sse_event& e) { id = std::string(e.id); });
  REQUIRE(id == "41");
}

TEST_CASE("an event over max_event is dropped and reported; its neighbours are kept") {
  sandlog::sse_options opts;
  opts.max_event = 10;
  sandlog::sse_decoder d(opts);
  std::vector<std::string> got;
  auto sink = [&](const sandlog::sse_event& e) { got.emplace_back(e.data); };
  REQUIRE(d.feed("data: 123456789\n\n", sink) == sandlog::error::ok);  // 9 + "\n" = 10: fits
  REQUIRE(d.feed("data: 12345\ndata: 67890\n\n", sink) == sandlog::error::event_too_long);
  REQUIRE(d.feed("data: ok\n\n", sink) == sandlog::error::ok);
  REQUIRE(got == std::vector<std::string>{"123456789", "ok"});
  REQUIRE(d.stats().too_long == 1);
  REQUIRE(d.stats().events == 2);
}

TEST_CASE("an event type counts toward max_event") {
  sandlog::sse_options opts;
  opts.max_event = 10;
  const auto got = decode("event: abcdef\ndata: 12345\n\ndata: x\n\n", opts);
  REQUIRE(got.events == std::vector<event>{{"message", "x", ""}});
  REQUIRE(got.too_long == 1);
}

TEST_CASE("a line far over the limit drops its event, whatever the chunking") {
  sandlog::sse_options opts;
  opts.max_event = 8;
  const std::string s = "data: a\n\ndata: " + std::string(100, 'z') + "\ndata: q\n\ndata: b\n\n";
  outcome expected;
  expected.events = {{"message", "a", ""}, {"message", "b", ""}};
  expected.too_long = 1;
  for (std::size_t cut = 0; cut <= s.size(); ++cut)
    REQUIRE(decode_chunks({s.substr(0, cut), s.substr(cut)}, opts) == expected);
}

TEST_CASE("a warm decoder allocates nothing per event") {
  sandlog::sse_decoder d;
  std::string stream;
  for (int i = 0; i < 100; ++i)
    stream += "id: " + std::to_string(1000 + i) + "\nevent: log\ndata: line " +
              std::to_string(i) + "\ndata: second\n\n";
  std::size_t n = 0;
  auto sink = [&](const sandlog::sse_event& e) { n += e.data.size(); };
  auto feed_in_pieces = [&] {
    for (std::size_t i = 0; i < stream.size(); i += 37)
      d.feed(std::string_view(stream).substr(i, 37), sink);
  };
  feed_in_pieces();  // warm up: buffers grow to their working size
  const std::size_t before = sandlog_test::allocations();
  for (int round = 0; round < 10; ++round) feed_in_pieces();
  const std::size_t after = sandlog_test::allocations();
  REQUIRE(after == before);
  REQUIRE(d.stats().events == 1100);
}
