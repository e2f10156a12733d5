// sandlog: typed conversions of a field's text — int64, bool, Go duration,
// timestamp — shared by logfmt and JSON fields.
//
// Every conversion reads the whole text (a trailing byte is an error), never
// allocates, never throws, and returns a value_result (error.hpp): the value
// and an error. Floating point lives in logfmt.hpp, because it needs
// fast_float; parse_timestamp_value in timestamp.hpp, which this includes.
#ifndef SANDLOG_VALUE_HPP
#define SANDLOG_VALUE_HPP

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

#include "config.hpp"
#include "detail/digits.hpp"
#include "detail/saturating.hpp"
#include "error.hpp"
#include "timestamp.hpp"

namespace sandlog {

namespace detail {

// One Go duration unit: `coefficient * 10^exponent` nanoseconds.
struct duration_unit {
  std::uint64_t coefficient;
  int exponent;
};

// The units Go's time.ParseDuration knows; {0, 0} for anything else.
constexpr duration_unit find_duration_unit(std::string_view u) noexcept {
  if (u == "ns") return {1, 0};
  if (u == "us" || u == "\xC2\xB5s" || u == "\xCE\xBCs") return {1, 3};  // U+00B5, U+03BC
  if (u == "ms") return {1, 6};
  if (u == "s") return {1, 9};
  if (u == "m") return {6, 10};
  if (u == "h") return {36, 11};
  return {0, 0};
}

}  // namespace detail

// Parses the whole of `text` as a decimal int64: an optional '+' or '-', then
// one or more ASCII digits (leading zeros allowed). Anything else is
// error::bad_number; a well-formed value beyond int64 is error::out_of_range.
// Allocates nothing.
constexpr value_result<std::int64_t> parse_int64(std::string_view text) noexcept {
  const char* p = text.data();
  const char* const end = p + text.size();
  bool negative = false;
  if (p != end && (*p == '-' || *p == '+')) negative = *p++ == '-';
  if (p == end) return {0, error::bad_number};
  detail::decimal_accumulator magnitude(negative ? detail::int64_magnitude_limit
                                                : detail::int64_magnitude_limit - 1u);
  for (; p != end; ++p) {
    if (!detail::is_digit(*p)) return {0, error::bad_number};
    magnitude.push(detail::digit_value(*p));
  }
  if (magnitude.overflow) {
    return {negative ? std::numeric_limits<std::int64_t>::min()
                     : std::numeric_limits<std::int64_t>::max(),
            error::out_of_range};
  }
  return {detail::apply_sign(magnitude.value, negative), error::ok};
}

// Parses the whole of `text` as a boolean, with the spellings of Go's
// strconv.ParseBool: 1 t T true True TRUE, and 0 f F false False FALSE.
// Anything else (yes, on, tRuE, " true") is error::bad_bool. Allocates nothing.
constexpr value_result<bool> parse_bool(std::string_view text) noexcept {
  if (text == "1" || text == "t" || text == "T" || text == "true" || text == "True" ||
      text == "TRUE")
    return {true, error::ok};
  if (text == "0" || text == "f" || text == "F" || text == "false" || text == "False" ||
      text == "FALSE")
    return {false, error::ok};
  return {false, error::bad_bool};
}

// Parses the whole of `text` as a Go duration (time.ParseDuration) into
// nanoseconds: an optional sign, then one or more <decimal><unit> pairs, such
// as "1.5s", "250ms", "2h45m", "-1.5h", "300us"; units ns, us, µs (U+00B5 or
// U+03BC), ms, s, m, h; "0" alone (with or without sign) is zero. Each
// decimal needs a digit on one side of its point (".5s" and "1.s" are
// valid). Integers are exact; a fraction is truncated towards zero, so it is
// within one nanosecond. Bad syntax is error::bad_duration; a total beyond
// int64 nanoseconds (about 292 years) is error::out_of_range. Allocates nothing.
constexpr value_result<std::int64_t> parse_duration(std::string_view text) noexcept {
  const char* p = text.data();
  const char* const end = p + text.size();
  bool negative = false;
  if (p != end && (*p == '-' || *p == '+')) negative = *p++ == '-';
  if (end - p == 1 && *p == '0') return {0, error::ok};
  if (p == end) return {0, error::bad_duration};

  const std::uint64_t limit = negative ? detail::int64_magnitude_limit
                                       : detail::int64_magnitude_limit - 1u;
  // Fraction digits kept: enough that the dropped ones are worth < 1 ns for
  // every unit (exponent + 2, as the largest coefficient is 36 < 100).
  constexpr int max_fraction_digits = 13;
  std::uint64_t total = 0;
  bool overflow = false;
  while (p != end) {
    detail::decimal_accumulator whole(detail::int64_magnitude_limit);
    const char* const whole_start = p;
    for (; p != end && detail::is_digit(*p); ++p) whole.push(detail::digit_value(*p));
    bool has_digits = p != whole_start;
    std::uint64_t fraction = 0;
    int fraction_digits = 0;
    if (p != end && *p == '.') {
      ++p;
      const char* const fraction_start = p;
      for (; p != end && detail::is_digit(*p); ++p) {
        if (fraction_digits < max_fraction_digits) {
          fraction = fraction * 10u + detail::digit_value(*p);
          ++fraction_digits;
        }
      }
      has_digits = has_digits || p != fraction_start;
    }
    if (!has_digits) return {0, error::bad_duration};
    const char* const unit_start = p;
    while (p != end && *p != '.' && !detail::is_digit(*p)) ++p;
    const detail::duration_unit unit =
        detail::find_duration_unit(std::string_view(unit_start, static_cast<std::size_t>(p - unit_start)));
    if (unit.coefficient == 0) return {0, error::bad_duration};
    if (overflow) continue;  // keep checking the syntax of the rest

    const std::uint64_t unit_ns = unit.coefficient * detail::pow10_u64(unit.exponent);
    if (whole.overflow || whole.value > limit / unit_ns) {
      overflow = true;
      continue;
    }
    // fraction / 10^digits of a unit, in ns: coefficient * fraction *
    // 10^(exponent - digits), truncated. coefficient * fraction < 36e13.
    const int kept = fraction_digits < unit.exponent + 2 ? fraction_digits : unit.exponent + 2;
    const std::uint64_t f = fraction / detail::pow10_u64(fraction_digits - kept);
    const std::uint64_t fraction_ns =
        kept <= unit.exponent ? unit.coefficient * f * detail::pow10_u64(unit.exponent - kept)
                              : unit.coefficient * f / detail::pow10_u64(kept - unit.exponent);
    // At most 2^63 plus less than one unit: no wrap, and total stays <= limit.
    const std::uint64_t term = whole.value * unit_ns + fraction_ns;
    if (term > limit - total) {
      overflow = true;
      continue;
    }
    total += term;
  }
  if (overflow) {
    return {negative ? std::numeric_limits<std::int64_t>::min()
                     : std::numeric_limits<std::int64_t>::max(),
            error::out_of_range};
  }
  return {detail::apply_sign(total, negative), error::ok};
}

}  // namespace sandlog

#endif  // SANDLOG_VALUE_HPP
