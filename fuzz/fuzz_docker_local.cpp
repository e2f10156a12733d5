// The local-driver decoder and joiner. Invariants: the same entries, error
// and error offset as the slow reference, whatever the chunking; the joined
// messages agree with the reference join; memory stays within the limits;
// local_stream, given the same records as two files cut at a record
// boundary (a rotation) and each file in chunks, joins the same messages.
#include <sandlog/docker_local.hpp>

#include "fuzz_util.hpp"
#include "support/docker_formats.hpp"

#include <string>
#include <vector>

namespace {

struct result {
  std::vector<sandlog_test::ref_entry> entries;
  std::vector<sandlog_test::ref_message> messages;
  sandlog::error ec = sandlog::error::ok;
  std::uint64_t offset = 0;
};

result run(const std::vector<sandlog_fuzz::exact_buffer>& chunks, const sandlog::local_options& lo,
           const sandlog::joiner_options& jo) {
  result r;
  sandlog::local_decoder dec(lo);
  sandlog::local_joiner join(jo);
  auto on_msg = [&](const sandlog::joined_record& m) {
    SANDLOG_FUZZ_ASSERT(m.record.message.size() <= jo.max_message);
    r.messages.push_back(sandlog_test::to_ref(m));
  };
  for (const auto& c : chunks) {
    r.ec = dec.feed(c.view(), [&](const sandlog::local_entry& e) {
      r.entries.push_back(sandlog_test::to_ref(e));
      join.add(e, on_msg);
    });
    SANDLOG_FUZZ_ASSERT(dec.buffered() <= lo.max_record + 8);
    SANDLOG_FUZZ_ASSERT(join.buffered() <= 3 * jo.max_message);
    if (r.ec != sandlog::error::ok) break;
  }
  if (r.ec == sandlog::error::ok) r.ec = dec.finish();
  r.offset = r.ec == sandlog::error::ok ? 0 : dec.error_offset();
  join.finish(on_msg);
  return r;
}

// The payload as two files, cut `at` bytes in (a record boundary), each
// fed in chunks through one local_stream.
std::vector<sandlog_test::ref_message> run_two_files(std::string_view payload, std::size_t at,
                                                     const std::vector<std::uint8_t>& sizes,
                                                     const sandlog::local_options& lo,
                                                     const sandlog::joiner_options& jo) {
  std::vector<sandlog_test::ref_message> out;
  sandlog::local_stream ls(lo, jo);
  auto on_msg = [&](const sandlog::joined_record& m) { out.push_back(sandlog_test::to_ref(m)); };
  for (std::string_view file : {payload.substr(0, at), payload.substr(at)}) {
    for (const auto& c : sandlog_fuzz::chunk(file, sizes))
      SANDLOG_FUZZ_ASSERT(ls.feed(c.view(), on_msg) == sandlog::error::ok);
    SANDLOG_FUZZ_ASSERT(ls.end_file() == sandlog::error::ok);
    SANDLOG_FUZZ_ASSERT(ls.decoder().buffered() == 0);
  }
  ls.finish(on_msg);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sandlog_fuzz::input in(data, size);
  const std::uint8_t opt = in.byte();
  std::vector<std::uint8_t> sizes;
  for (int i = 0; i < 4; ++i) sizes.push_back(in.byte());
  sandlog::local_options lo;
  lo.max_record = (opt & 1) ? 1u << 20 : 1 + in.byte();
  sandlog::joiner_options jo;
  jo.max_message = 1 + in.byte() % 64;
  jo.on_overflow = static_cast<sandlog::overflow>((opt >> 1) & 3);
  const std::string_view payload = in.rest();

  const result whole = run(sandlog_fuzz::chunk(payload, {}), lo, jo);
  const sandlog_test::ref_local_result ref = sandlog_test::reference_local(payload, lo.max_record);
  SANDLOG_FUZZ_ASSERT(whole.entries == ref.entries);
  SANDLOG_FUZZ_ASSERT(whole.ec == ref.ec);
  SANDLOG_FUZZ_ASSERT(whole.ec == sandlog::error::ok || whole.offset == ref.offset);
  if (jo.on_overflow == sandlog::overflow::split)
    SANDLOG_FUZZ_ASSERT(whole.messages ==
                        sandlog_test::reference_local_join(ref.entries, jo.max_message));

  const result cut = run(sandlog_fuzz::chunk(payload, sizes), lo, jo);
  SANDLOG_FUZZ_ASSERT(cut.entries == whole.entries && cut.messages == whole.messages &&
                      cut.ec == whole.ec && cut.offset == whole.offset);
  const result bytes = run(sandlog_fuzz::chunk(payload, {1}), lo, jo);
  SANDLOG_FUZZ_ASSERT(bytes.entries == whole.entries && bytes.messages == whole.messages &&
                      bytes.ec == whole.ec && bytes.offset == whole.offset);

  // A rotation between two records changes nothing: the joiner's state
  // crosses it (not under overflow::fail, where a long message stops all).
  if (whole.ec == sandlog::error::ok && !whole.entries.empty() &&
      jo.on_overflow != sandlog::overflow::fail) {
    const std::size_t k = sizes[0] % (whole.entries.size() + 1);
    const std::size_t at = k == whole.entries.size()
                               ? payload.size()
                               : static_cast<std::size_t>(whole.entries[k].offset);
    SANDLOG_FUZZ_ASSERT(run_two_files(payload, at, sizes, lo, jo) == whole.messages);
  }
  return 0;
}
