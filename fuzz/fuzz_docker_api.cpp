// The Engine API logs body decoder. Invariants: the same lines, error, error
// offset and daemon text as the slow reference, whatever the chunking, with
// and without frame timestamps; memory stays within the limits.
#include <sandlog/docker_api.hpp>

#include "fuzz_util.hpp"
#include "support/docker_formats.hpp"

#include <string>
#include <vector>

namespace {

struct result {
  std::vector<sandlog_test::ref_message> lines;
  sandlog::error ec = sandlog::error::ok;
  std::uint64_t offset = 0;
  std::string daemon_text;
  bool operator==(const result& o) const {
    return lines == o.lines && ec == o.ec && offset == o.offset && daemon_text == o.daemon_text;
  }
};

result run(const std::vector<sandlog_fuzz::exact_buffer>& chunks, const sandlog::api_options& o) {
  result r;
  sandlog::docker_api_decoder dec(o);
  auto sink = [&](const sandlog::joined_record& j) {
    SANDLOG_FUZZ_ASSERT(j.record.message.size() <= o.max_line);
    r.lines.push_back(sandlog_test::to_ref(j));
  };
  for (const auto& c : chunks) {
    const sandlog::error e = dec.feed(c.view(), sink);
    SANDLOG_FUZZ_ASSERT(dec.buffered() <= 2 * o.max_line + sandlog::max_timestamp_chars + 1);
    if (e != sandlog::error::ok) break;
  }
  r.ec = dec.finish(sink);
  if (r.ec != sandlog::error::ok) r.offset = dec.error_offset();
  if (r.ec == sandlog::error::daemon_error) r.daemon_text = std::string(dec.error_message());
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sandlog_fuzz::input in(data, size);
  const std::uint8_t opt = in.byte();
  std::vector<std::uint8_t> sizes;
  for (int i = 0; i < 4; ++i) sizes.push_back(in.byte());
  sandlog::api_options o;
  o.timestamps = (opt & 1) != 0;
  o.max_line = 1 + in.byte() % 64;
  o.on_overflow = static_cast<sandlog::overflow>((opt >> 1) & 3);
  const std::string_view payload = in.rest();

  const result whole = run(sandlog_fuzz::chunk(payload, {}), o);
  if (o.on_overflow == sandlog::overflow::split) {
    const sandlog_test::ref_api_result ref =
        sandlog_test::reference_api(payload, o.timestamps, o.max_line);
    SANDLOG_FUZZ_ASSERT(whole.lines == ref.lines);
    SANDLOG_FUZZ_ASSERT(whole.ec == ref.ec);
    SANDLOG_FUZZ_ASSERT(whole.ec == sandlog::error::ok || whole.offset == ref.offset);
    SANDLOG_FUZZ_ASSERT(whole.ec != sandlog::error::daemon_error ||
                        whole.daemon_text == ref.daemon_text);
  }
  // a body detect_body calls raw never decodes cleanly
  if (sandlog::detect_body(payload) == sandlog::body_kind::raw)
    SANDLOG_FUZZ_ASSERT(whole.ec != sandlog::error::ok);
  SANDLOG_FUZZ_ASSERT(run(sandlog_fuzz::chunk(payload, sizes), o) == whole);
  SANDLOG_FUZZ_ASSERT(run(sandlog_fuzz::chunk(payload, {1}), o) == whole);
  return 0;
}
