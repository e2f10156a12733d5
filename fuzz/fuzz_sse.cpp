// Fuzz target for sse_decoder: the events, the last event ID, the retry time
// and the count of dropped events are the same however the bytes are
// chunked, and no event exceeds max_event.
//
// Input: byte 0 picks max_event (small, so the limit is hit), bytes 1..4 are
// chunk sizes; the rest is the stream.
#include <sandlog/sse.hpp>

#include <string>
#include <vector>

#include "fuzz_util.hpp"

namespace {

struct result {
  std::vector<std::string> events;  // type, data and id joined with NULs... kept apart:
  std::string last_id;
  std::optional<std::uint64_t> retry;
  std::uint64_t too_long = 0;
  bool operator==(const result& o) const {
    return events == o.events && last_id == o.last_id && retry == o.retry &&
           too_long == o.too_long;
  }
};

result run(const std::vector<sandlog_fuzz::exact_buffer>& chunks, sandlog::sse_options opts) {
  sandlog::sse_decoder d(opts);
  result r;
  for (const auto& c : chunks) {
    d.feed(c.view(), [&](const sandlog::sse_event& e) {
      SANDLOG_FUZZ_ASSERT(e.data.size() + 1 + (e.type == "message" ? 0 : e.type.size()) <=
                          opts.max_event);
      std::string s(e.type);
      s += '\x01';
      s += e.data;
      s += '\x01';
      s += e.id;
      r.events.push_back(std::move(s));
    });
  }
  d.finish();
  r.last_id = std::string(d.last_event_id());
  r.retry = d.retry();
  r.too_long = d.stats().too_long;
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sandlog_fuzz::input in(data, size);
  sandlog::sse_options opts;
  opts.max_event = 1 + in.byte() % 64;
  std::vector<std::uint8_t> sizes;
  for (int i = 0; i < 4; ++i) sizes.push_back(in.byte());
  const std::string_view payload = in.rest();
  const result whole = run(sandlog_fuzz::chunk(payload, {}), opts);
  const result pieces = run(sandlog_fuzz::chunk(payload, sizes), opts);
  const result bytes = run(sandlog_fuzz::chunk(payload, {1}), opts);
  SANDLOG_FUZZ_ASSERT(whole == pieces);
  SANDLOG_FUZZ_ASSERT(whole == bytes);
  return 0;
}
