// sandlog: cursors that walk a paginated log API without losing or repeating
// entries.
//
// offset_cursor: `start` counts entries (start=0&limit=10, then start=10…);
// the walk is done when a page comes back shorter than asked.
//
// timestamp_cursor: `start` is a millisecond timestamp and the server returns
// the entries at or after it. Resuming from the last entry's millisecond
// would repeat the entries at that millisecond, and resuming one millisecond
// later would lose those the page cut off. So the cursor re-requests from the
// last millisecond, inclusively, and skips as many entries at that exact
// millisecond as it has already delivered (counted in duplicates_skipped()).
// That needs the server to return entries of one millisecond in a stable
// order, which every offset-free API that paginates this way must do anyway.
// So that each page still brings `limit` new entries, the next request asks
// for `limit` plus the entries to be skipped, up to max_limit. A run of one
// millisecond too long for max_limit can never be paged past: when a full
// page brings nothing new, the cursor moves one millisecond on and counts a
// stall (stalls()): the rest of that millisecond cannot be fetched through
// this API, and the caller learns it instead of looping forever.
//
// Neither cursor allocates, fails or does I/O: the caller makes the requests.
#ifndef SANDLOG_PAGINATION_HPP
#define SANDLOG_PAGINATION_HPP

#include <cstddef>
#include <cstdint>

#include "config.hpp"
#include "vocabulary.hpp"

namespace sandlog {

// The query of the next page: ?start=<start>&limit=<limit>.
struct page_request {
  std::int64_t start;
  std::uint32_t limit;
};

class offset_cursor {
 public:
  // Starts at entry `start`, asking for `limit` (at least 1) entries a page.
  explicit offset_cursor(std::int64_t start = 0, std::uint32_t limit = 10) noexcept
      : start_(start), limit_(limit == 0 ? 1 : limit) {}

  // The page to ask for next.
  page_request next() const noexcept { return {start_, limit_}; }

  // Records a page of `received` entries; a page shorter than asked ends the walk.
  void page_received(std::size_t received) noexcept {
    start_ += static_cast<std::int64_t>(received);
    if (received < limit_) done_ = true;
  }

  bool done() const noexcept { return done_; }
  // The offset of the next entry not yet received.
  std::int64_t position() const noexcept { return start_; }

 private:
  std::int64_t start_;
  std::uint32_t limit_;
  bool done_ = false;
};

// Milliseconds since the epoch, rounded toward the past (so an entry at
// 10.9999 s belongs to millisecond 10999, as servers truncate).
constexpr std::int64_t to_unix_millis(const timestamp& t) noexcept {
  return t.seconds * 1000 + static_cast<std::int64_t>(t.nanos / 1000000u);
}

class timestamp_cursor {
 public:
  // Starts at millisecond `start_ms`, asking for `limit` new entries a page
  // and never more than `max_limit` (the server's cap) in one request.
  explicit timestamp_cursor(std::int64_t start_ms, std::uint32_t limit = 100,
                            std::uint32_t max_limit = 1000) noexcept
      : boundary_(start_ms),
        limit_(limit == 0 ? 1 : limit),
        max_limit_(max_limit < limit_ ? limit_ : max_limit) {}

  // The page to ask for next; starts a page: pass each of its entries to
  // accept(), in order, then call finish_page().
  page_request next() noexcept {
    const std::uint64_t want = std::uint64_t{limit_} + seen_at_boundary_;
    asked_ = want > max_limit_ ? max_limit_ : static_cast<std::uint32_t>(want);
    skip_ = seen_at_boundary_;
    received_ = 0;
    fresh_ = 0;
    return {boundary_, asked_};
  }

  // Whether the entry at `t` is new (deliver it) or one already delivered
  // (skip it). Entries before the requested millisecond are skipped too.
  bool accept(const timestamp& t) noexcept {
    ++received_;
    const std::int64_t ms = to_unix_millis(t);
    if (ms < boundary_) return skipped();
    if (ms == boundary_) {
      if (skip_ != 0) {
        --skip_;
        return skipped();
      }
      ++seen_at_boundary_;
    } else {
      boundary_ = ms;
      seen_at_boundary_ = 1;
      skip_ = 0;
    }
    ++fresh_;
    ++delivered_;
    return true;
  }

  // Ends the page: a page shorter than asked means the walk has caught up
  // (done() until the next full page); a full page with nothing new is a
  // stall, and the cursor moves past that millisecond.
  void finish_page() noexcept {
    done_ = received_ < asked_;
    if (!done_ && fresh_ == 0) {
      ++stalls_;
      ++boundary_;
      seen_at_boundary_ = 0;
    }
  }

  bool done() const noexcept { return done_; }
  // The millisecond the next request starts at.
  std::int64_t position() const noexcept { return boundary_; }
  std::uint64_t delivered() const noexcept { return delivered_; }
  std::uint64_t duplicates_skipped() const noexcept { return duplicates_; }
  std::uint64_t stalls() const noexcept { return stalls_; }

 private:
  bool skipped() noexcept {
    ++duplicates_;
    return false;
  }

  std::int64_t boundary_;              // the last delivered entry's millisecond
  std::uint64_t seen_at_boundary_ = 0;  // entries delivered at that millisecond
  std::uint32_t limit_;
  std::uint32_t max_limit_;
  std::uint32_t asked_ = 0;
  std::uint64_t skip_ = 0;
  std::uint64_t received_ = 0;
  std::uint64_t fresh_ = 0;
  std::uint64_t delivered_ = 0;
  std::uint64_t duplicates_ = 0;
  std::uint64_t stalls_ = 0;
  bool done_ = false;
};

}  // namespace sandlog

#endif  // SANDLOG_PAGINATION_HPP
