// The line splitter beside what a user would otherwise write: std::getline on
// an std::istringstream, a memchr loop that carries a partial line between
// chunks, and a byte-at-a-time loop doing the same. Every implementation
// counts the lines and folds them into a checksum, so verify() can prove they
// all see the same lines before anything is timed.
#include <sandlog/line_splitter.hpp>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "bench_util.hpp"

namespace {

struct tally {
  std::uint64_t lines = 0;
  std::uint64_t sum = 0;
  void add(std::string_view s) noexcept {
    ++lines;
    // Additive, so the checksum adds no dependency chain longer than the count's.
    sum += s.size() * 64 + (s.empty() ? 0u : static_cast<unsigned char>(s.back()));
  }
  bool operator==(const tally& o) const noexcept { return lines == o.lines && sum == o.sum; }
};

// About 1 MiB of log-like lines of `len` bytes each, the '\n' included.
std::string make_input(std::size_t len) {
  std::mt19937 rng(static_cast<unsigned>(len));
  std::string s;
  const std::size_t total = std::size_t{1} << 20;
  while (s.size() + len <= total) {
    for (std::size_t i = 0; i + 1 < len; ++i) s += static_cast<char>(' ' + rng() % 95);
    s += '\n';
  }
  return s;
}

tally run_sandlog(std::string_view in, std::size_t chunk) {
  tally t;
  sandlog::line_splitter sp;
  auto sink = [&](const sandlog::line& l) { t.add(l.text); };
  for (std::size_t at = 0; at < in.size(); at += chunk) sp.feed(in.substr(at, chunk), sink);
  sp.finish(sink);
  return t;
}

tally run_sandlog_pull(std::string_view in, std::size_t chunk) {
  tally t;
  sandlog::line_splitter sp;
  sandlog::line l;
  for (std::size_t at = 0; at < in.size(); at += chunk) {
    sp.push(in.substr(at, chunk));
    while (sp.next(l)) t.add(l.text);
  }
  sp.push_end();
  while (sp.next(l)) t.add(l.text);
  return t;
}

tally run_getline(std::istringstream& is) {
  tally t;
  is.clear();
  is.seekg(0);
  std::string line;
  while (std::getline(is, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    t.add(line);
  }
  return t;
}

// What a careful user writes around memchr (or a byte loop): views for lines
// inside the chunk, a std::string for a line that spans chunks.
template <class Find>
tally run_loop(std::string_view in, std::size_t chunk, Find find) {
  tally t;
  std::string carry;
  auto emit = [&](std::string_view s) {
    if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
    t.add(s);
  };
  for (std::size_t at = 0; at < in.size(); at += chunk) {
    std::string_view c = in.substr(at, chunk);
    const char* p = c.data();
    const char* end = p + c.size();
    while (p < end) {
      const char* nl = find(p, end);
      if (nl == nullptr) break;
      if (carry.empty()) {
        emit(std::string_view(p, static_cast<std::size_t>(nl - p)));
      } else {
        carry.append(p, nl);
        emit(carry);
        carry.clear();
      }
      p = nl + 1;
    }
    carry.append(p, end);
  }
  if (!carry.empty()) t.add(carry);
  return t;
}

const char* find_memchr(const char* p, const char* end) {
  return static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
}

const char* find_bytes(const char* p, const char* end) {
  for (; p < end; ++p)
    if (*p == '\n') return p;
  return nullptr;
}

const std::size_t line_lengths[] = {16, 80, 1000};
const std::size_t chunk_sizes[] = {4096, 65536};

std::string case_name(std::size_t len, std::size_t chunk) {
  return std::to_string(len) + "B/" + std::to_string(chunk / 1024) + "KiB";
}

const std::string& input_for(std::size_t len) {
  static const std::string inputs[] = {make_input(16), make_input(80), make_input(1000)};
  return inputs[len == 16 ? 0 : len == 80 ? 1 : 2];
}

bool verify() {
  bool ok = true;
  for (std::size_t len : line_lengths) {
    const std::string& in = input_for(len);
    std::istringstream is(in);
    const tally want = run_getline(is);
    for (std::size_t chunk : chunk_sizes) {
      const tally got[] = {run_sandlog(in, chunk), run_sandlog_pull(in, chunk),
                           run_loop(in, chunk, find_memchr), run_loop(in, chunk, find_bytes)};
      const char* names[] = {"sandlog", "sandlog-pull", "memchr", "byteloop"};
      for (int i = 0; i < 4; ++i) {
        if (!(got[i] == want)) {
          std::printf("%s on %s: %llu lines (checksum %llu), getline %llu (%llu)\n", names[i],
                      case_name(len, chunk).c_str(), (unsigned long long)got[i].lines,
                      (unsigned long long)got[i].sum, (unsigned long long)want.lines,
                      (unsigned long long)want.sum);
          ok = false;
        }
      }
    }
  }
  return ok;
}

template <class Fn>
void add(const char* impl, std::size_t len, std::size_t chunk, Fn fn) {
  const std::string name = std::string(impl) + "/" + case_name(len, chunk);
  benchmark::RegisterBenchmark(name.c_str(), [len, chunk, fn](benchmark::State& state) {
    const std::string& in = input_for(len);
    std::uint64_t lines = 0;
    for (auto _ : state) {
      tally t = fn(in, chunk);
      benchmark::DoNotOptimize(t);
      lines += t.lines;
    }
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(in.size()));
    state.SetItemsProcessed(static_cast<std::int64_t>(lines));
  });
}

// getline reads the whole buffer through one std::istringstream built before
// timing, the way most C++ code reads lines; the chunk size does not apply to it.
void add_getline(std::size_t len, std::size_t chunk) {
  const std::string name = "getline/" + case_name(len, chunk);
  benchmark::RegisterBenchmark(name.c_str(), [len](benchmark::State& state) {
    const std::string& in = input_for(len);
    std::istringstream is(in);
    std::uint64_t lines = 0;
    for (auto _ : state) {
      tally t = run_getline(is);
      benchmark::DoNotOptimize(t);
      lines += t.lines;
    }
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(in.size()));
    state.SetItemsProcessed(static_cast<std::int64_t>(lines));
  });
}

void register_all() {
  for (std::size_t len : line_lengths) {
    for (std::size_t chunk : chunk_sizes) {
      add("sandlog", len, chunk, run_sandlog);
      add("sandlog-pull", len, chunk, run_sandlog_pull);
      add_getline(len, chunk);
      add("memchr", len, chunk,
          [](std::string_view in, std::size_t c) { return run_loop(in, c, find_memchr); });
      add("byteloop", len, chunk,
          [](std::string_view in, std::size_t c) { return run_loop(in, c, find_bytes); });
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  return sandlog_bench::run(argc, argv, verify);
}
