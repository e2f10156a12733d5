// Replays files through a fuzz target without libFuzzer, so every fuzz target
// builds and runs in ordinary (and sanitizer) builds and never rots.
// Usage: fuzz_<name> FILE_OR_DIR...   Each input is copied into an exact-size
// heap buffer so AddressSanitizer sees any read past its end.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {
bool replay(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::unique_ptr<std::uint8_t[]> exact(new std::uint8_t[bytes.size() ? bytes.size() : 1]);
  for (std::size_t i = 0; i < bytes.size(); ++i) exact[i] = static_cast<std::uint8_t>(bytes[i]);
  LLVMFuzzerTestOneInput(exact.get(), bytes.size());
  return true;
}
}  // namespace

int main(int argc, char** argv) {
  std::size_t replayed = 0;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path arg(argv[i]);
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(arg))
        if (entry.is_regular_file()) files.push_back(entry.path());
    } else {
      files.push_back(arg);
    }
    for (const auto& f : files) {
      if (!replay(f)) {
        std::fprintf(stderr, "cannot read %s\n", f.string().c_str());
        return 2;
      }
      ++replayed;
    }
  }
  // An empty corpus would make this test pass while checking nothing.
  if (replayed == 0) {
    std::fprintf(stderr, "no inputs replayed\n");
    return 2;
  }
  std::printf("replayed %zu inputs\n", replayed);
  return 0;
}
