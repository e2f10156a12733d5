// sandlog: the complete timestamp parser, RFC 3339 and ISO 8601, written for
// clarity. parse_timestamp's fast path (timestamp_fast.hpp) handles the
// common shapes and leaves everything else, every error included, to it.
#ifndef SANDLOG_DETAIL_TIMESTAMP_GENERAL_HPP
#define SANDLOG_DETAIL_TIMESTAMP_GENERAL_HPP

#include <cstddef>
#include <cstdint>

#include "../config.hpp"
#include "../error.hpp"
#include "../vocabulary.hpp"
#include "calendar.hpp"
#include "digits.hpp"

namespace sandlog {
namespace detail {

// Reads exactly n digits at p. On success advances p. Otherwise reports
// error::too_short if the input ended while every byte so far was a digit,
// else `bad`.
inline error read_digits(const char*& p, const char* last, int n, unsigned& value,
                         error bad) noexcept {
  unsigned v = 0;
  for (int i = 0; i < n; ++i) {
    if (p + i == last) return error::too_short;
    if (!is_digit(p[i])) return bad;
    v = v * 10 + static_cast<unsigned>(p[i] - '0');
  }
  p += n;
  value = v;
  return error::ok;
}

// Expects the byte c at p (or, when alt is not 0, alt).
inline error expect(const char*& p, const char* last, char c, char alt, error bad) noexcept {
  if (p == last) return error::too_short;
  if (*p != c && (alt == 0 || *p != alt)) return bad;
  ++p;
  return error::ok;
}

// The fields a parse produced, before they become an instant.
struct fields {
  std::int64_t days = 0;  // local date, days since 1970-01-01
  unsigned hour = 0, minute = 0, second = 0;
  std::uint32_t nanos = 0;
  int offset = 0;  // minutes east of UTC
  int offset_seconds = 0;  // the seconds of a ±HH:MM:SS offset, signed like it
};

// Turns fields into an instant: the 24:00 and leap-second rules and the
// 0000..9999 local-date range. `sec_at` is where the seconds field started.
inline parse_result finish(const fields& f, const char* end, const char* sec_at,
                           const timestamp_options& opts, timestamp& out) noexcept {
  std::int64_t local =
      f.days * 86400 + static_cast<std::int64_t>(f.hour * 3600 + f.minute * 60 + f.second);
  std::uint32_t nanos = f.nanos;
  if (f.second == 60) {
    // A leap second is only ever inserted at 23:59:60 UTC, which no offset
    // with seconds (they predate leap seconds) turns into a local :60.
    if (f.offset_seconds != 0) return {sec_at, error::bad_second};
    const int utc_minute = ((static_cast<int>(f.hour * 60 + f.minute) - f.offset) % 1440 + 1440) % 1440;
    if (utc_minute != 23 * 60 + 59) return {sec_at, error::bad_second};
    switch (opts.leap) {
      case leap_second::reject: return {sec_at, error::leap_second};
      case leap_second::clamp:
        local -= 1;
        nanos = 999999999;
        break;
      case leap_second::next_second: break;
    }
  }
  // Floor division: local may be negative (year 0000 with an east offset).
  const std::int64_t day = (local >= 0 ? local : local - 86399) / 86400;
  if (day < first_day || day > last_day) return {end, error::out_of_range};
  out.seconds = local - static_cast<std::int64_t>(f.offset) * 60 - f.offset_seconds;
  out.nanos = nanos;
  out.offset_minutes = static_cast<std::int16_t>(f.offset);
  return {end, error::ok};
}

#define SANDLOG_TS_TRY(expr)                         \
  do {                                               \
    const ::sandlog::error sandlog_ts_e_ = (expr);   \
    if (sandlog_ts_e_ != ::sandlog::error::ok) return {p, sandlog_ts_e_}; \
  } while (0)

// The date readers below leave p after the date, or return where the
// offending field starts. `extended` means the fields are separated by '-'.

// A week date after its 'W': "ww-d", or "wwd".
inline parse_result read_week_date(const char*& p, const char* last, unsigned year, bool extended,
                                   std::int64_t& days) noexcept {
  unsigned week = 0, wday = 0;
  const char* at = p;
  SANDLOG_TS_TRY(read_digits(p, last, 2, week, error::bad_week));
  if (week < 1 || week > iso_weeks_in_year(year)) return {at, error::bad_week};
  if (extended) SANDLOG_TS_TRY(expect(p, last, '-', 0, error::bad_separator));
  at = p;
  SANDLOG_TS_TRY(read_digits(p, last, 1, wday, error::bad_day));
  if (wday < 1 || wday > 7) return {at, error::bad_day};
  days = iso_week1_monday(year) + (week - 1) * 7 + (wday - 1);
  return {p, error::ok};
}

// An ordinal date's day of the year: "ddd".
inline parse_result read_ordinal_date(const char*& p, const char* last, unsigned year,
                                      std::int64_t& days) noexcept {
  unsigned yday = 0;
  const char* at = p;
  SANDLOG_TS_TRY(read_digits(p, last, 3, yday, error::bad_day));
  if (yday < 1 || yday > (is_leap_year(year) ? 366u : 365u)) return {at, error::bad_day};
  days = days_from_civil(year, 1, 1) + (yday - 1);
  return {p, error::ok};
}

// A calendar date's month and day: "mm-dd", or "mmdd".
inline parse_result read_calendar_date(const char*& p, const char* last, unsigned year,
                                       bool extended, std::int64_t& days) noexcept {
  unsigned month = 0, day = 0;
  const char* at = p;
  SANDLOG_TS_TRY(read_digits(p, last, 2, month, error::bad_month));
  if (month < 1 || month > 12) return {at, error::bad_month};
  if (extended) SANDLOG_TS_TRY(expect(p, last, '-', 0, error::bad_separator));
  at = p;
  SANDLOG_TS_TRY(read_digits(p, last, 2, day, error::bad_day));
  if (day < 1 || day > days_in_month(year, month)) return {at, error::bad_day};
  days = days_from_civil(year, month, day);
  return {p, error::ok};
}

// The complete parser for both grammars, written for clarity; the fast path
// below handles the common RFC 3339 shapes and defers everything else here.
// Kept out of line so that parse_timestamp stays small enough to inline. The
// options come as separate scalars: a struct argument made the caller build
// it in memory on every call, even when the fast path never needs it.
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline, cold))
#endif
inline parse_result parse_general(const char* first, const char* last, timestamp& out,
                                  syntax grammar, leap_second leap, bool assume_utc) noexcept {
  timestamp_options opts;
  opts.grammar = grammar;
  opts.leap = leap;
  opts.assume_utc = assume_utc;
  const bool iso = opts.grammar == syntax::iso8601;
  const char* p = first;
  fields f;
  unsigned year = 0;
  SANDLOG_TS_TRY(read_digits(p, last, 4, year, error::bad_year));
  if (p == last) return {p, error::too_short};

  // ---- date ----
  bool extended = true;
  parse_result date{p, error::ok};
  if (*p == '-') {
    ++p;
    if (iso && p != last && *p == 'W') {
      ++p;
      date = read_week_date(p, last, year, true, f.days);
    } else if (iso && last - p >= 3 && is_digit(p[0]) && is_digit(p[1]) && is_digit(p[2])) {
      date = read_ordinal_date(p, last, year, f.days);
    } else {
      date = read_calendar_date(p, last, year, true, f.days);
    }
  } else if (iso && (*p == 'W' || is_digit(*p))) {
    extended = false;
    if (*p == 'W') {
      ++p;
      date = read_week_date(p, last, year, false, f.days);
    } else {
      // Seven digits in all are an ordinal date, eight a calendar date.
      std::ptrdiff_t run = 0;
      while (run < 4 && p + run != last && is_digit(p[run])) ++run;
      if (run == 3) {
        date = read_ordinal_date(p, last, year, f.days);
      } else {
        if (run < 3 && p + run == last) return {p + run, error::too_short};
        date = read_calendar_date(p, last, year, false, f.days);
      }
    }
  } else {
    return {p, error::bad_separator};
  }
  if (!date) return date;

  // ---- date/time separator ----
  if (p == last) return {p, error::too_short};
  if (*p != 'T' && *p != 't' && !(iso && *p == ' ')) return {p, error::bad_separator};
  ++p;

  // ---- time ----
  const char* at = p;
  SANDLOG_TS_TRY(read_digits(p, last, 2, f.hour, error::bad_hour));
  if (f.hour > (iso ? 24u : 23u)) return {at, error::bad_hour};
  const char* hour_at = at;
  if (extended) SANDLOG_TS_TRY(expect(p, last, ':', 0, error::bad_separator));
  at = p;
  SANDLOG_TS_TRY(read_digits(p, last, 2, f.minute, error::bad_minute));
  if (f.minute > 59) return {at, error::bad_minute};
  const char* sec_at = p;
  bool has_seconds = true;
  if (extended) {
    if (iso && (p == last || *p != ':')) {
      has_seconds = false;
    } else {
      SANDLOG_TS_TRY(expect(p, last, ':', 0, error::bad_separator));
    }
  } else if (p == last || !is_digit(*p)) {
    has_seconds = false;
  }
  if (has_seconds) {
    sec_at = p;
    SANDLOG_TS_TRY(read_digits(p, last, 2, f.second, error::bad_second));
    if (f.second > 60) return {sec_at, error::bad_second};
    if (p != last && (*p == '.' || (iso && *p == ','))) {
      ++p;
      if (p == last) return {p, error::too_short};
      if (!is_digit(*p)) return {p, error::bad_fraction};
      int n = 0;
      std::uint32_t frac = 0;
      for (; p != last && is_digit(*p); ++p) {
        if (n < 9) {
          frac = frac * 10 + static_cast<std::uint32_t>(*p - '0');
          ++n;
        }
      }
      f.nanos = frac * pow10_u32[9 - n];
    }
  } else if (p != last && (*p == '.' || *p == ',')) {
    return {p, error::bad_second};  // fractions of a minute are not supported
  }
  if (f.hour == 24) {
    if (f.minute != 0 || f.second != 0 || f.nanos != 0) return {hour_at, error::bad_hour};
    f.hour = 0;
    f.days += 1;
  }

  // ---- offset ----
  if (p == last || (*p != 'Z' && *p != 'z' && *p != '+' && *p != '-')) {
    if (iso && opts.assume_utc) return finish(f, p, sec_at, opts, out);
    return {p, p == last ? error::too_short : error::bad_offset};
  }
  if (*p == 'Z' || *p == 'z') {
    ++p;
  } else {
    const bool west = *p == '-';
    ++p;
    unsigned oh = 0, om = 0, os = 0;
    bool has_os = false;
    SANDLOG_TS_TRY(read_digits(p, last, 2, oh, error::bad_offset));
    // Python and Java write an offset with seconds (+05:53:28) for the local
    // mean times of old dates. Left unread, ":28" would make a caller that
    // checks only for success take an instant 28 seconds off: strict RFC 3339
    // (which has no such offset) rejects it, lenient reads it exactly. A ':'
    // not followed by a digit is left alone ("...+05:30: message").
    if (!iso) {
      SANDLOG_TS_TRY(expect(p, last, ':', 0, error::bad_offset));
      SANDLOG_TS_TRY(read_digits(p, last, 2, om, error::bad_offset));
      if (last - p >= 2 && *p == ':' && is_digit(p[1])) return {p, error::bad_offset};
    } else if (p != last && *p == ':') {
      ++p;
      SANDLOG_TS_TRY(read_digits(p, last, 2, om, error::bad_offset));
      if (last - p >= 2 && *p == ':' && is_digit(p[1])) {
        ++p;
        SANDLOG_TS_TRY(read_digits(p, last, 2, os, error::bad_offset));
        has_os = true;
      }
    } else if (p != last && is_digit(*p)) {
      SANDLOG_TS_TRY(read_digits(p, last, 2, om, error::bad_offset));
      if (p != last && is_digit(*p)) {
        SANDLOG_TS_TRY(read_digits(p, last, 2, os, error::bad_offset));
        has_os = true;
      }
    }
    if (oh > 23 || om > 59 || os > 59) return {p, error::bad_offset};
    // Python writes a fraction when the offset has microseconds; not read,
    // it too would shift the instant.
    if (has_os && last - p >= 2 && (*p == '.' || *p == ',') && is_digit(p[1]))
      return {p, error::bad_offset};
    const int off = static_cast<int>(oh * 60 + om);
    f.offset = west ? -off : off;
    f.offset_seconds = west ? -static_cast<int>(os) : static_cast<int>(os);
  }
  return finish(f, p, sec_at, opts, out);
}

#undef SANDLOG_TS_TRY

// The same with the options as a struct, for callers off the hot path (the
// fuzz target compares the fast path against it).
inline parse_result parse_general(const char* first, const char* last, timestamp& out,
                                  const timestamp_options& opts) noexcept {
  return parse_general(first, last, out, opts.grammar, opts.leap, opts.assume_utc);
}

}  // namespace detail
}  // namespace sandlog

#endif  // SANDLOG_DETAIL_TIMESTAMP_GENERAL_HPP
