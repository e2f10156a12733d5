// sandlog: records owned beyond their line — the reader's tail and its
// pull-style queue. Internal to reader.hpp.
#ifndef SANDLOG_DETAIL_RECORD_STORE_HPP
#define SANDLOG_DETAIL_RECORD_STORE_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "../vocabulary.hpp"

namespace sandlog {
namespace detail {

// The last records that passed the filters, owned: an append-only arena of
// bytes and one of slots, each compacted when its dead front outweighs what
// is live. So memory follows what is held (at most about twice), a push
// costs amortized O(its bytes), and nothing allocates once warm. Each record
// counts its text plus its slot against the byte bound, so a tail of many
// empty records is bounded too.
class record_tail {
 public:
  record_tail(std::uint64_t max_records, std::size_t max_bytes) noexcept
      : max_records_(max_records), max_bytes_(max_bytes) {}

  // Keeps r as the newest record, dropping the oldest as needed. Returns
  // false when r alone exceeds the byte bound (it is then not kept).
  bool push(const read_record& r) {
    ++pushed_;
    if (max_records_ == 0) return true;
    const std::size_t need = cost(r.message.size() + r.attrs.size(), r.time_text.size());
    if (need > max_bytes_) return false;
    while (live() != 0 && (live() >= max_records_ || held_bytes_ + need > max_bytes_)) pop();
    compact();
    slot s;
    s.time = r.time;
    s.line = r.line;
    s.at = bytes_.size();
    s.message_size = static_cast<std::uint32_t>(r.message.size());
    s.attrs_size = static_cast<std::uint32_t>(r.attrs.size());
    s.time_size = static_cast<std::uint8_t>(r.time_text.size());
    s.stream = r.stream;
    s.has_time = r.has_time;
    s.partial = r.partial;
    s.flags = r.flags;
    bytes_.append(r.time_text.data(), s.time_size);
    bytes_.append(r.attrs.data(), r.attrs.size());
    bytes_.append(r.message.data(), r.message.size());
    slots_.push_back(s);
    held_bytes_ += need;
    return true;
  }
  std::size_t size() const noexcept { return live(); }
  // Records the tail should hold but could not, for its byte bound.
  std::uint64_t shortfall() const noexcept {
    const std::uint64_t want = pushed_ < max_records_ ? pushed_ : max_records_;
    return want - live();
  }
  // Calls f(const read_record&) for each record, oldest first, then forgets them.
  template <class F>
  void drain(F&& f) {
    for (std::size_t i = first_; i < slots_.size(); ++i) f(view(slots_[i]));
    clear();
  }
  void clear() noexcept {
    slots_.clear();
    bytes_.clear();
    first_ = 0;
    held_bytes_ = 0;
    pushed_ = 0;
  }

 private:
  struct slot {
    timestamp time;
    std::uint64_t line;
    std::size_t at;  // time text, attrs, then message, in bytes_
    std::uint32_t message_size, attrs_size;
    std::uint8_t time_size;
    stream_kind stream;
    bool has_time, partial;
    std::uint8_t flags;
  };
  static std::size_t cost(std::size_t message, std::size_t time) noexcept {
    return message + time + sizeof(slot);
  }
  std::size_t live() const noexcept { return slots_.size() - first_; }
  read_record view(const slot& s) const noexcept {
    read_record r;
    r.time = s.time;
    r.has_time = s.has_time;
    r.stream = s.stream;
    r.partial = s.partial;
    r.line = s.line;
    r.flags = s.flags;
    const char* p = bytes_.data() + s.at;
    r.time_text = {p, s.time_size};
    r.attrs = {p + s.time_size, s.attrs_size};
    r.message = {p + s.time_size + s.attrs_size, s.message_size};
    return r;
  }
  void pop() noexcept {
    const slot& s = slots_[first_++];
    held_bytes_ -= cost(std::size_t{s.message_size} + s.attrs_size, s.time_size);
  }
  void compact() {
    if (first_ == 0 || first_ < live()) return;
    const std::size_t from = first_ < slots_.size() ? slots_[first_].at : bytes_.size();
    bytes_.erase(0, from);
    slots_.erase(slots_.begin(), slots_.begin() + static_cast<std::ptrdiff_t>(first_));
    for (slot& s : slots_) s.at -= from;
    first_ = 0;
  }

  std::uint64_t max_records_;
  std::size_t max_bytes_;
  std::string bytes_;
  std::vector<slot> slots_;
  std::size_t first_ = 0;
  std::size_t held_bytes_ = 0;
  std::uint64_t pushed_ = 0;
};

// A copy of a timestamp's text that outlives its line (RFC 3339 needs at
// most max_timestamp_chars; anything longer is not a timestamp we wrote).
struct time_text_copy {
  std::array<char, 40> bytes{};
  std::uint8_t size = 0;
  void assign(std::string_view t) noexcept {
    size = static_cast<std::uint8_t>(t.size() < bytes.size() ? t.size() : bytes.size());
    if (size != 0) std::memcpy(bytes.data(), t.data(), size);
  }
  std::string_view view() const noexcept { return {bytes.data(), size}; }
};


// Records and errors waiting for next(), owned, in order. Reused: nothing
// allocates once its strings have grown.
class pull_queue {
 public:
  void add(const read_record& r) {
    item& it = grow();
    it.kind = pulled::record;
    it.rec = r;
    it.a.assign(r.message.data(), r.message.size());
    it.b.assign(r.time_text.data(), r.time_text.size());
    it.c.assign(r.attrs.data(), r.attrs.size());
  }
  void add(const read_error& e) {
    item& it = grow();
    it.kind = pulled::error;
    it.err = e;
    it.a.assign(e.excerpt.data(), e.excerpt.size());
    it.b.assign(e.field.data(), e.field.size());
  }
  bool pop(read_record& r, read_error& e, pulled& kind) {
    if (first_ == size_) {
      first_ = size_ = 0;
      return false;
    }
    const item& it = items_[first_++];
    kind = it.kind;
    if (kind == pulled::record) {
      r = it.rec;
      r.message = it.a;
      r.time_text = it.b;
      r.attrs = it.c;
    } else {
      e = it.err;
      e.excerpt = it.a;
      e.field = it.b;
    }
    return true;
  }
  bool empty() const noexcept { return first_ == size_; }
  void clear() noexcept { first_ = size_ = 0; }

 private:
  struct item {
    pulled kind = pulled::none;
    read_record rec;
    read_error err;
    std::string a, b, c;  // message or excerpt; time text or field; attrs
  };
  item& grow() {
    if (size_ == items_.size()) items_.emplace_back();
    return items_[size_++];
  }
  std::vector<item> items_;
  std::size_t first_ = 0, size_ = 0;
};

}  // namespace detail
}  // namespace sandlog

#endif  // SANDLOG_DETAIL_RECORD_STORE_HPP
