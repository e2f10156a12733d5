// sandlog CLI: messages on stderr — bad lines and --stats.
#ifndef SANDLOG_CLI_REPORT_HPP
#define SANDLOG_CLI_REPORT_HPP

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cinttypes>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <sandlog/error.hpp>
#include <sandlog/reader.hpp>
#include <sandlog/record.hpp>

#include "progress.hpp"
#include "text_escape.hpp"

namespace sandlog_cli {

// One bad line, owned (a --jobs block keeps its notes until its turn).
struct error_note {
  std::uint64_t line = 0;  // 1-based within the input (or block)
  sandlog::error ec = sandlog::error::ok;
  std::size_t column = 0;
  std::string field;    // the JSON member at fault, if any
  std::string excerpt;  // the line's first bytes, raw
  bool has_format = false;
  sandlog::log_format format = sandlog::log_format::raw;
};

inline error_note make_note(const sandlog::read_error& e) {
  error_note n;
  n.line = e.line;
  n.ec = e.ec;
  n.column = e.column;
  n.field.assign(e.field.data(), e.field.size());
  n.excerpt.assign(e.excerpt.data(), e.excerpt.size());
  n.has_format = true;
  n.format = e.format;
  return n;
}

inline std::string_view format_name(sandlog::log_format f) noexcept {
  switch (f) {
    case sandlog::log_format::raw: return "raw";
    case sandlog::log_format::timestamped: return "timestamped";
    case sandlog::log_format::cri: return "cri";
    case sandlog::log_format::bracketed: return "bracketed";
    case sandlog::log_format::docker_json: return "docker-json";
  }
  return "raw";
}

// When most of a source's non-blank lines failed in its format (given or
// detected) and most of those parse as one other format with an envelope,
// says so and how to read them that way. Raw is never suggested: it always
// parses, and says nothing about the lines.
inline void suggest_format(const std::string& name, sandlog::log_format format,
                           std::uint64_t lines, std::uint64_t malformed,
                           const std::array<std::uint64_t, 5>& look) {
  if (malformed == 0 || 2 * malformed <= lines) return;
  constexpr auto raw = static_cast<std::size_t>(sandlog::log_format::raw);
  std::size_t best = raw;
  std::uint64_t n = 0;
  for (std::size_t f = 0; f < look.size(); ++f)
    if (f != raw && look[f] > n) best = f, n = look[f];
  const auto other = static_cast<sandlog::log_format>(best);
  if (n == 0 || other == format || 2 * n < malformed) return;
  erase_progress();
  const std::string_view f = format_name(format), g = format_name(other);
  const char* const what = other == sandlog::log_format::cri           ? "CRI (kubelet) lines"
                           : other == sandlog::log_format::docker_json ? "Docker json-file"
                           : other == sandlog::log_format::bracketed   ? "bracketed lines"
                                                                       : "timestamped lines";
  std::fprintf(stderr,
               "sandlog: %s: %llu of %llu lines fail as %.*s; they look like %s: try --format %.*s\n",
               name.c_str(), static_cast<unsigned long long>(malformed),
               static_cast<unsigned long long>(lines), static_cast<int>(f.size()), f.data(), what,
               static_cast<int>(g.size()), g.data());
}

// Whether standard output and standard error are the same file (a terminal
// both write to): then output is flushed before each message, so the two
// read in order.
inline bool stdout_is_stderr() noexcept { return same_output_files(); }

// The bad lines of one input: each printed as
//   sandlog: FILE:LINE:COLUMN: MESSAGE [(field F)] in a FORMAT line: "EXCERPT"
// the first `cap` of each kind of problem, then only counted and summed up by
// finish().
class error_reporter {
 public:
  static constexpr std::uint64_t cap = 10;

  explicit error_reporter(std::string name = {}) : name_(std::move(name)) {}

  void report(const error_note& n, std::uint64_t first_line = 0) {
    ++total_;
    std::uint64_t& seen = seen_[static_cast<std::size_t>(n.ec) % seen_.size()];
    if (++seen > cap) return;
    erase_progress();
    const std::string_view msg = sandlog::to_string(n.ec);
    std::string where = std::to_string(n.line + first_line);
    if (n.has_format) where += ':' + std::to_string(n.column + 1);
    std::string detail;
    if (!n.field.empty()) detail += " (field \"" + escaped_text(n.field) + "\")";
    if (n.has_format) {
      detail += " in a ";
      detail += format_name(n.format);
      detail += " line: \"" + escaped_text(n.excerpt) + "\"";
      if (n.excerpt.size() >= sandlog::excerpt_bytes) detail += "...";
    }
    std::fprintf(stderr, "sandlog: %s:%s: %.*s%s\n", name_.c_str(), where.c_str(),
                 static_cast<int>(msg.size()), msg.data(), detail.c_str());
  }

  // One line per kind of problem that went past the cap.
  void finish() {
    for (std::size_t i = 0; i < seen_.size(); ++i) {
      if (seen_[i] <= cap) continue;
      erase_progress();
      const std::string_view msg = sandlog::to_string(static_cast<sandlog::error>(i));
      std::fprintf(stderr, "sandlog: %s: %" PRIu64 " more lines with: %.*s\n", name_.c_str(),
                   seen_[i] - cap, static_cast<int>(msg.size()), msg.data());
    }
    seen_ = {};
  }

  std::uint64_t total() const noexcept { return total_; }
  const std::string& name() const noexcept { return name_; }

 private:
  std::string name_;
  std::array<std::uint64_t, static_cast<std::size_t>(sandlog::error::count_)> seen_{};
  std::uint64_t total_ = 0;
};

// Reports each note, line numbers shifted by `first_line` (for --jobs
// blocks); empties the list.
inline void report_errors(error_reporter& rep, std::vector<error_note>& notes,
                          std::uint64_t first_line = 0) {
  for (const error_note& n : notes) rep.report(n, first_line);
  notes.clear();
}
inline void report_errors(std::string_view name, std::vector<error_note>& notes) {
  error_reporter rep{std::string(name)};
  report_errors(rep, notes);
  rep.finish();
}

// Counts for --stats, added up over files and blocks: what was read and
// what was written.
struct run_stats {
  std::uint64_t lines = 0;
  std::uint64_t bytes = 0;
  std::array<std::uint64_t, 3> records{};  // written, by stream_kind
  std::array<std::uint64_t, static_cast<std::size_t>(sandlog::error::count_)> malformed{};
  std::array<std::uint64_t, 5> malformed_look{};  // by the format they parse as alone
  std::uint64_t blank_lines = 0;
  std::uint64_t no_stream = 0;  // dropped by --stream for want of a stream
  std::uint64_t tail_short = 0;
  // The format of each input, as decided (the last input's, with how).
  bool have_format = false;
  bool detected = false;
  sandlog::log_format format = sandlog::log_format::raw;
  std::uint32_t voters = 0;

  std::uint64_t malformed_total() const noexcept {
    std::uint64_t n = 0;
    for (std::uint64_t m : malformed) n += m;
    return n;
  }
  void add(const sandlog::reader_stats& s) noexcept {
    add_read(s);
    add_written(s);
  }
  // The records a reader delivered, when they are what was written.
  void add_written(const sandlog::reader_stats& s) noexcept {
    for (std::size_t i = 0; i < records.size(); ++i) records[i] += s.by_stream[i];
  }
  // What a reader read: everything but the records it delivered (which,
  // when a later stage keeps a tail, are not what was written).
  void add_read(const sandlog::reader_stats& s) noexcept {
    lines += s.lines;
    bytes += s.bytes;
    blank_lines += s.blank_lines;
    for (std::size_t i = 0; i < malformed.size(); ++i) malformed[i] += s.malformed[i];
    for (std::size_t i = 0; i < malformed_look.size(); ++i) malformed_look[i] += s.malformed_look[i];
    no_stream += s.no_stream;
    tail_short += s.tail_short;
    if (s.decided) {
      have_format = true;
      detected = s.detected;
      format = s.format;
      voters = s.voters;
    }
  }
  void add(const run_stats& o) noexcept {
    lines += o.lines;
    bytes += o.bytes;
    for (std::size_t i = 0; i < records.size(); ++i) records[i] += o.records[i];
    for (std::size_t i = 0; i < malformed.size(); ++i) malformed[i] += o.malformed[i];
    for (std::size_t i = 0; i < malformed_look.size(); ++i) malformed_look[i] += o.malformed_look[i];
    blank_lines += o.blank_lines;
    no_stream += o.no_stream;
    tail_short += o.tail_short;
    if (o.have_format) {
      have_format = true;
      detected = o.detected;
      format = o.format;
      voters = o.voters;
    }
  }
};

inline void report_stats(const run_stats& s, double seconds) {
  erase_progress();
  if (s.have_format) {
    const std::string_view f = format_name(s.format);
    if (s.detected)
      std::fprintf(stderr, "sandlog: stats: format %.*s (detected from %u lines)\n",
                   static_cast<int>(f.size()), f.data(), s.voters);
    else
      std::fprintf(stderr, "sandlog: stats: format %.*s (given)\n", static_cast<int>(f.size()),
                   f.data());
  }
  std::fprintf(stderr,
               "sandlog: stats: lines %" PRIu64 ", bytes %" PRIu64 "\n"
               "sandlog: stats: records written: stdout %" PRIu64 ", stderr %" PRIu64
               ", unknown %" PRIu64 "\n"
               "sandlog: stats: malformed lines: %" PRIu64 "\n",
               s.lines, s.bytes, s.records[1], s.records[2], s.records[0], s.malformed_total());
  for (std::size_t i = 0; i < s.malformed.size(); ++i) {
    if (s.malformed[i] == 0) continue;
    const std::string_view msg = sandlog::to_string(static_cast<sandlog::error>(i));
    std::fprintf(stderr, "sandlog: stats:   %.*s: %" PRIu64 "\n", static_cast<int>(msg.size()),
                 msg.data(), s.malformed[i]);
  }
  const double rate = seconds > 0 ? static_cast<double>(s.bytes) / seconds / 1e6 : 0.0;
  std::fprintf(stderr, "sandlog: stats: time %.3f s, throughput %.1f MB/s\n", seconds, rate);
}

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_REPORT_HPP
