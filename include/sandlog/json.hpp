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
//   - decode_page(body, sink, on_bad) instead hands each bad entry (or bad
//     NDJSON line) to on_bad, with where it is, and goes on with the next; a
//     document that is not valid JSON is then walked entry by entry, so an
//     entry that fails alone is skipped like any bad entry, and only a break
//     in the page's own structure (an unclosed entry, a missing comma, a
//     cut-off body) ends it, after every entry before the break;
//   - unknown members are ignored (their values are still validated);
//   - a known member given twice is rejected (json_duplicate_key naming it):
//     parsers disagree on which copy wins, so neither is trusted;
//   - bytes after the document are json_trailing_content, after the
//     document's entries have been delivered; in automatic shape, an object
//     per line is read as NDJSON instead.
//
// json_type and json_field are in detail/json_field.hpp, the walkers over
// validated JSON text and the exact integer value of a number in
// detail/json_text.hpp; both need no simdjson.
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
#include "detail/json_field.hpp"
#include "detail/json_text.hpp"
#include "detail/sink.hpp"
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
  // decode_page(body, sink, on_bad): the bad entries handed to on_bad.
  std::size_t skipped = 0;
  // The byte of the body where the document went wrong, when that is known
  // (a break in a page's structure, trailing content); npos otherwise.
  static constexpr std::size_t npos = ~std::size_t{0};
  std::size_t offset = npos;
  constexpr explicit operator bool() const noexcept { return ec == error::ok; }
};

// One entry of a page that decode_page(body, sink, on_bad) skipped.
struct entry_error {
  error ec = error::ok;
  std::string_view field{};  // as json_result::field; empty for an entry that is not JSON
  std::size_t index = 0;     // 0-based among the page's entries, delivered and skipped
  std::size_t offset = 0;    // of the entry's first byte in the body
  std::uint64_t line = 1;    // 1-based line of that byte in the body
  std::size_t column = 1;    // 1-based byte column of that byte
  // The entry as written; views the decoder's copy of the body and lives
  // until the next decode call.
  std::string_view text{};
};

// Where byte `offset` of `text` is: 1-based line and byte column.
struct text_position {
  std::uint64_t line = 1;
  std::size_t column = 1;
};
inline text_position position_of(std::string_view text, std::size_t offset) noexcept {
  if (offset > text.size()) offset = text.size();
  text_position pos;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++pos.line;
      line_start = i + 1;
    }
  }
  pos.column = offset - line_start + 1;
  return pos;
}

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

}  // namespace detail

// Decodes log pages, Docker json-file lines and the fields of JSON log
// messages. One decoder per thread; reuse it so its buffers stay warm.
class event_decoder {
 public:
  // Allocates nothing until the first decode.
  explicit event_decoder(json_options opts = {}) noexcept
      : opts_(opts), parser_(opts.max_document_bytes) {}

  // Decodes a page body and calls sink(const log_entry&) for each entry, in
  // order. The entry's line views the parser and lives until the next decode
  // call. The sink may return void or an error: one other than error::ok
  // stops the page there and is the result's ec (entries counts the entry
  // it was given). Returns the outcome (also kept in last_error()).
  // Allocates only to grow its buffers to the largest body seen.
  template <class Sink>
  json_result decode_page(std::string_view body, Sink&& sink) {
    stop_at_bad bad;
    return page(body, sink, bad);
  }

  // decode_page, but a bad entry does not end the page: on_bad(const
  // entry_error&) is called with it (what was wrong, where it is) and the
  // next entry is read; the result's `skipped` counts them. on_bad may
  // return void or an error: one other than error::ok stops the page and is
  // the result's ec. A body that is not valid JSON is walked entry by entry
  // (each entry's line then lives only until the sink returns): an entry that
  // is not valid JSON alone, or not an entry, is skipped; a break in the
  // page's structure fails with json_syntax (or the document's error) and
  // the result's offset says where, after every entry before it was
  // delivered or skipped. max_entries bounds delivered and skipped entries
  // together. Allocates only to grow its buffers.
  template <class Sink, class OnBad>
  json_result decode_page(std::string_view body, Sink&& sink, OnBad&& on_bad) {
    skip_bad<OnBad> bad{on_bad};
    return page(body, sink, bad);
  }

  // Decodes one Docker json-file line ({"log":…,"stream":…,"time":…}) into
  // out: message is "log" without its trailing '\n', partial is true when
  // there was none. message views the parser and lives until the next decode
  // call. A trailing '\n' after the JSON is fine. Unknown members are
  // ignored; `attrs` (the labels, env and tag Docker logs with each line)
  // must be an object of strings or null, as moby's map[string]string, and
  // the three-argument form hands out its text as written (empty when there
  // are none or the line fails), viewing the parser like message. Read as
  // moby reads it, with Go's encoding/json: member names match
  // case-insensitively ("LOG", "Stream"), a lone UTF-16 surrogate
  // escape is U+FFFD, and "log" and "stream" may be absent (moby omits them
  // when empty): an absent or empty stream is stream_kind::unknown. "time" is
  // required. Allocates only to grow its buffers.
  json_result decode_docker_json(std::string_view line, log_record& out) noexcept {
    std::string_view attrs;
    return decode_docker_json(line, out, attrs);
  }
  json_result decode_docker_json(std::string_view line, log_record& out,
                                 std::string_view& attrs) noexcept {
    last_ = {};
    attrs = {};
    if (error e = load(line); e != error::ok) return fail(e, {});
    simdjson::dom::element root;
    char* const first = scratch_.get();
    simdjson::error_code parsed = parser_.parse(first, line.size(), false).get(root);
    // simdjson rejects lone surrogates; Go reads each as U+FFFD. Only on that
    // failure, rewrite them so in the copy and parse again: no cost otherwise.
    if (parsed == simdjson::STRING_ERROR && detail::replace_lone_surrogates(first, first + line.size()))
      parsed = parser_.parse(first, line.size(), false).get(root);
    if (parsed) return fail(classify(first, first + line.size(), parsed), {});
    simdjson::dom::object obj;
    if (root.get_object().get(obj)) return fail(error::json_wrong_type, {});
    std::string_view log, stream, time;
    bool have_log = false, have_stream = false, have_time = false, have_attrs = false;
    constexpr std::size_t no_attrs = ~std::size_t{0};
    std::size_t attrs_member = no_attrs, member = 0;
    for (simdjson::dom::key_value_pair kv : obj) {
      // Two spellings of one name are a duplicate: Go keeps the last, other
      // readers keep both apart.
      if (detail::go_json_name_is(kv.key, "log")) {
        if (error err = take_string(kv.value, have_log, log); err != error::ok) return fail(err, "log");
      } else if (detail::go_json_name_is(kv.key, "stream")) {
        if (error err = take_string(kv.value, have_stream, stream); err != error::ok)
          return fail(err, "stream");
      } else if (detail::go_json_name_is(kv.key, "time")) {
        if (error err = take_string(kv.value, have_time, time); err != error::ok)
          return fail(err, "time");
      } else if (detail::go_json_name_is(kv.key, "attrs")) {
        if (have_attrs) return fail(error::json_duplicate_key, "attrs");
        have_attrs = true;
        if (!string_map(kv.value)) return fail(error::json_wrong_type, "attrs");
        if (kv.value.is_object() && kv.value.get_object().value_unsafe().size() != 0)
          attrs_member = member;
      }
      ++member;
    }
    if (!have_time) return fail(error::json_missing_field, "time");
    log_record rec;
    if (stream == "stdout") {
      rec.stream = stream_kind::out;
    } else if (stream == "stderr") {
      rec.stream = stream_kind::err;
    } else if (stream.empty()) {
      rec.stream = stream_kind::unknown;
    } else {
      return fail(error::bad_stream, "stream");
    }
    if (error err = parse_whole_timestamp(time, rec.time); err != error::ok) return fail(err, "time");
    rec.has_time = true;
    rec.partial = log.empty() || log.back() != '\n';
    if (!rec.partial) log.remove_suffix(1);
    rec.message = log;
    out = rec;
    attrs = attrs_member == no_attrs ? std::string_view{}
                                     : member_text(first, first + line.size(), attrs_member);
    last_.entries = 1;
    return last_;
  }


  // Parses a JSON log message, which must be one object
  // ({"level":"error","latency_ms":12.5,…}), for for_each_field. A trailing
  // '\n' is fine. Errors: those of the document (json_syntax, json_bad_utf8,
  // json_too_deep, json_trailing_content…), json_wrong_type when it is not an
  // object. Allocates only to grow its buffers.
  //
  // A value simdjson refuses but JSON allows does not hide the others: a
  // lone UTF-16 surrogate escape reads as U+FFFD (as Go reads it), a number
  // simdjson cannot hold is a field of type json_type::unrepresentable,
  // its text as written.
  json_result decode_fields(std::string_view message) noexcept {
    last_ = {};
    if (error e = load(message); e != error::ok) return fail(e, {});
    char* const first = scratch_.get();
    char* const last = first + message.size();
    simdjson::dom::element root;
    simdjson::error_code e = parser_.parse(first, message.size(), false).get(root);
    // Only on those failures is the copy rewritten and parsed again (each
    // repair at most once): messages without such values pay nothing.
    bool surrogates = false, numbers = false;
    while ((e == simdjson::STRING_ERROR && !surrogates) ||
           (e == simdjson::NUMBER_ERROR && !numbers)) {
      if (e == simdjson::STRING_ERROR) {
        surrogates = true;
        if (!detail::replace_lone_surrogates(first, last)) break;
      } else {
        numbers = true;
        if (!mask_unrepresentable_numbers(first, last)) break;
      }
      e = parser_.parse(first, message.size(), false).get(root);
    }
    if (e) return fail(classify(first, last, e), {});
    // The DOM holds its own strings and numbers: the copy goes back to the
    // message as written, for the walkers that find each value's text.
    if (numbers) std::memcpy(first, message.data(), message.size());
    if (root.get_object().get(fields_)) return fail(error::json_wrong_type, {});
    fields_open_ = detail::skip_json_space(first);
    fields_end_ = first + message.size();
    last_.entries = 1;
    return last_;
  }

  // Calls visit(const json_field&) for each top-level member of the message
  // of the last successful decode_fields, in order, duplicate keys included.
  // If visit returns bool, true stops the walk (a query that has its
  // answer); if it returns an error, one other than error::ok does. Returns
  // whether a visit stopped it. Nothing happens after another decode call or
  // a failed one. Allocates nothing; the fields live until the next decode
  // call.
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
      using result = decltype(visit(static_cast<const json_field&>(f)));
      if constexpr (std::is_same_v<result, bool>) {
        if (visit(static_cast<const json_field&>(f))) return true;
      } else if constexpr (std::is_same_v<result, error>) {
        if (visit(static_cast<const json_field&>(f)) != error::ok) return true;
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
        // A 0 not written as 0 is a number mask_unrepresentable_numbers hid.
        if (v.get_int64().value_unsafe() == 0 && written != "0" && written != "-0") {
          f.type_ = json_type::unrepresentable;
          break;
        }
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

  // Overwrites each number token of [first, last) that is valid JSON but
  // that simdjson cannot hold (it fails alone as a document) with a 0 and
  // spaces, the same length; decode_fields puts the text back after parsing
  // and make_field tells these zeros apart. Returns whether it changed
  // anything.
  bool mask_unrepresentable_numbers(char* first, char* last) noexcept {
    bool changed = false;
    detail::for_each_number_token(first, last, [&](char* p, std::size_t n) {
      if (!detail::is_json_number(p, n)) return;
      simdjson::dom::element ignored;
      const simdjson::error_code e = parser_.parse(p, n, false).get(ignored);
      if (e != simdjson::NUMBER_ERROR) return;
      p[0] = '0';
      std::memset(p + 1, ' ', n - 1);
      changed = true;
    });
    return changed;
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

  // An object whose members are all strings, or null: what Go reads into a
  // map[string]string.
  static bool string_map(simdjson::dom::element v) noexcept {
    if (v.is_null()) return true;
    simdjson::dom::object obj;
    if (v.get_object().get(obj)) return false;
    for (simdjson::dom::key_value_pair kv : obj)
      if (!kv.value.is_string()) return false;
    return true;
  }

  // The text, as written, of the value of the index-th member of the object
  // at the start of a validated document [first, end).
  static std::string_view member_text(const char* first, const char* end, std::size_t index) noexcept {
    const char* p = detail::skip_json_space(first) + 1;  // past '{'
    for (std::size_t i = 0;; ++i) {
      p = detail::skip_json_space(p);
      p = detail::skip_json_space(detail::skip_json_string(p, end)) + 1;  // key, ':'
      const char* const value = detail::skip_json_space(p);
      p = detail::skip_json_value(value, end);
      if (i == index) return {value, static_cast<std::size_t>(p - value)};
      p = detail::skip_json_space(p) + 1;  // ',' or '}'
    }
  }

  static error take_string(simdjson::dom::element v, bool& seen, std::string_view& out) noexcept {
    if (seen) return error::json_duplicate_key;
    seen = true;
    return v.get_string().get(out) ? error::json_wrong_type : error::ok;
  }

  // The timestamp must fill the whole string (parse_timestamp_value).
  error parse_whole_timestamp(std::string_view text, timestamp& out) const noexcept {
    const value_result<timestamp> r = parse_timestamp_value(text, opts_.time);
    if (r) out = r.value;
    return r.ec;
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

  // What the page walk does with a bad entry: the two-argument decode_page
  // stops there (last_ says what was wrong); skip_bad hands it to on_bad,
  // with its line and column, and goes on.
  struct stop_at_bad {
    static constexpr bool skips = false;
    void start(const char*) noexcept {}
  };
  template <class OnBad>
  struct skip_bad {
    static constexpr bool skips = true;
    OnBad& on_bad;
    const char* base = nullptr;        // the body's copy
    const char* counted = nullptr;     // newlines are counted up to here
    const char* line_start = nullptr;  // of the line `counted` is on
    std::uint64_t line = 1;

    void start(const char* first) noexcept { base = counted = line_start = first; }
    // Entries come in the order of the text, so the count only moves on.
    void locate(const char* at, entry_error& e) noexcept {
      while (counted < at) {
        const void* nl = std::memchr(counted, '\n', static_cast<std::size_t>(at - counted));
        if (nl == nullptr) break;
        counted = static_cast<const char*>(nl) + 1;
        line_start = counted;
        ++line;
      }
      counted = at;
      e.offset = static_cast<std::size_t>(at - base);
      e.line = line;
      e.column = static_cast<std::size_t>(at - line_start) + 1;
    }
  };

  template <class Sink, class Bad>
  json_result page(std::string_view body, Sink& sink, Bad& bad) {
    last_ = {};
    if (error e = load(body); e != error::ok) return fail(e, {});
    const char* first = scratch_.get();
    const char* last = first + body.size();
    bad.start(first);
    const char* p = first;
    while (p != last && detail::is_json_space(*p)) ++p;
    if (opts_.shape == page_shape::ndjson) return decode_lines(p, last, sink, bad);

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
          return decode_lines(p, last, sink, bad);
        if (!decode_document(root, p, end, sink, bad)) return last_;
        return fail_at(error::json_trailing_content, {}, first, detail_skip_space(end, last));
      }
      if constexpr (Bad::skips) return recover(first, p, last, e, sink, bad);
    }
    if (e != simdjson::SUCCESS) return fail(detail::from_simdjson(e), {});
    decode_document(root, p, last, sink, bad);
    return last_;
  }

  json_result fail_at(error e, std::string_view field, const char* first, const char* at) noexcept {
    last_.offset = static_cast<std::size_t>(at - first);
    return fail(e, field);
  }
  static const char* detail_skip_space(const char* p, const char* last) noexcept {
    while (p != last && detail::is_json_space(*p)) ++p;
    return p;
  }

  // One entry, at [text, text_end) of the body's copy (null for the
  // two-argument form, which does not say where): delivered, or bad.
  template <class Sink, class Bad>
  bool deliver(simdjson::dom::element v, Sink& sink, Bad& bad, const char* text,
               const char* text_end) {
    if (last_.entries + last_.skipped == opts_.max_entries)
      return fail(error::json_too_many_entries, {}), false;
    log_entry entry;
    if (!decode_entry(v, entry)) return skip_entry(bad, text, text_end);
    const error e = detail::call_sink(sink, static_cast<const log_entry&>(entry));
    ++last_.entries;
    if (e != error::ok) return fail(e, {}), false;
    return true;
  }

  // The entry at [text, text_end) is bad, as last_ says: stop, or hand it to
  // on_bad and go on. Returns whether to go on.
  template <class Bad>
  bool skip_entry(Bad& bad, const char* text, const char* text_end) {
    if constexpr (Bad::skips) {
      entry_error err;
      err.ec = last_.ec;
      err.field = last_.field;
      err.index = last_.entries + last_.skipped;
      err.text = std::string_view(text, static_cast<std::size_t>(text_end - text));
      bad.locate(text, err);
      last_.ec = error::ok;
      last_.field = {};
      ++last_.skipped;
      const error e = detail::call_sink(bad.on_bad, static_cast<const entry_error&>(err));
      if (e != error::ok) return fail(e, {}), false;
      return true;
    } else {
      (void)bad, (void)text, (void)text_end;
      return false;
    }
  }

  // Delivers the entries of a parsed envelope, array or single entry object
  // whose text, validated, is [text, text_end).
  template <class Sink, class Bad>
  bool decode_document(simdjson::dom::element root, const char* text, const char* text_end,
                       Sink& sink, Bad& bad) {
    simdjson::dom::array entries;
    simdjson::dom::object obj;
    const char* array_text = text;  // where the entries' array starts
    if (opts_.shape != page_shape::envelope && !root.get_array().get(entries)) {
      // a bare array
    } else if (opts_.shape != page_shape::array && !root.get_object().get(obj)) {
      bool found = false;
      simdjson::dom::element logs;
      std::size_t member = 0, logs_member = 0;
      for (simdjson::dom::key_value_pair kv : obj) {
        if (kv.key == "logs") {
          if (found) return fail(error::json_duplicate_key, "logs"), false;
          found = true;
          logs = kv.value;
          logs_member = member;
        }
        ++member;
      }
      if (!found) {
        // An object with an entry's members is a one-line NDJSON page.
        if (opts_.shape == page_shape::automatic &&
            (has_member(root, "timestamp") || has_member(root, "line")))
          return deliver(root, sink, bad, text, text_end);
        return fail(error::json_missing_field, "logs"), false;
      }
      if (logs.get_array().get(entries)) return fail(error::json_wrong_type, "logs"), false;
      if constexpr (Bad::skips) array_text = member_text(text, text_end, logs_member).data();
    } else {
      return fail(error::json_wrong_type, {}), false;
    }
    // The DOM keeps no positions: the text is walked beside it, element by
    // element, only when bad entries are reported with where they are.
    const char* t = array_text + 1;
    for (simdjson::dom::element v : entries) {
      const char* entry = nullptr;
      const char* entry_end = nullptr;
      if constexpr (Bad::skips) {
        entry = detail::skip_json_space(t);
        entry_end = detail::skip_json_value(entry, text_end);
        t = detail::skip_json_space(entry_end) + 1;  // past ',' or ']'
      }
      if (!deliver(v, sink, bad, entry, entry_end)) return false;
    }
    return true;
  }

  // NDJSON: each non-blank line of [p, last) is one entry object. Lines are
  // parsed in place; the bytes after a line are the next lines or the zeroed
  // padding, and simdjson's DOM parser reads none of them as content.
  template <class Sink, class Bad>
  json_result decode_lines(const char* p, const char* last, Sink& sink, Bad& bad) {
    while (p != last) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(last - p)));
      const char* end = nl != nullptr ? nl : last;
      const char* q = p;
      while (q != end && detail::is_json_space(*q)) ++q;
      if (q != end) {
        const char* text_end = end;
        while (detail::is_json_space(text_end[-1])) --text_end;
        simdjson::dom::element root;
        const auto n = static_cast<std::size_t>(end - q);
        if (auto e = parser_.parse(q, n, false).get(root)) {
          if (Bad::skips && last_.entries + last_.skipped == opts_.max_entries)
            return fail(error::json_too_many_entries, {});
          fail(classify(q, end, e), {});
          if (!skip_entry(bad, q, text_end)) return last_;
        } else if (!deliver(root, sink, bad, q, text_end)) {
          return last_;
        }
      }
      p = nl != nullptr ? nl + 1 : last;
    }
    return last_;
  }

  // ---- a page that is not valid JSON, walked entry by entry ----
  // Each step finds the extent of a value by its brackets and strings alone
  // (detail::container_end), and simdjson then validates that value by
  // itself: so a bad entry is skipped, and only a break between values (or
  // a value that does not close) stops the walk.

  // One past the value that starts at p, by its shape only; null if it does
  // not end before `last`.
  static const char* rough_value_end(const char* p, const char* last) noexcept {
    if (p == last) return nullptr;
    if (*p == '{' || *p == '[') return detail::container_end(p, last);
    if (*p == '"') {
      for (++p; p != last; ++p) {
        if (*p == '\\') {
          if (++p == last) return nullptr;
        } else if (*p == '"') {
          return p + 1;
        }
      }
      return nullptr;
    }
    const char* q = p;
    while (q != last && *q != ',' && *q != '}' && *q != ']' && *q != ':' && !detail::is_json_space(*q))
      ++q;
    return q == p ? nullptr : q;
  }

  // Whether [p, end) is a JSON value by itself; if not, `why` says how it fails.
  bool valid_alone(const char* p, const char* end, simdjson::dom::element& out, error& why) noexcept {
    const simdjson::error_code e = parser_.parse(p, static_cast<std::size_t>(end - p), false).get(out);
    why = e == simdjson::SUCCESS ? error::ok : classify(p, end, e);
    return e == simdjson::SUCCESS;
  }

  // The walk over a broken document: [p, last) starts with '{' or '['.
  // `dom` is what parsing it whole said.
  template <class Sink, class Bad>
  json_result recover(const char* first, const char* p, const char* last, simdjson::error_code dom,
                      Sink& sink, Bad& bad) {
    const error whole = detail::from_simdjson(dom);
    error why = error::json_syntax;
    // A break at `at`: a value that does not stand alone (why says how) or
    // a byte that cannot be there.
    auto broken = [&](const char* at, error e = error::json_syntax) {
      return fail_at(e, {}, first, at);
    };
    const char* q = p;
    if (*q == '[') {
      if (opts_.shape == page_shape::envelope) return fail(error::json_wrong_type, {});
      q = walk_entries(first, q, last, sink, bad);
      if (q == nullptr) return last_;
    } else {
      if (opts_.shape == page_shape::array) return fail(error::json_wrong_type, {});
      bool found = false, any = false;
      ++q;
      for (;;) {
        q = detail_skip_space(q, last);
        if (q == last) return broken(q);
        if (*q == '}' && !any) {
          ++q;
          break;
        }
        if (*q != '"') return broken(q);
        const char* key_end = rough_value_end(q, last);
        simdjson::dom::element key;
        if (key_end == nullptr) return broken(q);
        if (!valid_alone(q, key_end, key, why)) return broken(q, why);
        const bool is_logs = key.get_string().value_unsafe() == "logs";
        q = detail_skip_space(key_end, last);
        if (q == last || *q != ':') return broken(q);
        q = detail_skip_space(q + 1, last);
        if (is_logs) {
          if (found) return fail_at(error::json_duplicate_key, "logs", first, q);
          found = true;
          if (q == last || *q != '[') {
            const char* v_end = rough_value_end(q, last);
            simdjson::dom::element v;
            if (v_end == nullptr) return broken(q);
            if (!valid_alone(q, v_end, v, why)) return broken(q, why);
            return fail_at(error::json_wrong_type, "logs", first, q);
          }
          q = walk_entries(first, q, last, sink, bad);
          if (q == nullptr) return last_;
        } else {
          const char* v_end = rough_value_end(q, last);
          simdjson::dom::element v;
          if (v_end == nullptr) return broken(q);
          if (!valid_alone(q, v_end, v, why)) return broken(q, why);
          q = v_end;
        }
        any = true;
        q = detail_skip_space(q, last);
        if (q != last && *q == ',') {
          ++q;
          continue;
        }
        if (q != last && *q == '}') {
          ++q;
          break;
        }
        return broken(q);
      }
      if (!found) return fail_at(error::json_missing_field, "logs", first, p);
    }
    q = detail_skip_space(q, last);
    if (q != last) return fail_at(error::json_trailing_content, {}, first, q);
    // Every part but the skipped entries stood alone; with none skipped the
    // document's fault (depth, say) is its own.
    if (last_.skipped == 0) return fail(whole, {});
    return last_;
  }

  // The entries' array at q ('['): each entry valid alone is decoded, each
  // other one skipped. Returns one past the ']', or null when the walk
  // stopped (last_ says why).
  template <class Sink, class Bad>
  const char* walk_entries(const char* first, const char* q, const char* last, Sink& sink,
                           Bad& bad) {
    ++q;
    for (bool any = false;;) {
      q = detail_skip_space(q, last);
      if (q != last && *q == ']' && !any) return q + 1;
      const char* end = rough_value_end(q, last);
      if (end == nullptr) return fail_at(error::json_syntax, {}, first, q), nullptr;
      simdjson::dom::element v;
      const simdjson::error_code e = parser_.parse(q, static_cast<std::size_t>(end - q), false).get(v);
      if (e == simdjson::SUCCESS) {
        if (!deliver(v, sink, bad, q, end)) return nullptr;
      } else {
        if (last_.entries + last_.skipped == opts_.max_entries)
          return fail(error::json_too_many_entries, {}), nullptr;
        fail(classify(q, end, e), {});
        if (!skip_entry(bad, q, end)) return nullptr;
      }
      any = true;
      q = detail_skip_space(end, last);
      if (q != last && *q == ',') {
        ++q;
        continue;
      }
      if (q != last && *q == ']') return q + 1;
      return fail_at(error::json_syntax, {}, first, q), nullptr;
    }
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
