// sandlog CLI: a message made safe for a terminal, reversibly.
//
// In `text` output no byte of a decoded message may start a line, move the
// cursor or talk to the terminal, whatever the log holds (a `\n` forging a
// second record, a `\r` hiding text, ESC sequences setting the title). So:
//
//   kept as is    printable ASCII, TAB, valid UTF-8 from U+00A0 up
//   \n  \r        LF, CR
//   \xHH          every other C0 control, DEL, each byte of a C1 control
//                 (U+0080..U+009F, so U+0085 is \xc2\x85), each byte of
//                 ill-formed UTF-8 (overlong, surrogate, beyond U+10FFFF,
//                 truncated, stray continuation); two lowercase hex digits
//   \\            a backslash whose next output character is \ n r or x
//                 (any other backslash is kept: C:\Users stays C:\Users)
//
// unescape_text reverses it byte for byte, so the text is an exact record of
// the message. One '\r' at the very end of a message (the CR of a CRLF line
// ending) is dropped by default, as journalctl does; it is the one change
// that does not round-trip, and final_cr::keep turns it off.
#ifndef SANDLOG_CLI_TEXT_ESCAPE_HPP
#define SANDLOG_CLI_TEXT_ESCAPE_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <sandlog/config.hpp>
#include <sandlog/detail/bits.hpp>
#if SANDLOG_HAS_SSE2
#include <emmintrin.h>
#endif

#include "json_escape.hpp"
#include "out_buffer.hpp"

namespace sandlog_cli {

enum class final_cr : std::uint8_t { drop, keep };

namespace detail {

// The high bit of each of the 8 bytes of w that is < 0x20, 0x7F, '\\' or
// >= 0x80: the bytes the scalar step must look at (most are then kept). A
// borrow can only flag a byte above a flagged one, so the lowest flag is
// always a true one.
inline std::uint64_t text_care_bits(std::uint64_t w) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ull;
  constexpr std::uint64_t high = 0x8080808080808080ull;
  const std::uint64_t control = (w - ones * 0x20) & ~w;
  const std::uint64_t d = w ^ (ones * 0x7F);
  const std::uint64_t del = (d - ones) & ~d;
  const std::uint64_t b = w ^ (ones * '\\');
  const std::uint64_t backslash = (b - ones) & ~b;
  return (control | del | backslash | w) & high;
}

// What the message holds at p: a run of n bytes kept as they are (n > 0),
// one byte to write as an escape (0), or a backslash to double (-1).
inline int text_unit(const unsigned char* p, const unsigned char* end) noexcept {
  const unsigned c = *p;
  if (c >= 0x20 && c < 0x7F) {
    if (c != '\\') return 1;
    if (p + 1 == end) return 1;
    const unsigned n = p[1];
    if (n == '\\' || n == 'n' || n == 'r' || n == 'x') return -1;
    return text_unit(p + 1, end) == 0 ? -1 : 1;
  }
  if (c == '\t') return 1;
  if (c < 0x80) return 0;
  const int n = utf8_sequence(p, end);
  if (n <= 0) return 0;
  if (c == 0xC2 && p[1] < 0xA0) return 0;  // C1: its lead byte, then its second alone
  return n;
}

#if SANDLOG_HAS_SSE2
// Bit masks of the 16 bytes of v: odd_bits, those to look at (C0, DEL and
// >= 0x80: the signed compare with 0x20 catches both ends); with
// escape_letter_bits, those that could make a backslash before them need
// doubling ('\\', 'n', 'r', 'x').
SANDLOG_FORCE_INLINE unsigned odd_bits(__m128i v) noexcept {
  return static_cast<unsigned>(_mm_movemask_epi8(
      _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)), _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F)))));
}
SANDLOG_FORCE_INLINE unsigned escape_letter_bits(__m128i v) noexcept {
  return static_cast<unsigned>(_mm_movemask_epi8(
      _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\')), _mm_cmpeq_epi8(v, _mm_set1_epi8('n'))),
                   _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('r')), _mm_cmpeq_epi8(v, _mm_set1_epi8('x'))))));
}
SANDLOG_FORCE_INLINE unsigned backslash_bits(__m128i v) noexcept {
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
}
#endif

// The first position at or after p (in a message that starts at `begin`)
// that is not kept as it is.
inline const unsigned char* text_clean_run(const unsigned char* begin, const unsigned char* p,
                                           const unsigned char* end) noexcept {
  (void)begin;
  for (;;) {
#if SANDLOG_HAS_SSE2
    // 16 bytes a step; a byte to look at stops it exactly there. A backslash
    // stops it only when the byte after it (the same bytes loaded one
    // further) could make it need doubling, so paths and JSON stay fast.
    // Two blocks a step while nothing is seen, to halve the loop's cost.
    while (end - p >= 33) {
      const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
      const __m128i lo = _mm_set1_epi8(0x1F), del = _mm_set1_epi8(0x7F), slash = _mm_set1_epi8('\\');
      // > 0x1F (signed) fails for C0 and >= 0x80: no byte to look at leaves all set.
      const __m128i fine = _mm_and_si128(_mm_cmpgt_epi8(a, lo), _mm_cmpgt_epi8(b, lo));
      const __m128i seen = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(a, del), _mm_cmpeq_epi8(b, del)),
                                        _mm_or_si128(_mm_cmpeq_epi8(a, slash), _mm_cmpeq_epi8(b, slash)));
      if (_mm_movemask_epi8(_mm_andnot_si128(seen, fine)) != 0xFFFF) break;
      p += 32;
    }
    while (end - p >= 17) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      unsigned look = odd_bits(v);
      unsigned slash = backslash_bits(v);
      if (SANDLOG_LIKELY((look | slash) == 0)) {
        p += 16;
        continue;
      }
      if (slash != 0) {
        const __m128i n = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 1));
        look |= slash & (odd_bits(n) | escape_letter_bits(n));
        if (look == 0) {
          p += 16;
          continue;
        }
      }
      p += sandlog::detail::lowest_bit(look);
      break;
    }
    // The last 1..16 bytes: the 16 that end the message, those before p
    // masked off; the byte after the last is the end, which never makes a
    // backslash need doubling.
    if (end - p < 17 && end - begin >= 16) {
      if (p == end) return p;
      const unsigned char* b = end - 16;
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b));
      const unsigned odd = odd_bits(v);
      const unsigned look = (odd | (backslash_bits(v) & ((odd | escape_letter_bits(v)) >> 1))) &
                            ~((1u << (p - b)) - 1u);
      if (look == 0) return end;
      p = b + sandlog::detail::lowest_bit(look);
    }
#endif
    while (end - p >= 8) {
      std::uint64_t w;
      std::memcpy(&w, p, 8);
      const std::uint64_t care = text_care_bits(w);
      if (care != 0) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        p += sandlog::detail::lowest_bit(care) / 8;
#endif
        break;
      }
      p += 8;
    }
    if (p == end) return p;
    const int n = text_unit(p, end);
    if (n <= 0) return p;
    p += n;
  }
}

inline char* write_escape(char* o, unsigned c) noexcept {
  static constexpr char hex[] = "0123456789abcdef";
  *o++ = '\\';
  if (c == '\n') {
    *o++ = 'n';
  } else if (c == '\r') {
    *o++ = 'r';
  } else {
    *o++ = 'x';
    *o++ = hex[c >> 4];
    *o++ = hex[c & 15];
  }
  return o;
}

inline int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace detail

// Calls sink(std::string_view) with the pieces of `message` escaped as the
// header comment says, in order. A message that needs no escape is one
// piece: the message itself. Escapes are gathered in a 1 KiB stack buffer,
// so nothing is allocated here.
template <class Sink>
void escape_text(std::string_view message, Sink&& sink, final_cr cr = final_cr::drop) {
  if (cr == final_cr::drop && !message.empty() && message.back() == '\r') message.remove_suffix(1);
  const auto begin = reinterpret_cast<const unsigned char*>(message.data());
  const auto end = begin + message.size();
  auto p = begin;
  constexpr std::size_t room = 1024;
  char tmp[room];
  while (p != end) {
    const unsigned char* q = detail::text_clean_run(begin, p, end);
    if (q != p) sink(std::string_view(reinterpret_cast<const char*>(p), static_cast<std::size_t>(q - p)));
    if (q == end) return;
    // A run of escapes, until a byte that is kept or the buffer is full.
    char* o = tmp;
    p = q;
    while (p != end && o - tmp <= static_cast<std::ptrdiff_t>(room - 4)) {
      const int n = detail::text_unit(p, end);
      if (n > 0) break;
      if (n < 0) {
        *o++ = '\\';
        *o++ = '\\';
      } else {
        o = detail::write_escape(o, *p);
      }
      ++p;
    }
    sink(std::string_view(tmp, static_cast<std::size_t>(o - tmp)));
  }
}

// Appends `message` escaped to `out` (for `text` output: the renderer calls
// this for each record's message). Allocates only if `out` must grow.
inline void append_text_escaped(out_buffer& out, std::string_view message,
                                final_cr cr = final_cr::drop) {
  escape_text(message, [&out](std::string_view piece) { out.append(piece); }, cr);
}

// The escaped form as a string, for messages on stderr. CR kept by default:
// an argument or excerpt is shown whole.
inline std::string escaped_text(std::string_view message, final_cr cr = final_cr::keep) {
  std::string s;
  escape_text(message, [&s](std::string_view piece) { s.append(piece); }, cr);
  return s;
}

// The bytes escape_text was given (less a dropped final CR): \\ \n \r and
// \xHH (either case) are decoded, any other backslash is itself. Defined on
// every string; exact on escape_text's output.
inline std::string unescape_text(std::string_view text) {
  std::string s;
  s.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '\\' || i + 1 == text.size()) {
      s.push_back(c);
      continue;
    }
    const char n = text[i + 1];
    if (n == '\\') {
      s.push_back('\\');
      ++i;
    } else if (n == 'n') {
      s.push_back('\n');
      ++i;
    } else if (n == 'r') {
      s.push_back('\r');
      ++i;
    } else if (n == 'x' && i + 3 < text.size() &&
               detail::hex_value(text[i + 2]) >= 0 && detail::hex_value(text[i + 3]) >= 0) {
      s.push_back(static_cast<char>(detail::hex_value(text[i + 2]) * 16 + detail::hex_value(text[i + 3])));
      i += 3;
    } else {
      s.push_back(c);
    }
  }
  return s;
}

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_TEXT_ESCAPE_HPP
