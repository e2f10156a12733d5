// sandlog: following a log stream — client-side tail, a since/until window,
// and a resume cursor that reconnects without losing or repeating lines.
//
// tail_buffer keeps the last N lines under a byte bound, for servers without
// tail_lines. time_window filters records by time. resume_cursor watches the
// records a follower delivers; after a disconnect it gives the since_time to
// ask for and drops, one by one, the replayed records that were already
// delivered (Kubernetes' sinceTime is whole seconds and inclusive, so a resume
// replays up to a second of lines).
#ifndef SANDLOG_FOLLOW_HPP
#define SANDLOG_FOLLOW_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

#include "config.hpp"
#include "detail/sink.hpp"
#include "error.hpp"
#include "vocabulary.hpp"

namespace sandlog {

// ---------------------------------------------------------------------------
// tail_buffer
// ---------------------------------------------------------------------------

// The last max_lines lines, owned, in at most max_bytes bytes of text.
//
// Layout: one contiguous byte ring of max_bytes plus an index ring of
// max_lines (offset, length) slots, both allocated by the constructor; push()
// never allocates. A line is stored in one piece so it can be viewed: when it
// does not fit before the end of the byte ring it goes to the front, and the
// gap left at the end counts as used until the lines before it are evicted.
// So the bytes held may be somewhat under max_bytes, never over.
class tail_buffer {
 public:
  // Allocates max_bytes + 24 * max_lines bytes (a bound of 0 acts as 1).
  explicit tail_buffer(std::size_t max_lines, std::size_t max_bytes = std::size_t{1} << 20)
      : lines_cap_(max_lines == 0 ? 1 : max_lines),
        bytes_cap_(max_bytes == 0 ? 1 : max_bytes),
        bytes_(bytes_cap_),
        slots_(lines_cap_) {}

  // Copies `text` in as the newest line, evicting the oldest lines as needed.
  // A line longer than max_bytes keeps its first max_bytes bytes and is
  // flagged truncated; returns false then. Never allocates.
  bool push(std::string_view text) noexcept {
    const bool whole = text.size() <= bytes_cap_;
    const std::size_t n = whole ? text.size() : bytes_cap_;
    std::size_t at = write_ + n <= bytes_cap_ ? write_ : 0;
    std::size_t need = at == write_ ? n : bytes_cap_ - write_ + n;
    while (count_ != 0 && (count_ == lines_cap_ || span_ + need > bytes_cap_)) evict();
    if (count_ == 0) {
      write_ = span_ = 0;
      at = 0;
      need = n;
    }
    if (n != 0) std::memcpy(bytes_.data() + at, text.data(), n);
    slots_[(first_ + count_) % lines_cap_] = slot{at, n, !whole};
    ++count_;
    span_ += need;
    write_ = at + n;
    return whole;
  }

  // The number of lines held.
  std::size_t size() const noexcept { return count_; }
  bool empty() const noexcept { return count_ == 0; }

  // Line i, 0 being the oldest. The view lives until the next push() or
  // clear(). Requires i < size().
  std::string_view operator[](std::size_t i) const noexcept {
    const slot& s = slots_[(first_ + i) % lines_cap_];
    return {bytes_.data() + s.offset, s.length};
  }
  // Whether line i was cut to max_bytes.
  bool truncated(std::size_t i) const noexcept { return slots_[(first_ + i) % lines_cap_].cut; }

  // Calls f(std::string_view) for each line, oldest first. f may return
  // void or an error: one other than error::ok stops the walk and is
  // returned; else error::ok.
  template <class F>
  error for_each(F&& f) const {
    for (std::size_t i = 0; i < count_; ++i) {
      const error e = detail::call_sink(f, (*this)[i]);
      if (e != error::ok) return e;
    }
    return error::ok;
  }

  // Bytes of text held (without the gap at the end of the ring).
  std::size_t bytes() const noexcept {
    std::size_t total = 0;
    for (std::size_t i = 0; i < count_; ++i) total += slots_[(first_ + i) % lines_cap_].length;
    return total;
  }

  std::size_t max_lines() const noexcept { return lines_cap_; }
  std::size_t max_bytes() const noexcept { return bytes_cap_; }

  // Forgets every line; keeps the memory.
  void clear() noexcept { first_ = count_ = write_ = span_ = 0; }

 private:
  struct slot {
    std::size_t offset = 0;
    std::size_t length = 0;
    bool cut = false;
  };

  // Drops the oldest line and gives back the bytes from its start to the
  // start of the next line (its text plus any gap after it).
  void evict() noexcept {
    const slot& old = slots_[first_];
    first_ = (first_ + 1) % lines_cap_;
    --count_;
    if (count_ == 0) {
      span_ = 0;
      return;
    }
    const std::size_t next = slots_[first_].offset;
    std::size_t freed = next >= old.offset ? next - old.offset : bytes_cap_ - old.offset + next;
    if (freed == 0 && old.length != 0) freed = bytes_cap_;  // it filled the whole ring
    span_ -= freed;
  }

  std::size_t lines_cap_;
  std::size_t bytes_cap_;
  std::vector<char> bytes_;
  std::vector<slot> slots_;
  std::size_t first_ = 0;  // index slot of the oldest line
  std::size_t count_ = 0;
  std::size_t write_ = 0;  // byte offset just past the newest line
  std::size_t span_ = 0;   // bytes from the oldest line's start to write_, gaps included
};

// ---------------------------------------------------------------------------
// time_window
// ---------------------------------------------------------------------------

// Where a record falls relative to a time_window.
enum class window_position : std::uint8_t {
  before,   // earlier than since
  inside,   // since <= time < until
  after,    // at or after until: with ordered logs, nothing more will match
  untimed,  // the record has no timestamp
};

// A half-open time window [since, until): `since` is inclusive, like
// Kubernetes' sinceTime, and `until` exclusive, so adjacent windows split a
// stream without overlap. Either end may be left open.
struct time_window {
  std::optional<timestamp> since;
  std::optional<timestamp> until;
  bool keep_untimed = true;  // what accepts() says of records without a timestamp

  // Where `r` falls. Compares the full instant (seconds and nanoseconds).
  constexpr window_position locate(const log_record& r) const noexcept {
    if (!r.has_time) return window_position::untimed;
    if (since && r.time < *since) return window_position::before;
    if (until && !(r.time < *until)) return window_position::after;
    return window_position::inside;
  }

  // Whether `r` belongs to the window (untimed records: keep_untimed).
  constexpr bool accepts(const log_record& r) const noexcept {
    const window_position p = locate(r);
    return p == window_position::inside || (p == window_position::untimed && keep_untimed);
  }
};

// ---------------------------------------------------------------------------
// resume_cursor
// ---------------------------------------------------------------------------

// The resolution of the since_time the server understands.
enum class since_precision : std::uint8_t {
  seconds,      // whole seconds (Kubernetes sinceTime): replays up to a second
  nanoseconds,  // the exact instant: replays only lines sharing the last timestamp
};

struct resume_options {
  since_precision precision = since_precision::seconds;
  // Delivered records remembered for matching the replay: those of the last
  // timestamp (or second). 24 bytes each; the memory grows to this and stays.
  std::size_t max_remembered = 4096;
};

// What resume_cursor::admit says of a record.
enum class admit_verdict : std::uint8_t {
  deliver,  // new: hand it to the user
  replayed, // already delivered before the reconnect: drop it
};

// What resume_cursor has seen since construction; exact() is what to check.
struct resume_stats {
  std::uint64_t delivered = 0;   // records admitted as new
  std::uint64_t replayed = 0;    // replayed records dropped after matching them
  std::uint64_t older = 0;       // replayed records earlier than since_time, dropped
  std::uint64_t reconnects = 0;  // calls to reconnect()
  // Records skipped by count, without matching, because more than
  // max_remembered shared the last timestamp: a gap or a duplicate is
  // possible if the server's replay differs from what it first sent.
  std::uint64_t unverified = 0;
  // Replays that disagreed with what had been delivered (a record missing,
  // changed or reordered): a gap or a duplicate is possible.
  std::uint64_t mismatches = 0;
};

// Watches the records a follower delivers, so that after a reconnect it can
// name the since_time to ask for and drop exactly the records the server
// replays that were delivered already.
//
// It remembers each delivered record of the latest timestamp key (the second,
// or the exact instant) as (time, hash of stream and message). On reconnect
// the server replays every record at or after since_time; admit() matches the
// replay against what it remembers, in order, and drops the matches. So two
// identical lines with one timestamp are both kept: the first replayed copy
// matches the one delivered, the second does not. The server must replay in
// the order it first sent, and its since must be inclusive.
//
// Records without a timestamp take the key of the last timestamped record
// before them (or of the stream's start), since a replay carries them along
// with their neighbours. A stream with no timestamps at all resumes from the
// start and is matched by count and content, within max_remembered.
//
// Only complete records may be admitted: on a disconnect, discard the partial
// line the splitter holds (line_splitter::reset()), never finish() it; the
// server sends it again in full.
//
// Memory is bounded by max_remembered; past it, the records are skipped by
// count on replay, and stats().unverified says so. Never silent: exact() is
// false once anything may have been lost or repeated.
class resume_cursor {
 public:
  explicit resume_cursor(resume_options options = {}) noexcept : options_(options) {}

  // Decides whether `r`, the next complete record from the server, is new.
  // Allocates only while the memory of the last timestamp grows toward
  // max_remembered; never once warm.
  admit_verdict admit(const log_record& r) {
    const entry e = make_entry(r);
    if (replaying_) {
      const std::optional<admit_verdict> v = match_replay(e);
      if (v) return *v;
    }
    remember(e);
    ++stats_.delivered;
    return admit_verdict::deliver;
  }

  // Call when the connection is lost and another is about to be made.
  // Returns the since_time to send (truncated to the precision), or nullopt
  // when no timestamped record was delivered yet: then repeat the first
  // request (from the start, or with its own since_time). Allocates nothing.
  std::optional<timestamp> reconnect() noexcept {
    ++stats_.reconnects;
    replaying_ = true;
    match_ = 0;
    skipped_ = 0;
    return since_time();
  }

  // The since_time for a request made now (see reconnect()), without
  // starting to match a replay.
  std::optional<timestamp> since_time() const noexcept {
    if (!has_key_) return std::nullopt;
    timestamp t;
    t.seconds = key_.seconds;
    t.nanos = options_.precision == since_precision::seconds ? 0 : key_.nanos;
    return t;
  }

  // True while nothing may have been lost or repeated: no record was skipped
  // unverified and no replay disagreed with what was delivered.
  bool exact() const noexcept { return stats_.unverified == 0 && stats_.mismatches == 0; }

  // Whether the records of the current timestamp outgrew max_remembered, so
  // that the next replay would be skipped partly by count.
  bool over_limit() const noexcept { return forgotten_ != 0; }

  // True between reconnect() and the end of the replay.
  bool replaying() const noexcept { return replaying_; }

  const resume_stats& stats() const noexcept { return stats_; }
  const resume_options& options() const noexcept { return options_; }

 private:
  struct key {
    std::int64_t seconds = 0;
    std::uint32_t nanos = 0;
  };
  struct entry {
    std::int64_t seconds;  // the record's full time, or the inherited key
    std::uint32_t nanos;
    bool timed;
    std::uint64_t hash;
  };

  // A 64-bit hash of the stream and message; 8 bytes at a time.
  static std::uint64_t hash_of(const log_record& r) noexcept {
    constexpr std::uint64_t m = 0x9E3779B97F4A7C15ull;
    std::uint64_t h = 0x243F6A8885A308D3ull ^ (static_cast<std::uint64_t>(r.stream) << 56) ^
                      (static_cast<std::uint64_t>(r.partial) << 48) ^ r.message.size();
    const char* p = r.message.data();
    std::size_t n = r.message.size();
    auto mix = [&](std::uint64_t v) {
      h ^= v;
      h *= m;
      h ^= h >> 29;
    };
    for (; n >= 8; p += 8, n -= 8) {
      std::uint64_t v;
      std::memcpy(&v, p, 8);
      mix(v);
    }
    if (n != 0) {
      std::uint64_t v = 0;
      std::memcpy(&v, p, n);
      mix(v ^ 0xFF);
    }
    h ^= h >> 32;
    h *= m;
    return h ^ (h >> 29);
  }

  key key_of(std::int64_t seconds, std::uint32_t nanos) const noexcept {
    return options_.precision == since_precision::seconds ? key{seconds, 0} : key{seconds, nanos};
  }
  static int compare(key a, key b) noexcept {
    if (a.seconds != b.seconds) return a.seconds < b.seconds ? -1 : 1;
    if (a.nanos != b.nanos) return a.nanos < b.nanos ? -1 : 1;
    return 0;
  }

  entry make_entry(const log_record& r) const noexcept {
    entry e{};
    e.hash = hash_of(r);
    e.timed = r.has_time;
    if (r.has_time) {
      e.seconds = r.time.seconds;
      e.nanos = r.time.nanos;
    } else {
      e.seconds = key_.seconds;
      e.nanos = key_.nanos;
    }
    return e;
  }

  // During a replay: the verdict for `e`, or nullopt when the replay is over
  // and `e` is new.
  std::optional<admit_verdict> match_replay(const entry& e) noexcept {
    const int c = e.timed && has_key_ ? compare(key_of(e.seconds, e.nanos), key_) : 0;
    if (c < 0) {
      // Before since_time: the server replayed from earlier than asked (a
      // coarser precision, or no since support); all of it was delivered.
      ++stats_.older;
      return admit_verdict::replayed;
    }
    if (c == 0) {
      if (match_ < memory_.size()) {
        const entry& want = memory_[match_];
        if (want.hash == e.hash && want.seconds == e.seconds && want.nanos == e.nanos &&
            want.timed == e.timed) {
          ++match_;
          ++stats_.replayed;
          return admit_verdict::replayed;
        }
      } else if (skipped_ < forgotten_) {
        ++skipped_;
        ++stats_.unverified;
        return admit_verdict::replayed;
      } else {
        replaying_ = false;  // all delivered records seen again: this one is new
        return std::nullopt;
      }
    }
    // A later key, or a record that differs from what was delivered: the
    // replay is over. Anything remembered but not seen again means the
    // server's replay disagreed with its first answer.
    if (match_ < memory_.size() || skipped_ < forgotten_) ++stats_.mismatches;
    replaying_ = false;
    return std::nullopt;
  }

  void remember(const entry& e) {
    if (e.timed) {
      const key k = key_of(e.seconds, e.nanos);
      const int c = has_key_ ? compare(k, key_) : 1;
      if (c < 0) return;  // out of order: earlier than since_time, never replayed
      if (c > 0) {
        key_ = k;
        has_key_ = true;
        memory_.clear();
        forgotten_ = 0;
      }
    }
    if (memory_.size() < options_.max_remembered) {
      memory_.push_back(e);
    } else {
      ++forgotten_;
    }
  }

  resume_options options_;
  resume_stats stats_;
  std::vector<entry> memory_;   // delivered records of key_, in order
  std::uint64_t forgotten_ = 0; // delivered records of key_ past max_remembered
  key key_;                     // the latest key delivered
  bool has_key_ = false;
  bool replaying_ = false;
  std::size_t match_ = 0;       // memory_ entries matched in this replay
  std::uint64_t skipped_ = 0;   // forgotten records skipped in this replay
};

}  // namespace sandlog

#endif  // SANDLOG_FOLLOW_HPP
