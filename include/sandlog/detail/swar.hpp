// sandlog: eight bytes in one integer — loads, stores and literal words for
// the SWAR ("SIMD within a register") code of the parsers and formatters.
#ifndef SANDLOG_DETAIL_SWAR_HPP
#define SANDLOG_DETAIL_SWAR_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../config.hpp"

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
