// Docker's Engine API logs body: frames, per-stream lines, frame timestamps.
#include <sandlog/docker_api.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
#include "support/counting_allocator.hpp"
#include "support/docker_formats.hpp"

using sandlog::body_kind;
using sandlog::docker_api_decoder;
using sandlog::error;
using sandlog::stream_kind;
using sandlog_test::mux_frame;
using sandlog_test::ref_message;

namespace {

struct decoded {
  std::vector<ref_message> lines;
  error ec = error::ok;
  std::uint64_t offset = 0;
  std::string daemon_text;
};

decoded decode(std::string_view body, const std::vector<std::size_t>& sizes,
               sandlog::api_options opts) {
  decoded d;
  docker_api_decoder dec(opts);
  auto sink = [&](const sandlog::joined_record& j) { d.lines.push_back(sandlog_test::to_ref(j)); };
  std::size_t i = 0;
  while (!body.empty()) {
    std::size_t n = sizes.empty() ? body.size() : sizes[i++ % sizes.size()];
    if (n > body.size()) n = body.size();
    std::vector<char> block(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(n));
    body.remove_prefix(n);
    if (dec.feed(std::string_view(block.data(), n), sink) != error::ok) break;
  }
  d.ec = dec.finish(sink);
  d.offset = dec.error_offset();
  d.daemon_text = std::string(dec.error_message());
  return d;
}

std::vector<std::vector<std::size_t>> chunkings(std::uint32_t seed) {
  std::vector<std::vector<std::size_t>> out = {{}, {1}, {2}, {5}, {8}, {9}, {37}};
  std::mt19937 rng(seed);
  for (int k = 0; k < 6; ++k) {
    std::vector<std::size_t> sizes;
    for (int j = 0; j < 16; ++j) sizes.push_back(1 + rng() % 50);
    out.push_back(sizes);
  }
  return out;
}

decoded check_all_chunkings(std::string_view body, sandlog::api_options opts = {}) {
  const auto ref = sandlog_test::reference_api(body, opts.timestamps, opts.max_line);
  decoded first;
  bool have = false;
  for (const auto& sizes : chunkings(static_cast<std::uint32_t>(body.size()))) {
    const decoded d = decode(body, sizes, opts);
    INFO("chunkings of " << sizes.size() << " sizes");
    CHECK(d.lines == ref.lines);
    CHECK(d.ec == ref.ec);
    if (d.ec != error::ok) CHECK(d.offset == ref.offset);
    if (d.ec == error::daemon_error) CHECK(d.daemon_text == ref.daemon_text);
    if (!have) {
      first = d;
      have = true;
    }
  }
  return first;
}

sandlog::api_options with_timestamps() {
  sandlog::api_options o;
  o.timestamps = true;
  return o;
}

// The body dockerd 20.10.24 sent for /containers/ID/logs?stdout=1&stderr=1&timestamps=1
// after `echo out; echo err >&2; printf 'a\r\nb\0c\xff\n'; printf nonl`.
std::string dockerd_body() {
  return mux_frame(1, "2026-12-01T21:09:57.030816605Z out\n") +
         mux_frame(1, "2026-12-01T21:09:57.030871269Z a\r\n") +
         mux_frame(1, std::string("2026-12-01T21:09:57.030874806Z b\0c\xff\n", 36)) +
         mux_frame(2, "2026-12-01T21:09:57.030941412Z err\n") +
         mux_frame(1, "2026-12-01T21:09:57.104046579Z nonl");
}

}  // namespace

TEST_CASE("api: a body from dockerd with timestamps gives its lines, timestamps removed") {
  const decoded d = check_all_chunkings(dockerd_body(), with_timestamps());
  REQUIRE(d.ec == error::ok);
  REQUIRE(d.lines.size() == 5);
  CHECK(d.lines[0].text == "out");
  CHECK(d.lines[0].has_time);
  CHECK(d.lines[0].seconds == 1796159397);
  CHECK(d.lines[0].nanos == 30816605);
  CHECK(d.lines[1].text == "a\r");  // Docker splits at '\n' only
  CHECK(d.lines[2].text == std::string("b\0c\xff", 4));
  CHECK(d.lines[3].stream == stream_kind::err);
  CHECK(d.lines[4].text == "nonl");
  CHECK(d.lines[4].flags == sandlog::line::unterminated);
  CHECK(d.lines[4].nanos == 104046579);
}

TEST_CASE("api: without timestamps the frames' bytes are the lines") {
  const std::string body = mux_frame(1, "one\ntwo\n") + mux_frame(2, "three\n") + mux_frame(1, "fo") +
                           mux_frame(1, "ur\n") + mux_frame(1, "") + mux_frame(0, "in\n");
  const decoded d = check_all_chunkings(body);
  REQUIRE(d.ec == error::ok);
  REQUIRE(d.lines.size() == 5);
  CHECK(d.lines[0].text == "one");
  CHECK_FALSE(d.lines[0].has_time);
  CHECK(d.lines[2].text == "three");
  CHECK(d.lines[3].text == "four");
  CHECK(d.lines[4].text == "in");  // stdin frames count as stdout
  CHECK(d.lines[4].stream == stream_kind::out);
}

TEST_CASE("api: a long line's later fragments lose their mid-line timestamps") {
  // What Docker sends for a line of 40000 bytes: three frames, each with the
  // first fragment's time, the last with the '\n'.
  const std::string ts = "2026-12-01T21:10:58.718314432Z ";
  const std::string body = mux_frame(1, ts + std::string(16384, 'a')) +
                           mux_frame(1, ts + std::string(16384, 'b')) +
                           mux_frame(1, ts + std::string(7232, 'c') + "\n") +
                           mux_frame(1, "2026-12-01T21:10:58.720605140Z next\n");
  const decoded d = check_all_chunkings(body, with_timestamps());
  REQUIRE(d.ec == error::ok);
  REQUIRE(d.lines.size() == 2);
  CHECK(d.lines[0].text == std::string(16384, 'a') + std::string(16384, 'b') + std::string(7232, 'c'));
  CHECK(d.lines[0].nanos == 718314432);
  CHECK(d.lines[0].flags == 0);
  CHECK(d.lines[1].text == "next");
  CHECK(d.lines[1].nanos == 720605140);
}

TEST_CASE("api: a line takes the time of the frame holding its first byte") {
  const std::string body = mux_frame(1, "2026-01-01T00:00:01Z ab") +
                           mux_frame(2, "2026-01-01T00:00:02Z err\n") +
                           mux_frame(1, "2026-01-01T00:00:03Z c\nd") +
                           mux_frame(1, "2026-01-01T00:00:04Z \n") +
                           mux_frame(1, "2026-01-01T00:00:05Z \n");
  const decoded d = check_all_chunkings(body, with_timestamps());
  REQUIRE(d.ec == error::ok);
  REQUIRE(d.lines.size() == 4);
  CHECK(d.lines[0].text == "err");
  CHECK(d.lines[0].seconds % 60 == 2);
  CHECK(d.lines[1].text == "abc");
  CHECK(d.lines[1].seconds % 60 == 1);
  CHECK(d.lines[2].text == "d");
  CHECK(d.lines[2].seconds % 60 == 3);
  CHECK(d.lines[3].text.empty());  // an empty line: the frame of its '\n'
  CHECK(d.lines[3].seconds % 60 == 5);
}

TEST_CASE("api: timestamps with offsets and any fraction are accepted") {
  const std::string body = mux_frame(1, "2026-01-01T01:00:00+01:00 x\n") +
                           mux_frame(1, "2026-01-01T00:00:00.5Z y\n") +
                           mux_frame(1, "2026-01-01T00:00:00.123456789-23:59 z\n");
  const decoded d = check_all_chunkings(body, with_timestamps());
  REQUIRE(d.ec == error::ok);
  REQUIRE(d.lines.size() == 3);
  CHECK(d.lines[0].seconds == d.lines[1].seconds);
  CHECK(d.lines[1].nanos == 500000000);
}

TEST_CASE("api: a daemon error frame ends the body with its message, after what came before") {
  const std::string body = mux_frame(1, "ok\n") + mux_frame(1, "open") +
                           mux_frame(3, "Error grabbing logs: boom\n") + mux_frame(1, "never\n");
  const decoded d = check_all_chunkings(body);
  CHECK(d.ec == error::daemon_error);
  CHECK(d.daemon_text == "Error grabbing logs: boom\n");
  CHECK(d.offset == mux_frame(1, "ok\n").size() + mux_frame(1, "open").size());
  REQUIRE(d.lines.size() == 2);
  CHECK(d.lines[0].text == "ok");
  CHECK(d.lines[1].text == "open");
  CHECK(d.lines[1].flags == sandlog::line::unterminated);
}

TEST_CASE("api: a frame whose length runs past the end is an error at its header") {
  const std::string good = mux_frame(1, "fine\n");
  std::string cut = mux_frame(2, "cut off here\n");
  cut.resize(cut.size() - 5);
  for (sandlog::api_options o : {sandlog::api_options{}, with_timestamps()}) {
    const std::string g = o.timestamps ? mux_frame(1, "2026-01-01T00:00:00Z fine\n") : good;
    const std::string c = o.timestamps ? mux_frame(2, "2026-01-01T00:00:00Z cut off\n").substr(0, 30) : cut;
    decoded d = check_all_chunkings(g + c, o);
    CHECK(d.ec == error::truncated_frame);
    CHECK(d.offset == g.size());
    REQUIRE(!d.lines.empty());
    CHECK(d.lines[0].text == "fine");
    // inside a header
    d = check_all_chunkings(g + g + std::string("\x01\x00\x00", 3), o);
    CHECK(d.ec == error::truncated_frame);
    CHECK(d.offset == 2 * g.size());
    CHECK(d.lines.size() == 2);
  }
  // inside the timestamp of a frame
  const decoded d = check_all_chunkings(mux_frame(1, "2026-01-01T00:00:00Z x\n").substr(0, 20),
                                        with_timestamps());
  CHECK(d.ec == error::truncated_frame);
  CHECK(d.offset == 0);
}

TEST_CASE("api: a TTY body given as multiplexed is bad_frame_type at offset 0") {
  const decoded d = check_all_chunkings("hello from a tty\r\nmore\r\n");
  CHECK(d.ec == error::bad_frame_type);
  CHECK(d.offset == 0);
  CHECK(d.lines.empty());
  const std::string body = mux_frame(1, "a\n") + std::string("\x01\x00\x01\x00\x00\x00\x00\x01z", 9);
  const decoded e = check_all_chunkings(body);
  CHECK(e.ec == error::bad_frame_type);
  CHECK(e.offset == mux_frame(1, "a\n").size());
  CHECK(e.lines.size() == 1);
}

TEST_CASE("api: a frame without a valid leading timestamp is an error at the bad byte") {
  struct bad {
    std::string payload;
    error ec;
    std::uint64_t at;  // in the payload
  };
  const std::vector<bad> cases = {
      {"no timestamp here\n", error::bad_year, 0},
      {"2026-13-01T00:00:00Z x\n", error::bad_month, 5},
      {"2026-01-01T00:00:00Zx y\n", error::missing_space, 20},
      {"2026-01-01T00:00:00Z", error::missing_space, 20},  // the whole frame, no space
      {"2026-01-01T00:00:00.1234567890123456789Z x\n", error::too_short, 36},
      {std::string(40, 'x'), error::bad_year, 0},
  };
  const std::string before = mux_frame(1, "2026-01-01T00:00:00Z first\n");
  for (const bad& c : cases) {
    INFO(c.payload);
    const decoded d = check_all_chunkings(before + mux_frame(1, c.payload), with_timestamps());
    CHECK(d.ec == c.ec);
    CHECK(d.offset == before.size() + 8 + c.at);
    REQUIRE(d.lines.size() == 1);
    CHECK(d.lines[0].text == "first");
  }
}

TEST_CASE("api: empty frames need no timestamp") {
  const std::string body = mux_frame(1, "") + mux_frame(1, "2026-01-01T00:00:00Z x\n") + mux_frame(2, "");
  const decoded d = check_all_chunkings(body, with_timestamps());
  CHECK(d.ec == error::ok);
  REQUIRE(d.lines.size() == 1);
}

TEST_CASE("api: lines longer than max_line follow the overflow policy") {
  const std::string body = mux_frame(1, std::string(25, 'x')) + mux_frame(2, "e\n") +
                           mux_frame(1, std::string(10, 'y') + "\n" + std::string(3, 'z'));
  for (std::size_t max : {std::size_t{1}, std::size_t{4}, std::size_t{10}, std::size_t{35},
                          std::size_t{100}}) {
    sandlog::api_options o;
    o.max_line = max;
    INFO("max " << max);
    check_all_chunkings(body, o);
  }
  sandlog::api_options o;
  o.max_line = 8;
  o.on_overflow = sandlog::overflow::fail;
  const decoded d = decode(body, {}, o);
  CHECK(d.ec == error::line_too_long);
}

TEST_CASE("api: whole-frame lines are views into the chunk; steady state allocates nothing") {
  std::string body;
  for (int i = 0; i < 200; ++i)
    body += mux_frame(1 + static_cast<unsigned>(i % 2),
                      "2026-01-01T00:00:00.123456789Z line " + std::to_string(i) + "\n");
  docker_api_decoder dec(with_timestamps());
  bool all_inside = true;
  std::size_t n = 0;
  auto sink = [&](const sandlog::joined_record& j) {
    ++n;
    all_inside = all_inside && j.record.message.data() >= body.data() &&
                 j.record.message.data() < body.data() + body.size();
  };
  REQUIRE(dec.feed(body, sink) == error::ok);
  CHECK(all_inside);
  CHECK(n == 200);
  for (std::size_t k = 0; k < body.size(); k += 11) dec.feed(std::string_view(body).substr(k, 11), sink);
  const std::size_t before = sandlog_test::allocations();
  for (std::size_t k = 0; k < body.size(); k += 11) dec.feed(std::string_view(body).substr(k, 11), sink);
  CHECK(sandlog_test::allocations() == before);
  CHECK(dec.frames() == 600);
}

TEST_CASE("api: detect_body tells frames from raw TTY bytes") {
  CHECK(sandlog::detect_body("") == body_kind::undecided);
  CHECK(sandlog::detect_body(std::string("\x01\x00", 2)) == body_kind::undecided);
  CHECK(sandlog::detect_body("hello\r\n") == body_kind::raw);
  CHECK(sandlog::detect_body(std::string("\x01\x00\x00\x01", 4)) == body_kind::raw);
  CHECK(sandlog::detect_body(dockerd_body()) == body_kind::multiplexed);
  CHECK(sandlog::detect_body(dockerd_body().substr(0, 8)) == body_kind::multiplexed);
  // a valid first header followed by a bad second one
  CHECK(sandlog::detect_body(mux_frame(1, "a\n") + std::string("\x07\x00\x00\x00\x00\x00\x00\x00", 8)) ==
        body_kind::raw);
  CHECK(sandlog::detect_body(mux_frame(1, "a\n") + std::string("\x02\x00", 2)) ==
        body_kind::multiplexed);
  CHECK(sandlog::detect_body(std::string("\x04\x00\x00\x00\x00\x00\x00\x00", 8)) == body_kind::raw);
}

TEST_CASE("api: errors are sticky; reset starts over") {
  docker_api_decoder dec;
  auto sink = [](const sandlog::joined_record&) {};
  CHECK(dec.feed("garbage!", sink) == error::bad_frame_type);
  CHECK(dec.feed(mux_frame(1, "x\n"), sink) == error::bad_frame_type);
  CHECK(dec.finish(sink) == error::bad_frame_type);
  dec.reset();
  CHECK(dec.feed(mux_frame(1, "x\n"), sink) == error::ok);
  CHECK(dec.finish(sink) == error::ok);
}
