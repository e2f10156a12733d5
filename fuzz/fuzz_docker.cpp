// The Docker demuxer, its per-stream line splitting and the CRI joiner.
// Invariants: the same frames, lines, joined messages and error whatever the
// chunking; memory stays within the configured limits.
#include <sandlog/docker.hpp>
#include <sandlog/record.hpp>

#include "fuzz_util.hpp"

#include <string>
#include <vector>

namespace {

struct result {
  std::string frames;    // each frame as: stream byte, payload, '|'
  std::string lines;     // each line as: stream byte, flags byte, text, '|'
  std::string messages;  // each joined message as: stream, flags, seconds, text, '|'
  sandlog::error demux_ec = sandlog::error::ok;
  sandlog::error lines_ec = sandlog::error::ok;
  std::string daemon_text;
  bool operator==(const result& o) const {
    return frames == o.frames && lines == o.lines && messages == o.messages &&
           demux_ec == o.demux_ec && lines_ec == o.lines_ec && daemon_text == o.daemon_text;
  }
};

result run(const std::vector<sandlog_fuzz::exact_buffer>& chunks, const sandlog::line_options& lo,
           const sandlog::joiner_options& jo) {
  result r;
  sandlog::docker_demuxer demux;
  for (const auto& c : chunks) {
    r.demux_ec = demux.feed(c.view(), [&](const sandlog::frame_piece& p) {
      SANDLOG_FUZZ_ASSERT(p.data.data() == nullptr || (p.data.data() >= c.view().data() &&
                          p.data.data() + p.data.size() <= c.view().data() + c.view().size()));
      if (p.first) r.frames += static_cast<char>(p.stream);
      r.frames.append(p.data);
      if (p.last) r.frames += '|';
    });
    if (r.demux_ec != sandlog::error::ok) break;
  }
  if (r.demux_ec == sandlog::error::ok) r.demux_ec = demux.finish();
  r.daemon_text = std::string(demux.error_message());
  SANDLOG_FUZZ_ASSERT(r.daemon_text.size() <= sandlog::docker_demuxer::max_error_message);

  sandlog::docker_line_splitter splitter(lo);
  sandlog::cri_joiner joiner(jo);
  auto on_message = [&](const sandlog::joined_record& m) {
    SANDLOG_FUZZ_ASSERT(m.record.message.size() <= jo.max_message);
    r.messages += static_cast<char>(m.record.stream);
    r.messages += static_cast<char>(m.flags);
    r.messages += std::to_string(m.record.time.seconds);
    r.messages.append(m.record.message);
    r.messages += '|';
  };
  auto on_line = [&](sandlog::stream_kind k, const sandlog::line& l) {
    SANDLOG_FUZZ_ASSERT(l.text.size() <= lo.max_line);
    r.lines += static_cast<char>(k);
    r.lines += static_cast<char>(l.flags);
    r.lines.append(l.text);
    r.lines += '|';
    sandlog::log_record rec;
    if (sandlog::parse_record(l.text, sandlog::log_format::cri, rec)) joiner.add(rec, on_message);
  };
  for (const auto& c : chunks) {
    r.lines_ec = splitter.feed(c.view(), on_line);
    SANDLOG_FUZZ_ASSERT(splitter.stdout_lines().buffered() <= lo.max_line + 1);
    SANDLOG_FUZZ_ASSERT(splitter.stderr_lines().buffered() <= lo.max_line + 1);
    SANDLOG_FUZZ_ASSERT(joiner.buffered() <= 3 * jo.max_message);
    if (r.lines_ec != sandlog::error::ok) break;
  }
  const sandlog::error fin = splitter.finish(on_line);
  if (r.lines_ec == sandlog::error::ok) r.lines_ec = fin;
  joiner.finish(on_message);
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sandlog_fuzz::input in(data, size);
  const std::uint8_t opt = in.byte();
  std::vector<std::uint8_t> sizes;
  for (int i = 0; i < 4; ++i) sizes.push_back(in.byte());
  sandlog::line_options lo;
  lo.max_line = 1 + (opt & 15);
  lo.on_overflow = static_cast<sandlog::overflow>((opt >> 4) & 3);
  sandlog::joiner_options jo;
  jo.max_message = 1 + in.byte() % 64;
  jo.on_overflow = static_cast<sandlog::overflow>((opt >> 6) & 3);
  const std::string_view payload = in.rest();

  const result whole = run(sandlog_fuzz::chunk(payload, {}), lo, jo);
  const result cut = run(sandlog_fuzz::chunk(payload, sizes), lo, jo);
  SANDLOG_FUZZ_ASSERT(whole == cut);
  const result bytes = run(sandlog_fuzz::chunk(payload, {1}), lo, jo);
  SANDLOG_FUZZ_ASSERT(whole == bytes);
  return 0;
}
