// sandlog: the line splitter's engine — the state of the open line and the
// loops that deliver lines from a chunk.
//
// line_splitter (line_splitter.hpp) is this engine behind its public API.
// run() is the whole loop for one line ending and one kernel; dispatch()
// picks the copy of it compiled for the kernel the CPU runs (see
// line_dispatch.hpp); take() applies the overflow policy to an open line.
#ifndef SANDLOG_DETAIL_LINE_ENGINE_HPP
#define SANDLOG_DETAIL_LINE_ENGINE_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "../config.hpp"
#include "../error.hpp"
#include "../vocabulary.hpp"
#include "bits.hpp"
#include "carry_buffer.hpp"
#include "line_dispatch.hpp"
#include "line_kernels.hpp"
#include "sink.hpp"

namespace sandlog {
namespace detail {

class line_engine {
 protected:
  explicit line_engine(line_options options) noexcept
      : options_(options), simd_(line_simd_level()) {
    if (options_.max_line == 0) options_.max_line = 1;
  }

  // Bytes of the open line held: the carry buffer and a held '\r'.
  std::size_t buffered_bytes() const noexcept { return carry_.size() + (held_cr_ ? 1 : 0); }

  struct capture {
    line* out;
    bool got;
    void operator()(const line& l) noexcept {
      *out = l;
      got = true;
    }
  };

  template <class Sink>
  error dispatch(const char* p, const char* end, Sink& sink) {
    switch (options_.ending) {
      case line_ending::lf: return run_simd<line_ending::lf>(p, end, sink);
      case line_ending::crlf_or_lf: return run_simd<line_ending::crlf_or_lf>(p, end, sink);
      case line_ending::any: break;
    }
    return run_simd<line_ending::any>(p, end, sink);
  }

  // One switch per chunk into a copy of the whole loop compiled for the
  // chosen instruction set: the sink is inlined into each copy, and no
  // call is made per block or per line.
  template <line_ending E, class Sink>
  error run_simd(const char* p, const char* end, Sink& sink) {
#if SANDLOG_LINE_DISPATCH
    if (simd_ == detail::simd_level::avx512) return run_avx512<E>(p, end, sink);
#if !SANDLOG_HAS_AVX2
    if (simd_ == detail::simd_level::avx2) return run_avx2<E>(p, end, sink);
#endif
#endif
    return run<E, detail::simd_native>(p, end, sink);
  }

#if SANDLOG_LINE_DISPATCH
  // These two also carry a copy of the loop that prefetches, for big
  // chunks (see prefetch_from).
  template <line_ending E, class Sink>
  SANDLOG_TARGET_AVX2 error run_avx2(const char* p, const char* end, Sink& sink) {
    if (end - p >= prefetch_from) return run<E, detail::simd_avx2, true>(p, end, sink);
    return run<E, detail::simd_avx2>(p, end, sink);
  }
  template <line_ending E, class Sink>
  SANDLOG_TARGET_AVX512 error run_avx512(const char* p, const char* end, Sink& sink) {
    if (end - p >= prefetch_from) return run<E, detail::simd_avx512, true>(p, end, sink);
    return run<E, detail::simd_avx512>(p, end, sink);
  }
#endif

  std::size_t limit() const noexcept { return options_.max_line + 2; }

  void note_carry() noexcept {
    const std::size_t held = buffered_bytes();
    if (held > stats_.max_carry) stats_.max_carry = held;
  }

  void end_of_line() noexcept {
    ++stats_.lines;
    if (cut_) ++stats_.split;
    cut_ = false;
  }

  // Hands one line to the sink. A sink that returns an error other than
  // error::ok stops the splitter: the error sticks (error_) and false is
  // returned. For a sink that returns void this is the call alone.
  template <class Sink>
  SANDLOG_FORCE_INLINE bool deliver(Sink& sink, const line& l) {
    const error e = call_sink(sink, l);
    if (SANDLOG_LIKELY(e == error::ok)) return true;
    error_ = e;
    return false;
  }

  // Adds n bytes of text to the open line, applying the limit. With `last`
  // the line ends after them and its final piece is delivered with `flags`.
  // Returns false when overflow::fail trips or the sink stops (error_ says
  // which).
  template <class Sink>
  bool take(const char* s, std::size_t n, bool last, std::uint8_t flags, Sink& sink) {
    if (skipping_) {
      if (last) {
        skipping_ = false;
        end_of_line();
      }
      return true;
    }
    const std::size_t max = options_.max_line;
    const std::size_t have = carry_.size();
    if (n > max - have) {
      switch (options_.on_overflow) {
        case overflow::split: {
          cut_ = true;
          if (have != 0) {
            const std::size_t room = max - have;
            carry_.append(s, room, limit());
            if (!deliver(sink, line{std::string_view(carry_.data(), max), line::continued}))
              return false;
            carry_.consume();
            s += room;
            n -= room;
          }
          while (n > max) {
            if (!deliver(sink, line{std::string_view(s, max), line::continued})) return false;
            s += max;
            n -= max;
          }
          break;
        }
        case overflow::truncate: {
          bool go;
          if (have != 0) {
            carry_.append(s, max - have, limit());
            go = deliver(sink, line{std::string_view(carry_.data(), max), line::truncated});
          } else {
            go = deliver(sink, line{std::string_view(s, max), line::truncated});
          }
          carry_.consume();
          ++stats_.truncated;
          skip_rest(last);
          return go;
        }
        case overflow::discard:
          carry_.clear();
          ++stats_.discarded;
          skip_rest(last);
          return true;
        case overflow::fail:
          carry_.clear();
          error_ = error::line_too_long;
          return false;
      }
    }
    if (!last) {
      carry_.append(s, n, limit());
      note_carry();
      return true;
    }
    bool go;
    if (carry_.empty()) {
      go = deliver(sink, line{std::string_view(s, n), flags});
    } else {
      carry_.append(s, n, limit());
      note_carry();
      go = deliver(sink, line{std::string_view(carry_.data(), carry_.size()), flags});
      carry_.consume();
    }
    end_of_line();
    return go;
  }

  void skip_rest(bool last) noexcept {
    if (last) {
      end_of_line();
    } else {
      skipping_ = true;
    }
  }

  // Splits [p, end) under ending E with the kernel K.
  template <line_ending E, class K, bool Prefetch = false, class Sink>
  SANDLOG_FORCE_INLINE error run(const char* p, const char* end, Sink& sink) {
    if (p == end) return error::ok;
    // Settle what the previous chunk left undecided about its last byte.
    if (E == line_ending::any && swallow_lf_) {
      swallow_lf_ = false;
      if (*p == '\n' && ++p == end) return error::ok;
    }
    if (E == line_ending::crlf_or_lf && held_cr_) {
      held_cr_ = false;
      if (*p == '\n') {
        if (!take(p, 0, true, 0, sink)) return error_;
        if (++p == end) return error::ok;
      } else if (!take("\r", 1, false, 0, sink)) {
        return error_;
      }
    }
    const char* const first = p;
    scan_state st;
    // The open line, if any, ends at the first terminator. scan() goes on
    // from the block that held it, with the mask already computed, when
    // that block is aligned.
    if (skipping_ || !carry_.empty()) {
      const char* base = p;
      std::uint64_t mask = 0;
      const char* t = detail::find_terminator<E, K>(p, end, base, mask);
      if (t == end) return tail<E, K>(p, end, sink);
      if (!end_line<E, K>(p, t, end, sink)) return error_;
      if (p == end) return error::ok;
      // Under `any` a "\r\n" leaves the '\n' bit set; scan() skips bits before p.
      st = aligned(base) ? scan_state{p, end - base > 64 ? base + 64 : end, mask & (mask - 1),
                                      base, 0, nullptr}
                         : aligned_start<E, K>(p, end);
    } else {
      st = aligned_start<E, K>(p, end);
    }
    // Every line from here on starts in this chunk. scan() delivers the
    // usual ones; this loop handles what makes it stop.
    std::uint64_t lines = 0;
    for (;;) {
      const stop why = scan<E, K, Prefetch>(st, end, lines, sink);
      if (why == stop::quiet) {
        // 256 bytes without a terminator: a long line. The C library's
        // memchr (vectorised, with the widest instructions the CPU has,
        // chosen at run time) crosses the rest of it faster than our blocks.
        // The scan goes on from the '\n' it finds, aligned again.
        const void* t = std::memchr(st.block, '\n', static_cast<std::size_t>(end - st.block));
        if (t == nullptr) {
          st.block = end;
        } else {
          const scan_state from = aligned_start<E, K>(static_cast<const char*>(t), end);
          st.block = from.block;
          st.base = from.base;
          st.mask = from.mask;
        }
      } else if (why == stop::overlong) {
        if (!take(st.start, st.n, true, 0, sink)) {
          stats_.lines += lines;
          return error_;
        }
      } else if (why == stop::halt) {
        stats_.lines += lines;
        return error_;
      } else if (st.block != end) {
        const auto left = static_cast<std::size_t>(end - st.block);
        st.mask = K::template last<E>(st.block, left, first);
        st.base = st.block;
        st.block = end;
      } else {
        break;
      }
    }
    stats_.lines += lines;
    p = st.p;
    return p < end ? tail<E, K>(p, end, sink) : error::ok;
  }

  // Where scan() is: `p` starts the open line, `mask` holds the terminators
  // of the block at `base` not yet delivered, `block` is the next block to
  // search; [start, start + n) is the text of an overlong line.
  struct scan_state {
    const char* p;
    const char* block;
    std::uint64_t mask;
    const char* base;
    std::size_t n;
    const char* start;
  };
  enum class stop : std::uint8_t { end, quiet, overlong, halt };

  static bool aligned(const char* p) noexcept {
    return (reinterpret_cast<std::uintptr_t>(p) & 63) == 0;
  }

  // The scan from p, with every block load after the first on a 64-byte
  // boundary: from a chunk that starts at an odd address (a read into the
  // middle of a buffer, a --jobs block at a line start) each load would
  // otherwise straddle two cache lines, which costs a tenth of the speed.
  // The bytes up to the boundary take one unaligned load, of which only
  // their bits are kept. GCC 12 inlines this into callers that feed a
  // small array and warns of a load past it on a path where end - p < 64,
  // which the test excludes; the pragma silences that false report.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
#endif
  template <line_ending E, class K>
  SANDLOG_FORCE_INLINE static scan_state aligned_start(const char* p, const char* end) noexcept {
    scan_state st{p, p, 0, p, 0, nullptr};
    const auto head = static_cast<unsigned>(-reinterpret_cast<std::uintptr_t>(p) & 63);
    if (head != 0 && end - p >= 64) {
      st.mask = K::template mask<E>(p) & ((std::uint64_t{1} << head) - 1);
      st.block = p + head;
    }
    return st;
  }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

  // A chunk this big seldom sits in the core's cache: most come from a
  // mapped file, and the hardware prefetcher stops at every 4 KiB page of
  // it. The AVX2 and AVX-512 loops then ask for the bytes prefetch_ahead on
  // with each block, which took the command on a gigabyte CRI file from 250
  // to 200 ms. Smaller chunks, just written by a read, skip it: there the
  // extra instruction cost the 80-byte-line loop a quarter of its speed.
  static constexpr std::ptrdiff_t prefetch_from = std::ptrdiff_t{512} << 10;
  static constexpr std::uintptr_t prefetch_ahead = 2048;

  // The hot loop: delivers each line that ends in the whole 64-byte blocks
  // from st.block on as a view and a sink call. It makes no call of its own,
  // so the compiler can keep the sink's state in registers, and stops at the
  // last partial block (stop::end), after 256 bytes without a terminator
  // (stop::quiet, st.block past them), at a line longer than max_line
  // (stop::overlong, st.p past its terminator) or when the sink stops
  // (stop::halt, st.p past the line it was given).
  template <line_ending E, class K, bool Prefetch, class Sink>
  SANDLOG_FORCE_INLINE stop scan(scan_state& st, const char* end, std::uint64_t& lines,
                                 Sink& sink) {
    const std::size_t max = options_.max_line;
    const char* p = st.p;
    const char* block = st.block;
    const char* base = st.base;
    std::uint64_t mask = st.mask;
    stop why = stop::end;
    for (;;) {
      while (mask != 0) {
        const char* t = base + detail::lowest_bit(mask);
        mask &= mask - 1;
        if (E == line_ending::any && t < p) continue;  // the '\n' of a "\r\n" pair
        std::size_t n = 0;
        const char* start = p;
        p = past_terminator<E>(p, t, end, n);
        if (SANDLOG_UNLIKELY(n > max)) {
          st.start = start;
          st.n = n;
          why = stop::overlong;
          goto out;
        }
        const bool go = deliver(sink, line{std::string_view(start, n), 0});
        ++lines;
        if (SANDLOG_UNLIKELY(!go)) {
          why = stop::halt;
          goto out;
        }
      }
      if (end - block < 64) goto out;
      base = block;
      if (Prefetch) detail::prefetch_ahead(block, prefetch_ahead);
      mask = K::template mask<E>(block);
      block += 64;
      if (E != line_ending::any && mask == 0 && end - block >= 64) {
        // No terminator in 64 bytes. Up to three more are searched here:
        // log lines of 100 to 250 bytes are common, and a call to memchr
        // for their last bytes cost CRI decoding a sixth of its time.
        for (int more = 0; more < 3 && mask == 0 && end - block >= 64; ++more) {
          base = block;
          mask = K::template mask<E>(block);
          block += 64;
        }
        if (mask == 0) {
          why = stop::quiet;
          goto out;
        }
      }
    }
  out:
    st.p = p;
    st.block = block;
    st.base = base;
    st.mask = mask;
    return why;
  }

  // Ends the open line at the terminator byte *t and moves p past it.
  // Once per chunk when lines span chunks, so the usual case (the line fits)
  // is inline and take() handles the rest.
  template <line_ending E, class K, class Sink>
  SANDLOG_FORCE_INLINE bool end_line(const char*& p, const char* t, const char* end,
                                     Sink& sink) {
    std::size_t n = 0;
    const char* start = p;
    p = past_terminator<E>(p, t, end, n);
    if (SANDLOG_UNLIKELY(skipping_ || carry_.empty() || n > options_.max_line - carry_.size()))
      return take(start, n, true, 0, sink);
    carry_.append<K>(start, n, limit());
    note_carry();
    const bool go = deliver(sink, line{std::string_view(carry_.data(), carry_.size()), 0});
    // Only next() needs the view to outlive the sink call (see
    // carry_buffer); feed() starts the buffer over, so the next chunk's
    // compact() has nothing to move.
    if (std::is_same<Sink, capture>::value) {
      carry_.consume();
    } else {
      carry_.clear();
    }
    end_of_line();
    return go;
  }

  // For the line [p, t) ended by the terminator byte *t: sets n to its
  // length without the terminator and returns where the next line starts.
  // Under `any`, a "\r" also takes a "\n" that follows it in this chunk, or
  // leaves a note to swallow one at the start of the next.
  template <line_ending E>
  SANDLOG_FORCE_INLINE const char* past_terminator(const char* p, const char* t, const char* end,
                                                   std::size_t& n) noexcept {
    n = static_cast<std::size_t>(t - p);
    const char* next = t + 1;
    if (E == line_ending::crlf_or_lf) {
      if (n != 0 && t[-1] == '\r') --n;
    } else if (E == line_ending::any && *t == '\r') {
      if (next == end) {
        swallow_lf_ = true;
      } else if (*next == '\n') {
        ++next;
      }
    }
    return next;
  }

  // Keeps [p, end), which holds no terminator, as part of the open line.
  // Kept out of the loop's function: inlined, it costs the hot loop
  // registers (16B lines in 4 KiB chunks ran 5% slower).
  template <line_ending E, class K, class Sink>
  error tail(const char* p, const char* end, Sink& sink) {
    std::size_t n = static_cast<std::size_t>(end - p);
    // A final '\r' may be half of a "\r\n": decide when the next byte comes.
    if (E == line_ending::crlf_or_lf && !skipping_ && end[-1] == '\r') {
      --n;
      held_cr_ = true;
    }
    if (SANDLOG_LIKELY(!skipping_ && n <= options_.max_line - carry_.size())) {
      carry_.append<K>(p, n, limit());
      note_carry();
      return error::ok;
    }
    if (!take(p, n, false, 0, sink)) {
      held_cr_ = false;
      return error_;
    }
    if (held_cr_) note_carry();
    return error::ok;
  }

  // The open line so far, without a '\r' that may precede a '\n'.
  std::string_view open_text() const noexcept {
    if (skipping_) return {};
    return {carry_.data(), carry_.size()};
  }

  // Delivers the open line as a piece flagged continued: what follows, up to
  // the terminator, is the line's next piece, as after a max_line cut (but
  // not counted in stats().split, which counts lines over the limit).
  template <class Sink>
  error release_open(Sink& sink) {
    if (error_ != error::ok) return error_;
    if (skipping_ || carry_.empty()) return error::ok;
    if (!deliver(sink, line{std::string_view(carry_.data(), carry_.size()), line::continued}))
      return error_;
    carry_.clear();
    released_ = true;
    released_at_ = stats_.lines;
    return error::ok;
  }

  // Whether the open line was released and nothing of it has come since
  // (no line has ended, so the count of lines tells it without a test in
  // the line loop).
  bool released_empty() const noexcept {
    return released_ && released_at_ == stats_.lines && carry_.empty() && !held_cr_;
  }

  template <class Sink>
  error flush_tail(Sink& sink) {
    if (error_ != error::ok) return error_;
    swallow_lf_ = false;
    if (held_cr_) {
      held_cr_ = false;
      if (!take("\r", 1, false, 0, sink)) return error_;
    }
    if (skipping_) {
      skipping_ = false;
      end_of_line();
    } else if (!carry_.empty() || released_empty()) {
      // A released line ends here too: its last piece, empty, says so.
      if (!take(nullptr, 0, true, line::unterminated, sink)) return error_;
    }
    released_ = false;
    return error::ok;
  }

  // How many bytes of the pushed chunk the next step of next() may feed so
  // that it delivers at most one line: the views of two lines delivered by
  // one step could overlap in the carry buffer.
  std::size_t pull_step() const noexcept {
    if (held_cr_ || swallow_lf_) return 1;
    const char* p = pull_.data();
    const char* end = p + pull_.size();
    const char* t = end;
    switch (options_.ending) {
      case line_ending::lf: t = detail::find_terminator<line_ending::lf>(p, end); break;
      case line_ending::crlf_or_lf:
        t = detail::find_terminator<line_ending::crlf_or_lf>(p, end);
        break;
      case line_ending::any: t = detail::find_terminator<line_ending::any>(p, end); break;
    }
    const std::size_t upto = static_cast<std::size_t>(t - p) + (t == end ? 0 : 1);
    if (skipping_) return upto;
    const std::size_t room = options_.max_line - carry_.size();
    return upto <= room + 1 ? upto : room + 1;
  }

  line_options options_;
  simd_level simd_;
  carry_buffer carry_;
  line_stats stats_;
  std::string_view pull_;
  bool held_cr_ = false;     // crlf_or_lf: the chunk ended in '\r' that may precede '\n'
  bool swallow_lf_ = false;  // any: a '\r' ended the last chunk and a line; skip one '\n'
  bool skipping_ = false;    // dropping the rest of an overlong line
  bool cut_ = false;         // the open line has been split
  bool released_ = false;    // release_open() gave the open line's bytes so far
  std::uint64_t released_at_ = 0;  // stats_.lines then
  error error_ = error::ok;  // sticky: line_too_long (overflow::fail) or a sink's error
  bool pull_end_ = false;    // push_end() was called
};

}  // namespace detail
}  // namespace sandlog

#endif  // SANDLOG_DETAIL_LINE_ENGINE_HPP
