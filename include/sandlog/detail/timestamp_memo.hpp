// sandlog: timestamp_memo and the parse_timestamp overload that uses it: the
// whole second of the last timestamp remembered, for streams of timestamps
// that share it. Public names of timestamp.hpp, which includes this header.
#ifndef SANDLOG_DETAIL_TIMESTAMP_MEMO_HPP
#define SANDLOG_DETAIL_TIMESTAMP_MEMO_HPP

#include <cstdint>

#include "../config.hpp"
#include "../error.hpp"
#include "../vocabulary.hpp"
#include "swar.hpp"
#include "timestamp_fast.hpp"
#include "timestamp_general.hpp"

namespace sandlog {

// The whole second of the last timestamp parsed through it, for streams of
// timestamps that share it: log lines written in the same second share the
// 19 bytes "YYYY-MM-DDTHH:MM:SS", and the calendar math for them need not be
// done again. It keeps those bytes and the local time they name (before
// any offset), so the offset of each timestamp is still read and applied,
// and only seconds 00..59 of hours 00..23 are kept (a leap second or 24:00
// always takes the full parse). A fresh memo holds 1970-01-01T00:00:00.
// Copyable; 32 bytes; allocates nothing.
class timestamp_memo {
 public:
  constexpr timestamp_memo() noexcept = default;
  // Forgets the remembered second.
  constexpr void reset() noexcept { *this = timestamp_memo(); }

 private:
  friend parse_result parse_timestamp(const char*, const char*, timestamp&, timestamp_memo&,
                                      timestamp_options) noexcept;
  // The three words detail::load_fixed reads, and the local seconds they
  // name. The starting value is a real entry, so a hit needs no flag.
  detail::fixed_words words_ = {detail::text_bytes("1970-01-"), detail::text_bytes("01T00:00"),
                                detail::text_bytes("00:00:00")};
  std::int64_t local_ = 0;
};

// Like parse_timestamp above, with the same result for every input and
// options, and `memo` remembering the whole second: a timestamp in the same
// second as the last one that went through `memo` costs only its fraction
// and zone. `memo` may be shared by any number of calls with any options; a
// failed parse leaves it as it was or holding the failed text's valid
// second. Never reads at or past `last`; allocates nothing.
SANDLOG_FORCE_INLINE parse_result parse_timestamp(const char* first, const char* last,
                                                  timestamp& out, timestamp_memo& memo,
                                                  timestamp_options opts = {}) noexcept {
  const char* end = nullptr;
  const bool comma = opts.grammar == syntax::iso8601;
  if (SANDLOG_LIKELY(last - first >= 20)) {
    const detail::fixed_words w = detail::load_fixed(first);
    const detail::fixed_words& m = memo.words_;
    if (SANDLOG_LIKELY(((w.w0 ^ m.w0) | (w.w1 ^ m.w1) | (w.w2 ^ m.w2)) == 0)) {
      if (detail::parse_tail(first, last, memo.local_, out, end, comma)) return {end, error::ok};
    } else {
      std::int64_t local;
      if (detail::fixed_fields(w, local)) {
        memo.words_ = w;
        memo.local_ = local;
        if (detail::parse_tail(first, last, local, out, end, comma)) return {end, error::ok};
      }
    }
  }
  return detail::parse_general(first, last, out, opts.grammar, opts.leap, opts.assume_utc);
}
}  // namespace sandlog

#endif  // SANDLOG_DETAIL_TIMESTAMP_MEMO_HPP
