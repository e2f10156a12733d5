// sandlog CLI: the value of --since / --until.
//
//   2026-02-20T14:30:00.5Z, …+01:00   RFC 3339 (any offset, 0-9 fraction digits)
//   2026-02-20 14:30:00Z              the same with a space (journalctl, SQL)
//   2026-02-20 14:30[:00[.5]]         no zone: local time (TZ), as journalctl
//   2026-02-20T14:30:00               and docker read it
//   2026-02-20                        local midnight
//   1796151941.02                     unix seconds, 0-9 fraction digits (Docker)
//   90s 10m 1.5h 2h30m 500ms 1d       a duration before now (Go's units, plus d)
//
// A leading '-' is refused rather than guessed: journalctl reads -1h as an
// hour ago, docker as an hour ahead.
#ifndef SANDLOG_CLI_TIME_ARG_HPP
#define SANDLOG_CLI_TIME_ARG_HPP

#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <string_view>

#include <sandlog/timestamp.hpp>

namespace sandlog_cli {

// A whole RFC 3339 timestamp: nothing may follow it.
inline bool parse_rfc3339_arg(std::string_view s, sandlog::timestamp& out) noexcept {
  const char* end = s.data() + s.size();
  const sandlog::parse_result r = sandlog::parse_timestamp(s.data(), end, out);
  return r && r.ptr == end;
}

// "Now": the SANDLOG_NOW environment variable (RFC 3339) when set, which the
// tests use so that relative times do not depend on the wall clock, else the
// system clock. False when SANDLOG_NOW is set but malformed.
inline bool current_time(sandlog::timestamp& now) noexcept {
  if (const char* env = std::getenv("SANDLOG_NOW")) return parse_rfc3339_arg(env, now);
  std::timespec ts{};
  std::timespec_get(&ts, TIME_UTC);
  now = sandlog::timestamp{};
  now.seconds = ts.tv_sec;
  now.nanos = static_cast<std::uint32_t>(ts.tv_nsec);
  return true;
}

namespace detail {

inline constexpr std::int64_t max_ago_ns = 100ll * 366 * 86400 * 1'000'000'000;  // ~100 years
inline constexpr std::int64_t max_unix_seconds = 253402300799;  // 9999-12-31T23:59:59Z

inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Reads exactly n digits at s[i].
inline bool fixed_digits(std::string_view s, std::size_t& i, int n, unsigned& v) noexcept {
  v = 0;
  for (int k = 0; k < n; ++k, ++i) {
    if (i >= s.size() || !is_digit(s[i])) return false;
    v = v * 10 + static_cast<unsigned>(s[i] - '0');
  }
  return true;
}

// Reads 1-9 fraction digits after a '.' at s[i] as nanoseconds.
inline const char* fraction(std::string_view s, std::size_t& i, std::uint32_t& nanos) noexcept {
  ++i;
  std::uint32_t v = 0;
  int n = 0;
  for (; i < s.size() && is_digit(s[i]); ++i, ++n) {
    if (n == 9) return "more than 9 fraction digits";
    v = v * 10 + static_cast<std::uint32_t>(s[i] - '0');
  }
  if (n == 0) return "no digit after '.'";
  for (int k = n; k < 9; ++k) v *= 10;
  nanos = v;
  return nullptr;
}

// The UTC seconds of a local civil time in the zone TZ names. A time that
// the clocks skip (a DST gap) has none; one they pass twice is the earlier.
inline const char* local_to_utc(unsigned y, unsigned mo, unsigned d, unsigned h, unsigned mi,
                                unsigned s, std::int64_t& out) noexcept {
  bool found = false;
  for (int dst = 0; dst <= 1; ++dst) {
    std::tm tm{};
    tm.tm_year = static_cast<int>(y) - 1900;
    tm.tm_mon = static_cast<int>(mo) - 1;
    tm.tm_mday = static_cast<int>(d);
    tm.tm_hour = static_cast<int>(h);
    tm.tm_min = static_cast<int>(mi);
    tm.tm_sec = static_cast<int>(s);
    tm.tm_isdst = dst;
    const std::time_t t = std::mktime(&tm);
    std::tm back{};
    if (!localtime_r(&t, &back)) continue;
    // mktime moves a time it was told the wrong DST flag for; only a
    // result that reads back as the same wall clock is that time.
    if (back.tm_year != static_cast<int>(y) - 1900 || back.tm_mon != static_cast<int>(mo) - 1 ||
        back.tm_mday != static_cast<int>(d) || back.tm_hour != static_cast<int>(h) ||
        back.tm_min != static_cast<int>(mi) || back.tm_sec != static_cast<int>(s))
      continue;
    const auto v = static_cast<std::int64_t>(t);
    if (!found || v < out) out = v;
    found = true;
  }
  return found ? nullptr : "that local time does not exist (the clocks skip it)";
}

// YYYY-MM-DD[(T|t| )HH:MM[:SS[.f]][Z|z|±HH:MM]]; without a zone, local time.
inline const char* civil_arg(std::string_view s, sandlog::timestamp& out) noexcept {
  std::size_t i = 0;
  unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  std::uint32_t nanos = 0;
  if (!fixed_digits(s, i, 4, y) || i >= s.size() || s[i++] != '-' || !fixed_digits(s, i, 2, mo) ||
      i >= s.size() || s[i++] != '-' || !fixed_digits(s, i, 2, d))
    return "not a date YYYY-MM-DD";
  if (mo < 1 || mo > 12) return "month out of range";
  if (d < 1 || d > sandlog::days_in_month(y, mo)) return "day out of range for the month";
  if (i < s.size()) {
    if (s[i] != 'T' && s[i] != 't' && s[i] != ' ') return "expected 'T' or a space after the date";
    ++i;
    if (!fixed_digits(s, i, 2, h) || i >= s.size() || s[i++] != ':' || !fixed_digits(s, i, 2, mi))
      return "not a time of day HH:MM[:SS]";
    if (h > 23) return "hour out of range";
    if (mi > 59) return "minute out of range";
    if (i < s.size() && s[i] == ':') {
      ++i;
      if (!fixed_digits(s, i, 2, sec)) return "not a time of day HH:MM[:SS]";
      if (sec > 59) return "second out of range";
      if (i < s.size() && s[i] == '.')
        if (const char* why = fraction(s, i, nanos)) return why;
    }
  }
  std::int64_t seconds = 0;
  int offset = 0;
  if (i == s.size()) {
    if (const char* why = local_to_utc(y, mo, d, h, mi, sec, seconds)) return why;
  } else {
    if (s[i] == 'Z' || s[i] == 'z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      const bool west = s[i++] == '-';
      unsigned oh = 0, om = 0;
      if (!fixed_digits(s, i, 2, oh) || i >= s.size() || s[i++] != ':' || !fixed_digits(s, i, 2, om) ||
          oh > 23 || om > 59)
        return "not a UTC offset ±HH:MM";
      offset = static_cast<int>(oh * 60 + om) * (west ? -1 : 1);
    } else {
      return "unexpected text after the time";
    }
    if (i != s.size()) return "unexpected text after the time";
    seconds = sandlog::days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset * 60;
  }
  out = sandlog::timestamp{};
  out.seconds = seconds;
  out.nanos = nanos;
  out.offset_minutes = static_cast<std::int16_t>(offset);
  return nullptr;
}

// Unix seconds with 0-9 fraction digits.
inline const char* unix_arg(std::string_view s, sandlog::timestamp& out) noexcept {
  std::size_t i = 0;
  std::int64_t v = 0;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    v = v * 10 + (s[i] - '0');
    if (v > max_unix_seconds) return "unix seconds beyond the year 9999";
  }
  std::uint32_t nanos = 0;
  if (i < s.size())
    if (const char* why = fraction(s, i, nanos)) return why;
  out = sandlog::timestamp{};
  out.seconds = v;
  out.nanos = nanos;
  return nullptr;
}

// The nanoseconds in one unit at s[i], advancing i; 0 when none is there.
inline std::int64_t unit_ns(std::string_view s, std::size_t& i) noexcept {
  const std::string_view rest = s.substr(i);
  struct unit {
    std::string_view name;
    std::int64_t ns;
  };
  // Longest first, so "ms" is not read as "m".
  static constexpr unit units[] = {
      {"ns", 1},          {"us", 1'000},     {"\xC2\xB5s", 1'000}, {"\xCE\xBCs", 1'000},
      {"ms", 1'000'000},  {"s", 1'000'000'000}, {"m", 60'000'000'000}, {"h", 3'600'000'000'000},
      {"d", 86'400'000'000'000},
  };
  for (const unit& u : units)
    if (rest.substr(0, u.name.size()) == u.name) {
      i += u.name.size();
      return u.ns;
    }
  return 0;
}

}  // namespace detail

// A duration: one or more <number><unit>, the number with an optional
// fraction ("1.5h", ".5s"), units ns, us (or µs), ms, s, m, h, d: "90s",
// "2h30m", "500ms". Nanoseconds, exact to 1 ns (fraction digits past the
// ninth are dropped). Returns nullptr, or why it is not one (also when
// beyond 100 years).
inline const char* read_duration_arg(std::string_view s, std::int64_t& ns) noexcept {
  using detail::is_digit;
  if (s.empty()) return "empty duration";
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    std::int64_t whole = 0;
    std::uint64_t frac = 0, scale = 1;
    bool digits = false;
    for (; i < s.size() && is_digit(s[i]); ++i, digits = true) {
      if (whole > detail::max_ago_ns / 10) return "duration beyond 100 years";
      whole = whole * 10 + (s[i] - '0');
    }
    if (i < s.size() && s[i] == '.') {
      for (++i; i < s.size() && is_digit(s[i]); ++i, digits = true)
        if (scale < 1'000'000'000) frac = frac * 10 + static_cast<std::uint64_t>(s[i] - '0'), scale *= 10;
    }
    if (!digits) return "a duration is a number and a unit (90s, 1.5h, 500ms)";
    if (i == s.size()) return "number without a unit (ns, us, ms, s, m, h, d)";
    const std::int64_t unit = detail::unit_ns(s, i);
    if (unit == 0) return "unknown unit (ns, us, ms, s, m, h, d)";
    if (whole > detail::max_ago_ns / unit) return "duration beyond 100 years";
    // frac / scale of a unit, exactly: unit = q * scale + r with r < scale
    // <= 10^9 keeps both products within 64 bits.
    const auto u = static_cast<std::uint64_t>(unit);
    const std::uint64_t part = frac * (u / scale) + frac * (u % scale) / scale;
    total += whole * unit + static_cast<std::int64_t>(part);
    if (total > detail::max_ago_ns) return "duration beyond 100 years";
  }
  ns = total;
  return nullptr;
}

// The same in whole seconds (fractions dropped); false when not a duration.
inline bool parse_duration_arg(std::string_view s, std::int64_t& seconds) noexcept {
  std::int64_t ns = 0;
  if (read_duration_arg(s, ns) != nullptr) return false;
  seconds = ns / 1'000'000'000;
  return true;
}

// --since/--until: any form in the header comment; durations count back
// from `now`. Returns nullptr, or why `s` is none of them (a static string).
inline const char* read_time_arg(std::string_view s, const sandlog::timestamp& now,
                                 sandlog::timestamp& out) noexcept {
  using detail::is_digit;
  if (s.empty()) return "empty time";
  if (s[0] == '-' || s[0] == '+')
    return "a signed time is ambiguous: write 1h for an hour ago, or a date";
  if (parse_rfc3339_arg(s, out)) return nullptr;
  std::size_t digits = 0;
  while (digits < s.size() && is_digit(s[digits])) ++digits;
  if (digits == 4 && s.size() > 4 && s[4] == '-') return detail::civil_arg(s, out);
  if (digits == s.size() || (digits > 0 && s[digits] == '.' &&
                             (digits + 1 == s.size() || is_digit(s[digits + 1])))) {
    // digits[.digits]: unix seconds, unless a unit follows ("1.5h").
    std::size_t j = digits + 1;
    while (j < s.size() && is_digit(s[j])) ++j;
    if (digits == s.size() || j >= s.size()) return detail::unix_arg(s, out);
  }
  std::int64_t ago = 0;
  if (const char* why = read_duration_arg(s, ago)) {
    if (digits == 0 && s[0] != '.')
      return "not a time: RFC 3339, YYYY-MM-DD[ HH:MM[:SS]], unix seconds, or a duration (10m, 1.5h)";
    return why;
  }
  out = now;
  out.offset_minutes = 0;
  out.seconds -= ago / 1'000'000'000;
  const auto sub = static_cast<std::uint32_t>(ago % 1'000'000'000);
  if (out.nanos < sub) {
    out.seconds -= 1;
    out.nanos += 1'000'000'000;
  }
  out.nanos -= sub;
  return nullptr;
}

inline bool parse_time_arg(std::string_view s, const sandlog::timestamp& now,
                           sandlog::timestamp& out) noexcept {
  return read_time_arg(s, now, out) == nullptr;
}

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_TIME_ARG_HPP
