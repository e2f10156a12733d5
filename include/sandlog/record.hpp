// sandlog: one log line's envelope -> log_record.
//
// parse_record reads the plain-text envelopes that container runtimes and
// sandbox APIs put around a message (an RFC 3339 prefix, a CRI log line, a
// bracketed event) without copying: the message is a view into the line.
// detect_format and format_detector tell the envelope from the lines
// themselves. cri_joiner puts CRI partial fragments (`P`) back together.
// Docker json-file lines are decoded by json.hpp, which fills the same
// log_record.
#ifndef SANDLOG_RECORD_HPP
#define SANDLOG_RECORD_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "config.hpp"
#include "error.hpp"
#include "timestamp.hpp"

namespace sandlog {

// The stream a line was written to; `unknown` when the envelope does not say.
enum class stream_kind : std::uint8_t { unknown, out, err };

// The envelope a line is written in.
//   raw          `some log line`
//   timestamped  `2026-02-20T14:30:00Z some log line`
//   cri          `2026-02-20T14:30:00.123456789Z stdout F some log line`
//   bracketed    `[2026-03-06T10:00:52Z] sandbox.lifecycle.created`
//   docker_json  `{"log":"hello\n","stream":"stdout","time":"..."}` (json.hpp)
enum class log_format : std::uint8_t { raw, timestamped, cri, bracketed, docker_json };

// One decoded line. `message` is a view into the decoder's input (or, for
// docker_json, into the decoder's buffer); it lives as long as that does.
struct log_record {
  timestamp time{};                     // meaningful only when has_time
  bool has_time = false;
  stream_kind stream = stream_kind::unknown;
  bool partial = false;                 // a fragment of a longer line (CRI `P`)
  std::string_view message{};
};

namespace detail {

// A field separator, or the end of the line: the last field of an envelope
// may be followed by nothing at all (an empty message whose trailing space
// was trimmed by some tool on the way).
SANDLOG_FORCE_INLINE bool at_field_end(const char* p, const char* end) noexcept {
  return p == end || *p == ' ';
}

// The message after a field that ends at p: empty at the end of the line,
// else everything after the one separating space.
SANDLOG_FORCE_INLINE std::string_view message_after(const char* p, const char* end) noexcept {
  return p == end ? std::string_view(end, 0)
                  : std::string_view(p + 1, static_cast<std::size_t>(end - p - 1));
}

// `<ts> <message>` or `<ts>`.
inline parse_result parse_timestamped(const char* p, const char* end, log_record& r,
                                      const timestamp_options& opts) noexcept {
  parse_result t = parse_timestamp(p, end, r.time, opts);
  if (!t) return t;
  if (!at_field_end(t.ptr, end)) return {t.ptr, error::missing_space};
  r.has_time = true;
  r.message = message_after(t.ptr, end);
  return {end, error::ok};
}

// `<ts> <stdout|stderr> <P|F>[:tag...] <message>`, the message possibly empty
// (with or without its separating space).
inline parse_result parse_cri(const char* p, const char* end, log_record& r,
                              const timestamp_options& opts) noexcept {
  parse_result t = parse_timestamp(p, end, r.time, opts);
  if (!t) return t;
  p = t.ptr;
  if (p == end || *p != ' ') return {p, error::missing_space};
  ++p;
  if (end - p < 6) return {p, error::bad_stream};
  if (std::memcmp(p, "stdout", 6) == 0) {
    r.stream = stream_kind::out;
  } else if (std::memcmp(p, "stderr", 6) == 0) {
    r.stream = stream_kind::err;
  } else {
    return {p, error::bad_stream};
  }
  p += 6;
  if (p == end || *p != ' ') {
    // "stdoutx": a longer word is a bad stream, not a missing space
    return {p, p == end ? error::missing_space : error::bad_stream};
  }
  ++p;
  if (p == end || (*p != 'P' && *p != 'F')) return {p, error::bad_cri_tag};
  r.partial = *p == 'P';
  ++p;
  if (p != end && *p == ':') {
    // further tags: any bytes up to the next space (kubelet reads only the first)
    const void* space = std::memchr(p, ' ', static_cast<std::size_t>(end - p));
    p = space ? static_cast<const char*>(space) : end;
  } else if (!at_field_end(p, end)) {
    return {p, error::bad_cri_tag};
  }
  r.has_time = true;
  r.message = message_after(p, end);
  return {end, error::ok};
}

// `[<ts>] <message>` or `[<ts>]`.
inline parse_result parse_bracketed(const char* p, const char* end, log_record& r,
                                    const timestamp_options& opts) noexcept {
  if (p == end || *p != '[') return {p, error::bad_bracket};
  parse_result t = parse_timestamp(p + 1, end, r.time, opts);
  if (!t) return t;
  p = t.ptr;
  if (p == end || *p != ']') return {p, error::bad_bracket};
  ++p;
  if (!at_field_end(p, end)) return {p, error::missing_space};
  r.has_time = true;
  r.message = message_after(p, end);
  return {end, error::ok};
}

}  // namespace detail

// Decodes one line (without its line ending) written in `format` into `out`.
//   raw          always succeeds: the whole line is the message, no time,
//                stream unknown
//   timestamped  `<ts> <message>`; `<ts>` alone is an empty message
//   cri          `<ts> <stdout|stderr> <P|F>[:tags] <message>`; the message
//                may be empty, with or without the space before it
//   bracketed    `[<ts>] <message>`; `[<ts>]` alone is an empty message
//   docker_json  not decoded here (that needs json.hpp's event_decoder):
//                returns error::json_syntax with nothing consumed
// On success returns {line end, error::ok} and overwrites every field of
// `out`; `out.message` is a view into `line`. On failure returns where the
// line went wrong and the error (the timestamp's own error, or
// missing_space, bad_stream, bad_cri_tag, bad_bracket), and leaves `out`
// untouched. Allocates nothing.
inline parse_result parse_record(std::string_view line, log_format format, log_record& out,
                                 timestamp_options opts = {}) noexcept {
  const char* const p = line.data();
  const char* const end = p + line.size();
  log_record r;
  parse_result res{p, error::ok};
  switch (format) {
    case log_format::raw:
      r.message = line;
      res.ptr = end;
      break;
    case log_format::timestamped: res = detail::parse_timestamped(p, end, r, opts); break;
    case log_format::cri: res = detail::parse_cri(p, end, r, opts); break;
    case log_format::bracketed: res = detail::parse_bracketed(p, end, r, opts); break;
    case log_format::docker_json:
    default: return {p, error::json_syntax};
  }
  if (res) out = r;
  return res;
}

namespace detail {

// One bit per log_format.
constexpr unsigned format_bit(log_format f) noexcept { return 1u << static_cast<unsigned>(f); }

// A line that could be a Docker json-file line: `{` ... `}`. Only a shape
// check; json.hpp decides whether it really is one.
inline bool looks_like_json_object(std::string_view line) noexcept {
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
    line.remove_suffix(1);
  return line.size() >= 2 && line.front() == '{' && line.back() == '}';
}

// The formats `line` parses as (raw always).
inline unsigned consistent_formats(std::string_view line, timestamp_options opts) noexcept {
  unsigned bits = format_bit(log_format::raw);
  log_record r;
  if (looks_like_json_object(line)) return bits | format_bit(log_format::docker_json);
  if (!line.empty() && line.front() == '[') {
    if (parse_record(line, log_format::bracketed, r, opts)) bits |= format_bit(log_format::bracketed);
    return bits;
  }
  if (parse_record(line, log_format::timestamped, r, opts)) {
    bits |= format_bit(log_format::timestamped);
    if (parse_record(line, log_format::cri, r, opts)) bits |= format_bit(log_format::cri);
  }
  return bits;
}

// The most specific format in `bits`: every CRI line is also a timestamped
// line and every line is a raw line, so the narrowest envelope wins.
inline log_format most_specific(unsigned bits) noexcept {
  for (log_format f : {log_format::cri, log_format::docker_json, log_format::bracketed,
                       log_format::timestamped})
    if (bits & format_bit(f)) return f;
  return log_format::raw;
}

}  // namespace detail

// Guesses the envelope of one line: docker_json for a `{...}` line, else the
// most specific of cri, bracketed and timestamped that parses, else raw. A
// single line can mislead (a timestamped line whose message starts with
// "stdout F " reads as cri); format_detector decides over several lines.
// Allocates nothing.
inline log_format detect_format(std::string_view line, timestamp_options opts = {}) noexcept {
  return detail::most_specific(detail::consistent_formats(line, opts));
}

// Settles the envelope of a stream from its first lines. Each line narrows
// the set of formats that every line so far parses as; the answer is the
// most specific format in that set (cri, then docker_json, bracketed,
// timestamped, raw). It is settled after `lines_needed` lines, or as soon as
// only raw is left; lines after that are ignored, so one odd line later on
// cannot flip a decided stream. Empty lines carry no evidence and are
// skipped. Allocates nothing.
class format_detector {
 public:
  explicit format_detector(std::size_t lines_needed = 4, timestamp_options opts = {}) noexcept
      : needed_(lines_needed == 0 ? 1 : lines_needed), opts_(opts) {}

  // Takes one line (without its ending); returns settled().
  bool add(std::string_view line) noexcept {
    if (settled() || line.empty()) return settled();
    bits_ &= detail::consistent_formats(line, opts_);
    ++seen_;
    return settled();
  }
  bool settled() const noexcept {
    return seen_ >= needed_ || bits_ == detail::format_bit(log_format::raw);
  }
  // The best guess so far (raw before any line).
  log_format format() const noexcept {
    return seen_ == 0 ? log_format::raw : detail::most_specific(bits_);
  }
  std::size_t lines_seen() const noexcept { return seen_; }
  void reset() noexcept {
    bits_ = ~0u;
    seen_ = 0;
  }

 private:
  unsigned bits_ = ~0u;
  std::size_t seen_ = 0;
  std::size_t needed_;
  timestamp_options opts_;
};

}  // namespace sandlog

#endif  // SANDLOG_RECORD_HPP
