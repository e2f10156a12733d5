// sandlog: gzip told by its content and decompressed as a stream, in bounded
// memory, for rotated logs (`0.log.20260220-143000.gz`, `-json.log.2.gz`).
//
// Needs ISA-L's igzip (Debian libisal-dev; link -lisal, header
// <isa-l/igzip_lib.h>). It was chosen by measurement (docs/log_set.md,
// bench/gzip_bench.cpp): on a CRI log it decodes about 2.8 times as fast as
// zlib and a little faster than libdeflate, and unlike libdeflate it streams,
// so memory does not grow with the member.
//
// gzip_reader is fed the bytes of one file in chunks of any size. The first
// two bytes decide: 1f 8b is gzip, anything else is passed through untouched
// (a plain file reads as it is, so a set may mix plain and compressed files
// under any names). gzip input may hold several members one after another
// (as `cat a.gz b.gz` makes); each is decoded and checked (CRC-32 and length)
// in turn. Memory: the reader's output buffer (128 KiB unless told otherwise)
// and ISA-L's state (about 100 KiB), both allocated by the constructor; feed
// and finish allocate nothing.
//
// Faults: a corrupt member (bad header, bad deflate data, CRC-32 or length
// mismatch), input ending inside a member, or bytes after a member that do
// not start another. Everything decoded before the fault has been given to
// the sink by the time the fault is returned; the result names the
// compressed offset of the member at fault, and of the byte where it was
// found. The reader then stays failed until reset().
//
// Chunking: any split of a good file gives the same output, and any split of
// a bad one the same error and `member`. Right at a fault, ISA-L may hold
// back the last symbol it could have decoded (at most 258 bytes) depending
// on how much input it had in one call, so the output of a cut-short or
// corrupt member can end a few bytes earlier under one split than under
// another, and `offset` (where the decoder stopped) can move as much.
#ifndef SANDLOG_GZIP_HPP
#define SANDLOG_GZIP_HPP

#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>

#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string_view>

#include "config.hpp"
#include "error.hpp"

namespace sandlog {

// The outcome of feed() or finish(). Offsets count compressed (input) bytes
// from the start of the file.
struct gzip_result {
  error ec = error::ok;
  std::uint64_t member = 0;  // where the member at fault begins (or the stray bytes)
  std::uint64_t offset = 0;  // where the fault was found: the end of input if truncated
  constexpr explicit operator bool() const noexcept { return ec == error::ok; }
};

class gzip_reader {
 public:
  static constexpr std::size_t default_buffer = std::size_t{128} * 1024;

  // Allocates the output buffer (out_buffer bytes, at least 4 KiB) and the
  // decoder's state.
  explicit gzip_reader(std::size_t out_buffer = default_buffer)
      : state_(new inflate_state),
        out_size_(out_buffer < 4096 ? 4096 : out_buffer),
        out_(new std::uint8_t[out_size_]) {
    isal_inflate_init(state_.get());
    reset();
  }

  // Reads the next chunk of the file. Calls sink(std::string_view) with each
  // piece of output, in order: a view into the reader's buffer (gzip) or into
  // `chunk` (plain input), valid during that call only. Returns the first
  // fault, after delivering everything decoded before it.
  template <class Sink>
  gzip_result feed(std::string_view chunk, Sink&& sink) {
    if (failed_.ec != error::ok) return failed_;
    const auto* p = reinterpret_cast<const std::uint8_t*>(chunk.data());
    std::size_t n = chunk.size();
    while (n != 0) {
      switch (mode_) {
        case mode::plain:
          sink(std::string_view(reinterpret_cast<const char*>(p), n));
          in_ += n;
          return {};
        case mode::magic:
          if (!take_magic(p, n, sink)) return failed_;
          break;
        case mode::header:
          if (!take_header(p, n)) return failed_;
          break;
        case mode::deflate:
          if (!inflate(p, n, sink)) return failed_;
          break;
      }
    }
    return {};
  }

  // Ends the input. Returns gzip_truncated if it ended inside a member (the
  // output up to there has been delivered); a file that is the one byte 1f
  // is plain input and delivered as such.
  template <class Sink>
  gzip_result finish(Sink&& sink) {
    if (failed_.ec != error::ok) return failed_;
    if (mode_ == mode::magic && held_ == 1) {
      if (members_ == 0) {
        const char b = static_cast<char>(magic0);
        sink(std::string_view(&b, 1));
        mode_ = mode::plain;
        return {};
      }
      return fail(error::gzip_truncated, in_ - 1, in_);
    }
    if (mode_ == mode::header || mode_ == mode::deflate)
      return fail(error::gzip_truncated, member_start_, in_);
    return {};
  }

  // Whether the input began as gzip (false until two bytes have been read).
  bool compressed() const noexcept { return members_ != 0; }
  // gzip members begun so far.
  std::uint64_t members() const noexcept { return members_; }
  // Input bytes read so far.
  std::uint64_t consumed() const noexcept { return in_; }

  // Forgets the file, to read another; keeps the buffers.
  void reset() noexcept {
    mode_ = mode::magic;
    held_ = 0;
    members_ = 0;
    member_start_ = 0;
    in_ = 0;
    failed_ = {};
  }

 private:
  enum class mode : std::uint8_t { magic, header, deflate, plain };
  // Where the header parse is, after the two magic bytes (RFC 1952 2.3).
  enum class field : std::uint8_t { fixed, xlen, extra, name, comment, hcrc, done };
  static constexpr std::uint8_t magic0 = 0x1f, magic1 = 0x8b;
  static constexpr std::uint8_t fhcrc = 2, fextra = 4, fname = 8, fcomment = 16;

  gzip_result fail(error ec, std::uint64_t member, std::uint64_t offset) noexcept {
    failed_ = {ec, member, offset};
    return failed_;
  }

  // The two bytes that start a file or follow a member. At a file's start
  // anything else is plain input; after a member it is stray bytes.
  template <class Sink>
  bool take_magic(const std::uint8_t*& p, std::size_t& n, Sink& sink) {
    const std::uint8_t want = held_ == 0 ? magic0 : magic1;
    if (*p != want) {
      if (members_ != 0) {
        fail(error::trailing_bytes, in_ - held_, in_ - held_);
        return false;
      }
      mode_ = mode::plain;
      if (held_ != 0) {
        const char b = static_cast<char>(magic0);
        sink(std::string_view(&b, 1));
      }
      return true;
    }
    ++p;
    --n;
    ++in_;
    if (++held_ < 2) return true;
    held_ = 0;
    member_start_ = in_ - 2;
    ++members_;
    static const std::uint8_t magic[2] = {magic0, magic1};
    header_crc_ = crc32_gzip_refl(0, magic, 2);
    field_ = field::fixed;
    field_pos_ = 2;
    mode_ = mode::header;
    return true;
  }

  // The rest of a member's header, read here rather than by ISA-L: its
  // parse of a header-CRC (FHCRC) header split across calls is wrong
  // (2.30), and here a header error is found at the same byte whatever the
  // chunking.
  bool take_header(const std::uint8_t*& p, std::size_t& n) {
    while (n != 0 && field_ != field::done) {
      const std::uint8_t b = *p;
      const std::uint64_t at = in_;
      if (field_ != field::hcrc) header_crc_ = crc32_gzip_refl(header_crc_, p, 1);
      ++p;
      --n;
      ++in_;
      switch (field_) {
        case field::fixed:
          if (field_pos_ == 2 && b != 8) {  // the method: deflate is the only one
            fail(error::gzip_corrupt, member_start_, at);
            return false;
          }
          if (field_pos_ == 3) {
            if ((b & 0xe0) != 0) {  // reserved flags
              fail(error::gzip_corrupt, member_start_, at);
              return false;
            }
            flags_ = b;
          }
          if (++field_pos_ == 10) next_field(field::fixed);
          break;
        case field::xlen:
          field_len_ |= static_cast<std::uint32_t>(b) << (8 * field_pos_);
          if (++field_pos_ == 2) {
            field_pos_ = 0;
            field_ = field::extra;
            if (field_len_ == 0) next_field(field::extra);
          }
          break;
        case field::extra:
          if (++field_pos_ == field_len_) next_field(field::extra);
          break;
        case field::name:
        case field::comment:
          if (b == 0) next_field(field_);
          break;
        case field::hcrc:
          field_len_ |= static_cast<std::uint32_t>(b) << (8 * field_pos_);
          if (++field_pos_ == 2) {
            if (field_len_ != (header_crc_ & 0xffffu)) {
              fail(error::gzip_checksum, member_start_, at);
              return false;
            }
            field_ = field::done;
          }
          break;
        case field::done: break;
      }
    }
    if (field_ == field::done) {
      // ISA-L decodes the deflate data and checks the CRC-32 and length after it.
      isal_inflate_reset(state_.get());
      state_->crc_flag = ISAL_GZIP_NO_HDR_VER;
      mode_ = mode::deflate;
    }
    return true;
  }

  // The field after `done`, as the flags say.
  void next_field(field done) noexcept {
    field_pos_ = 0;
    field_len_ = 0;
    if (done < field::xlen && (flags_ & fextra) != 0) field_ = field::xlen;
    else if (done < field::name && (flags_ & fname) != 0) field_ = field::name;
    else if (done < field::comment && (flags_ & fcomment) != 0) field_ = field::comment;
    else if (done < field::hcrc && (flags_ & fhcrc) != 0) field_ = field::hcrc;
    else field_ = field::done;
  }

  // Decodes from p until p is used up or the member ends.
  template <class Sink>
  bool inflate(const std::uint8_t*& p, std::size_t& n, Sink& sink) {
    inflate_state& st = *state_;
    static std::uint8_t none = 0;
    // With input, until it is used up or the member ends; then, without, so
    // that output the decoder still holds for a full buffer comes out.
    for (bool more_input = true;;) {
      const std::uint32_t avail =
          !more_input ? 0 : static_cast<std::uint32_t>(std::min<std::size_t>(n, 0x40000000u));
      st.next_in = more_input ? const_cast<std::uint8_t*>(p) : &none;
      st.avail_in = avail;
      st.next_out = out_.get();
      st.avail_out = static_cast<std::uint32_t>(out_size_);
      const int rc = isal_inflate(&st);
      const std::size_t used = avail - st.avail_in;
      p += used;
      n -= used;
      in_ += used;
      const std::size_t made = out_size_ - st.avail_out;
      if (made != 0) sink(std::string_view(reinterpret_cast<const char*>(out_.get()), made));
      if (rc != ISAL_DECOMP_OK) {
        // The whole bytes the decoder holds in its bit buffer are not read yet.
        const std::uint64_t held = static_cast<std::uint64_t>(st.read_in_length) / 8;
        const std::uint64_t at = in_ - member_start_ > held ? in_ - held : in_;
        fail(rc == ISAL_INCORRECT_CHECKSUM ? error::gzip_checksum : error::gzip_corrupt,
             member_start_, at);
        return false;
      }
      if (st.block_state == ISAL_BLOCK_FINISH) {
        // The member is done; ISA-L leaves the bytes after its trailer unread.
        mode_ = mode::magic;
        return true;
      }
      if (more_input) {
        if (n == 0) more_input = false;
      } else if (made == 0) {
        return true;
      }
    }
  }

  std::unique_ptr<inflate_state> state_;
  std::size_t out_size_;
  std::unique_ptr<std::uint8_t[]> out_;
  mode mode_ = mode::magic;
  std::uint8_t held_ = 0;            // magic bytes read so far (0 or 1)
  field field_ = field::fixed;
  std::uint8_t flags_ = 0;
  std::uint32_t field_pos_ = 0;      // bytes of the current field read
  std::uint32_t field_len_ = 0;      // FEXTRA's length, or the FHCRC read so far
  std::uint32_t header_crc_ = 0;
  std::uint64_t members_ = 0;
  std::uint64_t member_start_ = 0;
  std::uint64_t in_ = 0;
  gzip_result failed_{};
};

}  // namespace sandlog

#endif  // SANDLOG_GZIP_HPP
