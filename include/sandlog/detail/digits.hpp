// sandlog: digits — tests and values, powers of ten, eight decimal digits
// converted at once (both ways).
#ifndef SANDLOG_DETAIL_DIGITS_HPP
#define SANDLOG_DETAIL_DIGITS_HPP

#include <cstdint>

#include "../config.hpp"

namespace sandlog {
namespace detail {

// Powers of ten: 10^n for n < 10 as 32 bits (the timestamp parsers scale a
// fraction with them), for n < 20 as 64.
inline constexpr std::uint32_t pow10_u32[10] = {1,      10,      100,      1000,      10000,
                                                100000, 1000000, 10000000, 100000000, 1000000000};
inline constexpr std::uint64_t pow10_u64_table[20] = {1,
                                                      10,
                                                      100,
                                                      1000,
                                                      10000,
                                                      100000,
                                                      1000000,
                                                      10000000,
                                                      100000000,
                                                      1000000000,
                                                      10000000000,
                                                      100000000000,
                                                      1000000000000,
                                                      10000000000000,
                                                      100000000000000,
                                                      1000000000000000,
                                                      10000000000000000,
                                                      100000000000000000,
                                                      1000000000000000000,
                                                      10000000000000000000u};
constexpr std::uint64_t pow10_u64(int n) noexcept { return pow10_u64_table[n]; }

// An ASCII decimal digit, and its value.
constexpr bool is_digit(char c) noexcept { return static_cast<unsigned char>(c - '0') < 10; }
constexpr unsigned digit_value(char c) noexcept {
  return static_cast<unsigned>(static_cast<unsigned char>(c)) - unsigned{'0'};
}

// The value of a hexadecimal digit (either case), or -1.
constexpr int hex_value(char c) noexcept {
  return c >= '0' && c <= '9'   ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                : -1;
}

// The value of 8 digit values (most significant at byte 0), as in simdjson:
// combine neighbouring bytes, then neighbouring pairs, then quads.
SANDLOG_FORCE_INLINE std::uint32_t eight_digits(std::uint64_t t) noexcept {
  t = (t * 2561) >> 8;  // 2561 = 10 * 2^8 + 1
  t = ((t & 0x00FF00FF00FF00FFu) * 6553601) >> 16;  // 100 * 2^16 + 1
  return static_cast<std::uint32_t>(((t & 0x0000FFFF0000FFFFu) * 42949672960001u) >> 32);
}

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

}  // namespace detail
}  // namespace sandlog

#endif  // SANDLOG_DETAIL_DIGITS_HPP
