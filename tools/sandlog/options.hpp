// sandlog CLI: command-line options and --help.
#ifndef SANDLOG_CLI_OPTIONS_HPP
#define SANDLOG_CLI_OPTIONS_HPP

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sandlog/config.hpp>
#include <sandlog/record.hpp>
#include <sandlog/timestamp.hpp>

#include "time_arg.hpp"

// --where and --fields need logfmt.hpp and predicate.hpp, hence fast_float
// (header-only); the build defines SANDLOG_CLI_FIELDS=1 when it is there.
#ifndef SANDLOG_CLI_FIELDS
#define SANDLOG_CLI_FIELDS 0
#endif
#if SANDLOG_CLI_FIELDS
#include <sandlog/predicate.hpp>
#endif

namespace sandlog_cli {

// Exit statuses (also in --help and docs/cli.md).
enum exit_code : int { exit_ok = 0, exit_malformed = 1, exit_usage = 2, exit_io = 3 };

enum class output_mode : std::uint8_t { text, ndjson, raw };

struct options {
  bool lifecycle = false;                      // the `lifecycle` subcommand
  std::vector<std::string> files;              // empty or "-": standard input
  std::optional<sandlog::log_format> format;   // nullopt: detect
  bool lifecycle_json = false;                 // --format lifecycle-json
  std::optional<sandlog::timestamp> since, until;
  std::optional<std::uint64_t> tail;
  std::optional<sandlog::stream_kind> stream;
  output_mode output = output_mode::text;
  std::optional<bool> timestamps;              // nullopt: the mode's default
  bool utc = false;
  bool join = true;
  bool follow = false;
  unsigned jobs = 1;
  bool stats = false;
  bool strict = false;
  bool progress = true;
#if SANDLOG_CLI_FIELDS
  std::vector<sandlog::field_predicate> where;  // --where, all must hold
#endif
  bool fields = false;                           // --fields: ndjson gets a `fields` member
  bool reads_fields() const noexcept {
#if SANDLOG_CLI_FIELDS
    return fields || !where.empty();
#else
    return false;
#endif
  }
};

inline constexpr char usage_text[] =
    "usage: sandlog [OPTIONS] [FILE...]\n"
    "       sandlog lifecycle [--strict] [FILE...]\n"
    "\n"
    "Reads container and sandbox logs (files, or standard input when FILE is\n"
    "absent or -), decodes each line's envelope and prints the records.\n"
    "\n"
    "Input:\n"
    "  -f, --follow          keep reading as the file grows, like tail -f;\n"
    "                        SIGINT or SIGTERM ends the run cleanly\n"
    "  --format FMT          raw|timestamped|cri|bracketed|docker-json|lifecycle-json\n"
    "                        (default: detected from the first lines)\n"
    "  -j, --jobs N          decode one regular file on N threads\n"
    "Filters:\n"
    "  --since T             records at or after T (RFC 3339, or 30s, 10m, 2h, 1d ago)\n"
    "  --until T             records before T\n"
    "  -n, --tail N          only the last N records (with --follow: then keep going)\n"
    "  --stream S            stdout|stderr\n"
    "  --where EXPR          records whose message has a field satisfying EXPR:\n"
    "                        key=v, key!=v, key<v, <=, >, >= on strings, numbers,\n"
    "                        booleans, durations (1.5s), times (RFC 3339);\n"
    "                        logfmt or JSON-object messages; repeat: all must hold\n"
    "Output:\n"
    "  -o, --output M        text (default): [time] [stream] message\n"
    "                        ndjson: {\"time\",\"stream\",\"partial\",\"message\"} per line\n"
    "                        raw: the message only\n"
    "  --fields              ndjson: add the message's fields as a typed\n"
    "                        \"fields\" object (logfmt or JSON-object messages)\n"
    "  --timestamps          print times (default for text and ndjson)\n"
    "  --no-timestamps       leave them out (default for raw)\n"
    "  --utc                 rewrite times in UTC (default: as written)\n"
    "  --no-join             keep CRI / Docker partial fragments apart\n"
    "  --stats               counts and throughput on stderr at the end\n"
    "  --strict              stop at the first malformed line\n"
    "  --no-progress         no progress bar (shown for big files on a terminal)\n"
    "  -h, --help            this text\n"
    "  -V, --version         the version\n"
    "\n"
    "Malformed lines are reported as `sandlog: FILE:LINE: error` and skipped.\n"
    "The SANDLOG_NOW environment variable (RFC 3339) replaces the clock for\n"
    "relative --since/--until (for tests).\n"
    "\n"
    "Exit status: 0 ok; 1 malformed lines seen (or lifecycle anomalies);\n"
    "2 usage error; 3 I/O error.\n";

// Prints "sandlog: <what>" and the usage hint on stderr; returns exit_usage.
inline int usage_error(std::string_view what, std::string_view arg = "") {
  std::string msg = "sandlog: ";
  msg.append(what);
  if (!arg.empty()) msg.append(": ").append(arg);
  msg.append("\nTry 'sandlog --help'.\n");
  std::fputs(msg.c_str(), stderr);
  return exit_usage;
}

inline bool parse_uint_arg(std::string_view s, std::uint64_t& out) noexcept {
  if (s.empty() || s.size() > 18) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  out = v;
  return true;
}

// Parses argv into opt. Returns -1 to go on, else the exit status to end with
// (--help and --version print and return exit_ok).
inline int parse_options(int argc, char** argv, options& opt) {
  sandlog::timestamp now{};
  bool have_now = false;
  int i = 1;
  if (argc > 1 && std::string_view(argv[1]) == "lifecycle") {
    opt.lifecycle = true;
    i = 2;
  }
  bool only_files = false;
  for (; i < argc; ++i) {
    std::string_view a = argv[i];
    if (only_files || a == "-" || a.empty() || a[0] != '-') {
      opt.files.emplace_back(a);
      continue;
    }
    if (a == "--") {
      only_files = true;
      continue;
    }
    std::string_view value;
    bool has_inline = false;
    if (a.substr(0, 2) == "--") {
      const std::size_t eq = a.find('=');
      if (eq != std::string_view::npos) {
        value = a.substr(eq + 1);
        a = a.substr(0, eq);
        has_inline = true;
      }
    }
    auto take = [&](std::string_view& v) -> bool {
      if (has_inline) return v = value, true;
      if (i + 1 >= argc) return false;
      v = argv[++i];
      return true;
    };
    std::string_view v;
    if (a == "-h" || a == "--help") {
      std::fputs(usage_text, stdout);
      return exit_ok;
    } else if (a == "-V" || a == "--version") {
      std::puts("sandlog " SANDLOG_VERSION_STRING);
      return exit_ok;
    } else if (a == "-f" || a == "--follow") {
      opt.follow = true;
    } else if (a == "--format") {
      if (!take(v)) return usage_error("--format needs a value");
      if (v == "raw") opt.format = sandlog::log_format::raw;
      else if (v == "timestamped") opt.format = sandlog::log_format::timestamped;
      else if (v == "cri") opt.format = sandlog::log_format::cri;
      else if (v == "bracketed") opt.format = sandlog::log_format::bracketed;
      else if (v == "docker-json") opt.format = sandlog::log_format::docker_json;
      else if (v == "lifecycle-json") opt.lifecycle_json = true;
      else return usage_error("unknown format", v);
    } else if (a == "-j" || a == "--jobs") {
      std::uint64_t n = 0;
      if (!take(v) || !parse_uint_arg(v, n) || n == 0 || n > 256)
        return usage_error("--jobs needs a number from 1 to 256");
      opt.jobs = static_cast<unsigned>(n);
    } else if (a == "--since" || a == "--until") {
      if (!take(v)) return usage_error("missing time after", a);
      if (!have_now) {
        if (!sandlog_cli::current_time(now)) return usage_error("SANDLOG_NOW is not RFC 3339");
        have_now = true;
      }
      sandlog::timestamp t;
      if (!parse_time_arg(v, now, t)) return usage_error("not an RFC 3339 time or a duration", v);
      (a == "--since" ? opt.since : opt.until) = t;
    } else if (a == "-n" || a == "--tail") {
      std::uint64_t n = 0;
      if (!take(v) || !parse_uint_arg(v, n)) return usage_error("--tail needs a number");
      opt.tail = n;
    } else if (a == "--stream") {
      if (!take(v)) return usage_error("--stream needs a value");
      if (v == "stdout") opt.stream = sandlog::stream_kind::out;
      else if (v == "stderr") opt.stream = sandlog::stream_kind::err;
      else return usage_error("--stream is stdout or stderr", v);
    } else if (a == "--where") {
      if (!take(v)) return usage_error("--where needs an expression");
#if SANDLOG_CLI_FIELDS
      sandlog::field_predicate p;
      const sandlog::parse_result r = sandlog::parse_predicate(v, p);
      if (!r) {
        std::string what = "bad --where expression (";
        what.append(sandlog::to_string(r.ec)).append(" at byte ");
        what.append(std::to_string(r.ptr - v.data())).append(")");
        return usage_error(what, v);
      }
      opt.where.push_back(std::move(p));
#else
      return usage_error("--where is not available: sandlog was built without fast_float");
#endif
    } else if (a == "--fields") {
#if !SANDLOG_CLI_FIELDS
      return usage_error("--fields is not available: sandlog was built without fast_float");
#endif
      opt.fields = true;
    } else if (a == "-o" || a == "--output") {
      if (!take(v)) return usage_error("--output needs a value");
      if (v == "text") opt.output = output_mode::text;
      else if (v == "ndjson") opt.output = output_mode::ndjson;
      else if (v == "raw") opt.output = output_mode::raw;
      else return usage_error("--output is text, ndjson or raw", v);
    } else if (a == "--timestamps") {
      opt.timestamps = true;
    } else if (a == "--no-timestamps") {
      opt.timestamps = false;
    } else if (a == "--utc") {
      opt.utc = true;
    } else if (a == "--no-join") {
      opt.join = false;
    } else if (a == "--stats") {
      opt.stats = true;
    } else if (a == "--strict") {
      opt.strict = true;
    } else if (a == "--no-progress") {
      opt.progress = false;
    } else {
      return usage_error("unknown option", a);
    }
    if (has_inline && v.data() != value.data())
      return usage_error("option takes no value", a);
  }
  if (opt.files.empty()) opt.files.emplace_back("-");
  if (!opt.timestamps) opt.timestamps = opt.output != output_mode::raw;
  if (opt.follow && opt.files.size() > 1) return usage_error("--follow reads one file");
  if (opt.fields && opt.output != output_mode::ndjson) return usage_error("--fields needs --output ndjson");
  return -1;
}

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_OPTIONS_HPP
