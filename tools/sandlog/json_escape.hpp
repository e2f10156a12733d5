// sandlog CLI: a string as a JSON string literal, invalid UTF-8 replaced.
//
// Quotes and backslashes are escaped; control bytes become \n, \r, \t, \b, \f
// or \u00XX; valid UTF-8 is copied as it is; each maximal ill-formed
// subsequence (Unicode 15, section 3.9, "U+FFFD substitution of maximal
// subparts", as WHATWG's decoder does) becomes one U+FFFD. So the output is
// always valid UTF-8 and valid JSON, and valid input round-trips exactly.
#ifndef SANDLOG_CLI_JSON_ESCAPE_HPP
#define SANDLOG_CLI_JSON_ESCAPE_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "out_buffer.hpp"

namespace sandlog_cli {
namespace detail {

// Whether any of the 8 bytes of w is < 0x20, '"', '\\' or >= 0x80.
inline bool needs_care(std::uint64_t w) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ull;
  constexpr std::uint64_t high = 0x8080808080808080ull;
  const std::uint64_t control = (w - ones * 0x20) & ~w;
  const std::uint64_t q = w ^ (ones * '"');
  const std::uint64_t quote = (q - ones) & ~q;
  const std::uint64_t b = w ^ (ones * '\\');
  const std::uint64_t backslash = (b - ones) & ~b;
  return ((control | quote | backslash | w) & high) != 0;
}

// The length of the well-formed UTF-8 sequence at p (2..4), or, when it is
// ill-formed, minus the length of its maximal subpart (-1..-3).
inline int utf8_sequence(const unsigned char* p, const unsigned char* end) noexcept {
  const unsigned c = p[0];
  int len;
  unsigned lo = 0x80, hi = 0xBF;  // the range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return -1;  // a continuation byte, C0, C1 or F5..FF
  }
  int i = 1;
  for (; i < len; ++i) {
    if (p + i == end) return -i;
    const unsigned b = p[i];
    if (b < (i == 1 ? lo : 0x80u) || b > (i == 1 ? hi : 0xBFu)) return -i;
  }
  return len;
}

}  // namespace detail

// Appends `s` as a quoted JSON string. Allocates only if `out` must grow.
inline void append_json_string(out_buffer& out, std::string_view s) {
  // Worst case: every byte becomes \u00XX (6) or U+FFFD (3).
  char* o = out.reserve(s.size() * 6 + 2);
  *o++ = '"';
  auto p = reinterpret_cast<const unsigned char*>(s.data());
  const auto end = p + s.size();
  while (p != end) {
    while (end - p >= 8) {
      std::uint64_t w;
      std::memcpy(&w, p, 8);
      if (detail::needs_care(w)) break;
      std::memcpy(o, p, 8);
      o += 8, p += 8;
    }
    if (p == end) break;
    const unsigned c = *p;
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      *o++ = static_cast<char>(c);
      ++p;
      continue;
    }
    if (c < 0x80) {
      *o++ = '\\';
      switch (c) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '\n': *o++ = 'n'; break;
        case '\r': *o++ = 'r'; break;
        case '\t': *o++ = 't'; break;
        case '\b': *o++ = 'b'; break;
        case '\f': *o++ = 'f'; break;
        default:
          static constexpr char hex[] = "0123456789abcdef";
          std::memcpy(o, "u00", 3);
          o[3] = hex[c >> 4];
          o[4] = hex[c & 15];
          o += 5;
      }
      ++p;
      continue;
    }
    const int n = detail::utf8_sequence(p, end);
    if (n > 0) {
      std::memcpy(o, p, static_cast<std::size_t>(n));
      o += n, p += n;
    } else {
      std::memcpy(o, "\xEF\xBF\xBD", 3);  // U+FFFD
      o += 3, p += -n;
    }
  }
  *o++ = '"';
  out.commit(o);
}

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_JSON_ESCAPE_HPP
