// sandlog: RFC 3339 / ISO 8601 timestamps — parse, format, civil-date math.
//
// parse_timestamp reads a timestamp at the start of a range and, like
// std::from_chars, returns a pointer past it. The strict grammar
// (syntax::rfc3339, the default) is what containers, Kubernetes and Docker
// write; the lenient one (syntax::iso8601) adds the ISO 8601 forms listed in
// docs/timestamp.md. Nothing here allocates or throws.
#ifndef SANDLOG_TIMESTAMP_HPP
#define SANDLOG_TIMESTAMP_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "config.hpp"
#include "detail/bits.hpp"
#include "error.hpp"
#include "vocabulary.hpp"

#if SANDLOG_HAS_CPP20
#include <chrono>
#endif

namespace sandlog {

// ---------------------------------------------------------------------------
// Civil-date algorithms (proleptic Gregorian calendar), after Howard Hinnant's
// "chrono-Compatible Low-Level Date Algorithms".
//
// The trick is to start the year on March 1st: the leap day then falls at the
// very end of the year, so the day-of-year of a (month, day) no longer
// depends on whether the year is a leap year. In that shifted year the month
// lengths from March are 31 30 31 30 31 | 31 30 31 30 31 | 31 28/29: two
// identical runs of five months of 153 days, so the day-of-year of the first
// of shifted month mp (0 = March) is (153 * mp + 2) / 5. Years are grouped in
// 400-year eras of exactly 146097 days (the Gregorian cycle); within an era,
// year-of-era yoe has 365 * yoe + yoe/4 - yoe/100 days before it. 719468 is
// the number of days from 0000-03-01 to 1970-01-01.
// ---------------------------------------------------------------------------

constexpr bool is_leap_year(std::int64_t y) noexcept {
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

// 28..31 for months 1..12 of year y.
constexpr unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
  // Months alternate 31/30 with the phase flipping after July (m >> 3).
  return m == 2 ? (is_leap_year(y) ? 29u : 28u) : 30u + ((m ^ (m >> 3)) & 1u);
}

// Days since 1970-01-01 of the date y-m-d (m 1..12, d 1..31), any year.
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;  // January and February belong to the previous March-based year
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);              // [0, 399]
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          // [0, 146096]
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct civil_date {
  std::int64_t year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

// The inverse of days_from_civil.
constexpr civil_date civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);                    // [0, 146096]
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const unsigned mp = (5 * doy + 2) / 153;                                     // [0, 11]
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;                             // [1, 31]
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;                                // [1, 12]
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

// ISO weekday of a day count: 1 = Monday .. 7 = Sunday (1970-01-01 was a Thursday).
constexpr unsigned iso_weekday(std::int64_t days) noexcept {
  return static_cast<unsigned>(days >= -3 ? (days + 3) % 7 : (days + 4) % 7 + 6) + 1;
}

// Days since 1970-01-01 of the Monday of ISO week 1 of ISO year y (the week
// holding January 4th).
constexpr std::int64_t iso_week1_monday(std::int64_t y) noexcept {
  const std::int64_t jan4 = days_from_civil(y, 1, 4);
  return jan4 - (iso_weekday(jan4) - 1);
}

// 52 or 53.
constexpr unsigned iso_weeks_in_year(std::int64_t y) noexcept {
  return static_cast<unsigned>((iso_week1_monday(y + 1) - iso_week1_monday(y)) / 7);
}

static_assert(days_from_civil(1970, 1, 1) == 0, "epoch");
static_assert(days_from_civil(2000, 3, 1) == 11017, "after a 400-year leap day");
static_assert(days_from_civil(1969, 12, 31) == -1, "the day before the epoch");
static_assert(days_from_civil(0, 1, 1) == -719528, "year zero");
static_assert(days_from_civil(9999, 12, 31) == 2932896, "last representable day");
static_assert(days_from_civil(2000, 2, 29) + 1 == days_from_civil(2000, 3, 1), "2000 is leap");
static_assert(days_from_civil(1900, 2, 28) + 1 == days_from_civil(1900, 3, 1), "1900 is not");
static_assert(civil_from_days(-719528).year == 0 && civil_from_days(-719528).month == 1, "");
static_assert(civil_from_days(11016).month == 2 && civil_from_days(11016).day == 29, "");
static_assert(civil_from_days(-1).year == 1969 && civil_from_days(-1).day == 31, "");
static_assert(iso_weekday(0) == 4 && iso_weekday(-1) == 3 && iso_weekday(-4) == 7, "");
static_assert(iso_weekday(days_from_civil(2026, 2, 20)) == 5, "a Friday");
static_assert(iso_weeks_in_year(2020) == 53 && iso_weeks_in_year(2026) == 53, "");
static_assert(iso_weeks_in_year(2021) == 52 && iso_weeks_in_year(2004) == 53, "");
static_assert(days_in_month(2023, 2) == 28 && days_in_month(2024, 2) == 29, "");
static_assert(days_in_month(2023, 7) == 31 && days_in_month(2023, 8) == 31, "");
static_assert(days_in_month(2023, 9) == 30 && days_in_month(2023, 12) == 31, "");

namespace detail {

constexpr std::int64_t first_day = days_from_civil(0, 1, 1);    // 0000-01-01
constexpr std::int64_t last_day = days_from_civil(9999, 12, 31);  // 9999-12-31
constexpr std::uint32_t pow10_u32[10] = {1,      10,      100,      1000,      10000,
                                         100000, 1000000, 10000000, 100000000, 1000000000};

constexpr bool is_digit(char c) noexcept { return static_cast<unsigned char>(c - '0') < 10; }

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
};

// Turns fields into an instant: the 24:00 and leap-second rules and the
// 0000..9999 local-date range. `sec_at` is where the seconds field started.
inline parse_result finish(const fields& f, const char* end, const char* sec_at,
                           const timestamp_options& opts, timestamp& out) noexcept {
  std::int64_t local =
      f.days * 86400 + static_cast<std::int64_t>(f.hour * 3600 + f.minute * 60 + f.second);
  std::uint32_t nanos = f.nanos;
  if (f.second == 60) {
    // A leap second is only ever inserted at 23:59:60 UTC.
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
  out.seconds = local - static_cast<std::int64_t>(f.offset) * 60;
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
    unsigned oh = 0, om = 0;
    SANDLOG_TS_TRY(read_digits(p, last, 2, oh, error::bad_offset));
    if (!iso) {
      SANDLOG_TS_TRY(expect(p, last, ':', 0, error::bad_offset));
      SANDLOG_TS_TRY(read_digits(p, last, 2, om, error::bad_offset));
    } else if (p != last && *p == ':') {
      ++p;
      SANDLOG_TS_TRY(read_digits(p, last, 2, om, error::bad_offset));
    } else if (p != last && is_digit(*p)) {
      SANDLOG_TS_TRY(read_digits(p, last, 2, om, error::bad_offset));
    }
    if (oh > 23 || om > 59) return {p, error::bad_offset};
    const int off = static_cast<int>(oh * 60 + om);
    f.offset = west ? -off : off;
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

// ---- the fast path: SWAR validation and conversion of the fixed fields ----

// Eight bytes at p as a little-endian word (byte p[0] in the low bits).
SANDLOG_FORCE_INLINE std::uint64_t load8(const char* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  return v;
}

// A group of 8 bytes described by the largest text each byte may hold: a
// digit byte holds '0' up to the digit shown ("59" is a minute), any other
// byte is a literal that must match exactly. text_word is the text with every
// digit replaced by '0'; limit_word the largest value of each byte once that
// is XORed in (the digit shown, 0 for a literal).
constexpr std::uint64_t text_word(const char (&text)[9], bool limits) noexcept {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    const auto byte = static_cast<unsigned char>(limits ? (digit ? text[i] - '0' : 0)
                                                        : (digit ? '0' : text[i]));
    v = (v << 8) | byte;
  }
  return v;
}

// The 8 bytes of a text as load8 reads them.
constexpr std::uint64_t text_bytes(const char (&text)[9]) noexcept {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(text[i]);
  return v;
}

// Checks the 8 bytes of w against a text of digits and literals (above) and
// returns the word with each digit replaced by its value and each literal by
// 0. Sets bits of `bad` unless every byte fits. After the XOR a byte fits
// when its value t is at most its limit L (< 0x80): (0x80 | L) - t keeps bit
// 7 exactly then, and no byte borrows from the next unless some t already has
// bit 7 set, which flags it by itself.
template <std::uint64_t Text, std::uint64_t Limit>
SANDLOG_FORCE_INLINE std::uint64_t match8(std::uint64_t w, std::uint64_t& bad) noexcept {
  constexpr std::uint64_t high = 0x8080808080808080u;
  const std::uint64_t t = w ^ Text;
  bad |= (t | ~((Limit | high) - t)) & high;
  return t;
}
#define SANDLOG_TS_MATCH8(text, w, bad) \
  match8<text_word(text, false), text_word(text, true)>(w, bad)

// Bytes i and i+1 of a digit-value word combine into the two-digit number at byte i.
SANDLOG_FORCE_INLINE std::uint64_t pairs(std::uint64_t t) noexcept { return t * 10 + (t >> 8); }
SANDLOG_FORCE_INLINE unsigned byte_at(std::uint64_t v, int i) noexcept {
  return static_cast<unsigned>(v >> (8 * i)) & 0xFFu;
}

// The value of 8 digit values (most significant at byte 0), as in simdjson:
// combine neighbouring bytes, then neighbouring pairs, then quads.
SANDLOG_FORCE_INLINE std::uint32_t eight_digits(std::uint64_t t) noexcept {
  t = (t * 2561) >> 8;  // 2561 = 10 * 2^8 + 1
  t = ((t & 0x00FF00FF00FF00FFu) * 6553601) >> 16;  // 100 * 2^16 + 1
  return static_cast<std::uint32_t>(((t & 0x0000FFFF0000FFFFu) * 42949672960001u) >> 32);
}

// Indexed by [year % 4][month] (a multiple of 100 counts by its century),
// for the months 0..19 that two digits with a tens digit of at most 1 can
// name: the length of the month (0 when there is no such month, so no day
// fits) and the days of the year before it. Row 0 is the leap year; indexing
// by the remainder itself saves turning it into a flag.
constexpr std::uint8_t month_length[4][32] = {
    {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
    {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
    {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
    {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}};
constexpr std::uint16_t days_before_month[4][32] = {
    {0, 0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335},
    {0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334},
    {0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334},
    {0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334}};

// Reads the zone at p, "Z", "z" or "±HH:MM" (19 bytes precede p), and
// stores the instant whose local time is `local` seconds past the epoch.
SANDLOG_FORCE_INLINE bool parse_zone(const char* p, const char* last, std::int64_t local,
                                     std::uint32_t nanos, timestamp& out, const char*& end) noexcept {
  std::int64_t offset_seconds = 0;
  int offset = 0;
  if ((*p | 0x20) == 'z') {
    ++p;
  } else {
    if (last - p < 6) return false;
    // "±HH:MM" in one load that ends with it, checked like the fixed fields
    // with the sign byte cleared. The sign is '+' or '-' (43 or 45) when
    // sign - '+' is 0 or 2, and then 44 - sign is 1 or -1.
    const std::uint64_t w = load8(p - 2) >> 16;
    const auto sign = static_cast<std::int64_t>(w & 0xFF);
    std::uint64_t off_bad = static_cast<std::uint64_t>(sign - '+') & ~std::uint64_t{2};
    constexpr char offset_text[9] = {0, '2', '9', ':', '5', '9', 0, 0, 0};
    const std::uint64_t u = pairs(SANDLOG_TS_MATCH8(offset_text, w & ~std::uint64_t{0xFF}, off_bad));
    if ((off_bad != 0) | (byte_at(u, 1) > 23)) return false;
    // Hours (byte 1) and minutes (byte 4) weighted in one multiply each, read
    // at bit 40: as minutes for the record, as seconds for the instant (the
    // two are independent, and the minutes vanish when nobody reads them).
    const std::uint64_t hm = u & 0x000000FF0000FF00u;
    offset = static_cast<int>((hm * ((std::uint64_t{60} << 32) | (1u << 8))) >> 40) *
             static_cast<int>(44 - sign);
    offset_seconds = static_cast<std::int64_t>((hm * ((std::uint64_t{3600} << 32) | (60u << 8))) >> 40) *
                     (44 - sign);
    p += 6;
  }
  out.seconds = local - offset_seconds;
  out.nanos = nanos;
  out.offset_minutes = static_cast<std::int16_t>(offset);
  end = p;
  return true;
}

// The 19 fixed bytes "YYYY-MM-DDTHH:MM:SS" as the three overlapping words
// that cover them (bytes 0..7, 8..15, 11..18).
struct fixed_words {
  std::uint64_t w0, w1, w2;
};
SANDLOG_FORCE_INLINE fixed_words load_fixed(const char* first) noexcept {
  return {load8(first), load8(first + 8), load8(first + 11)};
}

// Checks the fixed bytes of the common shape and, when they hold a valid
// date and a time of 00:00:00..23:59:59, stores the local time they name in
// seconds since the epoch. Returns false for anything else (including every
// error, a leap second :60, hour 24 and the lenient forms).
// Nothing that varies between timestamps of one shape (month, day) steers a
// branch: only the shape itself does.
SANDLOG_FORCE_INLINE bool fixed_fields(fixed_words w, std::int64_t& local_out) noexcept {
  // Three overlapping words cover bytes 0..18; the limits already bound the
  // month to 0..19, the day to 0..39, the hour to 0..29 and minute and second
  // to 0..59 (so a leap second :60 goes to parse_general).
  std::uint64_t bad = 0;
  const std::uint64_t u0 = pairs(SANDLOG_TS_MATCH8("9999-19-", w.w0, bad));
  // 'T' | 0x20 == 't' | 0x20 == 't': fold the case of the separator (byte 10).
  const std::uint64_t u1 =
      pairs(SANDLOG_TS_MATCH8("39t29:59", w.w1 | (std::uint64_t{0x20} << 16), bad));
  const std::uint64_t u2 = pairs(SANDLOG_TS_MATCH8("29:59:59", w.w2, bad));
  const unsigned century = byte_at(u0, 0), yy = byte_at(u0, 2);
  const unsigned month = byte_at(u0, 5) & 31, day = byte_at(u1, 0);
  // 0 for a leap year: a multiple of 4, except a multiple of 100 (yy == 0)
  // unless of 400.
  const unsigned leap_row = (yy != 0 ? yy : century) & 3;
  // The hour (byte 3, at most 29 by its limit) is below 24 when adding
  // 128 - 24 leaves bit 7 clear. Unless bad is set already, no byte of u1 is
  // above 99, so nothing carries and no other byte reaches bit 7.
  bad |= (u1 + (std::uint64_t{128 - 24} << 24)) & 0x8080808080808080u;
  const bool ok = (bad == 0) & (day - 1 < month_length[leap_row][month]);
  if (SANDLOG_UNLIKELY(!ok)) return false;
  // Days before the year, from 0000-01-01: 365 per year plus a leap day for
  // every multiple of 4 before it, less those of 100, plus those of 400.
  const unsigned year = century * 100 + yy;
  // Hours (byte 3) * 60 + minutes (byte 6) in one multiply, read at bit 48.
  const auto minute_of_day =
      static_cast<std::uint32_t>(((u1 & 0x00FF0000FF000000u) * ((60u << 24) | 1u)) >> 48);
  const unsigned centuries = century + (yy != 0);  // multiples of 100 below year
  const unsigned days = 365 * year + (year + 3) / 4 - centuries + (centuries + 3) / 4 +
                        days_before_month[leap_row][month] + day - 1;
  local_out = (static_cast<std::int64_t>(days) - 719528) * 86400 +
              static_cast<std::int64_t>(minute_of_day * 60 + (u2 >> 48 & 0xFF));
  return true;
}

// Reads what follows the fixed bytes of a timestamp at `first` ("[.f+]" and
// the zone; at least 20 bytes are readable) and stores the instant whose
// local time, to the whole second, is `local`. Returns false to hand any
// other shape to parse_general.
SANDLOG_FORCE_INLINE bool parse_tail(const char* first, const char* last, std::int64_t local,
                                     timestamp& out, const char*& end, bool comma) noexcept {
  const char* p = first + 19;
  std::uint32_t nanos = 0;
  if (*p == '.' || (comma && *p == ',')) {
    ++p;
    if (last - p >= 8) {
      // Count the leading digits of the next 8 bytes and convert them at once.
      // A byte is a digit when its value t is at most 9: t + 0x76 and t keep
      // bit 7 clear. Carries only run upwards, so the lowest flag is exact.
      const std::uint64_t t = load8(p) ^ 0x3030303030303030u;
      const std::uint64_t nondigit = (t | (t + 0x7676767676767676u)) & 0x8080808080808080u;
      if (static_cast<std::uint32_t>(nondigit) == 0x80000000u) {
        // Exactly 3 digits: milliseconds, the common short fraction. Its own
        // branch, predicted alike for a whole log, puts the offset at a known
        // place, so reading it need not wait for the digits to be counted.
        // (At least 8 bytes follow the mark, so the zone byte is readable.)
        nanos = (byte_at(t, 0) * 100 + byte_at(t, 1) * 10 + byte_at(t, 2)) * 1000000;
        return parse_zone(first + 23, last, local, nanos, out, end);
      } else if (nondigit != 0) {
        if ((nondigit & 0x80) != 0) return false;  // no digit
        // The n digits alone, read as the first of 8, are their value times
        // 10^(8 - n): one more factor 10 makes nanoseconds, for any n. The
        // lowest flag, bit 8n + 7, gives the mask of the digits without a
        // shift by a variable count (slow, and on the way to the offset).
        const std::uint64_t first_flag = nondigit & (0 - nondigit);
        nanos = eight_digits(t & ((first_flag >> 7) - 1)) * 10;
        p += lowest_bit(nondigit) >> 3;
      } else {
        nanos = eight_digits(t) * 10;
        p += 8;
        if (p != last && is_digit(*p)) nanos += static_cast<std::uint32_t>(*p++ - '0');
        while (p != last && is_digit(*p)) ++p;
      }
    } else {
      int n = 0;
      for (; p != last && is_digit(*p); ++p) {
        if (n < 9) {
          nanos = nanos * 10 + static_cast<std::uint32_t>(*p - '0');
          ++n;
        }
      }
      if (n == 0) return false;
      nanos *= pow10_u32[9 - n];
    }
    if (p == last) return false;
  }
  return parse_zone(p, last, local, nanos, out, end);
}
#undef SANDLOG_TS_MATCH8

// Parses the common shape "YYYY-MM-DDTHH:MM:SS[.f+](Z|±HH:MM)" when at least
// 20 bytes are readable. Returns false to hand anything else to
// parse_general, which decides.
SANDLOG_FORCE_INLINE bool parse_fast(const char* first, const char* last, timestamp& out,
                                     const char*& end, bool comma) noexcept {
  std::int64_t local;
  // Computed before the fraction and offset, whose positions depend on the
  // input, so the two chains of work overlap.
  if (SANDLOG_UNLIKELY(!fixed_fields(load_fixed(first), local))) return false;
  return parse_tail(first, last, local, out, end, comma);
}

}  // namespace detail

// Parses a timestamp at the start of [first, last) in the grammar of `opts`
// and stores it in `out` (left unchanged on failure). Returns a pointer one
// past the timestamp, or the error and where it was found. Never reads at or
// past `last`; allocates nothing.
// (Forced inline: the fast path is small, and an out-of-line call made GCC
// spill the options byte by byte and reload them as a word, a store-forwarding
// stall that cost more than the parse.)
SANDLOG_FORCE_INLINE parse_result parse_timestamp(const char* first, const char* last,
                                                  timestamp& out,
                                                  timestamp_options opts = {}) noexcept {
  const char* end = nullptr;
  if (SANDLOG_LIKELY(last - first >= 20) &&
      detail::parse_fast(first, last, out, end, opts.grammar == syntax::iso8601))
    return {end, error::ok};
  return detail::parse_general(first, last, out, opts.grammar, opts.leap, opts.assume_utc);
}

// The whole second of the last timestamp parsed through it, for streams of
// timestamps that share it: log lines written in the same second share the
// 19 bytes "YYYY-MM-DDTHH:MM:SS", and the calendar math for them need not be
// done again. It keeps those bytes and the local time they name (before
// any offset), so the offset of each timestamp is still read and applied,
// and only seconds 00..59 of hours 00..23 are kept (a leap second or 24:00
// always takes the full parse). A fresh memo holds 1970-01-01T00:00:00.
// Copyable; 32 bytes; allocates nothing.
class timestamp_memo {
 public:
  constexpr timestamp_memo() noexcept = default;
  // Forgets the remembered second.
  constexpr void reset() noexcept { *this = timestamp_memo(); }

 private:
  friend parse_result parse_timestamp(const char*, const char*, timestamp&, timestamp_memo&,
                                      timestamp_options) noexcept;
  // The three words detail::load_fixed reads, and the local seconds they
  // name. The starting value is a real entry, so a hit needs no flag.
  detail::fixed_words words_ = {detail::text_bytes("1970-01-"), detail::text_bytes("01T00:00"),
                                detail::text_bytes("00:00:00")};
  std::int64_t local_ = 0;
};

// Like parse_timestamp above, with the same result for every input and
// options, and `memo` remembering the whole second: a timestamp in the same
// second as the last one that went through `memo` costs only its fraction
// and zone. `memo` may be shared by any number of calls with any options; a
// failed parse leaves it as it was or holding the failed text's valid
// second. Never reads at or past `last`; allocates nothing.
SANDLOG_FORCE_INLINE parse_result parse_timestamp(const char* first, const char* last,
                                                  timestamp& out, timestamp_memo& memo,
                                                  timestamp_options opts = {}) noexcept {
  const char* end = nullptr;
  const bool comma = opts.grammar == syntax::iso8601;
  if (SANDLOG_LIKELY(last - first >= 20)) {
    const detail::fixed_words w = detail::load_fixed(first);
    const detail::fixed_words& m = memo.words_;
    if (SANDLOG_LIKELY(((w.w0 ^ m.w0) | (w.w1 ^ m.w1) | (w.w2 ^ m.w2)) == 0)) {
      if (detail::parse_tail(first, last, memo.local_, out, end, comma)) return {end, error::ok};
    } else {
      std::int64_t local;
      if (detail::fixed_fields(w, local)) {
        memo.words_ = w;
        memo.local_ = local;
        if (detail::parse_tail(first, last, local, out, end, comma)) return {end, error::ok};
      }
    }
  }
  return detail::parse_general(first, last, out, opts.grammar, opts.leap, opts.assume_utc);
}

// ---------------------------------------------------------------------------
// Conversions
// ---------------------------------------------------------------------------

// Nanoseconds since the epoch. Returns false (and leaves `out` alone) when the
// instant lies outside what int64 nanoseconds hold (1677-09-21T00:12:43.145224192Z
// .. 2262-04-11T23:47:16.854775807Z) or when ts.nanos is not below 10^9.
inline bool to_unix_nanos(const timestamp& ts, std::int64_t& out) noexcept {
  constexpr std::int64_t max_s = 9223372036;   // INT64_MAX / 10^9
  constexpr std::int64_t min_s = -9223372037;  // floor(INT64_MIN / 10^9)
  if (ts.nanos >= 1000000000u || ts.seconds > max_s || ts.seconds < min_s) return false;
  if (ts.seconds == max_s && ts.nanos > 854775807u) return false;
  if (ts.seconds == min_s && ts.nanos < 145224192u) return false;
  // Before the epoch, seconds * 10^9 alone may fall below INT64_MIN although
  // the sum does not: start from the next second and step back instead.
  out = ts.seconds >= 0
            ? ts.seconds * 1000000000 + static_cast<std::int64_t>(ts.nanos)
            : (ts.seconds + 1) * 1000000000 - static_cast<std::int64_t>(1000000000u - ts.nanos);
  return true;
}

// The instant `ns` nanoseconds after the epoch, with offset 0. Every int64 fits.
constexpr timestamp from_unix_nanos(std::int64_t ns) noexcept {
  std::int64_t s = ns / 1000000000;
  std::int64_t r = ns % 1000000000;
  if (r < 0) {
    s -= 1;
    r += 1000000000;
  }
  timestamp t;
  t.seconds = s;
  t.nanos = static_cast<std::uint32_t>(r);
  return t;
}

#if SANDLOG_HAS_CPP20
using sys_nanoseconds = std::chrono::sys_time<std::chrono::nanoseconds>;

// Like to_unix_nanos, as a std::chrono time point.
inline bool to_sys_time(const timestamp& ts, sys_nanoseconds& out) noexcept {
  std::int64_t ns = 0;
  if (!to_unix_nanos(ts, ns)) return false;
  out = sys_nanoseconds(std::chrono::nanoseconds(ns));
  return true;
}

// Like from_unix_nanos, from a std::chrono time point.
constexpr timestamp from_sys_time(sys_nanoseconds tp) noexcept {
  return from_unix_nanos(static_cast<std::int64_t>(tp.time_since_epoch().count()));
}
#endif

// ---------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------

// How many fraction digits format_timestamp writes. Fewer than 9 truncate
// (toward the past), as RFC 3339 writers do.
enum class fraction_digits : std::uint8_t {
  shortest,  // 0..9 digits, trailing zeros trimmed: exact (Docker's form)
  none,      // whole seconds
  milli,     // 3
  micro,     // 6
  nano,      // 9: exact
};

// Which offset format_timestamp writes the instant in.
enum class zone : std::uint8_t {
  utc,     // "Z"
  stored,  // timestamp::offset_minutes ("Z" when it is 0)
};

struct format_options {
  fraction_digits fraction = fraction_digits::shortest;
  zone offset = zone::utc;
};

// The longest text format_timestamp writes: "YYYY-MM-DDTHH:MM:SS.nnnnnnnnn+HH:MM".
inline constexpr std::size_t max_timestamp_chars = 35;

namespace detail {

// The first byte of every digit pair in a text of digits and literals (as
// text_word takes it), marked 0x0F: where ascii_pairs puts a tens digit.
constexpr std::uint64_t pair_starts(const char (&text)[9]) noexcept {
  std::uint64_t v = 0;
  int run = 0;
  for (int i = 0; i < 8; ++i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    run = digit ? run + 1 : 0;
    if (run % 2 == 1) v |= std::uint64_t{0x0F} << (8 * i);
  }
  return v;
}

// Writes two-digit numbers into a text at once. x holds each number (< 100)
// at the first byte of its pair (Starts, from pair_starts); the result is the
// text with those digits in place. x * 103 >> 10 is x / 10 for x < 179, and
// each product fits in the 16 bits of its own pair, so the pairs never mix.
template <std::uint64_t Text, std::uint64_t Starts>
SANDLOG_FORCE_INLINE std::uint64_t ascii_pairs(std::uint64_t x) noexcept {
  const std::uint64_t tens = ((x * 103) >> 10) & Starts;
  return Text | tens | ((x - tens * 10) << 8);
}
#define SANDLOG_TS_ASCII_PAIRS(text, x) \
  ascii_pairs<text_word(text, false), pair_starts(text)>(x)

// The 8 digits of v < 10^8 as text, most significant first: split into
// halves of 4 digits in 32-bit lanes (x * 10486 >> 20 is x / 100 below
// 10^4), then quarters of 2 digits in 16-bit lanes, then digits in bytes.
SANDLOG_FORCE_INLINE std::uint64_t eight_ascii(std::uint32_t v) noexcept {
  const std::uint32_t hi = v / 10000;
  std::uint64_t x = hi | (std::uint64_t{v - hi * 10000} << 32);
  const std::uint64_t hundreds = ((x * 10486) >> 20) & 0x0000007F0000007Fu;
  x = hundreds | ((x - hundreds * 100) << 16);
  const std::uint64_t tens = ((x * 103) >> 10) & 0x000F000F000F000Fu;
  return (tens | ((x - tens * 10) << 8)) | 0x3030303030303030u;
}

// Stores the low N bytes of v at p, byte 0 first (the inverse of load8).
template <std::size_t N>
SANDLOG_FORCE_INLINE void store(char* p, std::uint64_t v) noexcept {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  std::memcpy(p, &v, N);
}

// Leading zero bits of x, which must not be zero.
SANDLOG_FORCE_INLINE unsigned leading_zeros(std::uint64_t x) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  return static_cast<unsigned>(__builtin_clzll(x));
#else
  unsigned n = 0;
  while ((x & (std::uint64_t{1} << 63)) == 0) x <<= 1, ++n;
  return n;
#endif
}

// civil_from_days for days since 0000-01-01 in 0000..9999, after Neri and
// Schneider (2022): the divisions of Hinnant's algorithm by era, century and
// month length become multiplications on unsigned 32-bit values. Counted from
// the March 1st of one era before year 0, so nothing is negative.
struct civil_fields {
  unsigned year, month, day;
};
SANDLOG_FORCE_INLINE civil_fields civil_from_days_0_9999(std::uint32_t days_since_0) noexcept {
  const std::uint32_t n = days_since_0 + (146097 - 60);  // 0000-01-01 is day 60 of March-based year -1
  const std::uint32_t n1 = 4 * n + 3;
  const std::uint32_t centuries = n1 / 146097;
  const std::uint32_t n2 = n1 % 146097 / 4 * 4 + 3;  // 4 * day of the century + 3
  const std::uint64_t p2 = std::uint64_t{2939745} * n2;
  const auto year_of_century = static_cast<std::uint32_t>(p2 >> 32);
  const std::uint32_t day_of_year = static_cast<std::uint32_t>(p2) / 2939745 / 4;  // from March 1st
  const std::uint32_t n3 = 2141 * day_of_year + 197913;
  const std::uint32_t jan_feb = day_of_year >= 306;
  return {100 * centuries + year_of_century + jan_feb - 400, (n3 >> 16) - 12 * jan_feb,
          (n3 & 0xFFFF) / 2141 + 1};
}

}  // namespace detail

// Writes ts as RFC 3339 into out, which must have room for
// max_timestamp_chars bytes (all of which it may use as scratch); no
// terminating NUL. Returns one past the last byte of the timestamp, or
// nullptr (the content of out unspecified) when the instant cannot be written
// in that form: a year outside 0000..9999 in the chosen offset, nanos not
// below 10^9, or a stored offset beyond ±23:59. Allocates nothing.
inline char* format_timestamp(const timestamp& ts, char* out, format_options opts = {}) noexcept {
  const int off = opts.offset == zone::stored ? ts.offset_minutes : 0;
  if (ts.nanos >= 1000000000u || off < -1439 || off > 1439) return nullptr;
  // Local seconds since 0000-01-01T00:00:00, wrapping: one unsigned compare
  // rejects both ends, as no int64 input can wrap back into the range.
  constexpr std::uint64_t span = static_cast<std::uint64_t>(detail::last_day - detail::first_day + 1) * 86400;
  const std::uint64_t local = static_cast<std::uint64_t>(ts.seconds) + static_cast<std::uint64_t>(off * 60) -
                              static_cast<std::uint64_t>(detail::first_day * 86400);
  if (local >= span) return nullptr;
  // 86400 = 2^7 * 675, and local >> 7 fits 32 bits: a cheaper division.
  const auto days = static_cast<std::uint32_t>(local >> 7) / 675;
  const auto sod = static_cast<std::uint32_t>(local - std::uint64_t{days} * 86400);
  const detail::civil_fields d = detail::civil_from_days_0_9999(days);
  const std::uint32_t minutes = sod / 60, hour = minutes / 60;

  using detail::ascii_pairs;
  using detail::pair_starts;
  using detail::text_word;
  detail::store<8>(out, SANDLOG_TS_ASCII_PAIRS("0000-00-", (d.year / 100) | (std::uint64_t{d.year % 100} << 16) |
                                                             (std::uint64_t{d.month} << 40)));
  detail::store<8>(out + 8, SANDLOG_TS_ASCII_PAIRS("00T00:00", d.day | (std::uint64_t{hour} << 24) |
                                                                 (std::uint64_t{minutes - hour * 60} << 48)));
  // ":SS." and the first fraction digit, then the other 8 digits; a shorter
  // fraction is the start of these, and the zone is written over the rest.
  const std::uint32_t first = ts.nanos / 100000000, rest = ts.nanos - first * 100000000;
  const std::uint64_t rest_text = detail::eight_ascii(rest);
  detail::store<8>(out + 16, SANDLOG_TS_ASCII_PAIRS(":00.\0\0\0\0", std::uint64_t{sod - minutes * 60} << 8) |
                               (std::uint64_t{'0' + first} << 32));
  detail::store<8>(out + 21, rest_text);
  unsigned digits = 0;
  switch (opts.fraction) {
    case fraction_digits::none: break;
    case fraction_digits::milli: digits = 3; break;
    case fraction_digits::micro: digits = 6; break;
    case fraction_digits::nano: digits = 9; break;
    case fraction_digits::shortest: {
      // Trailing zero digits are the high zero bytes of the digit values.
      const std::uint64_t values = rest_text ^ 0x3030303030303030u;
      digits = values != 0 ? 9 - detail::leading_zeros(values) / 8 : (first != 0);
      break;
    }
  }
  char* p = out + 19 + digits + (digits != 0);
  if (off == 0) {
    *p = 'Z';
    return p + 1;
  }
  const auto a = static_cast<unsigned>(off < 0 ? -off : off);
  const unsigned oh = a / 60;
  // '-' is '+' + 2.
  const std::uint64_t zone_text = SANDLOG_TS_ASCII_PAIRS("+00:00\0\0", (std::uint64_t{oh} << 8) |
                                                                         (std::uint64_t{a - oh * 60} << 32)) +
                                  (off < 0 ? 2u : 0u);
  detail::store<6>(p, zone_text);
  return p + 6;
}
#undef SANDLOG_TS_ASCII_PAIRS

}  // namespace sandlog

#endif  // SANDLOG_TIMESTAMP_HPP
