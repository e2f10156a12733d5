// sandlog: read container and sandbox logs from the command line.
// `sandlog --help` and docs/cli.md describe it.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "follow_files.hpp"
#include "follow_sets.hpp"
#include "input.hpp"
#include "lifecycle_audit.hpp"
#include "options.hpp"
#include "parallel.hpp"
#include "progress.hpp"
#include "records.hpp"
#include "report.hpp"
#include "set_run.hpp"
#include "sources.hpp"

namespace sandlog_cli {

// The format a reader decides on the head of a file (`size` bytes in all).
inline sandlog::log_format detect_head(std::string_view head, std::uint64_t size) {
  reader probe;
  auto ignore = [](const sandlog::read_record&) {};
  if (head.size() < size) head = head.substr(0, head.rfind('\n') + 1);  // whole lines only
  probe.feed(head, ignore);
  probe.end_input(ignore);
  return probe.format();
}

// A record written in pieces counts once in --stats (the reader counted
// each piece).
inline void written_once(run_stats& total, const std::array<std::uint64_t, 3>& joined) {
  for (std::size_t i = 0; i < joined.size(); ++i)
    total.records[i] -= joined[i] < total.records[i] ? joined[i] : total.records[i];
}

// --jobs applies to one regular file read to its end, without --tail (which
// needs the records in order through one buffer); otherwise one thread.
inline int run_records(const options& opt) {
  render_options ro;
  ro.mode = opt.output;
  ro.timestamps = *opt.timestamps;
  ro.utc = opt.utc;
  ro.details = opt.details;
  // A record in pieces is written as one as it comes, unless records are
  // held or judged whole, or followed (a line shown before its end is a
  // record of its own), or not joined (--no-join: pieces are fragments):
  // docs/cli.md, "Long records".
  std::array<std::uint64_t, 3> joined{};
  if (!opt.tail && !opt.reads_fields() && !opt.prefix && !opt.follow && opt.join) {
    ro.stream_fd = 1;
    ro.joined_pieces = &joined;
  }
  run_stats total;
  const double start = monotonic_seconds();
  int status = -1;
  // --follow on named files follows them by name (pipes and standard input
  // are read until they close), on a directory or a glob follows its sets;
  // everything else is read as log sets.
  bool names = opt.follow && !opt.lifecycle_json;
  bool sets = false;
  for (const std::string& f : opt.files) {
    names = names && f != "-";
    sets = sets || names_a_set(f);
  }
  if (names && sets) {
    status = follow_sets(opt, ro, total);
    written_once(total, joined);
    if (opt.stats) report_stats(total, monotonic_seconds() - start);
    return status;
  }
  int expand_status = exit_ok;
  std::vector<cli_source> sources;
  if (!names) sources = expand_sources(opt, expand_status);
  if (opt.jobs > 1 && sources.size() == 1 && sources[0].paths.size() == 1 && !opt.follow &&
      !opt.tail && !opt.lifecycle_json && !opt.prefix) {
    input_file in;
    if (in.open(sources[0].paths[0]) && in.regular) {
      // The format comes from the head of the file, as one reader would
      // decide it: its first complete lines.
      std::string head(read_size, '\0');
      const ssize_t n = pread_full(in.fd, &head[0], head.size(), 0);
      if (n >= 0) {
        head.resize(static_cast<std::size_t>(n));
        std::optional<sandlog::log_format> format = opt.format;
        if (!format && !looks_like_page(head)) format = detect_head(head, in.size);
        if (docker_head(opt, head)) format.reset();  // not lines: one reader
        if (format && !is_gzip_head(head)) {
          if (opt.verbose) {
            const std::string_view f = format_name(*format);
            std::fprintf(stderr, "sandlog: %s: format %.*s (%s)\n", in.name.c_str(),
                         static_cast<int>(f.size()), f.data(),
                         opt.format ? "given" : "detected on the head");
          }
          run_stats mine;
          render_options held = ro;  // blocks are rendered apart: pieces stay records
          held.stream_fd = -1;
          held.joined_pieces = nullptr;
          status = run_parallel(opt, held, in, *format, mine);
          if (status >= 0)
            suggest_format(in.name, *format, mine.lines - mine.blank_lines,
                           mine.malformed_total(), mine.malformed_look);
          total.add(mine);
        }
      }
    }
  }
  if (status < 0 && names) status = follow_files(opt, ro, total);
  if (status < 0) status = run_sources(opt, ro, sources, total);
  set_cursor::raise(status, expand_status);
  written_once(total, joined);
  if (opt.stats) report_stats(total, monotonic_seconds() - start);
  return status;
}

}  // namespace sandlog_cli

int main(int argc, char** argv) {
  sandlog_cli::options opt;
  const int early = sandlog_cli::parse_options(argc, argv, opt);
  if (early >= 0) return early;
  return opt.lifecycle ? sandlog_cli::run_lifecycle(opt) : sandlog_cli::run_records(opt);
}
