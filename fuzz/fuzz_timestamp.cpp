// Fuzzes parse_timestamp and format_timestamp.
//
// The first byte chooses the grammar, the leap-second policy, assume_utc and
// the format options; the rest is the text. Invariants: no crash and no read
// past the input; the result agrees with the slow reference parser (accept or
// reject, error kind, length consumed, instant and offset); the fast path
// agrees with the general parser; whatever parses formats and parses back to
// the same instant.
#include <cstddef>
#include <cstdint>

#include "fuzz_util.hpp"
#include "sandlog/timestamp.hpp"
#include "support/timestamp_reference.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sandlog_fuzz::input in(data, size);
  const std::uint8_t choice = in.byte();
  sandlog::timestamp_options opts;
  opts.grammar = (choice & 1) != 0 ? sandlog::syntax::iso8601 : sandlog::syntax::rfc3339;
  const int leap_choice = (choice >> 1) % 3;
  opts.leap = leap_choice == 0   ? sandlog::leap_second::clamp
              : leap_choice == 1 ? sandlog::leap_second::reject
                                 : sandlog::leap_second::next_second;
  opts.assume_utc = (choice & 8) != 0;
  sandlog::format_options fmt;
  fmt.fraction = static_cast<sandlog::fraction_digits>((choice >> 4) % 5);
  fmt.offset = (choice & 0x80) != 0 ? sandlog::zone::stored : sandlog::zone::utc;

  const sandlog_fuzz::exact_buffer text(in.rest());
  const char* first = text.view().data();
  const char* last = first + text.view().size();

  sandlog::timestamp ts;
  const sandlog::parse_result r = sandlog::parse_timestamp(first, last, ts, opts);
  SANDLOG_FUZZ_ASSERT(r.ptr >= first && r.ptr <= last);

  sandlog::timestamp slow;
  const sandlog::parse_result g = sandlog::detail::parse_general(first, last, slow, opts);
  SANDLOG_FUZZ_ASSERT(g.ec == r.ec && g.ptr == r.ptr);

  const sandlog_ref::leap ref_leap = leap_choice == 0   ? sandlog_ref::leap::clamp
                                     : leap_choice == 1 ? sandlog_ref::leap::reject
                                                        : sandlog_ref::leap::next_second;
  const sandlog_ref::result ref =
      sandlog_ref::parse(text.view(), opts.grammar == sandlog::syntax::iso8601, ref_leap,
                         opts.assume_utc);
  SANDLOG_FUZZ_ASSERT(ref.ec == r.ec);
  if (!r) return 0;
  SANDLOG_FUZZ_ASSERT(slow == ts && slow.offset_minutes == ts.offset_minutes);
  SANDLOG_FUZZ_ASSERT(ref.consumed == static_cast<std::size_t>(r.ptr - first));
  SANDLOG_FUZZ_ASSERT(ref.seconds == ts.seconds && ref.nanos == ts.nanos);
  SANDLOG_FUZZ_ASSERT(ref.offset == ts.offset_minutes);
  SANDLOG_FUZZ_ASSERT(ts.nanos < 1000000000u);

  // Every parsed instant can be written exactly in the offset it was read in.
  char buf[sandlog::max_timestamp_chars];
  char* end = sandlog::format_timestamp(ts, buf, {sandlog::fraction_digits::shortest,
                                                  sandlog::zone::stored});
  if (end == nullptr) {
    // Only when its time in the stored offset falls outside years 0000..9999
    // (an offset read with seconds is stored in whole minutes, which can
    // carry 9999-12-31T23:59:59 into the next year).
    const std::int64_t local = ts.seconds + std::int64_t{ts.offset_minutes} * 60;
    SANDLOG_FUZZ_ASSERT(local < std::int64_t{sandlog::detail::first_day} * 86400 ||
                        local >= (std::int64_t{sandlog::detail::last_day} + 1) * 86400);
    return 0;
  }
  SANDLOG_FUZZ_ASSERT(end - buf <= static_cast<std::ptrdiff_t>(sizeof buf));
  sandlog::timestamp back;
  SANDLOG_FUZZ_ASSERT(sandlog::parse_timestamp(buf, end, back).ptr == end);
  SANDLOG_FUZZ_ASSERT(back == ts && back.offset_minutes == ts.offset_minutes);

  // In the chosen form it parses back to the instant, truncated to its digits.
  end = sandlog::format_timestamp(ts, buf, fmt);
  if (end == nullptr) {
    // Only a UTC year outside 0000..9999 is unwritable.
    SANDLOG_FUZZ_ASSERT(fmt.offset == sandlog::zone::utc);
    SANDLOG_FUZZ_ASSERT(ts.seconds < -62167219200 || ts.seconds > 253402300799);
    return 0;
  }
  SANDLOG_FUZZ_ASSERT(sandlog::parse_timestamp(buf, end, back).ptr == end);
  static constexpr std::int64_t unit[5] = {1, 1000000000, 1000000, 1000, 1};
  const std::int64_t step = unit[static_cast<int>(fmt.fraction)];
  SANDLOG_FUZZ_ASSERT(back <= ts);
  const std::int64_t behind =
      (ts.seconds - back.seconds) * 1000000000 + (static_cast<std::int64_t>(ts.nanos) - back.nanos);
  SANDLOG_FUZZ_ASSERT(behind < step && static_cast<std::int64_t>(back.nanos) % step == 0);

  // Unix nanoseconds, where they reach, are the same instant.
  std::int64_t ns = 0;
  if (sandlog::to_unix_nanos(ts, ns)) SANDLOG_FUZZ_ASSERT(sandlog::from_unix_nanos(ns) == ts);
  return 0;
}
