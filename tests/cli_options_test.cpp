// The sandlog command's options (options.hpp) and --since/--until values
// (time_arg.hpp): every form a user types, and every refusal as exit 2 with
// a message naming the option.
#include "options.hpp"
#include "time_arg.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

using sandlog_cli::exit_ok;
using sandlog_cli::exit_usage;
using sandlog_cli::options;
using sandlog_cli::output_mode;

namespace {

// 2026-02-20T14:30:00Z as Unix seconds (Python's calendar.timegm).
constexpr std::int64_t t_20feb_1430 = 1771597800;
constexpr std::int64_t t_20feb_0000 = 1771545600;

// Runs parse_options on `args` (argv[0] is added) with stdout and stderr
// captured, so that the tests can read the message.
struct parsed {
  int status = 0;
  options opt;
  std::string err;
};

std::string read_all(std::FILE* f) {
  std::string s;
  std::rewind(f);
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
  return s;
}

parsed parse(std::vector<std::string> args) {
  args.insert(args.begin(), "sandlog");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(&a[0]);
  argv.push_back(nullptr);
  parsed p;
  std::fflush(stdout);
  std::fflush(stderr);
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  REQUIRE(out != nullptr);
  REQUIRE(err != nullptr);
  const int saved_out = dup(1), saved_err = dup(2);
  dup2(fileno(out), 1);
  dup2(fileno(err), 2);
  p.status = sandlog_cli::parse_options(static_cast<int>(args.size()), argv.data(), p.opt);
  std::fflush(stdout);
  std::fflush(stderr);
  dup2(saved_out, 1);
  dup2(saved_err, 2);
  close(saved_out);
  close(saved_err);
  p.err = read_all(err);
  std::fclose(out);
  std::fclose(err);
  return p;
}

// A refusal: exit 2, one "sandlog: …" line naming `what`, then the hint.
void refused(std::vector<std::string> args, const std::string& what) {
  INFO("args: " << [&] {
    std::string s;
    for (auto& a : args) s += "[" + a + "] ";
    return s;
  }());
  const parsed p = parse(args);
  CHECK(p.status == exit_usage);
  CHECK(p.err.rfind("sandlog: ", 0) == 0);
  CHECK(p.err.find(what) != std::string::npos);
  INFO("stderr: " << p.err);
  CHECK(p.err.find("\nTry 'sandlog --help'.\n") != std::string::npos);
}

struct scoped_env {
  scoped_env(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) had_ = true, old_ = old;
    ::setenv(name, value, 1);
    tzset();
  }
  ~scoped_env() {
    if (had_) ::setenv(name_, old_.c_str(), 1);
    else ::unsetenv(name_);
    tzset();
  }
  const char* name_;
  bool had_ = false;
  std::string old_;
};

sandlog::timestamp at(std::int64_t s, std::uint32_t ns = 0) {
  sandlog::timestamp t;
  t.seconds = s;
  t.nanos = ns;
  return t;
}

sandlog::timestamp now_20feb_1431() { return at(t_20feb_1430 + 60); }

// --since T read against now = 2026-02-20T14:31:00Z; fails the test when refused.
sandlog::timestamp time_of(const std::string& arg, sandlog::timestamp now = now_20feb_1431()) {
  sandlog::timestamp t;
  const char* why = sandlog_cli::read_time_arg(arg, now, t);
  INFO(arg << ": " << (why ? why : ""));
  CHECK(why == nullptr);
  return t;
}

std::string why_not(const std::string& arg) {
  sandlog::timestamp t;
  const char* why = sandlog_cli::read_time_arg(arg, now_20feb_1431(), t);
  INFO(arg);
  CHECK(why != nullptr);
  return why ? why : "";
}

}  // namespace

// ---- option forms ----

TEST_CASE("short options combine and take values attached or apart", "[options]") {
  for (auto args : {std::vector<std::string>{"-fn5"}, {"-f", "-n5"}, {"-f", "-n", "5"},
                    {"-fn", "5"}, {"--follow", "--tail=5"}, {"--follow", "--tail", "5"},
                    {"-f", "-n=5"}, {"-fn=5"}}) {
    const parsed p = parse(args);
    REQUIRE(p.status == -1);
    CHECK(p.opt.follow);
    REQUIRE(p.opt.tail);
    CHECK(*p.opt.tail == 5);
  }
}

TEST_CASE("-o=ndjson is -o ndjson, but --output==ndjson is not", "[options]") {
  for (auto args : {std::vector<std::string>{"-o=ndjson"}, {"-ondjson"}, {"-o", "ndjson"},
                    {"--output=ndjson"}, {"--output", "ndjson"}, {"--out", "ndjson"}}) {
    const parsed p = parse(args);
    REQUIRE(p.status == -1);
    CHECK(p.opt.output == output_mode::ndjson);
  }
  refused({"--output==ndjson"}, "--output: not text, ndjson or raw: '=ndjson'");
  // Only an attached value loses its '=': "=ndjson" as its own word is a value.
  refused({"-o", "=ndjson"}, "-o: not text, ndjson or raw: '=ndjson'");
}

TEST_CASE("--tail -1 and --tail all mean every record", "[options]") {
  for (auto args : {std::vector<std::string>{"--tail", "-1"}, {"-n", "-1"}, {"-n-1"},
                    {"--tail=-1"}, {"--tail", "all"}, {"-nall"}, {"-n", "3", "--tail", "all"}}) {
    const parsed p = parse(args);
    REQUIRE(p.status == -1);
    CHECK(!p.opt.tail);
  }
}

TEST_CASE("--tail takes any count up to 2^64-1 and refuses the rest", "[options]") {
  for (auto v : {std::pair<const char*, std::uint64_t>{"0", 0}, {"1", 1}, {"10000000000", 10000000000u},
                 {"007", 7}, {"18446744073709551615", UINT64_MAX}}) {
    const parsed p = parse({"--tail", v.first});
    REQUIRE(p.status == -1);
    REQUIRE(p.opt.tail);
    CHECK(*p.opt.tail == v.second);
  }
  refused({"--tail", "18446744073709551616"}, "--tail: beyond 18446744073709551615");
  refused({"--tail", "99999999999999999999999999999999999999"}, "--tail: beyond");
  for (auto bad : {"", "-2", "-0", "+5", " 5", "5 ", "0x10", "1e3", "5.0", "al", "ALL", "-"})
    refused({"--tail", bad}, "--tail: not a count");
  refused({"-nx"}, "-n: not a count");
}

TEST_CASE("--jobs takes 1 to 256", "[options]") {
  CHECK(parse({"-j2"}).opt.jobs == 2);
  CHECK(parse({"--jobs=256"}).opt.jobs == 256);
  CHECK(parse({"--jobs", "1"}).opt.jobs == 1);
  for (auto bad : {"0", "257", "", "-1", "18446744073709551616", "two"})
    refused({"--jobs", bad}, "--jobs: not a number from 1 to 256");
}

TEST_CASE("files keep their order among options, and -- ends the options", "[options]") {
  const parsed p = parse({"a.log", "-n", "3", "-", "b.log", "--utc", "--", "-c.log", "--tail"});
  REQUIRE(p.status == -1);
  CHECK(p.opt.files == std::vector<std::string>{"a.log", "-", "b.log", "-c.log", "--tail"});
  CHECK(p.opt.utc);
  CHECK(*p.opt.tail == 3);
  CHECK(parse({}).opt.files == std::vector<std::string>{"-"});
  refused({""}, "empty file name");
  refused({"--", ""}, "empty file name");
}

TEST_CASE("the lifecycle subcommand reads its options after the word", "[options]") {
  const parsed p = parse({"lifecycle", "--strict", "p1.json", "p2.json"});
  REQUIRE(p.status == -1);
  CHECK(p.opt.lifecycle);
  CHECK(p.opt.strict);
  CHECK(p.opt.files == std::vector<std::string>{"p1.json", "p2.json"});
  // Only as the first word: elsewhere it is a file name.
  const parsed q = parse({"--strict", "lifecycle"});
  CHECK(!q.opt.lifecycle);
  CHECK(q.opt.files == std::vector<std::string>{"lifecycle"});
}

TEST_CASE("the lifecycle subcommand refuses the options it cannot honour, by name", "[options]") {
  const parsed p = parse({"lifecycle", "-o", "ndjson", "--since", "1h", "--until=2026-02-20",
                          "--utc", "--strict", "--no-progress", "--format", "lifecycle-json"});
  REQUIRE(p.status == -1);
  CHECK(p.opt.output == sandlog_cli::output_mode::ndjson);
  CHECK(p.opt.since);
  CHECK(p.opt.until);
  refused({"lifecycle", "--tail", "5"}, "option --tail does not apply to lifecycle");
  refused({"lifecycle", "-n5"}, "option -n does not apply to lifecycle: '-n5'");
  refused({"lifecycle", "--tail=-1"}, "option --tail does not apply");
  refused({"lifecycle", "-f"}, "option -f does not apply");
  refused({"lifecycle", "--stream", "stdout"}, "option --stream does not apply");
  refused({"lifecycle", "--jobs=2"}, "option --jobs does not apply");
  refused({"lifecycle", "--stats"}, "option --stats does not apply");
  refused({"lifecycle", "--prefix"}, "option --prefix does not apply");
  // The same options are the records' own without the word.
  CHECK(parse({"--tail", "5", "-f"}).status == -1);
}

TEST_CASE("every flag and valued option sets its field", "[options]") {
  const parsed p = parse({"--format", "docker-json", "--stream", "stderr", "--no-timestamps",
                          "--utc", "--no-join", "--stats", "--strict", "--no-progress",
                          "--since", "2026-02-20T14:30:00Z", "--until", "1m"});
  REQUIRE(p.status == -1);
  CHECK(p.opt.format == sandlog::log_format::docker_json);
  CHECK(p.opt.stream == sandlog::stream_kind::err);
  CHECK(p.opt.timestamps == false);
  CHECK(p.opt.utc);
  CHECK(!p.opt.join);
  CHECK(p.opt.stats);
  CHECK(p.opt.strict);
  CHECK(!p.opt.progress);
  REQUIRE(p.opt.since);
  CHECK(p.opt.since->seconds == t_20feb_1430);
  CHECK(p.opt.until);
  CHECK(parse({"--format=lifecycle-json"}).opt.lifecycle_json);
  CHECK(parse({"--timestamps", "-o", "raw"}).opt.timestamps == true);
  CHECK(parse({"-o", "raw"}).opt.timestamps == false);
  CHECK(parse({"-h"}).status == exit_ok);
  CHECK(parse({"--vers"}).status == exit_ok);
}

TEST_CASE("unknown, ambiguous, valueless and value-less options are named", "[options]") {
  refused({"--colour"}, "unknown option: '--colour'");
  refused({"--colour=always"}, "unknown option: '--colour=always'");
  refused({"-x"}, "unknown option: '-x'");
  refused({"-fxn3"}, "unknown option '-x' in: '-fxn3'");
  refused({"--st"}, "ambiguous option (--stream, --stats, --strict)");
  refused({"--no"}, "ambiguous option (--no-timestamps, --no-join, --no-progress)");
  refused({"--follow=yes"}, "option --follow takes no value");
  refused({"--utc=1"}, "option --utc takes no value");
  refused({"--tail"}, "option --tail needs a value");
  refused({"-n"}, "option -n needs a value");
  refused({"-fn"}, "option -n needs a value");
  refused({"--since"}, "option --since needs a value");
  refused({"--format", "xml"}, "--format: not raw, timestamped");
  refused({"--stream", "both"}, "--stream: not stdout or stderr: 'both'");
#if SANDLOG_CLI_FIELDS
  refused({"--where", "=x"}, "--where: bad expression");
  refused({"--fields"}, "--fields needs --output ndjson");
#endif
  // After a refusal mid-cluster, the next parse starts afresh.
  refused({"-xf"}, "unknown option '-x' in: '-xf'");
  const parsed p = parse({"-f"});
  CHECK(p.status == -1);
  CHECK(p.opt.follow);
}

TEST_CASE("a refused argument is shown escaped, whatever its bytes", "[options]") {
  refused({"--format", "\x1b]0;owned\x07\n\r\xff"}, "'\\x1b]0;owned\\x07\\n\\r\\xff'");
  refused({"--tail", ""}, "--tail: not a count (0, 1, 2, ...; -1 or all: every record): ''");
  refused({"-\xc3\xa9"}, "unknown option '-\\xc3' in: '-\xc3\xa9'");
}

TEST_CASE("no argument crashes the parser", "[options]") {
  std::mt19937 rng(15);
  const std::vector<std::string> opts = {"--tail", "-n", "--since", "--until", "--jobs", "-o",
                                         "--format", "--stream", "--where", "-f", "--", "-"};
  for (int round = 0; round < 3000; ++round) {
    std::vector<std::string> args;
    const int n = static_cast<int>(rng() % 5);
    for (int k = 0; k < n; ++k) {
      std::string a;
      switch (rng() % 4) {
        case 0: a = opts[rng() % opts.size()]; break;
        case 1: a = opts[rng() % opts.size()] + "=" + std::to_string(rng()); break;
        case 2: a.assign(rng() % 40, static_cast<char>('0' + rng() % 10)); break;
        default:
          for (int len = static_cast<int>(rng() % 12); len > 0; --len)
            a.push_back(static_cast<char>(1 + rng() % 255));
      }
      args.push_back(a);
    }
    const parsed p = parse(args);
    CHECK((p.status == -1 || p.status == exit_usage || p.status == exit_ok));
    if (p.status == exit_usage) {
      // One message line and the hint: no byte of the arguments broke a line.
      std::size_t lines = 0;
      for (char c : p.err) lines += c == '\n';
      CHECK(lines == 2);
      for (char c : p.err) CHECK((static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t'));
    }
  }
  refused({"--since", std::string(1 << 20, '9')}, "--since: unix seconds beyond the year 9999");
  refused({"--tail", std::string(1 << 20, '9')}, "--tail: beyond");
}

// ---- --since / --until ----

TEST_CASE("RFC 3339, with T or a space, any offset", "[time]") {
  CHECK(time_of("2026-02-20T14:30:00Z") == at(t_20feb_1430));
  CHECK(time_of("2026-02-20t14:30:00.5z") == at(t_20feb_1430, 500000000));
  CHECK(time_of("2026-02-20T15:30:00+01:00") == at(t_20feb_1430));
  CHECK(time_of("2026-02-20 14:30:00Z") == at(t_20feb_1430));
  CHECK(time_of("2026-02-20 14:30:00.123456789Z") == at(t_20feb_1430, 123456789));
  CHECK(time_of("2026-02-20 10:00:00-04:30") == at(t_20feb_1430));
  CHECK(time_of("2026-02-20 14:30Z") == at(t_20feb_1430));
  CHECK(time_of("2016-12-31T23:59:60Z") == at(1483228799, 999999999));  // a leap second, clamped
}

TEST_CASE("a zone-less time is local time, as TZ says", "[time]") {
  {
    scoped_env tz("TZ", "UTC0");
    CHECK(time_of("2026-02-20 14:30:00") == at(t_20feb_1430));
    CHECK(time_of("2026-02-20T14:30:00") == at(t_20feb_1430));
    CHECK(time_of("2026-02-20 14:30") == at(t_20feb_1430));
    CHECK(time_of("2026-02-20 14:30:00.25") == at(t_20feb_1430, 250000000));
    CHECK(time_of("2026-02-20") == at(t_20feb_0000));
  }
  {
    scoped_env tz("TZ", "IST-5:30");  // India: UTC+05:30, no DST
    CHECK(time_of("2026-02-20 20:00:00") == at(t_20feb_1430));
    CHECK(time_of("2026-02-20") == at(t_20feb_0000 - 5 * 3600 - 1800));
  }
  {
    scoped_env tz("TZ", "EST5EDT,M3.2.0,M11.1.0");  // New York
    CHECK(time_of("2026-02-20 09:30:00") == at(t_20feb_1430));
    CHECK(time_of("2026-07-01 00:00:00").seconds == 1782878400);  // 04:00Z under EDT
  }
}

TEST_CASE("a local time the clocks skip is refused, one they repeat is the earlier", "[time]") {
  scoped_env tz("TZ", "CET-1CEST,M3.5.0,M10.5.0/3");  // Central Europe
  CHECK(why_not("2026-03-29 02:30:00").find("does not exist") != std::string::npos);
  // 2026-10-25 02:30 happens at 00:30Z (CEST) and again at 01:30Z (CET).
  CHECK(time_of("2026-10-25 02:30:00").seconds == 1792888200);
  CHECK(time_of("2026-03-29 03:00:00").seconds == 1774746000);  // 01:00Z, just after the gap
}

TEST_CASE("unix seconds with a fraction, as Docker's API takes them", "[time]") {
  CHECK(time_of("1796151941.02") == at(1796151941, 20000000));
  CHECK(time_of("1796151941") == at(1796151941));
  CHECK(time_of("1796151941.123456789") == at(1796151941, 123456789));
  CHECK(time_of("0") == at(0));
  CHECK(time_of("253402300799") == at(253402300799));
  CHECK(why_not("253402300800") == "unix seconds beyond the year 9999");
  CHECK(why_not("1796151941.") == "no digit after '.'");
  CHECK(why_not("1796151941.1234567891") == "more than 9 fraction digits");
  CHECK(!why_not("1796151941.5.5").empty());
}

TEST_CASE("durations count back from now, in Go's units with fractions", "[time]") {
  const std::int64_t now = t_20feb_1430 + 60;
  CHECK(time_of("90s") == at(now - 90));
  CHECK(time_of("10m") == at(now - 600));
  CHECK(time_of("1.5h") == at(now - 5400));
  CHECK(time_of("2h30m") == at(now - 9000));
  CHECK(time_of("1h30m15s") == at(now - 5415));
  CHECK(time_of("1d") == at(now - 86400));
  CHECK(time_of(".5s") == at(now - 1, 500000000));
  CHECK(time_of("500ms") == at(now - 1, 500000000));
  CHECK(time_of("1us") == at(now - 1, 999999000));
  CHECK(time_of("1\xC2\xB5s") == at(now - 1, 999999000));  // µ, micro sign
  CHECK(time_of("1\xCE\xBCs") == at(now - 1, 999999000));  // μ, Greek mu
  CHECK(time_of("1ns") == at(now - 1, 999999999));
  CHECK(time_of("1.5ns") == at(now - 1, 999999999));  // below 1 ns is dropped
  CHECK(time_of("0.1s") == at(now - 1, 900000000));   // exact: no binary fraction
  CHECK(time_of("1.0000000001h") == at(now - 3600));
  CHECK(time_of("0s") == at(now));
  CHECK(time_of("36600d") == at(now - 36600ll * 86400));
  // The reference point keeps now's fraction.
  CHECK(time_of("1.75s", at(now, 250000000)) == at(now - 2, 500000000));
}

TEST_CASE("negative, overflowing and malformed times are refused with the reason", "[time]") {
  CHECK(why_not("-1h").find("signed time is ambiguous") != std::string::npos);
  CHECK(why_not("+1h").find("signed time is ambiguous") != std::string::npos);
  CHECK(why_not("-1796151941").find("signed") != std::string::npos);
  CHECK(why_not("36601d") == "duration beyond 100 years");
  CHECK(why_not("99999999999999999999h") == "duration beyond 100 years");
  CHECK(why_not("9223372036854775807ns1h") == "duration beyond 100 years");
  CHECK(why_not(std::string(400, '9') + "s") == "duration beyond 100 years");
  CHECK(why_not("10x").find("unknown unit") != std::string::npos);
  CHECK(why_not("1h30").find("without a unit") != std::string::npos);
  CHECK(why_not("1.5.5h").find("unknown unit") != std::string::npos);
  CHECK(why_not("h").find("not a time") != std::string::npos);
  CHECK(why_not(".h").find("number and a unit") != std::string::npos);
  CHECK(why_not("yesterday").find("not a time") != std::string::npos);
  CHECK(why_not("") == "empty time");
  CHECK(why_not("2026-13-01") == "month out of range");
  CHECK(why_not("2026-02-29") == "day out of range for the month");
  CHECK(time_of("2024-02-29").seconds > 0);
  CHECK(why_not("2026-02-20 24:00") == "hour out of range");
  CHECK(why_not("2026-02-20 14:60") == "minute out of range");
  CHECK(why_not("2026-02-20 14:30:60") == "second out of range");
  CHECK(why_not("2026-02-20 14") == "not a time of day HH:MM[:SS]");
  CHECK(why_not("2026-02-20_14:30") == "expected 'T' or a space after the date");
  CHECK(why_not("2026-02-20 14:30:00 UTC") == "unexpected text after the time");
  CHECK(why_not("2026-02-20 14:30:00+0100") == "not a UTC offset \xC2\xB1HH:MM");
  CHECK(why_not("2026-2-20") == "not a date YYYY-MM-DD");
  CHECK(why_not("2026-02-20 14:30:00.1234567890") == "more than 9 fraction digits");
}

TEST_CASE("the option names the refused time", "[time][options]") {
  refused({"--since", "1.5x"}, "--since: unknown unit (ns, us, ms, s, m, h, d): '1.5x'");
  refused({"--until=-5m"}, "--until: a signed time is ambiguous");
  refused({"--since", ""}, "--since: empty time: ''");
}
