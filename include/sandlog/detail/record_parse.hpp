// sandlog: the envelope parsers behind parse_record and record_parser —
// timestamped, CRI and bracketed lines, each reading its timestamp through a
// policy (with or without a memo), all forced inline so that a caller's line
// loop keeps its record in registers.
#ifndef SANDLOG_DETAIL_RECORD_PARSE_HPP
#define SANDLOG_DETAIL_RECORD_PARSE_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "../config.hpp"
#include "../error.hpp"
#include "../timestamp.hpp"
#include "../vocabulary.hpp"
#include "swar.hpp"

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
}  // namespace sandlog

#endif  // SANDLOG_DETAIL_RECORD_PARSE_HPP
