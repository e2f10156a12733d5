// Prints the records of a log file (or standard input) the way `sandlog
// FILE` does in its default text mode, with the library's record reader
// alone: the envelope is detected, partial fragments are joined, and every
// bad line is reported on stderr with its number.
//
//   read_records [FILE]
//
// Output lines are `<time> <stream> <message>`: the time as written (or
// formatted, for Docker json-file lines, whose time is inside the JSON), the
// stream when the envelope has one. Exit status 1 when a line was bad.
#include <sandlog/json_reader.hpp>

#include <cstdio>
#include <string>
#include <string_view>

namespace {

void put(std::string_view s) { std::fwrite(s.data(), 1, s.size(), stdout); }

void print(const sandlog::read_record& r) {
  if (r.has_time) {
    if (!r.time_text.empty()) {
      put(r.time_text);
    } else {
      char buf[sandlog::max_timestamp_chars];
      sandlog::format_options fo;
      fo.fraction = sandlog::fraction_digits::shortest;
      fo.offset = sandlog::zone::stored;
      if (const char* end = sandlog::format_timestamp(r.time, buf, fo))
        put({buf, static_cast<std::size_t>(end - buf)});
    }
    put(" ");
  }
  if (r.stream == sandlog::stream_kind::out) put("stdout ");
  if (r.stream == sandlog::stream_kind::err) put("stderr ");
  put(r.message);
  put("\n");
}

}  // namespace

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : nullptr;
  std::FILE* in = path ? std::fopen(path, "rb") : stdin;
  if (in == nullptr) {
    std::perror(path);
    return 3;
  }
  const std::string name = path ? path : "<stdin>";
  sandlog::json_record_reader reader;
  bool bad = false;
  auto sink = sandlog::sinks(print, [&](const sandlog::read_error& e) {
    const std::string_view what = sandlog::to_string(e.ec);
    std::fprintf(stderr, "%s:%llu: %.*s\n", name.c_str(), static_cast<unsigned long long>(e.line),
                 static_cast<int>(what.size()), what.data());
    bad = true;
  });
  static char buf[1 << 16];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, in)) != 0) reader.feed({buf, n}, sink);
  reader.finish(sink);
  if (in != stdin) std::fclose(in);
  return bad ? 1 : 0;
}
