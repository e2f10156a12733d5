// Fuzzes the line splitter. Leading bytes choose the ending, the overflow
// policy, max_line and a cycle of chunk sizes; the rest is the stream.
// Invariants: every kernel this CPU runs (detail::simd_level) gives the
// lines (and the failure) of a byte-at-a-time reference written from the
// rules, whether the stream comes in one chunk, in the chosen chunks, one
// byte at a time or pull-style; no piece longer than max_line; no
// terminator inside a line; the carry stays within max_line + 2; and when
// every byte is kept (split, or no line over the limit), the lines with
// their terminators rebuild the stream exactly.
#include <sandlog/line_splitter.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_util.hpp"

namespace {

using sandlog::line;
using sandlog::line_ending;
using sandlog::line_options;

struct piece {
  std::string text;
  std::uint8_t flags;
  bool operator==(const piece& o) const { return text == o.text && flags == o.flags; }
};

struct outcome {
  std::vector<piece> lines;
  bool failed = false;
  sandlog::line_stats stats;
  bool operator==(const outcome& o) const { return lines == o.lines && failed == o.failed; }
};

// With `release`, the open line is released after every chunk, as a
// follower does when its writer goes quiet.
outcome push_style(const std::vector<sandlog_fuzz::exact_buffer>& chunks, line_options o,
                   bool release = false) {
  sandlog::line_splitter sp(o);
  outcome out;
  auto sink = [&](const line& l) { out.lines.push_back({std::string(l.text), l.flags}); };
  for (const auto& c : chunks) {
    if (sp.feed(c.view(), sink) != sandlog::error::ok) {
      out.failed = true;
      break;
    }
    SANDLOG_FUZZ_ASSERT(sp.buffered() <= sp.options().max_line + 2);
    if (release) {
      const std::size_t open = sp.open_line().size();
      const std::size_t before = out.lines.size();
      SANDLOG_FUZZ_ASSERT(sp.release(sink) == sandlog::error::ok);
      SANDLOG_FUZZ_ASSERT(out.lines.size() == before + (open != 0 ? 1 : 0));
      SANDLOG_FUZZ_ASSERT(sp.open_line().empty());
    }
  }
  if (!out.failed) out.failed = sp.finish(sink) != sandlog::error::ok;
  SANDLOG_FUZZ_ASSERT(sp.stats().max_carry <= sp.options().max_line + 2);
  out.stats = sp.stats();
  return out;
}

outcome pull_style(const std::vector<sandlog_fuzz::exact_buffer>& chunks, line_options o) {
  sandlog::line_splitter sp(o);
  outcome out;
  line l;
  for (const auto& c : chunks) {
    sp.push(c.view());
    while (sp.next(l)) out.lines.push_back({std::string(l.text), l.flags});
    if (sp.last_error() != sandlog::error::ok) break;
  }
  sp.push_end();
  while (sp.next(l)) out.lines.push_back({std::string(l.text), l.flags});
  out.failed = sp.last_error() != sandlog::error::ok;
  return out;
}

// The rules read one byte at a time over the whole stream: find each line's
// text, then apply the overflow policy to it.
outcome reference(std::string_view in, line_options o) {
  outcome out;
  const std::size_t max = o.max_line == 0 ? 1 : o.max_line;
  // Returns false when overflow::fail stops the stream.
  auto emit = [&](std::string_view text, bool terminated) {
    const std::uint8_t last = terminated ? 0 : line::unterminated;
    if (text.size() <= max) {
      out.lines.push_back({std::string(text), last});
      return true;
    }
    switch (o.on_overflow) {
      case sandlog::overflow::split:
        for (; text.size() > max; text.remove_prefix(max))
          out.lines.push_back({std::string(text.substr(0, max)), line::continued});
        out.lines.push_back({std::string(text), last});
        return true;
      case sandlog::overflow::truncate:
        out.lines.push_back({std::string(text.substr(0, max)), line::truncated});
        return true;
      case sandlog::overflow::discard: return true;
      case sandlog::overflow::fail: break;
    }
    out.failed = true;
    return false;
  };
  std::size_t start = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const bool lf = in[i] == '\n';
    const bool cr = in[i] == '\r' && o.ending == line_ending::any;
    if (!lf && !cr) continue;
    std::size_t end = i;
    if (lf && o.ending == line_ending::crlf_or_lf && end > start && in[end - 1] == '\r') --end;
    if (!emit(in.substr(start, end - start), true)) return out;
    if (cr && i + 1 < in.size() && in[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (start < in.size()) emit(in.substr(start), false);
  return out;
}

// Each line whole again: its pieces put together, with the last one's flags.
std::vector<piece> whole_lines(const outcome& out) {
  std::vector<piece> lines;
  bool open = false;
  for (const piece& p : out.lines) {
    if (!open) lines.push_back({"", 0});
    lines.back().text += p.text;
    lines.back().flags = p.flags;
    open = (p.flags & line::continued) != 0;
  }
  return lines;
}

bool is_terminator(char c, line_ending e) {
  return c == '\n' || (e == line_ending::any && c == '\r');
}

// Walks the stream along the lines: each line's text, then its terminator.
void check_rebuilds(std::string_view in, const outcome& out, line_options o) {
  std::size_t pos = 0;
  std::size_t line_len = 0;  // text of the current line so far, over its pieces
  for (std::size_t i = 0; i < out.lines.size(); ++i) {
    const piece& p = out.lines[i];
    SANDLOG_FUZZ_ASSERT(in.substr(pos, p.text.size()) == p.text);
    pos += p.text.size();
    line_len += p.text.size();
    if (p.flags & line::continued) continue;
    if (p.flags & line::unterminated) {
      SANDLOG_FUZZ_ASSERT(i + 1 == out.lines.size());
      SANDLOG_FUZZ_ASSERT(pos == in.size());
      continue;
    }
    SANDLOG_FUZZ_ASSERT(pos < in.size());
    if (o.ending == line_ending::lf) {
      SANDLOG_FUZZ_ASSERT(in[pos] == '\n');
      ++pos;
    } else if (o.ending == line_ending::crlf_or_lf) {
      if (in[pos] == '\n') {
        // A bare LF: the text must not end in the CR of a CRLF.
        SANDLOG_FUZZ_ASSERT(line_len == 0 || in[pos - 1] != '\r');
        ++pos;
      } else {
        SANDLOG_FUZZ_ASSERT(in.substr(pos, 2) == "\r\n");
        pos += 2;
      }
    } else {
      SANDLOG_FUZZ_ASSERT(in[pos] == '\r' || in[pos] == '\n');
      if (in[pos] == '\r' && pos + 1 < in.size() && in[pos + 1] == '\n') ++pos;
      ++pos;
    }
    line_len = 0;
  }
  SANDLOG_FUZZ_ASSERT(pos == in.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sandlog_fuzz::input in(data, size);
  line_options o;
  o.ending = static_cast<line_ending>(in.byte() % 3);
  o.on_overflow = static_cast<sandlog::overflow>(in.byte() % 4);
  const std::uint8_t m = in.byte();
  o.max_line = m < 200 ? 1 + m % 32 : std::size_t{1} << (m % 16);
  std::vector<std::uint8_t> sizes;
  for (int i = 0, n = 1 + in.byte() % 4; i < n; ++i) sizes.push_back(in.byte());
  const std::string_view payload = in.rest();

  const outcome expected = reference(payload, o);
  // Each splitter takes the level line_simd_level() names when it is made.
  using sandlog::detail::simd_level;
  simd_level& chosen = sandlog::detail::line_simd_level();
  const simd_level best = chosen;
  outcome whole;
  for (simd_level level : {simd_level::native, simd_level::avx2, simd_level::avx512}) {
    if (!sandlog::detail::simd_supported(level)) continue;
    chosen = level;
    whole = push_style(sandlog_fuzz::chunk(payload, {}), o);
    const outcome chunked = push_style(sandlog_fuzz::chunk(payload, sizes), o);
    const outcome bytes = push_style(sandlog_fuzz::chunk(payload, {1}), o);
    const outcome pulled = pull_style(sandlog_fuzz::chunk(payload, sizes), o);
    SANDLOG_FUZZ_ASSERT(whole == expected);
    SANDLOG_FUZZ_ASSERT(chunked == expected);
    SANDLOG_FUZZ_ASSERT(bytes == expected);
    SANDLOG_FUZZ_ASSERT(pulled == expected);
  }
  chosen = best;

  for (const piece& p : whole.lines) {
    SANDLOG_FUZZ_ASSERT(p.text.size() <= o.max_line);
    if (p.flags & (line::continued | line::truncated))
      SANDLOG_FUZZ_ASSERT(p.text.size() == o.max_line);
    for (char c : p.text) SANDLOG_FUZZ_ASSERT(!is_terminator(c, o.ending));
  }
  const bool kept_all = !whole.failed && whole.stats.truncated == 0 && whole.stats.discarded == 0;
  if (kept_all) check_rebuilds(payload, whole, o);
  // Releasing open lines cuts them into more pieces and nothing else.
  if (o.on_overflow == sandlog::overflow::split) {
    const outcome released = push_style(sandlog_fuzz::chunk(payload, sizes), o, true);
    SANDLOG_FUZZ_ASSERT(whole_lines(released) == whole_lines(expected));
    check_rebuilds(payload, released, o);
  }
  if (!whole.failed) SANDLOG_FUZZ_ASSERT(whole.stats.bytes == payload.size());
  return 0;
}
