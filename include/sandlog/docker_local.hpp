// sandlog: the files of Docker's `local` log driver -> log_record.
//
// `local-logs/container.log` (and its rotated `container.log.N`, gzip when
// compressed) is a sequence of records
//   [size: u32 big-endian][LogEntry, protobuf, `size` bytes][size again]
// with LogEntry = { 1 source: string ("stdout"/"stderr"), 2 time_nano: int64,
// 3 line: bytes (kept raw, no '\n'), 4 partial: bool,
// 5 partial_log_metadata: { 1 last: bool, 2 id: string, 3 ordinal: int32 } }
// (moby daemon/logger/local; newer Docker adds 6 attrs, skipped here like any
// other unknown field).
//
// local_decoder is fed chunks of such a file and hands out one local_entry
// per record; local_joiner puts the fragments of a long line (Docker cuts
// lines at 16 KiB) back together by their id and ordinal; local_stream
// drives both over the files of a rotated set, so that a line whose
// fragments straddle a rotation comes out whole.
#ifndef SANDLOG_DOCKER_LOCAL_HPP
#define SANDLOG_DOCKER_LOCAL_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "config.hpp"
#include "detail/protobuf.hpp"
#include "docker.hpp"  // detail::call_sink
#include "error.hpp"
#include "record.hpp"
#include "timestamp.hpp"

namespace sandlog {

// What Docker writes for each fragment of a line it had to cut: all
// fragments of one line share `id`; `ordinal` counts them from 1; `last`
// marks the final one. A container's last line without '\n' is one fragment
// that is never `last`.
struct partial_metadata {
  std::string_view id{};
  std::int32_t ordinal = 0;
  bool last = false;
};

// One record of a local-driver file.
//   record.time     time_nano, in UTC (has_time is always true)
//   record.stream   out for "stdout", err for "stderr", else unknown
//   record.partial  the entry's partial flag
//   record.message  the line's bytes as written (no '\n', not UTF-8 checked)
// Views point into the chunk fed or into the decoder's buffer; they live
// until the sink returns.
struct local_entry {
  log_record record{};
  std::string_view source{};
  bool has_metadata = false;   // field 5 was present
  partial_metadata metadata{};
  std::uint64_t offset = 0;    // stream offset of the record's size header
};

namespace detail {

inline error local_metadata(std::string_view bytes, partial_metadata& m, std::size_t& at) noexcept {
  proto_reader r(bytes);
  proto_field f;
  while (!r.done()) {
    at = r.at();
    if (error e = r.next(f); e != error::ok) return e;
    const bool want_varint = f.number == 1 || f.number == 3;
    if ((want_varint && f.type != wire_type::varint) || (f.number == 2 && f.type != wire_type::bytes))
      return error::bad_wire_type;
    switch (f.number) {
      case 1: m.last = f.value != 0; break;
      case 2: m.id = f.bytes; break;
      // int32 travels as a sign-extended varint; its low 32 bits are the value
      case 3: m.ordinal = static_cast<std::int32_t>(static_cast<std::uint32_t>(f.value)); break;
      default: break;
    }
  }
  return error::ok;
}

}  // namespace detail

// Decodes one LogEntry message (the bytes between a record's size header and
// trailer) into `out`, which is written only on success. Fields may come in
// any order; a repeated scalar keeps its last value and repeated metadata is
// merged, as protobuf decoders do; unknown fields are skipped. Errors, with
// ptr at the start of the offending field: bad_varint, bad_wire_type (field
// number 0, wire type 3, 4, 6 or 7, or a known field with the wrong wire
// type), truncated_field. Views point into `message`. Allocates nothing.
inline parse_result parse_local_entry(std::string_view message, local_entry& out) noexcept {
  detail::proto_reader r(message);
  detail::proto_field f;
  local_entry e;
  std::int64_t nanos = 0;
  while (!r.done()) {
    const std::size_t at = r.at();
    if (error err = r.next(f); err != error::ok) return {message.data() + at, err};
    detail::wire_type want = detail::wire_type::bytes;
    if (f.number == 2 || f.number == 4) want = detail::wire_type::varint;
    if (f.number <= 5 && f.type != want) return {message.data() + at, error::bad_wire_type};
    switch (f.number) {
      case 1: e.source = f.bytes; break;
      case 2: nanos = static_cast<std::int64_t>(f.value); break;
      case 3: e.record.message = f.bytes; break;
      case 4: e.record.partial = f.value != 0; break;
      case 5: {
        e.has_metadata = true;
        std::size_t sub = 0;
        if (error err = detail::local_metadata(f.bytes, e.metadata, sub); err != error::ok)
          return {f.bytes.data() + sub, err};
        break;
      }
      default: break;
    }
  }
  e.record.time = from_unix_nanos(nanos);
  e.record.has_time = true;
  e.record.stream = e.source == "stdout"   ? stream_kind::out
                    : e.source == "stderr" ? stream_kind::err
                                           : stream_kind::unknown;
  out = e;
  return {message.data() + message.size(), error::ok};
}

struct local_options {
  // The largest LogEntry accepted, in bytes. Docker writes at most 16 KiB of
  // line plus a few fields and its reader refuses more than 10^6 bytes.
  std::size_t max_record = std::size_t{1} << 20;
};

// Reads a local-driver file fed in chunks of any size, calling
// sink(const local_entry&) for each record, in order. The output does not
// depend on where the chunks were cut. A record inside one chunk is decoded
// where it lies; one that spans chunks is copied into one reused buffer of
// at most max_record + 8 bytes. Once that buffer has grown, nothing allocates.
//
// Errors are sticky until reset(); every record before the bad one has been
// delivered, and error_offset() gives the stream offset of the bad bytes:
//   record_too_large      a size header above max_record (its offset)
//   record_size_mismatch  a size trailer that differs from its header (its offset)
//   bad_varint, bad_wire_type, truncated_field
//                         a malformed LogEntry (the offending field's offset)
//   truncated_record      finish() inside a record (the record's offset)
// A sink may return void or an error; a non-ok error stops the decoder
// (error_offset() is then the end of that record) and is returned.
class local_decoder {
 public:
  explicit local_decoder(local_options options = {}) noexcept : options_(options) {}

  template <class Sink>
  error feed(std::string_view chunk, Sink&& sink) {
    if (SANDLOG_UNLIKELY(error_ != error::ok)) return error_;
    const char* p = chunk.data();
    const char* const end = p + chunk.size();
    while (p != end) {
      if (buf_.empty()) {
        // The common case: the whole record lies in this chunk.
        const auto avail = static_cast<std::size_t>(end - p);
        if (avail >= size_bytes) {
          const std::uint32_t n = be32(p);
          if (n > options_.max_record) return fail(error::record_too_large, offset_);
          const std::size_t total = std::size_t{n} + 2 * size_bytes;
          if (avail >= total) {
            if (error e = deliver(p, n, sink); e != error::ok) return e;
            p += total;
            continue;
          }
        }
      }
      // A record cut by the end of the chunk: gather it in buf_.
      if (buf_.size() < size_bytes) {
        const std::size_t got = take(p, end, size_bytes - buf_.size());
        p += got;
        if (buf_.size() < size_bytes) break;
        const std::uint32_t n = be32(buf_.data());
        if (n > options_.max_record) return fail(error::record_too_large, offset_);
        need_ = std::size_t{n} + 2 * size_bytes;
        buf_.reserve(need_);
      }
      p += take(p, end, need_ - buf_.size());
      if (buf_.size() < need_) break;
      const error e = deliver(buf_.data(), be32(buf_.data()), sink);
      buf_.clear();
      if (e != error::ok) return e;
    }
    return error::ok;
  }

  // Ends the stream: error::truncated_record if it stopped inside a record,
  // else error::ok (or the sticky error). Allocates nothing.
  error finish() noexcept {
    if (error_ != error::ok) return error_;
    if (!buf_.empty()) return fail(error::truncated_record, offset_);
    return error::ok;
  }

  // Stream bytes consumed so far.
  std::uint64_t consumed() const noexcept { return offset_ + buf_.size(); }
  // Where the sticky error lies (see above); 0 without one.
  std::uint64_t error_offset() const noexcept { return error_offset_; }
  error last_error() const noexcept { return error_; }
  // Records delivered so far.
  std::uint64_t records() const noexcept { return records_; }
  // Bytes held of a record cut by a chunk boundary.
  std::size_t buffered() const noexcept { return buf_.size(); }
  const local_options& options() const noexcept { return options_; }

  // Forgets all state, including a sticky error; keeps the buffer's memory.
  void reset() noexcept {
    buf_.clear();
    need_ = 0;
    offset_ = 0;
    records_ = 0;
    error_ = error::ok;
    error_offset_ = 0;
  }

 private:
  static constexpr std::size_t size_bytes = 4;

  static std::uint32_t be32(const char* p) noexcept {
    return (std::uint32_t{static_cast<std::uint8_t>(p[0])} << 24) |
           (std::uint32_t{static_cast<std::uint8_t>(p[1])} << 16) |
           (std::uint32_t{static_cast<std::uint8_t>(p[2])} << 8) |
           std::uint32_t{static_cast<std::uint8_t>(p[3])};
  }

  std::size_t take(const char* p, const char* end, std::size_t want) {
    const auto avail = static_cast<std::size_t>(end - p);
    const std::size_t n = avail < want ? avail : want;
    buf_.append(p, n);
    return n;
  }

  error fail(error e, std::uint64_t at) noexcept {
    error_ = e;
    error_offset_ = at;
    return e;
  }

  // The record of `n` protobuf bytes whose size header is at `rec`.
  template <class Sink>
  error deliver(const char* rec, std::uint32_t n, Sink& sink) {
    const char* const body = rec + size_bytes;
    if (be32(body + n) != n) return fail(error::record_size_mismatch, offset_ + size_bytes + n);
    local_entry e;
    const parse_result r = parse_local_entry(std::string_view(body, n), e);
    if (!r) return fail(r.ec, offset_ + size_bytes + static_cast<std::uint64_t>(r.ptr - body));
    e.offset = offset_;
    offset_ += std::uint64_t{n} + 2 * size_bytes;
    ++records_;
    if (error s = detail::call_sink(sink, static_cast<const local_entry&>(e)); s != error::ok)
      return fail(s, offset_);
    return error::ok;
  }

  local_options options_;
  std::string buf_;
  std::size_t need_ = 0;
  std::uint64_t offset_ = 0;  // stream offset of the record being read
  std::uint64_t records_ = 0;
  error error_ = error::ok;
  std::uint64_t error_offset_ = 0;
};

// Counters of local_joiner since construction or the last reset().
struct local_join_stats {
  // Messages ended before their `last` fragment: a fragment with another id
  // or a skipped ordinal arrived, or a whole entry of the same stream.
  std::uint64_t broken = 0;
  // Messages whose first fragment seen was not ordinal 1 (the file began
  // in the middle of a line, as after a rotation whose older file is gone).
  std::uint64_t headless = 0;
};

// Joins local-driver fragments into whole lines, exactly: a fragment joins
// the open message of its stream only when it has the same id and the next
// ordinal; `last` ends the message. Anything else first ends the open message
// early (delivered flagged line::unterminated, counted in stats().broken).
// Entries that are not partial pass through with their message still a view
// into the decoder's input. A partial entry without metadata (which Docker
// never writes) is joined with what follows on its stream until an entry
// that is not partial, as for CRI `P` lines. Messages longer than
// max_message bytes follow joiner_options.on_overflow. Memory: one buffer of
// at most max_message bytes and one id per stream; nothing per line once warm.
class local_joiner {
 public:
  explicit local_joiner(joiner_options options = {}) noexcept
      : joiners_{cri_joiner(options), cri_joiner(options), cri_joiner(options)} {}

  // Takes one entry and calls sink(const joined_record&) for each message or
  // piece it completes. record.time is the first fragment's time. Views live
  // until the sink returns. Returns error::line_too_long under overflow::fail
  // (sticky until reset()), else error::ok.
  template <class Sink>
  error add(const local_entry& e, Sink&& sink) {
    const auto k = static_cast<std::size_t>(e.record.stream) % slots;
    slot& s = open_[k];
    if (!e.record.partial) {
      if (s.open && s.keyed) {
        if (error err = cut(k, sink); err != error::ok) return err;
      }
      s.open = false;
      return joiners_[k].add(e.record, sink);
    }
    log_record rec = e.record;
    if (!e.has_metadata) {
      if (s.open && s.keyed) {
        if (error err = cut(k, sink); err != error::ok) return err;
      }
      s.open = true;
      s.keyed = false;
      return joiners_[k].add(rec, sink);
    }
    const partial_metadata& m = e.metadata;
    if (s.open && (!s.keyed || s.next_ordinal != m.ordinal || s.id != m.id)) {
      if (error err = cut(k, sink); err != error::ok) return err;
    }
    if (!s.open) {
      s.open = true;
      s.keyed = true;
      s.id.assign(m.id.data(), m.id.size());
      if (m.ordinal != 1) ++stats_.headless;
    }
    s.next_ordinal = std::int64_t{m.ordinal} + 1;
    rec.partial = !m.last;
    if (m.last) s.open = false;
    return joiners_[k].add(rec, sink);
  }

  // Ends the stream: each stream's open message is delivered flagged
  // line::unterminated (stdout's, then stderr's, then unknown's).
  template <class Sink>
  error finish(Sink&& sink) {
    error first = error::ok;
    for (stream_kind k : {stream_kind::out, stream_kind::err, stream_kind::unknown}) {
      const auto i = static_cast<std::size_t>(k);
      open_[i].open = false;
      const error e = joiners_[i].finish(sink);
      if (first == error::ok) first = e;
    }
    return first;
  }

  // Bytes held for unfinished messages (all streams).
  std::size_t buffered() const noexcept {
    return joiners_[0].buffered() + joiners_[1].buffered() + joiners_[2].buffered();
  }
  const local_join_stats& stats() const noexcept { return stats_; }

  // Forgets unfinished messages, any error and the counters; keeps memory.
  void reset() noexcept {
    for (std::size_t i = 0; i < slots; ++i) {
      joiners_[i].reset();
      open_[i].open = false;
      open_[i].id.clear();
    }
    stats_ = {};
  }

 private:
  static constexpr std::size_t slots = 3;  // one per stream_kind

  struct slot {
    std::string id;
    std::int64_t next_ordinal = 0;
    bool open = false;
    bool keyed = false;  // the open message has an id (else it is CRI-like)
  };

  // Ends stream k's open message before its last fragment.
  template <class Sink>
  error cut(std::size_t k, Sink& sink) {
    ++stats_.broken;
    open_[k].open = false;
    return joiners_[k].finish(sink);
  }

  cri_joiner joiners_[slots];
  slot open_[slots];
  local_join_stats stats_;
};

// Reads the files of one local-driver set, oldest first (or a single file),
// each fed in chunks of any size, as one stream of messages: a local_decoder
// per file (offsets count from each file's start) and one local_joiner across
// them, so that a message whose fragments straddle a rotation comes out as
// one, as `docker logs` shows it. The output does not depend on where the
// chunks were cut.
//
// sink(const joined_record&) receives each message (or, with join false,
// each entry as written: flagged line::continued when it is a fragment that
// is not `last`). A file that ends badly (end_file() returns its error, with
// decoder().error_offset()) leaves the joiner as it was: the next file goes
// on, its fragments joining only what they continue by id and ordinal.
class local_stream {
 public:
  explicit local_stream(local_options decoding = {}, joiner_options joining = {},
                        bool join = true) noexcept
      : decoder_(decoding), joiner_(joining), join_(join) {}

  // Decodes one chunk of the current file. Returns the decoder's error
  // (sticky until end_file()), the joiner's, or the sink's.
  template <class Sink>
  error feed(std::string_view chunk, Sink&& sink) {
    return decoder_.feed(chunk, [&](const local_entry& e) -> error {
      if (join_) return joiner_.add(e, sink);
      joined_record j{e.record, 0};
      if (e.record.partial && !(e.has_metadata && e.metadata.last)) j.flags = line::continued;
      j.record.partial = j.is_continued();
      return detail::call_sink(sink, static_cast<const joined_record&>(j));
    });
  }

  // Ends the current file: error::truncated_record if it stopped inside a
  // record, or the error that stopped it (its offset in file_error_offset()),
  // else error::ok. The decoder starts afresh for the next file; messages
  // left open stay open. Allocates nothing.
  error end_file() noexcept {
    const error e = decoder_.finish();
    file_error_offset_ = e == error::ok ? 0 : decoder_.error_offset();
    decoder_.reset();
    return e;
  }

  // Where, in its file, the error end_file() last returned lies.
  std::uint64_t file_error_offset() const noexcept { return file_error_offset_; }

  // Ends the set: each stream's open message is delivered flagged
  // line::unterminated. The stream can then start a new set.
  template <class Sink>
  error finish(Sink&& sink) {
    return joiner_.finish(sink);
  }

  const local_decoder& decoder() const noexcept { return decoder_; }
  const local_joiner& joiner() const noexcept { return joiner_; }

  // Forgets everything, open messages included; keeps memory.
  void reset() noexcept {
    decoder_.reset();
    joiner_.reset();
    file_error_offset_ = 0;
  }

 private:
  local_decoder decoder_;
  local_joiner joiner_;
  bool join_ = true;
  std::uint64_t file_error_offset_ = 0;
};

}  // namespace sandlog

#endif  // SANDLOG_DOCKER_LOCAL_HPP
