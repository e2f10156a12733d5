// sandlog: json_field, one top-level member of a JSON log message with typed
// conversions, as event_decoder::for_each_field hands it out. Public names
// of json.hpp, which includes this header; needs no simdjson itself.
#ifndef SANDLOG_DETAIL_JSON_FIELD_HPP
#define SANDLOG_DETAIL_JSON_FIELD_HPP

#include <cstdint>
#include <limits>
#include <string_view>

#include "../config.hpp"
#include "../error.hpp"
#include "../value.hpp"
#include "../vocabulary.hpp"
#include "json_text.hpp"

namespace sandlog {

// The JSON type of a field of a JSON log message.
enum class json_type : std::uint8_t {
  null,
  boolean,
  integer,  // a number without fraction or exponent (int64 or uint64 range)
  number,   // a number with a fraction or an exponent
  string,
  object,
  array,
  // A number valid in JSON that simdjson cannot hold: an integer outside
  // [-2^63, 2^64), a magnitude beyond double's (1e999). It is kept, as
  // written, so that it never hides the message's other fields; no numeric
  // conversion succeeds (error::out_of_range).
  unrepresentable,
};

// One top-level member of a JSON log message, with the same interface as
// logfmt_field, so field_predicate tests it unchanged. key() and text() view
// the event_decoder and live until its next decode call. Copyable, trivially
// destructible.
class json_field {
 public:
  constexpr json_field() noexcept = default;

  // The key, unescaped.
  constexpr std::string_view key() const noexcept { return key_; }
  constexpr json_type type() const noexcept { return type_; }
  // A string's value, unescaped; for any other type the JSON text as written
  // in the message (`42`, `1.50`, `true`, `null`, `{"a": [1, 2]}`, nested
  // whitespace included).
  constexpr std::string_view text() const noexcept { return text_; }

  // text() compared with `s` like std::string_view::compare, as -1, 0 or 1.
  constexpr int compare_text(std::string_view s) const noexcept {
    const int c = text_.compare(s);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }

  // true or false. Any other type (the string "true" too):
  // error::json_wrong_type.
  constexpr value_result<bool> as_bool() const noexcept {
    if (type_ != json_type::boolean) return {false, error::json_wrong_type};
    return {boolean_, error::ok};
  }
  // A number's exact integer value: "1.0" and "1e2" are integers, "1.5" is
  // error::bad_number, beyond int64 is error::out_of_range (saturated).
  // Other types: error::json_wrong_type.
  constexpr value_result<std::int64_t> as_int64() const noexcept {
    if (type_ == json_type::integer) {
      if (fits_int64_) return {integer_, error::ok};
      return {std::numeric_limits<std::int64_t>::max(), error::out_of_range};
    }
    if (type_ == json_type::number || type_ == json_type::unrepresentable)
      return detail::json_number_to_int64(text_);
    return {0, error::json_wrong_type};
  }
  // A number as simdjson parsed it (correctly rounded; integers beyond 2^53
  // round; "-0" is +0). An unrepresentable number: error::out_of_range
  // (value 0). Other types: error::json_wrong_type.
  constexpr value_result<double> as_double() const noexcept {
    if (type_ == json_type::unrepresentable) return {0.0, error::out_of_range};
    if (type_ != json_type::integer && type_ != json_type::number)
      return {0.0, error::json_wrong_type};
    return {number_, error::ok};
  }
  // A string in Go's time.ParseDuration form ("1.5s"), or an integral number
  // of nanoseconds (as Go's encoding/json and slog write time.Duration).
  // Errors: those of parse_duration; error::bad_duration for a number that
  // is not an integer; error::out_of_range; error::json_wrong_type.
  constexpr value_result<std::int64_t> as_duration() const noexcept {
    if (type_ == json_type::string) return parse_duration(text_);
    if (type_ != json_type::integer && type_ != json_type::number &&
        type_ != json_type::unrepresentable)
      return {0, error::json_wrong_type};
    value_result<std::int64_t> r = as_int64();
    if (r.ec == error::bad_number) r.ec = error::bad_duration;
    return r;
  }
  // A string holding one whole timestamp, read with parse_timestamp_value.
  // Numbers (epoch seconds or milliseconds are ambiguous) and other types:
  // error::json_wrong_type.
  value_result<timestamp> as_timestamp(timestamp_options options = {}) const noexcept {
    if (type_ != json_type::string) return {timestamp{}, error::json_wrong_type};
    return parse_timestamp_value(text_, options);
  }

 private:
  friend class event_decoder;

  std::string_view key_;
  std::string_view text_;
  double number_ = 0;
  std::int64_t integer_ = 0;
  json_type type_ = json_type::null;
  bool boolean_ = false;
  bool fits_int64_ = false;
};

}  // namespace sandlog

#endif  // SANDLOG_DETAIL_JSON_FIELD_HPP
