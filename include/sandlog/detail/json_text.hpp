// sandlog: JSON text without a parser — whitespace, the extent of a value,
// and a number's exact integer value. The walkers run over documents
// simdjson has validated (followed by zeroed padding), to find where each
// value's bytes are, which simdjson's DOM does not keep.
#ifndef SANDLOG_DETAIL_JSON_TEXT_HPP
#define SANDLOG_DETAIL_JSON_TEXT_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>

#include "../config.hpp"
#include "../error.hpp"
#include "../value.hpp"
#include "digits.hpp"
#include "saturating.hpp"

namespace sandlog {
namespace detail {

// Whether a member name `key` matches `name` (lower-case ASCII letters) the
// way Go's encoding/json matches names to struct fields: ASCII case folded,
// and the two non-ASCII characters that fold to ASCII letters, U+017F LATIN
// SMALL LETTER LONG S to 's' and U+212A KELVIN SIGN to 'k'.
constexpr bool go_json_name_is(std::string_view key, std::string_view name) noexcept {
  if (key == name) return true;  // what writers send
  std::size_t i = 0;
  for (const char n : name) {
    if (i == key.size()) return false;
    if (key[i] == n || key[i] == static_cast<char>(n - ('a' - 'A'))) {
      ++i;
    } else if (n == 's' && key.substr(i, 2) == "\xC5\xBF") {
      i += 2;
    } else if (n == 'k' && key.substr(i, 3) == "\xE2\x84\xAA") {
      i += 3;
    } else {
      return false;
    }
  }
  return i == key.size();
}

constexpr int json_hex(char c) noexcept {
  return c >= '0' && c <= '9'   ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                : -1;
}

// The code unit of the \uXXXX escape at p, or -1 when [p, end) does not
// start with one.
constexpr long json_u_escape(const char* p, const char* end) noexcept {
  if (end - p < 6 || p[0] != '\\' || p[1] != 'u') return -1;
  long v = 0;
  for (int i = 2; i < 6; ++i) {
    const int h = json_hex(p[i]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

// Rewrites, in place, each \uD800-\uDFFF escape that is not half of a
// high-low pair into \uFFFD (the same six bytes), as Go's decoder reads it.
// A backslash is only valid inside a string, where it starts an escape of
// two or more bytes, so a plain walk from escape to escape stays in step.
// Returns whether anything was rewritten.
inline bool replace_lone_surrogates(char* p, const char* end) noexcept {
  bool changed = false;
  while (true) {
    p = static_cast<char*>(std::memchr(p, '\\', static_cast<std::size_t>(end - p)));
    if (p == nullptr || end - p < 2) return changed;
    const long unit = json_u_escape(p, end);
    if (unit < 0xD800 || unit > 0xDFFF) {
      p += unit < 0 ? 2 : 6;
      continue;
    }
    const long next = json_u_escape(p + 6, end);
    if (unit <= 0xDBFF && next >= 0xDC00 && next <= 0xDFFF) {
      p += 12;  // a pair: one code point
      continue;
    }
    std::memcpy(p + 2, "fffd", 4);
    changed = true;
    p += 6;
  }
}

constexpr bool is_json_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Whether [p, p + n) is one number as RFC 8259 writes it: -?int frac? exp?.
constexpr bool is_json_number(const char* p, std::size_t n) noexcept {
  std::size_t i = 0;
  auto digit = [&](std::size_t k) { return k < n && is_digit(p[k]); };
  if (i < n && p[i] == '-') ++i;
  if (!digit(i)) return false;
  if (p[i] == '0') {
    ++i;
  } else {
    while (digit(i)) ++i;
  }
  if (i < n && p[i] == '.') {
    if (!digit(++i)) return false;
    while (digit(i)) ++i;
  }
  if (i < n && (p[i] == 'e' || p[i] == 'E')) {
    ++i;
    if (i < n && (p[i] == '+' || p[i] == '-')) ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  return i == n;
}

// Calls f(first, size) for each run of bytes outside strings in [p, end)
// that starts with '-' or a digit and ends before a delimiter (',', '}',
// ']', whitespace): the number tokens of a JSON text. Strings are skipped
// escape by escape, so the walk needs no valid document (a string the text
// ends inside ends the walk); on the error path only.
template <class F>
inline void for_each_number_token(char* p, const char* end, F&& f) {
  while (p != end) {
    const char c = *p;
    if (c == '"') {
      for (++p; p != end && *p != '"'; ++p)
        if (*p == '\\' && ++p == end) return;
      if (p == end) return;
      ++p;
    } else if (c == '-' || is_digit(c)) {
      char* const first = p;
      while (p != end && *p != ',' && *p != '}' && *p != ']' && !is_json_space(*p)) ++p;
      f(first, static_cast<std::size_t>(p - first));
    } else {
      ++p;
    }
  }
}

// One past the end of the object or array that starts at p (which must be '{'
// or '['), or nullptr if it does not close before `end`. Only brackets and
// strings are followed; used to tell trailing bytes from a broken document,
// on the error path only.
inline const char* container_end(const char* p, const char* end) noexcept {
  std::size_t depth = 0;
  bool in_string = false;
  for (; p != end; ++p) {
    const char c = *p;
    if (in_string) {
      if (c == '\\') {
        if (++p == end) return nullptr;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth == 0 || --depth == 0) return p + 1;
    }
  }
  return nullptr;
}

// The exact int64 value of `text`, a valid JSON number, or bad_number when it
// is not an integer (1.5, 1e-3), or out_of_range (value saturated) when it is
// an integer beyond int64. "1.0", "1e2" and "-0" are integers. Decimal
// arithmetic on the digits: no rounding through double.
constexpr value_result<std::int64_t> json_number_to_int64(std::string_view text) noexcept {
  const char* p = text.data();
  const char* const end = p + text.size();
  const bool negative = p != end && *p == '-';
  if (negative) ++p;
  const char* const int_first = p;
  while (p != end && is_digit(*p)) ++p;
  const char* const int_last = p;
  const char* frac_first = p;
  const char* frac_last = p;
  if (p != end && *p == '.') {
    frac_first = ++p;
    while (p != end && is_digit(*p)) ++p;
    frac_last = p;
  }
  long exponent = 0;  // saturated far beyond any int64 digit count
  if (p != end && (*p == 'e' || *p == 'E')) {
    ++p;
    bool exponent_negative = false;
    if (p != end && (*p == '-' || *p == '+')) exponent_negative = *p++ == '-';
    for (; p != end && is_digit(*p); ++p)
      if (exponent < 1000000) exponent = exponent * 10 + (*p - '0');
    if (exponent_negative) exponent = -exponent;
  }
  if (int_first == int_last && frac_first == frac_last) return {0, error::bad_number};
  const long int_digits = int_last - int_first;
  const long digits = int_digits + (frac_last - frac_first);
  // Digit i (of the integer digits followed by the fraction digits) has
  // weight 10^(point - 1 - i).
  const long point = int_digits + exponent;
  decimal_accumulator magnitude(negative ? int64_magnitude_limit : int64_magnitude_limit - 1u);
  for (long i = 0; i < digits; ++i) {
    const char c = i < int_digits ? int_first[i] : frac_first[i - int_digits];
    const unsigned d = digit_value(c);
    if (i >= point) {
      if (d != 0) return {0, error::bad_number};
      continue;
    }
    magnitude.push(d);
  }
  for (long i = digits; i < point && magnitude.value != 0 && !magnitude.overflow; ++i)
    magnitude.push(0);
  if (magnitude.overflow) {
    return {negative ? std::numeric_limits<std::int64_t>::min()
                     : std::numeric_limits<std::int64_t>::max(),
            error::out_of_range};
  }
  return {apply_sign(magnitude.value, negative), error::ok};
}

// Walkers over a document simdjson has validated, followed by zeroed
// padding: they find where each value's bytes are, which the DOM does not
// keep. Never used on unvalidated bytes.
inline const char* skip_json_space(const char* p) noexcept {
  while (is_json_space(*p)) ++p;
  return p;
}

// p is at the opening quote of a string that closes before `end`; returns
// one past the closing quote: the first '"' preceded by an even run of
// backslashes.
inline const char* skip_json_string(const char* p, const char* end) noexcept {
  for (const char* q = p + 1;;) {
    q = static_cast<const char*>(std::memchr(q, '"', static_cast<std::size_t>(end - q)));
    const char* b = q;
    while (b[-1] == '\\') --b;
    if (((q - b) & 1) == 0) return q + 1;
    ++q;
  }
}

// p is at the first byte of a value that ends before `end`; returns one past
// its last byte.
inline const char* skip_json_value(const char* p, const char* end) noexcept {
  if (*p == '"') return skip_json_string(p, end);
  if (*p == '{' || *p == '[') {
    std::size_t depth = 0;
    for (;;) {
      const char c = *p;
      if (c == '"') {
        p = skip_json_string(p, end);
        continue;
      }
      ++p;
      if (c == '{' || c == '[') {
        ++depth;
      } else if ((c == '}' || c == ']') && --depth == 0) {
        return p;
      }
    }
  }
  while (*p != ',' && *p != '}' && *p != ']' && !is_json_space(*p) && *p != '\0') ++p;
  return p;
}

}  // namespace detail
}  // namespace sandlog

#endif  // SANDLOG_DETAIL_JSON_TEXT_HPP
