// The line splitter, specified by comparison with a whole-input reference
// written here without chunks, carry or SIMD. This file is built twice: with
// the SIMD search and with SANDLOG_NO_SIMD; the splitting tests run once for
// each loop the machine can run (the build's own, AVX2, AVX-512BW).
#include <sandlog/line_splitter.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "support/counting_allocator.hpp"

using sandlog::error;
using sandlog::line;
using sandlog::line_ending;
using sandlog::line_options;
using sandlog::line_splitter;
using sandlog::overflow;

namespace {

struct out_line {
  std::string text;
  std::uint8_t flags;
  bool operator==(const out_line& o) const { return text == o.text && flags == o.flags; }
};

struct outcome {
  std::vector<out_line> lines;
  bool failed = false;
  bool operator==(const outcome& o) const { return lines == o.lines && failed == o.failed; }
};

std::string show(const std::string& s) {
  std::string r;
  for (char c : s) {
    if (c == '\r') r += "\\r";
    else if (c == '\n') r += "\\n";
    else if (c == '\0') r += "\\0";
    else r += c;
  }
  return r;
}

std::ostream& operator<<(std::ostream& os, const outcome& o) {
  for (const auto& l : o.lines) os << '[' << show(l.text) << "]/" << int(l.flags) << ' ';
  return os << (o.failed ? "FAILED" : "ok");
}

// The reference: find every line of the whole input by reading one byte at a
// time, then apply the length limit to each line on its own.
outcome reference_split(const std::string& s, line_options o) {
  struct raw {
    std::string text;
    bool terminated;
  };
  std::vector<raw> raws;
  std::string cur;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\n') {
      if (o.ending == line_ending::crlf_or_lf && !cur.empty() && cur.back() == '\r') cur.pop_back();
      raws.push_back({cur, true});
      cur.clear();
    } else if (c == '\r' && o.ending == line_ending::any) {
      raws.push_back({cur, true});
      cur.clear();
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) raws.push_back({cur, false});

  const std::size_t max = o.max_line == 0 ? 1 : o.max_line;
  outcome out;
  for (const raw& r : raws) {
    const std::uint8_t end_flags = r.terminated ? 0 : line::unterminated;
    if (r.text.size() <= max) {
      out.lines.push_back({r.text, end_flags});
      continue;
    }
    switch (o.on_overflow) {
      case overflow::split: {
        std::size_t at = 0;
        while (r.text.size() - at > max) {
          out.lines.push_back({r.text.substr(at, max), line::continued});
          at += max;
        }
        out.lines.push_back({r.text.substr(at), end_flags});
        break;
      }
      case overflow::truncate: out.lines.push_back({r.text.substr(0, max), line::truncated}); break;
      case overflow::discard: break;
      case overflow::fail: out.failed = true; return out;
    }
  }
  return out;
}

// Feeds the chunks push-style and finishes.
outcome push_split(const std::vector<std::string>& chunks, line_options o) {
  line_splitter sp(o);
  outcome out;
  auto sink = [&](const line& l) { out.lines.push_back({std::string(l.text), l.flags}); };
  for (const auto& c : chunks) {
    if (sp.feed(c, sink) != error::ok) {
      out.failed = true;
      return out;
    }
  }
  out.failed = sp.finish(sink) != error::ok;
  return out;
}

// The same, pull-style.
outcome pull_split(const std::vector<std::string>& chunks, line_options o) {
  line_splitter sp(o);
  outcome out;
  line l;
  for (const auto& c : chunks) {
    sp.push(c);
    while (sp.next(l)) out.lines.push_back({std::string(l.text), l.flags});
    if (sp.last_error() != error::ok) {
      out.failed = true;
      return out;
    }
  }
  sp.push_end();
  while (sp.next(l)) out.lines.push_back({std::string(l.text), l.flags});
  out.failed = sp.last_error() != error::ok;
  return out;
}

// Cuts s before every position whose bit is set in `cuts` (bit i: before s[i+1]).
std::vector<std::string> cut(const std::string& s, std::uint32_t cuts) {
  std::vector<std::string> chunks;
  std::size_t start = 0;
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    if (cuts & (1u << i)) {
      chunks.push_back(s.substr(start, i + 1 - start));
      start = i + 1;
    }
  }
  chunks.push_back(s.substr(start));
  return chunks;
}

// The exhaustive tests below run millions of splits, so they check each line
// as it comes against the expected outcome instead of storing it, and feed
// every chunk from the end of one small heap block, where AddressSanitizer
// still sees a read past the chunk.
class exhaustive_check {
 public:
  explicit exhaustive_check(line_options o) : push_(o), pull_(o) {}

  // Whether push and (with `pull`) pull style give `want` for s cut by `cuts`.
  bool matches(const std::string& s, std::uint32_t cuts, const outcome& want, bool pull) {
    return push(s, cuts, want) && (!pull || pulled(s, cuts, want));
  }

 private:
  struct sink {
    const outcome* want;
    std::size_t seen;
    bool ok;
    void operator()(const line& l) {
      ok = ok && seen < want->lines.size() && l.text == want->lines[seen].text &&
           l.flags == want->lines[seen].flags;
      ++seen;
    }
    bool done(bool failed) const {
      return ok && seen == want->lines.size() && failed == want->failed;
    }
  };

  // Calls fn(chunk) for each piece of s cut by `cuts` (see cut()), each one
  // ending at the end of the block.
  template <class Fn>
  bool for_each_chunk(const std::string& s, std::uint32_t cuts, Fn fn) {
    std::size_t start = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (i + 1 == s.size() || (cuts & (1u << i))) {
        const std::size_t n = i + 1 - start;
        char* at = block_.get() + block_size - n;
        std::memcpy(at, s.data() + start, n);
        if (!fn(std::string_view(at, n))) return false;
        start = i + 1;
      }
    }
    return true;
  }

  bool push(const std::string& s, std::uint32_t cuts, const outcome& want) {
    push_.reset();
    sink k{&want, 0, true};
    const bool fed = for_each_chunk(s, cuts, [&](std::string_view c) {
      return push_.feed(c, k) == error::ok;
    });
    return k.done(!fed || push_.finish(k) != error::ok);
  }

  bool pulled(const std::string& s, std::uint32_t cuts, const outcome& want) {
    pull_.reset();
    sink k{&want, 0, true};
    line l;
    const bool fed = for_each_chunk(s, cuts, [&](std::string_view c) {
      pull_.push(c);
      while (pull_.next(l)) k(l);
      return pull_.last_error() == error::ok;
    });
    if (fed) {
      pull_.push_end();
      while (pull_.next(l)) k(l);
    }
    return k.done(pull_.last_error() != error::ok);
  }

  static constexpr std::size_t block_size = 16;
  line_splitter push_;
  line_splitter pull_;
  std::unique_ptr<char[]> block_{new char[block_size]};
};

const line_ending all_endings[] = {line_ending::lf, line_ending::crlf_or_lf, line_ending::any};
const overflow all_policies[] = {overflow::split, overflow::truncate, overflow::discard,
                                 overflow::fail};

// Every string of length n over `alphabet`, as the k-th one.
std::string nth_string(std::size_t k, std::size_t n, const std::string& alphabet) {
  std::string s(n, ' ');
  for (std::size_t i = 0; i < n; ++i) {
    s[i] = alphabet[k % alphabet.size()];
    k /= alphabet.size();
  }
  return s;
}

std::size_t power(std::size_t b, std::size_t e) {
  std::size_t r = 1;
  while (e--) r *= b;
  return r;
}

using sandlog::detail::simd_level;

std::vector<simd_level> supported_levels() {
  std::vector<simd_level> levels;
  for (simd_level l : {simd_level::native, simd_level::avx2, simd_level::avx512})
    if (sandlog::detail::simd_supported(l)) levels.push_back(l);
  return levels;
}

// Runs fn(is_default) with splitters made for each loop this machine can
// run; is_default tells the one a splitter takes unless a test says otherwise.
template <class Fn>
void for_each_level(Fn fn) {
  simd_level& chosen = sandlog::detail::line_simd_level();
  const simd_level best = chosen;
  for (simd_level l : supported_levels()) {
    INFO("simd level " << int(l));
    chosen = l;
    fn(l == best);
  }
  chosen = best;
}

// Calls fn(kernel{}, name) for each search kernel this machine runs.
template <class Fn>
void for_each_kernel(Fn fn) {
  using namespace sandlog::detail;
  fn(simd_portable{}, "portable");
#if SANDLOG_HAS_SSE2
  fn(simd_sse2{}, "sse2");
#endif
#if SANDLOG_HAS_AVX2 || SANDLOG_LINE_DISPATCH
  if (SANDLOG_HAS_AVX2 || simd_supported(simd_level::avx2)) fn(simd_avx2{}, "avx2");
#endif
#if SANDLOG_LINE_DISPATCH
  if (simd_supported(simd_level::avx512)) fn(simd_avx512{}, "avx512");
#endif
}

}  // namespace

TEST_CASE("each search kernel marks exactly the terminator bytes, at every alignment") {
  std::mt19937 rng(7);
  std::string buf(64 * 3 + 64, 'x');
  const char pool[] = {'\n', '\r', 'a', '\0', '\x8a', '\x8d', '\x0b', 'n'};
  for (int round = 0; round < 20; ++round) {
    for (auto& c : buf) c = pool[rng() % sizeof pool];
    for (std::size_t off = 0; off < 64 * 3; ++off) {
      const char* b = buf.data() + off;
      std::uint64_t want_lf = 0, want_any = 0;
      for (unsigned i = 0; i < 64; ++i) {
        if (b[i] == '\n') want_lf |= std::uint64_t{1} << i;
        if (b[i] == '\n' || b[i] == '\r') want_any |= std::uint64_t{1} << i;
      }
      for_each_kernel([&](auto k, const char* name) {
        using K = decltype(k);
        INFO("kernel " << name);
        REQUIRE(K::template mask<line_ending::lf>(b) == want_lf);
        REQUIRE(K::template mask<line_ending::crlf_or_lf>(b) == want_lf);
        REQUIRE(K::template mask<line_ending::any>(b) == want_any);
      });
    }
  }
}

TEST_CASE("each kernel masks the last bytes of a chunk without reading past it") {
  // The chunk ends at the end of a heap block and starts `before` bytes into
  // it, so AddressSanitizer sees a read outside [block, p + n).
  std::mt19937 rng(9);
  const char pool[] = {'\n', '\r', 'a'};
  for (std::size_t before = 0; before <= 70; ++before) {
    for (std::size_t n = 1; n < 64; ++n) {
      std::unique_ptr<char[]> block(new char[before + n]);
      for (std::size_t i = 0; i < before + n; ++i) block[i] = pool[rng() % 3];
      const char* p = block.get() + before;
      std::uint64_t want_lf = 0, want_any = 0;
      for (std::size_t i = 0; i < n; ++i) {
        if (p[i] == '\n') want_lf |= std::uint64_t{1} << i;
        if (p[i] == '\n' || p[i] == '\r') want_any |= std::uint64_t{1} << i;
      }
      for_each_kernel([&](auto k, const char* name) {
        using K = decltype(k);
        INFO("kernel " << name << " before " << before << " n " << n);
        REQUIRE(K::template last<line_ending::lf>(p, n, block.get()) == want_lf);
        REQUIRE(K::template last<line_ending::any>(p, n, block.get()) == want_any);
      });
    }
  }
}

TEST_CASE("find_terminator finds the first terminator for every length and alignment") {
  std::string buf(400, 'a');
  for (std::size_t off = 0; off < 64; ++off) {
    for (std::size_t len = 0; off + len <= 300; ++len) {
      for (std::size_t pos : {len, std::size_t{0}, len / 2, len - 1}) {
        if (pos > len) continue;
        std::fill(buf.begin(), buf.end(), 'a');
        if (pos < len) buf[off + pos] = '\r';
        const char* p = buf.data() + off;
        const char* end = p + len;
        for_each_kernel([&](auto k, const char* name) {
          using K = decltype(k);
          using sandlog::detail::find_terminator;
          INFO("kernel " << name);
          REQUIRE(find_terminator<line_ending::lf, K>(p, end) == end);
          REQUIRE(find_terminator<line_ending::any, K>(p, end) == p + pos);
          if (pos < len) buf[off + pos] = '\n';
          REQUIRE(find_terminator<line_ending::lf, K>(p, end) == p + pos);
          if (pos < len) buf[off + pos] = '\r';
        });
      }
    }
  }
}

TEST_CASE("lf ends lines only at LF and keeps CR in the text") {
  const outcome got = push_split({"a\r\nb\rc\n"}, {64, line_ending::lf, overflow::split});
  const outcome want{{{"a\r", 0}, {"b\rc", 0}}, false};
  CHECK(got == want);
}

TEST_CASE("crlf_or_lf removes one CR before LF and keeps a lone CR") {
  const outcome got = push_split({"a\r\nb\rc\nd\r\r\n"}, {64, line_ending::crlf_or_lf, overflow::split});
  const outcome want{{{"a", 0}, {"b\rc", 0}, {"d\r", 0}}, false};
  CHECK(got == want);
}

TEST_CASE("any ends lines at CR, LF and CRLF") {
  const outcome got = push_split({"a\r\nb\rc\n\n\r\rd"}, {64, line_ending::any, overflow::split});
  const outcome want{{{"a", 0}, {"b", 0}, {"c", 0}, {"", 0}, {"", 0}, {"", 0},
                      {"d", line::unterminated}},
                     false};
  CHECK(got == want);
}

TEST_CASE("an empty stream gives no line, a final terminator gives no extra line") {
  for (line_ending e : all_endings) {
    CHECK(push_split({}, {8, e, overflow::split}).lines.empty());
    CHECK(push_split({"", ""}, {8, e, overflow::split}).lines.empty());
    const outcome got = push_split({"x\n"}, {8, e, overflow::split});
    CHECK(got == outcome{{{"x", 0}}, false});
  }
}

TEST_CASE("the final line without a terminator comes out of finish flagged unterminated") {
  line_splitter sp;
  std::vector<out_line> seen;
  auto sink = [&](const line& l) { seen.push_back({std::string(l.text), l.flags}); };
  REQUIRE(sp.feed("one\ntw", sink) == error::ok);
  REQUIRE(seen.size() == 1);
  REQUIRE(sp.feed("o", sink) == error::ok);
  REQUIRE(seen.size() == 1);
  CHECK(sp.buffered() == 3);
  REQUIRE(sp.finish(sink) == error::ok);
  REQUIRE(seen.size() == 2);
  CHECK(seen[1].text == "two");
  CHECK(seen[1].flags == line::unterminated);
  line l{"x", line::unterminated};
  CHECK(l.is_unterminated());
  CHECK_FALSE(l.is_continued());
  CHECK_FALSE(l.is_truncated());
}

TEST_CASE("a CR held at the end of the stream is text, not a terminator") {
  CHECK(push_split({"ab\r"}, {8, line_ending::crlf_or_lf, overflow::split}) ==
        outcome{{{"ab\r", line::unterminated}}, false});
  CHECK(push_split({"\r"}, {8, line_ending::crlf_or_lf, overflow::split}) ==
        outcome{{{"\r", line::unterminated}}, false});
  CHECK(push_split({"ab\r"}, {8, line_ending::any, overflow::split}) ==
        outcome{{{"ab", 0}}, false});
}

TEST_CASE("NUL bytes are ordinary bytes") {
  const std::string s("a\0b\n\0\n", 6);
  const outcome got = push_split({s}, {8, line_ending::lf, overflow::split});
  CHECK(got == outcome{{{std::string("a\0b", 3), 0}, {std::string("\0", 1), 0}}, false});
}

TEST_CASE("a CR, LF or CRLF at every position relative to a chunk boundary is one terminator") {
  for_each_level([&](bool) {
    for (line_ending e : all_endings) {
      for (const std::string term : {"\n", "\r", "\r\n"}) {
        const std::string s = "ab" + term + "cd" + term + term + "e";
        const outcome want = reference_split(s, {16, e, overflow::split});
        for (std::size_t a = 0; a <= s.size(); ++a) {
          for (std::size_t b = a; b <= s.size(); ++b) {
            const std::vector<std::string> chunks{s.substr(0, a), s.substr(a, b - a), s.substr(b)};
            INFO(show(s) << " cut at " << a << "," << b << " ending " << int(e));
            CHECK(push_split(chunks, {16, e, overflow::split}) == want);
          }
        }
      }
    }
    // And the decisive cases spelled out, independent of the reference.
    CHECK(push_split({"a\r", "\nb"}, {16, line_ending::any, overflow::split}) ==
          outcome{{{"a", 0}, {"b", line::unterminated}}, false});
    CHECK(push_split({"a\r", "\nb"}, {16, line_ending::crlf_or_lf, overflow::split}) ==
          outcome{{{"a", 0}, {"b", line::unterminated}}, false});
    CHECK(push_split({"a\r", "", "\r\n"}, {16, line_ending::crlf_or_lf, overflow::split}) ==
          outcome{{{"a\r", 0}}, false});
    CHECK(push_split({"a\r", "", "\n", "\n"}, {16, line_ending::any, overflow::split}) ==
          outcome{{{"a", 0}, {"", 0}}, false});
  });
}

TEST_CASE("output is the same for every way of cutting every short string over a, CR, LF") {
  // Strings this short never fill a 64-byte block: the loops differ only in
  // how they mask a chunk's last bytes (tested exhaustively above), so the
  // loops other than the default one get shorter strings.
  for_each_level([&](bool is_default) {
    const std::string alphabet = "a\r\n";
    for (line_ending e : all_endings) {
      const line_options o{64, e, overflow::split};
      exhaustive_check check(o);
      for (std::size_t n = 0; n <= (is_default ? 8u : 6u); ++n) {
        for (std::size_t k = 0; k < power(3, n); ++k) {
          const std::string s = nth_string(k, n, alphabet);
          const outcome want = reference_split(s, o);
          const std::uint32_t cut_sets = n == 0 ? 1u : 1u << (n - 1);
          for (std::uint32_t cuts = 0; cuts < cut_sets; ++cuts) {
            if (!check.matches(s, cuts, want, false)) {
              INFO(show(s) << " cuts " << cuts << " ending " << int(e));
              REQUIRE(push_split(cut(s, cuts), o) == want);
              FAIL("a reset splitter differs from a new one");
            }
          }
        }
      }
    }
  });
}

TEST_CASE("every limit policy is chunking-invariant on every short string and cut") {
  // Strings this short never fill a 64-byte block: the loops differ only in
  // how they mask a chunk's last bytes (tested exhaustively above), so the
  // loops other than the default one get shorter strings.
  for_each_level([&](bool is_default) {
    const std::string alphabet = "a\r\n";
    for (line_ending e : all_endings) {
      for (overflow pol : all_policies) {
        for (std::size_t max : std::initializer_list<std::size_t>{1, 2, 3}) {
          const line_options o{max, e, pol};
          exhaustive_check check(o);
          for (std::size_t n = 0; n <= (is_default ? 7u : 5u); ++n) {
            for (std::size_t k = 0; k < power(3, n); ++k) {
              const std::string s = nth_string(k, n, alphabet);
              const outcome want = reference_split(s, o);
              const std::uint32_t cut_sets = n == 0 ? 1u : 1u << (n - 1);
              for (std::uint32_t cuts = 0; cuts < cut_sets; ++cuts) {
                if (!check.matches(s, cuts, want, true)) {
                  INFO(show(s) << " cuts " << cuts << " ending " << int(e) << " policy "
                               << int(pol) << " max " << max);
                  REQUIRE(push_split(cut(s, cuts), o) == want);
                  REQUIRE(pull_split(cut(s, cuts), o) == want);
                  FAIL("a reset splitter differs from a new one");
                }
              }
            }
          }
        }
      }
    }
  });
}

TEST_CASE("each overflow policy at max_line - 1, max_line and max_line + 1, in one chunk or spanning") {
  for_each_level([&](bool) {
    const std::size_t max = 8;
    for (line_ending e : all_endings) {
      for (const std::string term : {"\n", "\r\n"}) {
        for (std::size_t len : {max - 1, max, max + 1, 2 * max, 2 * max + 1}) {
          const std::string body(len, 'x');
          const std::string s = "ab" + term + body + term + "cd" + term;
          for (overflow pol : all_policies) {
            const line_options o{max, e, pol};
            // Spelled out, independent of the reference.
            std::vector<out_line> mid;
            bool fails = false;
            if (len <= max) {
              mid.push_back({body, 0});
            } else if (pol == overflow::split) {
              for (std::size_t at = 0; at < len; at += max)
                mid.push_back({body.substr(at, max), std::uint8_t(at + max < len ? line::continued : 0)});
            } else if (pol == overflow::truncate) {
              mid.push_back({body.substr(0, max), line::truncated});
            } else if (pol == overflow::fail) {
              fails = true;
            }
            outcome want{{{"ab", 0}}, fails};
            if (!fails) {
              want.lines.insert(want.lines.end(), mid.begin(), mid.end());
              want.lines.push_back({"cd", 0});
            }
            if (e == line_ending::lf && term == "\r\n") continue;  // CR is text there
            for (std::size_t a = 0; a <= s.size(); ++a) {
              INFO("len " << len << " policy " << int(pol) << " cut " << a << " ending " << int(e));
              CHECK(push_split({s.substr(0, a), s.substr(a)}, o) == want);
              CHECK(pull_split({s.substr(0, a), s.substr(a)}, o) == want);
            }
          }
        }
      }
    }
  });
}

TEST_CASE("overflow::fail delivers the lines before, then stays failed until reset") {
  line_splitter sp({4, line_ending::lf, overflow::fail});
  std::vector<std::string> seen;
  auto sink = [&](const line& l) { seen.emplace_back(l.text); };
  CHECK(sp.feed("ok\nfi", sink) == error::ok);
  CHECK(sp.feed("ne\ntoolong\nafter\n", sink) == error::line_too_long);
  CHECK(seen == std::vector<std::string>{"ok", "fine"});
  CHECK(sp.last_error() == error::line_too_long);
  CHECK(sp.feed("more\n", sink) == error::line_too_long);
  CHECK(sp.finish(sink) == error::line_too_long);
  CHECK(seen.size() == 2);
  CHECK(sp.buffered() == 0);
  sp.reset();
  CHECK(sp.last_error() == error::ok);
  CHECK(sp.feed("next\n", sink) == error::ok);
  CHECK(seen.back() == "next");
}

TEST_CASE("overflow::fail trips on an unterminated tail longer than max_line") {
  line_splitter sp({4, line_ending::lf, overflow::fail});
  auto sink = [](const line&) {};
  CHECK(sp.feed("abcd", sink) == error::ok);
  CHECK(sp.feed("e", sink) == error::line_too_long);
}

TEST_CASE("a gigabyte without a newline is held in at most max_line + 2 bytes") {
  const std::string chunk(64 * 1024, 'a');
  for (overflow pol : all_policies) {
    const std::size_t total = pol == overflow::split ? std::size_t{1} << 30 : std::size_t{64} << 20;
    line_options o;
    o.on_overflow = pol;
    line_splitter sp(o);
    std::size_t pieces = 0, bytes = 0;
    auto sink = [&](const line& l) {
      ++pieces;
      bytes += l.text.size();
    };
    error e = error::ok;
    for (std::size_t fed = 0; fed < total && e == error::ok; fed += chunk.size()) {
      e = sp.feed(chunk, sink);
      REQUIRE(sp.buffered() <= o.max_line + 2);
    }
    if (pol != overflow::fail) REQUIRE(sp.finish(sink) == error::ok);
    CHECK(sp.stats().max_carry <= o.max_line + 2);
    switch (pol) {
      case overflow::split:
        CHECK(pieces == total / o.max_line);
        CHECK(bytes == total);
        CHECK(sp.stats().split == 1);
        break;
      case overflow::truncate:
        CHECK(pieces == 1);
        CHECK(bytes == o.max_line);
        CHECK(sp.stats().truncated == 1);
        break;
      case overflow::discard:
        CHECK(pieces == 0);
        CHECK(sp.stats().discarded == 1);
        break;
      case overflow::fail: CHECK(e == error::line_too_long); break;
    }
    CHECK(sp.buffered() == 0);
  }
}

TEST_CASE("lines wholly inside a chunk are views into it; spanning lines are copies") {
  const std::string chunk1 = "one\ntwo\nthr";
  const std::string chunk2 = "ee\nfour\n";
  line_splitter sp;
  std::vector<bool> inside;
  const std::string* current = nullptr;
  auto sink = [&](const line& l) {
    const char* b = current->data();
    inside.push_back(l.text.data() >= b && l.text.data() + l.text.size() <= b + current->size());
  };
  current = &chunk1;
  REQUIRE(sp.feed(chunk1, sink) == error::ok);
  current = &chunk2;
  REQUIRE(sp.feed(chunk2, sink) == error::ok);
  CHECK(inside == std::vector<bool>{true, true, false, true});
}

TEST_CASE("no allocation per line once the carry buffer is warm") {
  line_options o;
  o.max_line = 4096;
  for (line_ending e : all_endings) {
    for (overflow pol : all_policies) {
      o.ending = e;
      o.on_overflow = pol == overflow::fail ? overflow::split : pol;
      line_splitter sp(o);
      std::string stream;
      for (int i = 0; i < 2000; ++i) {
        stream += std::string(std::size_t(i * 37 % 5000), 'x');
        stream += i % 3 == 0 ? "\r\n" : i % 3 == 1 ? "\n" : "\r";
      }
      std::size_t lines = 0;
      auto sink = [&](const line&) { ++lines; };
      // Warm up with the same stream, then count.
      for (std::size_t at = 0; at < stream.size(); at += 1000)
        sp.feed(std::string_view(stream).substr(at, 1000), sink);
      const std::size_t before = sandlog_test::allocations();
      for (int round = 0; round < 3; ++round)
        for (std::size_t at = 0; at < stream.size(); at += 333)
          sp.feed(std::string_view(stream).substr(at, 333), sink);
      sp.finish(sink);
      line l;
      sp.push(stream);
      while (sp.next(l)) ++lines;
      CHECK(sandlog_test::allocations() == before);
      CHECK(lines > 4000);
    }
  }
}

TEST_CASE("push and pull styles give the same lines on random streams and chunkings") {
  for_each_level([&](bool) {
    std::mt19937 rng(11);
    const char pool[] = {'a', 'b', '\r', '\n', '\0'};
    for (int round = 0; round < 3000; ++round) {
      std::string s(rng() % 300, 'x');
      for (auto& c : s) c = pool[rng() % (rng() % 4 == 0 ? 5 : 2 + rng() % 3)];
      std::vector<std::string> chunks;
      for (std::size_t at = 0; at < s.size();) {
        const std::size_t n = std::min<std::size_t>(s.size() - at, rng() % 70);
        chunks.push_back(s.substr(at, n));
        at += n;
      }
      const line_options o{1 + rng() % 40, all_endings[rng() % 3], all_policies[rng() % 4]};
      const outcome want = reference_split(s, o);
      INFO(show(s) << " max " << o.max_line << " ending " << int(o.ending) << " policy "
                   << int(o.on_overflow));
      REQUIRE(push_split(chunks, o) == want);
      REQUIRE(pull_split(chunks, o) == want);
    }
  });
}

TEST_CASE("lines of every length across whole blocks, block tails and chunk ends match the reference") {
  // Longer streams and chunks than above, under the default limit, so the
  // 64-byte block loop, the last partial block and the long-line search all
  // run. Each chunk is an exact heap block so AddressSanitizer sees over-reads.
  for_each_level([&](bool) {
    std::mt19937 rng(13);
    for (int round = 0; round < 1500; ++round) {
      std::string s;
      const std::size_t total = rng() % 900;
      const std::size_t typical = 1 + rng() % 150;
      while (s.size() < total) {
        s.append(rng() % 8 == 0 ? rng() % 400 : rng() % typical, 'x');
        const unsigned t = rng() % 4;
        s += t == 0 ? "\r\n" : t == 1 ? "\r" : "\n";
      }
      const line_options o{std::size_t{1} << 20, all_endings[rng() % 3], overflow::split};
      const outcome want = reference_split(s, o);
      line_splitter sp(o);
      outcome got;
      auto sink = [&](const line& l) { got.lines.push_back({std::string(l.text), l.flags}); };
      const std::size_t most = 1 + rng() % 300;
      for (std::size_t at = 0; at < s.size();) {
        const std::size_t n = std::min<std::size_t>(s.size() - at, 1 + rng() % most);
        std::unique_ptr<char[]> chunk(new char[n]);
        std::memcpy(chunk.get(), s.data() + at, n);
        REQUIRE(sp.feed(std::string_view(chunk.get(), n), sink) == error::ok);
        at += n;
      }
      REQUIRE(sp.finish(sink) == error::ok);
      INFO(show(s) << " ending " << int(o.ending));
      REQUIRE(got == want);
      REQUIRE(sp.stats().lines == want.lines.size());
    }
  });
}

TEST_CASE("the lines after a spanning line's terminator, in the same 64-byte block, match the reference") {
  // The search that ends a spanning line hands its block's mask on to the
  // loop over the rest of the chunk; this puts that terminator at every
  // offset, followed by any terminators in the same or a partial block.
  const std::string pattern = "a\r\n\n\rbc\n\r\r";
  const char* const terms[] = {"\n", "\r\n", "\r"};
  const std::size_t tails[] = {0, 1, 2, 3, 7, 31, 60, 62, 63, 64, 65, 66, 127, 129};
  for_each_level([&](bool) {
    for (line_ending e : all_endings) {
      const line_options o{std::size_t{1} << 20, e, overflow::split};
      for (const char* term : terms) {
        for (std::size_t pos = 0; pos < 140; ++pos) {
          for (std::size_t k : tails) {
            std::string second(pos, 'x');
            second += term;
            for (std::size_t i = 0; i < k; ++i) second += pattern[i % pattern.size()];
            const outcome want = reference_split("open" + second, o);
            line_splitter sp(o);
            outcome got;
            auto sink = [&](const line& l) {
              got.lines.push_back({std::string(l.text), l.flags});
            };
            REQUIRE(sp.feed("open", sink) == error::ok);
            std::unique_ptr<char[]> chunk(new char[second.size()]);
            std::memcpy(chunk.get(), second.data(), second.size());
            REQUIRE(sp.feed(std::string_view(chunk.get(), second.size()), sink) == error::ok);
            REQUIRE(sp.finish(sink) == error::ok);
            INFO(show(second) << " ending " << int(e));
            REQUIRE(got == want);
          }
        }
      }
    }
  });
}

TEST_CASE("chunks starting at every address modulo 64 give the reference lines") {
  // The scan aligns its block loads on 64-byte boundaries after the first,
  // whether the chunk starts a line, ends one that an earlier chunk began,
  // or goes on after a long line that memchr crossed. Each chunk ends its
  // heap block, so AddressSanitizer sees reads past it; the bytes before it
  // in the block are not the chunk's.
  std::mt19937 rng(29);
  for_each_level([&](bool) {
    for (line_ending e : all_endings) {
      const line_options o{std::size_t{1} << 20, e, overflow::split};
      for (std::size_t shift = 0; shift < 64; ++shift) {
        std::string s;
        while (s.size() < 3000) {
          s.append(rng() % 6 == 0 ? 200 + rng() % 500 : rng() % 90, 'x');
          const auto t = rng() % 3;
          s += t == 0 ? "\r\n" : t == 1 ? "\r" : "\n";
        }
        const outcome want = reference_split(s, o);
        line_splitter sp(o);
        outcome got;
        auto sink = [&](const line& l) { got.lines.push_back({std::string(l.text), l.flags}); };
        for (std::size_t at = 0; at < s.size();) {
          const std::size_t n = std::min<std::size_t>(s.size() - at, 40 + rng() % 1500);
          std::unique_ptr<char[]> block(new char[shift + n]);
          char* const chunk = block.get() + shift;
          std::memcpy(chunk, s.data() + at, n);
          REQUIRE(sp.feed(std::string_view(chunk, n), sink) == error::ok);
          at += n;
        }
        REQUIRE(sp.finish(sink) == error::ok);
        INFO("shift " << shift << " ending " << int(e));
        REQUIRE(got == want);
      }
    }
  });
}

TEST_CASE("chunks of half a mebibyte and more (the prefetching loop) give the reference lines") {
  std::mt19937 rng(31);
  std::string s;
  while (s.size() < (std::size_t{3} << 20)) {
    s.append(rng() % 8 == 0 ? rng() % 700 : rng() % 160, 'x');
    const auto t = rng() % 4;
    s += t == 0 ? "\r\n" : t == 1 ? "\r" : "\n";
  }
  for_each_level([&](bool) {
    for (line_ending e : all_endings) {
      const line_options o{std::size_t{1} << 20, e, overflow::split};
      const outcome want = reference_split(s, o);
      for (std::size_t chunk : {std::size_t{512} << 10, (std::size_t{1} << 20) + 13, s.size()}) {
        line_splitter sp(o);
        outcome got;
        auto sink = [&](const line& l) { got.lines.push_back({std::string(l.text), l.flags}); };
        for (std::size_t at = 0; at < s.size(); at += chunk)
          REQUIRE(sp.feed(std::string_view(s).substr(at, chunk), sink) == error::ok);
        REQUIRE(sp.finish(sink) == error::ok);
        INFO("chunk " << chunk << " ending " << int(e));
        REQUIRE(got == want);
      }
    }
  });
}

TEST_CASE("reset forgets the open line, a pending CR and the counters") {
  for (line_ending e : all_endings) {
    line_splitter sp({16, e, overflow::split});
    std::vector<std::string> seen;
    auto sink = [&](const line& l) { seen.emplace_back(l.text); };
    REQUIRE(sp.feed("a\nhalf\r", sink) == error::ok);
    sp.reset();
    CHECK(sp.buffered() == 0);
    CHECK(sp.stats().lines == 0);
    CHECK(sp.stats().bytes == 0);
    seen.clear();
    REQUIRE(sp.feed("\nb\n", sink) == error::ok);
    REQUIRE(sp.finish(sink) == error::ok);
    CHECK(seen == std::vector<std::string>{"", "b"});
  }
}

TEST_CASE("release delivers the open line as a continued piece; the rest is its next piece") {
  for (line_ending e : all_endings) {
    line_splitter sp({16, e, overflow::split});
    std::vector<std::string> seen;
    auto sink = [&](const line& l) {
      seen.push_back(std::string(l.text) + (l.is_continued() ? "+" : "") +
                     (l.is_unterminated() ? "$" : ""));
    };
    REQUIRE(sp.release(sink) == error::ok);  // nothing open: no call
    CHECK(seen.empty());
    REQUIRE(sp.feed("one\nPass", sink) == error::ok);
    CHECK(sp.open_line() == "Pass");
    REQUIRE(sp.release(sink) == error::ok);
    CHECK(sp.open_line().empty());
    CHECK(sp.buffered() == 0);
    REQUIRE(sp.feed("word: ", sink) == error::ok);
    REQUIRE(sp.release(sink) == error::ok);
    REQUIRE(sp.feed("ok\n\nlast", sink) == error::ok);
    REQUIRE(sp.release(sink) == error::ok);
    REQUIRE(sp.feed("\n", sink) == error::ok);
    REQUIRE(sp.finish(sink) == error::ok);
    CHECK(seen == std::vector<std::string>{"one", "Pass+", "word: +", "ok", "", "last+", ""});
    CHECK(sp.stats().lines == 4);
    CHECK(sp.stats().split == 0);  // it counts lines over max_line only
  }
  // A CR that may precede a LF stays held: it is not part of the piece.
  line_splitter sp({16, line_ending::crlf_or_lf, overflow::split});
  std::vector<std::string> seen;
  auto sink = [&](const line& l) { seen.emplace_back(l.text); };
  REQUIRE(sp.feed("half\r", sink) == error::ok);
  CHECK(sp.open_line() == "half");
  REQUIRE(sp.release(sink) == error::ok);
  REQUIRE(sp.feed("\nnext\r", sink) == error::ok);
  REQUIRE(sp.release(sink) == error::ok);
  REQUIRE(sp.feed("x\n", sink) == error::ok);
  CHECK(seen == std::vector<std::string>{"half", "", "next", "\rx"});
}

TEST_CASE("stats count bytes, lines, cut and dropped lines and the largest carry") {
  line_splitter sp({4, line_ending::lf, overflow::split});
  auto sink = [](const line&) {};
  REQUIRE(sp.feed("ab\nabcdefghij\nab", sink) == error::ok);
  REQUIRE(sp.feed("c\n", sink) == error::ok);
  REQUIRE(sp.finish(sink) == error::ok);
  CHECK(sp.stats().bytes == 18);
  CHECK(sp.stats().lines == 3);
  CHECK(sp.stats().split == 1);
  CHECK(sp.stats().max_carry == 3);

  line_splitter tr({4, line_ending::lf, overflow::truncate});
  REQUIRE(tr.feed("abcdef\nab\nabcdefgh", sink) == error::ok);
  REQUIRE(tr.finish(sink) == error::ok);
  CHECK(tr.stats().lines == 3);
  CHECK(tr.stats().truncated == 2);

  line_splitter di({4, line_ending::lf, overflow::discard});
  REQUIRE(di.feed("abcdef\nab\nabcdefgh\n", sink) == error::ok);
  CHECK(di.stats().lines == 3);
  CHECK(di.stats().discarded == 2);
}

TEST_CASE("max_line 0 acts as 1") {
  CHECK(push_split({"ab\n"}, {0, line_ending::lf, overflow::split}) ==
        outcome{{{"a", line::continued}, {"b", 0}}, false});
}
