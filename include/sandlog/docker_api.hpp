// sandlog: the body of Docker's `GET /containers/ID/logs` -> records.
//
// For a container without a TTY the body is the multiplexed stream of
// docker.hpp, one frame per log message: a whole line ending in '\n', or one
// of the 16 KiB fragments Docker cuts long lines into (no '\n'). Asked with
// `timestamps=1`, Docker puts `RFC3339Nano ` before every frame's payload,
// so a long line's later fragments carry a timestamp in the middle of the
// line. docker_api_decoder removes each frame's timestamp, splits each
// stream's bytes into lines at '\n' and gives every line the time of the
// frame that held its first byte. A TTY container's body is raw terminal
// bytes with no frames; detect_body() tells the two apart.
#ifndef SANDLOG_DOCKER_API_HPP
#define SANDLOG_DOCKER_API_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "config.hpp"
#include "docker.hpp"
#include "error.hpp"
#include "line_splitter.hpp"
#include "record.hpp"
#include "timestamp.hpp"

namespace sandlog {

// What the start of a logs body says about its framing.
enum class body_kind : std::uint8_t {
  undecided,    // too few bytes to tell (fewer than 8, all consistent with a header)
  multiplexed,  // every frame header that fits in the bytes given is valid
  raw           // not a frame header: a TTY body (or not Docker at all)
};

// Looks at the first bytes of a logs body. A header is valid when its type
// is 0..3 and its padding bytes 1..3 are zero; every header that lies within
// `head` (following the lengths) is checked, so a longer head gives a surer
// answer. An 8-byte prefix of a TTY body passes only if it starts with a
// byte 0..3 followed by three NULs. Allocates nothing.
inline body_kind detect_body(std::string_view head) noexcept {
  std::size_t at = 0;
  bool seen = false;
  while (at < head.size()) {
    const std::size_t left = head.size() - at;
    const std::size_t n = left < 4 ? left : 4;
    const char* h = head.data() + at;
    if (static_cast<std::uint8_t>(h[0]) > 3) return body_kind::raw;
    for (std::size_t i = 1; i < n; ++i)
      if (h[i] != 0) return body_kind::raw;
    if (left < 8) break;
    seen = true;
    const std::uint64_t len = (std::uint64_t{static_cast<std::uint8_t>(h[4])} << 24) |
                              (std::uint64_t{static_cast<std::uint8_t>(h[5])} << 16) |
                              (std::uint64_t{static_cast<std::uint8_t>(h[6])} << 8) |
                              std::uint64_t{static_cast<std::uint8_t>(h[7])};
    if (len > head.size() - at - 8) break;
    at += 8 + static_cast<std::size_t>(len);
  }
  return seen ? body_kind::multiplexed : body_kind::undecided;
}

struct api_options {
  // The body was asked for with timestamps=1: every non-empty frame must
  // start with an RFC 3339 timestamp and one space.
  bool timestamps = false;
  // Lines longer than this follow on_overflow (the pieces of a split line
  // carry line::continued), as for cri_joiner.
  std::size_t max_line = std::size_t{1} << 20;
  overflow on_overflow = overflow::split;
};

// Decodes a logs body fed in chunks of any size into one joined_record per
// line, per stream, in the order the lines end. record.message is the line
// without its '\n' (a '\r' before it is kept: Docker splits at '\n' only);
// record.stream is out or err (stdin frames count as out); record.time and
// has_time are the leading timestamp of the frame that held the line's first
// byte (or its '\n', for an empty line), with timestamps set. The output does
// not depend on where the chunks were cut.
//
// Errors are sticky until reset(); all lines that ended before the bad byte
// were delivered, and finish() still delivers the open lines. error_offset()
// is the stream offset of the frame header at fault, or of the bad timestamp:
//   bad_frame_type   not a multiplexed body (a TTY body), or garbage
//   daemon_error     a type-3 frame; its text is error_message()
//   truncated_frame  the body ended inside a header or a payload (a header
//                    whose length runs past the end)
//   timestamp errors (bad_year, ..., missing_space) with timestamps set: a
//                    frame that does not start with `RFC3339 `
//   line_too_long    overflow::fail (the offset of the frame that made the
//                    line too long)
// Memory: each stream's buffer of at most max_line bytes, the demuxer's
// error text and 36 bytes for a timestamp cut by a chunk boundary; nothing
// per line once warm.
class docker_api_decoder {
 public:
  explicit docker_api_decoder(api_options options = {}) noexcept
      : options_(options), joiner_(joiner_options{options.max_line, options.on_overflow}) {}

  // Consumes `chunk` and calls sink(const joined_record&) for each line
  // completed. Views live until the sink returns.
  template <class Sink>
  error feed(std::string_view chunk, Sink&& sink) {
    if (SANDLOG_UNLIKELY(error_ != error::ok)) return error_;
    const error e = demux_.feed(chunk, [&](const frame_piece& piece) { return on_piece(piece, sink); });
    if (e != error::ok && error_ == error::ok) {
      error_ = e;
      // The demuxer stops at the end of the header or payload it rejected;
      // the fault is the frame that began at the last boundary.
      error_offset_ = frame_start_;
    }
    return error_;
  }

  // Ends the body: delivers each stream's open line (stdout's first),
  // flagged line::unterminated, even after an error, then returns the first
  // error met, error::truncated_frame when the body stopped inside a frame,
  // or error::ok.
  template <class Sink>
  error finish(Sink&& sink) {
    if (error_ == error::ok && demux_.finish() != error::ok) {
      error_ = error::truncated_frame;
      error_offset_ = frame_start_;
    }
    const error j = joiner_.finish(sink);
    if (error_ == error::ok && j != error::ok) {
      error_ = j;
      error_offset_ = demux_.consumed();
    }
    return error_;
  }

  error last_error() const noexcept { return error_; }
  std::uint64_t error_offset() const noexcept { return error_offset_; }
  // The daemon's error text after error::daemon_error.
  std::string_view error_message() const noexcept { return demux_.error_message(); }
  std::uint64_t consumed() const noexcept { return demux_.consumed(); }
  std::uint64_t frames() const noexcept { return frames_; }
  // Bytes held for open lines and a cut timestamp.
  std::size_t buffered() const noexcept { return joiner_.buffered() + ts_have_; }
  const api_options& options() const noexcept { return options_; }

  // Forgets all state and errors; keeps the buffers' memory.
  void reset() noexcept {
    demux_.reset();
    joiner_.reset();
    error_ = error::ok;
    error_offset_ = 0;
    frame_start_ = 0;
    frames_ = 0;
    ts_have_ = 0;
    ts_pending_ = false;
    time_ = {};
  }

 private:
  // RFC 3339 with nine fraction digits and an offset is 35 bytes; the space
  // makes 36.
  static constexpr std::size_t ts_room = max_timestamp_chars + 1;

  template <class Sink>
  error on_piece(const frame_piece& piece, Sink& sink) {
    std::string_view data = piece.data;
    if (piece.first) {
      frame_start_ = demux_.consumed() - data.size() - 8;
      ++frames_;
      ts_pending_ = options_.timestamps && !(piece.last && data.empty());
      ts_have_ = 0;
    }
    if (ts_pending_) {
      if (error e = strip_timestamp(data, piece.last); e != error::ok) return fail(e, bad_at_);
      if (ts_pending_) return after_piece(piece);
    }
    const stream_kind k = piece.stream;
    while (!data.empty()) {
      const void* nl = std::memchr(data.data(), '\n', data.size());
      log_record rec;
      rec.time = time_;
      rec.has_time = options_.timestamps;
      rec.stream = k;
      if (nl == nullptr) {
        rec.partial = true;
        rec.message = data;
        data = {};
      } else {
        const auto n = static_cast<std::size_t>(static_cast<const char*>(nl) - data.data());
        rec.message = data.substr(0, n);
        data.remove_prefix(n + 1);
      }
      // The frame, not the piece: which frame a line outgrows max_line in
      // does not depend on the chunking.
      if (error e = joiner_.add(rec, sink); e != error::ok) return fail(e, frame_start_);
    }
    return after_piece(piece);
  }

  error after_piece(const frame_piece& piece) noexcept {
    if (piece.last) frame_start_ = demux_.consumed();
    return error::ok;
  }

  error fail(error e, std::uint64_t at) noexcept {
    error_ = e;
    error_offset_ = at;
    return e;
  }

  // Takes the frame's leading `timestamp ` off `data`: in place when the
  // space is in this piece and nothing was gathered, else through ts_buf_.
  // Leaves ts_pending_ set while the space has not arrived yet.
  error strip_timestamp(std::string_view& data, bool last_piece) noexcept {
    const std::size_t payload_at = frame_start_ + 8;
    if (ts_have_ == 0) {
      const std::size_t look = data.size() < ts_room ? data.size() : ts_room;
      const void* sp = std::memchr(data.data(), ' ', look);
      if (sp != nullptr) {
        const char* s = static_cast<const char*>(sp);
        const error e = read_time(data.data(), s, payload_at);
        if (e != error::ok) return e;
        data.remove_prefix(static_cast<std::size_t>(s - data.data()) + 1);
        ts_pending_ = false;
        return error::ok;
      }
    }
    const std::size_t room = ts_room - ts_have_;
    const std::size_t look = data.size() < room ? data.size() : room;
    const void* sp = std::memchr(data.data(), ' ', look);
    const std::size_t n = sp ? static_cast<std::size_t>(static_cast<const char*>(sp) - data.data()) : look;
    std::memcpy(ts_buf_ + ts_have_, data.data(), n);
    ts_have_ += n;
    if (sp != nullptr) {
      const error e = read_time(ts_buf_, ts_buf_ + ts_have_, payload_at);
      if (e != error::ok) return e;
      data.remove_prefix(n + 1);
      ts_pending_ = false;
      return error::ok;
    }
    data = {};
    if (ts_have_ == ts_room || last_piece) {
      // No space in reach: report what the bytes are wrong about.
      const error e = read_time(ts_buf_, ts_buf_ + ts_have_, payload_at);
      if (e != error::ok) return e;
      bad_at_ = payload_at + ts_have_;
      return error::missing_space;
    }
    return error::ok;
  }

  // Parses [first, end) as the whole timestamp; on failure bad_at_ is the
  // stream offset where it went wrong.
  error read_time(const char* first, const char* end, std::uint64_t payload_at) noexcept {
    timestamp t;
    const parse_result r = parse_timestamp(first, end, t);
    error e = r.ec;
    if (e == error::ok && r.ptr != end) e = error::missing_space;
    if (e != error::ok) {
      bad_at_ = payload_at + static_cast<std::uint64_t>(r.ptr - first);
      return e;
    }
    time_ = t;
    return error::ok;
  }

  api_options options_;
  docker_demuxer demux_;
  cri_joiner joiner_;
  error error_ = error::ok;
  std::uint64_t error_offset_ = 0;
  std::uint64_t frame_start_ = 0;  // stream offset of the current (or next) frame's header
  std::uint64_t frames_ = 0;
  std::uint64_t bad_at_ = 0;       // where the last timestamp went wrong
  timestamp time_{};               // the current frame's timestamp
  bool ts_pending_ = false;        // the current frame's timestamp has not been read yet
  std::size_t ts_have_ = 0;
  char ts_buf_[ts_room] = {};
};

}  // namespace sandlog

#endif  // SANDLOG_DOCKER_API_HPP
