// Reads the conformance vectors under tests/conformance/: expected behaviour
// taken from reference implementations and their test suites, kept as data so
// each case says where it came from and a new one needs no code.
//
// A file is a list of lines. Blank lines and lines starting with '#' are
// skipped. Every other line is a keyword followed by arguments, separated by
// spaces; an argument is a bare word or a double-quoted string with C escapes
// (\n \r \t \0 \\ \" \xHH), and "text"*N stands for N copies of "text". What
// the keywords mean is up to each test (the file's header comment says).
#ifndef SANDLOG_TESTS_VECTORS_HPP
#define SANDLOG_TESTS_VECTORS_HPP

#include <cstddef>
#include <fstream>
#include <string>
#include <vector>

#ifndef SANDLOG_CONFORMANCE_DIR
#error "the build defines SANDLOG_CONFORMANCE_DIR, the path of tests/conformance"
#endif

namespace sandlog_test {

struct vector_line {
  std::size_t number = 0;  // line number in the file, for messages
  std::string keyword;
  std::vector<std::string> args;
};

namespace detail {
inline int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes one argument starting at text[i]; false on a malformed one.
inline bool read_arg(const std::string& text, std::size_t& i, std::string& out) {
  out.clear();
  if (text[i] != '"') {
    while (i < text.size() && text[i] != ' ') out += text[i++];
    return true;
  }
  ++i;
  while (true) {
    if (i >= text.size()) return false;
    const char c = text[i++];
    if (c == '"') break;
    if (c != '\\') {
      out += c;
      continue;
    }
    if (i >= text.size()) return false;
    const char e = text[i++];
    switch (e) {
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case '0': out += '\0'; break;
      case '\\': out += '\\'; break;
      case '"': out += '"'; break;
      case 'x': {
        if (i + 2 > text.size()) return false;
        const int hi = hex_digit(text[i]), lo = hex_digit(text[i + 1]);
        if (hi < 0 || lo < 0) return false;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        break;
      }
      default: return false;
    }
  }
  if (i < text.size() && text[i] == '*') {
    ++i;
    std::size_t n = 0;
    bool any = false;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      n = n * 10 + static_cast<std::size_t>(text[i++] - '0');
      any = true;
    }
    if (!any) return false;
    std::string once;
    once.swap(out);
    for (std::size_t k = 0; k < n; ++k) out += once;
  }
  return i == text.size() || text[i] == ' ';
}
}  // namespace detail

// Reads tests/conformance/<name>. On failure (no such file, a malformed line)
// returns nothing and sets `error`, which the caller must check: a vector file
// that cannot be read fails its test, never passes it empty.
inline std::vector<vector_line> read_vectors(const std::string& name, std::string& error) {
  std::vector<vector_line> out;
  error.clear();
  const std::string path = std::string(SANDLOG_CONFORMANCE_DIR) + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open " + path;
    return {};
  }
  std::string text;
  std::size_t number = 0;
  while (std::getline(in, text)) {
    ++number;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.empty() || text[0] == '#') continue;
    vector_line line;
    line.number = number;
    std::size_t i = 0;
    std::string arg;
    bool first = true;
    while (i < text.size()) {
      if (text[i] == ' ') {
        ++i;
        continue;
      }
      if (!detail::read_arg(text, i, arg)) {
        error = path + ":" + std::to_string(number) + ": malformed argument";
        return {};
      }
      if (first) {
        line.keyword = arg;
        first = false;
      } else {
        line.args.push_back(arg);
      }
    }
    out.push_back(std::move(line));
  }
  if (out.empty()) error = path + " holds no vectors";
  return out;
}

}  // namespace sandlog_test

#endif  // SANDLOG_TESTS_VECTORS_HPP
