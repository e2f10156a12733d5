// sandlog: eight bytes in one integer — loads, stores, byte masks and
// literal words for the SWAR ("SIMD within a register") code of the parsers
// and formatters.
#ifndef SANDLOG_DETAIL_SWAR_HPP
#define SANDLOG_DETAIL_SWAR_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../config.hpp"
#include "bits.hpp"

namespace sandlog {
namespace detail {

// Eight bytes at p as a little-endian word (byte p[0] in the low bits).
SANDLOG_FORCE_INLINE std::uint64_t load8(const char* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  return v;
}

// Stores the low N bytes of v at p, byte 0 first (the inverse of load8).
template <std::size_t N>
SANDLOG_FORCE_INLINE void store(char* p, std::uint64_t v) noexcept {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  v = __builtin_bswap64(v);
#endif
  std::memcpy(p, &v, N);
}

// The eight bytes at p, in memory order, for comparing with a literal.
SANDLOG_FORCE_INLINE std::uint64_t bytes8(const char* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}
SANDLOG_FORCE_INLINE std::uint16_t bytes2(const char* p) noexcept {
  std::uint16_t w;
  std::memcpy(&w, p, 2);
  return w;
}

// Masks over the bytes of a word from load8, after "Bit Twiddling Hacks":
// the high bit of each byte that is below c (c <= 0x80), or equal to c. The
// lowest mark is exact; bytes above it may be marked through a borrow, so
// only the lowest one is trusted (first_marked).
inline constexpr std::uint64_t ones8 = 0x0101010101010101ull;
inline constexpr std::uint64_t highs8 = 0x8080808080808080ull;
SANDLOG_FORCE_INLINE constexpr std::uint64_t bytes_below(std::uint64_t x, unsigned char c) noexcept {
  return (x - ones8 * c) & ~x & highs8;
}
SANDLOG_FORCE_INLINE constexpr std::uint64_t bytes_equal(std::uint64_t x, unsigned char c) noexcept {
  const std::uint64_t q = x ^ (ones8 * c);
  return (q - ones8) & ~q & highs8;
}
// The index of the byte of the lowest mark in m, which must not be zero.
SANDLOG_FORCE_INLINE unsigned first_marked(std::uint64_t m) noexcept { return lowest_bit(m) >> 3; }

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

}  // namespace detail
}  // namespace sandlog

#endif  // SANDLOG_DETAIL_SWAR_HPP
