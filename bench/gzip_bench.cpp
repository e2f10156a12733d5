// Streaming gzip decompression of a CRI log: zlib, ISA-L's igzip and
// libdeflate, and sandlog's gzip_reader (gzip.hpp, over the library chosen
// from these figures), one gzip member and many members.
//
// Streaming means: input read in 128 KiB pieces, as from a file, and output
// delivered in pieces of at most 128 KiB, so memory stays bounded whatever
// the size of the file. libdeflate has no streaming API: it decodes a whole
// member into a buffer large enough for all of it (read from the member's
// ISIZE trailer), so it is measured that way and its memory grows with the
// member; that is the fit it offers, not a choice of this benchmark.
//
// Input: with SANDLOG_GZIP_BENCH_DIR set, app.log.gz (one member, gzip -6)
// and app.multi.gz (gzip -6 of 10 MB pieces, concatenated) from that
// directory, as bench/gzip_bench.sh makes them with bench/make_cri_log.py;
// app.log there, when present, is the expected output. Without it, a small
// CRI log is made and compressed in memory (the smoke run under ctest).
// Every implementation's output is checked (length and CRC-32) before timing.
#include <isa-l/igzip_lib.h>
#include <libdeflate.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "bench_util.hpp"
#include "sandlog/gzip.hpp"

namespace {

constexpr std::size_t piece = 128 * 1024;

struct output_check {
  std::uint64_t size = 0;
  std::uint32_t crc = 0;
  bool checking = false;
  void take(const unsigned char* p, std::size_t n) {
    size += n;
    if (checking) crc = static_cast<std::uint32_t>(::crc32(crc, p, static_cast<uInt>(n)));
  }
  bool operator==(const output_check& o) const { return size == o.size && crc == o.crc; }
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A CRI log like bench/make_cri_log.py writes, smaller, for the smoke run.
std::string make_log(std::size_t bytes) {
  std::mt19937 rng(1);
  static const char* const words[] = {"order", "payment", "cart", "user", "session", "cache",
                                      "retry", "timeout", "upstream", "query", "commit"};
  std::string out;
  char line[512];
  std::uint64_t ns = 0;
  while (out.size() < bytes) {
    ns += 1000 + rng() % 4000000;
    const unsigned s = static_cast<unsigned>(ns / 1000000000u);
    int n = std::snprintf(line, sizeof line,
                          "2026-02-20T14:%02u:%02u.%09uZ stdout F {\"level\":\"info\",\"msg\":\"%s %s\","
                          "\"request_id\":\"%08x%08x\",\"user_id\":%u}\n",
                          (s / 60) % 60, s % 60, static_cast<unsigned>(ns % 1000000000u),
                          words[rng() % 11], words[rng() % 11], static_cast<unsigned>(rng()),
                          static_cast<unsigned>(rng()), static_cast<unsigned>(rng() % 1000000));
    out.append(line, static_cast<std::size_t>(n));
  }
  return out;
}

std::string gzip_bytes(std::string_view text, std::size_t member) {
  std::string out;
  for (std::size_t at = 0; at < text.size(); at += member) {
    const std::string_view part = text.substr(at, member);
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
    std::string buf(deflateBound(&z, static_cast<uLong>(part.size())) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(part.data()));
    z.avail_in = static_cast<uInt>(part.size());
    z.next_out = reinterpret_cast<Bytef*>(buf.data());
    z.avail_out = static_cast<uInt>(buf.size());
    deflate(&z, Z_FINISH);
    buf.resize(z.total_out);
    deflateEnd(&z);
    out += buf;
  }
  return out;
}

struct inputs {
  std::string single, multi;
  output_check expected;
  bool have_expected = false;
  std::string label;
};

const inputs& data() {
  static const inputs in = [] {
    inputs r;
    if (const char* dir = std::getenv("SANDLOG_GZIP_BENCH_DIR")) {
      r.single = read_file(std::string(dir) + "/app.log.gz");
      r.multi = read_file(std::string(dir) + "/app.multi.gz");
      const std::string plain = read_file(std::string(dir) + "/app.log");
      if (!plain.empty()) {
        r.expected.checking = true;
        r.expected.take(reinterpret_cast<const unsigned char*>(plain.data()), plain.size());
        r.have_expected = true;
      }
      r.label = "file";
    } else {
      const std::string log = make_log(4u << 20);
      r.single = gzip_bytes(log, log.size());
      r.multi = gzip_bytes(log, 1u << 20);
      r.expected.checking = true;
      r.expected.take(reinterpret_cast<const unsigned char*>(log.data()), log.size());
      r.have_expected = true;
      r.label = "4MiB";
    }
    return r;
  }();
  return in;
}

// ---- zlib: inflate with the gzip wrapper, reset at each member's end -------

bool zlib_stream(const std::string& gz, output_check& out) {
  static std::vector<unsigned char> buf(piece);
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) return false;
  std::size_t at = 0;
  bool ok = true;
  bool in_member = false;
  while (ok) {
    if (z.avail_in == 0) {
      if (at == gz.size()) break;
      const std::size_t n = std::min(piece, gz.size() - at);
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data() + at));
      z.avail_in = static_cast<uInt>(n);
      at += n;
    }
    z.next_out = buf.data();
    z.avail_out = static_cast<uInt>(buf.size());
    in_member = true;
    const int rc = inflate(&z, Z_NO_FLUSH);
    out.take(buf.data(), buf.size() - z.avail_out);
    if (rc == Z_STREAM_END) {
      in_member = false;
      inflateReset(&z);
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      ok = false;
    }
  }
  inflateEnd(&z);
  return ok && !in_member;
}

// ---- ISA-L: isal_inflate with ISAL_GZIP, reset at each member's end --------

bool isal_stream(const std::string& gz, output_check& out) {
  static std::vector<unsigned char> buf(piece);
  static inflate_state st;
  isal_inflate_init(&st);
  st.crc_flag = ISAL_GZIP;
  std::size_t at = 0;
  bool in_member = false;
  for (;;) {
    if (st.avail_in == 0) {
      if (at == gz.size()) break;
      const std::size_t n = std::min(piece, gz.size() - at);
      st.next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(gz.data() + at));
      st.avail_in = static_cast<std::uint32_t>(n);
      at += n;
    }
    st.next_out = buf.data();
    st.avail_out = static_cast<std::uint32_t>(buf.size());
    in_member = true;
    const int rc = isal_inflate(&st);
    out.take(buf.data(), buf.size() - st.avail_out);
    if (rc != ISAL_DECOMP_OK) return false;
    if (st.block_state == ISAL_BLOCK_FINISH) {
      in_member = false;
      std::uint8_t* next = st.next_in;
      const std::uint32_t avail = st.avail_in;
      isal_inflate_reset(&st);
      st.crc_flag = ISAL_GZIP;
      st.next_in = next;
      st.avail_in = avail;
    }
  }
  return !in_member;
}

// ---- libdeflate: whole members, each into a buffer of its ISIZE ------------

bool libdeflate_members(const std::string& gz, output_check& out) {
  static libdeflate_decompressor* d = libdeflate_alloc_decompressor();
  static std::vector<unsigned char> buf;
  const auto* p = reinterpret_cast<const unsigned char*>(gz.data());
  std::size_t left = gz.size();
  while (left != 0) {
    // ISIZE of a lone member is the last four bytes; with several members it
    // is not known in advance, so grow on LIBDEFLATE_INSUFFICIENT_SPACE.
    if (buf.size() < (1u << 20)) buf.resize(1u << 20);
    for (;;) {
      std::size_t in_used = 0, out_size = 0;
      const libdeflate_result rc = libdeflate_gzip_decompress_ex(
          d, p, left, buf.data(), buf.size(), &in_used, &out_size);
      if (rc == LIBDEFLATE_INSUFFICIENT_SPACE) {
        buf.resize(buf.size() * 2);
        continue;
      }
      if (rc != LIBDEFLATE_SUCCESS) return false;
      out.take(buf.data(), out_size);
      p += in_used;
      left -= in_used;
      break;
    }
  }
  return true;
}

// ---- sandlog::gzip_reader ---------------------------------------------------

bool sandlog_stream(const std::string& gz, output_check& out) {
  static sandlog::gzip_reader reader;
  reader.reset();
  auto sink = [&](std::string_view s) {
    out.take(reinterpret_cast<const unsigned char*>(s.data()), s.size());
  };
  for (std::size_t at = 0; at < gz.size(); at += piece)
    if (!reader.feed(std::string_view(gz).substr(at, piece), sink)) return false;
  return static_cast<bool>(reader.finish(sink));
}

using decoder = bool (*)(const std::string&, output_check&);

struct impl {
  const char* name;
  decoder fn;
};
const impl impls[] = {{"sandlog", sandlog_stream},
                      {"zlib", zlib_stream},
                      {"isal", isal_stream},
                      {"libdeflate", libdeflate_members}};

bool verify() {
  const inputs& in = data();
  if (in.single.empty() || in.multi.empty()) {
    std::fprintf(stderr, "no input: set SANDLOG_GZIP_BENCH_DIR to a directory made by gzip_bench.sh\n");
    return false;
  }
  bool ok = true;
  for (const impl& i : impls) {
    for (const std::string* gz : {&in.single, &in.multi}) {
      output_check got;
      got.checking = true;
      if (!i.fn(*gz, got)) {
        std::fprintf(stderr, "%s: decoding failed\n", i.name);
        ok = false;
      } else if (in.have_expected && !(got == in.expected)) {
        std::fprintf(stderr, "%s: %llu bytes, crc %08x; expected %llu, %08x\n", i.name,
                     static_cast<unsigned long long>(got.size), got.crc,
                     static_cast<unsigned long long>(in.expected.size), in.expected.crc);
        ok = false;
      }
    }
  }
  return ok;
}

void run(benchmark::State& state, decoder fn, const std::string& gz) {
  std::uint64_t bytes = 0;
  for (auto _ : state) {
    output_check out;
    if (!fn(gz, out)) {
      state.SkipWithError("decoding failed");
      return;
    }
    bytes = out.size;
    benchmark::DoNotOptimize(bytes);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
  state.counters["ratio"] = static_cast<double>(bytes) / static_cast<double>(gz.size());
}

}  // namespace

int main(int argc, char** argv) {
  const inputs& in = data();
  for (const impl& i : impls) {
    const decoder fn = i.fn;
    benchmark::RegisterBenchmark((std::string(i.name) + "/one-member/" + in.label).c_str(),
                                 [fn](benchmark::State& s) { run(s, fn, data().single); })
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark((std::string(i.name) + "/multi-member/" + in.label).c_str(),
                                 [fn](benchmark::State& s) { run(s, fn, data().multi); })
        ->Unit(benchmark::kMillisecond);
  }
  return sandlog_bench::run(argc, argv, verify);
}
