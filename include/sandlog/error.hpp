// sandlog: the error codes every parser returns, the result types, and the
// contract every part keeps.
//
// One enum for the whole library so a caller can switch, count or print any
// failure the same way. Each value names one distinct failure; to_string gives
// a short sentence fit for a log message. New values are appended before
// `count_` so existing numeric values never change.
//
// The API contract (README.md, "API contract", says the same):
//   prefix parsers      read a value at the start of a range and stop after
//                       it, like std::from_chars: parse_result {ptr, ec},
//                       ptr past the value, or at the fault on failure
//                       (parse_timestamp, parse_record, parse_predicate,
//                       parse_logfmt, logfmt_reader::result).
//   whole-text          read all of a text as one value: value_result<T>
//   conversions         {value, ec}. A byte after a complete timestamp is
//                       error::trailing_bytes; in a number, bool or duration
//                       it makes the value malformed (bad_number, bad_bool,
//                       bad_duration). (parse_int64, parse_bool,
//                       parse_duration, parse_double, parse_timestamp_value,
//                       the as_*() of json_field and logfmt_field.)
//   formatters          write into the caller's buffer, whose size a constant
//                       bounds (max_timestamp_chars), and return one past the
//                       last byte, or nullptr when the value has no such form;
//                       or append to a caller's string type; or, like
//                       snprintf, return the full length and cut at capacity.
//   decoders            stateful, fed chunk by chunk: feed() and finish()
//                       return an error; the JSON decoders a json_result
//                       {ec, entries, field}. A failure never loses what was
//                       decoded before it; "sticky" errors repeat until
//                       reset(), as each class says.
//   sinks               a decoder hands each item to a sink called once per
//                       item, whose views live until it returns. A sink may
//                       return void, or an error: one other than error::ok
//                       stops the call that fed it, which returns that error
//                       (the streaming classes stay stopped until reset(),
//                       sse_decoder until finish()). Field visitors
//                       (for_each_field) may also return bool, true to stop.
//   counts              an enum whose values index a table ends in count_
//                       (error, lifecycle, anomaly_kind); the *_count
//                       constants are taken from it, never written by hand.
//   macros              every macro is SANDLOG_-prefixed and documented in
//                       config.hpp, or private to one header and #undef'd at
//                       its end.
//   the rest            nothing throws; noexcept where true; each function
//                       says whether it allocates and how long its views
//                       live; internals are in sandlog::detail and may change.
#ifndef SANDLOG_ERROR_HPP
#define SANDLOG_ERROR_HPP

#include <cstdint>
#include <string_view>

#include "config.hpp"

namespace sandlog {

enum class error : std::uint8_t {
  ok = 0,

  // line_splitter
  line_too_long,  // overflow::fail and a line exceeded max_line

  // timestamp
  too_short,        // the input ended before the timestamp was complete
  bad_year,         // not four digits
  bad_month,        // not 01..12
  bad_day,          // not a day of that month (or of that year, or week)
  bad_week,         // ISO week number not 01..52/53 for that year
  bad_hour,         // not 00..23 (24 only as 24:00:00 in iso8601)
  bad_minute,       // not 00..59
  bad_second,       // not 00..59, or 60 where a leap second is impossible
  bad_fraction,     // a decimal mark not followed by a digit
  bad_separator,    // '-', ':', 'T' or the like missing or wrong
  bad_offset,       // the UTC offset is missing or malformed or beyond 23:59
  leap_second,      // a valid leap second that the options reject
  out_of_range,     // the value does not fit the requested representation

  // record
  missing_space,    // a field of the envelope is not followed by one space
  bad_stream,       // CRI stream is neither "stdout" nor "stderr"
  bad_cri_tag,      // CRI tag is not P or F, optionally followed by ":tag"
  bad_bracket,      // bracketed line without '[' … ']'

  // docker multiplexed stream
  daemon_error,     // a type-3 frame: the daemon reported an error
  bad_frame_type,   // header type byte not 0..3, or its padding not zero
  truncated_frame,  // the stream ended inside a frame

  // json
  json_syntax,          // not valid JSON
  json_missing_field,   // a required member is absent
  json_wrong_type,      // a member has the wrong JSON type
  json_too_large,       // the document exceeds the configured byte limit
  json_too_many_entries,// the page exceeds the configured entry limit
  json_too_deep,        // nesting deeper than the parser allows
  json_bad_utf8,        // a string is not valid UTF-8
  json_trailing_content,// bytes after the document

  // lifecycle
  unknown_event,    // not "sandbox.lifecycle.<known state>"

  // sse
  event_too_long,   // an SSE event exceeded its size limit

  // logfmt and typed values
  unterminated_quote,  // a quoted value without its closing '"'
  bad_escape,          // an unknown or incomplete backslash escape
  bad_key,             // a key is empty or holds a forbidden byte
  bad_number,          // not a number, or not all of the value was consumed
  bad_bool,            // not one of the accepted boolean spellings
  bad_duration,        // not a Go-style duration
  bad_predicate,       // a field predicate expression is malformed

  json_duplicate_key,  // a member sandlog reads appears twice in one object
  trailing_bytes,      // a complete value followed by bytes that are not part of it
  unsupported_format,  // the function does not decode that log_format

  // log sets (log_set.hpp) and gzip (gzip.hpp)
  not_found,           // no file, directory or glob match by that name
  io_error,            // a file or directory could not be read (the errno says why)
  no_previous,         // no earlier restart of the container than the current one
  missing_member,      // a rotated member of a set is absent between others
  gzip_corrupt,        // a gzip header or deflate stream is malformed
  gzip_checksum,       // a gzip member's CRC-32 or length does not match its data
  gzip_truncated,      // the input ends inside a gzip member
  // docker local driver (size-framed protobuf records)
  truncated_record,      // the stream ends inside a record
  record_size_mismatch,  // a record's size trailer differs from its size header
  record_too_large,      // a record's size exceeds the configured limit
  bad_varint,            // a protobuf varint longer than 10 bytes, or cut short
  bad_wire_type,         // a protobuf tag with field number 0, a bad wire type, or a known field of the wrong type
  truncated_field,       // a protobuf field runs past the end of its message

  count_  // not an error: the number of values above
};

// A short, lower-case description of `e`, never empty. Allocates nothing.
constexpr std::string_view to_string(error e) noexcept {
  switch (e) {
    case error::ok: return "no error";
    case error::line_too_long: return "line longer than max_line";
    case error::too_short: return "input ends before the timestamp is complete";
    case error::bad_year: return "bad year";
    case error::bad_month: return "bad month";
    case error::bad_day: return "bad day for that month";
    case error::bad_week: return "bad week number";
    case error::bad_hour: return "bad hour";
    case error::bad_minute: return "bad minute";
    case error::bad_second: return "bad second";
    case error::bad_fraction: return "decimal mark without digits";
    case error::bad_separator: return "bad or missing date/time separator";
    case error::bad_offset: return "bad or missing UTC offset";
    case error::leap_second: return "leap second rejected";
    case error::out_of_range: return "value out of range";
    case error::missing_space: return "missing space between fields";
    case error::bad_stream: return "stream is not stdout or stderr";
    case error::bad_cri_tag: return "bad CRI tag (expected P or F)";
    case error::bad_bracket: return "missing '[' or ']' around the timestamp";
    case error::daemon_error: return "daemon reported an error";
    case error::bad_frame_type: return "bad multiplexed frame header";
    case error::truncated_frame: return "stream ends inside a frame";
    case error::json_syntax: return "invalid JSON";
    case error::json_missing_field: return "required JSON field missing";
    case error::json_wrong_type: return "JSON field has the wrong type";
    case error::json_too_large: return "JSON document too large";
    case error::json_too_many_entries: return "too many entries in JSON page";
    case error::json_too_deep: return "JSON nested too deeply";
    case error::json_bad_utf8: return "invalid UTF-8 in JSON";
    case error::json_trailing_content: return "trailing content after JSON document";
    case error::unknown_event: return "unknown lifecycle event";
    case error::event_too_long: return "event longer than its limit";
    case error::unterminated_quote: return "unterminated quoted value";
    case error::bad_escape: return "bad escape sequence";
    case error::bad_key: return "bad key";
    case error::bad_number: return "not a number";
    case error::bad_bool: return "not a boolean";
    case error::bad_duration: return "not a duration";
    case error::bad_predicate: return "bad field predicate";
    case error::json_duplicate_key: return "JSON field given twice";
    case error::trailing_bytes: return "unexpected bytes after the value";
    case error::unsupported_format: return "format not decoded by this function";
    case error::not_found: return "no such file, directory or glob match";
    case error::io_error: return "cannot read the file or directory";
    case error::no_previous: return "no earlier restart of the container";
    case error::missing_member: return "rotated file missing from the set";
    case error::gzip_corrupt: return "corrupt gzip data";
    case error::gzip_checksum: return "gzip checksum or length mismatch";
    case error::gzip_truncated: return "input ends inside a gzip member";
    case error::truncated_record: return "stream ends inside a record";
    case error::record_size_mismatch: return "record size trailer differs from its header";
    case error::record_too_large: return "record larger than its limit";
    case error::bad_varint: return "bad protobuf varint";
    case error::bad_wire_type: return "bad protobuf field tag or wire type";
    case error::truncated_field: return "protobuf field runs past its message";
    case error::count_: break;
  }
  return "unknown error";
}

// The outcome of a parse, shaped like std::from_chars_result: `ptr` is one past
// the last byte consumed on success, and where parsing stopped on failure.
struct parse_result {
  const char* ptr;
  error ec;
  constexpr explicit operator bool() const noexcept { return ec == error::ok; }
};

// A converted value and what went wrong. On failure `value` holds T{} unless
// the function says otherwise (a number out of range keeps its sign, say).
template <class T>
struct value_result {
  T value{};
  error ec = error::ok;
  constexpr explicit operator bool() const noexcept { return ec == error::ok; }
};

}  // namespace sandlog

#endif  // SANDLOG_ERROR_HPP
