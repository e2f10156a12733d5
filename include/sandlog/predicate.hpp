// sandlog: field predicates such as `latency_ms>250`, `level=error`,
// `dur>=1.5s`, `ts<2026-02-20T14:30:00Z`, parsed once and tested against
// records without allocating.
//
// The literal's kind decides how values compare (docs/logfmt.md):
//   "quoted"            string   (a quoted literal is always a string)
//   true, false         boolean  (= and != only; fields read with as_bool)
//   -12, 300            integer  (exact against integer fields)
//   12.5, 1e3           number   (exact mixed integer/double comparison)
//   1.5s, 2h45m         duration (Go syntax; "0" is an integer, write "0s")
//   2026-02-20T14:30Z   timestamp (RFC 3339, compared as instants)
//   anything else       string   (bytewise, after decoding escapes)
// A bare literal written like a timestamp (YYYY-MM-DDT…) or a duration
// (numbers and letters, one of them a unit: 1h30, 1d, 10m5x) that does not
// parse as one is an error, never a string: quote it for a string.
// A JSON number simdjson cannot hold (json_type::unrepresentable) satisfies
// no numeric comparison but compares as written with a quoted literal.
// A field whose value is not of the literal's kind does not satisfy the
// comparison. A record matches `key op literal` when some field named `key`
// satisfies it; it matches `key!=literal` when no field named `key` equals
// the literal (so a missing field, or one of another kind, matches !=).
#ifndef SANDLOG_PREDICATE_HPP
#define SANDLOG_PREDICATE_HPP

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "detail/digits.hpp"
#include "error.hpp"
#include "logfmt.hpp"
#include "timestamp.hpp"
#include "value.hpp"

namespace sandlog {

enum class compare_op : std::uint8_t { eq, ne, lt, le, gt, ge };
enum class literal_kind : std::uint8_t { string, boolean, integer, number, duration, timestamp };

// The operator as written: "=", "!=", "<", "<=", ">", ">=".
constexpr std::string_view to_string(compare_op op) noexcept {
  switch (op) {
    case compare_op::eq: return "=";
    case compare_op::ne: return "!=";
    case compare_op::lt: return "<";
    case compare_op::le: return "<=";
    case compare_op::gt: return ">";
    case compare_op::ge: return ">=";
  }
  return "=";
}

namespace detail {

// Three-way results; `unordered` when the field is not of the literal's kind.
inline constexpr int unordered = 2;

constexpr int three_way(std::int64_t a, std::int64_t b) noexcept { return a < b ? -1 : a > b; }

// Compares an int64 with a finite double exactly (no rounding of either).
inline int compare_int_double(std::int64_t i, double d) noexcept {
  if (d >= 9223372036854775808.0) return -1;  // 2^63
  if (d < -9223372036854775808.0) return 1;
  const double t = std::trunc(d);  // in [-2^63, 2^63): converts exactly
  const auto ti = static_cast<std::int64_t>(t);
  if (i != ti) return i < ti ? -1 : 1;
  const double frac = d - t;  // exact
  return frac > 0 ? -1 : frac < 0 ? 1 : 0;
}

template <class F, class = void>
struct has_compare_text : std::false_type {};
template <class F>
struct has_compare_text<F, std::void_t<decltype(std::declval<const F&>().compare_text(
                               std::string_view()))>> : std::true_type {};

constexpr bool is_predicate_space(char c) noexcept { return c == ' ' || c == '\t'; }

// A bare word written as a date and a time (YYYY-MM-DDT…): meant as a
// timestamp, so one that does not parse is an error, not a string.
constexpr bool looks_like_timestamp(std::string_view w) noexcept {
  if (w.size() < 11) return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (!is_digit(w[i])) return false;
  return w[4] == '-' && w[7] == '-' && (w[10] == 'T' || w[10] == 't');
}

constexpr bool is_duration_letter(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0x80;
}

// A bare word made of <decimal><letters> groups (perhaps a decimal after
// them) of which one names a Go duration unit or 'd': meant as a duration,
// so one that does not parse (1h30, 1d, 5m3x) is an error, not a string.
// Hex ids and versions (3f2a9c, 1.2.3) have no such group.
constexpr bool looks_like_duration(std::string_view w) noexcept {
  std::size_t i = 0;
  const std::size_t n = w.size();
  if (i < n && (w[i] == '+' || w[i] == '-')) ++i;
  bool unit = false;
  while (i < n) {
    const std::size_t start = i;
    while (i < n && is_digit(w[i])) ++i;
    if (i < n && w[i] == '.') ++i;
    while (i < n && is_digit(w[i])) ++i;
    if (i == start || (i - start == 1 && w[start] == '.')) return false;
    const std::size_t letters = i;
    while (i < n && is_duration_letter(w[i])) ++i;
    const std::string_view u = w.substr(letters, i - letters);
    if (u.empty()) return i == n && unit;  // a decimal last: 1h30
    unit = unit || find_duration_unit(u).coefficient != 0 || u == "d";
  }
  return unit;
}

}  // namespace detail

class field_predicate;
inline parse_result parse_predicate(std::string_view text, field_predicate& out);

// One parsed `key op literal`. Owns its text; testing never allocates.
// A default-constructed predicate is `=""` on an empty key (matches nothing
// a logfmt reader produces).
class field_predicate {
 public:
  const std::string& key() const noexcept { return key_; }
  compare_op op() const noexcept { return op_; }
  literal_kind kind() const noexcept { return kind_; }
  // The literal, decoded (without quotes); for a string, what fields compare with.
  const std::string& literal() const noexcept { return literal_; }

  // Whether one field's value satisfies `op literal` (its key is not
  // looked at). `Field` needs key(), text() or compare_text(), as_bool(),
  // as_int64(), as_double(), as_duration(), as_timestamp() — logfmt_field
  // and sandlog's JSON fields have them. Allocates nothing.
  template <class Field>
  bool test(const Field& field) const noexcept {
    const int c = compare(field);
    if (c == detail::unordered) return op_ == compare_op::ne;
    switch (op_) {
      case compare_op::eq: return c == 0;
      case compare_op::ne: return c != 0;
      case compare_op::lt: return c < 0;
      case compare_op::le: return c <= 0;
      case compare_op::gt: return c > 0;
      case compare_op::ge: return c >= 0;
    }
    return false;
  }

  // Whether a record matches. `for_each(visit)` must call visit(field) for
  // each field of the record in order and stop when visit returns true.
  template <class ForEach>
  bool matches_each(ForEach&& for_each) const {
    bool found = false;  // a field named key_ that is equal (for !=) or satisfies op
    const bool negated = op_ == compare_op::ne;
    for_each([&](const auto& field) -> bool {
      if (field.key() != std::string_view(key_)) return false;
      found = negated ? compare(field) == 0 : test(field);
      return found;
    });
    return negated ? !found : found;
  }

  // Whether the logfmt `message` matches. Fields after a syntax error in the
  // message are not seen. Allocates nothing.
  bool matches(std::string_view message) const noexcept {
    return matches_each([message](auto&& visit) {
      logfmt_reader reader(message);
      logfmt_field field;
      while (reader.next(field)) {
        if (visit(static_cast<const logfmt_field&>(field))) return;
      }
    });
  }

  // The predicate written back; parse_predicate reads it as an equal one.
  // Strings are always quoted. Allocates the result.
  std::string to_string() const {
    std::string out = key_;
    out.append(sandlog::to_string(op_).data(), sandlog::to_string(op_).size());
    if (kind_ == literal_kind::string) {
      detail::append_quoted(out, literal_);
    } else {
      out += literal_;
    }
    return out;
  }

  friend bool operator==(const field_predicate& a, const field_predicate& b) noexcept {
    return a.key_ == b.key_ && a.op_ == b.op_ && a.kind_ == b.kind_ && a.literal_ == b.literal_;
  }
  friend bool operator!=(const field_predicate& a, const field_predicate& b) noexcept {
    return !(a == b);
  }

 private:
  friend parse_result parse_predicate(std::string_view text, field_predicate& out);

  // <0, 0, >0 comparing the field with the literal, or detail::unordered.
  template <class Field>
  int compare(const Field& field) const noexcept {
    switch (kind_) {
      case literal_kind::string:
        if constexpr (detail::has_compare_text<Field>::value) {
          return field.compare_text(literal_);
        } else {
          const int c = field.text().compare(literal_);
          return c < 0 ? -1 : c > 0 ? 1 : 0;
        }
      case literal_kind::boolean: {
        const auto b = field.as_bool();
        if (!b) return detail::unordered;
        return b.value == boolean_ ? 0 : 1;
      }
      case literal_kind::integer:
      case literal_kind::number: {
        const auto i = field.as_int64();
        if (i) {
          return kind_ == literal_kind::integer ? detail::three_way(i.value, integer_)
                                                : detail::compare_int_double(i.value, number_);
        }
        const auto d = field.as_double();
        if (!d || !std::isfinite(d.value)) return detail::unordered;
        if (kind_ == literal_kind::integer) return -detail::compare_int_double(integer_, d.value);
        return d.value < number_ ? -1 : d.value > number_ ? 1 : 0;
      }
      case literal_kind::duration: {
        const auto v = field.as_duration();
        if (!v) return detail::unordered;
        return detail::three_way(v.value, integer_);
      }
      case literal_kind::timestamp: {
        const auto t = field.as_timestamp();
        if (!t) return detail::unordered;
        return t.value < time_ ? -1 : time_ < t.value ? 1 : 0;
      }
    }
    return detail::unordered;
  }

  std::string key_;
  std::string literal_;
  compare_op op_ = compare_op::eq;
  literal_kind kind_ = literal_kind::string;
  bool boolean_ = false;
  std::int64_t integer_ = 0;  // integer, or duration in nanoseconds
  double number_ = 0;
  timestamp time_{};
};

// Parses `key op literal`, e.g. `status>=500`, `msg="request done"`,
// `dur < 1.5s`. Spaces or tabs may surround the operator and the whole. The
// key is one or more bytes > 0x20 other than = ! < > " (valid UTF-8); the
// operator is = (or ==), !=, <, <=, >, >=; the literal is a quoted string
// (logfmt escapes) or a bare word without spaces, classified as the header
// comment says. Errors: bad_predicate (ptr at the offending byte),
// bad_escape and unterminated_quote inside a quoted literal, out_of_range
// for a number or duration literal too large. On error `out` is unchanged.
// Allocates the key and literal.
inline parse_result parse_predicate(std::string_view text, field_predicate& out) {
  const char* p = text.data();
  const char* const end = p + text.size();
  auto skip_space = [&] {
    while (p != end && detail::is_predicate_space(*p)) ++p;
  };
  skip_space();
  const char* const key_start = p;
  while (p != end) {
    const auto c = static_cast<unsigned char>(*p);
    if (c <= 0x20 || c == '=' || c == '!' || c == '<' || c == '>' || c == '"') break;
    if (c < 0x80) {
      ++p;
      continue;
    }
    const std::size_t n = detail::utf8_sequence_length(p, end);
    if (n == 0) return {p, error::bad_predicate};
    p += n;
  }
  if (p == key_start) return {p, error::bad_predicate};
  const std::string_view key(key_start, static_cast<std::size_t>(p - key_start));
  skip_space();
  if (p == end) return {p, error::bad_predicate};
  const char* const op_at = p;
  compare_op op = compare_op::eq;
  const bool two = end - p >= 2 && p[1] == '=';
  switch (*p) {
    case '=': op = compare_op::eq; break;
    case '!':
      if (!two) return {p, error::bad_predicate};
      op = compare_op::ne;
      break;
    case '<': op = two ? compare_op::le : compare_op::lt; break;
    case '>': op = two ? compare_op::ge : compare_op::gt; break;
    default: return {p, error::bad_predicate};
  }
  p += two ? 2 : 1;
  skip_space();

  field_predicate result;
  result.op_ = op;
  const char* const literal_at = p;
  if (p != end && *p == '"') {
    bool escaped = false;
    const parse_result q = detail::scan_quoted(p, end, escaped);
    if (!q) return q;
    const logfmt_field decoded(key, std::string_view(p + 1, static_cast<std::size_t>(q.ptr - p - 1)),
                               logfmt_value_kind::quoted, escaped);
    result.literal_.resize(decoded.text().size());
    const auto v = decoded.value(&result.literal_[0], result.literal_.size());
    result.literal_.assign(v.value.data(), v.value.size());  // always fits
    p = q.ptr + 1;
    result.kind_ = literal_kind::string;
  } else {
    p = detail::find_separator(p, end);
    const std::string_view bare(literal_at, static_cast<std::size_t>(p - literal_at));
    result.literal_.assign(bare.data(), bare.size());
    result.kind_ = literal_kind::string;
    if (bare == "true" || bare == "false") {
      result.kind_ = literal_kind::boolean;
      result.boolean_ = bare == "true";
    } else if (const auto i = parse_int64(bare)) {
      result.kind_ = literal_kind::integer;
      result.integer_ = i.value;
    } else if (const auto d = parse_double(bare)) {
      result.kind_ = literal_kind::number;
      result.number_ = d.value;
    } else if (d.ec == error::out_of_range) {
      return {literal_at, error::out_of_range};
    } else if (const auto n = parse_duration(bare)) {
      result.kind_ = literal_kind::duration;
      result.integer_ = n.value;
    } else if (n.ec == error::out_of_range) {
      return {literal_at, error::out_of_range};
    } else if (const auto t = parse_timestamp_value(bare)) {
      result.kind_ = literal_kind::timestamp;
      result.time_ = t.value;
    } else if (detail::looks_like_timestamp(bare)) {
      return {literal_at, t.ec};
    } else if (detail::looks_like_duration(bare)) {
      return {literal_at, error::bad_duration};
    }
  }
  skip_space();
  if (p != end) return {p, error::bad_predicate};
  if (result.kind_ == literal_kind::boolean && op != compare_op::eq && op != compare_op::ne)
    return {op_at, error::bad_predicate};
  result.key_.assign(key.data(), key.size());
  out = std::move(result);
  return {p, error::ok};
}

}  // namespace sandlog

#endif  // SANDLOG_PREDICATE_HPP
