// sandlog CLI: Docker's binary inputs — the Engine API logs body
// (`GET /containers/ID/logs`, multiplexed frames) and the `local` driver's
// container.log — decoded by the library and handed to the record reader,
// so that joining, --since/--until, --stream and --tail apply as to lines.
#ifndef SANDLOG_CLI_DOCKER_INPUT_HPP
#define SANDLOG_CLI_DOCKER_INPUT_HPP

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include <sandlog/docker_api.hpp>
#include <sandlog/docker_local.hpp>
#include <sandlog/timestamp.hpp>

#include "options.hpp"
#include "out_buffer.hpp"
#include "progress.hpp"
#include "records.hpp"
#include "text_escape.hpp"

namespace sandlog_cli {

namespace detail {

inline std::uint32_t be32(const char* p) noexcept {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (std::uint32_t{u[0]} << 24) | (std::uint32_t{u[1]} << 16) | (std::uint32_t{u[2]} << 8) |
         std::uint32_t{u[3]};
}

// Whether s starts with `RFC3339 ` (what timestamps=1 puts before every
// frame's payload).
inline bool starts_with_time(std::string_view s) noexcept {
  sandlog::timestamp t;
  const char* end = s.data() + s.size();
  const sandlog::parse_result r = sandlog::parse_timestamp(s.data(), end, t);
  return r && r.ptr != end && *r.ptr == ' ';
}

// Whether the body was asked for with timestamps=1: every frame of stdout or
// stderr that lies whole in `head` starts with a timestamp, and there is one.
// A body without them whose lines all begin with an RFC 3339 time and a
// space would be taken as one with them; the time is then the record's.
inline bool api_has_timestamps(std::string_view head) noexcept {
  std::size_t at = 0;
  bool seen = false;
  while (head.size() - at >= 8) {
    const unsigned type = static_cast<unsigned char>(head[at]);
    const std::uint32_t len = be32(head.data() + at + 4);
    if (len > head.size() - at - 8) {
      // A frame cut by the end of the head: its start still tells.
      if (!seen && (type == 1 || type == 2)) return starts_with_time(head.substr(at + 8));
      break;
    }
    if ((type == 1 || type == 2) && len != 0) {
      if (!starts_with_time(head.substr(at + 8, len))) return false;
      seen = true;
    }
    at += 8 + len;
  }
  return seen;
}

// Whether `head` starts like a local-driver file: a size header no larger
// than the decoder takes, then a LogEntry's first tag (field 1 source, 2
// time_nano or 3 line, as Docker's marshal writes them first), and the size
// trailer when the whole record is in `head`.
inline bool looks_like_local(std::string_view head, std::size_t max_record) noexcept {
  if (head.size() < 5) return false;
  const std::uint32_t size = be32(head.data());
  if (size < 2 || size > max_record) return false;
  const unsigned tag = static_cast<unsigned char>(head[4]);
  if (tag != 0x0a && tag != 0x10 && tag != 0x1a) return false;
  if (head.size() >= std::size_t{size} + 8) return be32(head.data() + 4 + size) == size;
  return true;
}

// Whether `head`, the first bytes of a pipe, is too short to tell: fewer
// than 8 bytes that could still start a frame header or a local record's
// size, or an API body whose first stdout/stderr frame is cut before its
// payload shows whether it starts with a timestamp.
inline bool undecided(std::string_view head) noexcept {
  if (head.size() < 8) {
    if (sandlog::detect_body(head) == sandlog::body_kind::undecided) return true;
    return head.empty() || (head[0] == 0 && (head.size() < 2 || static_cast<unsigned char>(head[1]) <= 0x10));
  }
  if (sandlog::detect_body(head) != sandlog::body_kind::multiplexed) return false;
  std::size_t at = 0;
  while (head.size() - at >= 8) {
    const unsigned type = static_cast<unsigned char>(head[at]);
    const std::uint32_t len = be32(head.data() + at + 4);
    const std::size_t have = head.size() - at - 8;
    if ((type == 1 || type == 2) && len != 0)
      return len > have && have <= sandlog::max_timestamp_chars;
    if (len > have) return true;
    at += 8 + len;
  }
  return true;
}

}  // namespace detail

// Whether an input starting with `head` is read by read_docker (so not by
// the --jobs blocks, which cut lines).
inline bool docker_head(const options& opt, std::string_view head) noexcept {
  if (opt.docker != docker_body::detect) return true;
  if (opt.format || head.empty()) return false;
  return sandlog::detect_body(head) == sandlog::body_kind::multiplexed ||
         detail::looks_like_local(head, sandlog::local_options{}.max_record);
}

// Reports a Docker decoding fault of `name` on stderr: what, where, in what.
inline void report_docker_fault(const std::string& name, sandlog::error ec, std::uint64_t offset,
                                std::string_view what, std::string_view detail_text) {
  erase_progress();
  const std::string_view msg = sandlog::to_string(ec);
  std::fprintf(stderr, "sandlog: %s: byte %llu: %.*s in a %.*s%s%s%s\n", name.c_str(),
               static_cast<unsigned long long>(offset), static_cast<int>(msg.size()), msg.data(),
               static_cast<int>(what.size()), what.data(), detail_text.empty() ? "" : ": \"",
               escaped_text(detail_text).c_str(), detail_text.empty() ? "" : "\"");
}

// The Docker decoding of one source, fed a member's bytes push-style (read
// from a file or a pipe, or decoded from gzip: one path for both) and kept
// from member to member: the files of a local-driver set are one stream, so
// a line whose fragments straddle a rotation comes out as one record; an API
// body is decoded member by member. Each joined line goes to the record
// reader through reader::add, so that joining, --since/--until, --stream and
// --tail apply as to lines.
class docker_stream {
 public:
  explicit docker_stream(const options& opt)
      : opt_(&opt),
        local_(sandlog::local_options{},
               sandlog::joiner_options{max_line_bytes, sandlog::overflow::split}, opt.join) {}

  // Starts a member whose first bytes are `head`, known to be Docker's
  // (docker_head): decoded as `kind`, or as its head says.
  void begin(std::string_view head, docker_body kind = docker_body::detect) {
    if (kind == docker_body::detect) kind = opt_->docker;
    if (kind == docker_body::detect)
      kind = sandlog::detect_body(head) == sandlog::body_kind::multiplexed ? docker_body::api
                                                                           : docker_body::local;
    kind_ = kind;
    if (kind_ == docker_body::api) {
      sandlog::api_options ao;
      ao.timestamps = detail::api_has_timestamps(head);
      ao.max_line = max_line_bytes;
      api_.emplace(ao);
    }
    in_member_ = true;
  }

  docker_body kind() const noexcept { return kind_; }
  bool in_member() const noexcept { return in_member_; }

  // Decodes one chunk of the member; false once the member refuses more
  // (a fault, reported by end_member) or the reader stopped.
  template <class Sink>
  bool feed(std::string_view chunk, reader& rd, Sink& sink) {
    auto hand_on = [&](const sandlog::joined_record& j) {
      // Lines are cut where the reader cuts its own: pieces flagged partial.
      sandlog::log_record r = j.record;
      r.partial = j.is_continued();
      rd.add(r, {}, sink);
    };
    const sandlog::error e =
        kind_ == docker_body::api ? api_->feed(chunk, hand_on) : local_.feed(chunk, hand_on);
    return e == sandlog::error::ok && rd.stopped() == sandlog::error::ok;
  }

  // Ends the member: reports (after `flush_first`, when given) a fault with
  // its byte offset in the member (in its decompressed bytes when
  // `gzipped`); returns false for one. A local set's open messages stay open
  // for the next member.
  template <class Sink>
  bool end_member(const std::string& name, reader& rd, Sink& sink,
                  out_buffer* flush_first = nullptr, bool gzipped = false) {
    if (!in_member_) return true;
    in_member_ = false;
    sandlog::error e;
    std::uint64_t at = 0;
    std::string_view detail_text;
    if (kind_ == docker_body::api) {
      auto hand_on = [&](const sandlog::joined_record& j) {
        sandlog::log_record r = j.record;
        r.partial = j.is_continued();
        rd.add(r, {}, sink);
      };
      e = api_->finish(hand_on);
      at = api_->error_offset();
      if (e == sandlog::error::daemon_error) detail_text = api_->error_message();
    } else {
      open_local_ = true;
      e = local_.end_file();
      at = local_.file_error_offset();
    }
    if (e == sandlog::error::ok) return true;
    if (flush_first != nullptr) (void)flush_first->flush(1);
    std::string what = kind_ == docker_body::api ? "Docker API body" : "Docker local-driver file";
    if (gzipped) what += " decompressed from gzip";
    report_docker_fault(name, e, at, what, detail_text);
    if (kind_ == docker_body::api) api_.reset();
    return false;
  }

  // Ends the source (or a local set followed by members of another kind):
  // local messages still open are delivered flagged unterminated.
  template <class Sink>
  void end_source(reader& rd, Sink& sink) {
    if (!open_local_) return;
    open_local_ = false;
    (void)local_.finish([&](const sandlog::joined_record& j) {
      sandlog::log_record r = j.record;
      r.partial = j.is_continued();
      rd.add(r, {}, sink);
    });
  }

 private:
  const options* opt_;
  docker_body kind_ = docker_body::local;
  sandlog::local_stream local_;
  std::optional<sandlog::docker_api_decoder> api_;
  bool in_member_ = false;
  bool open_local_ = false;  // a local file was read: the set's joiner may hold messages
};

// A member's first decoded bytes, held until they tell Docker's binary
// bodies from lines (a gzip member or a set member may hand them out a few
// at a time), then routed: to the docker_stream, or to the line reader.
class member_router {
 public:
  explicit member_router(const options& opt) noexcept : opt_(&opt) {}

  void start() noexcept {
    decided_ = docker_ = false;
    held_.clear();
  }
  bool docker() const noexcept { return docker_; }

  // Takes decoded bytes of the member; false once the reader or the Docker
  // decoder refuses more.
  template <class Sink>
  bool take(std::string_view s, docker_stream& dock, reader& rd, Sink& sink) {
    if (!decided_) {
      if (s.empty()) return true;
      if (!held_.empty() ||
          (opt_->docker == docker_body::detect && !opt_->format && detail::undecided(s))) {
        held_.append(s.data(), s.size());
        if (held_.size() < (std::size_t{64} << 10) && detail::undecided(held_)) return true;
        s = held_;
      }
      decide(s, dock, rd, sink);
    }
    if (docker_) return dock.feed(s, rd, sink);
    rd.feed(s, sink);
    return rd.stopped() == sandlog::error::ok;
  }

  // Ends the member: what was held goes where it belongs; a Docker member's
  // fault is reported (false).
  template <class Sink>
  bool end(const std::string& name, docker_stream& dock, reader& rd, Sink& sink,
           out_buffer* flush_first = nullptr, bool gzipped = false) {
    if (!decided_ && !held_.empty()) {
      const std::string s = std::move(held_);
      held_.clear();
      decide(s, dock, rd, sink);
      if (docker_)
        dock.feed(s, rd, sink);
      else
        rd.feed(s, sink);
    }
    decided_ = false;
    return !docker_ || dock.end_member(name, rd, sink, flush_first, gzipped);
  }

 private:
  template <class Sink>
  void decide(std::string_view head, docker_stream& dock, reader& rd, Sink& sink) {
    decided_ = true;
    docker_ = docker_head(*opt_, head);
    if (docker_)
      dock.begin(head);
    else
      dock.end_source(rd, sink);  // lines after a local set: its messages end there
  }

  const options* opt_;
  std::string held_;
  bool decided_ = false;
  bool docker_ = false;
};

// What read_docker did with an input.
struct docker_read {
  bool taken = false;          // it was an API body or a local file, read to its end
  bool malformed = false;      // it ended with an error (reported)
  bool read_failed = false;    // read(2) failed (reported)
  bool write_failed = false;   // writing standard output failed (reported)
};

// Reads the input on `fd` (named `name`), whose first `have` bytes are in
// `buf` (`eof`: there are no more), as an API body or a local file if
// --format says so or, when no --format was given, its first bytes do;
// else leaves it to the line reader (taken false; when more bytes of a pipe
// had to be read to tell, they went to the reader and `have` is 0). The bytes
// go to `dock`, which carries a local set's open messages to its next member.
// A frame or record error is reported with its byte offset, after every
// record before it; a type-3 frame ends the body with the daemon's message.
// Reads to the end of the input (for a pipe: until its writer closes it, so
// `curl ...follow=1 | sandlog` streams).
inline docker_read read_docker(const options& opt, int fd, const std::string& name, const char* buf,
                               std::size_t& have, bool& eof, reader& rd, record_sink& sink,
                               out_buffer& out, docker_stream& dock) {
  docker_read res;
  std::string_view first(buf, have);
  // A pipe's first read may hold too few bytes to tell (a writer sending a
  // few bytes at a time): read on until they do, at most 64 KiB.
  std::string gathered;
  struct stat st {};
  const bool pipe = fstat(fd, &st) == 0 && !S_ISREG(st.st_mode);
  if (opt.docker == docker_body::detect && !opt.format && !eof && pipe && detail::undecided(first)) {
    gathered.assign(first.data(), first.size());
    char more[4096];
    while (gathered.size() < (std::size_t{64} << 10) && detail::undecided(gathered)) {
      ssize_t n;
      do n = ::read(fd, more, sizeof more);
      while (n < 0 && errno == EINTR);
      if (n == 0) eof = true;
      if (n <= 0) break;  // a read error shows again on the caller's next read
      gathered.append(more, static_cast<std::size_t>(n));
    }
    first = gathered;
    if (!docker_head(opt, first)) {
      // Lines after all: the reader takes what was gathered, and the
      // caller reads on from there.
      dock.end_source(rd, sink);
      rd.feed(first, sink);
      have = 0;
      return res;
    }
  }
  if (!docker_head(opt, first)) {
    dock.end_source(rd, sink);
    return res;
  }
  dock.begin(first);
  res.taken = true;
  if (opt.follow && !pipe) {
    erase_progress();
    if (dock.kind() == docker_body::api)
      std::fprintf(stderr, "sandlog: %s: --follow does not apply to a Docker API body: read to its end\n",
                   name.c_str());
    else
      std::fprintf(stderr,
                   "sandlog: %s: a Docker local-driver file is followed by its directory "
                   "(sandlog -f .../local-logs/): read to its end\n",
                   name.c_str());
  }
  auto write_out = [&]() -> bool {
    if (!out.full() || out.flush(1)) return true;
    erase_progress();
    std::fprintf(stderr, "sandlog: standard output: %s\n", std::strerror(errno));
    res.write_failed = true;
    return false;
  };
  // `first`, then every later read, until the decoder refuses more or a
  // write fails.
  [&] {
    if (!dock.feed(first, rd, sink) || !write_out()) return;
    if (eof) return;
    std::string chunk_buf(std::size_t{1} << 20, '\0');
    for (;;) {
      ssize_t n;
      do n = ::read(fd, &chunk_buf[0], chunk_buf.size());
      while (n < 0 && errno == EINTR);
      if (n < 0) {
        erase_progress();
        std::fprintf(stderr, "sandlog: %s: %s\n", name.c_str(), std::strerror(errno));
        res.read_failed = true;
        return;
      }
      if (n == 0) return;
      if (!dock.feed(std::string_view(chunk_buf.data(), static_cast<std::size_t>(n)), rd, sink) ||
          !write_out())
        return;
      // What is complete goes out before a pipe's next read blocks.
      if (static_cast<std::size_t>(n) < chunk_buf.size()) {
        rd.flush(sink);
        if (!out.flush(1)) return (void)write_out();
      }
    }
  }();
  res.malformed = !dock.end_member(name, rd, sink, sink.errors.flush_first);
  return res;
}

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_DOCKER_INPUT_HPP
