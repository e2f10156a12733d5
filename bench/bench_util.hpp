// Shared main for sandlog's benchmarks: check that every competitor agrees with
// sandlog, then time them all in the same run and print how many times faster
// sandlog is than each.
//
// Name each benchmark "<impl>/<case>", e.g. "sandlog/80B/4KiB" and
// "getline/80B/4KiB". After the usual Google Benchmark output, a table lists
// every case with each implementation's CPU time per iteration, GB/s (when the
// benchmark calls SetBytesProcessed) and its ratio to the "sandlog" entry of
// that case. Ratios use CPU time: on a shared machine the wall clock also
// counts the time a benchmark waits for a core, which says nothing of its code.
// Pass --benchmark_min_time=0.001 for a smoke run (the ctest does).
#ifndef SANDLOG_BENCH_UTIL_HPP
#define SANDLOG_BENCH_UTIL_HPP

#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace sandlog_bench {

struct measurement {
  double ns = 0;   // CPU time per iteration
  double wall_ns = 0; // real time per iteration
  double gbps = 0; // bytes_per_second / 1e9, or 0
  std::string items; // items_per_second formatted, or empty
};

// Remembers each benchmark's time (the median when repetitions are used).
class ratio_reporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    benchmark::ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      if (run.run_type == Run::RT_Aggregate && !median) continue;
      std::string name = run.run_name.str();
      measurement m;
      m.ns = run.GetAdjustedCPUTime() * to_ns(run.time_unit);
      m.wall_ns = run.GetAdjustedRealTime() * to_ns(run.time_unit);
      // Google Benchmark already states rates per CPU second.
      auto bytes = run.counters.find("bytes_per_second");
      if (bytes != run.counters.end()) m.gbps = bytes->second.value / 1e9;
      auto items = run.counters.find("items_per_second");
      if (items != run.counters.end()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.3g/s", items->second.value);
        m.items = buf;
      }
      auto& slot = results_[name];
      if (median || !slot.second) slot = {m, median};
      order_.push_back(name);
    }
  }

  // Prints, per case, each implementation and how many times slower it is
  // than sandlog (a ratio above 1 means sandlog is faster).
  void print_ratios() const {
    std::map<std::string, std::vector<std::pair<std::string, measurement>>> cases;
    std::vector<std::string> case_order;
    std::map<std::string, bool> seen;
    for (const auto& name : order_) {
      if (seen[name]) continue;
      seen[name] = true;
      auto slash = name.find('/');
      std::string impl = name.substr(0, slash);
      std::string kase = slash == std::string::npos ? "" : name.substr(slash + 1);
      if (cases.find(kase) == cases.end()) case_order.push_back(kase);
      cases[kase].emplace_back(impl, results_.at(name).first);
    }
    std::printf("\n%-36s %-14s %12s %12s %9s %12s %s\n", "case", "impl", "cpu ns/iter",
                "wall ns/iter", "GB/s", "items", "sandlog is (cpu)");
    for (const auto& kase : case_order) {
      const auto& impls = cases[kase];
      double base = 0;
      for (const auto& entry : impls)
        if (entry.first == "sandlog") base = entry.second.ns;
      for (const auto& entry : impls) {
        char ratio[32] = "";
        if (base > 0 && entry.first != "sandlog")
          std::snprintf(ratio, sizeof ratio, "%.2fx faster", entry.second.ns / base);
        std::printf("%-36s %-14s %12.1f %12.1f %9.3f %12s %s\n", kase.c_str(),
                    entry.first.c_str(), entry.second.ns, entry.second.wall_ns, entry.second.gbps,
                    entry.second.items.c_str(), ratio);
      }
    }
  }

 private:
  static double to_ns(benchmark::TimeUnit unit) {
    switch (unit) {
      case benchmark::kNanosecond: return 1;
      case benchmark::kMicrosecond: return 1e3;
      case benchmark::kMillisecond: return 1e6;
      case benchmark::kSecond: return 1e9;
    }
    return 1;
  }
  std::map<std::string, std::pair<measurement, bool>> results_;
  std::vector<std::string> order_;
};

// Runs `verify` (which must print what disagrees and return false on any
// mismatch), then the registered benchmarks, then the ratio table.
inline int run(int argc, char** argv, bool (*verify)()) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  if (!verify()) {
    std::fprintf(stderr, "competitors disagree with sandlog: not timing\n");
    return 1;
  }
  std::printf("all implementations agree on the benchmark inputs\n");
  ratio_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios();
  benchmark::Shutdown();
  return 0;
}

}  // namespace sandlog_bench

#endif  // SANDLOG_BENCH_UTIL_HPP
