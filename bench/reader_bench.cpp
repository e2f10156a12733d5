// record_reader beside the pipeline a user would assemble from the parts
// (line_splitter -> record_parser -> cri_joiner -> time_window), on the CRI
// log of record_bench: the reader adds detection, error reporting and state
// across inputs, and this says what that costs per byte. Both keep the
// records at or after a time 30% into the log, with 64 KiB chunks.
#include <sandlog/follow.hpp>
#include <sandlog/reader.hpp>
#include <sandlog/record.hpp>

#include "bench_util.hpp"

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <random>
#include <string>
#include <string_view>

namespace {

constexpr std::size_t chunk_size = std::size_t{64} << 10;

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
    for (std::size_t i = 0; i < len; ++i) out += static_cast<char>('a' + rng() % 26);
    out += '\n';
  }
  return out;
}

const std::string& log_of(std::size_t bytes) {
  static const std::string small = make_log(std::size_t{1} << 20);
  static const std::string big = make_log(std::size_t{32} << 20);
  return bytes <= (std::size_t{1} << 20) ? small : big;
}

// The time 30% into the log: records from there on are kept.
sandlog::timestamp since_of(const std::string& log) {
  const std::size_t at = log.find('\n', log.size() * 3 / 10) + 1;
  sandlog::timestamp t;
  sandlog::parse_timestamp(log.data() + at, log.data() + log.size(), t);
  return t;
}

struct totals {
  std::size_t records = 0;
  std::size_t bytes = 0;
  std::uint64_t nanos = 0;
  bool operator==(const totals& o) const {
    return records == o.records && bytes == o.bytes && nanos == o.nanos;
  }
};

totals reader_run(const std::string& log, sandlog::timestamp since) {
  sandlog::reader_options o;
  o.window.since = since;
  o.keep_time_text = false;
  sandlog::record_reader reader(o);
  totals t;
  auto sink = [&](const sandlog::read_record& r) {
    ++t.records;
    t.bytes += r.message.size();
    t.nanos += r.time.nanos;
  };
  for (std::size_t at = 0; at < log.size(); at += chunk_size)
    reader.feed(std::string_view(log).substr(at, chunk_size), sink);
  reader.finish(sink);
  return t;
}

totals parts_run(const std::string& log, sandlog::timestamp since) {
  sandlog::line_splitter splitter;
  sandlog::cri_joiner joiner;
  sandlog::record_parser parser(sandlog::log_format::cri);
  sandlog::time_window window;
  window.since = since;
  totals t;
  auto on_message = [&](const sandlog::joined_record& m) {
    if (!window.accepts(m.record)) return;
    ++t.records;
    t.bytes += m.record.message.size();
    t.nanos += m.record.time.nanos;
  };
  auto on_line = [&](const sandlog::line& l) {
    sandlog::log_record r;
    if (SANDLOG_LIKELY(parser.parse(l.text, r))) joiner.add(r, on_message);
  };
  for (std::size_t at = 0; at < log.size(); at += chunk_size)
    splitter.feed(std::string_view(log).substr(at, chunk_size), on_line);
  splitter.finish(on_line);
  joiner.finish(on_message);
  return t;
}

bool verify() {
  bool ok = true;
  for (std::size_t size : {std::size_t{1} << 20, std::size_t{32} << 20}) {
    const std::string& log = log_of(size);
    const totals a = reader_run(log, since_of(log));
    const totals b = parts_run(log, since_of(log));
    if (!(a == b) || a.records == 0) {
      std::fprintf(stderr, "reader: %zu records, %zu bytes; parts: %zu records, %zu bytes\n",
                   a.records, a.bytes, b.records, b.bytes);
      ok = false;
    }
  }
  return ok;
}

template <class Run>
void bench(benchmark::State& state, std::size_t size, Run run) {
  const std::string& log = log_of(size);
  const sandlog::timestamp since = since_of(log);
  for (auto _ : state) {
    const totals t = run(log, since);
    benchmark::DoNotOptimize(t.bytes);
    benchmark::DoNotOptimize(t.nanos);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(log.size()));
}

}  // namespace

int main(int argc, char** argv) {
  for (std::size_t size : {std::size_t{1} << 20, std::size_t{32} << 20}) {
    const std::string tag = size <= (std::size_t{1} << 20) ? "/cri/1MiB" : "/cri/32MiB";
    benchmark::RegisterBenchmark(("sandlog" + tag).c_str(),
                                 [size](benchmark::State& s) { bench(s, size, reader_run); })
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("parts" + tag).c_str(),
                                 [size](benchmark::State& s) { bench(s, size, parts_run); })
        ->Unit(benchmark::kMicrosecond);
  }
  return sandlog_bench::run(argc, argv, verify);
}
