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
#include "detail/digits.hpp"
#include "detail/json_escape.hpp"
#include "detail/sink.hpp"
#include "detail/swar.hpp"
#include "detail/utf8.hpp"
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

// The first byte in [p, end) that is <= 0x20, or end. Eight bytes at a time
// where eight remain (never reading past end), then byte by byte.
SANDLOG_FORCE_INLINE const char* find_separator(const char* p, const char* end) noexcept {
  while (end - p >= 8) {
    const std::uint64_t m = bytes_below(load8(p), 0x21);
    if (m != 0) return p + first_marked(m);
    p += 8;
  }
  while (p != end && static_cast<unsigned char>(*p) > 0x20) ++p;
  return p;
}

// The first '"' or '\\' in [p, end), or end; the same reading discipline.
SANDLOG_FORCE_INLINE const char* find_quote_or_backslash(const char* p, const char* end) noexcept {
  while (end - p >= 8) {
    const std::uint64_t x = load8(p);
    const std::uint64_t m = bytes_equal(x, '"') | bytes_equal(x, '\\');
    if (m != 0) return p + first_marked(m);
    p += 8;
  }
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
// error and where it is (the fields before it have been delivered). The sink
// may return void or an error: one other than error::ok stops the walk and
// is returned, with ptr at the key of the field it was given. Allocates
// nothing.
template <class Sink>
parse_result parse_logfmt(std::string_view message, Sink&& sink) noexcept(
    noexcept(sink(std::declval<const logfmt_field&>()))) {
  logfmt_reader reader(message);
  logfmt_field field;
  while (reader.next(field)) {
    const error e = detail::call_sink(sink, static_cast<const logfmt_field&>(field));
    if (e != error::ok) return {field.key().data(), e};
  }
  return reader.result();
}

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
