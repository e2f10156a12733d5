// sandlog: the line splitter's carry buffer, which holds the open line
// between chunks.
#ifndef SANDLOG_DETAIL_CARRY_BUFFER_HPP
#define SANDLOG_DETAIL_CARRY_BUFFER_HPP

#include <cstddef>
#include <cstring>
#include <memory>

#include "../config.hpp"
#include "line_kernels.hpp"

namespace sandlog {
namespace detail {

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
}  // namespace sandlog

#endif  // SANDLOG_DETAIL_CARRY_BUFFER_HPP
