// Log-line envelopes: parse_record, detect_format, format_detector and the
// CRI partial-line joiner.
#include <sandlog/line_splitter.hpp>
#include <sandlog/record.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <functional>
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

using sandlog::error;
using sandlog::log_format;
using sandlog::log_record;
using sandlog::parse_record;
using sandlog::stream_kind;

namespace {

// 2026-02-20T14:30:00Z and 2026-03-06T10:00:52Z as Unix seconds (computed
// outside sandlog, with Python's calendar.timegm).
constexpr std::int64_t t_20feb = 1771597800;
constexpr std::int64_t t_6mar = 1772791252;

bool inside(std::string_view part, std::string_view whole) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

log_record sentinel() {
  log_record r;
  r.time.seconds = -42;
  r.time.nanos = 7;
  r.has_time = true;
  r.stream = stream_kind::err;
  r.partial = true;
  r.message = "untouched";
  return r;
}

bool is_sentinel(const log_record& r) {
  const log_record s = sentinel();
  return r.time.seconds == s.time.seconds && r.time.nanos == s.time.nanos && r.has_time &&
         r.stream == s.stream && r.partial && r.message == s.message &&
         r.message.data() == s.message.data();
}

log_record parse_ok(std::string_view line, log_format f) {
  log_record r = sentinel();
  const sandlog::parse_result res = parse_record(line, f, r);
  INFO(line);
  REQUIRE(res.ec == error::ok);
  REQUIRE(res.ptr == line.data() + line.size());
  REQUIRE(inside(r.message, line));
  return r;
}

}  // namespace

TEST_CASE("the CRI line Kubernetes writes decodes with nanoseconds, stream and final tag") {
  const std::string line = "2026-02-20T14:30:00.123456789Z stdout F hello world";
  const log_record r = parse_ok(line, log_format::cri);
  CHECK(r.has_time);
  CHECK(r.time.seconds == t_20feb);
  CHECK(r.time.nanos == 123456789u);
  CHECK(r.stream == stream_kind::out);
  CHECK_FALSE(r.partial);
  CHECK(r.message == "hello world");
  CHECK(r.message.data() == line.data() + 40);
}

TEST_CASE("CRI partial fragments, stderr and extra tags") {
  const log_record p = parse_ok("2026-02-20T14:30:00.000000001Z stderr P part", log_format::cri);
  CHECK(p.partial);
  CHECK(p.stream == stream_kind::err);
  CHECK(p.time.nanos == 1u);
  CHECK(p.message == "part");
  const log_record tagged = parse_ok("2026-02-20T14:30:00Z stdout P:tag1:tag2 rest", log_format::cri);
  CHECK(tagged.partial);
  CHECK(tagged.message == "rest");
  const log_record final_tagged = parse_ok("2026-02-20T14:30:00Z stdout F:x msg", log_format::cri);
  CHECK_FALSE(final_tagged.partial);
  CHECK(final_tagged.message == "msg");
  CHECK(parse_ok("2026-02-20T14:30:00Z stdout F: msg", log_format::cri).message == "msg");
}

TEST_CASE("a CRI message keeps its own spaces and may be empty with or without the space") {
  CHECK(parse_ok("2026-02-20T14:30:00Z stdout F   indented ", log_format::cri).message ==
        "  indented ");
  CHECK(parse_ok("2026-02-20T14:30:00Z stdout F ", log_format::cri).message.empty());
  CHECK(parse_ok("2026-02-20T14:30:00Z stdout F", log_format::cri).message.empty());
  CHECK(parse_ok("2026-02-20T14:30:00Z stderr P:t", log_format::cri).message.empty());
  CHECK(parse_ok("2026-02-20T14:30:00Z stdout F  ", log_format::cri).message == " ");
}

TEST_CASE("timestamped lines take 0 to 9 fraction digits and any offset") {
  const std::string frac = "123456789";
  for (std::size_t digits = 0; digits <= 9; ++digits) {
    std::string line = "2026-02-20T14:30:00";
    if (digits) line += "." + frac.substr(0, digits);
    line += "Z some log line";
    const log_record r = parse_ok(line, log_format::timestamped);
    CAPTURE(line);
    CHECK(r.time.seconds == t_20feb);
    std::uint32_t expected = 0;
    for (std::size_t i = 0; i < 9; ++i) expected = expected * 10 + (i < digits ? static_cast<std::uint32_t>(frac[i] - '0') : 0u);
    CHECK(r.time.nanos == expected);
    CHECK(r.stream == stream_kind::unknown);
    CHECK_FALSE(r.partial);
    CHECK(r.message == "some log line");
  }
  const log_record east = parse_ok("2026-02-20T16:30:00+02:00 x", log_format::timestamped);
  CHECK(east.time.seconds == t_20feb);
  CHECK(parse_ok("2026-02-20T14:30:00Z", log_format::timestamped).message.empty());
  CHECK(parse_ok("2026-02-20T14:30:00Z ", log_format::timestamped).message.empty());
}

TEST_CASE("bracketed lifecycle lines") {
  const log_record r = parse_ok("[2026-03-06T10:00:52Z] sandbox.lifecycle.created", log_format::bracketed);
  CHECK(r.time.seconds == t_6mar);
  CHECK(r.message == "sandbox.lifecycle.created");
  CHECK(r.stream == stream_kind::unknown);
  CHECK(parse_ok("[2026-03-06T10:00:52Z]", log_format::bracketed).message.empty());
}

TEST_CASE("a raw line is its own message, without time or stream") {
  for (std::string_view line : {"", "plain", "2026-02-20T14:30:00Z looks timestamped", "{\"x\":1}"}) {
    const log_record r = parse_ok(line, log_format::raw);
    CHECK_FALSE(r.has_time);
    CHECK(r.stream == stream_kind::unknown);
    CHECK_FALSE(r.partial);
    CHECK(r.message.data() == line.data());
    CHECK(r.message.size() == line.size());
  }
}

TEST_CASE("docker_json is not decoded by parse_record") {
  log_record r = sentinel();
  const std::string line = R"({"log":"hi\n","stream":"stdout","time":"2026-02-20T14:30:00Z"})";
  const sandlog::parse_result res = parse_record(line, log_format::docker_json, r);
  CHECK(res.ec == error::unsupported_format);
  CHECK(res.ptr == line.data());
  CHECK(is_sentinel(r));
}

TEST_CASE("every malformed line gets its own error and leaves the record untouched") {
  struct bad {
    std::string_view line;
    log_format format;
    error ec;
    std::size_t at;  // where parsing stopped
  };
  const bad cases[] = {
      // timestamps: the timestamp's own error
      {"", log_format::timestamped, error::too_short, 0},
      {"2026-02-20T14:30:00", log_format::timestamped, error::too_short, 19},
      {"2026-13-20T14:30:00Z x", log_format::timestamped, error::bad_month, 5},
      {"2026-02-30T14:30:00Z x", log_format::timestamped, error::bad_day, 8},
      {"2026-02-20T25:30:00Z x", log_format::timestamped, error::bad_hour, 11},
      {"2026-02-20 14:30:00Z x", log_format::timestamped, error::bad_separator, 10},
      {"2026-02-20T14:30:00. x", log_format::timestamped, error::bad_fraction, 20},
      {"2026-02-20T14:30:00 x", log_format::timestamped, error::bad_offset, 19},
      {"hello world", log_format::timestamped, error::bad_year, 0},
      {"2026-02-20T14:30:00Zx", log_format::timestamped, error::missing_space, 20},
      {"2026-02-20T14:30:00Z\tx", log_format::timestamped, error::missing_space, 20},
      // CRI
      {"2026-02-20T14:30:00Z", log_format::cri, error::missing_space, 20},
      {"2026-02-20T14:30:00Zstdout F x", log_format::cri, error::missing_space, 20},
      {"2026-02-20T14:30:00Z  stdout F x", log_format::cri, error::bad_stream, 21},
      {"2026-02-20T14:30:00Z stdin F x", log_format::cri, error::bad_stream, 21},
      {"2026-02-20T14:30:00Z STDOUT F x", log_format::cri, error::bad_stream, 21},
      {"2026-02-20T14:30:00Z stdou", log_format::cri, error::bad_stream, 21},
      {"2026-02-20T14:30:00Z stdoutx F x", log_format::cri, error::bad_stream, 27},
      {"2026-02-20T14:30:00Z stdout", log_format::cri, error::missing_space, 27},
      {"2026-02-20T14:30:00Z stdout ", log_format::cri, error::bad_cri_tag, 28},
      {"2026-02-20T14:30:00Z stdout  F x", log_format::cri, error::bad_cri_tag, 28},
      {"2026-02-20T14:30:00Z stdout X x", log_format::cri, error::bad_cri_tag, 28},
      {"2026-02-20T14:30:00Z stdout f x", log_format::cri, error::bad_cri_tag, 28},
      {"2026-02-20T14:30:00Z stdout FF x", log_format::cri, error::bad_cri_tag, 29},
      {"2026-02-20T14:30:00Z stdout P\tx", log_format::cri, error::bad_cri_tag, 29},
      {"2026-02-20 stdout F x", log_format::cri, error::bad_separator, 10},
      {"garbage", log_format::cri, error::bad_year, 0},
      // bracketed
      {"", log_format::bracketed, error::bad_bracket, 0},
      {"2026-03-06T10:00:52Z] x", log_format::bracketed, error::bad_bracket, 0},
      {"[2026-03-06T10:00:52Z x", log_format::bracketed, error::bad_bracket, 21},
      {"[2026-03-06T10:00:52Z", log_format::bracketed, error::bad_bracket, 21},
      {"[2026-03-06T10:00:52] x", log_format::bracketed, error::bad_offset, 20},
      {"[2026-03-06T10:00:52Z]x", log_format::bracketed, error::missing_space, 22},
      {"[] x", log_format::bracketed, error::bad_year, 1},
  };
  for (const bad& c : cases) {
    log_record r = sentinel();
    const sandlog::parse_result res = parse_record(c.line, c.format, r);
    CAPTURE(c.line, static_cast<int>(c.format));
    CHECK(sandlog::to_string(res.ec) == sandlog::to_string(c.ec));
    CHECK(static_cast<std::size_t>(res.ptr - c.line.data()) == c.at);
    CHECK(is_sentinel(r));
  }
}

TEST_CASE("an out-of-range format value is an error, not UB") {
  log_record r = sentinel();
  CHECK(parse_record("x", static_cast<log_format>(200), r).ec != error::ok);
  CHECK(is_sentinel(r));
}

namespace {

// A slow CRI reader written from the format's description: split at the
// first three spaces. Only the timestamp is read with sandlog (its own
// tests cover it); the envelope logic is independent.
bool reference_cri(std::string_view line, log_record& out) {
  const std::size_t s1 = line.find(' ');
  if (s1 == std::string_view::npos) return false;
  sandlog::timestamp ts;
  const std::string_view tstext = line.substr(0, s1);
  const sandlog::parse_result t = sandlog::parse_timestamp(tstext.data(), tstext.data() + tstext.size(), ts);
  if (!t || t.ptr != tstext.data() + tstext.size()) return false;
  std::string_view rest = line.substr(s1 + 1);
  const std::size_t s2 = rest.find(' ');
  if (s2 == std::string_view::npos) return false;
  const std::string_view stream = rest.substr(0, s2);
  if (stream != "stdout" && stream != "stderr") return false;
  rest = rest.substr(s2 + 1);
  const std::size_t s3 = rest.find(' ');
  const std::string_view tag = rest.substr(0, s3);
  if (tag.empty() || (tag[0] != 'P' && tag[0] != 'F')) return false;
  if (tag.size() > 1 && tag[1] != ':') return false;
  out.time = ts;
  out.has_time = true;
  out.stream = stream == "stdout" ? stream_kind::out : stream_kind::err;
  out.partial = tag[0] == 'P';
  out.message = s3 == std::string_view::npos ? rest.substr(rest.size()) : rest.substr(s3 + 1);
  return true;
}

}  // namespace

TEST_CASE("CRI parsing agrees with a slow reference on every one-byte mutation") {
  const std::string base = "2026-02-20T14:30:00.5Z stderr P:a b c";
  const char replacements[] = {' ', 'P', 'F', ':', 'x', '0', '\0', 's', 'Z', '\t'};
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < base.size(); ++i) {
    for (char c : replacements) {
      std::string m = base;
      m[i] = c;
      lines.push_back(m);
    }
    lines.push_back(base.substr(0, i));
    lines.push_back(base.substr(0, i) + base.substr(i + 1));
  }
  for (const std::string& line : lines) {
    log_record ours = sentinel(), ref = sentinel();
    const bool ok = static_cast<bool>(parse_record(line, log_format::cri, ours));
    const bool ref_ok = reference_cri(line, ref);
    CAPTURE(line);
    REQUIRE(ok == ref_ok);
    if (!ok) {
      CHECK(is_sentinel(ours));
      continue;
    }
    CHECK(ours.time == ref.time);
    CHECK(ours.stream == ref.stream);
    CHECK(ours.partial == ref.partial);
    CHECK(ours.message.data() == ref.message.data());
    CHECK(ours.message.size() == ref.message.size());
  }
}

TEST_CASE("CRI stream and tag agree with the slow reference for every byte at every position") {
  // The fields after the timestamp are read ten bytes at a time when they
  // can be; every byte value at each of those positions (and one past them),
  // for each stream and tag, with messages of 0-2 bytes and a line that ends
  // early, must read exactly as the reference reads it.
  for (const char* ts : {"2026-02-20T14:30:00.123456789Z", "2026-02-20T14:30:00Z"}) {
    for (const char* fields : {" stdout F ", " stderr F ", " stdout P ", " stderr P "}) {
      for (const char* msg : {"", "m", "a b"}) {
        const std::string base = std::string(ts) + fields + msg;
        const std::size_t at = std::string_view(ts).size();
        for (std::size_t i = at; i < base.size() + 1 && i <= at + 10; ++i) {
          for (int c = 0; c < 256; ++c) {
            std::string line = base;
            if (i < line.size()) {
              line[i] = static_cast<char>(c);
            } else {
              line += static_cast<char>(c);
            }
            log_record ours = sentinel(), ref = sentinel();
            const sandlog::parse_result res = parse_record(line, log_format::cri, ours);
            const bool ref_ok = reference_cri(line, ref);
            CAPTURE(line);
            REQUIRE(static_cast<bool>(res) == ref_ok);
            if (!res) {
              REQUIRE(is_sentinel(ours));
              continue;
            }
            REQUIRE(res.ptr == line.data() + line.size());
            REQUIRE(ours.time == ref.time);
            REQUIRE(ours.has_time);
            REQUIRE(ours.stream == ref.stream);
            REQUIRE(ours.partial == ref.partial);
            REQUIRE(ours.message.data() == ref.message.data());
            REQUIRE(ours.message.size() == ref.message.size());
          }
        }
        // and every shorter line
        for (std::size_t n = at; n < base.size(); ++n) {
          const std::string line = base.substr(0, n);
          log_record ours = sentinel(), ref = sentinel();
          const bool ok = static_cast<bool>(parse_record(line, log_format::cri, ours));
          CAPTURE(line);
          REQUIRE(ok == reference_cri(line, ref));
          if (!ok) REQUIRE(is_sentinel(ours));
          if (ok) REQUIRE(ours.message.data() == ref.message.data());
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------
// record_parser
// ---------------------------------------------------------------------------

TEST_CASE("record_parser gives parse_record's result for every line of a random stream") {
  // Lines of every envelope whose timestamps mostly share a second, written
  // in any offset, with leap seconds, partial tags and corruptions mixed in;
  // each envelope decoded by one record_parser over the whole stream.
  const std::vector<std::string> seconds = {"2026-02-20T14:30:00", "2026-02-20T14:30:01",
                                            "2016-12-31T23:59:60", "2017-01-01T00:59:60",
                                            "2026-02-30T00:00:00", "2026-02-20T14:30:02"};
  const std::vector<std::string> zones = {"Z", "+05:30", "-08:00", "+00:00", "x", ""};
  const std::vector<std::string> fields = {" stdout F hello", " stderr P part", " stdout F",
                                           " stdout F:x:y msg", " stdin F no", " hello"};
  std::mt19937_64 rng(20260220);
  for (log_format f : {log_format::cri, log_format::timestamped, log_format::bracketed,
                       log_format::raw, log_format::docker_json}) {
    for (sandlog::leap_second leap : {sandlog::leap_second::clamp, sandlog::leap_second::reject}) {
      sandlog::timestamp_options o;
      o.leap = leap;
      sandlog::record_parser parser(f, o);
      CHECK(parser.format() == f);
      CHECK(parser.options().leap == leap);
      std::size_t accepted = 0;
      for (int i = 0; i < 20000; ++i) {
        std::string ts = seconds[(rng() % 8 == 0) ? rng() % seconds.size() : static_cast<std::size_t>(i / 40) % seconds.size()];
        ts += "." + std::to_string(rng() % 1000000000);
        ts += zones[rng() % zones.size()];
        std::string line = f == log_format::bracketed ? "[" + ts + "]" : ts;
        line += fields[rng() % fields.size()];
        if (rng() % 16 == 0) line.resize(rng() % line.size());
        const std::vector<char> exact(line.begin(), line.end());
        const std::string_view view(exact.data(), exact.size());
        log_record a = sentinel(), b = sentinel();
        const sandlog::parse_result ra = parse_record(view, f, a, o);
        const sandlog::parse_result rb = parser.parse(view, b);
        INFO(line);
        REQUIRE(ra.ec == rb.ec);
        REQUIRE(ra.ptr == rb.ptr);
        REQUIRE(a.time == b.time);
        REQUIRE(a.time.offset_minutes == b.time.offset_minutes);
        REQUIRE(a.has_time == b.has_time);
        REQUIRE(a.stream == b.stream);
        REQUIRE(a.partial == b.partial);
        REQUIRE(a.message.data() == b.message.data());
        REQUIRE(a.message.size() == b.message.size());
        accepted += ra ? 1 : 0;
      }
      if (f != log_format::docker_json) CHECK(accepted > 2000);
      parser.reset();
    }
  }
}

TEST_CASE("detect_format recognises each envelope from one line") {
  CHECK(sandlog::detect_format("2026-02-20T14:30:00.123456789Z stdout F hello") == log_format::cri);
  CHECK(sandlog::detect_format("2026-02-20T14:30:00Z stderr P:x part") == log_format::cri);
  CHECK(sandlog::detect_format("2026-02-20T14:30:00Z some log line") == log_format::timestamped);
  CHECK(sandlog::detect_format("[2026-03-06T10:00:52Z] sandbox.lifecycle.created") == log_format::bracketed);
  CHECK(sandlog::detect_format(R"({"log":"hi\n","stream":"stdout","time":"2026-02-20T14:30:00Z"})") ==
        log_format::docker_json);
  CHECK(sandlog::detect_format("some log line") == log_format::raw);
  CHECK(sandlog::detect_format("") == log_format::raw);
  CHECK(sandlog::detect_format("[not a time] x") == log_format::raw);
  CHECK(sandlog::detect_format("{ unterminated") == log_format::raw);
  CHECK(sandlog::detect_format("2026-02-20T14:30:00Z") == log_format::timestamped);
}

TEST_CASE("detect_format on a single ambiguous line picks the most specific envelope") {
  // A timestamped line whose message happens to start like a CRI envelope.
  CHECK(sandlog::detect_format("2026-02-20T14:30:00Z stdout F looks like cri") == log_format::cri);
  // A raw line that is a JSON object looks like Docker json-file.
  CHECK(sandlog::detect_format(R"({"level":"info"})") == log_format::docker_json);
}

TEST_CASE("format_detector settles on the envelope all of the first lines share") {
  sandlog::format_detector d(3);
  CHECK(d.format() == log_format::raw);
  CHECK_FALSE(d.add("2026-02-20T14:30:00Z stdout F looks like cri"));
  CHECK(d.format() == log_format::cri);
  CHECK_FALSE(d.add(""));  // no evidence
  CHECK_FALSE(d.add("2026-02-20T14:30:01Z ordinary message"));
  CHECK(d.format() == log_format::timestamped);
  CHECK(d.add("2026-02-20T14:30:02Z stdout F again"));
  CHECK(d.settled());
  CHECK(d.format() == log_format::timestamped);
  d.add("not timestamped at all");  // ignored once settled
  CHECK(d.format() == log_format::timestamped);
  CHECK(d.lines_seen() == 3);
}

TEST_CASE("format_detector settles at once when only raw is left") {
  sandlog::format_detector d(8);
  CHECK_FALSE(d.add("2026-02-20T14:30:00Z first"));
  CHECK(d.add("a plain line"));
  CHECK(d.format() == log_format::raw);
  d.reset();
  CHECK(d.lines_seen() == 0);
  for (int i = 0; i < 7; ++i) CHECK_FALSE(d.add("2026-02-20T14:30:00.1Z stderr P x"));
  CHECK(d.add("2026-02-20T14:30:00.1Z stdout F x"));
  CHECK(d.format() == log_format::cri);
}

// ---- cri_joiner ----

namespace {

using sandlog::cri_joiner;
using sandlog::joined_record;
using sandlog::line;

struct piece {
  stream_kind stream;
  std::string text;
  std::uint8_t flags;
  std::int64_t seconds;
  bool partial;
  bool operator==(const piece& o) const {
    return stream == o.stream && text == o.text && flags == o.flags && seconds == o.seconds &&
           partial == o.partial;
  }
};

log_record fragment(stream_kind k, std::string_view text, bool partial, std::int64_t seconds) {
  log_record r;
  r.time.seconds = seconds;
  r.has_time = true;
  r.stream = k;
  r.partial = partial;
  r.message = text;
  return r;
}

struct collector {
  std::vector<piece> pieces;
  void operator()(const joined_record& j) {
    pieces.push_back({j.record.stream, std::string(j.record.message), j.flags, j.record.time.seconds,
                      j.record.partial});
  }
};

}  // namespace

TEST_CASE("CRI fragments P P F join into one message stamped with the first fragment's time") {
  cri_joiner j;
  collector c;
  REQUIRE(j.add(fragment(stream_kind::out, "hel", true, 1), std::ref(c)) == error::ok);
  REQUIRE(j.add(fragment(stream_kind::out, "lo ", true, 2), std::ref(c)) == error::ok);
  CHECK(c.pieces.empty());
  CHECK(j.buffered() == 6);
  REQUIRE(j.add(fragment(stream_kind::out, "world", false, 3), std::ref(c)) == error::ok);
  CHECK(c.pieces == std::vector<piece>{{stream_kind::out, "hello world", 0, 1, false}});
  CHECK(j.buffered() == 0);
}

TEST_CASE("the joiner reads fragments straight from parsed Kubernetes lines") {
  const std::string lines[] = {"2026-02-20T14:30:00.000000001Z stdout P first ",
                               "2026-02-20T14:30:00.000000002Z stdout P:tag second ",
                               "2026-02-20T14:30:00.000000003Z stdout F third"};
  cri_joiner j;
  std::vector<std::string> out;
  std::uint32_t nanos = 0;
  for (const std::string& l : lines) {
    log_record r;
    REQUIRE(parse_record(l, log_format::cri, r));
    REQUIRE(j.add(r, [&](const joined_record& m) {
      out.emplace_back(m.record.message);
      nanos = m.record.time.nanos;
    }) == error::ok);
  }
  CHECK(out == std::vector<std::string>{"first second third"});
  CHECK(nanos == 1u);
}

TEST_CASE("a final record with nothing pending passes through without a copy") {
  cri_joiner j;
  const std::string text = "whole line";
  const char* seen = nullptr;
  REQUIRE(j.add(fragment(stream_kind::err, text, false, 5), [&](const joined_record& m) {
    seen = m.record.message.data();
    CHECK(m.flags == 0);
    CHECK_FALSE(m.record.partial);
  }) == error::ok);
  CHECK(seen == text.data());
}

TEST_CASE("stdout and stderr fragments may interleave") {
  cri_joiner j;
  collector c;
  REQUIRE(j.add(fragment(stream_kind::out, "a", true, 1), std::ref(c)) == error::ok);
  REQUIRE(j.add(fragment(stream_kind::err, "x", true, 2), std::ref(c)) == error::ok);
  REQUIRE(j.add(fragment(stream_kind::out, "b", true, 3), std::ref(c)) == error::ok);
  REQUIRE(j.add(fragment(stream_kind::err, "y", false, 4), std::ref(c)) == error::ok);
  REQUIRE(j.add(fragment(stream_kind::out, "whole", false, 5), std::ref(c)) == error::ok);
  REQUIRE(j.add(fragment(stream_kind::err, "e", false, 6), std::ref(c)) == error::ok);
  const std::vector<piece> expected = {{stream_kind::err, "xy", 0, 2, false},
                                       {stream_kind::out, "abwhole", 0, 1, false},
                                       {stream_kind::err, "e", 0, 6, false}};
  CHECK(c.pieces == expected);
}

TEST_CASE("a final record passes through without a copy while another stream is open") {
  cri_joiner j;
  collector c;
  REQUIRE(j.add(fragment(stream_kind::err, "x", true, 1), std::ref(c)) == error::ok);
  const std::string text = "whole stdout line";
  const char* seen = nullptr;
  REQUIRE(j.add(fragment(stream_kind::out, text, false, 2), [&](const joined_record& m) {
    seen = m.record.message.data();
    CHECK(m.record.stream == stream_kind::out);
    CHECK(m.record.time.seconds == 2);
    CHECK(m.flags == 0);
  }) == error::ok);
  CHECK(seen == text.data());
  CHECK(j.buffered() == 1);
  REQUIRE(j.add(fragment(stream_kind::err, "y", false, 3), std::ref(c)) == error::ok);
  CHECK(c.pieces == std::vector<piece>{{stream_kind::err, "xy", 0, 1, false}});
  CHECK(j.stats().messages == 2);
}

TEST_CASE("finish flushes fragments that never saw their F, flagged unterminated") {
  cri_joiner j;
  collector c;
  REQUIRE(j.add(fragment(stream_kind::err, "de", true, 2), std::ref(c)) == error::ok);
  REQUIRE(j.add(fragment(stream_kind::out, "abc", true, 1), std::ref(c)) == error::ok);
  REQUIRE(j.add(fragment(stream_kind::out, "", true, 3), std::ref(c)) == error::ok);
  REQUIRE(j.finish(std::ref(c)) == error::ok);
  const std::vector<piece> expected = {{stream_kind::out, "abc", line::unterminated, 1, true},
                                       {stream_kind::err, "de", line::unterminated, 2, true}};
  CHECK(c.pieces == expected);
  c.pieces.clear();
  REQUIRE(j.finish(std::ref(c)) == error::ok);
  CHECK(c.pieces.empty());
}

TEST_CASE("an empty final fragment ends a message; empty fragments join to an empty message") {
  cri_joiner j;
  collector c;
  REQUIRE(j.add(fragment(stream_kind::out, "x", true, 1), std::ref(c)) == error::ok);
  REQUIRE(j.add(fragment(stream_kind::out, "", false, 2), std::ref(c)) == error::ok);
  REQUIRE(j.add(fragment(stream_kind::out, "", true, 3), std::ref(c)) == error::ok);
  REQUIRE(j.add(fragment(stream_kind::out, "", false, 4), std::ref(c)) == error::ok);
  const std::vector<piece> expected = {{stream_kind::out, "x", 0, 1, false},
                                       {stream_kind::out, "", 0, 3, false}};
  CHECK(c.pieces == expected);
}

namespace {

// The line splitter is the reference for the overflow policies: a message
// cut into fragments must come out of the joiner exactly as the same bytes,
// cut into the same chunks and ended by '\n', come out of the splitter.
struct split_result {
  std::vector<std::pair<std::string, std::uint8_t>> pieces;
  error ec = error::ok;
  bool operator==(const split_result& o) const { return pieces == o.pieces && ec == o.ec; }
};

split_result via_splitter(const std::vector<std::string>& frags, std::size_t max, sandlog::overflow policy) {
  sandlog::line_splitter s({max, sandlog::line_ending::lf, policy});
  split_result r;
  auto sink = [&](const line& l) { r.pieces.emplace_back(std::string(l.text), l.flags); };
  for (std::size_t i = 0; i < frags.size(); ++i) {
    std::string chunk = frags[i];
    if (i + 1 == frags.size()) chunk += '\n';
    r.ec = s.feed(chunk, sink);
    if (r.ec != error::ok) break;
  }
  return r;
}

split_result via_joiner(const std::vector<std::string>& frags, std::size_t max, sandlog::overflow policy) {
  cri_joiner j({max, policy});
  split_result r;
  for (std::size_t i = 0; i < frags.size(); ++i) {
    const bool last = i + 1 == frags.size();
    r.ec = j.add(fragment(stream_kind::out, frags[i], !last, static_cast<std::int64_t>(100 + i)),
                 [&](const joined_record& m) {
                   REQUIRE(m.record.time.seconds == 100);  // the first fragment's time
                   REQUIRE(m.record.partial == m.is_continued());
                   r.pieces.emplace_back(std::string(m.record.message), m.flags);
                 });
    REQUIRE(j.buffered() <= max);
    if (r.ec != error::ok) break;
  }
  return r;
}

}  // namespace

TEST_CASE("messages of every length around the limit obey each overflow policy like the splitter") {
  const std::size_t max = 6;
  for (sandlog::overflow policy : {sandlog::overflow::split, sandlog::overflow::truncate,
                                   sandlog::overflow::discard, sandlog::overflow::fail})
    for (std::size_t len = 0; len <= 3 * max + 2; ++len) {
      std::string msg(len, 'm');
      for (std::size_t i = 0; i < len; ++i) msg[i] = static_cast<char>('a' + i % 26);
      for (std::size_t frag = 1; frag <= len + 1; ++frag)
        for (bool empty_final : {false, true}) {
          std::vector<std::string> frags;
          for (std::size_t at = 0; at < len; at += frag) frags.push_back(msg.substr(at, frag));
          if (frags.empty() || empty_final) frags.emplace_back();
          CAPTURE(static_cast<int>(policy), len, frag, empty_final);
          REQUIRE(via_joiner(frags, max, policy) == via_splitter(frags, max, policy));
        }
    }
}

TEST_CASE("overflow applies to each stream's message on its own") {
  cri_joiner j({4, sandlog::overflow::truncate});
  collector c;
  REQUIRE(j.add(fragment(stream_kind::out, "abc", true, 1), std::ref(c)) == error::ok);
  REQUIRE(j.add(fragment(stream_kind::err, "12", true, 2), std::ref(c)) == error::ok);
  REQUIRE(j.add(fragment(stream_kind::out, "defg", true, 3), std::ref(c)) == error::ok);
  REQUIRE(j.add(fragment(stream_kind::err, "34", false, 4), std::ref(c)) == error::ok);
  REQUIRE(j.add(fragment(stream_kind::out, "h", false, 5), std::ref(c)) == error::ok);
  const std::vector<piece> expected = {{stream_kind::out, "abcd", line::truncated, 1, false},
                                       {stream_kind::err, "1234", 0, 2, false}};
  CHECK(c.pieces == expected);
  CHECK(j.stats().truncated == 1);
  CHECK(j.stats().messages == 2);
}

TEST_CASE("overflow::fail stops the joiner until reset") {
  cri_joiner j({3, sandlog::overflow::fail});
  collector c;
  CHECK(j.add(fragment(stream_kind::out, "ab", true, 1), std::ref(c)) == error::ok);
  CHECK(j.add(fragment(stream_kind::out, "cd", false, 1), std::ref(c)) == error::line_too_long);
  CHECK(j.add(fragment(stream_kind::out, "x", false, 1), std::ref(c)) == error::line_too_long);
  CHECK(j.finish(std::ref(c)) == error::line_too_long);
  CHECK(j.last_error() == error::line_too_long);
  j.reset();
  CHECK(j.add(fragment(stream_kind::out, "x", false, 1), std::ref(c)) == error::ok);
  CHECK(c.pieces.size() == 1);
}

TEST_CASE("joining allocates nothing once the buffers are warm") {
  cri_joiner j({1024, sandlog::overflow::split});
  const std::string big(900, 'b');
  std::size_t bytes = 0;
  auto sink = [&](const joined_record& m) { bytes += m.record.message.size(); };
  for (stream_kind k : {stream_kind::out, stream_kind::err}) {
    REQUIRE(j.add(fragment(k, big, true, 1), sink) == error::ok);
    REQUIRE(j.add(fragment(k, big, false, 1), sink) == error::ok);  // splits: fills to the limit
  }
  const std::size_t before = sandlog_test::allocations();
  for (int i = 0; i < 1000; ++i) {
    const stream_kind k = i % 3 ? stream_kind::out : stream_kind::err;
    REQUIRE(j.add(fragment(k, std::string_view(big).substr(0, 300), true, i), sink) == error::ok);
    REQUIRE(j.add(fragment(k, std::string_view(big).substr(0, 200), i % 2 == 0, i), sink) == error::ok);
    REQUIRE(j.add(fragment(k, "tail", false, i), sink) == error::ok);
  }
  REQUIRE(j.finish(sink) == error::ok);
  CHECK(sandlog_test::allocations() == before);
  CHECK(bytes > 0);
}

TEST_CASE("parsing allocates nothing") {
  const std::string line = "2026-02-20T14:30:00.123456789Z stdout F hello";
  const std::size_t before = sandlog_test::allocations();
  log_record r;
  for (int i = 0; i < 100; ++i) REQUIRE(parse_record(line, log_format::cri, r));
  CHECK(sandlog::detect_format(line) == log_format::cri);
  CHECK(sandlog_test::allocations() == before);
}
