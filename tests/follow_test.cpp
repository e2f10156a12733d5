// Specification of follow.hpp: tail_buffer, time_window and resume_cursor,
// the latter against an in-process server that drops connections.
#include <catch2/catch.hpp>

#include <sandlog/follow.hpp>
#include <sandlog/line_splitter.hpp>
#include <sandlog/record.hpp>
#include <sandlog/timestamp.hpp>

#include <deque>
#include <random>
#include <string>
#include <vector>

#include "support/counting_allocator.hpp"

namespace {

using sandlog::timestamp;

timestamp at(std::int64_t seconds, std::uint32_t nanos = 0) {
  timestamp t;
  t.seconds = seconds;
  t.nanos = nanos;
  return t;
}

// ---- a simulated log server -------------------------------------------------

struct sim_line {
  timestamp time;
  bool timed;
  std::string message;
};

// Serves a log as `<RFC 3339> <message>\n` lines: everything at or after
// `since` (inclusive), truncated to whole seconds unless `nanos`.
struct sim_server {
  std::vector<sim_line> log;
  bool nanos = false;            // since_time and timestamps with 9 digits
  bool honours_since = true;     // false: replays from the start every time
  std::string line_text(const sim_line& l) const {
    std::string s;
    if (l.timed) {
      char buf[sandlog::max_timestamp_chars];
      sandlog::format_options f;
      f.fraction = nanos ? sandlog::fraction_digits::nano : sandlog::fraction_digits::none;
      s.assign(buf, sandlog::format_timestamp(l.time, buf, f));
      s += ' ';
    }
    return s + l.message;
  }
  std::string body(const std::optional<timestamp>& since) const {
    std::string out;
    for (const auto& l : log) {
      if (honours_since && since && l.timed && l.time < *since) continue;
      out += line_text(l);
      out += '\n';
    }
    return out;
  }
};

// Several lines per second, some bursts of identical lines sharing one
// timestamp; nanosecond timestamps when `nanos` (with some repeats too).
std::vector<sim_line> make_log(std::size_t n, bool nanos, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<sim_line> log;
  std::int64_t sec = 1771597800;  // 2026-02-20T14:30:00Z
  std::uint32_t ns = 0;
  while (log.size() < n) {
    if (rng() % 4 == 0) {
      ++sec;
      ns = 0;
    }
    if (nanos && rng() % 3 != 0) ns += static_cast<std::uint32_t>(1 + rng() % 1000);
    const std::size_t burst = rng() % 8 == 0 ? 1 + rng() % 6 : 1;
    const std::string msg =
        rng() % 5 == 0 ? "same line" : "line " + std::to_string(log.size()) + " x" +
                                           std::string(rng() % 40, 'y');
    for (std::size_t i = 0; i < burst && log.size() < n; ++i)
      log.push_back({at(sec, nanos ? ns : 0), true, msg});
  }
  return log;
}

struct follow_result {
  std::vector<std::string> delivered;  // server line text of each delivered record
  std::size_t disconnects = 0;
  sandlog::resume_stats stats;
  bool exact = false;
};

// A follower: requests, reads a random number of bytes in random chunks
// (the connection drops there, often mid-line), discards the partial line,
// and resumes with the cursor's since_time until the whole log is read.
follow_result follow(const sim_server& server, sandlog::resume_options opts,
                     std::uint32_t seed, std::size_t mean_bytes_per_connection) {
  std::mt19937 rng(seed);
  sandlog::resume_cursor cursor(opts);
  sandlog::line_splitter splitter;
  follow_result out;
  const auto fmt = server.log.empty() || server.log.front().timed ? sandlog::log_format::timestamped
                                                                  : sandlog::log_format::raw;
  std::optional<timestamp> since;
  for (int attempts = 0; attempts < 100000; ++attempts) {
    const std::string body = server.body(since);
    // Drop after a random number of bytes past what was delivered already,
    // so a server that replays from the start still lets the follower on.
    std::size_t replay = 0;
    for (std::size_t i = 0; i < out.delivered.size(); ++i) {
      const sim_line& l = server.log[i];
      if (!server.honours_since || !since || !l.timed || !(l.time < *since))
        replay += server.line_text(l).size() + 1;
    }
    const std::size_t budget = replay + 1 + rng() % (2 * mean_bytes_per_connection);
    const bool complete = budget >= body.size();
    const std::size_t n = complete ? body.size() : budget;
    auto sink = [&](const sandlog::line& l) {
      sandlog::log_record r;
      REQUIRE(sandlog::parse_record(l.text, fmt, r));
      if (cursor.admit(r) == sandlog::admit_verdict::deliver) out.delivered.emplace_back(l.text);
    };
    for (std::size_t i = 0; i < n;) {
      const std::size_t c = std::min<std::size_t>(1 + rng() % 97, n - i);
      splitter.feed(std::string_view(body).substr(i, c), sink);
      i += c;
    }
    if (complete) {
      splitter.finish(sink);
      break;
    }
    splitter.reset();  // the partial line comes again after the reconnect
    ++out.disconnects;
    since = cursor.reconnect();
  }
  out.stats = cursor.stats();
  out.exact = cursor.exact();
  return out;
}

// The index of the first difference, or -1 when equal.
long first_difference(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
    if (a[i] != b[i]) return static_cast<long>(i);
  return a.size() == b.size() ? -1 : static_cast<long>(std::min(a.size(), b.size()));
}

std::vector<std::string> all_lines(const sim_server& s) {
  std::vector<std::string> v;
  for (const auto& l : s.log) v.push_back(s.line_text(l));
  return v;
}

}  // namespace

// ---- resume_cursor ----------------------------------------------------------

TEST_CASE("whole-second resume delivers every line once, in order, through many drops") {
  sim_server server;
  server.log = make_log(5000, false, 1);
  for (std::uint32_t seed = 1; seed <= 5; ++seed) {
    const follow_result r = follow(server, {}, seed, 2000);
    REQUIRE(r.disconnects >= 50);
    REQUIRE(first_difference(r.delivered, all_lines(server)) == -1);
    REQUIRE(r.exact);
    REQUIRE(r.stats.replayed > 0);
  }
}

TEST_CASE("nanosecond resume delivers every line once and replays less") {
  sim_server server;
  server.nanos = true;
  server.log = make_log(5000, true, 2);
  sandlog::resume_options opts;
  opts.precision = sandlog::since_precision::nanoseconds;
  const follow_result fine = follow(server, opts, 7, 2000);
  REQUIRE(fine.delivered == all_lines(server));
  REQUIRE(fine.exact);
  // The same stream resumed at whole seconds replays more, and still matches.
  const follow_result coarse = follow(server, {}, 7, 2000);
  REQUIRE(coarse.delivered == all_lines(server));
  REQUIRE(coarse.exact);
  REQUIRE(coarse.stats.replayed > fine.stats.replayed);
}

TEST_CASE("a nanosecond cursor copes with a server that only knows whole seconds") {
  // The server truncates since to the second, so it replays lines earlier
  // than the cursor's since_time: they are dropped as older.
  sim_server server;
  server.nanos = true;
  server.log = make_log(3000, true, 3);
  sandlog::resume_options opts;
  opts.precision = sandlog::since_precision::nanoseconds;
  sandlog::resume_cursor cursor(opts);
  // Deliver the first 1000 lines, then replay from the start of that second.
  const auto lines = all_lines(server);
  std::vector<std::string> got;
  auto admit_line = [&](const std::string& text) {
    sandlog::log_record r;
    REQUIRE(sandlog::parse_record(text, sandlog::log_format::timestamped, r));
    if (cursor.admit(r) == sandlog::admit_verdict::deliver) got.push_back(text);
  };
  for (std::size_t i = 0; i < 1000; ++i) admit_line(lines[i]);
  const auto since = cursor.reconnect();
  REQUIRE(since);
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (server.log[i].time.seconds >= since->seconds) admit_line(lines[i]);
  REQUIRE(got == lines);
  REQUIRE(cursor.exact());
}

TEST_CASE("identical lines sharing a timestamp are all kept across a reconnect") {
  sim_server server;
  for (int i = 0; i < 6; ++i) server.log.push_back({at(100), true, "same"});
  server.log.push_back({at(101), true, "after"});
  for (std::size_t cut = 1; cut < 6; ++cut) {
    sandlog::resume_cursor cursor;
    std::vector<std::string> got;
    auto run = [&](std::size_t from, std::size_t to) {
      for (std::size_t i = from; i < to; ++i) {
        sandlog::log_record r;
        const std::string text = server.line_text(server.log[i]);
        REQUIRE(sandlog::parse_record(text, sandlog::log_format::timestamped, r));
        if (cursor.admit(r) == sandlog::admit_verdict::deliver) got.emplace_back(r.message);
      }
    };
    run(0, cut);
    REQUIRE(cursor.reconnect()->seconds == 100);
    run(0, server.log.size());  // the server replays the whole second
    REQUIRE(got == std::vector<std::string>{"same", "same", "same", "same", "same", "same",
                                            "after"});
    REQUIRE(cursor.stats().replayed == cut);
    REQUIRE(cursor.exact());
  }
}

TEST_CASE("a reconnect right after a partial line neither loses nor repeats it") {
  sim_server server;
  server.log = make_log(200, false, 4);
  const std::string body = server.body(std::nullopt);
  const auto expected = all_lines(server);
  // Drop the connection at every byte of the 40th line, before its '\n'.
  std::size_t line_start = 0;
  for (int i = 0; i < 40; ++i) line_start = body.find('\n', line_start) + 1;
  const std::size_t line_end = body.find('\n', line_start);
  for (std::size_t drop = line_start; drop <= line_end; ++drop) {
    sandlog::resume_cursor cursor;
    sandlog::line_splitter splitter;
    std::vector<std::string> got;
    auto sink = [&](const sandlog::line& l) {
      sandlog::log_record r;
      REQUIRE(sandlog::parse_record(l.text, sandlog::log_format::timestamped, r));
      if (cursor.admit(r) == sandlog::admit_verdict::deliver) got.emplace_back(l.text);
    };
    splitter.feed(std::string_view(body).substr(0, drop), sink);
    splitter.reset();
    const std::string again = server.body(cursor.reconnect());
    splitter.feed(again, sink);
    splitter.finish(sink);
    REQUIRE(got == expected);
    REQUIRE(cursor.exact());
  }
}

TEST_CASE("past max_remembered the replay is skipped by count and reported") {
  sim_server server;
  for (int i = 0; i < 10; ++i) server.log.push_back({at(50), true, "l" + std::to_string(i)});
  server.log.push_back({at(51), true, "next"});
  sandlog::resume_options opts;
  opts.max_remembered = 4;
  sandlog::resume_cursor cursor(opts);
  std::vector<std::string> got;
  auto admit = [&](const sim_line& l) {
    sandlog::log_record r;
    const std::string text = server.line_text(l);
    REQUIRE(sandlog::parse_record(text, sandlog::log_format::timestamped, r));
    if (cursor.admit(r) == sandlog::admit_verdict::deliver) got.emplace_back(r.message);
  };
  for (int i = 0; i < 7; ++i) admit(server.log[static_cast<std::size_t>(i)]);
  REQUIRE(cursor.over_limit());
  REQUIRE(cursor.exact());  // nothing skipped yet
  cursor.reconnect();
  for (const auto& l : server.log) admit(l);
  REQUIRE(got.size() == 11);
  REQUIRE(got.back() == "next");
  REQUIRE(cursor.stats().replayed == 4);
  REQUIRE(cursor.stats().unverified == 3);
  REQUIRE_FALSE(cursor.exact());
  // A new second starts a new memory.
  REQUIRE_FALSE(cursor.over_limit());
}

TEST_CASE("a replay that differs from what was delivered is reported as a mismatch") {
  sandlog::resume_cursor cursor;
  auto rec = [](std::int64_t s, const char* msg) {
    sandlog::log_record r;
    r.has_time = true;
    r.time = at(s);
    r.message = msg;
    return r;
  };
  REQUIRE(cursor.admit(rec(10, "a")) == sandlog::admit_verdict::deliver);
  REQUIRE(cursor.admit(rec(10, "b")) == sandlog::admit_verdict::deliver);
  cursor.reconnect();
  REQUIRE(cursor.admit(rec(10, "a")) == sandlog::admit_verdict::replayed);
  REQUIRE(cursor.admit(rec(10, "c")) == sandlog::admit_verdict::deliver);  // "b" went missing
  REQUIRE(cursor.stats().mismatches == 1);
  REQUIRE_FALSE(cursor.exact());
}

TEST_CASE("a server that ignores since_time and replays from the start is handled") {
  sim_server server;
  server.honours_since = false;
  server.log = make_log(1500, false, 5);
  const follow_result r = follow(server, {}, 11, 3000);
  REQUIRE(first_difference(r.delivered, all_lines(server)) == -1);
  REQUIRE(r.exact);
  REQUIRE(r.stats.older > 0);
}

TEST_CASE("a stream without timestamps resumes from the start, matched by content") {
  sim_server server;
  for (int i = 0; i < 300; ++i)
    server.log.push_back({timestamp{}, false, i % 7 == 0 ? "dup" : "u" + std::to_string(i)});
  sandlog::resume_options opts;
  opts.max_remembered = 1000;
  const follow_result r = follow(server, opts, 3, 100);
  REQUIRE(r.disconnects > 3);
  REQUIRE(first_difference(r.delivered, all_lines(server)) == -1);
  REQUIRE(r.exact);
}

TEST_CASE("since_time is the last delivered instant at the chosen precision") {
  sandlog::log_record r;
  r.has_time = true;
  r.time = at(1000, 123456789);
  sandlog::resume_cursor seconds;
  REQUIRE_FALSE(seconds.since_time().has_value());
  seconds.admit(r);
  REQUIRE(seconds.since_time() == std::optional<timestamp>(at(1000)));
  sandlog::resume_options opts;
  opts.precision = sandlog::since_precision::nanoseconds;
  sandlog::resume_cursor nanos(opts);
  nanos.admit(r);
  REQUIRE(nanos.since_time() == std::optional<timestamp>(at(1000, 123456789)));
  // An out-of-order earlier record does not move it back.
  r.time = at(999);
  nanos.admit(r);
  REQUIRE(nanos.since_time() == std::optional<timestamp>(at(1000, 123456789)));
}

TEST_CASE("a warm resume cursor allocates nothing") {
  sandlog::resume_cursor cursor;
  sandlog::log_record r;
  r.has_time = true;
  r.message = "hello";
  for (int i = 0; i < 100; ++i) {
    r.time = at(i / 10);
    cursor.admit(r);
  }
  const std::size_t before = sandlog_test::allocations();
  for (int i = 100; i < 10000; ++i) {
    r.time = at(i / 10);
    cursor.admit(r);
  }
  const std::size_t after = sandlog_test::allocations();
  REQUIRE(after == before);
}

// ---- time_window -------------------------------------------------------------

TEST_CASE("a time window includes since and excludes until") {
  sandlog::time_window w;
  w.since = at(10, 5);
  w.until = at(20);
  sandlog::log_record r;
  r.has_time = true;
  auto where = [&](timestamp t) {
    r.time = t;
    return w.locate(r);
  };
  REQUIRE(where(at(10, 4)) == sandlog::window_position::before);
  REQUIRE(where(at(10, 5)) == sandlog::window_position::inside);
  REQUIRE(where(at(19, 999999999)) == sandlog::window_position::inside);
  REQUIRE(where(at(20)) == sandlog::window_position::after);
  r.time = at(15);
  REQUIRE(w.accepts(r));
  r.time = at(20);
  REQUIRE_FALSE(w.accepts(r));
}

TEST_CASE("an open time window accepts everything; untimed records follow keep_untimed") {
  sandlog::time_window w;
  sandlog::log_record r;
  r.has_time = true;
  r.time = at(-5);
  REQUIRE(w.accepts(r));
  r.has_time = false;
  REQUIRE(w.locate(r) == sandlog::window_position::untimed);
  REQUIRE(w.accepts(r));
  w.keep_untimed = false;
  REQUIRE_FALSE(w.accepts(r));
}

// ---- tail_buffer -------------------------------------------------------------

TEST_CASE("a tail buffer keeps the last N lines") {
  sandlog::tail_buffer tail(3, 1000);
  for (const char* s : {"a", "bb", "ccc", "dddd", "eeeee"}) tail.push(s);
  REQUIRE(tail.size() == 3);
  REQUIRE(tail[0] == "ccc");
  REQUIRE(tail[1] == "dddd");
  REQUIRE(tail[2] == "eeeee");
}

TEST_CASE("a tail buffer never holds more bytes than its bound") {
  sandlog::tail_buffer tail(100, 10);
  tail.push("12345");
  tail.push("6789");
  REQUIRE(tail.size() == 2);
  tail.push("abc");  // does not fit behind "6789": goes to the front, "12345" leaves
  REQUIRE(tail.size() == 2);
  REQUIRE(tail[0] == "6789");
  REQUIRE(tail[1] == "abc");
  REQUIRE(tail.push("0123456789"));  // exactly the bound: alone
  REQUIRE(tail.size() == 1);
  REQUIRE_FALSE(tail.push("0123456789ABC"));  // over: cut and flagged
  REQUIRE(tail[0] == "0123456789");
  REQUIRE(tail.truncated(0));
}

TEST_CASE("a tail buffer matches a simple reference under random pushes") {
  std::mt19937 rng(9);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t max_lines = 1 + rng() % 8;
    const std::size_t max_bytes = 1 + rng() % 64;
    sandlog::tail_buffer tail(max_lines, max_bytes);
    std::deque<std::string> ref;  // the newest lines, all of them kept
    for (int i = 0; i < 300; ++i) {
      std::string s(rng() % (max_bytes + 4), static_cast<char>('a' + i % 26));
      tail.push(s);
      ref.push_back(s.substr(0, max_bytes));
      // The tail must be a suffix of the reference, within both bounds, and
      // hold the newest line.
      REQUIRE(tail.size() >= 1);
      REQUIRE(tail.size() <= max_lines);
      REQUIRE(tail.bytes() <= max_bytes);
      for (std::size_t k = 0; k < tail.size(); ++k)
        REQUIRE(tail[k] == ref[ref.size() - tail.size() + k]);
      // It drops a line only for a reason: the line count, or the bytes
      // (with at most one line's worth of gap at the end of the ring).
      if (tail.size() < max_lines && tail.size() < ref.size()) {
        const std::size_t next_older = ref[ref.size() - tail.size() - 1].size();
        REQUIRE(tail.bytes() + next_older > max_bytes / 2);
      }
    }
  }
}

TEST_CASE("a tail buffer allocates only in its constructor") {
  const std::size_t before = sandlog_test::allocations();
  sandlog::tail_buffer tail(1000, 1 << 16);
  const std::size_t constructed = sandlog_test::allocations();
  REQUIRE(constructed - before == 2);
  std::string line;
  line.reserve(200);
  for (int i = 0; i < 100000; ++i) {
    line.assign(static_cast<std::size_t>(i % 200), 'x');  // within capacity after the first
    tail.push(line);
  }
  const std::size_t after = sandlog_test::allocations();
  REQUIRE(after - constructed == 1);  // the reserve() above
  REQUIRE(tail.size() <= 1000);
  REQUIRE(tail.bytes() <= (1u << 16));
}
