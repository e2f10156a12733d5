// sandlog CLI: a progress bar on stderr while a big file is read.
#ifndef SANDLOG_CLI_PROGRESS_HPP
#define SANDLOG_CLI_PROGRESS_HPP

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <ctime>

namespace sandlog_cli {

// Seconds on a monotonic clock.
inline double monotonic_seconds() noexcept {
  std::timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

class progress_bar;

namespace detail {
// The bar on the terminal now, if any: whoever writes to stderr erases it
// first (erase_progress), so that no message shares its line.
inline progress_bar* drawn_bar = nullptr;
}  // namespace detail

// Whether stdout and stderr are the same file (a terminal both write to).
inline bool same_output_files() noexcept {
  struct stat a {}, b {};
  return fstat(1, &a) == 0 && fstat(2, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// Shown only when enabled, stderr is a terminal that stdout does not also
// write to (records would land on the bar's line, and a pager reading stdout
// would have the bar drawn over it), and the input is at least min_bytes
// long; redrawn at most five times a second; erased at the end and before
// any message is written to stderr.
class progress_bar {
 public:
  static constexpr std::uint64_t min_bytes = std::uint64_t{64} << 20;

  progress_bar(bool enabled, std::uint64_t total) noexcept
      : on_(enabled && total >= min_bytes && isatty(2) == 1 && !same_output_files()),
        total_(total), start_(monotonic_seconds()) {}

  void update(std::uint64_t done) noexcept {
    if (!on_) return;
    const double now = monotonic_seconds();
    if (now - last_ < 0.2) return;
    last_ = now;
    const double frac = total_ ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
    char bar[31];
    const int filled = static_cast<int>(frac * 30);
    for (int i = 0; i < 30; ++i) bar[i] = i < filled ? '#' : ' ';
    bar[30] = 0;
    const double rate = static_cast<double>(done) / (now - start_ + 1e-9) / 1e9;
    std::fprintf(stderr, "\r[%s] %3d%%  %.2f GB/s", bar, static_cast<int>(frac * 100), rate);
    detail::drawn_bar = this;
  }
  // Leaves the terminal's line as it was before the bar.
  void erase() noexcept {
    if (detail::drawn_bar != this) return;
    std::fputs("\r\033[K", stderr);
    detail::drawn_bar = nullptr;
  }
  ~progress_bar() { erase(); }
  progress_bar(const progress_bar&) = delete;
  progress_bar& operator=(const progress_bar&) = delete;

 private:
  bool on_;
  std::uint64_t total_;
  double start_;
  double last_ = 0;
};

// Call before writing anything to stderr.
inline void erase_progress() noexcept {
  if (detail::drawn_bar != nullptr) detail::drawn_bar->erase();
}

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_PROGRESS_HPP
