// Decoding log pages: sandlog's event_decoder beside nlohmann::json doing the
// same job the way a user typically would (parse, walk "logs", read both
// strings, parse the timestamp with sandlog's parser so only JSON differs).
#include <sandlog/json.hpp>

#include <cstdio>
#include <string>
#include <vector>

#ifdef SANDLOG_BENCH_HAVE_NLOHMANN
#include <nlohmann/json.hpp>
#endif

#include "bench_util.hpp"

namespace {

std::string make_page(std::size_t n) {
  std::string s = R"({"logs":[)";
  char buf[200];
  for (std::size_t i = 0; i < n; ++i) {
    const int len = std::snprintf(
        buf, sizeof buf,
        R"(%s{"timestamp":"2026-03-06T10:%02zu:%02zu.%09zuZ","line":"worker %zu: request handled in %zu ms \"ok\""})",
        i ? "," : "", i / 60 % 60, i % 60, i * 7919 % 1000000000, i % 16, i % 997);
    s.append(buf, static_cast<std::size_t>(len));
  }
  return s + "]}";
}

struct digest {
  std::size_t entries = 0;
  std::int64_t seconds = 0;
  std::uint64_t nanos = 0;
  std::size_t line_bytes = 0;
  bool operator==(const digest& o) const {
    return entries == o.entries && seconds == o.seconds && nanos == o.nanos &&
           line_bytes == o.line_bytes;
  }
};

bool run_sandlog(sandlog::event_decoder& d, const std::string& page, digest& out) {
  out = {};
  sandlog::json_result r = d.decode_page(page, [&](const sandlog::log_entry& e) {
    ++out.entries;
    out.seconds += e.time.seconds;
    out.nanos += e.time.nanos;
    out.line_bytes += e.line.size();
  });
  return static_cast<bool>(r);
}

#ifdef SANDLOG_BENCH_HAVE_NLOHMANN
bool run_nlohmann(const std::string& page, digest& out) {
  out = {};
  nlohmann::json doc = nlohmann::json::parse(page, nullptr, false);
  if (doc.is_discarded() || !doc.contains("logs")) return false;
  for (const auto& e : doc["logs"]) {
    const std::string& ts = e.at("timestamp").get_ref<const std::string&>();
    const std::string& line = e.at("line").get_ref<const std::string&>();
    sandlog::timestamp t;
    if (!sandlog::parse_timestamp(ts.data(), ts.data() + ts.size(), t)) return false;
    ++out.entries;
    out.seconds += t.seconds;
    out.nanos += t.nanos;
    out.line_bytes += line.size();
  }
  return true;
}
#endif

const std::size_t sizes[] = {10, 1000, 100000};

const std::string& page(std::size_t n) {
  static std::vector<std::string> pages;
  if (pages.empty())
    for (std::size_t s : sizes) pages.push_back(make_page(s));
  for (std::size_t i = 0; i < 3; ++i)
    if (sizes[i] == n) return pages[i];
  return pages[0];
}

bool verify() {
  bool ok = true;
  sandlog::event_decoder d;
  for (std::size_t n : sizes) {
    digest a;
    if (!run_sandlog(d, page(n), a) || a.entries != n) {
      std::printf("sandlog failed on %zu entries\n", n);
      ok = false;
    }
#ifdef SANDLOG_BENCH_HAVE_NLOHMANN
    digest b;
    if (!run_nlohmann(page(n), b) || !(a == b)) {
      std::printf("nlohmann disagrees on %zu entries\n", n);
      ok = false;
    }
#endif
  }
  return ok;
}

void register_all() {
  for (std::size_t n : sizes) {
    const std::string name = std::to_string(n) + "entries";
    benchmark::RegisterBenchmark(("sandlog/" + name).c_str(), [n](benchmark::State& state) {
      sandlog::event_decoder d;
      const std::string& p = page(n);
      digest dg;
      for (auto _ : state) {
        run_sandlog(d, p, dg);
        benchmark::DoNotOptimize(dg);
      }
      state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * p.size()));
      state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
    });
#ifdef SANDLOG_BENCH_HAVE_NLOHMANN
    benchmark::RegisterBenchmark(("nlohmann/" + name).c_str(), [n](benchmark::State& state) {
      const std::string& p = page(n);
      digest dg;
      for (auto _ : state) {
        run_nlohmann(p, dg);
        benchmark::DoNotOptimize(dg);
      }
      state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * p.size()));
      state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
    });
#endif
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  return sandlog_bench::run(argc, argv, verify);
}
