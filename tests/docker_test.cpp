// Docker multiplexed stream: the demuxer and the per-stream line splitting.
#include <sandlog/docker.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

// GCC 12 sees the counting operator delete's free() inlined against its
// operator new and warns of a mismatch that is not there.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
#include "support/counting_allocator.hpp"

using sandlog::docker_demuxer;
using sandlog::error;
using sandlog::frame_piece;
using sandlog::stream_kind;

namespace {

std::string header(unsigned type, std::uint32_t length) {
  std::string h(8, '\0');
  h[0] = static_cast<char>(type);
  h[4] = static_cast<char>(length >> 24);
  h[5] = static_cast<char>(length >> 16);
  h[6] = static_cast<char>(length >> 8);
  h[7] = static_cast<char>(length);
  return h;
}

std::string frame(unsigned type, std::string_view payload) {
  return header(type, static_cast<std::uint32_t>(payload.size())) + std::string(payload);
}

struct whole_frame {
  stream_kind stream;
  std::string payload;
  bool operator==(const whole_frame& o) const {
    return stream == o.stream && payload == o.payload;
  }
};

struct outcome {
  std::vector<whole_frame> frames;
  error ec = error::ok;
  std::string message;
  std::vector<whole_frame> torn;  // reference only: what arrived of a frame cut off at the end
  bool operator==(const outcome& o) const {
    return frames == o.frames && ec == o.ec && message == o.message;
  }
};

// An independent reading of the format over the whole input at once.
outcome reference(std::string_view s) {
  outcome r;
  while (!s.empty()) {
    if (s.size() < 8) {
      r.ec = error::truncated_frame;
      return r;
    }
    const auto type = static_cast<unsigned char>(s[0]);
    if (type > 3 || s[1] || s[2] || s[3]) {
      r.ec = error::bad_frame_type;
      return r;
    }
    std::size_t len = 0;
    for (int i = 4; i < 8; ++i) len = len * 256 + static_cast<unsigned char>(s[static_cast<std::size_t>(i)]);
    s.remove_prefix(8);
    if (s.size() < len) {
      r.ec = error::truncated_frame;
      if (type == 3) r.message = std::string(s);
      else r.torn.push_back({type == 2 ? stream_kind::err : stream_kind::out, std::string(s)});
      return r;
    }
    if (type == 3) {
      r.ec = error::daemon_error;
      r.message = std::string(s.substr(0, len));
      return r;
    }
    r.frames.push_back({type == 2 ? stream_kind::err : stream_kind::out, std::string(s.substr(0, len))});
    s.remove_prefix(len);
  }
  return r;
}

// Feeds `chunks` and reassembles frames from pieces, checking the piece
// flags and that every piece is a view into the chunk it came from.
outcome demux(const std::vector<std::string>& chunks) {
  outcome r;
  docker_demuxer d;
  bool open = false;
  for (const std::string& chunk : chunks) {
    error e = d.feed(chunk, [&](const frame_piece& p) {
      REQUIRE(p.first == !open);
      if (!p.data.empty()) {
        REQUIRE(p.data.data() >= chunk.data());
        REQUIRE(p.data.data() + p.data.size() <= chunk.data() + chunk.size());
      }
      if (p.first) r.frames.push_back({p.stream, {}});
      REQUIRE(r.frames.back().stream == p.stream);
      r.frames.back().payload.append(p.data);
      open = !p.last;
    });
    if (e != error::ok) {
      r.ec = e;
      break;
    }
  }
  if (r.ec == error::ok) r.ec = d.finish();
  if (r.ec == error::truncated_frame && open) r.frames.pop_back();  // the reference has no torn frame
  if (r.ec == error::daemon_error || r.ec == error::truncated_frame)
    r.message = std::string(d.error_message());
  return r;
}

std::vector<std::string> cut(std::string_view s, std::vector<std::size_t> at) {
  std::vector<std::string> out;
  std::size_t from = 0;
  for (std::size_t c : at) {
    out.emplace_back(s.substr(from, c - from));
    from = c;
  }
  out.emplace_back(s.substr(from));
  return out;
}

const std::string small_stream = frame(1, "out one\nout") + frame(2, "err\n") + frame(0, "") +
                                 frame(1, " two\n") + frame(2, "x");

}  // namespace

TEST_CASE("a frame inside one chunk is one piece viewing the chunk") {
  const std::string s = frame(1, "hello\n");
  docker_demuxer d;
  std::vector<frame_piece> pieces;
  REQUIRE(d.feed(s, [&](const frame_piece& p) { pieces.push_back(p); }) == error::ok);
  REQUIRE(d.finish() == error::ok);
  REQUIRE(pieces.size() == 1);
  CHECK(pieces[0].stream == stream_kind::out);
  CHECK(pieces[0].data.data() == s.data() + 8);
  CHECK(pieces[0].data == "hello\n");
  CHECK(pieces[0].first);
  CHECK(pieces[0].last);
}

TEST_CASE("frame types map to streams: stdin and stdout are out, stderr is err") {
  CHECK(demux({frame(0, "a")}).frames == std::vector<whole_frame>{{stream_kind::out, "a"}});
  CHECK(demux({frame(1, "b")}).frames == std::vector<whole_frame>{{stream_kind::out, "b"}});
  CHECK(demux({frame(2, "c")}).frames == std::vector<whole_frame>{{stream_kind::err, "c"}});
}

TEST_CASE("an empty frame is one empty piece") {
  const outcome r = demux({frame(2, "")});
  CHECK(r.ec == error::ok);
  CHECK(r.frames == std::vector<whole_frame>{{stream_kind::err, ""}});
}

TEST_CASE("a header split at each of its 8 bytes reads the same") {
  const std::string s = frame(2, "abc") + frame(1, "defg");
  const outcome expected = reference(s);
  REQUIRE(expected.frames.size() == 2);
  for (std::size_t frame_start : {std::size_t{0}, std::size_t{11}})
    for (std::size_t i = 1; i < 8; ++i) {
      CAPTURE(frame_start, i);
      CHECK(demux(cut(s, {frame_start + i})) == expected);
      // one byte at a time through the header
      std::vector<std::size_t> at;
      for (std::size_t k = 1; k <= 8; ++k) at.push_back(frame_start + k);
      if (frame_start == 0) CHECK(demux(cut(s, at)) == expected);
    }
}

TEST_CASE("every 2-cut and 3-cut chunking of a multi-frame stream gives the same frames") {
  const outcome expected = reference(small_stream);
  REQUIRE(expected.ec == error::ok);
  REQUIRE(expected.frames.size() == 5);
  const std::size_t n = small_stream.size();
  for (std::size_t i = 0; i <= n; ++i)
    for (std::size_t j = i; j <= n; ++j) {
      CAPTURE(i, j);
      REQUIRE(demux(cut(small_stream, {i, j})) == expected);
      for (std::size_t k = j; k <= n; ++k) REQUIRE(demux(cut(small_stream, {i, j, k})) == expected);
    }
}

TEST_CASE("random chunkings of a long random stream match the reference") {
  std::mt19937 rng(20260220);
  for (int round = 0; round < 50; ++round) {
    std::string s;
    const int frames = static_cast<int>(rng() % 40);
    for (int f = 0; f < frames; ++f) {
      std::string payload(rng() % 300, '\0');
      for (char& c : payload) c = static_cast<char>(rng());
      s += frame(static_cast<unsigned>(rng() % 3), payload);
    }
    if (rng() % 4 == 0) s += frame(3, "boom");
    if (rng() % 4 == 0) s.resize(s.size() - rng() % (s.size() + 1));
    const outcome expected = reference(s);
    std::vector<std::size_t> at;
    for (std::size_t pos = 0; pos < s.size();) {
      pos += 1 + rng() % 64;
      if (pos < s.size()) at.push_back(pos);
    }
    CAPTURE(round);
    REQUIRE(demux(cut(s, at)) == expected);
  }
}

TEST_CASE("an unknown frame type is bad_frame_type after the frames before it") {
  for (unsigned type = 4; type < 256; ++type) {
    const outcome r = demux({frame(1, "ok\n") + frame(type, "x") + frame(1, "never")});
    CAPTURE(type);
    CHECK(r.ec == error::bad_frame_type);
    CHECK(r.frames == std::vector<whole_frame>{{stream_kind::out, "ok\n"}});
  }
}

TEST_CASE("a nonzero padding byte is bad_frame_type") {
  for (std::size_t byte = 1; byte < 4; ++byte) {
    std::string f = frame(1, "x");
    f[byte] = 1;
    CAPTURE(byte);
    CHECK(demux({f}).ec == error::bad_frame_type);
  }
}

TEST_CASE("a type-3 frame ends the stream with daemon_error and keeps its text") {
  const std::string s = frame(2, "last words\n") + frame(3, "container not running") + frame(1, "after");
  for (std::size_t at = 0; at <= s.size(); ++at) {
    const outcome r = demux(cut(s, {at}));
    CAPTURE(at);
    CHECK(r.ec == error::daemon_error);
    CHECK(r.message == "container not running");
    CHECK(r.frames == std::vector<whole_frame>{{stream_kind::err, "last words\n"}});
  }
}

TEST_CASE("errors are sticky until reset") {
  docker_demuxer d;
  int pieces = 0;
  auto count = [&](const frame_piece&) { ++pieces; };
  REQUIRE(d.feed(frame(3, "gone"), count) == error::daemon_error);
  CHECK(d.feed(frame(1, "x"), count) == error::daemon_error);
  CHECK(d.finish() == error::daemon_error);
  CHECK(pieces == 0);
  d.reset();
  CHECK(d.error_message().empty());
  CHECK(d.feed(frame(1, "x"), count) == error::ok);
  CHECK(d.finish() == error::ok);
  CHECK(pieces == 1);
}

TEST_CASE("a long daemon error message is kept up to its cap") {
  const std::string text(docker_demuxer::max_error_message + 10, 'e');
  docker_demuxer d;
  CHECK(d.feed(frame(3, text), [](const frame_piece&) {}) == error::daemon_error);
  CHECK(d.error_message() == std::string_view(text).substr(0, docker_demuxer::max_error_message));
  CHECK(d.error_message_truncated());
}

TEST_CASE("a stream cut inside a frame is truncated_frame at finish, never a silent drop") {
  const std::string s = frame(1, "abc") + frame(2, "de");
  for (std::size_t len = 0; len <= s.size(); ++len) {
    docker_demuxer d;
    std::string seen;
    REQUIRE(d.feed(std::string_view(s).substr(0, len),
                   [&](const frame_piece& p) { seen.append(p.data); }) == error::ok);
    const bool boundary = len == 0 || len == 11 || len == s.size();
    CAPTURE(len);
    CHECK(d.at_frame_boundary() == boundary);
    CHECK(d.finish() == (boundary ? error::ok : error::truncated_frame));
    // what arrived of the torn frame was still handed out
    CHECK(seen == (std::string("abc") + "de").substr(0, len <= 8 ? 0 : len <= 11 ? len - 8 : len <= 19 ? 3 : len - 16));
  }
}

TEST_CASE("a sink that returns an error stops the demuxer") {
  docker_demuxer d;
  int calls = 0;
  auto stop = [&](const frame_piece&) {
    ++calls;
    return error::line_too_long;
  };
  CHECK(d.feed(frame(1, "a") + frame(1, "b"), stop) == error::line_too_long);
  CHECK(calls == 1);
  CHECK(d.finish() == error::line_too_long);
}

TEST_CASE("consumed counts stream bytes") {
  docker_demuxer d;
  const std::string s = frame(1, "abc") + frame(2, "de");
  REQUIRE(d.feed(std::string_view(s).substr(0, 10), [](const frame_piece&) {}) == error::ok);
  CHECK(d.consumed() == 10);
  REQUIRE(d.feed(std::string_view(s).substr(10), [](const frame_piece&) {}) == error::ok);
  CHECK(d.consumed() == s.size());
}

TEST_CASE("a 4 GiB frame is handed out as it arrives, without buffering") {
  docker_demuxer d;
  const std::string chunk(1 << 16, 'z');
  std::uint64_t seen = 0;
  auto sink = [&](const frame_piece& p) { seen += p.data.size(); };
  REQUIRE(d.feed(header(1, 0xFFFFFFFFu), sink) == error::ok);
  const std::size_t before = sandlog_test::allocations();
  for (int i = 0; i < 1000; ++i) REQUIRE(d.feed(chunk, sink) == error::ok);
  CHECK(sandlog_test::allocations() == before);
  CHECK(seen == 1000u * chunk.size());
  CHECK_FALSE(d.at_frame_boundary());
  CHECK(d.finish() == error::truncated_frame);
}

TEST_CASE("demuxing allocates nothing") {
  std::string s;
  for (int i = 0; i < 100; ++i) s += frame(static_cast<unsigned>(1 + i % 2), std::string(static_cast<std::size_t>(i), 'q'));
  docker_demuxer d;
  std::size_t bytes = 0;
  const std::size_t before = sandlog_test::allocations();
  for (std::size_t at = 0; at < s.size(); at += 7)
    REQUIRE(d.feed(std::string_view(s).substr(at, 7), [&](const frame_piece& p) { bytes += p.data.size(); }) == error::ok);
  REQUIRE(d.finish() == error::ok);
  CHECK(sandlog_test::allocations() == before);
  CHECK(bytes == 99u * 100u / 2u);
}

// ---- docker_line_splitter ----

namespace {

struct tagged_line {
  stream_kind stream;
  std::string text;
  std::uint8_t flags;
  bool operator==(const tagged_line& o) const {
    return stream == o.stream && text == o.text && flags == o.flags;
  }
};

struct line_outcome {
  std::vector<tagged_line> lines;
  error ec = error::ok;
  bool operator==(const line_outcome& o) const { return lines == o.lines && ec == o.ec; }
};

// Lines by hand from the reference frames: a line ends at '\n' (one '\r'
// before it is dropped); open lines are flushed at the end, stdout first.
line_outcome reference_lines(std::string_view s) {
  const outcome frames = reference(s);
  line_outcome r;
  std::string open[3];
  std::vector<whole_frame> all = frames.frames;
  all.insert(all.end(), frames.torn.begin(), frames.torn.end());
  for (const whole_frame& f : all)
    for (char c : f.payload) {
      std::string& cur = open[static_cast<int>(f.stream)];
      if (c != '\n') {
        cur += c;
        continue;
      }
      if (!cur.empty() && cur.back() == '\r') cur.pop_back();
      r.lines.push_back({f.stream, cur, 0});
      cur.clear();
    }
  for (stream_kind k : {stream_kind::out, stream_kind::err})
    if (!open[static_cast<int>(k)].empty())
      r.lines.push_back({k, open[static_cast<int>(k)], sandlog::line::unterminated});
  r.ec = frames.ec;
  return r;
}

line_outcome split_lines(const std::vector<std::string>& chunks) {
  sandlog::docker_line_splitter d;
  line_outcome r;
  auto sink = [&](stream_kind k, const sandlog::line& l) {
    r.lines.push_back({k, std::string(l.text), l.flags});
  };
  for (const std::string& c : chunks)
    if (d.feed(c, sink) != error::ok) break;
  r.ec = d.finish(sink);
  return r;
}

const std::string line_stream = frame(1, "out one\nout ") + frame(2, "err one\r") + frame(1, "two\n") +
                                frame(2, "\nerr two\nerr") + frame(1, "\n\nlast");

}  // namespace

TEST_CASE("stdout and stderr lines come out of one call, lines spanning frames") {
  const line_outcome r = split_lines({line_stream});
  const std::vector<tagged_line> expected = {
      {stream_kind::out, "out one", 0},  {stream_kind::out, "out two", 0},
      {stream_kind::err, "err one", 0},  {stream_kind::err, "err two", 0},
      {stream_kind::out, "", 0},         {stream_kind::out, "", 0},
      {stream_kind::out, "last", sandlog::line::unterminated},
      {stream_kind::err, "err", sandlog::line::unterminated}};
  CHECK(r.ec == error::ok);
  CHECK(r.lines == expected);
  CHECK(reference_lines(line_stream) == r);
}

TEST_CASE("lines are the same under every 2-cut and 3-cut chunking") {
  const line_outcome expected = reference_lines(line_stream);
  const std::size_t n = line_stream.size();
  for (std::size_t i = 0; i <= n; ++i)
    for (std::size_t j = i; j <= n; ++j) {
      CAPTURE(i, j);
      REQUIRE(split_lines(cut(line_stream, {i, j})) == expected);
      for (std::size_t k = j; k <= n; k += 3) REQUIRE(split_lines(cut(line_stream, {i, j, k})) == expected);
    }
}

TEST_CASE("lines match the reference under random streams and chunkings") {
  std::mt19937 rng(7);
  const char alphabet[] = "ab\n\r";
  for (int round = 0; round < 200; ++round) {
    std::string s;
    const int frames = static_cast<int>(rng() % 12);
    for (int f = 0; f < frames; ++f) {
      std::string payload(rng() % 20, 'x');
      for (char& c : payload) c = alphabet[rng() % 4];
      s += frame(static_cast<unsigned>(rng() % 3), payload);
    }
    if (rng() % 5 == 0) s += frame(3, "gone");
    if (rng() % 5 == 0) s.resize(s.size() - rng() % (s.size() + 1));
    std::vector<std::size_t> at;
    for (std::size_t pos = 0; pos < s.size();) {
      pos += 1 + rng() % 16;
      if (pos < s.size()) at.push_back(pos);
    }
    CAPTURE(round);
    REQUIRE(split_lines(cut(s, at)) == reference_lines(s));
  }
}

TEST_CASE("a torn last frame still delivers its open line, then truncated_frame") {
  const std::string s = frame(1, "whole\npart of a line");
  const line_outcome r = split_lines({s.substr(0, s.size() - 3)});
  CHECK(r.ec == error::truncated_frame);
  const std::vector<tagged_line> expected = {{stream_kind::out, "whole", 0},
                                             {stream_kind::out, "part of a l", sandlog::line::unterminated}};
  CHECK(r.lines == expected);
}

TEST_CASE("a daemon error after output keeps the output and its text") {
  sandlog::docker_line_splitter d;
  std::vector<std::string> lines;
  auto sink = [&](stream_kind, const sandlog::line& l) { lines.emplace_back(l.text); };
  CHECK(d.feed(frame(2, "fatal: x\n") + frame(3, "no such container"), sink) == error::daemon_error);
  CHECK(d.finish(sink) == error::daemon_error);
  CHECK(d.demuxer().error_message() == "no such container");
  CHECK(lines == std::vector<std::string>{"fatal: x"});
}

TEST_CASE("overflow::fail in a stream's splitter stops the demuxer") {
  sandlog::line_options o;
  o.max_line = 4;
  o.on_overflow = sandlog::overflow::fail;
  sandlog::docker_line_splitter d(o);
  int lines = 0;
  auto sink = [&](stream_kind, const sandlog::line&) { ++lines; };
  CHECK(d.feed(frame(1, "ok\n") + frame(2, "much too long\n") + frame(1, "x\n"), sink) ==
        error::line_too_long);
  CHECK(lines == 1);
  CHECK(d.feed(frame(1, "y\n"), sink) == error::line_too_long);
}

TEST_CASE("splitting a multiplexed stream allocates nothing once warm") {
  std::string s;
  for (int i = 0; i < 200; ++i)
    s += frame(static_cast<unsigned>(1 + i % 2), "line " + std::to_string(i) + (i % 3 ? "\n" : " continues "));
  sandlog::docker_line_splitter d;
  std::size_t lines = 0;
  auto sink = [&](stream_kind, const sandlog::line&) { ++lines; };
  auto run = [&] {
    for (std::size_t at = 0; at < s.size(); at += 13) REQUIRE(d.feed(std::string_view(s).substr(at, 13), sink) == error::ok);
    REQUIRE(d.finish(sink) == error::ok);
  };
  run();  // warm-up: the carry buffers grow
  const std::size_t before = sandlog_test::allocations();
  lines = 0;
  run();
  CHECK(sandlog_test::allocations() == before);
  CHECK(lines > 100);
}
