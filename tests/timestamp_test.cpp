// Specification of sandlog/timestamp.hpp: parsing (both grammars), leap
// seconds, the calendar math, unix/chrono conversions and formatting.
#include "sandlog/timestamp.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "sandlog/value.hpp"
#include "support/timestamp_reference.hpp"
#include "support/vectors.hpp"

#if SANDLOG_HAS_CPP20 && defined(__cpp_lib_chrono) && __cpp_lib_chrono >= 201907L
#define SANDLOG_TEST_HAVE_YMD 1
#else
#define SANDLOG_TEST_HAVE_YMD 0
#endif

namespace {

using sandlog::error;
using sandlog::timestamp;

sandlog::timestamp_options lenient() {
  sandlog::timestamp_options o;
  o.grammar = sandlog::syntax::iso8601;
  return o;
}

struct outcome {
  sandlog::parse_result r;
  timestamp ts;
  std::size_t consumed;
};

// Parses from an exact-size heap copy so the sanitizer builds catch any read past the end.
outcome parse(const std::string& text, sandlog::timestamp_options o = {}) {
  std::vector<char> exact(text.begin(), text.end());
  const char* first = exact.data();
  outcome out{{nullptr, error::ok}, {}, 0};
  out.r = sandlog::parse_timestamp(first, first + exact.size(), out.ts, o);
  out.consumed = static_cast<std::size_t>(out.r.ptr - first);
  return out;
}

error parse_error(const std::string& text, sandlog::timestamp_options o = {}) {
  return parse(text, o).r.ec;
}

std::string format(const timestamp& ts, sandlog::format_options o = {}) {
  char buf[sandlog::max_timestamp_chars];
  char* end = sandlog::format_timestamp(ts, buf, o);
  return end == nullptr ? std::string("<null>") : std::string(buf, end);
}

timestamp make(std::int64_t seconds, std::uint32_t nanos = 0, std::int16_t offset = 0) {
  timestamp t;
  t.seconds = seconds;
  t.nanos = nanos;
  t.offset_minutes = offset;
  return t;
}

std::string two(unsigned v) {
  char b[3];
  std::snprintf(b, sizeof b, "%02u", v % 100);
  return b;
}

std::string date_text(long y, unsigned m, unsigned d) {
  char b[16];
  std::snprintf(b, sizeof b, "%04ld-%02u-%02u", y, m, d);
  return b;
}

}  // namespace

// ---------------------------------------------------------------------------
// Calendar math
// ---------------------------------------------------------------------------

static_assert(sandlog::days_from_civil(1970, 1, 1) == 0, "");
static_assert(sandlog::days_from_civil(2026, 2, 20) == 20504, "");
static_assert(sandlog::civil_from_days(20504).year == 2026, "");
static_assert(sandlog::civil_from_days(-719528).day == 1, "");
static_assert(sandlog::is_leap_year(2000) && !sandlog::is_leap_year(1900) && sandlog::is_leap_year(0), "");
static_assert(sandlog::days_in_month(1900, 2) == 28 && sandlog::days_in_month(2000, 2) == 29, "");
static_assert(sandlog::iso_weekday(sandlog::days_from_civil(2000, 1, 1)) == 6, "a Saturday");

TEST_CASE("every day from 0000-01-01 to 9999-12-31 parses to the right day count and back") {
  // Walk the calendar one day at a time from the epoch in both directions,
  // counting days by hand: an independent reference for every date.
  auto check = [](long y, unsigned m, unsigned d, std::int64_t days) {
    const std::string text = date_text(y, m, d) + "T00:00:00Z";
    timestamp ts;
    const auto r = sandlog::parse_timestamp(text.data(), text.data() + text.size(), ts);
    if (!r || ts.seconds != days * 86400) {
      FAIL_CHECK(text << " parsed to " << ts.seconds << " (" << sandlog::to_string(r.ec) << ")");
      return false;
    }
    if (sandlog::days_from_civil(y, m, d) != days) {
      FAIL_CHECK("days_from_civil " << text);
      return false;
    }
    const sandlog::civil_date c = sandlog::civil_from_days(days);
    if (c.year != y || c.month != m || c.day != d) {
      FAIL_CHECK("civil_from_days " << text);
      return false;
    }
    if (format(ts, {sandlog::fraction_digits::none, sandlog::zone::utc}) != text) {
      FAIL_CHECK("format " << text);
      return false;
    }
#if SANDLOG_TEST_HAVE_YMD
    const std::chrono::year_month_day ymd{std::chrono::year{static_cast<int>(y)},
                                          std::chrono::month{m}, std::chrono::day{d}};
    if (std::chrono::sys_days(ymd).time_since_epoch().count() != days) {
      FAIL_CHECK("std::chrono disagrees on " << text);
      return false;
    }
#endif
    return true;
  };
  auto length = [](long y, unsigned m) {
    const unsigned len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29u : len[m - 1];
  };
  long y = 1970;
  unsigned m = 1, d = 1;
  std::int64_t days = 0;
  std::size_t checked = 0;
  while (y <= 9999 && check(y, m, d, days)) {
    ++checked;
    ++days;
    if (++d > length(y, m)) {
      d = 1;
      if (++m > 12) {
        m = 1;
        ++y;
      }
    }
  }
  y = 1969, m = 12, d = 31, days = -1;
  while (y >= 0 && check(y, m, d, days)) {
    ++checked;
    --days;
    if (--d == 0) {
      if (--m == 0) {
        m = 12;
        --y;
      }
      d = length(y, m);
    }
  }
  CHECK(checked == 3652425);  // 10000 Gregorian years = 25 cycles of 146097 days
}

TEST_CASE("ISO weekday and week-year lengths follow the calendar") {
  CHECK(sandlog::iso_weekday(sandlog::days_from_civil(2026, 2, 20)) == 5);
  CHECK(sandlog::iso_weekday(sandlog::days_from_civil(1969, 12, 28)) == 7);
  CHECK(sandlog::iso_weekday(sandlog::days_from_civil(0, 1, 1)) == 6);
  // A year has 53 ISO weeks exactly when it starts on a Thursday, or is a
  // leap year starting on a Wednesday.
  for (long y = 0; y <= 9999; ++y) {
    const unsigned jan1 = sandlog::iso_weekday(sandlog::days_from_civil(y, 1, 1));
    const bool long_year = jan1 == 4 || (jan1 == 3 && sandlog::is_leap_year(y));
    if (sandlog::iso_weeks_in_year(y) != (long_year ? 53u : 52u)) FAIL("year " << y);
  }
}

// ---------------------------------------------------------------------------
// Strict RFC 3339
// ---------------------------------------------------------------------------

TEST_CASE("a plain RFC 3339 timestamp parses and stops right after it") {
  const auto o = parse("2026-02-20T14:30:00Z some log line");
  REQUIRE(o.r);
  CHECK(o.consumed == 20);
  CHECK(o.ts.seconds == 1771597800);  // date -u -d 2026-02-20T14:30:00Z +%s
  CHECK(o.ts.nanos == 0);
  CHECK(o.ts.offset_minutes == 0);
  CHECK(parse("2026-02-20t14:30:00z").r);
}

TEST_CASE("every offset from -23:59 to +23:59 shifts the instant by its minutes") {
  const std::int64_t base = 1771597800;
  for (int off = -1439; off <= 1439; ++off) {
    const unsigned a = static_cast<unsigned>(off < 0 ? -off : off);
    const std::string zone = std::string(off < 0 ? "-" : "+") + two(a / 60) + ":" + two(a % 60);
    for (const char* frac : {"", ".25"}) {
      const std::string text = "2026-02-20T14:30:00" + std::string(frac) + zone;
      const auto o = parse(text);
      REQUIRE(o.r);
      CHECK(o.consumed == text.size());
      CHECK(o.ts.seconds == base - off * 60);
      CHECK(o.ts.offset_minutes == off);
      if (off != 0)
        CHECK(format(o.ts, {sandlog::fraction_digits::shortest, sandlog::zone::stored}) == text);
    }
  }
  CHECK(parse("2026-02-20T14:30:00-00:00").ts.seconds == base);
  CHECK(parse("2026-02-20T14:30:00-00:30").ts.seconds == base + 30 * 60);  // west
  CHECK(parse_error("2026-02-20T14:30:00+24:00") == error::bad_offset);
  CHECK(parse_error("2026-02-20T14:30:00+05:60") == error::bad_offset);
  CHECK(parse_error("2026-02-20T14:30:00+0530") == error::bad_offset);
  CHECK(parse_error("2026-02-20T14:30:00+05") == error::too_short);
}

TEST_CASE("every second of a day parses to its offset from midnight") {
  const std::int64_t midnight = 1771545600;  // 2026-02-20T00:00:00Z
  for (unsigned s = 0; s < 86400; ++s) {
    const std::string text = "2026-02-20T" + two(s / 3600) + ":" + two(s / 60 % 60) + ":" +
                             two(s % 60) + "Z";
    const auto o = parse(text);
    if (!o.r || o.ts.seconds != midnight + s) FAIL(text);
  }
  CHECK(parse_error("2026-02-20T24:00:00Z") == error::bad_hour);
  CHECK(parse_error("2026-02-20T23:60:00Z") == error::bad_minute);
  CHECK(parse_error("2026-02-20T23:59:61Z") == error::bad_second);
}

TEST_CASE("every invalid day of every month is rejected, in leap and common years") {
  for (long y : {2023L, 2024L, 1900L, 2000L, 0L, 9999L}) {
    for (unsigned m = 1; m <= 12; ++m) {
      const unsigned len = sandlog::days_in_month(y, m);
      for (unsigned d = 0; d <= 99; ++d) {
        const std::string text = date_text(y, m, d) + "T12:00:00Z";
        const bool valid = d >= 1 && d <= len;
        const error ec = parse_error(text);
        if (valid != (ec == error::ok) || (!valid && ec != error::bad_day)) FAIL(text);
      }
    }
  }
  CHECK(parse("2000-02-29T00:00:00Z").r);
  CHECK(parse_error("1900-02-29T00:00:00Z") == error::bad_day);
  CHECK(parse_error("2023-02-29T00:00:00Z") == error::bad_day);
  for (const char* month : {"00", "13", "99"})
    CHECK(parse_error(std::string("2026-") + month + "-01T00:00:00Z") == error::bad_month);
}

TEST_CASE("fractions of 1 to 20 digits are read and truncated to nanoseconds") {
  const std::string digits = "98765432109876543210";
  for (std::size_t n = 0; n <= 20; ++n) {
    for (const char* tail : {"Z", "Z and a message after it"}) {
      const std::string text =
          "2026-02-20T14:30:00" + (n ? "." + digits.substr(0, n) : std::string()) + tail;
      const auto o = parse(text);
      REQUIRE(o.r);
      CHECK(o.consumed == 20 + (n ? n + 1 : 0));
      const std::string nine = (digits.substr(0, n) + "000000000").substr(0, 9);
      CHECK(o.ts.nanos == std::stoul(nine));
      CHECK(o.ts.seconds == 1771597800);
    }
  }
  CHECK(parse_error("2026-02-20T14:30:00.Z") == error::bad_fraction);
  CHECK(parse_error("2026-02-20T14:30:00,5Z") == error::bad_offset);  // comma: iso8601 only
}

// Parses text in either grammar (default leap policy) and requires the same
// outcome as the reference parser: error kind, and on success length,
// instant and offset.
static void agrees_with_reference(const std::string& text, bool lenient_grammar) {
  sandlog::timestamp_options o;
  if (lenient_grammar) o = lenient();
  const auto got = parse(text, o);
  const auto want = sandlog_ref::parse(text, lenient_grammar, sandlog_ref::leap::clamp, false);
  INFO(text);
  REQUIRE(got.r.ec == want.ec);
  if (!got.r) return;
  CHECK(got.consumed == want.consumed);
  CHECK(got.ts.seconds == want.seconds);
  CHECK(got.ts.nanos == want.nanos);
  CHECK(got.ts.offset_minutes == want.offset);
}

TEST_CASE("three fraction digits then any byte and any tail agree with the reference parser") {
  // Milliseconds take their own path: check every byte after them, with the
  // tails that make a whole offset, a partial one, or a longer fraction.
  const std::vector<std::string> tails = {"", "05:30", "05:3", "23:59 x", "24:00", "5:30", "0530",
                                          "1234", "1234567890Z"};
  for (int c = 0; c < 256; ++c) {
    for (const std::string& tail : tails) {
      for (const bool lenient_grammar : {false, true}) {
        agrees_with_reference("2024-02-29T23:59:58.987" + std::string(1, static_cast<char>(c)) + tail,
                              lenient_grammar);
      }
    }
  }
  for (unsigned ms = 0; ms < 1000; ++ms) {
    char b[40];
    std::snprintf(b, sizeof b, "1999-12-31T23:59:59.%03u-12:45", ms);
    const auto got = parse(b);
    REQUIRE(got.r);
    CHECK(got.ts.nanos == ms * 1000000);
    CHECK(got.ts.seconds == 946684799 + (12 * 60 + 45) * 60);
    CHECK(got.consumed == 29);
  }
}

TEST_CASE("every hour 00 to 99 and every year's February 29 agree with the reference parser") {
  // The fast path bounds the hour inside its word check and picks the month
  // table by year % 4 (the century for a multiple of 100): probe both edges
  // in each shape the fast path treats apart.
  const std::vector<std::string> tails = {":30:00Z", ":30:00.123+05:30", ":30:00.123456789Z",
                                          ":30:00.5-00:30"};
  const auto check = [](const std::string& text) { agrees_with_reference(text, false); };
  for (const std::string& tail : tails) {
    for (int h = 0; h < 100; ++h) {
      char b[16];
      std::snprintf(b, sizeof b, "%02d", h);
      check("2024-02-29T" + std::string(b) + tail);
    }
    for (int y = 0; y <= 9999; ++y) {
      char b[16];
      std::snprintf(b, sizeof b, "%04d", y);
      check(std::string(b) + "-02-29T23" + tail);
    }
  }
}

TEST_CASE("instants before 1970 keep a non-negative fraction") {
  auto o = parse("1969-12-31T23:59:59.5Z");
  CHECK(o.ts.seconds == -1);
  CHECK(o.ts.nanos == 500000000u);
  o = parse("1969-12-31T23:59:59.000000001Z");
  CHECK(o.ts.seconds == -1);
  CHECK(o.ts.nanos == 1u);
  o = parse("1900-01-01T00:00:00.75+01:00");
  CHECK(o.ts.seconds == -2208992400);  // -2208988800 - 3600
  CHECK(o.ts.nanos == 750000000u);
  CHECK(format(make(-1, 500000000)) == "1969-12-31T23:59:59.5Z");
  CHECK(format(make(-62167219200)) == "0000-01-01T00:00:00Z");
}

TEST_CASE("the input is never read past its end: every proper prefix is too short") {
  const std::string full = "2026-02-20T14:30:00.123456789+05:30";
  for (std::size_t n = 0; n < full.size(); ++n) {
    const error ec = parse_error(full.substr(0, n));
    // A prefix ending right after the seconds or inside the fraction is still
    // missing its offset.
    if (ec != error::too_short) FAIL(n << ": " << sandlog::to_string(ec));
  }
  CHECK(parse_error(full) == error::ok);
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

TEST_CASE("every timestamp error is reported for an input that has that fault") {
  const auto iso = lenient();
  sandlog::timestamp_options reject = {};
  reject.leap = sandlog::leap_second::reject;
  CHECK(parse_error("2026-02-20T14:30") == error::too_short);
  CHECK(parse_error("") == error::too_short);
  CHECK(parse_error("20x6-02-20T14:30:00Z") == error::bad_year);
  CHECK(parse_error("2026-2-20T14:30:00Z") == error::bad_month);
  CHECK(parse_error("2026-04-31T14:30:00Z") == error::bad_day);
  CHECK(parse_error("2026-W54-1T14:30:00Z", iso) == error::bad_week);
  CHECK(parse_error("2021-W53-1T14:30:00Z", iso) == error::bad_week);
  CHECK(parse_error("2026-02-20T25:30:00Z") == error::bad_hour);
  CHECK(parse_error("2026-02-20T14:3a:00Z") == error::bad_minute);
  CHECK(parse_error("2026-02-20T14:30:60Z") == error::bad_second);  // not 23:59 UTC
  CHECK(parse_error("2026-02-20T14:30:00.xZ") == error::bad_fraction);
  CHECK(parse_error("2026/02/20T14:30:00Z") == error::bad_separator);
  CHECK(parse_error("2026-02-20 14:30:00Z") == error::bad_separator);  // space: iso8601 only
  CHECK(parse_error("2026-02-20T14:30:00") == error::too_short);
  CHECK(parse_error("2026-02-20T14:30:00 ") == error::bad_offset);
  CHECK(parse_error("2016-12-31T23:59:60Z", reject) == error::leap_second);
  CHECK(parse_error("9999-12-31T24:00:00Z", iso) == error::out_of_range);
  // Where the parse stopped: at the start of the faulty field.
  CHECK(parse("2026-13-20T14:30:00Z").consumed == 5);
  CHECK(parse("2026-02-20T14:30:00+0x:00").consumed == 20);
}

TEST_CASE("random corruptions of timestamps agree with the slow reference parser") {
  const std::vector<std::string> seeds = {
      "2026-02-20T14:30:00Z",      "2026-02-20T14:30:00.123456789Z", "2016-12-31T23:59:60Z",
      "2026-02-20T14:30:00,5+0530", "20260220T143000Z",              "2026-051T10:00Z",
      "2026-W08-5 24:00+05",        "2026W085T1430",                 "0000-01-01T00:00:00+01:00"};
  const std::string alphabet = "0123456789-:T tZz+.,W";
  std::mt19937_64 rng(20260220);
  std::size_t accepted = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string text = seeds[rng() % seeds.size()];
    const int edits = static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0: text[at] = alphabet[rng() % alphabet.size()]; break;
        case 1: text.erase(at, 1); break;
        default: text.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
      }
    }
    const auto choice = rng();
    sandlog::timestamp_options o;
    o.grammar = (choice & 1) ? sandlog::syntax::iso8601 : sandlog::syntax::rfc3339;
    const int leap = static_cast<int>((choice >> 1) % 3);
    o.leap = leap == 0 ? sandlog::leap_second::clamp
             : leap == 1 ? sandlog::leap_second::reject
                         : sandlog::leap_second::next_second;
    o.assume_utc = (choice & 8) != 0;
    const auto got = parse(text, o);
    const auto want = sandlog_ref::parse(text, o.grammar == sandlog::syntax::iso8601,
                                         static_cast<sandlog_ref::leap>(leap), o.assume_utc);
    if (got.r.ec != want.ec) FAIL(text << ": " << sandlog::to_string(got.r.ec) << " vs " << sandlog::to_string(want.ec));
    if (!got.r) continue;
    ++accepted;
    if (got.consumed != want.consumed || got.ts.seconds != want.seconds ||
        got.ts.nanos != want.nanos || got.ts.offset_minutes != want.offset)
      FAIL(text);
  }
  CHECK(accepted > 10000);
}

// ---------------------------------------------------------------------------
// Leap seconds
// ---------------------------------------------------------------------------

TEST_CASE("a leap second is accepted only where UTC reads 23:59:60") {
  const std::int64_t midnight = 1483228800;  // 2017-01-01T00:00:00Z
  sandlog::timestamp_options o;
  for (const char* text : {"2016-12-31T23:59:60Z", "2017-01-01T00:59:60+01:00",
                           "2016-12-31T18:29:60-05:30", "2016-12-31T23:59:60.5Z"}) {
    o.leap = sandlog::leap_second::clamp;
    auto r = parse(text, o);
    REQUIRE(r.r);
    CHECK(r.ts.seconds == midnight - 1);
    CHECK(r.ts.nanos == 999999999u);
    o.leap = sandlog::leap_second::next_second;
    r = parse(text, o);
    REQUIRE(r.r);
    CHECK(r.ts.seconds == midnight);
    o.leap = sandlog::leap_second::reject;
    CHECK(parse_error(text, o) == error::leap_second);
  }
  CHECK(parse("2016-12-31T23:59:60.5Z", o = {}).ts.nanos == 999999999u);
  o.leap = sandlog::leap_second::next_second;
  CHECK(parse("2016-12-31T23:59:60.5Z", o).ts.nanos == 500000000u);
  // The clamped value keeps the order of the seconds around it.
  CHECK(parse("2016-12-31T23:59:59.9Z").ts < parse("2016-12-31T23:59:60Z").ts);
  CHECK(parse("2016-12-31T23:59:60Z").ts < parse("2017-01-01T00:00:00Z").ts);
  for (const char* text : {"2016-12-31T22:59:60Z", "2016-12-31T23:58:60Z",
                           "2017-01-01T00:59:60Z", "2016-12-31T23:59:60+01:00"})
    CHECK(parse_error(text) == error::bad_second);
}

// ---------------------------------------------------------------------------
// Lenient ISO 8601
// ---------------------------------------------------------------------------

TEST_CASE("each lenient form is read in iso8601 and rejected in rfc3339") {
  const std::int64_t t = 1771597800;  // 2026-02-20T14:30:00Z, a Friday, day 51
  struct form {
    const char* text;
    std::int64_t seconds;
    std::uint32_t nanos;
    error strict;
  };
  const form forms[] = {
      {"2026-02-20 14:30:00Z", t, 0, error::bad_separator},
      {"2026-02-20T14:30:00,25Z", t, 250000000, error::bad_offset},
      {"2026-02-20T19:30:00+0500", t, 0, error::bad_offset},
      {"2026-02-20T19:30:00+05", t, 0, error::too_short},
      {"2026-02-20T09:30:00-05", t, 0, error::too_short},
      {"2026-02-20T14:30Z", t, 0, error::bad_separator},
      {"20260220T143000Z", t, 0, error::bad_separator},
      {"20260220T1430Z", t, 0, error::bad_separator},
      {"20260220T143000.5+0000", t, 500000000, error::bad_separator},
      {"2026-051T14:30:00Z", t, 0, error::bad_separator},
      {"2026051T143000Z", t, 0, error::bad_separator},
      {"2026-W08-5T14:30:00Z", t, 0, error::bad_month},
      {"2026W085T1430Z", t, 0, error::bad_separator},
      {"2026-02-19T24:00:00Z", t - 14 * 3600 - 1800, 0, error::bad_hour},
      {"2026-02-19T24:00Z", t - 14 * 3600 - 1800, 0, error::bad_hour},
  };
  for (const form& f : forms) {
    INFO(f.text);
    const auto o = parse(f.text, lenient());
    REQUIRE(o.r);
    CHECK(o.consumed == std::string(f.text).size());
    CHECK(o.ts.seconds == f.seconds);
    CHECK(o.ts.nanos == f.nanos);
    CHECK(parse_error(f.text) == f.strict);
  }
  CHECK(parse("2020-W01-1T00:00:00Z", lenient()).ts.seconds ==
        parse("2019-12-30T00:00:00Z").ts.seconds);
  CHECK(parse("2020-W53-7T00:00:00Z", lenient()).ts.seconds ==
        parse("2021-01-03T00:00:00Z").ts.seconds);
  CHECK(parse("2024-366T00:00:00Z", lenient()).ts.seconds ==
        parse("2024-12-31T00:00:00Z").ts.seconds);
}

TEST_CASE("an offset with seconds is read exactly in iso8601 and rejected in rfc3339") {
  // 1850-01-01T00:00:00 local, east of UTC by 5 h 53 min 28 s (Kolkata's mean time).
  const std::int64_t local = -3786825600;
  const std::int64_t t = local - (5 * 3600 + 53 * 60 + 28);
  for (const char* text : {"1850-01-01T00:00:00+05:53:28", "1850-01-01T00:00:00+055328",
                           "1850-01-01T00:00+05:53:28", "18500101T000000+055328"}) {
    INFO(text);
    const auto o = parse(text, lenient());
    REQUIRE(o.r);
    CHECK(o.consumed == std::string(text).size());
    CHECK(o.ts.seconds == t);
    CHECK(o.ts.offset_minutes == 353);  // the minutes; the instant holds the seconds
  }
  const auto west = parse("1900-01-01T00:00:00-00:25:21", lenient());
  REQUIRE(west.r);
  CHECK(west.ts.seconds == -2208988800 + 1521);
  CHECK(west.ts.offset_minutes == -25);
  // Strict: refused at the ':' of the seconds, on the fast path's shape too.
  const auto strict = parse("1850-01-01T00:00:00+05:53:28");
  CHECK(strict.r.ec == error::bad_offset);
  CHECK(strict.consumed == 25);
  CHECK(parse_error("2026-02-20T14:30:00.123+05:30:15") == error::bad_offset);
  CHECK(parse_error("2026-02-20T14:30:00+05:30:1") == error::bad_offset);
  // A ':' without a digit after it is not part of the timestamp.
  const auto colon = parse("2026-02-20T14:30:00+05:30: message");
  REQUIRE(colon.r);
  CHECK(colon.consumed == 25);
  const auto colon_iso = parse("2026-02-20T14:30:00+05:30: message", lenient());
  REQUIRE(colon_iso.r);
  CHECK(colon_iso.consumed == 25);
  // Seconds past 59, too few digits, a fraction of an offset second.
  CHECK(parse_error("2026-02-20T14:30:00+05:30:60", lenient()) == error::bad_offset);
  CHECK(parse_error("2026-02-20T14:30:00+05:30:1", lenient()) == error::too_short);
  CHECK(parse_error("2026-02-20T14:30:00+05:30:1x", lenient()) == error::bad_offset);
  CHECK(parse_error("2026-02-20T14:30:00+05301x", lenient()) == error::bad_offset);
  CHECK(parse_error("2000-01-01T00:00:00+05:30:15.000005", lenient()) == error::bad_offset);
  // No leap second can fall on a local :60 under an offset with seconds.
  CHECK(parse_error("2016-12-31T23:59:60+00:00:01", lenient()) == error::bad_second);
}

TEST_CASE("a whole-text helper gives the exact instant or an error for an offset with seconds") {
  const std::int64_t t = -3786825600 - (5 * 3600 + 53 * 60 + 28);
  const auto exact = sandlog::parse_timestamp_value("1850-01-01T00:00:00+05:53:28", lenient());
  REQUIRE(exact.ec == error::ok);
  CHECK(exact.value.seconds == t);
  const auto refused = sandlog::parse_timestamp_value("1850-01-01T00:00:00+05:53:28");
  CHECK(refused.ec == error::bad_offset);
  // The memo's path gives the same.
  sandlog::timestamp_memo memo;
  const std::string text = "1850-01-01T00:00:00+05:53:28";
  timestamp got;
  for (int round = 0; round < 2; ++round) {
    auto r = sandlog::parse_timestamp(text.data(), text.data() + text.size(), got, memo, lenient());
    REQUIRE(r.ec == error::ok);
    CHECK(r.ptr == text.data() + text.size());
    CHECK(got.seconds == t);
    r = sandlog::parse_timestamp(text.data(), text.data() + text.size(), got, memo);
    CHECK(r.ec == error::bad_offset);
  }
}

namespace {

sandlog::leap_second leap_named(const std::string& s) {
  if (s == "reject") return sandlog::leap_second::reject;
  if (s == "next_second") return sandlog::leap_second::next_second;
  REQUIRE(s == "clamp");
  return sandlog::leap_second::clamp;
}

error timestamp_error_named(const std::string& s) {
  const std::pair<const char*, error> names[] = {
      {"bad_offset", error::bad_offset}, {"bad_separator", error::bad_separator},
      {"bad_year", error::bad_year},     {"leap_second", error::leap_second},
      {"bad_second", error::bad_second}, {"too_short", error::too_short}};
  for (const auto& n : names)
    if (s == n.first) return n.second;
  FAIL("unknown error name " << s);
  return error::ok;
}

}  // namespace

TEST_CASE("timestamps as Python, Java, Go, JavaScript and chrono write them read as the instants they name") {
  std::string err;
  const auto lines = sandlog_test::read_vectors("timestamps.txt", err);
  INFO(err);
  REQUIRE(err.empty());
  std::size_t n = 0;
  for (const auto& l : lines) {
    INFO("timestamps.txt:" << l.number);
    REQUIRE(l.keyword == "ts");
    REQUIRE(l.args.size() >= 5);
    sandlog::timestamp_options o;
    REQUIRE((l.args[0] == "rfc3339" || l.args[0] == "iso8601"));
    o.grammar = l.args[0] == "iso8601" ? sandlog::syntax::iso8601 : sandlog::syntax::rfc3339;
    o.leap = leap_named(l.args[1]);
    const std::string& text = l.args[2];
    INFO(text << " from " << l.args.back());
    const auto got = parse(text, o);
    const auto ref = sandlog_ref::parse(text, o.grammar == sandlog::syntax::iso8601,
                                        static_cast<sandlog_ref::leap>(o.leap), false);
    if (l.args[3] == "ok") {
      REQUIRE(l.args.size() == 8);
      REQUIRE(got.r.ec == error::ok);
      CHECK(got.consumed == text.size());
      CHECK(got.ts.seconds == std::stoll(l.args[4]));
      CHECK(got.ts.nanos == std::stoul(l.args[5]));
      CHECK(got.ts.offset_minutes == std::stoi(l.args[6]));
      CHECK(ref.ec == error::ok);
      CHECK(ref.seconds == got.ts.seconds);
    } else {
      REQUIRE(l.args.size() == 5);
      CHECK(got.r.ec == timestamp_error_named(l.args[3]));
      CHECK(ref.ec == got.r.ec);
    }
    ++n;
  }
  CHECK(n >= 25);
}

TEST_CASE("lenient forms that are ambiguous or mixed are still rejected") {
  const auto iso = lenient();
  CHECK(parse_error("2026-02-20T1430Z", iso) == error::bad_separator);   // extended date, basic time
  CHECK(parse_error("20260220T14:30:00Z", iso) == error::bad_minute);   // basic date, extended time
  CHECK(parse_error("2026-0220T14:30Z", iso) == error::bad_separator);  // ordinal 022, then "0"
  CHECK(parse_error("2026-02-20T14Z", iso) == error::bad_separator);    // hour alone
  CHECK(parse_error("2026-02-20T14:30.5Z", iso) == error::bad_second);  // fraction of a minute
  CHECK(parse_error("2026-02-20", iso) == error::too_short);            // date alone
  CHECK(parse_error("2026-02-20T24:00:01Z", iso) == error::bad_hour);
  CHECK(parse_error("2026-02-20T24:00:00.1Z", iso) == error::bad_hour);
  CHECK(parse_error("2026-02-20T14:30:00+5", iso) == error::too_short);
  CHECK(parse_error("2026-02-20T14:30:00+5x", iso) == error::bad_offset);
  CHECK(parse_error("2026-02-20T14:30:00+053", iso) == error::too_short);
  CHECK(parse_error("2026-02-20T14:30:00+2400", iso) == error::bad_offset);
  CHECK(parse_error("2026-000T14:30Z", iso) == error::bad_day);
  CHECK(parse_error("2023-366T14:30Z", iso) == error::bad_day);
  CHECK(parse_error("2026-W08-0T14:30Z", iso) == error::bad_day);
  CHECK(parse_error("2026-W08-8T14:30Z", iso) == error::bad_day);
  CHECK(parse_error("2026-W00-1T14:30Z", iso) == error::bad_week);
  CHECK(parse_error("2026-w08-1T14:30Z", iso) == error::bad_month);
  CHECK(parse_error("2026-02-20T14:30:00", iso) == error::too_short);
}

TEST_CASE("assume_utc reads a time without offset as UTC, in iso8601 only") {
  auto o = lenient();
  o.assume_utc = true;
  auto r = parse("2026-02-20 14:30:00.5 INFO started", o);
  REQUIRE(r.r);
  CHECK(r.consumed == 21);
  CHECK(r.ts.seconds == 1771597800);
  CHECK(r.ts.nanos == 500000000u);
  CHECK(parse("2026-02-20T14:30", o).ts.seconds == 1771597800);
  CHECK(parse_error("2026-02-20T14:30:00+", o) == error::too_short);  // a started offset must finish
  sandlog::timestamp_options strict;
  strict.assume_utc = true;
  CHECK(parse_error("2026-02-20T14:30:00", strict) == error::too_short);
}

// ---------------------------------------------------------------------------
// Comparisons and conversions
// ---------------------------------------------------------------------------

TEST_CASE("comparisons look at the instant, not at the offset it was written in") {
  const timestamp a = parse("2026-02-20T14:30:00Z").ts;
  const timestamp b = parse("2026-02-20T20:00:00+05:30").ts;
  const timestamp c = parse("2026-02-20T14:30:00.000000001Z").ts;
  CHECK(a == b);
  CHECK_FALSE(a != b);
  CHECK(a < c);
  CHECK(a <= b);
  CHECK(c > b);
  CHECK(c >= a);
  CHECK(make(-1, 999999999) < make(0, 0));
#if SANDLOG_HAS_CPP20
  CHECK((a <=> b) == std::strong_ordering::equal);
  CHECK((a <=> c) == std::strong_ordering::less);
#endif
}

TEST_CASE("to_unix_nanos covers exactly the instants int64 nanoseconds hold") {
  const auto min = std::numeric_limits<std::int64_t>::min();
  const auto max = std::numeric_limits<std::int64_t>::max();
  std::int64_t ns = 0;
  REQUIRE(sandlog::to_unix_nanos(parse("1677-09-21T00:12:43.145224192Z").ts, ns));
  CHECK(ns == min);
  REQUIRE(sandlog::to_unix_nanos(parse("2262-04-11T23:47:16.854775807Z").ts, ns));
  CHECK(ns == max);
  ns = 42;
  CHECK_FALSE(sandlog::to_unix_nanos(parse("1677-09-21T00:12:43.145224191Z").ts, ns));
  CHECK_FALSE(sandlog::to_unix_nanos(parse("2262-04-11T23:47:16.854775808Z").ts, ns));
  CHECK_FALSE(sandlog::to_unix_nanos(parse("0000-01-01T00:00:00Z").ts, ns));
  CHECK_FALSE(sandlog::to_unix_nanos(parse("9999-12-31T23:59:59Z").ts, ns));
  CHECK_FALSE(sandlog::to_unix_nanos(make(0, 1000000000), ns));
  CHECK(ns == 42);  // untouched on failure
  REQUIRE(sandlog::to_unix_nanos(parse("1969-12-31T23:59:59.5Z").ts, ns));
  CHECK(ns == -500000000);
  CHECK(sandlog::from_unix_nanos(min) == parse("1677-09-21T00:12:43.145224192Z").ts);
  CHECK(sandlog::from_unix_nanos(max) == parse("2262-04-11T23:47:16.854775807Z").ts);
  CHECK(sandlog::from_unix_nanos(-1) == make(-1, 999999999));
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100000; ++i) {
    const auto v = static_cast<std::int64_t>(rng());
    REQUIRE(sandlog::to_unix_nanos(sandlog::from_unix_nanos(v), ns));
    REQUIRE(ns == v);
  }
#if SANDLOG_HAS_CPP20
  sandlog::sys_nanoseconds tp{};
  REQUIRE(sandlog::to_sys_time(parse("2026-02-20T14:30:00.5Z").ts, tp));
  CHECK(tp.time_since_epoch().count() == 1771597800500000000);
  CHECK_FALSE(sandlog::to_sys_time(parse("3000-01-01T00:00:00Z").ts, tp));
  CHECK(sandlog::from_sys_time(tp) == parse("2026-02-20T14:30:00.5Z").ts);
#endif
}

// ---------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------

TEST_CASE("format writes each fraction width and offset as documented") {
  using sandlog::fraction_digits;
  using sandlog::zone;
  const timestamp t = make(1771597800, 123456789, 330);
  CHECK(format(t) == "2026-02-20T14:30:00.123456789Z");
  CHECK(format(t, {fraction_digits::none, zone::utc}) == "2026-02-20T14:30:00Z");
  CHECK(format(t, {fraction_digits::milli, zone::utc}) == "2026-02-20T14:30:00.123Z");
  CHECK(format(t, {fraction_digits::micro, zone::utc}) == "2026-02-20T14:30:00.123456Z");
  CHECK(format(t, {fraction_digits::nano, zone::stored}) == "2026-02-20T20:00:00.123456789+05:30");
  CHECK(format(make(1771597800, 100000000)) == "2026-02-20T14:30:00.1Z");
  CHECK(format(make(1771597800, 0)) == "2026-02-20T14:30:00Z");
  CHECK(format(make(1771597800, 0), {fraction_digits::milli, zone::utc}) ==
        "2026-02-20T14:30:00.000Z");
  CHECK(format(make(1771597800, 0, -30), {fraction_digits::shortest, zone::stored}) ==
        "2026-02-20T14:00:00-00:30");
  CHECK(format(make(-1, 999999999, -1439), {fraction_digits::nano, zone::stored}) ==
        "1969-12-31T00:00:59.999999999-23:59");
  CHECK(format(make(253402300799, 999999999)).size() == 30);
  CHECK(format(make(253402300800)) == "<null>");                       // year 10000
  CHECK(format(make(-62167219201)) == "<null>");                       // year -1
  CHECK(format(make(0, 1000000000)) == "<null>");                      // bad nanos
  CHECK(format(make(0, 0, 1440), {fraction_digits::none, zone::stored}) == "<null>");
  CHECK(format(make(std::numeric_limits<std::int64_t>::min())) == "<null>");
  CHECK(format(make(std::numeric_limits<std::int64_t>::max())) == "<null>");
}

TEST_CASE("formatted random instants parse back, exactly or truncated to the digits written") {
  std::mt19937_64 rng(1);
  const std::int64_t lo = -62167219200 + 86400, hi = 253402300799 - 86400;
  const std::int64_t unit[] = {1, 1000000000, 1000000, 1000, 1};
  for (int i = 0; i < 200000; ++i) {
    const timestamp t = make(lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo)),
                             static_cast<std::uint32_t>(rng() % 1000000000),
                             static_cast<std::int16_t>(static_cast<int>(rng() % 2879) - 1439));
    for (int f = 0; f < 5; ++f) {
      for (int z = 0; z < 2; ++z) {
        const sandlog::format_options fo{static_cast<sandlog::fraction_digits>(f),
                                         static_cast<sandlog::zone>(z)};
        char buf[sandlog::max_timestamp_chars];
        char* end = sandlog::format_timestamp(t, buf, fo);
        REQUIRE(end != nullptr);
        timestamp back;
        const auto r = sandlog::parse_timestamp(buf, end, back);
        REQUIRE(r);
        REQUIRE(r.ptr == end);
        const std::int64_t behind =
            (t.seconds - back.seconds) * 1000000000 + (std::int64_t{t.nanos} - back.nanos);
        REQUIRE(behind >= 0);
        REQUIRE(behind < unit[f]);
        REQUIRE(back.offset_minutes == (z == 1 ? t.offset_minutes : 0));
      }
    }
  }
}

// ---------------------------------------------------------------------------
// timestamp_memo: the same results as parse_timestamp, whatever came before
// ---------------------------------------------------------------------------

namespace {

// Parses `text` (from an exact-size heap copy) with and without `memo` and
// checks that the two agree in everything: error, stop, and the value
// stored (or, on failure, that neither output was touched).
void check_memo_agrees(sandlog::timestamp_memo& memo, const std::string& text,
                       sandlog::timestamp_options o = {}) {
  std::vector<char> exact(text.begin(), text.end());
  const char* first = exact.data();
  const char* last = first + exact.size();
  const timestamp untouched = make(-7, 7, 7);
  timestamp plain = untouched, memoed = untouched;
  const sandlog::parse_result a = sandlog::parse_timestamp(first, last, plain, o);
  const sandlog::parse_result b = sandlog::parse_timestamp(first, last, memoed, memo, o);
  INFO(text);
  REQUIRE(a.ec == b.ec);
  REQUIRE(a.ptr == b.ptr);
  REQUIRE(plain.seconds == memoed.seconds);
  REQUIRE(plain.nanos == memoed.nanos);
  REQUIRE(plain.offset_minutes == memoed.offset_minutes);
}

sandlog::timestamp_options random_options(std::uint64_t choice) {
  sandlog::timestamp_options o;
  o.grammar = (choice & 1) ? sandlog::syntax::iso8601 : sandlog::syntax::rfc3339;
  const int leap = static_cast<int>((choice >> 1) % 3);
  o.leap = leap == 0 ? sandlog::leap_second::clamp
           : leap == 1 ? sandlog::leap_second::reject
                       : sandlog::leap_second::next_second;
  o.assume_utc = (choice & 8) != 0;
  return o;
}

}  // namespace

TEST_CASE("a memo gives parse_timestamp's result for every timestamp of a random stream") {
  // Streams where neighbours mostly share their second, in any zone and
  // fraction width, with leap seconds, day and year ends, corruptions and
  // short inputs mixed in, each parsed under random options.
  const std::vector<std::string> seconds = {
      "2026-02-20T14:30:00", "2026-02-20T14:30:01", "2016-12-31T23:59:59", "2016-12-31T23:59:60",
      "2017-01-01T00:59:60", "2000-02-29T00:00:00", "9999-12-31T23:59:59", "0000-01-01T00:00:00",
      "1969-12-31T23:59:59", "2026-02-20t14:30:00", "2026-02-20 14:30:00", "2026-02-19T24:00:00",
      "2023-02-29T10:00:00", "2026-13-01T00:00:00", "1970-01-01T00:00:00"};
  const std::vector<std::string> zones = {"Z", "z", "+00:00", "-00:00", "+05:30", "-08:00",
                                          "+23:59", "-23:59", "+01:00", "+0530", "", "+24:00"};
  const std::string alphabet = "0123456789-:T tZz+.,";
  std::mt19937_64 rng(20260306);
  sandlog::timestamp_memo memo;
  std::size_t accepted = 0;
  for (int i = 0; i < 300000; ++i) {
    // Mostly the stream's current second, which moves on every 50 stamps.
    std::string text = seconds[(rng() % 4 == 0) ? rng() % seconds.size() : static_cast<std::size_t>(i / 50) % seconds.size()];
    const int digits = static_cast<int>(rng() % 13);
    if (digits != 0) {
      text += (rng() % 16 == 0) ? ',' : '.';
      for (int d = 1; d < digits; ++d) text += static_cast<char>('0' + rng() % 10);
    }
    text += zones[rng() % zones.size()];
    if (rng() % 2 == 0) text += " stdout F message";
    if (rng() % 16 == 0) {
      const std::size_t at = rng() % text.size();
      if (rng() % 2 == 0) {
        text[at] = alphabet[rng() % alphabet.size()];
      } else {
        text.resize(at);
      }
    }
    check_memo_agrees(memo, text, random_options(rng()));
    accepted += parse(text).r ? 1 : 0;
  }
  CHECK(accepted > 50000);
}

TEST_CASE("a memo applies each timestamp's own offset to the remembered second") {
  for (const char* second : {"2026-02-20T14:30:00", "2016-12-31T23:59:60", "2017-01-01T00:59:60",
                             "0000-01-01T00:00:00", "9999-12-31T23:59:59"}) {
    sandlog::timestamp_memo memo;
    check_memo_agrees(memo, std::string(second) + ".5Z");
    for (int off = -1439; off <= 1439; ++off) {
      const unsigned a = static_cast<unsigned>(off < 0 ? -off : off);
      const std::string zone = std::string(off < 0 ? "-" : "+") + two(a / 60) + ":" + two(a % 60);
      for (sandlog::leap_second leap : {sandlog::leap_second::clamp, sandlog::leap_second::reject,
                                        sandlog::leap_second::next_second}) {
        sandlog::timestamp_options o;
        o.leap = leap;
        check_memo_agrees(memo, std::string(second) + zone, o);
        check_memo_agrees(memo, std::string(second) + ".123" + zone, o);
      }
    }
  }
}

TEST_CASE("a memo agrees on every second of a day, each seen twice in a row") {
  sandlog::timestamp_memo memo;
  for (unsigned s = 0; s < 86400; ++s) {
    const std::string second = "2024-02-29T" + two(s / 3600) + ":" + two(s / 60 % 60) + ":" + two(s % 60);
    check_memo_agrees(memo, second + ".000000001Z");
    check_memo_agrees(memo, second + ".999999999-05:00");
    check_memo_agrees(memo, second + "Z");
  }
}

TEST_CASE("a memo never reads past the end: every proper prefix of a remembered second is too short") {
  const std::string full = "2026-02-20T14:30:00.123456789+05:30";
  sandlog::timestamp_memo memo;
  check_memo_agrees(memo, full);
  for (std::size_t n = 0; n < full.size(); ++n) {
    check_memo_agrees(memo, full.substr(0, n));
    CHECK(parse(full.substr(0, n)).r.ec == error::too_short);
  }
}

TEST_CASE("a fresh or reset memo still gives parse_timestamp's result") {
  sandlog::timestamp_memo memo;
  check_memo_agrees(memo, "1970-01-01T00:00:00Z");
  check_memo_agrees(memo, "1970-01-01T00:00:00.5+01:00");
  check_memo_agrees(memo, "2026-02-20T14:30:00Z");
  memo.reset();
  check_memo_agrees(memo, "1970-01-01T00:00:00-00:30");
  check_memo_agrees(memo, "2026-02-20T14:30:00.1Z");
}
