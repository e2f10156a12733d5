// sandlog: logfmt messages (`level=info msg="request done" latency_ms=12.5`)
// read as zero-copy key/value fields, with typed conversions.
//
// Grammar (docs/logfmt.md explains each choice and how go-logfmt and others
// differ):
//   message = *sep [ pair *( 1*sep pair ) ] *sep
//   sep     = any byte <= 0x20            (space, tab, CR, LF, other controls)
//   pair    = key [ "=" [ value ] ]       (`flag` and `key=` are both valid)
//   key     = 1*( any byte > 0x20 except '=' and '"' ), valid UTF-8 without U+FFFD
//   value   = quoted / bare
//   bare    = 1*( any byte > 0x20 ) not starting with '"'   ('=' and '"' allowed inside)
//   quoted  = '"' *( any byte except '"' and '\' / escape ) '"'  then sep or end
//   escape  = '\' ( '"' / '\' / '/' / "'" / 'b' / 'f' / 'n' / 'r' / 't' / 'u' 4HEXDIG )
// Escapes are checked while iterating and decoded only on request.
#ifndef SANDLOG_LOGFMT_HPP
#define SANDLOG_LOGFMT_HPP

#include <fast_float/fast_float.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <system_error>
#include <utility>

#include "config.hpp"
#include "error.hpp"
#include "timestamp.hpp"
#include "value.hpp"

namespace sandlog {

// How parse_double treats "nan", "inf" and "infinity" (any case, optional
// sign): rejected as error::bad_number unless allowed.
struct double_options {
  bool allow_nan_inf = false;
};

// Parses the whole of `text` as a decimal double with fast_float (correctly
// rounded): an optional '+' or '-', digits with an optional '.' and exponent.
// Not a number or trailing bytes: error::bad_number. A finite literal too
// large for a double ("1e400") is error::out_of_range with value ±inf; one too
// small rounds to (signed) zero or a denormal without error. Allocates nothing.
inline value_result<double> parse_double(std::string_view text,
                                         double_options options = {}) noexcept {
  const char* p = text.data();
  const char* const end = p + text.size();
  if (p != end && *p == '+') {
    ++p;  // fast_float follows from_chars and takes only '-'
    if (p != end && *p == '-') return {0.0, error::bad_number};
  }
  double v = 0;
  const fast_float::from_chars_result r = fast_float::from_chars(p, end, v);
  if (r.ec != std::errc() || r.ptr != end) return {0.0, error::bad_number};
  if (SANDLOG_LIKELY(std::isfinite(v))) return {v, error::ok};
  const char first = *p == '-' ? p[1] : *p;  // from_chars consumed a sign only before more
  const bool spelled = first == 'n' || first == 'N' || first == 'i' || first == 'I';
  if (!spelled) return {v, error::out_of_range};
  if (!options.allow_nan_inf) return {0.0, error::bad_number};
  return {v, error::ok};
}

// What follows a key.
enum class logfmt_value_kind : std::uint8_t {
  none,    // `flag`: a key alone
  bare,    // `key=value`, and `key=` (an empty bare value)
  quoted,  // `key="value"`
};

namespace detail {

constexpr int hex_value(char c) noexcept {
  return c >= '0' && c <= '9'   ? c - '0'
         : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                : -1;
}

// Reads the 4 hex digits at p (already known to be there and valid).
constexpr std::uint32_t read_hex4(const char* p) noexcept {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = v * 16u + static_cast<std::uint32_t>(hex_value(p[i]));
  return v;
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

// True when the n-byte sequence at p is U+FFFD. A key holding it is rejected
// like invalid UTF-8, as go-logfmt does: it is what a transport that repairs
// UTF-8 (Docker's json-file, for one) makes of invalid bytes, so the key is
// judged the same read raw or repaired; go-logfmt's encoder refuses such a key.
constexpr bool is_replacement_character(const char* p, std::size_t n) noexcept {
  return n == 3 && p[0] == '\xEF' && p[1] == '\xBF' && p[2] == '\xBD';
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && \
    (defined(__GNUC__) || defined(__clang__))
#define SANDLOG_LOGFMT_SWAR 1
#else
#define SANDLOG_LOGFMT_SWAR 0
#endif

constexpr std::uint64_t ones8 = 0x0101010101010101ull;
constexpr std::uint64_t highs8 = 0x8080808080808080ull;

// The first byte in [p, end) that is <= 0x20, or end. Eight bytes at a time
// where eight remain (never reading past end), then byte by byte.
SANDLOG_FORCE_INLINE const char* find_separator(const char* p, const char* end) noexcept {
#if SANDLOG_LOGFMT_SWAR
  while (end - p >= 8) {
    std::uint64_t x;
    std::memcpy(&x, p, 8);
    // A high bit marks the bytes below 0x21 (and, through borrows, possibly
    // bytes after the first such byte: only the lowest mark is trusted).
    const std::uint64_t m = (x - ones8 * 0x21) & ~x & highs8;
    if (m != 0) return p + (__builtin_ctzll(m) >> 3);
    p += 8;
  }
#endif
  while (p != end && static_cast<unsigned char>(*p) > 0x20) ++p;
  return p;
}

// The first '"' or '\\' in [p, end), or end; the same reading discipline.
SANDLOG_FORCE_INLINE const char* find_quote_or_backslash(const char* p, const char* end) noexcept {
#if SANDLOG_LOGFMT_SWAR
  while (end - p >= 8) {
    std::uint64_t x;
    std::memcpy(&x, p, 8);
    const std::uint64_t q = x ^ (ones8 * '"');
    const std::uint64_t b = x ^ (ones8 * '\\');
    const std::uint64_t m = ((q - ones8) & ~q & highs8) | ((b - ones8) & ~b & highs8);
    if (m != 0) return p + (__builtin_ctzll(m) >> 3);
    p += 8;
  }
#endif
  while (p != end && *p != '"' && *p != '\\') ++p;
  return p;
}

// Scans the quoted value whose opening quote is at `open`, checking each
// escape. On success ptr is the closing quote and `escaped` tells whether a
// backslash was seen; on failure ptr is the opening quote (unterminated) or
// the backslash (bad escape).
inline parse_result scan_quoted(const char* open, const char* end, bool& escaped) noexcept {
  const char* p = open + 1;
  for (;;) {
    p = find_quote_or_backslash(p, end);
    if (p == end) return {open, error::unterminated_quote};
    if (*p == '"') return {p, error::ok};
    escaped = true;
    if (end - p < 2) return {open, error::unterminated_quote};
    switch (p[1]) {
      case '"': case '\\': case '/': case '\'': case 'b': case 'f': case 'n': case 'r': case 't':
        p += 2;
        continue;
      case 'u':
        if (end - p >= 6 && hex_value(p[2]) >= 0 && hex_value(p[3]) >= 0 &&
            hex_value(p[4]) >= 0 && hex_value(p[5]) >= 0) {
          p += 6;
          continue;
        }
        return {p, error::bad_escape};
      default:
        return {p, error::bad_escape};
    }
  }
}

}  // namespace detail

// One key/value pair of a logfmt message. key() and text() view the message
// and live as long as it does. Copyable, trivially destructible.
class logfmt_field {
 public:
  constexpr logfmt_field() noexcept = default;
  constexpr logfmt_field(std::string_view key, std::string_view text, logfmt_value_kind kind,
                         bool escaped) noexcept
      : key_(key), text_(text), kind_(kind), escaped_(escaped) {}

  // The key as written (keys have no escapes).
  constexpr std::string_view key() const noexcept { return key_; }
  // The value as written, without its quotes and with escapes NOT decoded;
  // empty for `flag`, `key=` and `key=""`.
  constexpr std::string_view text() const noexcept { return text_; }
  constexpr logfmt_value_kind kind() const noexcept { return kind_; }
  constexpr bool has_value() const noexcept { return kind_ != logfmt_value_kind::none; }
  constexpr bool quoted() const noexcept { return kind_ == logfmt_value_kind::quoted; }
  // True when text() holds a backslash escape, so value() must decode.
  constexpr bool escaped() const noexcept { return escaped_; }

  // The decoded value. Without escapes it is text() itself (nothing copied,
  // `buffer` untouched). Otherwise the escapes are decoded into
  // buffer[0..capacity) and the view points there; text().size() bytes
  // always suffice (decoding never grows). If `capacity` is too small the
  // result is error::out_of_range with an empty view, and the buffer holds
  // an unspecified prefix. Allocates nothing.
  constexpr value_result<std::string_view> value(char* buffer, std::size_t capacity) const noexcept {
    if (!escaped_) return {text_, error::ok};
    const char* p = text_.data();
    const char* const end = p + text_.size();
    std::size_t n = 0;
    while (p != end) {
      if (*p != '\\') {
        if (n == capacity) return {std::string_view(), error::out_of_range};
        buffer[n++] = *p++;
        continue;
      }
      char tmp[4] = {};
      const std::size_t k = detail::decode_escape(p, end, tmp);
      if (capacity - n < k) return {std::string_view(), error::out_of_range};
      for (std::size_t i = 0; i < k; ++i) buffer[n++] = tmp[i];
    }
    return {std::string_view(buffer, n), error::ok};
  }

  // Compares the decoded value with `s` byte by byte, like
  // std::string_view::compare (<0, 0, >0), decoding escapes on the fly.
  // Allocates nothing.
  constexpr int compare_text(std::string_view s) const noexcept {
    if (!escaped_) {
      const int c = text_.compare(s);
      return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    const char* p = text_.data();
    const char* const end = p + text_.size();
    std::size_t i = 0;
    while (p != end) {
      char tmp[4] = {*p, 0, 0, 0};
      std::size_t k = 1;
      if (*p == '\\') {
        k = detail::decode_escape(p, end, tmp);
      } else {
        ++p;
      }
      for (std::size_t j = 0; j < k; ++j, ++i) {
        if (i == s.size()) return 1;
        const auto a = static_cast<unsigned char>(tmp[j]);
        const auto b = static_cast<unsigned char>(s[i]);
        if (a != b) return a < b ? -1 : 1;
      }
    }
    return i == s.size() ? 0 : -1;
  }

  // Typed views of the decoded value; see value.hpp and parse_double for the
  // accepted forms and errors. None allocates.
  value_result<double> as_double(double_options options = {}) const noexcept {
    return with_decoded(error::bad_number,
                        [options](std::string_view t) { return parse_double(t, options); });
  }
  value_result<std::int64_t> as_int64() const noexcept {
    return with_decoded(error::bad_number, [](std::string_view t) { return parse_int64(t); });
  }
  value_result<bool> as_bool() const noexcept {
    return with_decoded(error::bad_bool, [](std::string_view t) { return parse_bool(t); });
  }
  value_result<std::int64_t> as_duration() const noexcept {
    return with_decoded(error::bad_duration,
                        [](std::string_view t) { return parse_duration(t); });
  }
  value_result<timestamp> as_timestamp(timestamp_options options = {}) const noexcept {
    return with_decoded(error::bad_separator, [options](std::string_view t) {
      return parse_timestamp_value(t, options);
    });
  }

 private:
  // Runs `convert` on the decoded text. Typed values are short, so an
  // escaped one is decoded on the stack; one too long to be any typed value
  // fails with `too_long`.
  template <class Convert>
  auto with_decoded(error too_long, Convert convert) const noexcept -> decltype(convert(std::string_view())) {
    if (SANDLOG_LIKELY(!escaped_)) return convert(text_);
    char buffer[64];
    const auto decoded = value(buffer, sizeof buffer);
    if (!decoded) {
      decltype(convert(std::string_view())) failed{};
      failed.ec = too_long;
      return failed;
    }
    return convert(decoded.value);
  }

  std::string_view key_;
  std::string_view text_;
  logfmt_value_kind kind_ = logfmt_value_kind::none;
  bool escaped_ = false;
};

// Iterates the fields of one logfmt message, left to right, duplicates kept.
// The message must outlive the reader and the fields. Allocates nothing and
// never reads outside the message.
//
//   sandlog::logfmt_reader reader(line);
//   sandlog::logfmt_field f;
//   while (reader.next(f)) use(f.key(), f.text());
//   if (reader.ec() != sandlog::error::ok) report(reader.ec(), reader.error_offset());
class logfmt_reader {
 public:
  constexpr explicit logfmt_reader(std::string_view message) noexcept
      : first_(message.data()), p_(message.data()), end_(message.data() + message.size()) {}

  // Stores the next field in `out` and returns true; returns false at the end
  // of the message or at the first error (ec() tells which), and then keeps
  // returning false. Fields returned before an error are valid.
  inline bool next(logfmt_field& out) noexcept;

  // error::ok at the end of a well-formed message; else what was wrong:
  // bad_key (empty key, '"' in a key, invalid UTF-8 or U+FFFD in a key),
  // unterminated_quote, bad_escape, missing_space (a closing quote followed
  // by something other than a separator).
  constexpr error ec() const noexcept { return ec_; }
  // The byte offset in the message of the error: the offending byte of a
  // key, the '=' of an empty key, the opening quote of an unterminated
  // value, the backslash of a bad escape, the byte after a closing quote.
  constexpr std::size_t error_offset() const noexcept {
    return static_cast<std::size_t>(p_ - first_);
  }
  // Where reading stopped and why, like from_chars: on success the end.
  constexpr parse_result result() const noexcept { return {p_, ec_}; }

 private:
  bool fail(const char* at, error e) noexcept {
    p_ = at;
    ec_ = e;
    done_ = true;
    return false;
  }

  const char* first_;
  const char* p_;
  const char* end_;
  error ec_ = error::ok;
  bool done_ = false;
};

inline bool logfmt_reader::next(logfmt_field& out) noexcept {
  if (done_) return false;
  const char* p = p_;
  const char* const end = end_;
  while (p != end && static_cast<unsigned char>(*p) <= 0x20) ++p;
  if (p == end) {
    p_ = p;
    done_ = true;
    return false;
  }
  const char* const key_start = p;
  while (p != end) {
    const auto c = static_cast<unsigned char>(*p);
    if (c <= 0x20 || c == '=') break;
    if (c == '"') return fail(p, error::bad_key);
    if (c < 0x80) {
      ++p;
      continue;
    }
    const std::size_t n = detail::utf8_sequence_length(p, end);
    if (n == 0 || detail::is_replacement_character(p, n)) return fail(p, error::bad_key);
    p += n;
  }
  if (p == key_start) return fail(p, error::bad_key);  // "=value"
  const std::string_view key(key_start, static_cast<std::size_t>(p - key_start));
  if (p == end || *p != '=') {
    out = logfmt_field(key, std::string_view(), logfmt_value_kind::none, false);
    p_ = p;
    return true;
  }
  ++p;  // '='
  if (p == end || *p != '"') {
    const char* const value_end = detail::find_separator(p, end);
    out = logfmt_field(key, std::string_view(p, static_cast<std::size_t>(value_end - p)),
                       logfmt_value_kind::bare, false);
    p_ = value_end;
    return true;
  }
  const char* const open = p;
  bool escaped = false;
  const parse_result q = detail::scan_quoted(open, end, escaped);
  if (!q) return fail(q.ptr, q.ec);
  p = q.ptr;
  const std::string_view text(open + 1, static_cast<std::size_t>(p - open - 1));
  ++p;  // closing quote
  if (p != end && static_cast<unsigned char>(*p) > 0x20) return fail(p, error::missing_space);
  out = logfmt_field(key, text, logfmt_value_kind::quoted, escaped);
  p_ = p;
  return true;
}

// Calls sink(const logfmt_field&) for each field of `message` in order, and
// returns the reader's result: error::ok with ptr at the end, or the first
// error and where it is (the fields before it have been delivered).
// Allocates nothing.
template <class Sink>
parse_result parse_logfmt(std::string_view message, Sink&& sink) noexcept(
    noexcept(sink(std::declval<const logfmt_field&>()))) {
  logfmt_reader reader(message);
  logfmt_field field;
  while (reader.next(field)) sink(static_cast<const logfmt_field&>(field));
  return reader.result();
}



namespace detail {

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

// Appends `value` (decoded bytes) to `out` as a logfmt value: bare when that
// is safe, else quoted with '"', '\\' and control bytes escaped. Quotes an
// empty value and one holding a byte <= 0x20, '"', '=' or '\\' (so stricter
// readers such as go-logfmt read it back too). `Out` is any string type with
// push_back(char) and append(const char*, size_t). Allocates only in `out`.
template <class Out>
void append_logfmt_value(Out& out, std::string_view value) {
  bool quote = value.empty();
  for (const char c : value) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == '"' || c == '=' || c == '\\') quote = true;
  }
  if (quote) {
    detail::append_quoted(out, value);
  } else {
    out.append(value.data(), value.size());
  }
}

}  // namespace sandlog

#endif  // SANDLOG_LOGFMT_HPP
