// sandlog: RFC 3339 / ISO 8601 timestamps — parse, format, civil-date math.
//
// parse_timestamp reads a timestamp at the start of a range and, like
// std::from_chars, returns a pointer past it. The strict grammar
// (syntax::rfc3339, the default) is what containers, Kubernetes and Docker
// write; the lenient one (syntax::iso8601) adds the ISO 8601 forms listed in
// docs/timestamp.md. Nothing here allocates or throws.
//
// What this header provides, and where each piece is written:
//   timestamp, syntax, leap_second, timestamp_options    vocabulary.hpp
//   is_leap_year, days_in_month, days_from_civil,
//     civil_from_days, iso_weekday, iso_week1_monday,
//     iso_weeks_in_year                                   detail/calendar.hpp
//   parse_timestamp (below); its fast path and the
//     complete parser                                     detail/timestamp_fast.hpp,
//                                                         detail/timestamp_general.hpp
//   timestamp_memo, parse_timestamp with a memo           detail/timestamp_memo.hpp
//   parse_timestamp_value (a whole text), to_unix_nanos,
//     from_unix_nanos, to/from_sys_time                   below
//   format_timestamp, format_options, fraction_digits,
//     zone, max_timestamp_chars                           detail/timestamp_format.hpp
#ifndef SANDLOG_TIMESTAMP_HPP
#define SANDLOG_TIMESTAMP_HPP

#include <cstdint>
#include <string_view>

#include "config.hpp"
#include "detail/calendar.hpp"
#include "detail/timestamp_fast.hpp"
#include "detail/timestamp_format.hpp"
#include "detail/timestamp_general.hpp"
#include "detail/timestamp_memo.hpp"
#include "error.hpp"
#include "vocabulary.hpp"

#if SANDLOG_HAS_CPP20
#include <chrono>
#endif

namespace sandlog {

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

// Parses the whole of `text` as a timestamp (parse_timestamp with
// `options`): its errors pass through; bytes left after a complete timestamp
// are error::trailing_bytes. Every whole-text timestamp in sandlog (JSON
// fields, logfmt values, predicate literals) is read by this. Allocates
// nothing.
inline value_result<timestamp> parse_timestamp_value(std::string_view text,
                                                     timestamp_options options = {}) noexcept {
  timestamp t{};
  const char* const end = text.data() + text.size();
  const parse_result r = parse_timestamp(text.data(), end, t, options);
  if (!r) return {timestamp{}, r.ec};
  if (r.ptr != end) return {timestamp{}, error::trailing_bytes};
  return {t, error::ok};
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

}  // namespace sandlog

#endif  // SANDLOG_TIMESTAMP_HPP
