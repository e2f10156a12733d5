// sandlog: cri_joiner, which puts CRI partial fragments (`P` ... `F`) back
// together into whole messages, one open message per stream. Public names of
// record.hpp, which includes this header.
#ifndef SANDLOG_DETAIL_CRI_JOINER_HPP
#define SANDLOG_DETAIL_CRI_JOINER_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "../config.hpp"
#include "../error.hpp"
#include "../vocabulary.hpp"
#include "sink.hpp"

namespace sandlog {

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
  // error::line_too_long under overflow::fail, or the error the sink
  // returned to stop (the sink may return void or an error); the joiner then
  // stays failed until reset(). Else error::ok. Allocates only to grow a
  // stream's buffer, up to max_message bytes.
  template <class Sink>
  SANDLOG_FORCE_INLINE error add(const log_record& rec, Sink&& sink) {
    // The common case, a whole line with no message open and no failure,
    // costs one test of busy_ on top of the two the record always needs.
    if (SANDLOG_LIKELY(busy_ == 0 && !rec.partial && rec.message.size() <= options_.max_message)) {
      ++stats_.messages;
      const error e = detail::call_sink(sink, joined_record{plain(rec), 0});
      if (SANDLOG_UNLIKELY(e != error::ok)) return stop(e);
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
    if (SANDLOG_UNLIKELY(busy_ & failed_bit)) return failure_;
    for (stream_kind k : {stream_kind::out, stream_kind::err, stream_kind::unknown}) {
      slot& s = slots_[static_cast<std::size_t>(k)];
      if (!is_open(s)) continue;
      const bool go = s.skipping || emit(s, k, s.buf, line::unterminated, sink);
      close(s);
      s.buf.clear();
      if (!go) return stop(failure_);
    }
    return error::ok;
  }

  // Bytes held for unfinished messages (all streams).
  std::size_t buffered() const noexcept {
    return slots_[0].buf.size() + slots_[1].buf.size() + slots_[2].buf.size();
  }
  // error::line_too_long once overflow::fail has tripped, the error a sink
  // returned to stop the joiner, else error::ok.
  error last_error() const noexcept { return (busy_ & failed_bit) != 0 ? failure_ : error::ok; }
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
    failure_ = error::ok;
    stats_ = {};
  }

 private:
  // One per stream_kind (unknown, out, err).
  static constexpr std::size_t slot_count = static_cast<std::size_t>(stream_kind::err) + 1;

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
    if (SANDLOG_UNLIKELY(busy_ & failed_bit)) return failure_;
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
        const error e = detail::call_sink(sink, joined_record{plain(rec), 0});
        return e == error::ok ? e : stop(e);
      }
      busy_ = static_cast<std::uint8_t>(busy_ | open_bit(s));
      s.time = rec.time;
      s.has_time = rec.has_time;
    }
    if (!take(s, rec.stream, rec.message, last, sink)) return stop(failure_);
    return error::ok;
  }

  // Fails the joiner with `e` until reset(); returns e.
  error stop(error e) noexcept {
    failure_ = e;
    busy_ = static_cast<std::uint8_t>(busy_ | failed_bit);
    return e;
  }

  static log_record plain(const log_record& rec) noexcept {
    log_record r = rec;
    r.partial = false;
    return r;
  }

  // Hands one message or piece to the sink; false (failure_ set) when the
  // sink returned an error to stop.
  template <class Sink>
  bool emit(const slot& s, stream_kind k, std::string_view text, std::uint8_t flags, Sink& sink) {
    joined_record j;
    j.record.time = s.time;
    j.record.has_time = s.has_time;
    j.record.stream = k;
    j.record.partial = (flags & (line::continued | line::unterminated)) != 0;
    j.record.message = text;
    j.flags = flags;
    const error e = detail::call_sink(sink, static_cast<const joined_record&>(j));
    if (e == error::ok) return true;
    failure_ = e;
    return false;
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
  // limit; with `last` the message ends. Returns false when overflow::fail
  // trips or the sink stops (failure_ says which).
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
            if (!emit(s, k, s.buf, line::continued, sink)) return false;
            s.buf.clear();
            text.remove_prefix(room);
          }
          while (text.size() > max) {
            if (!emit(s, k, text.substr(0, max), line::continued, sink)) return false;
            text.remove_prefix(max);
          }
          break;
        case overflow::truncate: {
          bool go;
          if (have != 0) {
            append(s, text.substr(0, max - have));
            go = emit(s, k, s.buf, line::truncated, sink);
          } else {
            go = emit(s, k, text.substr(0, max), line::truncated, sink);
          }
          s.buf.clear();
          ++stats_.truncated;
          skip_rest(s, last);
          return go;
        }
        case overflow::discard:
          s.buf.clear();
          ++stats_.discarded;
          skip_rest(s, last);
          return true;
        case overflow::fail:
        default:
          s.buf.clear();
          busy_ = static_cast<std::uint8_t>(busy_ & ~open_bit(s));
          failure_ = error::line_too_long;
          return false;
      }
    }
    if (!last) {
      append(s, text);
      return true;
    }
    bool go;
    if (s.buf.empty()) {
      go = emit(s, k, text, 0, sink);
    } else {
      append(s, text);
      go = emit(s, k, s.buf, 0, sink);
      s.buf.clear();
    }
    close(s);
    return go;
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
  error failure_ = error::ok;  // why failed_bit is set
};

}  // namespace sandlog

#endif  // SANDLOG_DETAIL_CRI_JOINER_HPP
