// Specification of gzip.hpp: gzip told by content, members one after another,
// every chunking giving the same output, and corrupt, truncated and stray
// input reported with offsets after everything before the fault. zlib writes
// the reference gzip data.
#include <catch2/catch.hpp>

#include <sandlog/gzip.hpp>

#include <zlib.h>

#include <random>
#include <string>
#include <vector>

#include "support/counting_allocator.hpp"

namespace {

struct gz_options {
  int level = 6;
  bool header_extra = false;  // FEXTRA and FNAME, as Docker's compressed rotations carry
};

std::string gzip(std::string_view text, gz_options o = {}) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, o.level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  gz_header h{};
  static unsigned char extra[] = {'l', 't', 12, 0, '{', '"', 'l', 'a', 's', 't', 'T', 'i', 'm', 'e', '"', '}'};
  static char name[] = "container.log.1";
  if (o.header_extra) {
    h.extra = extra;
    h.extra_len = sizeof extra;
    h.name = reinterpret_cast<Bytef*>(name);
    h.hcrc = 1;
    REQUIRE(deflateSetHeader(&z, &h) == Z_OK);
  }
  std::string out(deflateBound(&z, static_cast<uLong>(text.size())) + 128, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// Some log text: CRI lines with enough repetition to compress, and enough
// variety to need dynamic Huffman blocks and back references.
std::string log_text(std::size_t bytes, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out;
  while (out.size() < bytes) {
    out += "2026-02-20T14:30:0" + std::to_string(rng() % 10) + ".123456789Z stdout F ";
    const std::size_t n = rng() % 120;
    for (std::size_t i = 0; i < n; ++i) out += static_cast<char>('a' + rng() % (rng() % 4 == 0 ? 26 : 4));
    out += '\n';
  }
  out.resize(bytes);
  return out;
}

struct decoded {
  std::string out;
  sandlog::gzip_result feed{};   // the first failed feed, or ok
  sandlog::gzip_result end{};    // finish()
  bool compressed = false;
  std::size_t largest_piece = 0;
};

// Feeds `input` in pieces whose sizes cycle through `sizes` (0: all at once),
// each piece a heap copy of its exact size.
decoded decode(std::string_view input, const std::vector<std::size_t>& sizes,
               std::size_t buffer = sandlog::gzip_reader::default_buffer) {
  sandlog::gzip_reader r(buffer);
  decoded d;
  auto sink = [&](std::string_view s) {
    d.out.append(s.data(), s.size());
    d.largest_piece = std::max(d.largest_piece, s.size());
  };
  std::size_t i = 0;
  while (!input.empty()) {
    std::size_t n = sizes.empty() || sizes[i % sizes.size()] == 0 ? input.size()
                                                                   : sizes[i % sizes.size()];
    ++i;
    n = std::min(n, input.size());
    const std::string piece(input.substr(0, n));
    input.remove_prefix(n);
    const sandlog::gzip_result fr = r.feed(piece, sink);
    if (!fr && d.feed) d.feed = fr;
  }
  d.end = r.finish(sink);
  d.compressed = r.compressed();
  return d;
}

bool same_result(const sandlog::gzip_result& a, const sandlog::gzip_result& b) {
  return a.ec == b.ec && a.member == b.member && a.offset == b.offset;
}

const std::vector<std::vector<std::size_t>>& chunkings() {
  static const std::vector<std::vector<std::size_t>> c = {
      {0}, {1}, {2}, {3}, {7}, {64}, {4096}, {65536}, {1, 9, 100, 3, 5000}, {13, 1, 1, 2}};
  return c;
}

}  // namespace

namespace Catch {
template <>
struct StringMaker<sandlog::gzip_result> {
  static std::string convert(const sandlog::gzip_result& r) {
    return std::string(sandlog::to_string(r.ec)) + " member " + std::to_string(r.member) +
           " offset " + std::to_string(r.offset);
  }
};
}  // namespace Catch

TEST_CASE("plain input passes through untouched, whatever its first bytes") {
  for (const std::string& text :
       {std::string(), std::string("hello\n"), std::string("\x1f"), std::string("\x1f\x8a rest"),
        std::string("\x1f", 1) + std::string("\x00\x01", 2), log_text(5000, 1)}) {
    for (const auto& sizes : chunkings()) {
      const decoded d = decode(text, sizes);
      CHECK(d.out == text);
      CHECK(d.feed);
      CHECK(d.end);
      CHECK_FALSE(d.compressed);
    }
  }
}

TEST_CASE("one member decodes the same under every chunking") {
  const std::string text = log_text(300000, 2);
  for (const gz_options o : {gz_options{6, false}, gz_options{1, false}, gz_options{9, true},
                             gz_options{0, true}}) {
    const std::string gz = gzip(text, o);
    for (const auto& sizes : chunkings()) {
      const decoded d = decode(gz, sizes);
      CHECK(d.feed);
      CHECK(d.end);
      CHECK(d.compressed);
      CHECK(d.out == text);
    }
  }
}

TEST_CASE("members one after another decode as one stream, empty members too") {
  const std::string a = log_text(70000, 3), b = log_text(1, 4), c = log_text(200000, 5);
  const std::string gz = gzip(a) + gzip("") + gzip(b, {9, true}) + gzip(c, {1, false});
  for (const auto& sizes : chunkings()) {
    const decoded d = decode(gz, sizes);
    CHECK(d.feed);
    CHECK(d.end);
    CHECK(d.out == a + b + c);
  }
}

TEST_CASE("every output piece fits the reader's buffer") {
  const std::string text = log_text(200000, 6);
  const decoded d = decode(gzip(text), {100000}, 4096);
  CHECK(d.out == text);
  CHECK(d.largest_piece <= 4096);
  CHECK(d.largest_piece > 0);
}

TEST_CASE("input cut anywhere: truncated inside a member, the output before it delivered") {
  const std::string a = log_text(20000, 7), b = log_text(20000, 8);
  const std::string ga = gzip(a), gb = gzip(b);
  const std::string gz = ga + gb;
  for (std::size_t cut = 0; cut < gz.size(); cut += (cut < 40 || gz.size() - cut < 40) ? 1 : 97) {
    INFO("cut at " << cut);
    const std::string_view part(gz.data(), cut);
    const decoded whole = decode(part, {0});
    const std::string full = a + b;
    if (cut != 1) CHECK(full.compare(0, whole.out.size(), whole.out) == 0);  // a prefix of the truth
    if (cut == 1) {
      CHECK(whole.end);  // one byte 1f alone is not gzip
      CHECK(whole.out == "\x1f");
      continue;
    }
    if (cut == 0 || cut == ga.size()) {
      CHECK(whole.end);
      CHECK(whole.out == (cut == 0 ? "" : a));
    } else {
      CHECK(whole.end.ec == sandlog::error::gzip_truncated);
      CHECK(whole.end.member == (cut < ga.size() ? 0 : ga.size()));
      CHECK(whole.end.offset == cut);
      if (cut > ga.size()) CHECK(whole.out.size() >= a.size());
    }
    for (const auto& sizes : {std::vector<std::size_t>{1}, std::vector<std::size_t>{5, 300}}) {
      const decoded d = decode(part, sizes);
      // Another prefix, within one deflate symbol of the first (the header
      // comment says why), and the same error.
      CHECK(full.compare(0, d.out.size(), d.out) == 0);
      CHECK(d.out.size() + 258 >= whole.out.size());
      CHECK(whole.out.size() + 258 >= d.out.size());
      CHECK(same_result(d.end, whole.end));
    }
  }
}

TEST_CASE("a corrupt member: an error naming it, after the output decoded before it") {
  const std::string a = log_text(30000, 9), b = log_text(30000, 10);
  const std::string ga = gzip(a), gb = gzip(b);
  std::mt19937 rng(11);
  int corrupt = 0, checksum = 0;
  for (int round = 0; round < 300; ++round) {
    std::string gz = ga + gb;
    // Somewhere in the second member's deflate data or trailer.
    const std::size_t at = ga.size() + 10 + rng() % (gb.size() - 10);
    gz[at] = static_cast<char>(gz[at] ^ static_cast<char>(1u << (rng() % 8)));
    const decoded whole = decode(gz, {0});
    INFO("flip at " << at);
    // Everything of the first member, then a prefix of what the second held
    // (a flipped bit can still decode, into wrong bytes, until it is caught).
    REQUIRE(whole.out.size() >= a.size());
    CHECK(whole.out.compare(0, a.size(), a) == 0);
    sandlog::gzip_result r = whole.feed ? whole.end : whole.feed;
    if (r.ec == sandlog::error::ok) {
      // A flip the format cannot see (none in deflate data of this size is
      // expected to pass the CRC); count it so the test says if it happens.
      FAIL("corruption at " << at << " went unnoticed");
    }
    CHECK((r.ec == sandlog::error::gzip_corrupt || r.ec == sandlog::error::gzip_checksum ||
           r.ec == sandlog::error::gzip_truncated));
    CHECK(r.member == ga.size());
    CHECK(r.offset >= r.member);
    CHECK(r.offset <= gz.size());
    corrupt += r.ec == sandlog::error::gzip_corrupt;
    checksum += r.ec == sandlog::error::gzip_checksum;
    for (const auto& sizes : {std::vector<std::size_t>{1}, std::vector<std::size_t>{3, 1000}}) {
      const decoded d = decode(gz, sizes);
      const sandlog::gzip_result dr = d.feed ? d.end : d.feed;
      // The same member at fault; the output and where the decoder stopped
      // within one symbol of each other.
      CHECK(dr.member == r.member);
      const std::size_t common = std::min(d.out.size(), whole.out.size());
      CHECK(d.out.compare(0, common, whole.out, 0, common) == 0);
      CHECK(d.out.size() + 258 >= whole.out.size());
      CHECK(whole.out.size() + 258 >= d.out.size());
    }
  }
  CHECK(corrupt > 0);
  CHECK(checksum > 0);
}

TEST_CASE("a wrong CRC-32 or length in the trailer: all the data, then gzip_checksum") {
  const std::string text = log_text(10000, 12);
  for (std::size_t back : {std::size_t{8}, std::size_t{5}, std::size_t{4}, std::size_t{1}}) {
    std::string gz = gzip(text);
    gz[gz.size() - back] = static_cast<char>(gz[gz.size() - back] ^ 0x10);
    INFO("byte " << back << " from the end");
    for (const auto& sizes : chunkings()) {
      const decoded d = decode(gz, sizes);
      CHECK(d.out == text);
      const sandlog::gzip_result r = d.feed ? d.end : d.feed;
      CHECK(r.ec == sandlog::error::gzip_checksum);
      CHECK(r.member == 0);
    }
  }
}

TEST_CASE("a bad header: gzip_corrupt at the member") {
  std::string gz = gzip("hello\n");
  gz[2] = 9;  // compression method other than deflate
  const decoded d = decode(gz, {0});
  CHECK(d.out.empty());
  CHECK(d.feed.ec == sandlog::error::gzip_corrupt);
  CHECK(d.feed.member == 0);
}

TEST_CASE("bytes after a member that start no other: trailing_bytes at their offset") {
  const std::string text = log_text(5000, 13);
  const std::string ga = gzip(text);
  for (const std::string& tail : {std::string("garbage"), std::string(4, '\0'), std::string("\x1f"),
                                  std::string("\x1f\x8c"), std::string("\n")}) {
    for (const auto& sizes : chunkings()) {
      const decoded d = decode(ga + tail, sizes);
      CHECK(d.out == text);
      const sandlog::gzip_result r = d.feed ? d.end : d.feed;
      if (tail == "\x1f") {
        CHECK(r.ec == sandlog::error::gzip_truncated);  // a member cut after one byte
      } else {
        CHECK(r.ec == sandlog::error::trailing_bytes);
      }
      CHECK(r.member == ga.size());
    }
  }
}

TEST_CASE("a failed reader stays failed until reset, then reads another file") {
  sandlog::gzip_reader r;
  std::string out;
  auto sink = [&](std::string_view s) { out.append(s.data(), s.size()); };
  std::string bad = gzip("one\n");
  bad[bad.size() - 8] = static_cast<char>(bad[bad.size() - 8] ^ 1);
  CHECK_FALSE(r.feed(bad, sink));
  CHECK(r.feed(gzip("two\n"), sink).ec == sandlog::error::gzip_checksum);
  CHECK(r.finish(sink).ec == sandlog::error::gzip_checksum);
  r.reset();
  out.clear();
  CHECK(r.feed(gzip("three\n"), sink));
  CHECK(r.finish(sink));
  CHECK(out == "three\n");
  CHECK(r.members() == 1);
}

TEST_CASE("feeding allocates nothing") {
  const std::string text = log_text(500000, 14);
  const std::string gz = gzip(text) + gzip(text);
  sandlog::gzip_reader r;
  std::size_t bytes = 0;
  auto sink = [&](std::string_view s) { bytes += s.size(); };
  const std::size_t before = sandlog_test::allocations();
  for (std::size_t at = 0; at < gz.size(); at += 10000)
    REQUIRE(r.feed(std::string_view(gz).substr(at, 10000), sink));
  REQUIRE(r.finish(sink));
  CHECK(sandlog_test::allocations() == before);
  CHECK(bytes == 2 * text.size());
}
