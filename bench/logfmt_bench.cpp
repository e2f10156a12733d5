// logfmt parsing beside a std::regex pair extractor, and number conversion
// beside strtod, on a generated corpus of typical service log lines.
#include <sandlog/logfmt.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <string>
#include <vector>

#include "bench_util.hpp"

namespace {

struct rng {
  std::uint64_t s = 0x243F6A8885A308D3ull;
  std::uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

// Lines in the style of Go services (go-kit, logrus text, slog text).
std::vector<std::string> make_lines(std::size_t count) {
  static const char* levels[] = {"debug", "info", "info", "info", "warn", "error"};
  static const char* methods[] = {"GET", "POST", "PUT", "DELETE"};
  static const char* msgs[] = {"\"request done\"", "\"cache miss\"", "started",
                               "\"upstream said \\\"busy\\\"\"", "\"retrying in 2s\"",
                               "\"connection reset by peer\""};
  rng r;
  std::vector<std::string> lines;
  char buf[512];
  for (std::size_t i = 0; i < count; ++i) {
    const int n = std::snprintf(
        buf, sizeof buf,
        "ts=2026-02-20T14:%02zu:%02zu.%06zuZ level=%s caller=server.go:%zu msg=%s method=%s "
        "path=/api/v1/items/%zu status=%zu latency_ms=%zu.%03zu bytes=%zu dur=%zu.%zums "
        "trace_id=%016llx%s",
        r.below(60), r.below(60), r.below(1000000), levels[r.below(6)], r.below(900) + 10,
        msgs[r.below(6)], methods[r.below(4)], r.below(100000), 200 + 100 * r.below(4),
        r.below(2000), r.below(1000), r.below(100000), r.below(900), r.below(10),
        static_cast<unsigned long long>(r.next()), r.below(4) == 0 ? " cached" : " ok=true");
    lines.emplace_back(buf, static_cast<std::size_t>(n));
  }
  return lines;
}

const std::vector<std::string>& lines() {
  static const std::vector<std::string> l = make_lines(4096);
  return l;
}

std::size_t total_bytes(const std::vector<std::string>& v) {
  std::size_t n = 0;
  for (const auto& s : v) n += s.size();
  return n;
}

// Records bytes and items (lines or numbers) per iteration.
void count(benchmark::State& state, const std::vector<std::string>& inputs) {
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(total_bytes(inputs)));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(inputs.size()));
}

struct pair {
  std::string key, text;
  bool operator==(const pair& o) const { return key == o.key && text == o.text; }
};

// The regex a user would write: a key, then optionally '=' and a quoted
// (with backslash escapes) or bare value.
const std::regex& pair_regex() {
  static const std::regex re(R"re(([^\s="]+)(?:=("(?:[^"\\]|\\.)*"|[^\s]*))?)re",
                             std::regex::ECMAScript | std::regex::optimize);
  return re;
}

template <class Fn>
void regex_pairs(const std::string& line, Fn&& fn) {
  for (std::sregex_iterator it(line.begin(), line.end(), pair_regex()), end; it != end; ++it) {
    const auto& m = *it;
    std::string_view text(&*m[2].first, static_cast<std::size_t>(m[2].length()));
    if (!m[2].matched) text = {};
    if (text.size() >= 2 && text.front() == '"') text = text.substr(1, text.size() - 2);
    fn(std::string_view(&*m[1].first, static_cast<std::size_t>(m[1].length())), text);
  }
}

std::vector<std::string> numbers() {
  rng r;
  std::vector<std::string> out;
  char buf[64];
  for (int i = 0; i < 4096; ++i) {
    int n = 0;
    switch (r.below(4)) {
      case 0: n = std::snprintf(buf, sizeof buf, "%zu.%03zu", r.below(2000), r.below(1000)); break;
      case 1: n = std::snprintf(buf, sizeof buf, "%zu", r.below(1000000)); break;
      case 2: n = std::snprintf(buf, sizeof buf, "%.17g", static_cast<double>(r.next() >> 11) * 0x1p-53); break;
      default: n = std::snprintf(buf, sizeof buf, "%.6e", static_cast<double>(r.below(1u << 30)) * 1e-3); break;
    }
    out.emplace_back(buf, static_cast<std::size_t>(n));
  }
  return out;
}

const std::vector<std::string>& number_corpus() {
  static const std::vector<std::string> n = numbers();
  return n;
}

bool verify() {
  bool ok = true;
  for (const auto& line : lines()) {
    std::vector<pair> ours, theirs;
    const auto r = sandlog::parse_logfmt(line, [&](const sandlog::logfmt_field& f) {
      ours.push_back({std::string(f.key()), std::string(f.text())});
    });
    regex_pairs(line, [&](std::string_view k, std::string_view v) {
      theirs.push_back({std::string(k), std::string(v)});
    });
    if (!r || ours != theirs) {
      std::fprintf(stderr, "logfmt pairs differ on: %s\n", line.c_str());
      ok = false;
      break;
    }
  }
  for (const auto& s : number_corpus()) {
    const auto v = sandlog::parse_double(s);
    const double ref = std::strtod(s.c_str(), nullptr);
    if (!v || v.value != ref) {
      std::fprintf(stderr, "as_double differs from strtod on %s\n", s.c_str());
      ok = false;
      break;
    }
  }
  return ok;
}

void sandlog_parse(benchmark::State& state) {
  const auto& ls = lines();
  for (auto _ : state) {
    std::size_t n = 0;
    for (const auto& line : ls) {
      sandlog::logfmt_reader reader(line);
      sandlog::logfmt_field f;
      while (reader.next(f)) n += f.text().size();
    }
    benchmark::DoNotOptimize(n);
  }
  count(state, ls);
}

void regex_parse(benchmark::State& state) {
  const auto& ls = lines();
  for (auto _ : state) {
    std::size_t n = 0;
    for (const auto& line : ls) regex_pairs(line, [&](std::string_view, std::string_view v) { n += v.size(); });
    benchmark::DoNotOptimize(n);
  }
  count(state, ls);
}

void sandlog_double(benchmark::State& state) {
  const auto& ns = number_corpus();
  for (auto _ : state) {
    double sum = 0;
    for (const auto& s : ns) sum += sandlog::parse_double(s).value;
    benchmark::DoNotOptimize(sum);
  }
  count(state, ns);
}

void strtod_double(benchmark::State& state) {
  const auto& ns = number_corpus();
  for (auto _ : state) {
    double sum = 0;
    for (const auto& s : ns) sum += std::strtod(s.c_str(), nullptr);
    benchmark::DoNotOptimize(sum);
  }
  count(state, ns);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::RegisterBenchmark("sandlog/parse_lines", sandlog_parse);
  benchmark::RegisterBenchmark("regex/parse_lines", regex_parse);
  benchmark::RegisterBenchmark("sandlog/as_double", sandlog_double);
  benchmark::RegisterBenchmark("strtod/as_double", strtod_double);
  return sandlog_bench::run(argc, argv, verify);
}
