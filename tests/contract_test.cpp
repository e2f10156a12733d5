// The API contract error.hpp states, checked across the parts: every sink
// may return void or an error, and an error other than error::ok stops the
// call that feeds it; counts come from count_ sentinels.
#include <sandlog.hpp>
#include <sandlog/json.hpp>
#include <sandlog/logfmt.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

using sandlog::error;
using sandlog::stream_kind;

namespace {

// The error the test sinks stop with: one no part returns by itself.
constexpr error stop_error = error::bad_predicate;

// A sink that keeps what it is given and stops once it holds `limit` items.
template <class T>
struct stopping_sink {
  std::size_t limit;
  std::vector<std::string> got;
  error operator()(const T& item) {
    got.emplace_back(text_of(item));
    return got.size() >= limit ? stop_error : error::ok;
  }
  static std::string text_of(const sandlog::line& l) { return std::string(l.text); }
  static std::string text_of(const sandlog::joined_record& j) { return std::string(j.record.message); }
  static std::string text_of(const sandlog::sse_event& e) { return std::string(e.data); }
  static std::string text_of(const sandlog::log_entry& e) { return std::string(e.line); }
  static std::string text_of(const sandlog::logfmt_field& f) { return std::string(f.key()); }
  static std::string text_of(std::string_view s) { return std::string(s); }
};

std::string frame(unsigned type, std::string_view payload) {
  std::string h(8, '\0');
  const auto n = static_cast<std::uint32_t>(payload.size());
  h[0] = static_cast<char>(type);
  h[4] = static_cast<char>(n >> 24);
  h[5] = static_cast<char>(n >> 16);
  h[6] = static_cast<char>(n >> 8);
  h[7] = static_cast<char>(n);
  return h + std::string(payload);
}

sandlog::log_record cri(bool partial, std::string_view message, stream_kind s = stream_kind::out) {
  sandlog::log_record r;
  r.has_time = true;
  r.stream = s;
  r.partial = partial;
  r.message = message;
  return r;
}

}  // namespace

TEST_CASE("a line sink that returns an error stops the splitter inside a chunk") {
  // Enough lines that the hot loop, not the tail, delivers the stopping one.
  std::string chunk;
  for (int i = 0; i < 40; ++i) chunk += "line " + std::to_string(i) + "\n";
  sandlog::line_splitter s;
  stopping_sink<sandlog::line> sink{3, {}};
  CHECK(s.feed(chunk, sink) == stop_error);
  CHECK(sink.got == std::vector<std::string>{"line 0", "line 1", "line 2"});
  CHECK(s.last_error() == stop_error);
  // Sticky until reset(): nothing more is delivered.
  CHECK(s.feed("more\n", sink) == stop_error);
  CHECK(s.finish(sink) == stop_error);
  CHECK(sink.got.size() == 3);
  s.reset();
  CHECK(s.last_error() == error::ok);
  std::vector<std::string> after;
  CHECK(s.feed("again\n", [&](const sandlog::line& l) { after.emplace_back(l.text); }) == error::ok);
  CHECK(after == std::vector<std::string>{"again"});
}

TEST_CASE("a line sink can stop on a line that spans chunks, on a piece, and at finish") {
  sandlog::line_splitter carried;
  stopping_sink<sandlog::line> one{1, {}};
  CHECK(carried.feed("sta", one) == error::ok);
  CHECK(carried.feed("rt\nnext\n", one) == stop_error);
  CHECK(one.got == std::vector<std::string>{"start"});

  sandlog::line_splitter pieces({4, sandlog::line_ending::lf, sandlog::overflow::split});
  stopping_sink<sandlog::line> two{2, {}};
  CHECK(pieces.feed("abcdefghijkl\n", two) == stop_error);
  CHECK(two.got == std::vector<std::string>{"abcd", "efgh"});

  sandlog::line_splitter tail;
  stopping_sink<sandlog::line> last{1, {}};
  CHECK(tail.feed("no newline", last) == error::ok);
  CHECK(tail.finish(last) == stop_error);
  CHECK(last.got == std::vector<std::string>{"no newline"});
}

TEST_CASE("a Docker line sink that returns an error stops the stream") {
  sandlog::docker_line_splitter d;
  std::vector<std::string> got;
  auto sink = [&](stream_kind, const sandlog::line& l) {
    got.emplace_back(l.text);
    return got.size() == 2 ? stop_error : error::ok;
  };
  CHECK(d.feed(frame(1, "a\nb\nc\n") + frame(2, "d\n"), sink) == stop_error);
  CHECK(got == std::vector<std::string>{"a", "b"});
  CHECK(d.feed(frame(1, "e\n"), sink) == stop_error);
  CHECK(got.size() == 2);

  sandlog::docker_line_splitter open;
  std::vector<std::string> tails;
  CHECK(open.feed(frame(1, "out") + frame(2, "err"), [](stream_kind, const sandlog::line&) {}) ==
        error::ok);
  CHECK(open.finish([&](stream_kind, const sandlog::line& l) {
    tails.emplace_back(l.text);
    return stop_error;
  }) == stop_error);
  CHECK(tails == std::vector<std::string>{"out"});  // stderr's line is not given after the stop
}

TEST_CASE("a joined-record sink that returns an error stops the joiner") {
  sandlog::cri_joiner j;
  stopping_sink<sandlog::joined_record> sink{2, {}};
  CHECK(j.add(cri(false, "one"), sink) == error::ok);
  CHECK(j.add(cri(true, "tw"), sink) == error::ok);
  CHECK(j.add(cri(false, "o"), sink) == stop_error);
  CHECK(sink.got == std::vector<std::string>{"one", "two"});
  CHECK(j.last_error() == stop_error);
  CHECK(j.add(cri(false, "three"), sink) == stop_error);
  CHECK(sink.got.size() == 2);
  j.reset();
  CHECK(j.add(cri(false, "four"), sink) == stop_error);  // the sink stops at every item now
  CHECK(sink.got.back() == "four");

  sandlog::cri_joiner pending;
  stopping_sink<sandlog::joined_record> first{1, {}};
  CHECK(pending.add(cri(true, "out", stream_kind::out), first) == error::ok);
  CHECK(pending.add(cri(true, "err", stream_kind::err), first) == error::ok);
  CHECK(pending.finish(first) == stop_error);
  CHECK(first.got == std::vector<std::string>{"out"});
}

TEST_CASE("an SSE sink that returns an error stops decoding until finish") {
  sandlog::sse_decoder d;
  stopping_sink<sandlog::sse_event> sink{1, {}};
  CHECK(d.feed("data: a\n\ndata: b\n\n", sink) == stop_error);
  CHECK(sink.got == std::vector<std::string>{"a"});
  CHECK(d.feed("data: c\n\n", sink) == stop_error);
  d.finish();
  std::vector<std::string> after;
  CHECK(d.feed("data: d\n\n", [&](const sandlog::sse_event& e) { after.emplace_back(e.data); }) ==
        error::ok);
  CHECK(after == std::vector<std::string>{"d"});
}

TEST_CASE("a page sink that returns an error stops the page") {
  sandlog::event_decoder d;
  stopping_sink<sandlog::log_entry> sink{2, {}};
  const sandlog::json_result r = d.decode_page(
      R"({"logs":[{"timestamp":"2026-03-06T10:00:00Z","line":"a"},)"
      R"({"timestamp":"2026-03-06T10:00:01Z","line":"b"},)"
      R"({"timestamp":"2026-03-06T10:00:02Z","line":"c"}]})",
      sink);
  CHECK(r.ec == stop_error);
  CHECK(r.entries == 2);
  CHECK(sink.got == std::vector<std::string>{"a", "b"});

  // One NDJSON line per entry: the same rule.
  stopping_sink<sandlog::log_entry> ndjson{1, {}};
  const sandlog::json_result n = d.decode_page(
      "{\"timestamp\":\"2026-03-06T10:00:00Z\",\"line\":\"x\"}\n"
      "{\"timestamp\":\"2026-03-06T10:00:01Z\",\"line\":\"y\"}\n",
      ndjson);
  CHECK(n.ec == stop_error);
  CHECK(ndjson.got == std::vector<std::string>{"x"});
}

TEST_CASE("a JSON field visitor stops the walk by returning true or an error") {
  sandlog::event_decoder d;
  REQUIRE(d.decode_fields(R"({"a":1,"b":2,"c":3})"));
  std::vector<std::string> keys;
  CHECK(d.for_each_field([&](const sandlog::json_field& f) {
    keys.emplace_back(f.key());
    return f.key() == "b" ? stop_error : error::ok;
  }));
  CHECK(keys == std::vector<std::string>{"a", "b"});
}

TEST_CASE("a logfmt sink that returns an error stops at that field") {
  const std::string_view message = "a=1 b=2 c=3";
  stopping_sink<sandlog::logfmt_field> sink{2, {}};
  const sandlog::parse_result r = sandlog::parse_logfmt(message, sink);
  CHECK(r.ec == stop_error);
  CHECK(r.ptr == message.data() + 4);  // the key of the field that stopped it
  CHECK(sink.got == std::vector<std::string>{"a", "b"});
}

TEST_CASE("a tail visitor that returns an error stops the walk") {
  sandlog::tail_buffer t(4);
  for (const char* s : {"one", "two", "three"}) t.push(s);
  stopping_sink<std::string_view> sink{2, {}};
  CHECK(t.for_each(sink) == stop_error);
  CHECK(sink.got == std::vector<std::string>{"one", "two"});
  std::size_t n = 0;
  CHECK(t.for_each([&](std::string_view) { ++n; }) == error::ok);
  CHECK(n == 3);
}

TEST_CASE("the demuxer's sink may stop it too") {
  sandlog::docker_demuxer d;
  int pieces = 0;
  CHECK(d.feed(frame(1, "a") + frame(1, "b"), [&](const sandlog::frame_piece&) {
    ++pieces;
    return stop_error;
  }) == stop_error);
  CHECK(pieces == 1);
}

TEST_CASE("counts come from count_ sentinels") {
  CHECK(sandlog::lifecycle_count == static_cast<std::size_t>(sandlog::lifecycle::count_));
  CHECK(sandlog::lifecycle_count == 7);
  CHECK(sandlog::anomaly_kind_count == static_cast<std::size_t>(sandlog::anomaly_kind::count_));
  CHECK(sandlog::anomaly_kind_count == 6);
  for (std::size_t i = 0; i < sandlog::lifecycle_count; ++i) {
    const auto s = static_cast<sandlog::lifecycle>(i);
    CHECK(sandlog::parse_lifecycle(sandlog::to_string(s)) == s);
  }
  CHECK(sandlog::to_string(sandlog::lifecycle::count_) == "sandbox.lifecycle.unknown");
  CHECK(to_string(error::count_) == "unknown error");
}

TEST_CASE("a lifecycle value that is no state is an unknown event, never an index") {
  sandlog::lifecycle_tracker t;
  t.apply(sandlog::timestamp{}, sandlog::lifecycle::created);
  t.apply(sandlog::timestamp{1, 0, 0}, sandlog::lifecycle::count_);
  CHECK(t.state() == sandlog::lifecycle::created);
  CHECK(t.anomaly_count(sandlog::anomaly_kind::unknown_event) == 1);
  CHECK(t.events() == 2);
}

TEST_CASE("a byte after a whole timestamp is trailing_bytes in every whole-text reader") {
  CHECK(sandlog::parse_timestamp_value("2026-03-06T10:00:00Zx").ec == error::trailing_bytes);
  sandlog::event_decoder d;
  sandlog::log_record r;
  CHECK(d.decode_docker_json(R"({"log":"a\n","stream":"stdout","time":"2026-03-06T10:00:00Z "})",
                             r)
            .ec == error::trailing_bytes);
  const auto page =
      d.decode_page(R"([{"timestamp":"2026-03-06T10:00:00Z ","line":"x"}])", [](const auto&) {});
  CHECK(page.ec == error::trailing_bytes);
  CHECK(page.field == "timestamp");
}
