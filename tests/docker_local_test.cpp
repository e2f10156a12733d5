// Docker's local log driver: the record decoder and the fragment joiner.
#include <sandlog/docker_local.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
#include "support/counting_allocator.hpp"
#include "support/docker_formats.hpp"

using sandlog::error;
using sandlog::local_decoder;
using sandlog::local_entry;
using sandlog::stream_kind;
using sandlog_test::entry_spec;
using sandlog_test::local_record;
using sandlog_test::ref_entry;

namespace {

struct decoded {
  std::vector<ref_entry> entries;
  error ec = error::ok;
  std::uint64_t offset = 0;
};

// Feeds `input` cut at the given sizes (cycled; empty: one chunk), each chunk
// in its own exact-size heap block so ASan sees reads past a view.
decoded decode(std::string_view input, const std::vector<std::size_t>& sizes,
               sandlog::local_options opts = {}) {
  decoded d;
  local_decoder dec(opts);
  std::size_t i = 0;
  while (!input.empty() && d.ec == error::ok) {
    std::size_t n = sizes.empty() ? input.size() : sizes[i++ % sizes.size()];
    if (n > input.size()) n = input.size();
    std::vector<char> block(input.begin(), input.begin() + static_cast<std::ptrdiff_t>(n));
    d.ec = dec.feed(std::string_view(block.data(), n),
                    [&](const local_entry& e) { d.entries.push_back(sandlog_test::to_ref(e)); });
    input.remove_prefix(n);
  }
  if (d.ec == error::ok) d.ec = dec.finish();
  d.offset = dec.error_offset();
  return d;
}

std::vector<std::vector<std::size_t>> chunkings(std::uint32_t seed) {
  std::vector<std::vector<std::size_t>> out = {{}, {1}, {2}, {3}, {7}, {4096}};
  std::mt19937 rng(seed);
  for (int k = 0; k < 6; ++k) {
    std::vector<std::size_t> sizes;
    for (int j = 0; j < 16; ++j) sizes.push_back(1 + rng() % 40);
    out.push_back(sizes);
  }
  return out;
}

// Every chunking gives what the slow reference reads from the whole input.
decoded check_all_chunkings(std::string_view input, sandlog::local_options opts = {}) {
  const sandlog_test::ref_local_result ref = sandlog_test::reference_local(input, opts.max_record);
  decoded first;
  bool have = false;
  for (const auto& sizes : chunkings(static_cast<std::uint32_t>(input.size()))) {
    const decoded d = decode(input, sizes, opts);
    INFO("chunk sizes: " << sizes.size());
    CHECK(d.entries == ref.entries);
    CHECK(d.ec == ref.ec);
    if (d.ec != error::ok) CHECK(d.offset == ref.offset);
    if (!have) {
      first = d;
      have = true;
    }
  }
  return first;
}

std::string hex(std::string_view h) {
  std::string out;
  for (std::size_t i = 0; i + 1 < h.size(); i += 3)
    out += static_cast<char>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16));
  return out;
}

// A container.log written by dockerd 20.10.24 for
//   echo out; echo err >&2; printf 'a\r\nb\0c\xff\n'; printf nonl
const std::string dockerd_file = hex(
    "00 00 00 17 0a 06 73 74 64 6f 75 74 10 dd d6 81 a0 c8 ae cf f6 18 1a 03 6f 75 74 00 00 00 17 "
    "00 00 00 16 0a 06 73 74 64 6f 75 74 10 e5 81 85 a0 c8 ae cf f6 18 1a 02 61 0d 00 00 00 16 "
    "00 00 00 18 0a 06 73 74 64 6f 75 74 10 b6 9d 85 a0 c8 ae cf f6 18 1a 04 62 00 63 ff 00 00 00 18 "
    "00 00 00 17 0a 06 73 74 64 65 72 72 10 e4 a5 89 a0 c8 ae cf f6 18 1a 03 65 72 72 00 00 00 17 "
    "00 00 00 60 0a 06 73 74 64 6f 75 74 10 f3 a3 f7 c2 c8 ae cf f6 18 1a 04 6e 6f 6e 6c 20 01 2a 44 "
    "12 40 39 62 63 39 35 37 31 37 61 66 31 63 66 38 33 65 33 38 32 65 61 39 61 64 38 34 65 32 62 66 "
    "64 30 65 39 33 39 33 33 64 62 30 61 66 37 35 37 39 63 31 62 35 39 35 30 63 66 65 64 63 32 37 63 "
    "63 62 18 01 00 00 00 60 ");

// The records of a local file, each as its bytes.
std::vector<std::string> records_of(std::string_view all) {
  std::vector<std::string> out;
  while (all.size() >= 8) {
    std::size_t n = 0;
    for (std::size_t k = 0; k < 4; ++k) n = n * 256 + static_cast<unsigned char>(all[k]);
    out.emplace_back(all.substr(0, n + 8));
    all.remove_prefix(n + 8);
  }
  return out;
}

std::string varint_bytes(std::uint64_t v) {
  std::string s;
  sandlog_test::put_varint(s, v);
  return s;
}

}  // namespace

TEST_CASE("local: a file written by dockerd decodes to its lines, raw bytes kept") {
  const decoded d = check_all_chunkings(dockerd_file);
  REQUIRE(d.ec == error::ok);
  REQUIRE(d.entries.size() == 5);
  CHECK(d.entries[0].line == "out");
  CHECK(d.entries[0].stream == stream_kind::out);
  CHECK_FALSE(d.entries[0].partial);
  CHECK(d.entries[1].line == "a\r");
  CHECK(d.entries[2].line == std::string("b\0c\xff", 4));
  CHECK(d.entries[3].line == "err");
  CHECK(d.entries[3].stream == stream_kind::err);
  CHECK(d.entries[4].line == "nonl");
  CHECK(d.entries[4].partial);
  CHECK(d.entries[4].has_metadata);
  CHECK_FALSE(d.entries[4].last);  // a last line without '\n' is never `last`
  CHECK(d.entries[4].ordinal == 1);
  CHECK(d.entries[4].id.size() == 64);
  // 2026-12-01T21:09:57.030816605Z, the time the API body gave for "out"
  CHECK(d.entries[0].seconds == 1796159397);
  CHECK(d.entries[0].nanos == 30816605);
  CHECK(d.entries[4].offset == dockerd_file.size() - 0x60 - 8);
}

TEST_CASE("local: every field, negative and extreme times, unknown streams") {
  std::string in;
  entry_spec e;
  e.source = "stderr";
  e.time_nano = -1;  // 1969-12-31T23:59:59.999999999Z
  e.line = std::string("x\0y\n\xc3", 5);
  in += local_record(e);
  e.source = "weird";
  e.time_nano = INT64_MAX;
  e.line = "";
  in += local_record(e);
  e.source = "";
  e.time_nano = INT64_MIN;
  e.partial = true;
  e.has_metadata = true;
  e.last = true;
  e.id = "abc";
  e.ordinal = -7;  // sign-extended to ten bytes on the wire
  in += local_record(e);
  in += local_record("");  // an empty LogEntry: every field at its default
  const decoded d = check_all_chunkings(in);
  REQUIRE(d.ec == error::ok);
  REQUIRE(d.entries.size() == 4);
  CHECK(d.entries[0].stream == stream_kind::err);
  CHECK(d.entries[0].seconds == -1);
  CHECK(d.entries[0].nanos == 999999999);
  CHECK(d.entries[0].line == std::string("x\0y\n\xc3", 5));
  CHECK(d.entries[1].stream == stream_kind::unknown);
  CHECK(d.entries[1].source == "weird");
  CHECK(d.entries[1].seconds == INT64_MAX / 1000000000);
  CHECK(d.entries[2].ordinal == -7);
  CHECK(d.entries[2].last);
  CHECK(d.entries[2].id == "abc");
  CHECK(d.entries[2].seconds < 0);
  CHECK(d.entries[3].line.empty());
  CHECK_FALSE(d.entries[3].partial);
  CHECK(d.entries[3].offset == in.size() - 8);
}

TEST_CASE("local: unknown fields of every wire type are skipped, attrs included") {
  std::string m;
  sandlog_test::put_bytes(m, 6, "\x0a\x01k\x12\x01v");  // attrs {key, value} (newer Docker)
  sandlog_test::put_tag(m, 7, 1);
  m += std::string(8, '\x01');
  sandlog_test::put_tag(m, 8, 5);
  m += std::string(4, '\x02');
  sandlog_test::put_tag(m, 536870911, 0);  // the largest field number
  m += varint_bytes(UINT64_MAX);
  sandlog_test::put_bytes(m, 3, "kept");
  std::string md;
  sandlog_test::put_tag(md, 9, 0);
  md += varint_bytes(5);
  sandlog_test::put_bytes(md, 2, "id");
  sandlog_test::put_bytes(m, 5, md);
  const decoded d = check_all_chunkings(local_record(m));
  REQUIRE(d.ec == error::ok);
  REQUIRE(d.entries.size() == 1);
  CHECK(d.entries[0].line == "kept");
  CHECK(d.entries[0].id == "id");
}

TEST_CASE("local: a repeated field keeps its last value; repeated metadata is merged") {
  std::string m;
  sandlog_test::put_bytes(m, 3, "first");
  sandlog_test::put_bytes(m, 1, "stdout");
  sandlog_test::put_bytes(m, 3, "second");
  sandlog_test::put_bytes(m, 1, "stderr");
  std::string md1, md2;
  sandlog_test::put_bytes(md1, 2, "the-id");
  sandlog_test::put_tag(md2, 3, 0);
  md2 += varint_bytes(4);
  sandlog_test::put_bytes(m, 5, md1);
  sandlog_test::put_bytes(m, 5, md2);
  const decoded d = check_all_chunkings(local_record(m));
  REQUIRE(d.entries.size() == 1);
  CHECK(d.entries[0].line == "second");
  CHECK(d.entries[0].stream == stream_kind::err);
  CHECK(d.entries[0].id == "the-id");
  CHECK(d.entries[0].ordinal == 4);
}

TEST_CASE("local: each malformed record is an error at its offset, after the records before it") {
  entry_spec good;
  good.line = "before";
  const std::string prefix = local_record(good) + local_record(good);
  const std::uint64_t at = prefix.size();

  struct bad_case {
    const char* name;
    std::string bytes;
    error ec;
    std::uint64_t offset;  // from the start of the bad record
  };
  std::string mismatch = local_record(good);
  mismatch[mismatch.size() - 1] ^= 1;
  std::string tag_zero;
  sandlog_test::put_tag(tag_zero, 0, 0);
  tag_zero += '\0';
  std::string long_varint = "\x10" + std::string(10, '\x80') + "\x01";
  std::string tenth_byte = "\x10" + std::string(9, '\xff') + "\x02";
  std::string cut_varint = "\x10\x80";
  std::string wrong_line;  // line (3) as a varint
  sandlog_test::put_tag(wrong_line, 3, 0);
  wrong_line += '\x01';
  std::string wrong_time;  // time_nano (2) as bytes
  sandlog_test::put_bytes(wrong_time, 1, "stdout");
  sandlog_test::put_bytes(wrong_time, 2, "12");
  std::string group = "\x0b";  // field 1, wire type 3
  std::string wire7 = "\x0f";
  std::string past_end;
  sandlog_test::put_tag(past_end, 3, 2);
  past_end += '\x05';
  past_end += "abc";
  std::string fixed_cut = "\x39\x01\x02";  // field 7, fixed64, 2 of 8 bytes
  std::string meta_wrong;                   // metadata id (2) as a varint
  sandlog_test::put_bytes(meta_wrong, 3, "ok");
  meta_wrong += "\x2a\x04\x08\x01\x10\x01";
  std::string meta_cut = "\x2a\x02\x12\x05";  // id of 5 bytes in a 2-byte metadata

  const std::vector<bad_case> cases = {
      {"size trailer differs", mismatch, error::record_size_mismatch, 4 + mismatch.size() - 8},
      {"too large", std::string("\x00\x10\x00\x01", 4) + std::string(16, 'x'), error::record_too_large, 0},
      {"field number 0", local_record(tag_zero), error::bad_wire_type, 4},
      {"varint of 11 bytes", local_record(long_varint), error::bad_varint, 4},
      {"tenth varint byte above 1", local_record(tenth_byte), error::bad_varint, 4},
      {"varint cut by the message end", local_record(cut_varint), error::bad_varint, 4},
      {"line as a varint", local_record(wrong_line), error::bad_wire_type, 4},
      {"time as bytes", local_record(wrong_time), error::bad_wire_type, 4 + 8},
      {"group wire type", local_record(group), error::bad_wire_type, 4},
      {"wire type 7", local_record(wire7), error::bad_wire_type, 4},
      {"bytes past the message", local_record(past_end), error::truncated_field, 4},
      {"fixed64 cut", local_record(fixed_cut), error::truncated_field, 4},
      {"metadata field of the wrong type", local_record(meta_wrong), error::bad_wire_type, 4 + 4 + 2 + 2},
      {"metadata field past its end", local_record(meta_cut), error::truncated_field, 4 + 2},
      {"stream ends inside the size", std::string("\x00\x00", 2), error::truncated_record, 0},
      {"stream ends inside the body", local_record(good).substr(0, 9), error::truncated_record, 0},
      {"stream ends inside the trailer", local_record(good).substr(0, local_record(good).size() - 1),
       error::truncated_record, 0},
  };
  sandlog::local_options opts;
  opts.max_record = 4096;
  for (const bad_case& c : cases) {
    INFO(c.name);
    const std::string in =
        prefix + c.bytes + (c.ec == error::truncated_record ? std::string() : local_record(good));
    const decoded d = check_all_chunkings(in, opts);
    CHECK(d.ec == c.ec);
    CHECK(d.offset == at + c.offset);
    CHECK(d.entries.size() == 2);
  }
}

TEST_CASE("local: errors are sticky until reset") {
  local_decoder dec;
  int seen = 0;
  auto sink = [&](const local_entry&) { ++seen; };
  CHECK(dec.feed(std::string("\x00\x00\x00\x01\x00\x00\x00\x00\x02", 9), sink) ==
        error::record_size_mismatch);
  entry_spec e;
  e.line = "x";
  CHECK(dec.feed(local_record(e), sink) == error::record_size_mismatch);
  CHECK(dec.finish() == error::record_size_mismatch);
  CHECK(seen == 0);
  dec.reset();
  CHECK(dec.feed(local_record(e), sink) == error::ok);
  CHECK(dec.finish() == error::ok);
  CHECK(seen == 1);
  CHECK(dec.records() == 1);
}

TEST_CASE("local: a sink that returns an error stops the decoder after that record") {
  entry_spec e;
  e.line = "x";
  const std::string in = local_record(e) + local_record(e) + local_record(e);
  local_decoder dec;
  int seen = 0;
  const error ec = dec.feed(in, [&](const local_entry&) {
    return ++seen == 2 ? error::line_too_long : error::ok;
  });
  CHECK(ec == error::line_too_long);
  CHECK(seen == 2);
  CHECK(dec.error_offset() == 2 * local_record(e).size());
}

TEST_CASE("local: whole records are views into the chunk; cut ones are gathered once") {
  entry_spec e;
  e.line = "in place";
  const std::string in = local_record(e);
  local_decoder dec;
  bool inside = false;
  dec.feed(in, [&](const local_entry& x) {
    inside = x.record.message.data() >= in.data() && x.record.message.data() < in.data() + in.size();
  });
  CHECK(inside);
  CHECK(dec.buffered() == 0);
  CHECK(dec.feed(std::string_view(in).substr(0, 5), [](const local_entry&) {}) == error::ok);
  CHECK(dec.buffered() == 5);
  CHECK(dec.consumed() == in.size() + 5);
}

TEST_CASE("local: steady state allocates nothing") {
  std::string in;
  for (int i = 0; i < 100; ++i)
    in += sandlog_test::local_line("stdout", i, std::string(100 + static_cast<std::size_t>(i), 'x'),
                                   "id" + std::to_string(i), 64);
  local_decoder dec;
  sandlog::local_joiner join;
  std::size_t bytes = 0;
  auto on_msg = [&](const sandlog::joined_record& j) { bytes += j.record.message.size(); };
  auto on_entry = [&](const local_entry& e) { join.add(e, on_msg); };
  for (std::size_t k = 0; k < in.size(); k += 13) dec.feed(std::string_view(in).substr(k, 13), on_entry);
  const std::size_t before = sandlog_test::allocations();
  for (std::size_t k = 0; k < in.size(); k += 13) dec.feed(std::string_view(in).substr(k, 13), on_entry);
  CHECK(sandlog_test::allocations() == before);
  CHECK(bytes > 2 * 100 * 100);
}

// ---- the joiner ----

namespace {

std::vector<sandlog_test::ref_message> join(std::string_view in, sandlog::joiner_options jo,
                                            const std::vector<std::size_t>& sizes,
                                            sandlog::local_join_stats* stats = nullptr) {
  std::vector<sandlog_test::ref_message> out;
  local_decoder dec;
  sandlog::local_joiner j(jo);
  auto on_msg = [&](const sandlog::joined_record& r) { out.push_back(sandlog_test::to_ref(r)); };
  auto on_entry = [&](const local_entry& e) { REQUIRE(j.add(e, on_msg) == error::ok); };
  std::size_t i = 0;
  while (!in.empty()) {
    std::size_t n = sizes.empty() ? in.size() : sizes[i++ % sizes.size()];
    if (n > in.size()) n = in.size();
    REQUIRE(dec.feed(in.substr(0, n), on_entry) == error::ok);
    in.remove_prefix(n);
  }
  REQUIRE(dec.finish() == error::ok);
  j.finish(on_msg);
  if (stats) *stats = j.stats();
  return out;
}

std::vector<sandlog_test::ref_message> check_join(std::string_view in, std::size_t max = 1 << 20,
                                                  sandlog::local_join_stats* stats = nullptr) {
  const auto ref = sandlog_test::reference_local(in, 1 << 20);
  REQUIRE(ref.ec == error::ok);
  const auto want = sandlog_test::reference_local_join(ref.entries, max);
  std::vector<sandlog_test::ref_message> first;
  for (const auto& sizes : chunkings(static_cast<std::uint32_t>(in.size()))) {
    const auto got = join(in, {max, sandlog::overflow::split}, sizes, stats);
    CHECK(got == want);
    first = got;
  }
  return first;
}

}  // namespace

TEST_CASE("join: fragments of a long line become one message with the first fragment's time") {
  const std::string big(40000, 'a');
  const std::string in = sandlog_test::local_line("stdout", 5, big, "A") +
                         sandlog_test::local_line("stdout", 9, "next", "B");
  const auto got = check_join(in);
  REQUIRE(got.size() == 2);
  CHECK(got[0].text == big);
  CHECK(got[0].flags == 0);
  CHECK(got[0].nanos == 5);
  CHECK(got[1].text == "next");
}

TEST_CASE("join: stdout and stderr fragments interleave") {
  // Docker's copier cuts each stream on its own; their fragments interleave.
  std::string out_frags = sandlog_test::local_line("stdout", 1, std::string(50, 'o'), "O", 20);
  std::string err_frags = sandlog_test::local_line("stderr", 2, std::string(30, 'e'), "E", 20);
  const auto o = records_of(out_frags);
  const auto e = records_of(err_frags);
  REQUIRE(o.size() == 3);
  REQUIRE(e.size() == 2);
  const std::string in = o[0] + e[0] + o[1] + e[1] + o[2];
  const auto got = check_join(in);
  REQUIRE(got.size() == 2);
  CHECK(got[0].stream == stream_kind::err);
  CHECK(got[0].text == std::string(30, 'e'));
  CHECK(got[1].text == std::string(50, 'o'));
}

TEST_CASE("join: a last line without newline ends the stream unterminated") {
  const std::string in = sandlog_test::local_line("stdout", 1, "whole", "A") +
                         sandlog_test::local_line("stdout", 2, "tail", "B", 16384, false);
  const auto got = check_join(in);
  REQUIRE(got.size() == 2);
  CHECK(got[1].text == "tail");
  CHECK(got[1].flags == sandlog::line::unterminated);
}

TEST_CASE("join: another id, a skipped ordinal or a whole entry ends the open message early") {
  const auto a = records_of(sandlog_test::local_line("stdout", 1, std::string(30, 'a'), "A", 10));
  REQUIRE(a.size() == 3);
  // a1 a2, then a new message
  const std::string a12 = a[0] + a[1];
  sandlog::local_join_stats stats;
  auto got = check_join(a12 + sandlog_test::local_line("stdout", 2, std::string(20, 'b'), "B", 10),
                        1 << 20, &stats);
  REQUIRE(got.size() == 2);
  CHECK(got[0].text == std::string(20, 'a'));
  CHECK(got[0].flags == sandlog::line::unterminated);
  CHECK(got[1].text == std::string(20, 'b'));
  CHECK(stats.broken == 1);

  // a1 then a3: the ordinal skips
  const std::string& a1 = a[0];
  const std::string& a3 = a[2];
  got = check_join(a1 + a3, 1 << 20, &stats);
  REQUIRE(got.size() == 2);
  CHECK(got[0].flags == sandlog::line::unterminated);
  CHECK(got[1].text == std::string(10, 'a'));
  CHECK(got[1].flags == 0);
  CHECK(stats.broken == 1);
  CHECK(stats.headless == 1);

  // a1 then a whole line on the same stream (as after a restart)
  got = check_join(a1 + sandlog_test::local_line("stdout", 3, "whole", "W"), 1 << 20, &stats);
  REQUIRE(got.size() == 2);
  CHECK(got[0].text == std::string(10, 'a'));
  CHECK(got[0].flags == sandlog::line::unterminated);
  CHECK(got[1].text == "whole");
  CHECK(stats.broken == 1);
}

TEST_CASE("join: partial entries without metadata join until a whole one") {
  entry_spec p;
  p.partial = true;
  p.line = "ab";
  entry_spec w;
  w.line = "cd";
  const auto got = check_join(local_record(p) + local_record(p) + local_record(w));
  REQUIRE(got.size() == 1);
  CHECK(got[0].text == "ababcd");
}

TEST_CASE("join: messages longer than max_message are split, under every chunking") {
  const std::string in = sandlog_test::local_line("stdout", 1, std::string(100, 'x'), "X", 16) +
                         sandlog_test::local_line("stderr", 1, std::string(33, 'y'), "Y", 16, false);
  for (std::size_t max : {std::size_t{1}, std::size_t{7}, std::size_t{16}, std::size_t{32}, std::size_t{100}, std::size_t{1000}}) {
    INFO("max " << max);
    check_join(in, max);
  }
}

TEST_CASE("join: whole entries pass through as views into the input") {
  entry_spec e;
  e.line = "view";
  const std::string in = local_record(e);
  local_decoder dec;
  sandlog::local_joiner j;
  bool inside = false;
  dec.feed(in, [&](const local_entry& x) {
    j.add(x, [&](const sandlog::joined_record& r) {
      inside = r.record.message.data() >= in.data() && r.record.message.data() < in.data() + in.size();
    });
  });
  CHECK(inside);
  CHECK(j.buffered() == 0);
}

TEST_CASE("join: overflow::fail is sticky until reset") {
  const std::string in = sandlog_test::local_line("stdout", 1, std::string(40, 'x'), "X", 16);
  local_decoder dec;
  sandlog::local_joiner j({8, sandlog::overflow::fail});
  error last = error::ok;
  dec.feed(in, [&](const local_entry& e) { last = j.add(e, [](const sandlog::joined_record&) {}); });
  CHECK(last == error::line_too_long);
  CHECK(j.finish([](const sandlog::joined_record&) {}) == error::line_too_long);
  j.reset();
  CHECK(j.finish([](const sandlog::joined_record&) {}) == error::ok);
}

// ---- local_stream: the files of a set, pushed in chunks ----

namespace {

struct streamed {
  std::vector<sandlog_test::ref_message> messages;
  std::vector<error> file_errors;
  std::vector<std::uint64_t> file_offsets;
};

// Feeds each file through one local_stream, the file cut at `cuts` (offsets
// within it, ascending), each chunk in its own exact-size block.
streamed stream_files(const std::vector<std::string>& files,
                      const std::vector<std::vector<std::size_t>>& cuts, bool join = true,
                      sandlog::joiner_options jo = {}) {
  streamed s;
  sandlog::local_stream ls({}, jo, join);
  auto on_msg = [&](const sandlog::joined_record& r) {
    s.messages.push_back(sandlog_test::to_ref(r));
  };
  for (std::size_t f = 0; f < files.size(); ++f) {
    std::size_t at = 0;
    std::vector<std::size_t> ends = f < cuts.size() ? cuts[f] : std::vector<std::size_t>{};
    ends.push_back(files[f].size());
    for (std::size_t end : ends) {
      std::vector<char> block(files[f].begin() + static_cast<std::ptrdiff_t>(at),
                              files[f].begin() + static_cast<std::ptrdiff_t>(end));
      (void)ls.feed(std::string_view(block.data(), block.size()), on_msg);
      at = end;
    }
    s.file_errors.push_back(ls.end_file());
    s.file_offsets.push_back(ls.file_error_offset());
  }
  REQUIRE(ls.finish(on_msg) == error::ok);
  return s;
}

// A small set: whole lines of both streams, a stdout line in three
// fragments and a stderr one in two, the last line without '\n'.
std::string small_set_input() {
  return sandlog_test::local_line("stdout", 10, "first", "A") +
         sandlog_test::local_line("stdout", 11, std::string(25, 'o'), "B", 10) +
         sandlog_test::local_line("stderr", 12, std::string(15, 'e'), "C", 10) +
         sandlog_test::local_line("stderr", 13, "whole err", "D") +
         sandlog_test::local_line("stdout", 14, "tail", "E", 16384, false);
}

}  // namespace

TEST_CASE("local_stream: the same messages at every cut point of a small input") {
  const std::string in = small_set_input();
  const auto ref = sandlog_test::reference_local(in, 1 << 20);
  REQUIRE(ref.ec == error::ok);
  const auto want = sandlog_test::reference_local_join(ref.entries, 1 << 20);
  REQUIRE(want.size() == 5);
  CHECK(want[1].text == std::string(25, 'o'));
  for (std::size_t cut = 0; cut <= in.size(); ++cut) {
    INFO("cut at " << cut);
    const streamed one = stream_files({in}, {{cut}});
    CHECK(one.messages == want);
    CHECK(one.file_errors == std::vector<error>{error::ok});
    // and every pair of cut points
    for (std::size_t cut2 = cut; cut2 <= in.size(); cut2 += 7) {
      const streamed two = stream_files({in}, {{cut, cut2}});
      CHECK(two.messages == want);
    }
  }
}

TEST_CASE("local_stream: random chunkings give what one chunk gives") {
  const std::string big(70000, 'x');
  const std::string in = small_set_input() + sandlog_test::local_line("stdout", 20, big, "F") +
                         sandlog_test::local_line("stderr", 21, "after", "G");
  const streamed whole = stream_files({in}, {});
  REQUIRE(whole.messages.size() == 7);
  CHECK(whole.messages[5].text == big);
  std::mt19937 rng(17);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::size_t> cuts;
    std::size_t at = 0;
    const std::size_t step = round % 2 == 0 ? 64 : 8192;
    while ((at += 1 + rng() % step) < in.size()) cuts.push_back(at);
    const streamed got = stream_files({in}, {cuts});
    REQUIRE(got.messages == whole.messages);
  }
}

TEST_CASE("local_stream: a line whose fragments straddle a rotation comes out whole") {
  const std::string frags = sandlog_test::local_line("stdout", 5, std::string(30, 'l'), "L", 10);
  const auto f = records_of(frags);
  REQUIRE(f.size() == 3);
  const std::string older = sandlog_test::local_line("stdout", 1, "before", "A") + f[0] + f[1];
  const std::string newer = f[2] + sandlog_test::local_line("stderr", 6, "after", "B");
  const streamed whole = stream_files({older + newer}, {});
  for (std::size_t c1 = 0; c1 <= older.size(); c1 += 3)
    for (std::size_t c2 = 0; c2 <= newer.size(); c2 += 5) {
      INFO("cuts " << c1 << ", " << c2);
      const streamed two = stream_files({older, newer}, {{c1}, {c2}});
      REQUIRE(two.messages == whole.messages);
      REQUIRE(two.file_errors == std::vector<error>{error::ok, error::ok});
    }
  REQUIRE(whole.messages.size() == 3);
  CHECK(whole.messages[1].text == std::string(30, 'l'));
  CHECK(whole.messages[1].nanos == 5);
  CHECK(whole.messages[1].flags == 0);

  // Read as two sets (a joiner per file), the line is cut in two.
  sandlog::local_join_stats st;
  std::vector<sandlog_test::ref_message> apart;
  for (const std::string* file : {&older, &newer}) {
    sandlog::local_stream ls;
    auto on_msg = [&](const sandlog::joined_record& r) {
      apart.push_back(sandlog_test::to_ref(r));
    };
    REQUIRE(ls.feed(*file, on_msg) == error::ok);
    REQUIRE(ls.end_file() == error::ok);
    REQUIRE(ls.finish(on_msg) == error::ok);
    if (file == &newer) st = ls.joiner().stats();
  }
  REQUIRE(apart.size() == 4);
  CHECK(apart[1].flags == sandlog::line::unterminated);
  CHECK(apart[2].text == std::string(10, 'l'));
  CHECK(st.headless == 1);
}

TEST_CASE("local_stream: a file that ends inside a record is its error; the next file goes on") {
  const std::string frags = sandlog_test::local_line("stdout", 5, std::string(30, 'l'), "L", 10);
  const auto f = records_of(frags);
  const std::string cut_rec = sandlog_test::local_line("stderr", 3, "cut short", "X");
  const std::string older = f[0] + f[1] + cut_rec.substr(0, cut_rec.size() - 3);
  const std::string newer = f[2];
  const streamed s = stream_files({older, newer}, {{7}, {}});
  CHECK(s.file_errors == std::vector<error>{error::truncated_record, error::ok});
  CHECK(s.file_offsets[0] == f[0].size() + f[1].size());
  REQUIRE(s.messages.size() == 1);
  CHECK(s.messages[0].text == std::string(30, 'l'));
}

TEST_CASE("local_stream: without joining, each entry as written, fragments flagged continued") {
  const std::string frags = sandlog_test::local_line("stdout", 5, std::string(30, 'l'), "L", 10);
  const auto f = records_of(frags);
  const streamed s = stream_files({f[0] + f[1], f[2]}, {{4}, {9}}, false);
  REQUIRE(s.messages.size() == 3);
  CHECK(s.messages[0].flags == sandlog::line::continued);
  CHECK(s.messages[1].flags == sandlog::line::continued);
  CHECK(s.messages[2].flags == 0);
  CHECK(s.messages[2].text == std::string(10, 'l'));
}
