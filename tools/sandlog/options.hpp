// sandlog CLI: command-line options and --help.
//
// getopt_long reads argv, so options take the forms users type for GNU
// tools: combined short options (-fn5), a value attached or apart (-n5,
// -n 5, --tail=5, --tail 5), unique prefixes of long options (--foll), and
// -- before file names that start with '-'. Options and files may be mixed;
// files keep their order. One addition: a short option's attached value
// may start with '=', which is dropped (-o=ndjson is -o ndjson), since
// getopt_long would otherwise read the value "=ndjson".
#ifndef SANDLOG_CLI_OPTIONS_HPP
#define SANDLOG_CLI_OPTIONS_HPP

#include <getopt.h>

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

#include "text_escape.hpp"
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

// Docker's binary inputs, which are not lines: an Engine API logs body, a
// `local` driver file.
enum class docker_body : std::uint8_t { detect, api, local };

struct options {
  bool lifecycle = false;                      // the `lifecycle` subcommand
  std::vector<std::string> files;              // empty or "-": standard input
  std::optional<sandlog::log_format> format;   // nullopt: detect
  bool lifecycle_json = false;                 // --format lifecycle-json
  docker_body docker = docker_body::detect;    // --format docker-api|docker-local
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
  bool verbose = false;                        // -v: each input's format on stderr
  bool strict = false;
  bool progress = true;
  bool previous = false;                       // --previous: a kubelet container's restart before the current
  bool prefix = false;                         // --prefix: each record's source
  bool concat = false;                         // --concat: sources one after another, not merged by time
  bool details = false;                        // --details: Docker's attrs before each message
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
    "       sandlog lifecycle [--strict] [--since T] [--until T] [-o text|ndjson] [FILE...]\n"
    "\n"
    "Reads container and sandbox logs (files, or standard input when FILE is\n"
    "absent or -), decodes each line's envelope and prints the records.\n"
    "Short options combine (-fn5); values attach or follow (-n5, -n 5,\n"
    "--tail=5, --tail 5, -o=ndjson); a long option may be cut to a unique\n"
    "prefix (--foll); -- ends the options.\n"
    "\n"
    "Input:\n"
    "  -f, --follow          keep reading as the file grows, like tail -f;\n"
    "                        SIGINT or SIGTERM ends the run cleanly\n"
    "  --format FMT          raw|timestamped|cri|bracketed|docker-json|lifecycle-json|\n"
    "                        docker-api (Engine API logs body)|docker-local\n"
    "                        (the local driver's container.log)\n"
    "                        (default: detected from the first lines)\n"
    "  -j, --jobs N          decode one regular file on N threads (1-256)\n"
    "                        A FILE may be a directory or a glob: each log set in it\n"
    "                        (kubelet, Docker, logrotate rotations, .gz or not) is read\n"
    "                        oldest to newest as one stream; several sets are merged\n"
    "                        by time\n"
    "  --previous            a kubelet container's previous restart (kubectl's)\n"
    "  --concat              read several sources one after another, not merged\n"
    "Filters:\n"
    "  --since T             records at or after T, one of:\n"
    "                          2026-02-20T14:30:00Z (RFC 3339, any offset)\n"
    "                          '2026-02-20 14:30:00', 2026-02-20T14:30, 2026-02-20\n"
    "                            (no zone: local time, as TZ says)\n"
    "                          1796151941.02 (unix seconds)\n"
    "                          90s, 10m, 1.5h, 2h30m, 500ms, 1d (that long ago)\n"
    "  --until T             records before T\n"
    "  -n, --tail N          only the last N records (with --follow: then keep\n"
    "                        going); -1 or all: every record\n"
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
    "  --prefix              each record's source: [pod/container] or [file] in text,\n"
    "                        a \"source\" member in ndjson\n"
    "  --details             Docker json-file attrs (labels, env, tag) before each\n"
    "                        message, as docker logs --details (ndjson: always, as\n"
    "                        an \"attrs\" member)\n"
    "  --timestamps          print times (default for text and ndjson)\n"
    "  --no-timestamps       leave them out (default for raw)\n"
    "  --utc                 rewrite times in UTC (default: as written)\n"
    "  --no-join             keep CRI / Docker partial fragments apart\n"
    "  --stats               counts and throughput on stderr at the end\n"
  "  -v, --verbose         each input's format on stderr, as given or detected\n"
  "                        (`sandlog: FILE: format cri (detected: 4 of 4 lines)`)\n"
    "  --strict              stop at the first malformed line\n"
    "  --no-progress         no progress bar (shown for big files on a terminal)\n"
    "  -h, --help            this text\n"
    "  -V, --version         the version\n"
    "\n"
    "Malformed lines are reported as `sandlog: FILE:LINE: error` and skipped.\n"
    "The SANDLOG_NOW environment variable (RFC 3339) replaces the clock for\n"
    "relative --since/--until (for tests).\n"
    "\n"
    "Exit status: 0 ok; 1 malformed lines seen, a corrupt or truncated gzip\n"
    "member or a rotated file missing from a set (or lifecycle anomalies);\n"
    "2 usage error; 3 I/O error (a file that cannot be read, or no match).\n";

// Prints "sandlog: <what>[: '<arg>']" and the usage hint on stderr; returns
// exit_usage. The argument is shown escaped (text_escape.hpp), so whatever
// bytes it holds cannot act on the terminal, and quoted, so an empty one
// shows.
inline int usage_error(std::string_view what, std::string_view arg = "", bool show_arg = false) {
  std::string msg = "sandlog: ";
  msg.append(what);
  if (show_arg || !arg.empty()) msg.append(": '").append(escaped_text(arg)).append("'");
  msg.append("\nTry 'sandlog --help'.\n");
  std::fputs(msg.c_str(), stderr);
  return exit_usage;
}

// A decimal count, 0 .. 2^64-1, digits only.
inline bool parse_uint_arg(std::string_view s, std::uint64_t& out) noexcept {
  if (s.empty()) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

// Whether `ec` is one of parse_timestamp's errors.
inline bool where_time_error(sandlog::error ec) noexcept {
  switch (ec) {
    case sandlog::error::too_short:
    case sandlog::error::bad_year:
    case sandlog::error::bad_month:
    case sandlog::error::bad_day:
    case sandlog::error::bad_week:
    case sandlog::error::bad_hour:
    case sandlog::error::bad_minute:
    case sandlog::error::bad_second:
    case sandlog::error::bad_fraction:
    case sandlog::error::bad_separator:
    case sandlog::error::bad_offset:
    case sandlog::error::leap_second:
    case sandlog::error::trailing_bytes: return true;
    default: return false;
  }
}

namespace detail {

// getopt_long's codes for the options without a short name.
enum long_only : int {
  opt_format = 256, opt_since, opt_until, opt_stream, opt_where, opt_fields, opt_timestamps,
  opt_no_timestamps, opt_utc, opt_no_join, opt_stats, opt_strict, opt_no_progress,
  opt_previous, opt_prefix, opt_concat, opt_details,
};

// The options `sandlog lifecycle` honours (lifecycle_audit.hpp); it refuses
// the others rather than ignore them.
constexpr bool lifecycle_option(int code) noexcept {
  return code == 'h' || code == 'V' || code == 'o' || code == opt_format || code == opt_since ||
         code == opt_until || code == opt_utc || code == opt_strict || code == opt_no_progress;
}

// '-': files come back in order as code 1 (no reordering of argv, and the
// same whatever POSIXLY_CORRECT says); ':': a missing value is ':', not '?'.
inline constexpr char short_options[] = "-:fj:n:o:vhV";

inline constexpr ::option long_options[] = {
    {"follow", no_argument, nullptr, 'f'},
    {"format", required_argument, nullptr, opt_format},
    {"jobs", required_argument, nullptr, 'j'},
    {"since", required_argument, nullptr, opt_since},
    {"until", required_argument, nullptr, opt_until},
    {"tail", required_argument, nullptr, 'n'},
    {"stream", required_argument, nullptr, opt_stream},
    {"where", required_argument, nullptr, opt_where},
    {"output", required_argument, nullptr, 'o'},
    {"fields", no_argument, nullptr, opt_fields},
    {"timestamps", no_argument, nullptr, opt_timestamps},
    {"no-timestamps", no_argument, nullptr, opt_no_timestamps},
    {"utc", no_argument, nullptr, opt_utc},
    {"no-join", no_argument, nullptr, opt_no_join},
    {"stats", no_argument, nullptr, opt_stats},
    {"verbose", no_argument, nullptr, 'v'},
    {"strict", no_argument, nullptr, opt_strict},
    {"no-progress", no_argument, nullptr, opt_no_progress},
    {"previous", no_argument, nullptr, opt_previous},
    {"prefix", no_argument, nullptr, opt_prefix},
    {"concat", no_argument, nullptr, opt_concat},
    {"details", no_argument, nullptr, opt_details},
    {"help", no_argument, nullptr, 'h'},
    {"version", no_argument, nullptr, 'V'},
    {nullptr, 0, nullptr, 0},
};

// The option with getopt_long code `code`, as the user wrote it: "--tail"
// when the word was long, else "-n".
inline std::string option_name(int code, bool long_form) {
  if (!long_form && code > 0 && code < 256) return std::string("-") + static_cast<char>(code);
  for (const ::option* o = long_options; o->name != nullptr; ++o)
    if (o->val == code) return std::string("--") + o->name;
  return std::string("-") + static_cast<char>(code);
}

// What getopt_long refused ('?'): an unknown or ambiguous long option, a
// value given to a long option that takes none, or an unknown short one.
inline int refused(std::string_view word, int code) {
  if (word.substr(0, 2) == "--") {
    std::string_view name = word.substr(2);
    name = name.substr(0, name.find('='));
    if (code != 0) return usage_error("option " + option_name(code, true) + " takes no value", word);
    std::string matches;
    int n = 0;
    for (const ::option* o = long_options; o->name != nullptr; ++o)
      if (std::string_view(o->name).substr(0, name.size()) == name) {
        matches.append(n++ ? ", --" : "--").append(o->name);
      }
    if (n > 1) return usage_error("ambiguous option (" + matches + ")", word);
    return usage_error("unknown option", word);
  }
  const std::string option = std::string("-") + static_cast<char>(code);
  if (word.size() > 2) return usage_error("unknown option '" + escaped_text(option) + "' in", word);
  return usage_error("unknown option", option);
}

}  // namespace detail

// Parses argv into opt. Returns -1 to go on, else the exit status to end with
// (--help and --version print and return exit_ok). May be called again (the
// tests do): it restarts getopt_long.
inline int parse_options(int argc, char** argv, options& opt) {
  sandlog::timestamp now{};
  bool have_now = false;
  if (argc > 1 && std::string_view(argv[1]) == "lifecycle") {
    opt.lifecycle = true;
    --argc;
    ++argv;
  }
  opterr = 0;  // the messages below name the option and the reason
  optind = 0;  // 0, not 1: glibc and musl then also forget a half-read cluster
  for (;;) {
    const int before = optind == 0 ? 1 : optind;
    int long_index = -1;
    const int c = getopt_long(argc, argv, detail::short_options, detail::long_options, &long_index);
    if (c == -1) break;
    // getopt_long leaves optind on the word it is reading until it is done
    // with it, so argv[before] is the option's own word.
    const std::string_view word = before < argc ? argv[before] : "";
    if (c == 1) {
      if (*optarg == '\0') return usage_error("empty file name", "", true);
      opt.files.emplace_back(optarg);
      continue;
    }
    if (c == '?') return detail::refused(word, optopt);
    const bool long_form = long_index >= 0 || word.substr(0, 2) == "--";
    const std::string name = detail::option_name(c == ':' ? optopt : c, long_form);
    if (c == ':') return usage_error("option " + name + " needs a value");
    if (opt.lifecycle && !detail::lifecycle_option(c))
      return usage_error("option " + name + " does not apply to lifecycle", word == name ? "" : word);
    std::string_view v = optarg != nullptr ? optarg : "";
    if (optarg != nullptr && !long_form && optarg != argv[optind - 1] && v[0] == '=')
      v.remove_prefix(1);  // -o=ndjson
    switch (c) {
      case 'h':
        std::fputs(usage_text, stdout);
        return exit_ok;
      case 'V':
        std::puts("sandlog " SANDLOG_VERSION_STRING);
        return exit_ok;
      case 'f':
        opt.follow = true;
        break;
      case detail::opt_format:
        if (v == "raw") opt.format = sandlog::log_format::raw;
        else if (v == "timestamped") opt.format = sandlog::log_format::timestamped;
        else if (v == "cri") opt.format = sandlog::log_format::cri;
        else if (v == "bracketed") opt.format = sandlog::log_format::bracketed;
        else if (v == "docker-json") opt.format = sandlog::log_format::docker_json;
        else if (v == "lifecycle-json") opt.lifecycle_json = true;
        else if (v == "docker-api") opt.docker = docker_body::api;
        else if (v == "docker-local") opt.docker = docker_body::local;
        else return usage_error(name + ": not raw, timestamped, cri, bracketed, docker-json, lifecycle-json, docker-api or docker-local", v, true);
        break;
      case 'j': {
        std::uint64_t n = 0;
        if (!parse_uint_arg(v, n) || n == 0 || n > 256)
          return usage_error(name + ": not a number from 1 to 256", v, true);
        opt.jobs = static_cast<unsigned>(n);
        break;
      }
      case detail::opt_since:
      case detail::opt_until: {
        if (!have_now) {
          if (!sandlog_cli::current_time(now)) return usage_error("SANDLOG_NOW is not RFC 3339");
          have_now = true;
        }
        sandlog::timestamp t;
        if (const char* why = read_time_arg(v, now, t)) return usage_error(name + ": " + why, v, true);
        (c == detail::opt_since ? opt.since : opt.until) = t;
        break;
      }
      case 'n': {
        // kubectl's -1 and docker's "all" mean no limit, as no --tail does.
        if (v == "-1" || v == "all") {
          opt.tail.reset();
          break;
        }
        std::uint64_t n = 0;
        if (!parse_uint_arg(v, n)) {
          const bool digits = !v.empty() && v.find_first_not_of("0123456789") == v.npos;
          return usage_error(name + (digits ? ": beyond 18446744073709551615"
                                            : ": not a count (0, 1, 2, ...; -1 or all: every record)"),
                             v, true);
        }
        opt.tail = n;
        break;
      }
      case detail::opt_stream:
        if (v == "stdout") opt.stream = sandlog::stream_kind::out;
        else if (v == "stderr") opt.stream = sandlog::stream_kind::err;
        else return usage_error(name + ": not stdout or stderr", v, true);
        break;
      case detail::opt_where: {
#if SANDLOG_CLI_FIELDS
        sandlog::field_predicate p;
        const sandlog::parse_result r = sandlog::parse_predicate(v, p);
        if (!r) {
          // A literal written as a timestamp or a duration that is not one
          // would silently compare as a string: refused, saying why.
          const char* meant = r.ec == sandlog::error::bad_duration ? "a duration"
                              : where_time_error(r.ec)            ? "a timestamp"
                                                                  : nullptr;
          std::string what = name + ": ";
          if (meant != nullptr) {
            what.append("the literal looks like ").append(meant).append(" but is not one (");
            what.append(r.ec == sandlog::error::bad_duration
                            ? "a number before each unit, units ns us ms s m h"
                            : sandlog::to_string(r.ec));
            what.append("); quote it to compare it as a string");
          } else {
            what.append("bad expression (").append(sandlog::to_string(r.ec)).append(" at byte ");
            what.append(std::to_string(r.ptr - v.data())).append(")");
          }
          return usage_error(what, v, true);
        }
        opt.where.push_back(std::move(p));
#else
        return usage_error("--where is not available: sandlog was built without fast_float");
#endif
        break;
      }
      case detail::opt_fields:
#if !SANDLOG_CLI_FIELDS
        return usage_error("--fields is not available: sandlog was built without fast_float");
#endif
        opt.fields = true;
        break;
      case 'o':
        if (v == "text") opt.output = output_mode::text;
        else if (v == "ndjson") opt.output = output_mode::ndjson;
        else if (v == "raw") opt.output = output_mode::raw;
        else return usage_error(name + ": not text, ndjson or raw", v, true);
        break;
      case detail::opt_timestamps: opt.timestamps = true; break;
      case detail::opt_no_timestamps: opt.timestamps = false; break;
      case detail::opt_utc: opt.utc = true; break;
      case detail::opt_no_join: opt.join = false; break;
      case detail::opt_stats: opt.stats = true; break;
      case 'v': opt.verbose = true; break;
      case detail::opt_strict: opt.strict = true; break;
      case detail::opt_no_progress: opt.progress = false; break;
      case detail::opt_previous: opt.previous = true; break;
      case detail::opt_prefix: opt.prefix = true; break;
      case detail::opt_details: opt.details = true; break;
      case detail::opt_concat: opt.concat = true; break;
      default:
        return usage_error("unknown option", word);
    }
  }
  for (int i = optind; i < argc; ++i) {  // after --
    if (*argv[i] == '\0') return usage_error("empty file name", "", true);
    opt.files.emplace_back(argv[i]);
  }
  if (opt.files.empty()) opt.files.emplace_back("-");
  if (!opt.timestamps) opt.timestamps = opt.output != output_mode::raw;
  if (opt.fields && opt.output != output_mode::ndjson) return usage_error("--fields needs --output ndjson");
  return -1;
}

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_OPTIONS_HPP
