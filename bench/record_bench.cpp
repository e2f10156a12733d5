// CRI log decoding, end to end: 64 KiB chunks -> line_splitter ->
// record_parser -> cri_joiner, beside what a user would otherwise write: Fluent Bit's CRI
// regular expression with std::regex, or sscanf + strptime + timegm.
//
// The input is a generated CRI log with Kubernetes' 9-digit timestamps and
// 80-200-byte messages, about 2% of them P fragments. std::regex is timed on
// a 1 MiB slice (case "cri/1MiB", where sandlog runs on the same slice); the
// others on the whole 32 MiB log (case "cri/32MiB").
#include <sandlog/line_splitter.hpp>
#include <sandlog/record.hpp>

#include "bench_util.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::size_t big_size = std::size_t{32} << 20;
constexpr std::size_t slice_size = std::size_t{1} << 20;
constexpr std::size_t chunk_size = std::size_t{64} << 10;

// What every implementation reports per line, for the agreement check.
struct decoded {
  std::int64_t seconds;
  std::uint32_t nanos;
  bool err;
  bool partial;
  std::size_t offset;  // of the message in the input
  std::size_t size;
  bool operator==(const decoded& o) const {
    return seconds == o.seconds && nanos == o.nanos && err == o.err && partial == o.partial &&
           offset == o.offset && size == o.size;
  }
};

std::string make_log(std::size_t bytes) {
  std::mt19937_64 rng(42);
  std::string out;
  out.reserve(bytes + 512);
  std::int64_t t = 1771597800;  // 2026-02-20T14:30:00Z
  std::uint32_t ns = 0;
  char ts[64];
  while (out.size() < bytes) {
    ns += static_cast<std::uint32_t>(rng() % 50'000'000);
    if (ns >= 1'000'000'000u) {
      ns -= 1'000'000'000u;
      ++t;
    }
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%09uZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ns);
    out += ts;
    out += rng() % 4 == 0 ? " stderr " : " stdout ";
    out += rng() % 50 == 0 ? "P " : "F ";
    const std::size_t len = 80 + rng() % 121;
    for (std::size_t i = 0; i < len; ++i) {
      const auto r = rng() % 64;
      // no leading space: sscanf's " %n" would swallow it
      out += r < 10 && i != 0 ? ' ' : static_cast<char>('a' + r % 26);
    }
    out += '\n';
  }
  return out;
}

const std::string& big_log() {
  static const std::string s = make_log(big_size);
  return s;
}
const std::string& slice_log() {
  static const std::string s = [] {
    const std::string& b = big_log();
    return b.substr(0, b.rfind('\n', slice_size) + 1);
  }();
  return s;
}

// ---- sandlog ----

struct totals {
  std::size_t lines = 0;
  std::size_t bytes = 0;
  std::uint64_t nanos = 0;
};

totals sandlog_run(const std::string& log) {
  sandlog::line_splitter splitter;
  sandlog::cri_joiner joiner;
  sandlog::record_parser parser(sandlog::log_format::cri);
  totals t;
  auto on_message = [&](const sandlog::joined_record& m) {
    t.bytes += m.record.message.size();
    t.nanos += m.record.time.nanos;
  };
  auto on_line = [&](const sandlog::line& l) {
    sandlog::log_record r;
    ++t.lines;
    if (SANDLOG_LIKELY(parser.parse(l.text, r)))
      joiner.add(r, on_message);
  };
  for (std::size_t at = 0; at < log.size(); at += chunk_size)
    splitter.feed(std::string_view(log).substr(at, chunk_size), on_line);
  splitter.finish(on_line);
  joiner.finish(on_message);
  return t;
}

std::vector<decoded> sandlog_decode(const std::string& log) {
  std::vector<decoded> out;
  sandlog::line_splitter splitter;
  sandlog::record_parser parser(sandlog::log_format::cri);
  auto on_line = [&](const sandlog::line& l) {
    sandlog::log_record r;
    if (!parser.parse(l.text, r)) return;
    out.push_back({r.time.seconds, r.time.nanos, r.stream == sandlog::stream_kind::err, r.partial,
                   static_cast<std::size_t>(r.message.data() - log.data()), r.message.size()});
  };
  splitter.feed(log, on_line);
  splitter.finish(on_line);
  return out;
}

// ---- competitors: split with memchr, then parse each line ----

template <class Parse>
void for_each_line(const std::string& log, Parse&& parse) {
  const char* p = log.data();
  const char* const end = p + log.size();
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    if (!nl) nl = end;
    parse(p, nl);
    p = nl + 1;
  }
}

// "2026-02-20T14:30:00.123456789Z" -> seconds, nanos with strptime + timegm.
bool strptime_time(const char* ts, std::int64_t& seconds, std::uint32_t& nanos) {
  std::tm tm{};
  const char* rest = strptime(ts, "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest) return false;
  std::uint32_t frac = 0;
  int digits = 0;
  if (*rest == '.') {
    ++rest;
    while (*rest >= '0' && *rest <= '9') {
      if (digits < 9) frac = frac * 10 + static_cast<std::uint32_t>(*rest - '0');
      ++digits;
      ++rest;
    }
  }
  if (*rest != 'Z') return false;
  for (; digits < 9; ++digits) frac *= 10;
  seconds = static_cast<std::int64_t>(timegm(&tm));
  nanos = frac;
  return true;
}

// sscanf for the fields, strptime + timegm for the time.
bool scanf_parse(const char* first, const char* last, decoded& d, const char* base) {
  char line[1024];
  const auto n = static_cast<std::size_t>(last - first);
  if (n >= sizeof line) return false;
  std::memcpy(line, first, n);
  line[n] = '\0';
  char ts[64], stream[8], tag[64];
  int msg = 0;
  if (std::sscanf(line, "%63s %7s %63s %n", ts, stream, tag, &msg) != 3) return false;
  if (std::strcmp(stream, "stdout") != 0 && std::strcmp(stream, "stderr") != 0) return false;
  if (!strptime_time(ts, d.seconds, d.nanos)) return false;
  d.err = stream[3] == 'e';
  d.partial = tag[0] == 'P';
  d.offset = static_cast<std::size_t>(first - base) + static_cast<std::size_t>(msg);
  d.size = n - static_cast<std::size_t>(msg);
  return true;
}

// Fluent Bit's CRI parser expression, without named groups:
// ^(?<time>[^ ]+) (?<stream>stdout|stderr) (?<logtag>[^ ]*) (?<log>.*)$
const std::regex& cri_regex() {
  static const std::regex re("^([^ ]+) (stdout|stderr) ([^ ]*) (.*)$", std::regex::ECMAScript);
  return re;
}

bool regex_parse(const char* first, const char* last, decoded& d, const char* base, std::cmatch& m) {
  if (!std::regex_match(first, last, m, cri_regex())) return false;
  char ts[64];
  const auto tlen = static_cast<std::size_t>(m.length(1));
  if (tlen >= sizeof ts) return false;
  std::memcpy(ts, m[1].first, tlen);
  ts[tlen] = '\0';
  if (!strptime_time(ts, d.seconds, d.nanos)) return false;
  d.err = m[2].first[3] == 'e';
  d.partial = m.length(3) > 0 && m[3].first[0] == 'P';
  d.offset = static_cast<std::size_t>(m[4].first - base);
  d.size = static_cast<std::size_t>(m.length(4));
  return true;
}

std::vector<decoded> scanf_decode(const std::string& log) {
  std::vector<decoded> out;
  for_each_line(log, [&](const char* f, const char* l) {
    decoded d{};
    if (scanf_parse(f, l, d, log.data())) out.push_back(d);
  });
  return out;
}

std::vector<decoded> regex_decode(const std::string& log) {
  std::vector<decoded> out;
  std::cmatch m;
  for_each_line(log, [&](const char* f, const char* l) {
    decoded d{};
    if (regex_parse(f, l, d, log.data(), m)) out.push_back(d);
  });
  return out;
}

bool same(const char* who, const std::vector<decoded>& ours, const std::vector<decoded>& theirs) {
  if (ours.size() != theirs.size()) {
    std::fprintf(stderr, "%s: %zu records, sandlog %zu\n", who, theirs.size(), ours.size());
    return false;
  }
  for (std::size_t i = 0; i < ours.size(); ++i)
    if (!(ours[i] == theirs[i])) {
      std::fprintf(stderr, "%s: record %zu differs\n", who, i);
      return false;
    }
  return true;
}

bool verify() {
  const std::vector<decoded> ours = sandlog_decode(big_log());
  const std::vector<decoded> ours_slice = sandlog_decode(slice_log());
  bool ok = !ours.empty();
  ok &= same("sscanf", ours, scanf_decode(big_log()));
  ok &= same("regex", ours_slice, regex_decode(slice_log()));
  const totals t = sandlog_run(big_log());
  if (t.lines != ours.size()) {
    std::fprintf(stderr, "sandlog end to end saw %zu lines, decode %zu\n", t.lines, ours.size());
    ok = false;
  }
  return ok;
}

void bench_sandlog(benchmark::State& state, const std::string& log) {
  std::size_t lines = 0;
  for (auto _ : state) {
    const totals t = sandlog_run(log);
    benchmark::DoNotOptimize(t.bytes);
    benchmark::DoNotOptimize(t.nanos);
    lines = t.lines;
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(log.size()));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(lines));
}

void bench_scanf(benchmark::State& state, const std::string& log) {
  std::size_t lines = 0;
  for (auto _ : state) {
    lines = 0;
    std::uint64_t sum = 0;
    for_each_line(log, [&](const char* f, const char* l) {
      decoded d{};
      if (scanf_parse(f, l, d, log.data())) sum += d.size + d.nanos;
      ++lines;
    });
    benchmark::DoNotOptimize(sum);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(log.size()));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(lines));
}

void bench_regex(benchmark::State& state, const std::string& log) {
  std::size_t lines = 0;
  std::cmatch m;
  for (auto _ : state) {
    lines = 0;
    std::uint64_t sum = 0;
    for_each_line(log, [&](const char* f, const char* l) {
      decoded d{};
      if (regex_parse(f, l, d, log.data(), m)) sum += d.size + d.nanos;
      ++lines;
    });
    benchmark::DoNotOptimize(sum);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(log.size()));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(lines));
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::RegisterBenchmark("sandlog/cri/32MiB", [](benchmark::State& s) { bench_sandlog(s, big_log()); })
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("sscanf/cri/32MiB", [](benchmark::State& s) { bench_scanf(s, big_log()); })
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("sandlog/cri/1MiB", [](benchmark::State& s) { bench_sandlog(s, slice_log()); })
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("regex/cri/1MiB", [](benchmark::State& s) { bench_regex(s, slice_log()); })
      ->Unit(benchmark::kMillisecond);
  return sandlog_bench::run(argc, argv, verify);
}
