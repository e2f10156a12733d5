// sandlog: the few pieces of the protobuf wire format that Docker's log
// records need (varints, length-delimited fields, skipping the rest).
//
// Written out here rather than taken from a protobuf library: five fields of
// one message are read, the records come from untrusted files, and every
// malformed byte must end as an error value with its position, never an
// exception or an abort. The rules are those of Go's protowire, which is
// what Docker's own reader follows.
#ifndef SANDLOG_DETAIL_PROTOBUF_HPP
#define SANDLOG_DETAIL_PROTOBUF_HPP

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "../config.hpp"
#include "../error.hpp"

namespace sandlog {
namespace detail {

// Wire types; 3 and 4 (groups) are never written by proto3 and are refused.
enum class wire_type : std::uint8_t { varint = 0, fixed64 = 1, bytes = 2, fixed32 = 5 };

// The largest field number protobuf allows (2^29 - 1).
inline constexpr std::uint64_t max_field_number = (std::uint64_t{1} << 29) - 1;

// One field of a message: its number, wire type, and value (a varint, or
// for fixed64/fixed32 the raw little-endian value, or for bytes a view into
// the message).
struct proto_field {
  std::uint32_t number = 0;
  wire_type type = wire_type::varint;
  std::uint64_t value = 0;
  std::string_view bytes{};
};

// Reads the fields of one message, front to back, without allocating.
// next() returns error::ok with `f` filled, or the first malformed field's
// error with at() pointing to where it starts. A well-formed end of the
// message is reported by done().
class proto_reader {
 public:
  constexpr explicit proto_reader(std::string_view message) noexcept
      : p_(message.data()), end_(message.data() + message.size()), first_(message.data()) {}

  constexpr bool done() const noexcept { return p_ == end_; }
  // Offset, in the message, of the field next() reads (or failed on).
  constexpr std::size_t at() const noexcept { return static_cast<std::size_t>(p_ - first_); }

  error next(proto_field& f) noexcept {
    const char* p = p_;
    std::uint64_t tag;
    if (error e = varint(p, tag); e != error::ok) return e;
    const std::uint64_t number = tag >> 3;
    const auto type = static_cast<std::uint8_t>(tag & 7);
    if (number == 0 || number > max_field_number) return error::bad_wire_type;
    f.number = static_cast<std::uint32_t>(number);
    f.bytes = {};
    switch (type) {
      case 0:
        f.type = wire_type::varint;
        if (error e = varint(p, f.value); e != error::ok) return e;
        break;
      case 1:
        f.type = wire_type::fixed64;
        if (!fixed(p, 8, f.value)) return error::truncated_field;
        break;
      case 5:
        f.type = wire_type::fixed32;
        if (!fixed(p, 4, f.value)) return error::truncated_field;
        break;
      case 2: {
        f.type = wire_type::bytes;
        std::uint64_t n;
        if (error e = varint(p, n); e != error::ok) return e;
        if (n > static_cast<std::uint64_t>(end_ - p)) return error::truncated_field;
        f.bytes = std::string_view(p, static_cast<std::size_t>(n));
        f.value = n;
        p += n;
        break;
      }
      default:
        return error::bad_wire_type;
    }
    p_ = p;
    return error::ok;
  }

 private:
  // A base-128 varint of at most 10 bytes; the tenth may only carry bit 63.
  error varint(const char*& p, std::uint64_t& out) const noexcept {
    std::uint64_t v = 0;
    for (unsigned i = 0; i < 10; ++i) {
      if (p == end_) return error::bad_varint;
      const auto b = static_cast<std::uint8_t>(*p++);
      if (i == 9 && b > 1) return error::bad_varint;
      v |= std::uint64_t{b & 0x7fu} << (7 * i);
      if (b < 0x80) {
        out = v;
        return error::ok;
      }
    }
    return error::bad_varint;
  }

  bool fixed(const char*& p, unsigned n, std::uint64_t& out) const noexcept {
    if (static_cast<std::size_t>(end_ - p) < n) return false;
    std::uint64_t v = 0;
    for (unsigned i = 0; i < n; ++i) v |= std::uint64_t{static_cast<std::uint8_t>(p[i])} << (8 * i);
    p += n;
    out = v;
    return true;
  }

  const char* p_;
  const char* end_;
  const char* first_;
};

}  // namespace detail
}  // namespace sandlog

#endif  // SANDLOG_DETAIL_PROTOBUF_HPP
