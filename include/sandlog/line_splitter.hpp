// sandlog: chunks of bytes in, lines out.
//
// A line_splitter turns a byte stream delivered in arbitrary chunks into
// lines. Lines wholly inside a chunk come out as views into that chunk; only a
// line that spans chunks is copied, into one reused carry buffer that never
// grows past max_line bytes. Output is the same for every way of cutting the
// stream into chunks, including the overflow pieces of long lines.
//
// Terminators are found 64 bytes at a time: a block becomes a bit mask of
// terminator positions (AVX2, SSE2, or a portable loop under SANDLOG_NO_SIMD)
// and each set bit is one line, so lines inside a chunk cost one sink call.
// line_ending, overflow, line, line_options and line_stats are in
// vocabulary.hpp; the kernels, the choice among them, the carry buffer and
// the loops are in detail/line_kernels.hpp, line_dispatch.hpp,
// carry_buffer.hpp and line_engine.hpp.
#ifndef SANDLOG_LINE_SPLITTER_HPP
#define SANDLOG_LINE_SPLITTER_HPP

#include <cstddef>
#include <string_view>

#include "config.hpp"
#include "detail/line_engine.hpp"
#include "error.hpp"
#include "vocabulary.hpp"

namespace sandlog {

class line_splitter : private detail::line_engine {
 public:
  // Allocates nothing until a line spans two chunks.
  explicit line_splitter(line_options options = {}) noexcept : line_engine(options) {}

  // Splits `chunk` and calls sink(const line&) for each line it completes.
  // A view lives until the sink returns: it points into `chunk` or into the
  // carry buffer. A line that `chunk` leaves open is kept (at most max_line
  // bytes) for the next call. Returns error::line_too_long under
  // overflow::fail, after delivering every line before the offending one;
  // the splitter then stays failed until reset(). The sink may return void,
  // or an error: one other than error::ok stops the splitter at once, and
  // feed() returns it (and so do later calls, until reset()). Allocates only
  // to grow the carry buffer (up to max_line bytes), never per line once warm.
  template <class Sink>
  error feed(std::string_view chunk, Sink&& sink) {
    if (SANDLOG_UNLIKELY(error_ != error::ok)) return error_;
    stats_.bytes += chunk.size();
    carry_.compact();
    return dispatch(chunk.data(), chunk.data() + chunk.size(), sink);
  }

  // Ends the stream: delivers the open line, if any, flagged unterminated.
  // An empty stream, or one that ends with a terminator, gives no line.
  // Afterwards the splitter starts a new stream (the counters carry on).
  template <class Sink>
  error finish(Sink&& sink) {
    if (SANDLOG_UNLIKELY(error_ != error::ok)) return error_;
    carry_.compact();
    const error e = flush_tail(sink);
    pull_ = {};
    pull_end_ = false;
    return e;
  }

  // The bytes of the line the stream has left open so far (a prompt, a line
  // a writer's buffer cut): a view into the carry buffer, valid until the
  // next call. Empty when no line is open.
  std::string_view open_line() const noexcept { return open_text(); }

  // Delivers the open line now, flagged continued, for a caller that must
  // not hold it longer (a follower whose writer has gone quiet). The rest of
  // the line, when it comes, is the line's next piece, exactly as after a
  // max_line cut. No call when no line is open. Push style only.
  template <class Sink>
  error release(Sink&& sink) {
    return release_open(sink);
  }

  // Pull style: hands `chunk` to next(). Views returned by next() live until
  // the following next(), push() or reset(); the chunk itself must stay
  // valid until next() has returned false. Call only once next() is false.
  void push(std::string_view chunk) noexcept {
    stats_.bytes += chunk.size();
    pull_ = chunk;
  }
  // Pull style: marks the end of the stream, so next() also yields the open
  // line (flagged unterminated).
  void push_end() noexcept { pull_end_ = true; }

  // Pull style: stores the next line in `out` and returns true, or returns
  // false when the pushed chunk is used up (or on error: see last_error()).
  // Gives exactly the lines feed()/finish() would, in the same order.
  bool next(line& out) {
    if (error_ != error::ok) return false;
    carry_.compact();
    capture sink{&out, false};
    while (!sink.got) {
      // A held '\r' that turns out to be text may complete a piece: that
      // piece is this step's line, so the byte after it waits for the next.
      if (held_cr_ && (pull_.empty() ? pull_end_ : pull_.front() != '\n')) {
        held_cr_ = false;
        if (!take("\r", 1, false, 0, sink)) return false;
        continue;
      }
      if (pull_.empty()) {
        if (!pull_end_) return false;
        pull_end_ = false;
        flush_tail(sink);
        return sink.got;
      }
      const std::size_t n = pull_step();
      const char* p = pull_.data();
      pull_.remove_prefix(n);
      if (dispatch(p, p + n, sink) != error::ok) return false;
    }
    return true;
  }

  // error::line_too_long once overflow::fail has tripped, the error a sink
  // returned to stop the splitter, else error::ok.
  error last_error() const noexcept { return error_; }

  // Bytes of the open line held in the carry buffer: at most max_line + 1.
  std::size_t buffered() const noexcept { return buffered_bytes(); }

  const line_stats& stats() const noexcept { return stats_; }
  const line_options& options() const noexcept { return options_; }

  // Forgets the open line, any error and the counters; keeps the options
  // and the carry buffer's memory.
  void reset() noexcept {
    carry_.clear();
    held_cr_ = swallow_lf_ = skipping_ = cut_ = released_ = false;
    error_ = error::ok;
    pull_ = {};
    pull_end_ = false;
    stats_ = {};
  }
};

}  // namespace sandlog

#endif  // SANDLOG_LINE_SPLITTER_HPP
