// One container's log, as Docker stores or serves it, decoded into joined
// lines: the Engine API logs body (plain and timestamps=1, docker_api.hpp)
// and the local driver's file (docker_local.hpp), each beside the json-file
// path on the same lines (line_splitter -> decode_docker_json -> cri_joiner,
// what `sandlog --format docker-json` runs). All take 64 KiB chunks.
//
// The log: 16 MiB of 80-200-byte lines, stdout and stderr mixed, one line
// in 500 of 40 KB (cut by Docker into 16 KiB fragments). Each case is
// "<format>/<size>", with impl "sandlog" for the format named and "jsonfile"
// for the json-file decoding of the same lines, so the table's ratio says how
// many times faster that format decodes than json-file.
#include <sandlog/docker_api.hpp>
#include <sandlog/docker_local.hpp>
#include <sandlog/json.hpp>
#include <sandlog/line_splitter.hpp>
#include <sandlog/record.hpp>

#include "bench_util.hpp"
#include "support/docker_formats.hpp"

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::size_t log_bytes = std::size_t{16} << 20;
constexpr std::size_t chunk_size = std::size_t{64} << 10;
constexpr std::size_t docker_cut = 16384;

struct line_spec {
  bool err;
  std::int64_t nanos;
  std::string text;
};

struct encodings {
  std::vector<line_spec> lines;
  std::string jsonfile, local, body, stamped_body;
};

std::string rfc3339(std::int64_t nanos, sandlog::fraction_digits digits) {
  char buf[sandlog::max_timestamp_chars];
  sandlog::format_options fo;
  fo.fraction = digits;
  char* end = sandlog::format_timestamp(sandlog::from_unix_nanos(nanos), buf, fo);
  return std::string(buf, static_cast<std::size_t>(end - buf));
}

const encodings& data() {
  static const encodings e = [] {
    encodings x;
    std::mt19937_64 rng(7);
    std::int64_t t = 1771597800LL * 1000000000LL;
    std::size_t total = 0;
    std::uint64_t id = 0;
    while (total < log_bytes) {
      line_spec l;
      l.err = rng() % 4 == 0;
      t += static_cast<std::int64_t>(rng() % 5'000'000);
      l.nanos = t;
      const std::size_t n = rng() % 500 == 0 ? 40000 : 80 + rng() % 121;
      l.text.resize(n);
      for (char& c : l.text) c = static_cast<char>('a' + rng() % 26);
      total += n;
      const char* source = l.err ? "stderr" : "stdout";
      // json-file: one entry per fragment, all with the line's time
      const std::string time = rfc3339(l.nanos, sandlog::fraction_digits::shortest);
      const std::string stamp = rfc3339(l.nanos, sandlog::fraction_digits::nano) + " ";
      for (std::size_t at = 0; at < n; at += docker_cut) {
        const std::string frag = l.text.substr(at, docker_cut);
        const bool last = at + docker_cut >= n;
        x.jsonfile += "{\"log\":\"" + frag + (last ? "\\n" : "") + "\",\"stream\":\"" + source +
                      "\",\"time\":\"" + time + "\"}\n";
        x.body += sandlog_test::mux_frame(l.err ? 2 : 1, frag + (last ? "\n" : ""));
        x.stamped_body += sandlog_test::mux_frame(l.err ? 2 : 1, stamp + frag + (last ? "\n" : ""));
      }
      x.local += sandlog_test::local_line(source, l.nanos, l.text, "id" + std::to_string(++id), docker_cut);
      x.lines.push_back(std::move(l));
    }
    return x;
  }();
  return e;
}

// What each decoder gives per line, folded into a number that any
// difference changes (and that keeps the work from being optimized away).
struct digest {
  std::uint64_t lines = 0;
  std::uint64_t sum = 0;
  void add(const sandlog::joined_record& j) {
    ++lines;
    sum = sum * 1000003u + j.record.message.size() * 31u + static_cast<std::uint64_t>(j.record.stream) +
          (j.record.has_time ? static_cast<std::uint64_t>(j.record.time.nanos) : 0u) +
          static_cast<unsigned char>(j.record.message.empty() ? 0 : j.record.message.back());
  }
  bool operator==(const digest& o) const { return lines == o.lines && sum == o.sum; }
};

template <class Feed>
void chunks(const std::string& s, Feed&& feed) {
  for (std::size_t at = 0; at < s.size(); at += chunk_size)
    feed(std::string_view(s).substr(at, chunk_size));
}

bool run_jsonfile(const std::string& in, digest& d, bool with_time) {
  sandlog::line_splitter split;
  sandlog::event_decoder json;
  sandlog::cri_joiner join;
  bool ok = true;
  auto on_msg = [&](const sandlog::joined_record& j) {
    if (with_time) {
      d.add(j);
    } else {
      sandlog::joined_record k = j;
      k.record.has_time = false;
      d.add(k);
    }
  };
  auto on_line = [&](const sandlog::line& l) {
    sandlog::log_record r;
    if (json.decode_docker_json(l.text, r).ec != sandlog::error::ok) ok = false;
    join.add(r, on_msg);
  };
  chunks(in, [&](std::string_view c) { split.feed(c, on_line); });
  split.finish(on_line);
  join.finish(on_msg);
  return ok;
}

bool run_local(const std::string& in, digest& d) {
  sandlog::local_decoder dec;
  sandlog::local_joiner join;
  auto on_msg = [&](const sandlog::joined_record& j) { d.add(j); };
  bool ok = true;
  chunks(in, [&](std::string_view c) {
    if (dec.feed(c, [&](const sandlog::local_entry& e) { join.add(e, on_msg); }) != sandlog::error::ok)
      ok = false;
  });
  return ok && dec.finish() == sandlog::error::ok && join.finish(on_msg) == sandlog::error::ok;
}

bool run_api(const std::string& in, bool timestamps, digest& d) {
  sandlog::api_options o;
  o.timestamps = timestamps;
  sandlog::docker_api_decoder dec(o);
  auto on_msg = [&](const sandlog::joined_record& j) { d.add(j); };
  bool ok = true;
  chunks(in, [&](std::string_view c) { ok = ok && dec.feed(c, on_msg) == sandlog::error::ok; });
  return ok && dec.finish(on_msg) == sandlog::error::ok;
}

bool verify() {
  const encodings& e = data();
  digest json_t, json_n, local, api, api_t;
  bool ok = run_jsonfile(e.jsonfile, json_t, true) && run_jsonfile(e.jsonfile, json_n, false) &&
            run_local(e.local, local) && run_api(e.body, false, api) &&
            run_api(e.stamped_body, true, api_t);
  if (!ok) std::fprintf(stderr, "a decoder reported an error\n");
  if (json_t.lines != e.lines.size()) {
    std::fprintf(stderr, "json-file gave %llu lines, the log has %zu\n",
                 static_cast<unsigned long long>(json_t.lines), e.lines.size());
    ok = false;
  }
  if (!(local == json_t)) { std::fprintf(stderr, "local differs from json-file\n"); ok = false; }
  if (!(api_t == json_t)) { std::fprintf(stderr, "api timestamps=1 differs from json-file\n"); ok = false; }
  if (!(api == json_n)) { std::fprintf(stderr, "api differs from json-file\n"); ok = false; }
  return ok;
}

void count(benchmark::State& state, std::size_t bytes) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * data().lines.size()));
}

void bm_jsonfile(benchmark::State& state) {
  for (auto _ : state) {
    digest d;
    run_jsonfile(data().jsonfile, d, true);
    benchmark::DoNotOptimize(d.sum);
  }
  count(state, data().jsonfile.size());
}
void bm_local(benchmark::State& state) {
  for (auto _ : state) {
    digest d;
    run_local(data().local, d);
    benchmark::DoNotOptimize(d.sum);
  }
  count(state, data().local.size());
}
void bm_api(benchmark::State& state) {
  for (auto _ : state) {
    digest d;
    run_api(data().body, false, d);
    benchmark::DoNotOptimize(d.sum);
  }
  count(state, data().body.size());
}
void bm_api_stamped(benchmark::State& state) {
  for (auto _ : state) {
    digest d;
    run_api(data().stamped_body, true, d);
    benchmark::DoNotOptimize(d.sum);
  }
  count(state, data().stamped_body.size());
}

}  // namespace

BENCHMARK(bm_api)->Name("sandlog/api-body/16MiB")->Unit(benchmark::kMillisecond);
BENCHMARK(bm_jsonfile)->Name("jsonfile/api-body/16MiB")->Unit(benchmark::kMillisecond);
BENCHMARK(bm_api_stamped)->Name("sandlog/api-body-timestamps/16MiB")->Unit(benchmark::kMillisecond);
BENCHMARK(bm_jsonfile)->Name("jsonfile/api-body-timestamps/16MiB")->Unit(benchmark::kMillisecond);
BENCHMARK(bm_local)->Name("sandlog/local-file/16MiB")->Unit(benchmark::kMillisecond);
BENCHMARK(bm_jsonfile)->Name("jsonfile/local-file/16MiB")->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) { return sandlog_bench::run(argc, argv, verify); }
