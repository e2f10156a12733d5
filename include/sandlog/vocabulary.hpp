// sandlog: the types the parts share — an instant and how to read one, a
// line and what to do with long ones, a record and the stream it came from.
//
// A part that only passes these values along includes this header rather
// than the part that produces them, so that (say) record.hpp does not drag
// in the line splitter's SIMD kernels. Nothing here does any work.
#ifndef SANDLOG_VOCABULARY_HPP
#define SANDLOG_VOCABULARY_HPP

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config.hpp"
#include "error.hpp"

#if SANDLOG_HAS_CPP20
#include <compare>
#endif

namespace sandlog {

// ---- instants (timestamp.hpp parses, formats and converts them) ----

// An instant with nanosecond resolution, plus the UTC offset it was written
// in. Comparisons look at the instant (seconds, nanos) only, so the same
// instant written in two offsets compares equal.
struct timestamp {
  std::int64_t seconds = 0;         // UTC seconds since 1970-01-01T00:00:00Z
  std::uint32_t nanos = 0;          // 0 .. 999'999'999
  std::int16_t offset_minutes = 0;  // the UTC offset as written (for re-formatting)
};

constexpr bool operator==(const timestamp& a, const timestamp& b) noexcept {
  return a.seconds == b.seconds && a.nanos == b.nanos;
}
constexpr bool operator!=(const timestamp& a, const timestamp& b) noexcept { return !(a == b); }
constexpr bool operator<(const timestamp& a, const timestamp& b) noexcept {
  return a.seconds < b.seconds || (a.seconds == b.seconds && a.nanos < b.nanos);
}
constexpr bool operator>(const timestamp& a, const timestamp& b) noexcept { return b < a; }
constexpr bool operator<=(const timestamp& a, const timestamp& b) noexcept { return !(b < a); }
constexpr bool operator>=(const timestamp& a, const timestamp& b) noexcept { return !(a < b); }
#if SANDLOG_HAS_CPP20
constexpr std::strong_ordering operator<=>(const timestamp& a, const timestamp& b) noexcept {
  if (auto c = a.seconds <=> b.seconds; c != 0) return c;
  return a.nanos <=> b.nanos;
}
#endif

// Which grammar parse_timestamp accepts.
enum class syntax : std::uint8_t {
  rfc3339,  // strict: YYYY-MM-DD(T|t)HH:MM:SS[.f+](Z|z|±HH:MM)
  iso8601,  // lenient: also the ISO 8601 forms in docs/timestamp.md
};

// What to do with a valid leap second (:60 where UTC reads 23:59:60).
enum class leap_second : std::uint8_t {
  clamp,        // 23:59:59.999999999 of that day: order with neighbours is kept
  reject,       // fail with error::leap_second
  next_second,  // :60 is the second after :59 (as timegm reads it); the fraction is kept
};

struct timestamp_options {
  syntax grammar = syntax::rfc3339;
  leap_second leap = leap_second::clamp;
  // iso8601 only: a time without an offset is read as UTC instead of failing
  // with error::bad_offset.
  bool assume_utc = false;
};

// ---- lines (line_splitter.hpp cuts them; cri_joiner and sse reuse the flags) ----

// Which bytes end a line.
enum class line_ending : std::uint8_t {
  lf,          // only "\n"; a "\r" stays in the text
  crlf_or_lf,  // "\n" or "\r\n" (one "\r" before the "\n" is removed)
  any          // "\r\n", "\r" or "\n" (Server-Sent Events)
};

// What happens to a line (or a joined message) longer than its limit.
enum class overflow : std::uint8_t {
  split,     // pieces of max_line bytes flagged continued, then the rest
  truncate,  // the first max_line bytes flagged truncated; the rest is dropped
  discard,   // the whole line is dropped (and counted)
  fail       // error::line_too_long; the splitter stays failed until reset()
};

// One line (or one piece of an overlong line), without its terminator.
struct line {
  static constexpr std::uint8_t continued = 1;     // more pieces of this line follow
  static constexpr std::uint8_t truncated = 2;     // bytes after this were dropped
  static constexpr std::uint8_t unterminated = 4;  // the stream ended without a terminator

  std::string_view text;
  std::uint8_t flags = 0;

  constexpr bool is_continued() const noexcept { return (flags & continued) != 0; }
  constexpr bool is_truncated() const noexcept { return (flags & truncated) != 0; }
  constexpr bool is_unterminated() const noexcept { return (flags & unterminated) != 0; }
};

// How a line_splitter cuts lines: the terminators, and the limit on a line.
struct line_options {
  std::size_t max_line = std::size_t{1} << 20;  // bytes of text, terminator excluded; 0 acts as 1
  line_ending ending = line_ending::crlf_or_lf;
  overflow on_overflow = overflow::split;
};

// What a line_splitter counted since construction or its last reset().
struct line_stats {
  std::uint64_t bytes = 0;      // bytes fed or pushed
  std::uint64_t lines = 0;      // lines ended (by a terminator or by finish), whatever the limit did
  std::uint64_t split = 0;      // lines cut into pieces (overflow::split)
  std::uint64_t truncated = 0;  // lines cut short (overflow::truncate)
  std::uint64_t discarded = 0;  // lines dropped (overflow::discard)
  std::size_t max_carry = 0;    // the most bytes buffered() ever reported
};

// ---- records (record.hpp and json.hpp decode them) ----

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

// One element of a log page: when, and the line as the server sent it. The
// view lives as long as whatever produced the entry says (see json.hpp).
struct log_entry {
  timestamp time;
  std::string_view line;
};

// One record as the reader delivers it: the decoded envelope, plus what a
// renderer or an error report needs. Views live until the sink returns (push
// style) or until the next call (pull style).
struct read_record : log_record {
  // The timestamp as written in the line, for printing it unchanged; empty
  // for docker_json, for untimed records and when keep_time_text is off.
  std::string_view time_text{};
  // docker_json only: the line's `attrs` object as written
  // (`{"tag":"web","env":"prod"}`: the labels, env and tag Docker was told to
  // log), empty when it has none. A joined message has its first fragment's.
  std::string_view attrs{};
  // The 1-based number, within the current input, of the line the record
  // starts on (its first fragment's line for a joined message).
  std::uint64_t line = 0;
  // line::continued: a piece of a message longer than max_line, more follows;
  // line::truncated; line::unterminated: the stream ended before the message
  // did (a last line without its newline, or a partial without its final).
  std::uint8_t flags = 0;
};

// One line that did not decode.
struct read_error {
  std::uint64_t line = 0;      // 1-based within the current input
  std::size_t column = 0;      // 0-based byte offset where it went wrong
  error ec = error::ok;
  log_format format = log_format::raw;  // the format it failed in
  std::string_view field{};    // the JSON member at fault, else empty
  std::string_view excerpt{};  // the line's first bytes, raw (at most excerpt_bytes)
};

inline constexpr std::size_t excerpt_bytes = 64;

// What pull-style next() produced.
enum class pulled : std::uint8_t { none, record, error };

}  // namespace sandlog

#endif  // SANDLOG_VOCABULARY_HPP
