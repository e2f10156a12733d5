// sandlog: JSON string escapes, both ways — a validated escape decoded
// (surrogate pairs joined, a lone surrogate replaced by U+FFFD), and bytes
// written as a quoted string with '"', '\\' and control bytes escaped. logfmt
// quotes its values with the same escapes.
#ifndef SANDLOG_DETAIL_JSON_ESCAPE_HPP
#define SANDLOG_DETAIL_JSON_ESCAPE_HPP

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "../config.hpp"
#include "digits.hpp"
#include "utf8.hpp"

namespace sandlog {
namespace detail {

// Reads the 4 hex digits at p (already known to be there and valid).
constexpr std::uint32_t read_hex4(const char* p) noexcept {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = v * 16u + static_cast<std::uint32_t>(hex_value(p[i]));
  return v;
}

// Decodes one escape at p (p[0] == '\\'; the escape was validated by the
// scanner, so it is complete) into out[0..4); advances p past it. A lone or
// mismatched UTF-16 surrogate becomes U+FFFD, as in Go's and JSON decoders.
constexpr std::size_t decode_escape(const char*& p, const char* end, char* out) noexcept {
  const char e = p[1];
  p += 2;
  switch (e) {
    case 'b': out[0] = '\b'; return 1;
    case 'f': out[0] = '\f'; return 1;
    case 'n': out[0] = '\n'; return 1;
    case 'r': out[0] = '\r'; return 1;
    case 't': out[0] = '\t'; return 1;
    case 'u': break;
    default: out[0] = e; return 1;  // '"', '\\', '/', '\''
  }
  std::uint32_t cp = read_hex4(p);
  p += 4;
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    // A high surrogate counts only with a low one right after it.
    if (end - p >= 6 && p[0] == '\\' && p[1] == 'u' && hex_value(p[2]) >= 0 &&
        hex_value(p[3]) >= 0 && hex_value(p[4]) >= 0 && hex_value(p[5]) >= 0) {
      const std::uint32_t low = read_hex4(p + 2);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        p += 6;
        return encode_utf8(0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00), out);
      }
    }
    cp = 0xFFFD;
  } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
    cp = 0xFFFD;
  }
  return encode_utf8(cp, out);
}

// Appends `value` between double quotes, escaping '"', '\\' and control bytes
// (\n, \r, \t, \b, \f, else \u00XX); other bytes are copied as they are.
template <class Out>
void append_quoted(Out& out, std::string_view value) {
  out.push_back('"');
  for (const char c : value) {
    const auto b = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (b < 0x20) {
      out.push_back('\\');
      switch (c) {
        case '\n': out.push_back('n'); break;
        case '\r': out.push_back('r'); break;
        case '\t': out.push_back('t'); break;
        case '\b': out.push_back('b'); break;
        case '\f': out.push_back('f'); break;
        default: {
          constexpr const char* hex = "0123456789abcdef";
          const char u[5] = {'u', '0', '0', hex[b >> 4], hex[b & 15]};
          out.append(u, 5);
        }
      }
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

}  // namespace detail
}  // namespace sandlog

#endif  // SANDLOG_DETAIL_JSON_ESCAPE_HPP
