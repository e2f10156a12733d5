// sandlog: simdjson-based decoders for log pages, Docker json-file lines and
// the fields of JSON log messages.
//
// Needs simdjson (link simdjson::simdjson); compiles with -fno-exceptions, as it
// uses only simdjson's error codes.
//
// Each call copies its input into the decoder's own buffer, followed by
// SIMDJSON_PADDING zero bytes, and parses it with simdjson's DOM parser (its
// kernels are picked at run time, so no -march flag is needed, and it
// validates the whole document: measured faster than On-Demand here, too).
// So the verdict never depends on what follows the input in memory, the
// input needs no padding, and once the buffers have grown to the largest
// input seen, decoding allocates nothing.
//
// Views handed out (log_entry::line, log_record::message, json_field's key
// and text) point into the decoder (its parser or its copy of the input) and
// live until the next decode call on the same decoder, or its destruction.
//
// What is accepted, precisely (docs/json.md has the rationale):
//   - the whole document must be valid JSON; invalid UTF-8, a cut-off body or
//     nesting deeper than max_depth fails before any entry is delivered (in
//     NDJSON each line is a document, so earlier lines are delivered);
//   - a document that is valid JSON delivers each entry in order and stops at
//     the first bad one: entries before it are delivered, none after it;
//   - unknown members are ignored (their values are still validated);
//   - a known member given twice is rejected (json_duplicate_key naming it):
//     parsers disagree on which copy wins, so neither is trusted;
//   - bytes after the document are json_trailing_content, after the
//     document's entries have been delivered; in automatic shape, an object
//     per line is read as NDJSON instead.
#ifndef SANDLOG_JSON_HPP
#define SANDLOG_JSON_HPP

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <string_view>
#include <type_traits>

#include "config.hpp"
#include "error.hpp"
// decode_page's entries are what lifecycle_tracker reads, and
// decode_docker_json's records what record.hpp's tools (the joiner, the
// format detector) take: both parts come with this one, as users expect.
#include "lifecycle.hpp"
#include "record.hpp"
#include "timestamp.hpp"
#include "value.hpp"
#include "vocabulary.hpp"

namespace sandlog {

// How a page body is laid out.
enum class page_shape : std::uint8_t {
  automatic,  // any of the three below, told apart as docs/json.md describes
  envelope,   // {"logs":[{"timestamp":"…","line":"…"},…]}
  array,      // [{"timestamp":"…","line":"…"},…]
  ndjson,     // one {"timestamp":"…","line":"…"} per line; blank lines skipped
};

struct json_options {
  std::size_t max_document_bytes = std::size_t{64} << 20;  // json_too_large above this
  std::size_t max_entries = std::size_t{1} << 20;          // json_too_many_entries above this
  std::size_t max_depth = 1024;                            // json_too_deep above this
  page_shape shape = page_shape::automatic;
  timestamp_options time{};  // how "timestamp" and "time" values are parsed
};

// The outcome of a decode call.
struct json_result {
  error ec = error::ok;
  // Entries delivered to the sink. On failure this is also the 0-based index
  // of the entry at fault (entries before it were all delivered).
  std::size_t entries = 0;
  // The member at fault ("logs", "timestamp", "line", "log", "stream", "time"),
  // or "entry" when an entry is not an object; empty when the error is about
  // the document as a whole. A string literal.
  std::string_view field{};
  constexpr explicit operator bool() const noexcept { return ec == error::ok; }
};

namespace detail {

inline error from_simdjson(simdjson::error_code e) noexcept {
  switch (e) {
    case simdjson::SUCCESS: return error::ok;
    case simdjson::UTF8_ERROR: return error::json_bad_utf8;
    case simdjson::DEPTH_ERROR: return error::json_too_deep;
    case simdjson::CAPACITY:
    case simdjson::MEMALLOC: return error::json_too_large;
    case simdjson::TRAILING_CONTENT: return error::json_trailing_content;
    default: return error::json_syntax;
  }
}

constexpr bool is_json_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
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

}  // namespace detail

// The JSON type of a field of a JSON log message.
enum class json_type : std::uint8_t {
  null,
  boolean,
  integer,  // a number without fraction or exponent (int64 or uint64 range)
  number,   // a number with a fraction or an exponent
  string,
  object,
  array,
};

namespace detail {

constexpr bool is_json_digit(char c) noexcept { return c >= '0' && c <= '9'; }

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
  while (p != end && is_json_digit(*p)) ++p;
  const char* const int_last = p;
  const char* frac_first = p;
  const char* frac_last = p;
  if (p != end && *p == '.') {
    frac_first = ++p;
    while (p != end && is_json_digit(*p)) ++p;
    frac_last = p;
  }
  long exponent = 0;  // saturated far beyond any int64 digit count
  if (p != end && (*p == 'e' || *p == 'E')) {
    ++p;
    bool exponent_negative = false;
    if (p != end && (*p == '-' || *p == '+')) exponent_negative = *p++ == '-';
    for (; p != end && is_json_digit(*p); ++p)
      if (exponent < 1000000) exponent = exponent * 10 + (*p - '0');
    if (exponent_negative) exponent = -exponent;
  }
  if (int_first == int_last && frac_first == frac_last) return {0, error::bad_number};
  const long int_digits = int_last - int_first;
  const long digits = int_digits + (frac_last - frac_first);
  // Digit i (of the integer digits followed by the fraction digits) has
  // weight 10^(point - 1 - i).
  const long point = int_digits + exponent;
  const std::uint64_t limit = negative ? int64_magnitude_limit : int64_magnitude_limit - 1u;
  std::uint64_t magnitude = 0;
  bool overflow = false;
  for (long i = 0; i < digits; ++i) {
    const char c = i < int_digits ? int_first[i] : frac_first[i - int_digits];
    const unsigned d = digit_value(c);
    if (i >= point) {
      if (d != 0) return {0, error::bad_number};
      continue;
    }
    if (overflow || magnitude > (limit - d) / 10u) {
      overflow = true;
    } else {
      magnitude = magnitude * 10u + d;
    }
  }
  for (long i = digits; i < point && magnitude != 0 && !overflow; ++i) {
    if (magnitude > limit / 10u) {
      overflow = true;
    } else {
      magnitude *= 10u;
    }
  }
  if (overflow) {
    return {negative ? std::numeric_limits<std::int64_t>::min()
                     : std::numeric_limits<std::int64_t>::max(),
            error::out_of_range};
  }
  return {apply_sign(magnitude, negative), error::ok};
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
    if (type_ == json_type::number) return detail::json_number_to_int64(text_);
    return {0, error::json_wrong_type};
  }
  // A number as simdjson parsed it (correctly rounded; integers beyond 2^53
  // round; "-0" is +0). Other types: error::json_wrong_type.
  constexpr value_result<double> as_double() const noexcept {
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
    if (type_ != json_type::integer && type_ != json_type::number)
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

// Decodes log pages, Docker json-file lines and the fields of JSON log
// messages. One decoder per thread; reuse it so its buffers stay warm.
class event_decoder {
 public:
  // Allocates nothing until the first decode.
  explicit event_decoder(json_options opts = {}) noexcept
      : opts_(opts), parser_(opts.max_document_bytes) {}

  // Decodes a page body and calls sink(const log_entry&) for each entry, in
  // order. The entry's line views the parser and lives until the next decode
  // call. Returns the outcome (also kept in last_error()). Allocates only to
  // grow its buffers to the largest body seen.
  template <class Sink>
  json_result decode_page(std::string_view body, Sink&& sink) {
    last_ = {};
    if (error e = load(body); e != error::ok) return fail(e, {});
    const char* first = scratch_.get();
    const char* last = first + body.size();
    const char* p = first;
    while (p != last && detail::is_json_space(*p)) ++p;
    if (opts_.shape == page_shape::ndjson) return decode_lines(p, last, sink);

    simdjson::dom::element root;
    simdjson::error_code e = parser_.parse(p, static_cast<std::size_t>(last - p), false).get(root);
    if (e != simdjson::SUCCESS && e != simdjson::CAPACITY && e != simdjson::MEMALLOC &&
        p != last && (*p == '{' || *p == '[')) {
      // Either bytes after a complete document, an object per line, or a
      // broken document: parse the first value alone to tell which.
      const char* end = detail::container_end(p, last);
      if (end != nullptr && end != last &&
          !parser_.parse(p, static_cast<std::size_t>(end - p), false).get(root)) {
        const char* q = end;
        while (q != last && (*q == ' ' || *q == '\t' || *q == '\r')) ++q;
        if (opts_.shape == page_shape::automatic && q != last && *q == '\n' && root.is_object() &&
            !has_member(root, "logs"))
          return decode_lines(p, last, sink);
        if (!decode_document(root, sink)) return last_;
        return fail(error::json_trailing_content, {});
      }
    }
    if (e != simdjson::SUCCESS) return fail(detail::from_simdjson(e), {});
    decode_document(root, sink);
    return last_;
  }

  // Decodes one Docker json-file line ({"log":…,"stream":…,"time":…}) into
  // out: message is "log" without its trailing '\n', partial is true when
  // there was none. message views the parser and lives until the next decode
  // call. A trailing '\n' after the JSON is fine. Unknown members (attrs) are
  // ignored. Allocates only to grow its buffers.
  json_result decode_docker_json(std::string_view line, log_record& out) noexcept {
    last_ = {};
    if (error e = load(line); e != error::ok) return fail(e, {});
    simdjson::dom::element root;
    if (auto e = parser_.parse(scratch_.get(), line.size(), false).get(root))
      return fail(classify(scratch_.get(), scratch_.get() + line.size(), e), {});
    simdjson::dom::object obj;
    if (root.get_object().get(obj)) return fail(error::json_wrong_type, {});
    std::string_view log, stream, time;
    bool have_log = false, have_stream = false, have_time = false;
    for (simdjson::dom::key_value_pair kv : obj) {
      if (kv.key == "log") {
        if (error err = take_string(kv.value, have_log, log); err != error::ok) return fail(err, "log");
      } else if (kv.key == "stream") {
        if (error err = take_string(kv.value, have_stream, stream); err != error::ok)
          return fail(err, "stream");
      } else if (kv.key == "time") {
        if (error err = take_string(kv.value, have_time, time); err != error::ok)
          return fail(err, "time");
      }
    }
    if (!have_log) return fail(error::json_missing_field, "log");
    if (!have_stream) return fail(error::json_missing_field, "stream");
    if (!have_time) return fail(error::json_missing_field, "time");
    log_record rec;
    if (stream == "stdout") {
      rec.stream = stream_kind::out;
    } else if (stream == "stderr") {
      rec.stream = stream_kind::err;
    } else {
      return fail(error::bad_stream, "stream");
    }
    if (error err = parse_whole_timestamp(time, rec.time); err != error::ok) return fail(err, "time");
    rec.has_time = true;
    rec.partial = log.empty() || log.back() != '\n';
    if (!rec.partial) log.remove_suffix(1);
    rec.message = log;
    out = rec;
    last_.entries = 1;
    return last_;
  }


  // Parses a JSON log message, which must be one object
  // ({"level":"error","latency_ms":12.5,…}), for for_each_field. A trailing
  // '\n' is fine. Errors: those of the document (json_syntax, json_bad_utf8,
  // json_too_deep, json_trailing_content…), json_wrong_type when it is not an
  // object. Allocates only to grow its buffers.
  json_result decode_fields(std::string_view message) noexcept {
    last_ = {};
    if (error e = load(message); e != error::ok) return fail(e, {});
    const char* const first = scratch_.get();
    simdjson::dom::element root;
    if (auto e = parser_.parse(first, message.size(), false).get(root))
      return fail(classify(first, first + message.size(), e), {});
    if (root.get_object().get(fields_)) return fail(error::json_wrong_type, {});
    fields_open_ = detail::skip_json_space(first);
    fields_end_ = first + message.size();
    last_.entries = 1;
    return last_;
  }

  // Calls visit(const json_field&) for each top-level member of the message
  // of the last successful decode_fields, in order, duplicate keys included.
  // If visit returns bool, true stops the walk. Returns whether a visit
  // stopped it. Nothing happens after another decode call or a failed one.
  // Allocates nothing; the fields live until the next decode call.
  template <class Visit>
  bool for_each_field(Visit&& visit) const {
    if (fields_open_ == nullptr) return false;
    const char* p = fields_open_ + 1;  // past '{'
    for (simdjson::dom::key_value_pair kv : fields_) {
      p = detail::skip_json_space(p);
      p = detail::skip_json_space(detail::skip_json_string(p, fields_end_)) + 1;  // key, ':'
      const char* const value_first = detail::skip_json_space(p);
      p = detail::skip_json_value(value_first, fields_end_);
      json_field f = make_field(kv, std::string_view(value_first, static_cast<std::size_t>(p - value_first)));
      p = detail::skip_json_space(p) + 1;  // ',' or '}'
      if constexpr (std::is_same_v<decltype(visit(static_cast<const json_field&>(f))), bool>) {
        if (visit(static_cast<const json_field&>(f))) return true;
      } else {
        visit(static_cast<const json_field&>(f));
      }
    }
    return false;
  }

  // decode_fields(message), then for_each_field(visit) when it succeeded.
  template <class Visit>
  json_result decode_fields(std::string_view message, Visit&& visit) {
    if (decode_fields(message)) for_each_field(visit);
    return last_;
  }

  // The outcome of the last decode call.
  const json_result& last_error() const noexcept { return last_; }
  const json_options& options() const noexcept { return opts_; }

 private:
  json_result fail(error e, std::string_view field) noexcept {
    last_.ec = e;
    last_.field = field;
    return last_;
  }

  // A json_field from a DOM member and the bytes of its value as written.
  static json_field make_field(const simdjson::dom::key_value_pair& kv,
                               std::string_view written) noexcept {
    json_field f;
    f.key_ = kv.key;
    f.text_ = written;
    const simdjson::dom::element v = kv.value;
    switch (v.type()) {
      case simdjson::dom::element_type::STRING:
        f.type_ = json_type::string;
        f.text_ = v.get_string().value_unsafe();
        break;
      case simdjson::dom::element_type::INT64:
        f.type_ = json_type::integer;
        f.integer_ = v.get_int64().value_unsafe();
        f.fits_int64_ = true;
        f.number_ = v.get_double().value_unsafe();
        break;
      case simdjson::dom::element_type::UINT64:
        f.type_ = json_type::integer;
        f.number_ = v.get_double().value_unsafe();
        break;
      case simdjson::dom::element_type::DOUBLE:
        f.type_ = json_type::number;
        f.number_ = v.get_double().value_unsafe();
        break;
      case simdjson::dom::element_type::BOOL:
        f.type_ = json_type::boolean;
        f.boolean_ = v.get_bool().value_unsafe();
        break;
      case simdjson::dom::element_type::NULL_VALUE: f.type_ = json_type::null; break;
      case simdjson::dom::element_type::OBJECT: f.type_ = json_type::object; break;
      case simdjson::dom::element_type::ARRAY: f.type_ = json_type::array; break;
    }
    return f;
  }

  // Copies input into the scratch buffer and zeroes the padding after it.
  error load(std::string_view input) noexcept {
    fields_open_ = nullptr;  // the parser's document is about to change
    if (input.size() > opts_.max_document_bytes) return error::json_too_large;
    if (input.size() > scratch_cap_ || !scratch_) {
      std::size_t cap = scratch_cap_ * 2 > input.size() ? scratch_cap_ * 2 : input.size();
      if (cap > opts_.max_document_bytes) cap = opts_.max_document_bytes;
      if (cap < 256) cap = 256;
      scratch_.reset(new (std::nothrow) char[cap + simdjson::SIMDJSON_PADDING]);
      scratch_cap_ = scratch_ ? cap : 0;
      if (!scratch_) return error::json_too_large;
    }
    if (parser_.capacity() < input.size() || !depth_set_) {
      // Grow the parser as the buffer grows, so slowly growing pages do not
      // reallocate each time.
      const std::size_t cap = scratch_cap_ < input.size() ? input.size() : scratch_cap_;
      if (parser_.allocate(cap, opts_.max_depth) != simdjson::SUCCESS) return error::json_too_large;
      if (parser_.doc.capacity() < cap && parser_.doc.allocate(cap) != simdjson::SUCCESS)
        return error::json_too_large;
      depth_set_ = true;
    }
    if (!input.empty()) std::memcpy(scratch_.get(), input.data(), input.size());
    std::memset(scratch_.get() + input.size(), 0, simdjson::SIMDJSON_PADDING);
    return error::ok;
  }

  // Tells a document followed by more bytes (json_trailing_content) from one
  // that is simply broken, for parse errors of [first, last).
  error classify(const char* first, const char* last, simdjson::error_code e) noexcept {
    if (e != simdjson::TAPE_ERROR) return detail::from_simdjson(e);
    const char* p = first;
    while (p != last && detail::is_json_space(*p)) ++p;
    if (p == last || (*p != '{' && *p != '[')) return error::json_syntax;
    const char* end = detail::container_end(p, last);
    if (end == nullptr || end == last) return error::json_syntax;
    simdjson::dom::element ignored;
    if (parser_.parse(p, static_cast<std::size_t>(end - p), false).get(ignored))
      return error::json_syntax;
    return error::json_trailing_content;
  }

  static bool has_member(simdjson::dom::element root, std::string_view key) noexcept {
    simdjson::dom::object obj;
    if (root.get_object().get(obj)) return false;
    for (simdjson::dom::key_value_pair kv : obj)
      if (kv.key == key) return true;
    return false;
  }

  static error take_string(simdjson::dom::element v, bool& seen, std::string_view& out) noexcept {
    if (seen) return error::json_duplicate_key;
    seen = true;
    return v.get_string().get(out) ? error::json_wrong_type : error::ok;
  }

  // The timestamp must fill the whole string; bytes after a complete
  // timestamp make its zone designator malformed (bad_offset).
  error parse_whole_timestamp(std::string_view text, timestamp& out) const noexcept {
    const char* end = text.data() + text.size();
    parse_result r = parse_timestamp(text.data(), end, out, opts_.time);
    if (!r) return r.ec;
    return r.ptr == end ? error::ok : error::bad_offset;
  }

  // Checks and converts one entry; on failure sets last_ (field) and returns false.
  bool decode_entry(simdjson::dom::element v, log_entry& out) noexcept {
    simdjson::dom::object obj;
    if (v.get_object().get(obj)) return fail(error::json_wrong_type, "entry"), false;
    std::string_view ts, line;
    bool have_ts = false, have_line = false;
    for (simdjson::dom::key_value_pair kv : obj) {
      if (kv.key == "timestamp") {
        if (error e = take_string(kv.value, have_ts, ts); e != error::ok)
          return fail(e, "timestamp"), false;
      } else if (kv.key == "line") {
        if (error e = take_string(kv.value, have_line, line); e != error::ok)
          return fail(e, "line"), false;
      }
    }
    if (!have_ts) return fail(error::json_missing_field, "timestamp"), false;
    if (!have_line) return fail(error::json_missing_field, "line"), false;
    if (error e = parse_whole_timestamp(ts, out.time); e != error::ok)
      return fail(e, "timestamp"), false;
    out.line = line;
    return true;
  }

  template <class Sink>
  bool deliver(simdjson::dom::element v, Sink& sink) {
    if (last_.entries == opts_.max_entries) return fail(error::json_too_many_entries, {}), false;
    log_entry entry;
    if (!decode_entry(v, entry)) return false;
    sink(static_cast<const log_entry&>(entry));
    ++last_.entries;
    return true;
  }

  // Delivers the entries of a parsed envelope, array or single entry object.
  template <class Sink>
  bool decode_document(simdjson::dom::element root, Sink& sink) {
    simdjson::dom::array entries;
    simdjson::dom::object obj;
    if (opts_.shape != page_shape::envelope && !root.get_array().get(entries)) {
      // a bare array
    } else if (opts_.shape != page_shape::array && !root.get_object().get(obj)) {
      bool found = false;
      simdjson::dom::element logs;
      for (simdjson::dom::key_value_pair kv : obj) {
        if (kv.key != "logs") continue;
        if (found) return fail(error::json_duplicate_key, "logs"), false;
        found = true;
        logs = kv.value;
      }
      if (!found) {
        // An object with an entry's members is a one-line NDJSON page.
        if (opts_.shape == page_shape::automatic &&
            (has_member(root, "timestamp") || has_member(root, "line")))
          return deliver(root, sink);
        return fail(error::json_missing_field, "logs"), false;
      }
      if (logs.get_array().get(entries)) return fail(error::json_wrong_type, "logs"), false;
    } else {
      return fail(error::json_wrong_type, {}), false;
    }
    for (simdjson::dom::element v : entries)
      if (!deliver(v, sink)) return false;
    return true;
  }

  // NDJSON: each non-blank line of [p, last) is one entry object. Lines are
  // parsed in place; the bytes after a line are the next lines or the zeroed
  // padding, and simdjson's DOM parser reads none of them as content.
  template <class Sink>
  json_result decode_lines(const char* p, const char* last, Sink& sink) {
    while (p != last) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(last - p)));
      const char* end = nl != nullptr ? nl : last;
      const char* q = p;
      while (q != end && detail::is_json_space(*q)) ++q;
      if (q != end) {
        simdjson::dom::element root;
        const auto n = static_cast<std::size_t>(end - q);
        if (auto e = parser_.parse(q, n, false).get(root)) return fail(classify(q, end, e), {});
        if (!deliver(root, sink)) return last_;
      }
      p = nl != nullptr ? nl + 1 : last;
    }
    return last_;
  }

  json_options opts_;
  simdjson::dom::parser parser_;
  std::unique_ptr<char[]> scratch_;
  std::size_t scratch_cap_ = 0;
  bool depth_set_ = false;
  json_result last_{};
  simdjson::dom::object fields_{};      // decode_fields' message
  const char* fields_open_ = nullptr;   // its '{' in scratch_; null when there is none
  const char* fields_end_ = nullptr;    // its end in scratch_
};

}  // namespace sandlog

#endif  // SANDLOG_JSON_HPP
