// sandlog: format_timestamp and its options — an instant written as RFC 3339,
// the fields converted and stored a word at a time. Public names of
// timestamp.hpp, which includes this header.
#ifndef SANDLOG_DETAIL_TIMESTAMP_FORMAT_HPP
#define SANDLOG_DETAIL_TIMESTAMP_FORMAT_HPP

#include <cstddef>
#include <cstdint>

#include "../config.hpp"
#include "../vocabulary.hpp"
#include "bits.hpp"
#include "calendar.hpp"
#include "digits.hpp"
#include "swar.hpp"

namespace sandlog {

// How many fraction digits format_timestamp writes. Fewer than 9 truncate
// (toward the past), as RFC 3339 writers do.
enum class fraction_digits : std::uint8_t {
  shortest,  // 0..9 digits, trailing zeros trimmed: exact (Docker's form)
  none,      // whole seconds
  milli,     // 3
  micro,     // 6
  nano,      // 9: exact
};

// Which offset format_timestamp writes the instant in.
enum class zone : std::uint8_t {
  utc,     // "Z"
  stored,  // timestamp::offset_minutes ("Z" when it is 0)
};

struct format_options {
  fraction_digits fraction = fraction_digits::shortest;
  zone offset = zone::utc;
};

// The longest text format_timestamp writes: "YYYY-MM-DDTHH:MM:SS.nnnnnnnnn+HH:MM".
inline constexpr std::size_t max_timestamp_chars = 35;

namespace detail {

// The first byte of every digit pair in a text of digits and literals (as
// text_word takes it), marked 0x0F: where ascii_pairs puts a tens digit.
constexpr std::uint64_t pair_starts(const char (&text)[9]) noexcept {
  std::uint64_t v = 0;
  int run = 0;
  for (int i = 0; i < 8; ++i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    run = digit ? run + 1 : 0;
    if (run % 2 == 1) v |= std::uint64_t{0x0F} << (8 * i);
  }
  return v;
}

// Writes two-digit numbers into a text at once. x holds each number (< 100)
// at the first byte of its pair (Starts, from pair_starts); the result is the
// text with those digits in place. x * 103 >> 10 is x / 10 for x < 179, and
// each product fits in the 16 bits of its own pair, so the pairs never mix.
template <std::uint64_t Text, std::uint64_t Starts>
SANDLOG_FORCE_INLINE std::uint64_t ascii_pairs(std::uint64_t x) noexcept {
  const std::uint64_t tens = ((x * 103) >> 10) & Starts;
  return Text | tens | ((x - tens * 10) << 8);
}
#define SANDLOG_TS_ASCII_PAIRS(text, x) \
  ascii_pairs<text_word(text, false), pair_starts(text)>(x)

}  // namespace detail

// Writes ts as RFC 3339 into out, which must have room for
// max_timestamp_chars bytes (all of which it may use as scratch); no
// terminating NUL. Returns one past the last byte of the timestamp, or
// nullptr (the content of out unspecified) when the instant cannot be written
// in that form: a year outside 0000..9999 in the chosen offset, nanos not
// below 10^9, or a stored offset beyond ±23:59. Allocates nothing.
inline char* format_timestamp(const timestamp& ts, char* out, format_options opts = {}) noexcept {
  const int off = opts.offset == zone::stored ? ts.offset_minutes : 0;
  if (ts.nanos >= 1000000000u || off < -1439 || off > 1439) return nullptr;
  // Local seconds since 0000-01-01T00:00:00, wrapping: one unsigned compare
  // rejects both ends, as no int64 input can wrap back into the range.
  constexpr std::uint64_t span = static_cast<std::uint64_t>(detail::last_day - detail::first_day + 1) * 86400;
  const std::uint64_t local = static_cast<std::uint64_t>(ts.seconds) + static_cast<std::uint64_t>(off * 60) -
                              static_cast<std::uint64_t>(detail::first_day * 86400);
  if (local >= span) return nullptr;
  // 86400 = 2^7 * 675, and local >> 7 fits 32 bits: a cheaper division.
  const auto days = static_cast<std::uint32_t>(local >> 7) / 675;
  const auto sod = static_cast<std::uint32_t>(local - std::uint64_t{days} * 86400);
  const detail::civil_fields d = detail::civil_from_days_0_9999(days);
  const std::uint32_t minutes = sod / 60, hour = minutes / 60;

  using detail::ascii_pairs;
  using detail::pair_starts;
  using detail::text_word;
  detail::store<8>(out, SANDLOG_TS_ASCII_PAIRS("0000-00-", (d.year / 100) | (std::uint64_t{d.year % 100} << 16) |
                                                             (std::uint64_t{d.month} << 40)));
  detail::store<8>(out + 8, SANDLOG_TS_ASCII_PAIRS("00T00:00", d.day | (std::uint64_t{hour} << 24) |
                                                                 (std::uint64_t{minutes - hour * 60} << 48)));
  // ":SS." and the first fraction digit, then the other 8 digits; a shorter
  // fraction is the start of these, and the zone is written over the rest.
  const std::uint32_t first = ts.nanos / 100000000, rest = ts.nanos - first * 100000000;
  const std::uint64_t rest_text = detail::eight_ascii(rest);
  detail::store<8>(out + 16, SANDLOG_TS_ASCII_PAIRS(":00.\0\0\0\0", std::uint64_t{sod - minutes * 60} << 8) |
                               (std::uint64_t{'0' + first} << 32));
  detail::store<8>(out + 21, rest_text);
  unsigned digits = 0;
  switch (opts.fraction) {
    case fraction_digits::none: break;
    case fraction_digits::milli: digits = 3; break;
    case fraction_digits::micro: digits = 6; break;
    case fraction_digits::nano: digits = 9; break;
    case fraction_digits::shortest: {
      // Trailing zero digits are the high zero bytes of the digit values.
      const std::uint64_t values = rest_text ^ 0x3030303030303030u;
      digits = values != 0 ? 9 - detail::leading_zeros(values) / 8 : (first != 0);
      break;
    }
  }
  char* p = out + 19 + digits + (digits != 0);
  if (off == 0) {
    *p = 'Z';
    return p + 1;
  }
  const auto a = static_cast<unsigned>(off < 0 ? -off : off);
  const unsigned oh = a / 60;
  // '-' is '+' + 2.
  const std::uint64_t zone_text = SANDLOG_TS_ASCII_PAIRS("+00:00\0\0", (std::uint64_t{oh} << 8) |
                                                                         (std::uint64_t{a - oh * 60} << 32)) +
                                  (off < 0 ? 2u : 0u);
  detail::store<6>(p, zone_text);
  return p + 6;
}
#undef SANDLOG_TS_ASCII_PAIRS
}  // namespace sandlog

#endif  // SANDLOG_DETAIL_TIMESTAMP_FORMAT_HPP
