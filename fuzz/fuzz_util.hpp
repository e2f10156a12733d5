// Small helpers shared by the fuzz targets: an invariant check that aborts,
// and a reader that turns fuzzer bytes into choices and exact-size chunks.
#ifndef SANDLOG_FUZZ_UTIL_HPP
#define SANDLOG_FUZZ_UTIL_HPP

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

// An invariant the target checks; a failure prints where and aborts so that
// libFuzzer (and the replay main, under ctest) reports it.
#define SANDLOG_FUZZ_ASSERT(cond)                                                  \
  do {                                                                             \
    if (!(cond)) {                                                                 \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                \
    }                                                                              \
  } while (0)

namespace sandlog_fuzz {

// A copy of some bytes in a heap block of exactly their size, so any read
// past the end of a view into it is a heap-buffer-overflow under ASan.
class exact_buffer {
 public:
  explicit exact_buffer(std::string_view bytes)
      : data_(new char[bytes.empty() ? 1 : bytes.size()]), size_(bytes.size()) {
    if (size_ != 0) std::memcpy(data_.get(), bytes.data(), size_);
  }
  std::string_view view() const noexcept { return {data_.get(), size_}; }

 private:
  std::unique_ptr<char[]> data_;
  std::size_t size_;
};

// Consumes fuzzer bytes from the front as choices; what remains is the payload.
class input {
 public:
  input(const std::uint8_t* data, std::size_t size) noexcept
      : rest_(reinterpret_cast<const char*>(data), size) {}
  std::uint8_t byte() noexcept {
    if (rest_.empty()) return 0;
    auto b = static_cast<std::uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return b;
  }
  std::string_view rest() const noexcept { return rest_; }

 private:
  std::string_view rest_;
};

// Cuts `payload` into exact-size heap chunks whose sizes cycle through
// `sizes` (each size 1..255; a zero is read as 1).
inline std::vector<exact_buffer> chunk(std::string_view payload,
                                       const std::vector<std::uint8_t>& sizes) {
  std::vector<exact_buffer> out;
  std::size_t i = 0;
  while (!payload.empty()) {
    std::size_t n = sizes.empty() ? payload.size() : sizes[i++ % sizes.size()];
    if (n == 0) n = 1;
    if (n > payload.size()) n = payload.size();
    out.emplace_back(payload.substr(0, n));
    payload.remove_prefix(n);
  }
  return out;
}

}  // namespace sandlog_fuzz

#endif  // SANDLOG_FUZZ_UTIL_HPP
