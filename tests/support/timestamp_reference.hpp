// A slow, deliberately plain reference parser for sandlog timestamps, used by
// the tests and the fuzz target to check sandlog::parse_timestamp.
//
// It shares no code with the library: dates are counted day by day and month
// by month from 1970, the input is walked one character class at a time, and
// every rule is written out as the documentation states it (docs/timestamp.md):
// the error names the first field, read left to right, that is wrong.
#ifndef SANDLOG_TEST_TIMESTAMP_REFERENCE_HPP
#define SANDLOG_TEST_TIMESTAMP_REFERENCE_HPP

#include <cstdint>
#include <string>
#include <string_view>

#include "sandlog/error.hpp"

namespace sandlog_ref {

struct result {
  sandlog::error ec = sandlog::error::ok;
  std::size_t consumed = 0;  // on success
  std::int64_t seconds = 0;
  std::uint32_t nanos = 0;
  int offset = 0;
};

enum class leap { clamp, reject, next_second };

inline bool leap_year(long y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

inline int month_length(long y, int m) {
  static const int lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && leap_year(y)) return 29;
  return lengths[m - 1];
}

// Days from 1970-01-01 to y-01-01, one year at a time.
inline long days_to_year(long y) {
  long days = 0;
  for (long k = 1970; k < y; ++k) days += leap_year(k) ? 366 : 365;
  for (long k = y; k < 1970; ++k) days -= leap_year(k) ? 366 : 365;
  return days;
}

inline long days_of(long y, int m, int d) {
  long days = days_to_year(y);
  for (int k = 1; k < m; ++k) days += month_length(y, k);
  return days + d - 1;
}

// 0 = Monday .. 6 = Sunday; 1970-01-01 was a Thursday.
inline int weekday0(long days) { return static_cast<int>(((days % 7) + 7 + 3) % 7); }

inline long week_one_monday(long y) {
  long jan4 = days_of(y, 1, 4);
  return jan4 - weekday0(jan4);
}

class reader {
 public:
  explicit reader(std::string_view s) : s_(s) {}
  bool at_end() const { return i_ >= s_.size(); }
  char peek(std::size_t ahead = 0) const { return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0'; }
  bool has(std::size_t ahead) const { return i_ + ahead < s_.size(); }
  static bool digit(char c) { return c >= '0' && c <= '9'; }
  std::size_t pos() const { return i_; }
  void skip() { ++i_; }

  // n digits into v; error `bad` if a non-digit comes first, too_short if the
  // text ends first.
  sandlog::error number(int n, int& v, sandlog::error bad) {
    std::string text;
    for (int k = 0; k < n; ++k) {
      if (!has(static_cast<std::size_t>(k))) return sandlog::error::too_short;
      char c = peek(static_cast<std::size_t>(k));
      if (!digit(c)) return bad;
      text += c;
    }
    i_ += static_cast<std::size_t>(n);
    v = std::stoi(text);
    return sandlog::error::ok;
  }

  sandlog::error literal(std::string_view options, sandlog::error bad) {
    if (at_end()) return sandlog::error::too_short;
    if (options.find(peek()) == std::string_view::npos) return bad;
    ++i_;
    return sandlog::error::ok;
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

#define SANDLOG_REF_TRY(expr)                      \
  do {                                             \
    sandlog::error e_ = (expr);                    \
    if (e_ != sandlog::error::ok) {                \
      r.ec = e_;                                   \
      return r;                                    \
    }                                              \
  } while (0)
#define SANDLOG_REF_FAIL(code) \
  do {                         \
    r.ec = (code);             \
    return r;                  \
  } while (0)

inline result parse(std::string_view s, bool lenient, leap policy, bool assume_utc) {
  using sandlog::error;
  result r;
  reader in(s);
  int year = 0, month = 0, day = 0, week = 0, wday = 0, yday = 0;
  enum { calendar, ordinal, weekdate } kind = calendar;
  bool extended = true;

  SANDLOG_REF_TRY(in.number(4, year, error::bad_year));
  if (in.at_end()) SANDLOG_REF_FAIL(error::too_short);
  if (in.peek() == '-') {
    in.skip();
    if (lenient && in.peek() == 'W') {
      kind = weekdate;
    } else if (lenient && reader::digit(in.peek()) && reader::digit(in.peek(1)) &&
               reader::digit(in.peek(2))) {
      kind = ordinal;
    }
  } else if (lenient && (in.peek() == 'W' || reader::digit(in.peek()))) {
    extended = false;
    if (in.peek() == 'W') {
      kind = weekdate;
    } else {
      int run = 0;
      while (run < 4 && reader::digit(in.peek(static_cast<std::size_t>(run)))) ++run;
      if (run == 3) {
        kind = ordinal;
      } else if (run < 3 && !in.has(static_cast<std::size_t>(run))) {
        SANDLOG_REF_FAIL(error::too_short);
      }
    }
  } else {
    SANDLOG_REF_FAIL(error::bad_separator);
  }

  long days = 0;
  if (kind == weekdate) {
    in.skip();  // 'W'
    SANDLOG_REF_TRY(in.number(2, week, error::bad_week));
    long weeks = (week_one_monday(year + 1) - week_one_monday(year)) / 7;
    if (week < 1 || week > weeks) SANDLOG_REF_FAIL(error::bad_week);
    if (extended) SANDLOG_REF_TRY(in.literal("-", error::bad_separator));
    SANDLOG_REF_TRY(in.number(1, wday, error::bad_day));
    if (wday < 1 || wday > 7) SANDLOG_REF_FAIL(error::bad_day);
    days = week_one_monday(year) + (week - 1) * 7 + (wday - 1);
  } else if (kind == ordinal) {
    SANDLOG_REF_TRY(in.number(3, yday, error::bad_day));
    if (yday < 1 || yday > (leap_year(year) ? 366 : 365)) SANDLOG_REF_FAIL(error::bad_day);
    days = days_to_year(year) + yday - 1;
  } else {
    SANDLOG_REF_TRY(in.number(2, month, error::bad_month));
    if (month < 1 || month > 12) SANDLOG_REF_FAIL(error::bad_month);
    if (extended) SANDLOG_REF_TRY(in.literal("-", error::bad_separator));
    SANDLOG_REF_TRY(in.number(2, day, error::bad_day));
    if (day < 1 || day > month_length(year, month)) SANDLOG_REF_FAIL(error::bad_day);
    days = days_of(year, month, day);
  }

  SANDLOG_REF_TRY(in.literal(lenient ? "Tt " : "Tt", error::bad_separator));

  int hour = 0, minute = 0, second = 0;
  std::string fraction;
  SANDLOG_REF_TRY(in.number(2, hour, error::bad_hour));
  if (hour > (lenient ? 24 : 23)) SANDLOG_REF_FAIL(error::bad_hour);
  if (extended) SANDLOG_REF_TRY(in.literal(":", error::bad_separator));
  SANDLOG_REF_TRY(in.number(2, minute, error::bad_minute));
  if (minute > 59) SANDLOG_REF_FAIL(error::bad_minute);
  bool seconds_follow;
  if (!lenient) {
    seconds_follow = true;
  } else if (extended) {
    seconds_follow = in.peek() == ':' && in.has(0);
  } else {
    seconds_follow = reader::digit(in.peek());
  }
  if (seconds_follow) {
    if (extended) SANDLOG_REF_TRY(in.literal(":", error::bad_separator));
    SANDLOG_REF_TRY(in.number(2, second, error::bad_second));
    if (second > 60) SANDLOG_REF_FAIL(error::bad_second);
    if (in.has(0) && (in.peek() == '.' || (lenient && in.peek() == ','))) {
      in.skip();
      if (in.at_end()) SANDLOG_REF_FAIL(error::too_short);
      if (!reader::digit(in.peek())) SANDLOG_REF_FAIL(error::bad_fraction);
      while (in.has(0) && reader::digit(in.peek())) {
        fraction += in.peek();
        in.skip();
      }
    }
  } else if (in.has(0) && (in.peek() == '.' || in.peek() == ',')) {
    SANDLOG_REF_FAIL(error::bad_second);
  }
  std::string nine = (fraction + "000000000").substr(0, 9);
  std::uint32_t nanos = static_cast<std::uint32_t>(std::stoul(nine));
  if (hour == 24) {
    if (minute != 0 || second != 0 || nanos != 0) SANDLOG_REF_FAIL(error::bad_hour);
    hour = 0;
    days += 1;
  }

  int offset = 0;
  int offset_seconds = 0;  // the ":SS" of an offset, signed like it
  char c = in.peek();
  bool has_offset = in.has(0) && (c == 'Z' || c == 'z' || c == '+' || c == '-');
  if (!has_offset) {
    if (!(lenient && assume_utc)) SANDLOG_REF_FAIL(in.at_end() ? error::too_short : error::bad_offset);
  } else if (c == 'Z' || c == 'z') {
    in.skip();
  } else {
    in.skip();
    int oh = 0, om = 0, os = 0;
    bool with_seconds = false;
    SANDLOG_REF_TRY(in.number(2, oh, error::bad_offset));
    if (!lenient) {
      SANDLOG_REF_TRY(in.literal(":", error::bad_offset));
      SANDLOG_REF_TRY(in.number(2, om, error::bad_offset));
      // RFC 3339 offsets have no seconds: refused, not left unread.
      if (in.has(1) && in.peek() == ':' && reader::digit(in.peek(1))) SANDLOG_REF_FAIL(error::bad_offset);
    } else if (in.has(0) && in.peek() == ':') {
      in.skip();
      SANDLOG_REF_TRY(in.number(2, om, error::bad_offset));
      if (in.has(1) && in.peek() == ':' && reader::digit(in.peek(1))) {
        in.skip();
        SANDLOG_REF_TRY(in.number(2, os, error::bad_offset));
        with_seconds = true;
      }
    } else if (in.has(0) && reader::digit(in.peek())) {
      SANDLOG_REF_TRY(in.number(2, om, error::bad_offset));
      if (in.has(0) && reader::digit(in.peek())) {
        SANDLOG_REF_TRY(in.number(2, os, error::bad_offset));
        with_seconds = true;
      }
    }
    if (oh > 23 || om > 59 || os > 59) SANDLOG_REF_FAIL(error::bad_offset);
    if (with_seconds && in.has(1) && (in.peek() == '.' || in.peek() == ',') &&
        reader::digit(in.peek(1)))
      SANDLOG_REF_FAIL(error::bad_offset);  // a fraction of the offset's seconds
    offset = (c == '-' ? -1 : 1) * (oh * 60 + om);
    offset_seconds = (c == '-' ? -1 : 1) * os;
  }

  if (second == 60) {
    if (offset_seconds != 0) SANDLOG_REF_FAIL(error::bad_second);
    int utc_minutes = hour * 60 + minute - offset;
    while (utc_minutes < 0) utc_minutes += 1440;
    while (utc_minutes >= 1440) utc_minutes -= 1440;
    if (utc_minutes != 23 * 60 + 59) SANDLOG_REF_FAIL(error::bad_second);
    if (policy == leap::reject) SANDLOG_REF_FAIL(error::leap_second);
    if (policy == leap::clamp) {
      second = 59;
      nanos = 999999999;
    }
  }
  long local_seconds = days * 86400L + hour * 3600L + minute * 60L + second;
  long first_local = days_of(0, 1, 1) * 86400L;
  long last_local = days_of(9999, 12, 31) * 86400L + 86399L;
  if (local_seconds < first_local || local_seconds > last_local) SANDLOG_REF_FAIL(error::out_of_range);
  r.consumed = in.pos();
  r.seconds = local_seconds - offset * 60L - offset_seconds;
  r.nanos = nanos;
  r.offset = offset;
  return r;
}

#undef SANDLOG_REF_TRY
#undef SANDLOG_REF_FAIL

}  // namespace sandlog_ref

#endif  // SANDLOG_TEST_TIMESTAMP_REFERENCE_HPP
