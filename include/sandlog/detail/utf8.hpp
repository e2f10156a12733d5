// sandlog: UTF-8 — the length of a well-formed sequence, and a code point
// encoded. The bounds follow Unicode 15, table 3-7 (no overlongs, no
// surrogates, nothing past U+10FFFF).
#ifndef SANDLOG_DETAIL_UTF8_HPP
#define SANDLOG_DETAIL_UTF8_HPP

#include <cstddef>
#include <cstdint>

#include "../config.hpp"

namespace sandlog {
namespace detail {

// Length of the valid UTF-8 sequence starting at p (whose first byte is
// >= 0x80), or 0 if it is not one (overlong, surrogate, > U+10FFFF, cut off).
constexpr std::size_t utf8_sequence_length(const char* p, const char* end) noexcept {
  const auto b0 = static_cast<unsigned char>(p[0]);
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // bounds for the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (static_cast<std::size_t>(end - p) < n) return 0;
  const auto b1 = static_cast<unsigned char>(p[1]);
  if (b1 < lo || b1 > hi) return 0;
  for (std::size_t i = 2; i < n; ++i) {
    const auto b = static_cast<unsigned char>(p[i]);
    if (b < 0x80 || b > 0xBF) return 0;
  }
  return n;
}

// Encodes a code point (<= 0x10FFFF, not a surrogate) as UTF-8; returns the length.
constexpr std::size_t encode_utf8(std::uint32_t cp, char* out) noexcept {
  if (cp < 0x80) {
    out[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<char>(0xC0 | (cp >> 6));
    out[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (cp >> 12));
    out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (cp >> 18));
  out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

// True when the n-byte sequence at p is U+FFFD. A logfmt key holding it is
// rejected like invalid UTF-8, as go-logfmt does: it is what a transport that
// repairs UTF-8 (Docker's json-file, for one) makes of invalid bytes, so the
// key is judged the same read raw or repaired; go-logfmt's encoder refuses
// such a key.
constexpr bool is_replacement_character(const char* p, std::size_t n) noexcept {
  return n == 3 && p[0] == '\xEF' && p[1] == '\xBF' && p[2] == '\xBD';
}

}  // namespace detail
}  // namespace sandlog

#endif  // SANDLOG_DETAIL_UTF8_HPP
