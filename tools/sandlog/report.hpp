// sandlog CLI: messages on stderr — malformed lines and --stats.
#ifndef SANDLOG_CLI_REPORT_HPP
#define SANDLOG_CLI_REPORT_HPP

#include <cinttypes>
#include <cstdio>
#include <string_view>
#include <vector>

#include <sandlog/error.hpp>

#include "decoder.hpp"

namespace sandlog_cli {

// "sandlog: FILE:LINE: <error>" for each note, line numbers shifted by
// `first_line` (for --jobs blocks); empties the list.
inline void report_errors(std::string_view name, std::vector<error_note>& notes,
                          std::uint64_t first_line = 0) {
  for (const error_note& n : notes) {
    const std::string_view msg = sandlog::to_string(n.ec);
    std::fprintf(stderr, "sandlog: %.*s:%" PRIu64 ": %.*s\n", static_cast<int>(name.size()),
                 name.data(), n.line + first_line, static_cast<int>(msg.size()), msg.data());
  }
  notes.clear();
}

inline void report_stats(const run_stats& s, double seconds) {
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
