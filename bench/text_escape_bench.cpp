// The command's terminal-safe text (tools/sandlog/text_escape.hpp): the
// messages of a 1 MiB CRI log written into the output buffer escaped, beside
// the same messages copied with memcpy (what `text` output cost before
// escaping, the floor) and beside the same escaping done one byte at a time
// (the loop without the 8-byte word test).
//
// Cases: "ascii" (printable ASCII messages, a few backslashes and quotes, as
// most logs are), "utf8" (one character in ten non-ASCII), and "controls"
// (one byte in 50 a control: the slow path, for scale).
#include <sandlog/record.hpp>

#include "bench_util.hpp"
#include "out_buffer.hpp"
#include "text_escape.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

constexpr std::size_t log_size = std::size_t{1} << 20;

enum class content { ascii, utf8, controls };

std::string make_log(content kind) {
  std::mt19937_64 rng(7);
  static const char* const words[] = {"level=info", "msg=\"request done\"", "path=/api/v1/items",
                                      "status=200", "latency_ms=12", "user=alice",
                                      "file=C:\\logs\\app.log", "{\"k\":\"v\"}", "retrying", "in"};
  static const char* const wide[] = {"\xC3\xA9", "\xE2\x82\xAC", "\xE6\x97\xA5", "\xF0\x9F\x98\x80"};
  std::string out;
  std::uint32_t ns = 0;
  while (out.size() < log_size) {
    ns = (ns + 1234567) % 1000000000;
    char ts[48];
    std::snprintf(ts, sizeof ts, "2026-02-20T14:30:00.%09uZ", ns);
    out += ts;
    out += rng() % 4 == 0 ? " stderr F " : " stdout F ";
    const std::size_t len = 60 + rng() % 140;
    std::string msg;
    while (msg.size() < len) {
      if (!msg.empty()) msg += ' ';
      msg += words[rng() % 10];
      if (kind == content::utf8 && rng() % 2 == 0) msg += wide[rng() % 4];
      if (kind == content::controls && rng() % 6 == 0) msg += static_cast<char>(1 + rng() % 8);
    }
    out += msg;
    out += '\n';
  }
  return out;
}

struct input {
  std::string log;
  std::vector<std::string_view> messages;
  std::size_t bytes = 0;
};

const input& get(content kind) {
  static input cache[3];
  input& in = cache[static_cast<int>(kind)];
  if (!in.log.empty()) return in;
  in.log = make_log(kind);
  std::string_view rest = in.log;
  while (!rest.empty()) {
    const std::size_t nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
    sandlog::log_record r;
    if (!sandlog::parse_record(line, sandlog::log_format::cri, r)) std::abort();
    in.messages.push_back(r.message);
    in.bytes += r.message.size();
  }
  return in;
}

void escape_all(const input& in, sandlog_cli::out_buffer& out) {
  out.clear();
  for (std::string_view m : in.messages) {
    sandlog_cli::append_text_escaped(out, m);
    out.push('\n');
  }
}

void copy_all(const input& in, sandlog_cli::out_buffer& out) {
  out.clear();
  for (std::string_view m : in.messages) {
    out.append(m);
    out.push('\n');
  }
}

// The same rules, one unit at a time: no 8-byte word test.
void bytewise_all(const input& in, sandlog_cli::out_buffer& out) {
  out.clear();
  for (std::string_view m : in.messages) {
    if (!m.empty() && m.back() == '\r') m.remove_suffix(1);
    auto p = reinterpret_cast<const unsigned char*>(m.data());
    const auto end = p + m.size();
    char* o = out.reserve(m.size() * 4 + 1);
    while (p != end) {
      const int n = sandlog_cli::detail::text_unit(p, end);
      if (n > 0) {
        for (int k = 0; k < n; ++k) *o++ = static_cast<char>(*p++);
      } else if (n < 0) {
        *o++ = '\\';
        *o++ = '\\';
        ++p;
      } else {
        o = sandlog_cli::detail::write_escape(o, *p++);
      }
    }
    *o++ = '\n';
    out.commit(o);
  }
}

template <void (*Fn)(const input&, sandlog_cli::out_buffer&)>
void run(benchmark::State& state, content kind) {
  const input& in = get(kind);
  sandlog_cli::out_buffer out;
  for (auto _ : state) {
    Fn(in, out);
    benchmark::DoNotOptimize(out.view().data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(in.bytes));
}

bool verify() {
  bool ok = true;
  for (content kind : {content::ascii, content::utf8, content::controls}) {
    const input& in = get(kind);
    sandlog_cli::out_buffer a, b, c;
    escape_all(in, a);
    bytewise_all(in, b);
    copy_all(in, c);
    if (a.view() != b.view()) {
      std::fprintf(stderr, "the bytewise loop disagrees with escape_text (case %d)\n", static_cast<int>(kind));
      ok = false;
    }
    // Clean text must come out as it is, so equal to the plain copy.
    if (kind != content::controls && a.view() != c.view()) {
      std::fprintf(stderr, "clean messages were changed (case %d)\n", static_cast<int>(kind));
      ok = false;
    }
    if (kind == content::controls &&
        (a.view() == c.view() || sandlog_cli::unescape_text(a.view()) != c.view())) {
      std::fprintf(stderr, "control bytes were not escaped reversibly\n");
      ok = false;
    }
  }
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  const std::pair<const char*, content> cases[] = {
      {"ascii", content::ascii}, {"utf8", content::utf8}, {"controls", content::controls}};
  for (const auto& c : cases) {
    const content kind = c.second;
    const std::string tail = std::string("/") + c.first + "/1MiB";
    benchmark::RegisterBenchmark(("sandlog" + tail).c_str(), [kind](benchmark::State& s) { run<escape_all>(s, kind); });
    benchmark::RegisterBenchmark(("memcpy" + tail).c_str(), [kind](benchmark::State& s) { run<copy_all>(s, kind); });
    benchmark::RegisterBenchmark(("bytewise" + tail).c_str(), [kind](benchmark::State& s) { run<bytewise_all>(s, kind); });
  }
  return sandlog_bench::run(argc, argv, verify);
}
