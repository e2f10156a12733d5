// sandlog: version, language and platform detection shared by every header.
//
// Every macro sandlog defines that outlives its header is here:
//   SANDLOG_VERSION_MAJOR/_MINOR/_PATCH/_STRING   the version (also read by
//                                                 CMake and checked against Meson)
//   SANDLOG_CPLUSPLUS, SANDLOG_HAS_CPP20          the language version
//   SANDLOG_LIKELY(x), SANDLOG_UNLIKELY(x)        branch hints
//   SANDLOG_FORCE_INLINE                          inline, and always inlined where
//                                                 the compiler allows (hot paths)
//   SANDLOG_INLINE_LAMBDA                         the same for a lambda's call
//                                                 operator (after its parameters)
//   SANDLOG_HAS_SSE2, SANDLOG_HAS_AVX2            SIMD the build targets
//   SANDLOG_LINE_DISPATCH, SANDLOG_TARGET_AVX2,   the splitter's run-time choice
//   SANDLOG_TARGET_AVX512                         of kernel (below)
//   SANDLOG_HAS_EXCEPTIONS                        whether exceptions are on
//   SANDLOG_<PART>_HPP, SANDLOG_DETAIL_<NAME>_HPP include guards
//   SANDLOG_SINGLE_HEADER                         1 in single_include/sandlog.hpp
// A user may define SANDLOG_NO_SIMD to build the scalar code only. Helper
// macros private to one header (SANDLOG_TS_TRY and the like) are #undef'd at
// its end.
#ifndef SANDLOG_CONFIG_HPP
#define SANDLOG_CONFIG_HPP

#define SANDLOG_VERSION_MAJOR 0
#define SANDLOG_VERSION_MINOR 1
#define SANDLOG_VERSION_PATCH 0
#define SANDLOG_VERSION_STRING "0.1.0"

#if defined(_MSVC_LANG) && _MSVC_LANG > __cplusplus
#define SANDLOG_CPLUSPLUS _MSVC_LANG
#else
#define SANDLOG_CPLUSPLUS __cplusplus
#endif

#if SANDLOG_CPLUSPLUS < 201703L
#error "sandlog needs C++17 or later"
#endif

#if SANDLOG_CPLUSPLUS >= 202002L
#define SANDLOG_HAS_CPP20 1
#else
#define SANDLOG_HAS_CPP20 0
#endif

#if defined(__GNUC__) || defined(__clang__)
#define SANDLOG_LIKELY(x) __builtin_expect(!!(x), 1)
#define SANDLOG_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define SANDLOG_FORCE_INLINE inline __attribute__((always_inline))
#define SANDLOG_INLINE_LAMBDA __attribute__((always_inline))
#else
#define SANDLOG_LIKELY(x) (x)
#define SANDLOG_UNLIKELY(x) (x)
#define SANDLOG_FORCE_INLINE inline
#define SANDLOG_INLINE_LAMBDA
#endif

// SIMD paths are picked at compile time. Define SANDLOG_NO_SIMD to force the
// scalar code (the tests build it both ways so the fallback never rots).
#if !defined(SANDLOG_NO_SIMD) && (defined(__SSE2__) || defined(_M_X64))
#define SANDLOG_HAS_SSE2 1
#else
#define SANDLOG_HAS_SSE2 0
#endif
#if !defined(SANDLOG_NO_SIMD) && defined(__AVX2__)
#define SANDLOG_HAS_AVX2 1
#else
#define SANDLOG_HAS_AVX2 0
#endif

// On x86-64 with GCC or Clang the line splitter's hot loop is also compiled
// for AVX2 and for AVX-512BW (target attributes), and each splitter runs the
// best one the CPU has (detail/line_dispatch.hpp), so a build without -march
// still gets the wide kernels. SANDLOG_LINE_DISPATCH says whether that is
// so; SANDLOG_TARGET_AVX2 and SANDLOG_TARGET_AVX512 mark the functions
// compiled for those instruction sets (empty without dispatch).
#if !defined(SANDLOG_NO_SIMD) && (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
#define SANDLOG_LINE_DISPATCH 1
#define SANDLOG_TARGET_AVX2 __attribute__((target("avx2,bmi,bmi2")))
#define SANDLOG_TARGET_AVX512 \
  __attribute__((target("avx2,avx512f,avx512bw,avx512vl,bmi,bmi2")))
#else
#define SANDLOG_LINE_DISPATCH 0
#define SANDLOG_TARGET_AVX2
#define SANDLOG_TARGET_AVX512
#endif

#if defined(__cpp_exceptions) || defined(__EXCEPTIONS) || defined(_CPPUNWIND)
#define SANDLOG_HAS_EXCEPTIONS 1
#else
#define SANDLOG_HAS_EXCEPTIONS 0
#endif

#endif  // SANDLOG_CONFIG_HPP
