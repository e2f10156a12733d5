// sandlog: one log line's envelope -> log_record.
//
// parse_record reads the plain-text envelopes that container runtimes and
// sandbox APIs put around a message (an RFC 3339 prefix, a CRI log line, a
// bracketed event) without copying: the message is a view into the line.
// detect_format and format_detector tell the envelope from the lines
// themselves. cri_joiner puts CRI partial fragments (`P`) back together.
// Docker json-file lines are decoded by json.hpp, which fills the same
// log_record.
//
// What this header provides, and where each piece is written:
//   stream_kind, log_format, log_record                 vocabulary.hpp
//   parse_record, record_parser                         below (the parsers:
//                                                       detail/record_parse.hpp)
//   detect_format, format_detector                      detail/format_detect.hpp
//   cri_joiner, joiner_options, joined_record,
//     joiner_stats                                      detail/cri_joiner.hpp
#ifndef SANDLOG_RECORD_HPP
#define SANDLOG_RECORD_HPP

#include <string_view>

#include "config.hpp"
#include "detail/cri_joiner.hpp"
#include "detail/format_detect.hpp"
#include "detail/record_parse.hpp"
#include "error.hpp"
#include "timestamp.hpp"
#include "vocabulary.hpp"

namespace sandlog {

// Decodes one line (without its line ending) written in `format` into `out`.
//   raw          always succeeds: the whole line is the message, no time,
//                stream unknown
//   timestamped  `<ts> <message>`; `<ts>` alone is an empty message
//   cri          `<ts> <stdout|stderr> <P|F>[:tags] <message>`; the message
//                may be empty, with or without the space before it
//   bracketed    `[<ts>] <message>`; `[<ts>]` alone is an empty message
//   docker_json  not decoded here (that needs json.hpp's event_decoder):
//                returns error::unsupported_format with nothing consumed
// On success returns {line end, error::ok} and overwrites every field of
// `out`; `out.message` is a view into `line`. On failure returns where the
// line went wrong and the error (the timestamp's own error, or
// missing_space, bad_stream, bad_cri_tag, bad_bracket), and leaves `out`
// untouched. Allocates nothing.
// (Forced inline so that a constant `format` leaves only its own parser
// behind, and the CRI line loop keeps the record in registers.)
SANDLOG_FORCE_INLINE parse_result parse_record(std::string_view line, log_format format,
                                               log_record& out,
                                               timestamp_options opts = {}) noexcept {
  return detail::parse_line(line, format, out, detail::read_time{opts});
}

// Decodes the lines of one stream, all in one envelope: parse_record with
// the format and options held here, plus a timestamp_memo, so that a line
// written in the same whole second as the line before it skips the calendar
// math. Each parse gives exactly what parse_record gives for that line,
// whatever came before. Copyable; allocates nothing.
class record_parser {
 public:
  explicit record_parser(log_format format, timestamp_options opts = {}) noexcept
      : format_(format), opts_(opts) {}

  // parse_record(line, format(), out, options()): the same result and the
  // same view lifetime (out.message points into `line`). Allocates nothing.
  SANDLOG_FORCE_INLINE parse_result parse(std::string_view line, log_record& out) noexcept {
    // CRI, the format of every Kubernetes node, inline; the others out of
    // line, so that their code and stack frame stay out of the CRI loop.
    if (SANDLOG_LIKELY(format_ == log_format::cri))
      return detail::parse_cri(line.data(), line.data() + line.size(), out,
                               detail::read_time_memo{opts_, &memo_});
    return parse_other(line, out);
  }

  log_format format() const noexcept { return format_; }
  const timestamp_options& options() const noexcept { return opts_; }
  // Forgets the remembered second (results never depend on it).
  void reset() noexcept { memo_.reset(); }

 private:
#if defined(__GNUC__) || defined(__clang__)
  __attribute__((noinline))
#endif
  parse_result parse_other(std::string_view line, log_record& out) noexcept {
    return detail::parse_line(line, format_, out, detail::read_time_memo{opts_, &memo_});
  }

  log_format format_;
  timestamp_options opts_;
  timestamp_memo memo_;
};

}  // namespace sandlog

#endif  // SANDLOG_RECORD_HPP
