// Replaces the global operator new/delete of a test program with versions that
// count allocations, so a test can prove that a loop allocates nothing.
// Include it in exactly one translation unit of a test program.
#ifndef SANDLOG_TESTS_COUNTING_ALLOCATOR_HPP
#define SANDLOG_TESTS_COUNTING_ALLOCATOR_HPP

#include <cstddef>
#include <cstdlib>
#include <new>

// Once new/delete are replaced, GCC 11+ sees inlined std::string code pair a
// sized delete with a new it cannot match and warns wrongly.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace sandlog_test {
inline std::size_t& allocation_counter() noexcept {
  static std::size_t count = 0;
  return count;
}
// Allocations made so far by this program (all threads; tests are serial).
inline std::size_t allocations() noexcept { return allocation_counter(); }
}  // namespace sandlog_test

void* operator new(std::size_t n) {
  ++sandlog_test::allocation_counter();
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  std::abort();
}
void* operator new[](std::size_t n) { return ::operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  ++sandlog_test::allocation_counter();
  return std::malloc(n == 0 ? 1 : n);
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept {
  return ::operator new(n, t);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

#endif  // SANDLOG_TESTS_COUNTING_ALLOCATOR_HPP
