// sandlog CLI: one big reused output buffer, written with write(2).
#ifndef SANDLOG_CLI_OUT_BUFFER_HPP
#define SANDLOG_CLI_OUT_BUFFER_HPP

#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

namespace sandlog_cli {

// A growable byte buffer. Records are appended without any allocation once
// it has grown to its working size; the driver flushes it when it passes
// flush_at bytes, so it stays about that size.
class out_buffer {
 public:
  static constexpr std::size_t flush_at = std::size_t{1} << 20;

  out_buffer() { grow(flush_at * 2); }
  // One that starts with room for `initial` bytes (a small scratch buffer).
  explicit out_buffer(std::size_t initial) { grow(initial != 0 ? initial : 1); }

  // Makes room for n more bytes and returns where they go; commit(p) after.
  char* reserve(std::size_t n) {
    if (n > cap_ - size_) grow(size_ + n);
    return data_.get() + size_;
  }
  void commit(const char* end) noexcept { size_ = static_cast<std::size_t>(end - data_.get()); }

  void append(std::string_view s) {
    char* p = reserve(s.size());
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    size_ += s.size();
  }
  void push(char c) {
    *reserve(1) = c;
    ++size_;
  }

  std::string_view view() const noexcept { return {data_.get(), size_}; }
  char* data() noexcept { return data_.get(); }
  std::size_t size() const noexcept { return size_; }
  std::size_t capacity() const noexcept { return cap_; }
  bool full() const noexcept { return size_ >= flush_at; }
  void clear() noexcept { size_ = 0; }
  // Drops everything after the first n bytes.
  void truncate(std::size_t n) noexcept { size_ = n; }

  // Writes everything to fd and empties the buffer. False on a write error
  // (errno says which), also on one that spill() met since the last flush;
  // EINTR and short writes are retried.
  bool flush(int fd) noexcept {
    bool ok = write_all(fd, view());
    size_ = 0;
    if (ok && spill_errno_ != 0) {
      errno = spill_errno_;
      ok = false;
    }
    spill_errno_ = 0;
    return ok;
  }

  // Writes everything to fd in the middle of a record (one too big to hold
  // whole); a write error is kept for the next flush() to report, which the
  // driver of the output calls anyway.
  void spill(int fd) noexcept {
    if (!write_all(fd, view()) && spill_errno_ == 0) spill_errno_ = errno != 0 ? errno : EIO;
    size_ = 0;
  }

  // A record written in pieces (render.hpp's piece_renderer) may be left
  // open between records: `by` began it, and `ending` is what finishes it
  // if another writer must come first. `by` is only compared, never used.
  void set_open(const void* by, std::string_view ending) {
    open_by_ = by;
    open_ending_.assign(ending.data(), ending.size());
  }
  const void* open_by() const noexcept { return open_by_; }
  void clear_open() noexcept { open_by_ = nullptr; }
  // Finishes the open record, if any, with its ending.
  void cut_open() {
    if (open_by_ == nullptr) return;
    open_by_ = nullptr;
    append(open_ending_);
  }

  static bool write_all(int fd, std::string_view s) noexcept {
    const char* p = s.data();
    std::size_t n = s.size();
    while (n != 0) {
      const ssize_t w = ::write(fd, p, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      p += w;
      n -= static_cast<std::size_t>(w);
    }
    return true;
  }

 private:
  void grow(std::size_t need) {
    std::size_t cap = cap_ * 2 > need ? cap_ * 2 : need;
    std::unique_ptr<char[]> bigger(new char[cap]);
    if (size_ != 0) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    cap_ = cap;
  }

  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t cap_ = 0;
  int spill_errno_ = 0;
  const void* open_by_ = nullptr;
  std::string open_ending_;  // reused: no allocation once warm
};

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_OUT_BUFFER_HPP
