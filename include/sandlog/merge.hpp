// sandlog: a k-way merge by time over several sources of records, the way a
// log viewer interleaves the files of several containers.
//
// Each source is a pull-style producer: asked for its next record, it fills
// a slot the merge owns and says whether there was one. The merge holds one
// record per source (its slot), so memory is k slots whatever the lengths of
// the sources; a slot's buffers are reused from record to record, so once they
// have grown to the longest record no call allocates.
//
// The order:
//   - records come out by time, earliest first; equal times come out source
//     by source, lower index first, and within a source in its own order (the
//     merge is stable);
//   - a record without a time comes out right after the record before it in
//     its own source, whatever the other sources hold; those at the start of
//     a source, with no record before them, come out before every timed
//     record, source by source;
//   - the merge never reorders a source: when a source is itself out of
//     order, its records still come out in their order, each when it reaches
//     the head of its source (the merge compares only the heads).
// When every source is in time order, the result is the stable sort of all
// records by time, each untimed record carried with the one before it.
#ifndef SANDLOG_MERGE_HPP
#define SANDLOG_MERGE_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config.hpp"
#include "record.hpp"
#include "timestamp.hpp"

namespace sandlog {

// The slot merge uses unless told otherwise: a log_record whose message lives
// in the slot's own string. assign() copies a record whose views die with the
// producer's next call; the string keeps its capacity.
struct record_slot {
  log_record record{};
  std::string text;

  void assign(const log_record& r) {
    text.assign(r.message.data(), r.message.size());
    record = r;
    record.message = text;
  }
  // The time to merge by, or nullptr for a record without one.
  const timestamp* time() const noexcept { return record.has_time ? &record.time : nullptr; }
};

// The default way to read a slot's time: its time() member.
struct slot_time {
  template <class Slot>
  const timestamp* operator()(const Slot& s) const noexcept {
    return s.time();
  }
};

// Merges `sources` producers. Slot is any default-constructible type the
// producers fill; TimeOf maps a slot to a `const timestamp*` (nullptr: no
// time). next() takes the producers as one callable, so they may be of any
// kind: a lambda over a vector of readers, an array of interfaces, etc.
//
//   sandlog::merger<> m(readers.size());
//   auto pull = [&](std::size_t i, sandlog::record_slot& s) { return readers[i].next(s); };
//   while (const sandlog::record_slot* r = m.next(pull)) print(m.source(), r->record);
template <class Slot = record_slot, class TimeOf = slot_time>
class merger {
 public:
  // Allocates the slots and the heap, once.
  explicit merger(std::size_t sources, TimeOf time_of = TimeOf())
      : slots_(sources), heap_(sources), time_of_(std::move(time_of)) {}

  // The next record of the merged stream, or nullptr when every source has
  // ended. `pull(std::size_t source, Slot& slot) -> bool` must fill `slot`
  // with that source's next record and return true, or return false at its
  // end (the merge does not ask an ended source again). The slot returned
  // stays valid, untouched, until the next call of next(): that call first
  // asks its source for the record after it. Allocates nothing itself.
  template <class Pull>
  const Slot* next(Pull&& pull) {
    for (;;) {
      std::size_t s;
      if (refill_ != npos) {
        s = refill_;
        refill_ = npos;
      } else if (primed_ < slots_.size()) {
        s = primed_++;
      } else {
        break;
      }
      if (!pull(s, slots_[s])) continue;  // source s has ended
      if (time_of_(static_cast<const Slot&>(slots_[s])) == nullptr) return emit(s);
      push(s);
    }
    if (size_ == 0) return nullptr;
    return emit(pop());
  }

  // The source of the record the last next() returned.
  std::size_t source() const noexcept { return last_; }
  std::size_t sources() const noexcept { return slots_.size(); }

  // Starts over with every source unread; the slots keep their buffers.
  void reset() noexcept {
    primed_ = 0;
    size_ = 0;
    refill_ = npos;
    last_ = npos;
  }

 private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  const Slot* emit(std::size_t s) noexcept {
    refill_ = s;
    last_ = s;
    return &slots_[s];
  }

  // a before b: earlier time, or the same time and a lower source.
  bool before(std::size_t a, std::size_t b) const noexcept {
    const timestamp& ta = *time_of_(static_cast<const Slot&>(slots_[a]));
    const timestamp& tb = *time_of_(static_cast<const Slot&>(slots_[b]));
    if (ta.seconds != tb.seconds) return ta.seconds < tb.seconds;
    if (ta.nanos != tb.nanos) return ta.nanos < tb.nanos;
    return a < b;
  }

  void push(std::size_t s) noexcept {
    std::size_t i = size_++;
    while (i > 0) {
      const std::size_t parent = (i - 1) / 2;
      if (!before(s, heap_[parent])) break;
      heap_[i] = heap_[parent];
      i = parent;
    }
    heap_[i] = s;
  }

  std::size_t pop() noexcept {
    const std::size_t top = heap_[0];
    const std::size_t last = heap_[--size_];
    std::size_t i = 0;
    for (;;) {
      std::size_t child = 2 * i + 1;
      if (child >= size_) break;
      if (child + 1 < size_ && before(heap_[child + 1], heap_[child])) ++child;
      if (!before(heap_[child], last)) break;
      heap_[i] = heap_[child];
      i = child;
    }
    if (size_ != 0) heap_[i] = last;
    return top;
  }

  std::vector<Slot> slots_;
  std::vector<std::size_t> heap_;  // sources with a timed record waiting, a binary min-heap
  std::size_t size_ = 0;
  std::size_t primed_ = 0;         // sources asked for their first record so far
  std::size_t refill_ = npos;      // the source whose slot was handed out last
  std::size_t last_ = npos;
  TimeOf time_of_;
};

}  // namespace sandlog

#endif  // SANDLOG_MERGE_HPP
