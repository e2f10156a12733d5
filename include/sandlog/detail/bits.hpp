// sandlog: bit tricks and hints shared by the SIMD and SWAR scanners.
#ifndef SANDLOG_DETAIL_BITS_HPP
#define SANDLOG_DETAIL_BITS_HPP

#include <cstdint>

#include "../config.hpp"

namespace sandlog {
namespace detail {

// Index of the lowest set bit of `mask`, which must not be zero.
SANDLOG_FORCE_INLINE unsigned lowest_bit(std::uint64_t mask) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  return static_cast<unsigned>(__builtin_ctzll(mask));
#else
  unsigned i = 0;
  while ((mask & 1) == 0) mask >>= 1, ++i;
  return i;
#endif
}

// Leading zero bits of x, which must not be zero.
SANDLOG_FORCE_INLINE unsigned leading_zeros(std::uint64_t x) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  return static_cast<unsigned>(__builtin_clzll(x));
#else
  unsigned n = 0;
  while ((x & (std::uint64_t{1} << 63)) == 0) x <<= 1, ++n;
  return n;
#endif
}

// A hint to load the cache line `ahead` bytes past p, which may lie past the
// end of p's buffer: the address is formed as an integer and never read.
SANDLOG_FORCE_INLINE void prefetch_ahead(const char* p, std::uintptr_t ahead) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(reinterpret_cast<const void*>(reinterpret_cast<std::uintptr_t>(p) + ahead));
#else
  (void)p;
  (void)ahead;
#endif
}

}  // namespace detail
}  // namespace sandlog

#endif  // SANDLOG_DETAIL_BITS_HPP
