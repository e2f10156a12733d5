// Fuzzes gzip_reader.
//
// The first byte chooses the chunk sizes and whether the rest is used as it
// is or first compressed by zlib (one or two members), so that both broken
// and well-formed gzip reach the reader. Invariants: no crash and no read
// past a chunk; whenever ISA-L decoding the whole input in one call per
// member succeeds, the reader succeeds with the same output under the chosen
// chunking; compressed payloads come back exactly; a fault's offsets lie
// within the input, the member's before the fault's.
#include <isa-l/igzip_lib.h>
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.hpp"
#include "sandlog/gzip.hpp"

namespace {

std::string deflate_gzip(std::string_view text) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK) std::abort();
  std::string out(deflateBound(&z, static_cast<uLong>(text.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) std::abort();
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// The reference: plain input as it is; gzip decoded by ISA-L from one buffer
// per member (header included, so none of the reader's own parsing is used).
bool one_shot(std::string_view in, std::string& out) {
  if (in.size() < 2 || static_cast<unsigned char>(in[0]) != 0x1f ||
      static_cast<unsigned char>(in[1]) != 0x8b) {
    out.assign(in.data(), in.size());
    return true;
  }
  static inflate_state st;
  std::vector<std::uint8_t> buf(1u << 16);
  while (!in.empty()) {
    if (in.size() < 2 || static_cast<unsigned char>(in[0]) != 0x1f ||
        static_cast<unsigned char>(in[1]) != 0x8b)
      return false;  // stray bytes after a member
    isal_inflate_init(&st);
    st.crc_flag = ISAL_GZIP;
    st.next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(in.data()));
    st.avail_in = static_cast<std::uint32_t>(in.size());
    for (;;) {
      st.next_out = buf.data();
      st.avail_out = static_cast<std::uint32_t>(buf.size());
      const int rc = isal_inflate(&st);
      out.append(reinterpret_cast<const char*>(buf.data()), buf.size() - st.avail_out);
      if (rc != ISAL_DECOMP_OK) return false;
      if (st.block_state == ISAL_BLOCK_FINISH) break;
      if (st.avail_out != 0) return false;  // all input given and the member not done
      if (out.size() > (64u << 20)) return false;
    }
    in.remove_prefix(in.size() - st.avail_in);
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sandlog_fuzz::input in(data, size);
  const std::uint8_t choice = in.byte();
  std::vector<std::uint8_t> sizes;
  for (int i = 0; i < (choice & 3) + 1; ++i) sizes.push_back(in.byte());
  std::string payload(in.rest());
  std::string expected;
  const bool compress = (choice & 0x30) != 0;
  if (compress) {
    expected = payload;
    payload = deflate_gzip(payload);
    if ((choice & 0x30) == 0x30) {  // two members
      payload += deflate_gzip(expected);
      expected += expected;
    }
  }

  sandlog::gzip_reader reader((choice & 0x40) != 0 ? 4096 : sandlog::gzip_reader::default_buffer);
  std::string out;
  auto sink = [&](std::string_view s) { out.append(s.data(), s.size()); };
  sandlog::gzip_result r{};
  for (const auto& chunk : sandlog_fuzz::chunk(payload, sizes)) {
    r = reader.feed(chunk.view(), sink);
    if (!r) break;
  }
  if (r) r = reader.finish(sink);

  if (compress) {
    SANDLOG_FUZZ_ASSERT(r);
    SANDLOG_FUZZ_ASSERT(out == expected);
  }
  std::string ref;
  if (one_shot(payload, ref)) {
    SANDLOG_FUZZ_ASSERT(r);
    SANDLOG_FUZZ_ASSERT(out == ref);
  }
  if (!r) {
    SANDLOG_FUZZ_ASSERT(r.member <= r.offset);
    SANDLOG_FUZZ_ASSERT(r.offset <= payload.size());
    // A failed reader keeps its verdict.
    const sandlog::gzip_result again = reader.finish(sink);
    SANDLOG_FUZZ_ASSERT(again.ec == r.ec && again.offset == r.offset);
  }
  return 0;
}
