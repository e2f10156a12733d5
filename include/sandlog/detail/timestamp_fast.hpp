// sandlog: the fast path of parse_timestamp — the fixed fields of
// "YYYY-MM-DDTHH:MM:SS" validated and converted a word at a time, then the
// fraction and the zone. Returns false for every other shape, which goes to
// parse_general (timestamp_general.hpp).
#ifndef SANDLOG_DETAIL_TIMESTAMP_FAST_HPP
#define SANDLOG_DETAIL_TIMESTAMP_FAST_HPP

#include <cstddef>
#include <cstdint>

#include "../config.hpp"
#include "../vocabulary.hpp"
#include "bits.hpp"
#include "digits.hpp"
#include "swar.hpp"

namespace sandlog {
namespace detail {

// ---- the fast path: SWAR validation and conversion of the fixed fields ----

// Checks the 8 bytes of w against a text of digits and literals (text_word,
// in swar.hpp) and
// returns the word with each digit replaced by its value and each literal by
// 0. Sets bits of `bad` unless every byte fits. After the XOR a byte fits
// when its value t is at most its limit L (< 0x80): (0x80 | L) - t keeps bit
// 7 exactly then, and no byte borrows from the next unless some t already has
// bit 7 set, which flags it by itself.
template <std::uint64_t Text, std::uint64_t Limit>
SANDLOG_FORCE_INLINE std::uint64_t match8(std::uint64_t w, std::uint64_t& bad) noexcept {
  constexpr std::uint64_t high = 0x8080808080808080u;
  const std::uint64_t t = w ^ Text;
  bad |= (t | ~((Limit | high) - t)) & high;
  return t;
}
#define SANDLOG_TS_MATCH8(text, w, bad) \
  match8<text_word(text, false), text_word(text, true)>(w, bad)

// Bytes i and i+1 of a digit-value word combine into the two-digit number at byte i.
SANDLOG_FORCE_INLINE std::uint64_t pairs(std::uint64_t t) noexcept { return t * 10 + (t >> 8); }
SANDLOG_FORCE_INLINE unsigned byte_at(std::uint64_t v, int i) noexcept {
  return static_cast<unsigned>(v >> (8 * i)) & 0xFFu;
}

// Indexed by [year % 4][month] (a multiple of 100 counts by its century),
// for the months 0..19 that two digits with a tens digit of at most 1 can
// name: the length of the month (0 when there is no such month, so no day
// fits) and the days of the year before it. Row 0 is the leap year; indexing
// by the remainder itself saves turning it into a flag.
constexpr std::uint8_t month_length[4][32] = {
    {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
    {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
    {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31},
    {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}};
constexpr std::uint16_t days_before_month[4][32] = {
    {0, 0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335},
    {0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334},
    {0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334},
    {0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334}};

// Reads the zone at p, "Z", "z" or "±HH:MM" (19 bytes precede p), and
// stores the instant whose local time is `local` seconds past the epoch.
SANDLOG_FORCE_INLINE bool parse_zone(const char* p, const char* last, std::int64_t local,
                                     std::uint32_t nanos, timestamp& out, const char*& end) noexcept {
  std::int64_t offset_seconds = 0;
  int offset = 0;
  if ((*p | 0x20) == 'z') {
    ++p;
  } else {
    if (last - p < 6) return false;
    // "±HH:MM" in one load that ends with it, checked like the fixed fields
    // with the sign byte cleared. The sign is '+' or '-' (43 or 45) when
    // sign - '+' is 0 or 2, and then 44 - sign is 1 or -1.
    const std::uint64_t w = load8(p - 2) >> 16;
    const auto sign = static_cast<std::int64_t>(w & 0xFF);
    std::uint64_t off_bad = static_cast<std::uint64_t>(sign - '+') & ~std::uint64_t{2};
    constexpr char offset_text[9] = {0, '2', '9', ':', '5', '9', 0, 0, 0};
    const std::uint64_t u = pairs(SANDLOG_TS_MATCH8(offset_text, w & ~std::uint64_t{0xFF}, off_bad));
    if ((off_bad != 0) | (byte_at(u, 1) > 23)) return false;
    // Hours (byte 1) and minutes (byte 4) weighted in one multiply each, read
    // at bit 40: as minutes for the record, as seconds for the instant (the
    // two are independent, and the minutes vanish when nobody reads them).
    const std::uint64_t hm = u & 0x000000FF0000FF00u;
    offset = static_cast<int>((hm * ((std::uint64_t{60} << 32) | (1u << 8))) >> 40) *
             static_cast<int>(44 - sign);
    offset_seconds = static_cast<std::int64_t>((hm * ((std::uint64_t{3600} << 32) | (60u << 8))) >> 40) *
                     (44 - sign);
    p += 6;
    // ":SS" after the offset is an offset with seconds: parse_general reads
    // it (lenient) or rejects it (strict). A well-predicted test of one byte.
    if (SANDLOG_UNLIKELY(p != last && *p == ':') && last - p >= 2 && is_digit(p[1])) return false;
  }
  out.seconds = local - offset_seconds;
  out.nanos = nanos;
  out.offset_minutes = static_cast<std::int16_t>(offset);
  end = p;
  return true;
}

// The 19 fixed bytes "YYYY-MM-DDTHH:MM:SS" as the three overlapping words
// that cover them (bytes 0..7, 8..15, 11..18).
struct fixed_words {
  std::uint64_t w0, w1, w2;
};
SANDLOG_FORCE_INLINE fixed_words load_fixed(const char* first) noexcept {
  return {load8(first), load8(first + 8), load8(first + 11)};
}

// Checks the fixed bytes of the common shape and, when they hold a valid
// date and a time of 00:00:00..23:59:59, stores the local time they name in
// seconds since the epoch. Returns false for anything else (including every
// error, a leap second :60, hour 24 and the lenient forms).
// Nothing that varies between timestamps of one shape (month, day) steers a
// branch: only the shape itself does.
SANDLOG_FORCE_INLINE bool fixed_fields(fixed_words w, std::int64_t& local_out) noexcept {
  // Three overlapping words cover bytes 0..18; the limits already bound the
  // month to 0..19, the day to 0..39, the hour to 0..29 and minute and second
  // to 0..59 (so a leap second :60 goes to parse_general).
  std::uint64_t bad = 0;
  const std::uint64_t u0 = pairs(SANDLOG_TS_MATCH8("9999-19-", w.w0, bad));
  // 'T' | 0x20 == 't' | 0x20 == 't': fold the case of the separator (byte 10).
  const std::uint64_t u1 =
      pairs(SANDLOG_TS_MATCH8("39t29:59", w.w1 | (std::uint64_t{0x20} << 16), bad));
  const std::uint64_t u2 = pairs(SANDLOG_TS_MATCH8("29:59:59", w.w2, bad));
  const unsigned century = byte_at(u0, 0), yy = byte_at(u0, 2);
  const unsigned month = byte_at(u0, 5) & 31, day = byte_at(u1, 0);
  // 0 for a leap year: a multiple of 4, except a multiple of 100 (yy == 0)
  // unless of 400.
  const unsigned leap_row = (yy != 0 ? yy : century) & 3;
  // The hour (byte 3, at most 29 by its limit) is below 24 when adding
  // 128 - 24 leaves bit 7 clear. Unless bad is set already, no byte of u1 is
  // above 99, so nothing carries and no other byte reaches bit 7.
  bad |= (u1 + (std::uint64_t{128 - 24} << 24)) & 0x8080808080808080u;
  const bool ok = (bad == 0) & (day - 1 < month_length[leap_row][month]);
  if (SANDLOG_UNLIKELY(!ok)) return false;
  // Days before the year, from 0000-01-01: 365 per year plus a leap day for
  // every multiple of 4 before it, less those of 100, plus those of 400.
  const unsigned year = century * 100 + yy;
  // Hours (byte 3) * 60 + minutes (byte 6) in one multiply, read at bit 48.
  const auto minute_of_day =
      static_cast<std::uint32_t>(((u1 & 0x00FF0000FF000000u) * ((60u << 24) | 1u)) >> 48);
  const unsigned centuries = century + (yy != 0);  // multiples of 100 below year
  const unsigned days = 365 * year + (year + 3) / 4 - centuries + (centuries + 3) / 4 +
                        days_before_month[leap_row][month] + day - 1;
  local_out = (static_cast<std::int64_t>(days) - 719528) * 86400 +
              static_cast<std::int64_t>(minute_of_day * 60 + (u2 >> 48 & 0xFF));
  return true;
}

// Reads what follows the fixed bytes of a timestamp at `first` ("[.f+]" and
// the zone; at least 20 bytes are readable) and stores the instant whose
// local time, to the whole second, is `local`. Returns false to hand any
// other shape to parse_general.
SANDLOG_FORCE_INLINE bool parse_tail(const char* first, const char* last, std::int64_t local,
                                     timestamp& out, const char*& end, bool comma) noexcept {
  const char* p = first + 19;
  std::uint32_t nanos = 0;
  if (*p == '.' || (comma && *p == ',')) {
    ++p;
    if (last - p >= 8) {
      // Count the leading digits of the next 8 bytes and convert them at once.
      // A byte is a digit when its value t is at most 9: t + 0x76 and t keep
      // bit 7 clear. Carries only run upwards, so the lowest flag is exact.
      const std::uint64_t t = load8(p) ^ 0x3030303030303030u;
      const std::uint64_t nondigit = (t | (t + 0x7676767676767676u)) & 0x8080808080808080u;
      if (static_cast<std::uint32_t>(nondigit) == 0x80000000u) {
        // Exactly 3 digits: milliseconds, the common short fraction. Its own
        // branch, predicted alike for a whole log, puts the offset at a known
        // place, so reading it need not wait for the digits to be counted.
        // (At least 8 bytes follow the mark, so the zone byte is readable.)
        nanos = (byte_at(t, 0) * 100 + byte_at(t, 1) * 10 + byte_at(t, 2)) * 1000000;
        return parse_zone(first + 23, last, local, nanos, out, end);
      } else if (nondigit != 0) {
        if ((nondigit & 0x80) != 0) return false;  // no digit
        // The n digits alone, read as the first of 8, are their value times
        // 10^(8 - n): one more factor 10 makes nanoseconds, for any n. The
        // lowest flag, bit 8n + 7, gives the mask of the digits without a
        // shift by a variable count (slow, and on the way to the offset).
        const std::uint64_t first_flag = nondigit & (0 - nondigit);
        nanos = eight_digits(t & ((first_flag >> 7) - 1)) * 10;
        p += lowest_bit(nondigit) >> 3;
      } else {
        nanos = eight_digits(t) * 10;
        p += 8;
        if (p != last && is_digit(*p)) nanos += static_cast<std::uint32_t>(*p++ - '0');
        while (p != last && is_digit(*p)) ++p;
      }
    } else {
      int n = 0;
      for (; p != last && is_digit(*p); ++p) {
        if (n < 9) {
          nanos = nanos * 10 + static_cast<std::uint32_t>(*p - '0');
          ++n;
        }
      }
      if (n == 0) return false;
      nanos *= pow10_u32[9 - n];
    }
    if (p == last) return false;
  }
  return parse_zone(p, last, local, nanos, out, end);
}
#undef SANDLOG_TS_MATCH8

// Parses the common shape "YYYY-MM-DDTHH:MM:SS[.f+](Z|±HH:MM)" when at least
// 20 bytes are readable. Returns false to hand anything else to
// parse_general, which decides.
SANDLOG_FORCE_INLINE bool parse_fast(const char* first, const char* last, timestamp& out,
                                     const char*& end, bool comma) noexcept {
  std::int64_t local;
  // Computed before the fraction and offset, whose positions depend on the
  // input, so the two chains of work overlap.
  if (SANDLOG_UNLIKELY(!fixed_fields(load_fixed(first), local))) return false;
  return parse_tail(first, last, local, out, end, comma);
}

}  // namespace detail
}  // namespace sandlog

#endif  // SANDLOG_DETAIL_TIMESTAMP_FAST_HPP
