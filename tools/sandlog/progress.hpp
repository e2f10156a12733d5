// sandlog CLI: a progress bar on stderr while a big file is read.
#ifndef SANDLOG_CLI_PROGRESS_HPP
#define SANDLOG_CLI_PROGRESS_HPP

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

// Shown only when enabled, stderr is a terminal and the input is at least
// min_bytes long; redrawn at most five times a second; erased at the end.
class progress_bar {
 public:
  static constexpr std::uint64_t min_bytes = std::uint64_t{64} << 20;

  progress_bar(bool enabled, std::uint64_t total) noexcept
      : on_(enabled && total >= min_bytes && isatty(2) == 1), total_(total),
        start_(monotonic_seconds()) {}

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
    drawn_ = true;
  }
  ~progress_bar() {
    if (drawn_) std::fputs("\r\033[K", stderr);
  }
  progress_bar(const progress_bar&) = delete;
  progress_bar& operator=(const progress_bar&) = delete;

 private:
  bool on_;
  bool drawn_ = false;
  std::uint64_t total_;
  double start_;
  double last_ = 0;
};

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_PROGRESS_HPP
