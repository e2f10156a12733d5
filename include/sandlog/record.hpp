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
#include <string>
#include <string_view>

#include "config.hpp"
#include "error.hpp"
#include "timestamp.hpp"
#include "vocabulary.hpp"

namespace sandlog {
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

// How the parsers below read a timestamp: with parse_timestamp's options
// alone (parse_record), or also through a memo of the last whole second
// (record_parser). The two give the same result for every input.
struct read_time {
  timestamp_options opts;
  SANDLOG_FORCE_INLINE parse_result operator()(const char* p, const char* end,
                                               timestamp& t) const noexcept {
    return parse_timestamp(p, end, t, opts);
  }
};
struct read_time_memo {
  timestamp_options opts;
  timestamp_memo* memo;
  SANDLOG_FORCE_INLINE parse_result operator()(const char* p, const char* end,
                                               timestamp& t) const noexcept {
    return parse_timestamp(p, end, t, *memo, opts);
  }
};

// `<ts> <message>` or `<ts>`.
template <class ReadTime>
SANDLOG_FORCE_INLINE parse_result parse_timestamped(const char* p, const char* end, log_record& r,
                                                    ReadTime read) noexcept {
  parse_result t = read(p, end, r.time);
  if (!t) return t;
  if (!at_field_end(t.ptr, end)) return {t.ptr, error::missing_space};
  r.has_time = true;
  r.message = message_after(t.ptr, end);
  return {end, error::ok};
}

// The eight bytes at p, in memory order, for comparing with a literal.
SANDLOG_FORCE_INLINE std::uint64_t bytes8(const char* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}
SANDLOG_FORCE_INLINE std::uint16_t bytes2(const char* p) noexcept {
  std::uint16_t w;
  std::memcpy(&w, p, 2);
  return w;
}

// The CRI fields after the timestamp: where the message starts (or, on
// failure, where the line went wrong), the stream and the partial flag.
// Sixteen bytes, so that they come back in registers.
struct cri_fields {
  const char* at;
  error ec;
  stream_kind stream;
  bool partial;
};

// The CRI fields after the timestamp, which ends at p, in every shape the
// fast path in parse_cri leaves: a missing or doubled space, `P:tags`, an
// empty message without its space, and every error. Kept out of line so that
// parse_cri stays small enough to inline into the caller's line loop.
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline, cold))
#endif
inline cri_fields parse_cri_fields(const char* p, const char* end) noexcept {
  if (p == end || *p != ' ') return {p, error::missing_space, {}, false};
  ++p;
  if (end - p < 6) return {p, error::bad_stream, {}, false};
  stream_kind stream;
  if (std::memcmp(p, "stdout", 6) == 0) {
    stream = stream_kind::out;
  } else if (std::memcmp(p, "stderr", 6) == 0) {
    stream = stream_kind::err;
  } else {
    return {p, error::bad_stream, {}, false};
  }
  p += 6;
  if (p == end || *p != ' ') {
    // "stdoutx": a longer word is a bad stream, not a missing space
    return {p, p == end ? error::missing_space : error::bad_stream, {}, false};
  }
  ++p;
  if (p == end || (*p != 'P' && *p != 'F')) return {p, error::bad_cri_tag, {}, false};
  const bool partial = *p == 'P';
  ++p;
  if (p != end && *p == ':') {
    // further tags: any bytes up to the next space (kubelet reads only the first)
    const void* space = std::memchr(p, ' ', static_cast<std::size_t>(end - p));
    p = space ? static_cast<const char*>(space) : end;
  } else if (!at_field_end(p, end)) {
    return {p, error::bad_cri_tag, {}, false};
  }
  return {message_after(p, end).data(), error::ok, stream, partial};
}

// `<ts> <stdout|stderr> <P|F>[:tag...] <message>`, the message possibly empty
// (with or without its separating space). Writes `r` only on success, and
// never lets its address reach an out-of-line call: the caller's record can
// then live in registers.
template <class ReadTime>
SANDLOG_FORCE_INLINE parse_result parse_cri(const char* p, const char* end, log_record& r,
                                            ReadTime read) noexcept {
  timestamp time;
  const parse_result t = read(p, end, time);
  if (!t) return t;
  p = t.ptr;
  cri_fields f;
  // What kubelet and containerd write, " stdout F " and the like, is four
  // fixed 10-byte patterns: one word and one pair of bytes decide them.
  std::uint64_t word = 0;
  std::uint16_t tag = 0;
  if (SANDLOG_LIKELY(end - p >= 10)) {
    word = bytes8(p);
    tag = bytes2(p + 8);
  }
  const bool err = word == bytes8(" stderr ");
  const bool partial = tag == bytes2("P ");
  if (SANDLOG_LIKELY((word == bytes8(" stdout ") || err) && (tag == bytes2("F ") || partial))) {
    f = {p + 10, error::ok, err ? stream_kind::err : stream_kind::out, partial};
  } else {
    f = parse_cri_fields(p, end);
    if (f.ec != error::ok) return {f.at, f.ec};
  }
  r.time = time;
  r.has_time = true;
  r.stream = f.stream;
  r.partial = f.partial;
  r.message = std::string_view(f.at, static_cast<std::size_t>(end - f.at));
  return {end, error::ok};
}

// `[<ts>] <message>` or `[<ts>]`.
template <class ReadTime>
SANDLOG_FORCE_INLINE parse_result parse_bracketed(const char* p, const char* end, log_record& r,
                                                  ReadTime read) noexcept {
  if (p == end || *p != '[') return {p, error::bad_bracket};
  parse_result t = read(p + 1, end, r.time);
  if (!t) return t;
  p = t.ptr;
  if (p == end || *p != ']') return {p, error::bad_bracket};
  ++p;
  if (!at_field_end(p, end)) return {p, error::missing_space};
  r.has_time = true;
  r.message = message_after(p, end);
  return {end, error::ok};
}

// parse_record with the timestamp read by `read`.
template <class ReadTime>
SANDLOG_FORCE_INLINE parse_result parse_line(std::string_view line, log_format format,
                                             log_record& out, ReadTime read) noexcept {
  const char* const p = line.data();
  const char* const end = p + line.size();
  if (format == log_format::cri) return parse_cri(p, end, out, read);
  log_record r;
  parse_result res{p, error::ok};
  switch (format) {
    case log_format::raw:
      r.message = line;
      res.ptr = end;
      break;
    case log_format::timestamped: res = parse_timestamped(p, end, r, read); break;
    case log_format::bracketed: res = parse_bracketed(p, end, r, read); break;
    case log_format::cri:  // handled above
    case log_format::docker_json:
    default: return {p, error::unsupported_format};
  }
  if (res) out = r;
  return res;
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

// What cri_joiner does with messages longer than max_message bytes: the
// policies of the line splitter (sandlog::overflow), applied to the joined
// message.
struct joiner_options {
  std::size_t max_message = std::size_t{1} << 20;  // bytes; 0 acts as 1
  overflow on_overflow = overflow::split;
};

// One message put together by cri_joiner. `record.time` is the time of the
// message's first fragment; `record.partial` is true for a piece that is not
// the end of its message (flags `line::continued` or `line::unterminated`).
struct joined_record {
  log_record record;
  std::uint8_t flags = 0;  // line::continued, line::truncated, line::unterminated

  constexpr bool is_continued() const noexcept { return (flags & line::continued) != 0; }
  constexpr bool is_truncated() const noexcept { return (flags & line::truncated) != 0; }
  constexpr bool is_unterminated() const noexcept { return (flags & line::unterminated) != 0; }
};

// Counters since construction or the last reset().
struct joiner_stats {
  std::uint64_t messages = 0;   // messages ended (by F, by finish, or dropped)
  std::uint64_t split = 0;      // messages cut into pieces (overflow::split)
  std::uint64_t truncated = 0;  // messages cut short (overflow::truncate)
  std::uint64_t discarded = 0;  // messages dropped (overflow::discard)
};

// Reassembles CRI partial fragments (`P`, `P`, ..., `F`) into whole
// messages. Fragments of stdout and stderr may interleave: each stream has
// its own message in progress. A record that is not partial and has nothing
// pending is passed through as it is (its message still a view into the
// caller's line); otherwise the fragments are copied into that stream's
// reused buffer, which never holds more than max_message bytes. Once the
// buffers have grown, nothing allocates.
class cri_joiner {
 public:
  explicit cri_joiner(joiner_options options = {}) noexcept : options_(options) {
    if (options_.max_message == 0) options_.max_message = 1;
  }

  // Takes one decoded record (usually from parse_record with log_format::cri)
  // and calls sink(const joined_record&) for each message or piece it
  // completes. The views passed to the sink live until it returns: they point
  // into `rec.message` or into the joiner's buffer. Returns
  // error::line_too_long under overflow::fail (the joiner then stays failed
  // until reset()), else error::ok. Allocates only to grow a stream's buffer,
  // up to max_message bytes.
  template <class Sink>
  SANDLOG_FORCE_INLINE error add(const log_record& rec, Sink&& sink) {
    // The common case, a whole line with no message open and no failure,
    // costs one test of busy_ on top of the two the record always needs.
    if (SANDLOG_LIKELY(busy_ == 0 && !rec.partial && rec.message.size() <= options_.max_message)) {
      ++stats_.messages;
      sink(joined_record{plain(rec), 0});
      return error::ok;
    }
    // The fields one by one: were rec's address to reach an out-of-line
    // call, the caller's record would have to live in memory.
    return add_slow(rec.time, rec.has_time, rec.stream, rec.partial, rec.message, sink);
  }

  // Ends the stream: each message still waiting for its `F` is delivered,
  // flagged line::unterminated (stdout's, then stderr's, then unknown's).
  // Views live until the sink returns.
  template <class Sink>
  error finish(Sink&& sink) {
    if (SANDLOG_UNLIKELY(busy_ & failed_bit)) return error::line_too_long;
    for (stream_kind k : {stream_kind::out, stream_kind::err, stream_kind::unknown}) {
      slot& s = slots_[static_cast<std::size_t>(k)];
      if (!is_open(s)) continue;
      if (!s.skipping) emit(s, k, s.buf, line::unterminated, sink);
      close(s);
      s.buf.clear();
    }
    return error::ok;
  }

  // Bytes held for unfinished messages (all streams).
  std::size_t buffered() const noexcept {
    return slots_[0].buf.size() + slots_[1].buf.size() + slots_[2].buf.size();
  }
  // error::line_too_long once overflow::fail has tripped, else error::ok.
  error last_error() const noexcept {
    return (busy_ & failed_bit) != 0 ? error::line_too_long : error::ok;
  }
  const joiner_stats& stats() const noexcept { return stats_; }
  const joiner_options& options() const noexcept { return options_; }

  // Forgets unfinished messages, any error and the counters; keeps the
  // buffers' memory.
  void reset() noexcept {
    for (slot& s : slots_) {
      s.buf.clear();
      s.skipping = s.cut = false;
    }
    busy_ = 0;
    stats_ = {};
  }

 private:
  static constexpr std::size_t slot_count = 3;  // one per stream_kind

  struct slot {
    std::string buf;
    timestamp time{};
    bool has_time = false;
    bool skipping = false;  // dropping the rest of an overlong message
    bool cut = false;       // the open message has been split
  };

  // busy_ holds one bit per stream with a message open (a message has
  // started and not ended), and failed_bit once overflow::fail has tripped:
  // zero means every record that is not partial passes straight through.
  static constexpr std::uint8_t failed_bit = 1u << slot_count;
  std::uint8_t open_bit(const slot& s) const noexcept {
    return static_cast<std::uint8_t>(1u << (&s - slots_));
  }
  bool is_open(const slot& s) const noexcept { return (busy_ & open_bit(s)) != 0; }

  // Everything but the pass-through: fragments, overlong messages, a failed
  // joiner. Out of line so that add() inlines into the caller's loop.
  template <class Sink>
#if defined(__GNUC__) || defined(__clang__)
  __attribute__((noinline))
#endif
  error add_slow(timestamp time, bool has_time, stream_kind stream, bool partial,
                 std::string_view message, Sink& sink) {
    if (SANDLOG_UNLIKELY(busy_ & failed_bit)) return error::line_too_long;
    log_record rec;
    rec.time = time;
    rec.has_time = has_time;
    rec.stream = stream;
    rec.partial = partial;
    rec.message = message;
    slot& s = slots_[static_cast<std::size_t>(rec.stream) % slot_count];
    const bool last = !rec.partial;
    if (!is_open(s)) {
      if (last && rec.message.size() <= options_.max_message) {  // another stream is open
        ++stats_.messages;
        sink(joined_record{plain(rec), 0});
        return error::ok;
      }
      busy_ = static_cast<std::uint8_t>(busy_ | open_bit(s));
      s.time = rec.time;
      s.has_time = rec.has_time;
    }
    if (!take(s, rec.stream, rec.message, last, sink)) {
      busy_ = static_cast<std::uint8_t>(busy_ | failed_bit);
      return error::line_too_long;
    }
    return error::ok;
  }

  static log_record plain(const log_record& rec) noexcept {
    log_record r = rec;
    r.partial = false;
    return r;
  }

  template <class Sink>
  static void emit(const slot& s, stream_kind k, std::string_view text, std::uint8_t flags,
                   Sink& sink) {
    joined_record j;
    j.record.time = s.time;
    j.record.has_time = s.has_time;
    j.record.stream = k;
    j.record.partial = (flags & (line::continued | line::unterminated)) != 0;
    j.record.message = text;
    j.flags = flags;
    sink(static_cast<const joined_record&>(j));
  }

  void close(slot& s) noexcept {
    ++stats_.messages;
    if (s.cut) ++stats_.split;
    busy_ = static_cast<std::uint8_t>(busy_ & ~open_bit(s));
    s.skipping = s.cut = false;
  }

  // Appends without letting capacity run far past max_message.
  void append(slot& s, std::string_view text) {
    const std::size_t need = s.buf.size() + text.size();
    if (need > s.buf.capacity()) {
      std::size_t cap = s.buf.capacity() * 2;
      if (cap < need) cap = need;
      if (cap > options_.max_message) cap = options_.max_message;
      s.buf.reserve(cap);
    }
    s.buf.append(text);
  }

  // Adds one fragment's text to the open message of stream k, applying the
  // limit; with `last` the message ends. Returns false when overflow::fail trips.
  template <class Sink>
  bool take(slot& s, stream_kind k, std::string_view text, bool last, Sink& sink) {
    if (s.skipping) {
      if (last) close(s);
      return true;
    }
    const std::size_t max = options_.max_message;
    const std::size_t have = s.buf.size();
    if (text.size() > max - have) {
      switch (options_.on_overflow) {
        case overflow::split:
          s.cut = true;
          if (have != 0) {
            const std::size_t room = max - have;
            append(s, text.substr(0, room));
            emit(s, k, s.buf, line::continued, sink);
            s.buf.clear();
            text.remove_prefix(room);
          }
          while (text.size() > max) {
            emit(s, k, text.substr(0, max), line::continued, sink);
            text.remove_prefix(max);
          }
          break;
        case overflow::truncate:
          if (have != 0) {
            append(s, text.substr(0, max - have));
            emit(s, k, s.buf, line::truncated, sink);
          } else {
            emit(s, k, text.substr(0, max), line::truncated, sink);
          }
          s.buf.clear();
          ++stats_.truncated;
          skip_rest(s, last);
          return true;
        case overflow::discard:
          s.buf.clear();
          ++stats_.discarded;
          skip_rest(s, last);
          return true;
        case overflow::fail:
        default:
          s.buf.clear();
          busy_ = static_cast<std::uint8_t>(busy_ & ~open_bit(s));
          return false;
      }
    }
    if (!last) {
      append(s, text);
      return true;
    }
    if (s.buf.empty()) {
      emit(s, k, text, 0, sink);
    } else {
      append(s, text);
      emit(s, k, s.buf, 0, sink);
      s.buf.clear();
    }
    close(s);
    return true;
  }

  void skip_rest(slot& s, bool last) noexcept {
    if (last) {
      close(s);
    } else {
      s.skipping = true;
    }
  }

  joiner_options options_;
  slot slots_[slot_count];
  joiner_stats stats_;
  std::uint8_t busy_ = 0;
};

}  // namespace sandlog

#endif  // SANDLOG_RECORD_HPP
