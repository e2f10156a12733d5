// Splits a log file (or standard input) into lines the way a network reader
// would: the bytes arrive in fixed-size chunks that ignore line boundaries.
// Prints each line's number and length, then what the splitter counted.
//
//   split_lines [FILE] [--chunk BYTES] [--max-line BYTES] [--quiet]
#include <sandlog/line_splitter.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  const char* path = nullptr;
  std::size_t chunk_size = 4096;
  sandlog::line_options options;
  bool quiet = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--chunk") == 0 && i + 1 < argc) {
      chunk_size = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--max-line") == 0 && i + 1 < argc) {
      options.max_line = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--quiet") == 0) {
      quiet = true;
    } else {
      path = argv[i];
    }
  }
  if (chunk_size == 0 || options.max_line == 0) {
    std::fprintf(stderr, "--chunk and --max-line take a positive number\n");
    return 2;
  }
  std::FILE* in = path ? std::fopen(path, "rb") : stdin;
  if (!in) {
    std::perror(path);
    return 1;
  }

  sandlog::line_splitter splitter(options);
  std::uint64_t number = 0;
  auto print = [&](const sandlog::line& l) {
    ++number;
    if (quiet) return;
    std::printf("%6llu %5zu%s%s | %.*s\n", static_cast<unsigned long long>(number),
                l.text.size(), l.is_continued() ? " cont" : "",
                l.is_unterminated() ? " no-eol" : "", static_cast<int>(l.text.size()),
                l.text.data());
  };
  std::vector<char> buffer(chunk_size);
  sandlog::error ec = sandlog::error::ok;
  while (ec == sandlog::error::ok) {
    std::size_t n = std::fread(buffer.data(), 1, buffer.size(), in);
    if (n == 0) break;
    ec = splitter.feed({buffer.data(), n}, print);
  }
  if (ec == sandlog::error::ok) ec = splitter.finish(print);
  if (path) std::fclose(in);

  const auto& s = splitter.stats();
  std::printf("%llu bytes, %llu lines, %llu split at max_line, largest carry %zu bytes\n",
              static_cast<unsigned long long>(s.bytes), static_cast<unsigned long long>(s.lines),
              static_cast<unsigned long long>(s.split), s.max_carry);
  if (ec != sandlog::error::ok) {
    std::fprintf(stderr, "error: %s\n", sandlog::to_string(ec).data());
    return 1;
  }
  return 0;
}
