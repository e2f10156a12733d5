// sandlog: Docker's multiplexed attach/logs stream -> (stream, payload) pieces.
//
// When a container has no TTY, `GET /containers/ID/logs` and `/attach` send
// stdout and stderr interleaved in frames: an 8-byte header
// [type, 0, 0, 0, length as u32 big-endian] followed by `length` payload bytes.
// Frames are not line-aligned and may be up to 4 GiB, so the demuxer never
// buffers a payload: it hands each frame out in pieces, each a view into the
// chunk being fed, as the bytes arrive. Only the 8 header bytes (which may be
// split anywhere across chunks) and the daemon's error message are copied.
//
// docker_line_splitter runs each stream's payload through its own
// line_splitter, so one call gives a caller whole stdout and stderr lines.
#ifndef SANDLOG_DOCKER_HPP
#define SANDLOG_DOCKER_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "config.hpp"
#include "detail/sink.hpp"
#include "error.hpp"
#include "line_splitter.hpp"
#include "vocabulary.hpp"

namespace sandlog {

// One piece of a frame's payload. A frame arrives as one or more pieces in
// order; `first` marks its first piece and `last` its final one (a frame that
// lies inside one chunk is a single piece with both set; an empty frame is a
// single empty piece with both set).
struct frame_piece {
  stream_kind stream;    // stdin frames (type 0) are reported as stream_kind::out
  std::string_view data; // a view into the chunk passed to feed(); lives as long as it
  bool first;
  bool last;
};

// Splits a multiplexed stream into frame pieces. Feed chunks of any size in
// order; the output does not depend on where the chunks were cut (only on how
// each frame's payload is divided into pieces, which follows the chunks).
//
// Errors are sticky: once feed() or finish() returns one, every later call
// returns it again without reading input, until reset().
//   bad_frame_type   a header's type byte is not 0..3 or its padding bytes
//                    (1..3) are not zero: the input is not a multiplexed
//                    stream (a TTY container's stream is raw bytes)
//   daemon_error     a type-3 frame: the daemon gave up; its payload is in
//                    error_message()
//   truncated_frame  finish() was called inside a header or a payload
// Allocates nothing, except up to max_error_message bytes for the text of a
// daemon error.
class docker_demuxer {
 public:
  // The longest daemon error message kept; the rest of that frame is read
  // and dropped (error_message_truncated() then says so).
  static constexpr std::size_t max_error_message = 4096;

  docker_demuxer() noexcept = default;

  // Consumes `chunk`, calling `sink(const frame_piece&)` for each payload
  // piece in it. The sink may return void or an `error`; a non-ok error
  // stops the demuxer and is returned (sticky). Returns error::ok or the
  // first error met. Piece views live as long as `chunk`.
  template <class Sink>
  error feed(std::string_view chunk, Sink&& sink) {
    if (SANDLOG_UNLIKELY(error_ != error::ok)) return error_;
    const char* p = chunk.data();
    const char* const end = p + chunk.size();
    while (p != end) {
      if (remaining_ == 0 && !in_payload_) {
        const char* header;
        if (header_have_ == 0 && static_cast<std::size_t>(end - p) >= header_size) {
          header = p;  // the common case: the whole header is in this chunk
          p += header_size;
        } else {
          const std::size_t want = header_size - header_have_;
          const std::size_t got = static_cast<std::size_t>(end - p) < want
                                      ? static_cast<std::size_t>(end - p)
                                      : want;
          std::memcpy(header_ + header_have_, p, got);
          header_have_ += got;
          p += got;
          if (header_have_ < header_size) break;
          header = header_;
        }
        consumed_ += header_size;
        header_have_ = 0;
        if (error e = start_frame(header); e != error::ok) return error_ = e;
        if (remaining_ == 0) {  // an empty frame
          in_payload_ = false;
          if (type_ == daemon_error_type) return error_ = error::daemon_error;
          if (error e = detail::call_sink(sink, frame_piece{stream_, {}, true, true});
              e != error::ok)
            return error_ = e;
        }
        continue;
      }
      const std::size_t left = static_cast<std::size_t>(end - p);
      const std::size_t n =
          remaining_ < left ? static_cast<std::size_t>(remaining_) : left;
      remaining_ -= n;
      consumed_ += n;
      const bool last = remaining_ == 0;
      const bool first = first_piece_;
      first_piece_ = false;
      const std::string_view data(p, n);
      p += n;
      if (last) in_payload_ = false;
      if (SANDLOG_UNLIKELY(type_ == daemon_error_type)) {
        keep_error_text(data);
        if (last) return error_ = error::daemon_error;
        continue;
      }
      if (error e = detail::call_sink(sink, frame_piece{stream_, data, first, last});
          e != error::ok)
        return error_ = e;
    }
    return error::ok;
  }

  // Ends the stream: error::truncated_frame if it stopped inside a frame (or
  // inside a header), else error::ok (or the sticky error). Never drops a
  // partial frame silently. Allocates nothing.
  error finish() noexcept {
    if (error_ != error::ok) return error_;
    if (header_have_ != 0 || in_payload_) return error_ = error::truncated_frame;
    return error::ok;
  }

  // The daemon's error text (the payload of a type-3 frame, at most
  // max_error_message bytes), or empty. Lives until reset() or destruction.
  std::string_view error_message() const noexcept { return error_text_; }
  bool error_message_truncated() const noexcept { return error_text_truncated_; }

  // Stream bytes consumed so far (headers and payload); after an error, the
  // offset just past the header or payload bytes that were read.
  std::uint64_t consumed() const noexcept { return consumed_; }

  // True between frames (no header byte or payload byte pending).
  bool at_frame_boundary() const noexcept { return header_have_ == 0 && !in_payload_; }

  // Forgets all state, including a sticky error; keeps the error-text buffer.
  void reset() noexcept {
    header_have_ = 0;
    in_payload_ = false;
    first_piece_ = false;
    type_ = 0;
    stream_ = stream_kind::out;
    remaining_ = 0;
    consumed_ = 0;
    error_ = error::ok;
    error_text_.clear();
    error_text_truncated_ = false;
  }

 private:
  static constexpr std::size_t header_size = 8;
  static constexpr std::uint8_t daemon_error_type = 3;

  error start_frame(const char* h) noexcept {
    const auto type = static_cast<std::uint8_t>(h[0]);
    // Docker's own client ignores bytes 1..3; insisting on zeros is what
    // tells a raw (TTY) stream or garbage from a multiplexed one early.
    if (type > daemon_error_type || h[1] != 0 || h[2] != 0 || h[3] != 0)
      return error::bad_frame_type;
    remaining_ = (std::uint32_t{static_cast<std::uint8_t>(h[4])} << 24) |
                 (std::uint32_t{static_cast<std::uint8_t>(h[5])} << 16) |
                 (std::uint32_t{static_cast<std::uint8_t>(h[6])} << 8) |
                 std::uint32_t{static_cast<std::uint8_t>(h[7])};
    type_ = type;
    stream_ = type == 2 ? stream_kind::err : stream_kind::out;
    in_payload_ = remaining_ != 0;
    first_piece_ = true;
    if (type == daemon_error_type) {
      error_text_.clear();
      error_text_truncated_ = false;
    }
    return error::ok;
  }

  void keep_error_text(std::string_view data) {
    const std::size_t room = max_error_message - error_text_.size();
    if (data.size() > room) {
      error_text_truncated_ = true;
      data = data.substr(0, room);
    }
#if SANDLOG_HAS_EXCEPTIONS
    try {
      error_text_.append(data);
    } catch (...) {
      error_text_truncated_ = true;  // out of memory: keep what we have
    }
#else
    error_text_.append(data);
#endif
  }

  char header_[header_size] = {};
  std::size_t header_have_ = 0;
  bool in_payload_ = false;
  bool first_piece_ = false;
  std::uint8_t type_ = 0;
  stream_kind stream_ = stream_kind::out;
  std::uint64_t remaining_ = 0;
  std::uint64_t consumed_ = 0;
  error error_ = error::ok;
  std::string error_text_;
  bool error_text_truncated_ = false;
};

// A demuxer whose stdout and stderr payloads each run through their own
// line_splitter: feed it the multiplexed bytes, get whole lines of both
// streams, in the order their last bytes arrived. Frames are not
// line-aligned, so a line may span frames (and chunks) of its stream; a
// line of the other stream may complete while it is open.
// Memory: the two splitters' carry buffers (each at most max_line bytes)
// and the demuxer's error text; nothing per line once warm.
class docker_line_splitter {
 public:
  explicit docker_line_splitter(line_options options = {}) noexcept
      : out_(options), err_(options) {}

  // Consumes `chunk` and calls sink(stream_kind, const line&) for each line
  // completed (stream_kind::out or ::err). Views live until the sink returns.
  // Returns error::ok, a demuxer error (bad_frame_type, daemon_error),
  // error::line_too_long under overflow::fail, or the error the sink
  // returned to stop (the sink may return void or an error); every error is
  // sticky.
  template <class Sink>
  error feed(std::string_view chunk, Sink&& sink) {
    return demux_.feed(chunk, [&](const frame_piece& piece) {
      const stream_kind k = piece.stream;
      return splitter(k).feed(piece.data,
                              [&](const line& l) { return detail::call_sink(sink, k, l); });
    });
  }

  // Ends the stream: delivers each stream's open line (stdout's first),
  // flagged line::unterminated, even when the stream ended badly, then
  // returns the demuxer's verdict (truncated_frame, daemon_error, ...) or
  // error::ok. A sink that stops on stdout's line is not given stderr's, and
  // its error is returned. Views live until the sink returns.
  template <class Sink>
  error finish(Sink&& sink) {
    const error framing = demux_.finish();
    error stopped = error::ok;
    auto to = [&](stream_kind k) {
      return [&, k](const line& l) { return stopped = detail::call_sink(sink, k, l); };
    };
    const error out = out_.finish(to(stream_kind::out));
    if (stopped != error::ok) return stopped;
    const error err = err_.finish(to(stream_kind::err));
    if (stopped != error::ok) return stopped;
    if (framing != error::ok) return framing;
    return out != error::ok ? out : err;
  }

  // The demuxer (for error_message(), consumed()) and the two splitters
  // (for buffered(), stats()).
  const docker_demuxer& demuxer() const noexcept { return demux_; }
  const line_splitter& stdout_lines() const noexcept { return out_; }
  const line_splitter& stderr_lines() const noexcept { return err_; }

  // Forgets all state and errors; keeps the buffers' memory.
  void reset() noexcept {
    demux_.reset();
    out_.reset();
    err_.reset();
  }

 private:
  line_splitter& splitter(stream_kind k) noexcept { return k == stream_kind::err ? err_ : out_; }

  docker_demuxer demux_;
  line_splitter out_;
  line_splitter err_;
};

}  // namespace sandlog

#endif  // SANDLOG_DOCKER_HPP
