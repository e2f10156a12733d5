// RFC 3339 parsing and formatting: sandlog beside glibc strptime + timegm,
// absl::ParseTime and date::parse (when available), and strftime.
//
// Each case parses an array of 1024 different timestamps of one shape, so
// branch predictors cannot learn a single string. Before timing, every
// competitor must produce the same instant (seconds and nanoseconds) as
// sandlog for every input.
#include <sandlog/timestamp.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "bench_util.hpp"

#ifdef SANDLOG_BENCH_HAVE_ABSL
#include <absl/time/time.h>
#endif
#ifdef SANDLOG_BENCH_HAVE_DATE
#include <date/date.h>
#endif

namespace {

struct instant {
  std::int64_t seconds;
  std::uint32_t nanos;
  bool operator==(const instant& o) const { return seconds == o.seconds && nanos == o.nanos; }
};

enum class shape { seconds, nanos, offset };

struct bench_case {
  const char* name;
  shape kind;
  std::vector<std::string> inputs;
  std::size_t bytes = 0;
};

std::vector<bench_case>& cases() {
  static std::vector<bench_case> all = [] {
    std::vector<bench_case> v = {{"sec_Z", shape::seconds, {}},
                                 {"nanos_Z", shape::nanos, {}},
                                 {"millis_offset", shape::offset, {}}};
    std::mt19937_64 rng(42);
    for (bench_case& c : v) {
      for (int i = 0; i < 1024; ++i) {
        // 2000..2099, any second; offsets from -12:00 to +14:00 on quarter hours.
        const std::int64_t secs = 946684800 + static_cast<std::int64_t>(rng() % 3155760000u);
        sandlog::timestamp t;
        t.seconds = secs;
        t.nanos = static_cast<std::uint32_t>(rng() % 1000000000);
        sandlog::format_options fo;
        if (c.kind == shape::seconds) fo.fraction = sandlog::fraction_digits::none;
        if (c.kind == shape::nanos) fo.fraction = sandlog::fraction_digits::nano;
        if (c.kind == shape::offset) {
          fo.fraction = sandlog::fraction_digits::milli;
          fo.offset = sandlog::zone::stored;
          int off = static_cast<int>(rng() % 105) * 15 - 720;
          if (off == 0) off = 330;
          t.offset_minutes = static_cast<std::int16_t>(off);
        }
        char buf[sandlog::max_timestamp_chars];
        char* end = sandlog::format_timestamp(t, buf, fo);
        c.inputs.emplace_back(buf, end);
        c.bytes += c.inputs.back().size();
      }
    }
    return v;
  }();
  return all;
}

// ---- the implementations, each returning the instant or {INT64_MIN, 0} ----

constexpr instant failed{INT64_MIN, 0};

instant with_sandlog(const std::string& s) {
  sandlog::timestamp t;
  if (!sandlog::parse_timestamp(s.data(), s.data() + s.size(), t)) return failed;
  return {t.seconds, t.nanos};
}

// What a C or C++ programmer writes with libc: strptime for the fields, the
// fraction by hand, strptime's %z (glibc reads Z, ±hh:mm) for the offset,
// then timegm.
instant with_strptime(const std::string& s) {
  std::tm tm{};
  const char* p = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (p == nullptr) return failed;
  std::uint32_t nanos = 0;
  if (*p == '.') {
    int n = 0;
    for (++p; *p >= '0' && *p <= '9'; ++p)
      if (n++ < 9) nanos = nanos * 10 + static_cast<std::uint32_t>(*p - '0');
    for (; n < 9; ++n) nanos *= 10;
  }
  std::tm zone{};
  if (strptime(p, "%z", &zone) == nullptr) return failed;
  return {static_cast<std::int64_t>(timegm(&tm)) - zone.tm_gmtoff, nanos};
}

#ifdef SANDLOG_BENCH_HAVE_ABSL
instant with_absl(const std::string& s) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, s, &t, &err)) return failed;
  const std::int64_t ns = absl::ToUnixNanos(t);
  std::int64_t sec = ns / 1000000000, rem = ns % 1000000000;
  if (rem < 0) sec -= 1, rem += 1000000000;
  return {sec, static_cast<std::uint32_t>(rem)};
}
#endif

#ifdef SANDLOG_BENCH_HAVE_DATE
// date::parse reads from a stream; one stream is reused, as a careful user would.
instant with_date(std::istringstream& in, const std::string& s, shape kind) {
  in.clear();
  in.str(s);
  date::sys_time<std::chrono::nanoseconds> tp;
  if (kind == shape::offset)
    in >> date::parse("%FT%T%Ez", tp);
  else
    in >> date::parse("%FT%TZ", tp);
  if (in.fail()) return failed;
  const std::int64_t ns = tp.time_since_epoch().count();
  std::int64_t sec = ns / 1000000000, rem = ns % 1000000000;
  if (rem < 0) sec -= 1, rem += 1000000000;
  return {sec, static_cast<std::uint32_t>(rem)};
}
#endif

// The precision each shape carries, so a competitor that stops at its own
// precision still agrees.
instant truncate(instant v, shape kind) {
  if (kind == shape::seconds) v.nanos = 0;
  if (kind == shape::offset) v.nanos -= v.nanos % 1000000;
  return v;
}

bool agree(const char* who, const bench_case& c, const std::string& s, instant want, instant got) {
  if (truncate(got, c.kind) == truncate(want, c.kind)) return true;
  std::fprintf(stderr, "%s disagrees on %s: %lld.%09u vs sandlog %lld.%09u\n", who, s.c_str(),
               static_cast<long long>(got.seconds), got.nanos,
               static_cast<long long>(want.seconds), want.nanos);
  return false;
}

// gmtime_r + strftime for the fields, the 9 fraction digits by hand.
std::size_t strftime_format(const sandlog::timestamp& t, char* buf) {
  const std::time_t secs = static_cast<std::time_t>(t.seconds);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  std::size_t n = std::strftime(buf, 64, "%Y-%m-%dT%H:%M:%S", &tm);
  buf[n++] = '.';
  std::uint32_t f = t.nanos;
  for (int i = 8; i >= 0; --i, f /= 10) buf[n + static_cast<std::size_t>(i)] = static_cast<char>('0' + f % 10);
  n += 9;
  buf[n++] = 'Z';
  return n;
}

std::vector<sandlog::timestamp>& format_inputs() {
  static std::vector<sandlog::timestamp> v = [] {
    std::vector<sandlog::timestamp> out;
    for (const std::string& s : cases()[1].inputs) {
      sandlog::timestamp t;
      sandlog::parse_timestamp(s.data(), s.data() + s.size(), t);
      out.push_back(t);
    }
    return out;
  }();
  return v;
}

bool verify() {
  bool ok = true;
#ifdef SANDLOG_BENCH_HAVE_DATE
  std::istringstream in;
#endif
  for (const bench_case& c : cases()) {
    for (const std::string& s : c.inputs) {
      const instant want = with_sandlog(s);
      if (want == failed) {
        std::fprintf(stderr, "sandlog rejects %s\n", s.c_str());
        ok = false;
        continue;
      }
      ok &= agree("strptime", c, s, want, with_strptime(s));
#ifdef SANDLOG_BENCH_HAVE_ABSL
      ok &= agree("absl", c, s, want, with_absl(s));
#endif
#ifdef SANDLOG_BENCH_HAVE_DATE
      ok &= agree("date", c, s, want, with_date(in, s, c.kind));
#endif
    }
  }
  for (const sandlog::timestamp& t : format_inputs()) {
    char buf[sandlog::max_timestamp_chars];
    char* end = sandlog::format_timestamp(t, buf, {sandlog::fraction_digits::nano, sandlog::zone::utc});
    char theirs[64];
    if (std::string(buf, end) != std::string(theirs, strftime_format(t, theirs))) {
      std::fprintf(stderr, "strftime disagrees on %s\n", std::string(buf, end).c_str());
      ok = false;
    }
  }
  return ok;
}

template <class Parse>
void run_parse(benchmark::State& state, const bench_case& c, const Parse& parse) {
  for (auto _ : state) {
    for (const std::string& s : c.inputs) benchmark::DoNotOptimize(parse(s));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(c.bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(c.inputs.size()));
}

void register_all() {
  for (const bench_case& c : cases()) {
    const std::string name = c.name;
    benchmark::RegisterBenchmark(("sandlog/parse/" + name).c_str(), [&c](benchmark::State& st) {
      run_parse(st, c, [](const std::string& s) { return with_sandlog(s); });
    });
    benchmark::RegisterBenchmark(("strptime/parse/" + name).c_str(), [&c](benchmark::State& st) {
      run_parse(st, c, [](const std::string& s) { return with_strptime(s); });
    });
#ifdef SANDLOG_BENCH_HAVE_ABSL
    benchmark::RegisterBenchmark(("absl/parse/" + name).c_str(), [&c](benchmark::State& st) {
      run_parse(st, c, [](const std::string& s) { return with_absl(s); });
    });
#endif
#ifdef SANDLOG_BENCH_HAVE_DATE
    benchmark::RegisterBenchmark(("date/parse/" + name).c_str(), [&c](benchmark::State& st) {
      std::istringstream in;
      run_parse(st, c, [&](const std::string& s) { return with_date(in, s, c.kind); });
    });
#endif
  }
  benchmark::RegisterBenchmark("sandlog/format/nanos_Z", [](benchmark::State& st) {
    char buf[sandlog::max_timestamp_chars];
    for (auto _ : st) {
      for (const sandlog::timestamp& t : format_inputs()) {
        benchmark::DoNotOptimize(
            sandlog::format_timestamp(t, buf, {sandlog::fraction_digits::nano, sandlog::zone::utc}));
        benchmark::ClobberMemory();
      }
    }
    st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()) * 1024);
  });
  benchmark::RegisterBenchmark("strftime/format/nanos_Z", [](benchmark::State& st) {
    char buf[64];
    for (auto _ : st) {
      for (const sandlog::timestamp& t : format_inputs()) {
        benchmark::DoNotOptimize(strftime_format(t, buf));
        benchmark::ClobberMemory();
      }
    }
    st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()) * 1024);
  });
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  return sandlog_bench::run(argc, argv, verify);
}
