// sandlog: integer arithmetic that stops at its limit instead of wrapping —
// decimal accumulation with an overflow flag, signed magnitudes, saturating
// sums. Every parser that reads a number of unbounded length uses these, so
// an overlong number is a clear error (or a clamped value), never UB.
#ifndef SANDLOG_DETAIL_SATURATING_HPP
#define SANDLOG_DETAIL_SATURATING_HPP

#include <cstdint>
#include <limits>

#include "../config.hpp"

namespace sandlog {
namespace detail {

// 2^63: the magnitude of INT64_MIN, one more than INT64_MAX.
inline constexpr std::uint64_t int64_magnitude_limit =
    static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + 1u;

// Applies a sign to a magnitude already known to be at most 2^63 (negative)
// or 2^63 - 1 (positive), without an implementation-defined conversion.
constexpr std::int64_t apply_sign(std::uint64_t magnitude, bool negative) noexcept {
  if (!negative) return static_cast<std::int64_t>(magnitude);
  if (magnitude == int64_magnitude_limit) return std::numeric_limits<std::int64_t>::min();
  return -static_cast<std::int64_t>(magnitude);
}

// The value of a run of decimal digits, read one digit at a time, that never
// passes `limit`: once another digit would take it past, `overflow` is set
// and the value stays where it was (the caller keeps reading, to check the
// syntax of the rest, and reports out_of_range or clamps).
struct decimal_accumulator {
  std::uint64_t limit;
  std::uint64_t value = 0;
  bool overflow = false;

  constexpr explicit decimal_accumulator(std::uint64_t max) noexcept : limit(max) {}

  // Appends digit d (0..9): value * 10 + d, unless that exceeds limit.
  constexpr void push(unsigned d) noexcept {
    // value * 10 + d <= limit, written so that nothing wraps.
    if (overflow || value > (limit - d) / 10u) {
      overflow = true;
    } else {
      value = value * 10u + d;
    }
  }
};

// a + b for b >= 0, clamped at INT64_MAX.
constexpr std::int64_t saturating_add(std::int64_t a, std::int64_t b) noexcept {
  return a > std::numeric_limits<std::int64_t>::max() - b ? std::numeric_limits<std::int64_t>::max()
                                                          : a + b;
}

}  // namespace detail
}  // namespace sandlog

#endif  // SANDLOG_DETAIL_SATURATING_HPP
