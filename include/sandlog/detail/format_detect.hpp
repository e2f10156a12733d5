// sandlog: telling a stream's envelope from its lines — detect_format for
// one line, format_detector over the first lines of a stream. Public names of
// record.hpp, which includes this header.
#ifndef SANDLOG_DETAIL_FORMAT_DETECT_HPP
#define SANDLOG_DETAIL_FORMAT_DETECT_HPP

#include <cstddef>
#include <string_view>

#include "../config.hpp"
#include "../vocabulary.hpp"
#include "record_parse.hpp"

namespace sandlog {
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
    if (parse_line(line, log_format::bracketed, r, read_time{opts})) bits |= format_bit(log_format::bracketed);
    return bits;
  }
  if (parse_line(line, log_format::timestamped, r, read_time{opts})) {
    bits |= format_bit(log_format::timestamped);
    if (parse_line(line, log_format::cri, r, read_time{opts})) bits |= format_bit(log_format::cri);
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

#endif  // SANDLOG_DETAIL_FORMAT_DETECT_HPP
