// sandlog: the line splitter's search kernels — 64 bytes in, a bit mask of
// the bytes that may end a line out.
//
// One struct per instruction set (portable, SSE2, AVX2, AVX-512BW) behind one
// interface, and find_terminator, the search built on them. Which kernel a
// splitter runs is chosen in line_dispatch.hpp.
#ifndef SANDLOG_DETAIL_LINE_KERNELS_HPP
#define SANDLOG_DETAIL_LINE_KERNELS_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../config.hpp"
#include "../vocabulary.hpp"
#include "bits.hpp"

#if SANDLOG_HAS_SSE2
#include <emmintrin.h>
#endif
#if SANDLOG_LINE_DISPATCH || SANDLOG_HAS_AVX2
#include <immintrin.h>
#endif

namespace sandlog {
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

}  // namespace detail
}  // namespace sandlog

#endif  // SANDLOG_DETAIL_LINE_KERNELS_HPP
