// sandlog: which of the line splitter's kernels this CPU runs, found once
// per process.
#ifndef SANDLOG_DETAIL_LINE_DISPATCH_HPP
#define SANDLOG_DETAIL_LINE_DISPATCH_HPP

#include <cstdint>

#include "../config.hpp"

namespace sandlog {
namespace detail {

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

}  // namespace detail
}  // namespace sandlog

#endif  // SANDLOG_DETAIL_LINE_DISPATCH_HPP
