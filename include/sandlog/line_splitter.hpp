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
#ifndef SANDLOG_LINE_SPLITTER_HPP
#define SANDLOG_LINE_SPLITTER_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <type_traits>

#include "config.hpp"
#include "detail/bits.hpp"
#include "error.hpp"
#include "vocabulary.hpp"

#if SANDLOG_HAS_SSE2
#include <emmintrin.h>
#endif
// On x86-64 with GCC or Clang the hot loop is also compiled for AVX2 and for
// AVX-512BW (target attributes), and each splitter runs the best one the CPU
// has, so a build without -march still gets the wide kernels.
#if !defined(SANDLOG_NO_SIMD) && (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
#define SANDLOG_LINE_DISPATCH 1
#define SANDLOG_TARGET_AVX2 __attribute__((target("avx2,bmi,bmi2")))
#define SANDLOG_TARGET_AVX512 \
  __attribute__((target("avx2,avx512f,avx512bw,avx512vl,bmi,bmi2")))
#include <immintrin.h>
#else
#define SANDLOG_LINE_DISPATCH 0
#define SANDLOG_TARGET_AVX2
#if SANDLOG_HAS_AVX2
#include <immintrin.h>
#endif
#endif

namespace sandlog {

struct line_options {
  std::size_t max_line = std::size_t{1} << 20;  // bytes of text, terminator excluded; 0 acts as 1
  line_ending ending = line_ending::crlf_or_lf;
  overflow on_overflow = overflow::split;
};

// Counters since construction or the last reset().
struct line_stats {
  std::uint64_t bytes = 0;      // bytes fed or pushed
  std::uint64_t lines = 0;      // lines ended (by a terminator or by finish), whatever the limit did
  std::uint64_t split = 0;      // lines cut into pieces (overflow::split)
  std::uint64_t truncated = 0;  // lines cut short (overflow::truncate)
  std::uint64_t discarded = 0;  // lines dropped (overflow::discard)
  std::size_t max_carry = 0;    // the most bytes buffered() ever reported
};

namespace detail {

// Bit i of a terminator mask is set when byte i of a 64-byte block may end a
// line: '\n', and for line_ending::any also '\r'.
// The mask of the first n <= 64 bytes at block.
template <line_ending E>
inline std::uint64_t terminator_mask_scalar(const char* block, unsigned n = 64) noexcept {
  std::uint64_t mask = 0;
  for (unsigned i = 0; i < n; ++i) {
    const char c = block[i];
    const bool hit = E == line_ending::any ? (c == '\n') | (c == '\r') : c == '\n';
    mask |= std::uint64_t{hit} << i;
  }
  return mask;
}

#if SANDLOG_HAS_SSE2
template <line_ending E>
SANDLOG_FORCE_INLINE std::uint64_t terminator_mask_sse2(const char* block) noexcept {
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r');
  std::uint64_t mask = 0;
  for (unsigned i = 0; i < 4; ++i) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * i));
    __m128i hit = _mm_cmpeq_epi8(v, lf);
    if (E == line_ending::any) hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, cr));
    mask |= std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(hit))} << (16 * i);
  }
  return mask;
}
#endif

#if SANDLOG_HAS_AVX2 || SANDLOG_LINE_DISPATCH
// Not always_inline: a function compiled without AVX2 may not inline it. The
// loops that call it are compiled for AVX2 themselves (or the whole build is).
template <line_ending E>
SANDLOG_TARGET_AVX2 inline std::uint64_t terminator_mask_avx2(const char* block) noexcept {
  const __m256i lf = _mm256_set1_epi8('\n');
  const __m256i cr = _mm256_set1_epi8('\r');
  const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block));
  const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block + 32));
  __m256i hit_lo = _mm256_cmpeq_epi8(lo, lf);
  __m256i hit_hi = _mm256_cmpeq_epi8(hi, lf);
  if (E == line_ending::any) {
    hit_lo = _mm256_or_si256(hit_lo, _mm256_cmpeq_epi8(lo, cr));
    hit_hi = _mm256_or_si256(hit_hi, _mm256_cmpeq_epi8(hi, cr));
  }
  const auto m_lo = static_cast<std::uint32_t>(_mm256_movemask_epi8(hit_lo));
  const auto m_hi = static_cast<std::uint32_t>(_mm256_movemask_epi8(hit_hi));
  return std::uint64_t{m_lo} | (std::uint64_t{m_hi} << 32);
}
#endif

#if SANDLOG_LINE_DISPATCH
// One compare gives the whole 64-bit mask.
template <line_ending E>
SANDLOG_TARGET_AVX512 inline std::uint64_t terminator_mask_avx512(__m512i v) noexcept {
  std::uint64_t mask = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\n'));
  if (E == line_ending::any) mask |= _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\r'));
  return mask;
}
template <line_ending E>
SANDLOG_TARGET_AVX512 inline std::uint64_t terminator_mask_avx512(const char* block) noexcept {
  return terminator_mask_avx512<E>(_mm512_loadu_si512(block));
}
#endif

// Each kernel behind one interface: mask() of a whole block, and last() of
// the n < 64 bytes at p, where [lo, p) is the part of the chunk already
// scanned (so it may be read again).
struct simd_portable {
  template <line_ending E>
  static std::uint64_t mask(const char* block) noexcept {
    return terminator_mask_scalar<E>(block);
  }
  template <line_ending E>
  static std::uint64_t last(const char* p, std::size_t n, const char*) noexcept {
    return terminator_mask_scalar<E>(p, static_cast<unsigned>(n));
  }
  static void copy(char* dst, const char* src, std::size_t n) noexcept {
    std::memcpy(dst, src, n);
  }
};

// For kernels that read 64 bytes at a time: the last bytes of a chunk are the
// top of the block that ends with them, or, in a chunk shorter than a block,
// of a zero-padded copy.
template <class Kernel>
struct simd_whole_blocks {
  static void copy(char* dst, const char* src, std::size_t n) noexcept {
    std::memcpy(dst, src, n);
  }
  template <line_ending E>
  SANDLOG_FORCE_INLINE static std::uint64_t last(const char* p, std::size_t n,
                                                 const char* lo) noexcept {
    if (static_cast<std::size_t>(p - lo) >= 64 - n)
      return Kernel::template mask<E>(p + n - 64) >> (64 - n);
    char block[64] = {};
    std::memcpy(block, p, n);
    return Kernel::template mask<E>(block) & ((std::uint64_t{1} << n) - 1);
  }
};

#if SANDLOG_HAS_SSE2
struct simd_sse2 : simd_whole_blocks<simd_sse2> {
  template <line_ending E>
  static std::uint64_t mask(const char* block) noexcept {
    return terminator_mask_sse2<E>(block);
  }
};
#endif

#if SANDLOG_HAS_AVX2 || SANDLOG_LINE_DISPATCH
struct simd_avx2 : simd_whole_blocks<simd_avx2> {
  template <line_ending E>
  SANDLOG_TARGET_AVX2 static std::uint64_t mask(const char* block) noexcept {
    return terminator_mask_avx2<E>(block);
  }
};
#endif

#if SANDLOG_LINE_DISPATCH
struct simd_avx512 {
  template <line_ending E>
  SANDLOG_TARGET_AVX512 static std::uint64_t mask(const char* block) noexcept {
    return terminator_mask_avx512<E>(block);
  }
  // A masked load touches only the n bytes.
  template <line_ending E>
  SANDLOG_TARGET_AVX512 static std::uint64_t last(const char* p, std::size_t n,
                                                  const char*) noexcept {
    const __mmask64 keep = _bzhi_u64(~std::uint64_t{0}, static_cast<unsigned>(n));
    return terminator_mask_avx512<E>(_mm512_maskz_loadu_epi8(keep, p));
  }
  // The carry buffer takes a chunk's first and last bytes once per chunk,
  // usually fewer than 64: one masked move, with no branch on the length
  // for a mispredicted memcpy size class.
  SANDLOG_TARGET_AVX512 static void copy(char* dst, const char* src, std::size_t n) noexcept {
    if (SANDLOG_UNLIKELY(n > 64)) {
      std::memcpy(dst, src, n);
      return;
    }
    const __mmask64 keep = _bzhi_u64(~std::uint64_t{0}, static_cast<unsigned>(n));
    _mm512_mask_storeu_epi8(dst, keep, _mm512_maskz_loadu_epi8(keep, src));
  }
};
#endif

// The kernel the build targets, used without a run-time check.
#if SANDLOG_HAS_AVX2
using simd_native = simd_avx2;
#elif SANDLOG_HAS_SSE2
using simd_native = simd_sse2;
#else
using simd_native = simd_portable;
#endif

// The loops a splitter may run: the build's own, or one compiled for a wider
// instruction set that the CPU turns out to have.
enum class simd_level : std::uint8_t { native, avx2, avx512 };

// Whether this build has the loop for `level` and this CPU runs it.
inline bool simd_supported(simd_level level) noexcept {
#if SANDLOG_LINE_DISPATCH
  __builtin_cpu_init();
  const bool bmi = __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
  switch (level) {
    case simd_level::native: return true;
    case simd_level::avx2: return !SANDLOG_HAS_AVX2 && bmi && __builtin_cpu_supports("avx2");
    case simd_level::avx512:
      return bmi && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
  }
  return false;
#else
  return level == simd_level::native;
#endif
}

inline simd_level best_simd_level() noexcept {
  if (simd_supported(simd_level::avx512)) return simd_level::avx512;
  if (simd_supported(simd_level::avx2)) return simd_level::avx2;
  return simd_level::native;
}

// The level each new line_splitter takes, found once per process. Tests set
// another supported level to run every loop this machine has.
inline simd_level& line_simd_level() noexcept {
  static simd_level level = best_simd_level();
  return level;
}

// The first byte in [p, end) that may end a line under E, or end. When one
// is found, base and mask are the block that holds it and that block's
// terminator mask (bit i for base[i]), so the caller need not search it again.
template <line_ending E, class Kernel = simd_native>
SANDLOG_FORCE_INLINE const char* find_terminator(const char* p, const char* end,
                                                 const char*& base,
                                                 std::uint64_t& mask) noexcept {
  const char* const lo = p;
  while (end - p >= 64) {
    mask = Kernel::template mask<E>(p);
    if (mask != 0) {
      base = p;
      return p + lowest_bit(mask);
    }
    p += 64;
  }
  if (p == end) return end;
  mask = Kernel::template last<E>(p, static_cast<std::size_t>(end - p), lo);
  base = p;
  return mask != 0 ? p + lowest_bit(mask) : end;
}

template <line_ending E, class Kernel = simd_native>
SANDLOG_FORCE_INLINE const char* find_terminator(const char* p, const char* end) noexcept {
  const char* base = p;
  std::uint64_t mask = 0;
  return find_terminator<E, Kernel>(p, end, base, mask);
}

// The open line's bytes. Memory is kept across lines, so a warm splitter does
// not allocate, and never exceeds `limit` (max_line + 2) bytes. consume()
// empties the buffer without touching the bytes it held, so a view of them
// stays valid while up to two more bytes are appended: next() relies on it
// when one step delivers a full piece and keeps the byte after it.
class carry_buffer {
 public:
  const char* data() const noexcept { return data_.get() + begin_; }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  // Forgets the bytes held (views of them stay valid; see above).
  void consume() noexcept {
    begin_ += size_;
    size_ = 0;
  }
  // Moves the bytes held to the front: invalidates earlier views.
  void compact() noexcept {
    if (begin_ == 0) return;
    if (size_ != 0) std::memmove(data_.get(), data_.get() + begin_, size_);
    begin_ = 0;
  }
  void clear() noexcept { begin_ = size_ = 0; }
  // Appends n bytes, copied by Kernel::copy; the caller guarantees
  // size() + n + 2 <= limit.
  template <class Kernel = simd_portable>
  SANDLOG_FORCE_INLINE void append(const char* p, std::size_t n, std::size_t limit) {
    // One compare for "n is 0 or does not fit" (n - 1 wraps for 0).
    if (SANDLOG_UNLIKELY(n - 1 >= capacity_ - begin_ - size_)) {
      if (n == 0) return;
      make_room(n, limit);
    }
    Kernel::copy(data_.get() + begin_ + size_, p, n);
    size_ += n;
  }

 private:
  void make_room(std::size_t n, std::size_t limit) {
    if (capacity_ < limit) {
      grow(size_ + n, limit);
    } else {
      compact();
    }
  }
  void grow(std::size_t need, std::size_t limit) {
    std::size_t cap = capacity_ < 128 ? 256 : capacity_ * 2;
    if (cap < need) cap = need;
    // Once a full line fits, take the two spare bytes too (see above).
    if (cap >= limit - 2) cap = limit;
    std::unique_ptr<char[]> bigger(new char[cap]);
    if (size_ != 0) std::memcpy(bigger.get(), data_.get() + begin_, size_);
    data_ = std::move(bigger);
    capacity_ = cap;
    begin_ = 0;
  }
  std::unique_ptr<char[]> data_;
  std::size_t begin_ = 0;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace detail

class line_splitter {
 public:
  // Allocates nothing until a line spans two chunks.
  explicit line_splitter(line_options options = {}) noexcept
      : options_(options), simd_(detail::line_simd_level()) {
    if (options_.max_line == 0) options_.max_line = 1;
  }

  // Splits `chunk` and calls sink(const line&) for each line it completes.
  // A view lives until the sink returns: it points into `chunk` or into the
  // carry buffer. A line that `chunk` leaves open is kept (at most max_line
  // bytes) for the next call. Returns error::line_too_long under
  // overflow::fail, after delivering every line before the offending one;
  // the splitter then stays failed until reset(). Allocates only to grow the
  // carry buffer (up to max_line bytes), never per line once warm.
  template <class Sink>
  error feed(std::string_view chunk, Sink&& sink) {
    if (SANDLOG_UNLIKELY(failed_)) return error::line_too_long;
    stats_.bytes += chunk.size();
    carry_.compact();
    return dispatch(chunk.data(), chunk.data() + chunk.size(), sink);
  }

  // Ends the stream: delivers the open line, if any, flagged unterminated.
  // An empty stream, or one that ends with a terminator, gives no line.
  // Afterwards the splitter starts a new stream (the counters carry on).
  template <class Sink>
  error finish(Sink&& sink) {
    if (SANDLOG_UNLIKELY(failed_)) return error::line_too_long;
    carry_.compact();
    const error e = flush_tail(sink);
    pull_ = {};
    pull_end_ = false;
    return e;
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
    if (failed_) return false;
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

  // error::line_too_long once overflow::fail has tripped, else error::ok.
  error last_error() const noexcept { return failed_ ? error::line_too_long : error::ok; }

  // Bytes of the open line held in the carry buffer: at most max_line + 1.
  std::size_t buffered() const noexcept { return carry_.size() + (held_cr_ ? 1 : 0); }

  const line_stats& stats() const noexcept { return stats_; }
  const line_options& options() const noexcept { return options_; }

  // Forgets the open line, any error and the counters; keeps the options
  // and the carry buffer's memory.
  void reset() noexcept {
    carry_.clear();
    held_cr_ = swallow_lf_ = skipping_ = cut_ = failed_ = false;
    pull_ = {};
    pull_end_ = false;
    stats_ = {};
  }

 private:
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
    const std::size_t held = buffered();
    if (held > stats_.max_carry) stats_.max_carry = held;
  }

  void end_of_line() noexcept {
    ++stats_.lines;
    if (cut_) ++stats_.split;
    cut_ = false;
  }

  // Adds n bytes of text to the open line, applying the limit. With `last`
  // the line ends after them and its final piece is delivered with `flags`.
  // Returns false when overflow::fail trips.
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
            sink(line{std::string_view(carry_.data(), max), line::continued});
            carry_.consume();
            s += room;
            n -= room;
          }
          while (n > max) {
            sink(line{std::string_view(s, max), line::continued});
            s += max;
            n -= max;
          }
          break;
        }
        case overflow::truncate:
          if (have != 0) {
            carry_.append(s, max - have, limit());
            sink(line{std::string_view(carry_.data(), max), line::truncated});
          } else {
            sink(line{std::string_view(s, max), line::truncated});
          }
          carry_.consume();
          ++stats_.truncated;
          skip_rest(last);
          return true;
        case overflow::discard:
          carry_.clear();
          ++stats_.discarded;
          skip_rest(last);
          return true;
        case overflow::fail:
          carry_.clear();
          failed_ = true;
          return false;
      }
    }
    if (!last) {
      carry_.append(s, n, limit());
      note_carry();
      return true;
    }
    if (carry_.empty()) {
      sink(line{std::string_view(s, n), flags});
    } else {
      carry_.append(s, n, limit());
      note_carry();
      sink(line{std::string_view(carry_.data(), carry_.size()), flags});
      carry_.consume();
    }
    end_of_line();
    return true;
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
        if (!take(p, 0, true, 0, sink)) return error::line_too_long;
        if (++p == end) return error::ok;
      } else if (!take("\r", 1, false, 0, sink)) {
        return error::line_too_long;
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
      if (!end_line<E, K>(p, t, end, sink)) return error::line_too_long;
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
          return error::line_too_long;
        }
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
  enum class stop : std::uint8_t { end, quiet, overlong };

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
  // (stop::quiet, st.block past them) or at a line longer than max_line
  // (stop::overlong, st.p past its terminator).
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
        sink(line{std::string_view(start, n), 0});
        ++lines;
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
    sink(line{std::string_view(carry_.data(), carry_.size()), 0});
    // Only next() needs the view to outlive the sink call (see
    // carry_buffer); feed() starts the buffer over, so the next chunk's
    // compact() has nothing to move.
    if (std::is_same<Sink, capture>::value) {
      carry_.consume();
    } else {
      carry_.clear();
    }
    end_of_line();
    return true;
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
      return error::line_too_long;
    }
    if (held_cr_) note_carry();
    return error::ok;
  }

  template <class Sink>
  error flush_tail(Sink& sink) {
    if (failed_) return error::line_too_long;
    swallow_lf_ = false;
    if (held_cr_) {
      held_cr_ = false;
      if (!take("\r", 1, false, 0, sink)) return error::line_too_long;
    }
    if (skipping_) {
      skipping_ = false;
      end_of_line();
    } else if (!carry_.empty()) {
      if (!take(nullptr, 0, true, line::unterminated, sink)) return error::line_too_long;
    }
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
  detail::simd_level simd_;
  detail::carry_buffer carry_;
  line_stats stats_;
  std::string_view pull_;
  bool held_cr_ = false;     // crlf_or_lf: the chunk ended in '\r' that may precede '\n'
  bool swallow_lf_ = false;  // any: a '\r' ended the last chunk and a line; skip one '\n'
  bool skipping_ = false;    // dropping the rest of an overlong line
  bool cut_ = false;         // the open line has been split
  bool failed_ = false;      // overflow::fail tripped
  bool pull_end_ = false;    // push_end() was called
};

}  // namespace sandlog

#endif  // SANDLOG_LINE_SPLITTER_HPP
