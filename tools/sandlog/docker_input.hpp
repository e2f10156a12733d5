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
// had to be read to tell, they went to the reader and `have` is 0). Each joined line goes to
// the reader through reader::add. A frame or record error is reported with
// its byte offset, after every record before it; a type-3 frame ends the
// body with the daemon's message. Reads to the end of the input (for a pipe:
// until its writer closes it, so `curl ...follow=1 | sandlog` streams).
inline docker_read read_docker(const options& opt, int fd, const std::string& name,
                               const char* buf, std::size_t& have, bool& eof, reader& rd,
                               record_sink& sink, out_buffer& out) {
  docker_read res;
  sandlog::local_options lo;
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
      rd.feed(first, sink);
      have = 0;
      return res;
    }
  }
  if (!docker_head(opt, first)) return res;
  docker_body kind = opt.docker;
  if (kind == docker_body::detect)
    kind = sandlog::detect_body(first) == sandlog::body_kind::multiplexed ? docker_body::api
                                                                          : docker_body::local;
  res.taken = true;
  if (opt.follow && !pipe) {
    erase_progress();
    std::fprintf(stderr, "sandlog: %s: --follow does not apply to a Docker %s: read to its end\n",
                 name.c_str(), kind == docker_body::api ? "API body" : "local-driver file");
  }
  // Lines are cut where the reader cuts its own: pieces flagged partial.
  auto hand_on = [&](const sandlog::joined_record& j) {
    sandlog::log_record r = j.record;
    r.partial = j.is_continued();
    rd.add(r, {}, sink);
  };
  auto write_out = [&]() -> bool {
    if (!out.full() || out.flush(1)) return true;
    erase_progress();
    std::fprintf(stderr, "sandlog: standard output: %s\n", std::strerror(errno));
    res.write_failed = true;
    return false;
  };
  // Feeds `first` then every later read to decode(chunk); false once it
  // refuses more or a write fails.
  auto each_chunk = [&](auto&& decode) {
    if (!decode(first) || !write_out()) return;
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
      if (!decode(std::string_view(chunk_buf.data(), static_cast<std::size_t>(n))) || !write_out()) return;
      // What is complete goes out before a pipe's next read blocks.
      if (static_cast<std::size_t>(n) < chunk_buf.size()) {
        rd.flush(sink);
        if (!out.flush(1)) return (void)write_out();
      }
    }
  };
  auto report = [&](sandlog::error ec, std::uint64_t offset, std::string_view what,
                    std::string_view detail_text) {
    if (sink.errors.flush_first != nullptr) (void)sink.errors.flush_first->flush(1);
    erase_progress();
    const std::string_view msg = sandlog::to_string(ec);
    std::fprintf(stderr, "sandlog: %s: byte %llu: %.*s in a %.*s%s%s%s\n", name.c_str(),
                 static_cast<unsigned long long>(offset), static_cast<int>(msg.size()), msg.data(),
                 static_cast<int>(what.size()), what.data(), detail_text.empty() ? "" : ": \"",
                 escaped_text(detail_text).c_str(), detail_text.empty() ? "" : "\"");
    res.malformed = true;
  };

  if (kind == docker_body::api) {
    sandlog::api_options ao;
    ao.timestamps = detail::api_has_timestamps(first);
    ao.max_line = max_line_bytes;
    sandlog::docker_api_decoder dec(ao);
    each_chunk([&](std::string_view chunk) {
      return dec.feed(chunk, hand_on) == sandlog::error::ok && rd.stopped() == sandlog::error::ok;
    });
    const sandlog::error e = dec.finish(hand_on);
    if (e != sandlog::error::ok)
      report(e, dec.error_offset(), "Docker API body",
             e == sandlog::error::daemon_error ? dec.error_message() : std::string_view());
  } else {
    sandlog::local_decoder dec(lo);
    sandlog::local_joiner join(sandlog::joiner_options{max_line_bytes, sandlog::overflow::split});
    auto entry = [&](const sandlog::local_entry& e) {
      if (!opt.join) {  // fragments as written, the last one not partial
        sandlog::log_record r = e.record;
        r.partial = r.partial && !(e.has_metadata && e.metadata.last);
        return (void)rd.add(r, {}, sink);
      }
      (void)join.add(e, hand_on);
    };
    each_chunk([&](std::string_view chunk) {
      return dec.feed(chunk, entry) == sandlog::error::ok && rd.stopped() == sandlog::error::ok;
    });
    (void)join.finish(hand_on);
    const sandlog::error e = dec.finish();
    if (e != sandlog::error::ok) report(e, dec.error_offset(), "Docker local-driver file", {});
  }
  return res;
}

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_DOCKER_INPUT_HPP
