// sandlog CLI: reading inputs — files or standard input in 1 MiB read(2)
// chunks (regular files through mmap windows), --follow, JSON pages — into
// the record reader.
#ifndef SANDLOG_CLI_INPUT_HPP
#define SANDLOG_CLI_INPUT_HPP

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <string_view>

#include <sandlog/json.hpp>
#include <sandlog/record.hpp>

#include "records.hpp"

#include "docker_input.hpp"
#include "options.hpp"
#include "out_buffer.hpp"
#include "progress.hpp"
#include "report.hpp"
#include "sources.hpp"

namespace sandlog_cli {

inline constexpr std::size_t read_size = std::size_t{1} << 20;

// Set by SIGINT/SIGTERM while following.
inline volatile std::sig_atomic_t stop_requested = 0;

extern "C" inline void on_stop_signal(int) { stop_requested = 1; }

// Installs the handler without SA_RESTART, so a blocked read(2) returns.
inline void catch_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

// An open input; closes it unless it is standard input.
struct input_file {
  int fd = -1;
  std::string name;  // as given, or "<stdin>"
  bool regular = false;
  std::uint64_t size = 0;

  bool open(const std::string& path) {
    if (path == "-") {
      fd = 0;
      name = "<stdin>";
    } else {
      fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      name = path;
      if (fd < 0) return false;
    }
    struct stat st {};
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
      regular = true;
      size = static_cast<std::uint64_t>(st.st_size);
    }
    return true;
  }
  ~input_file() {
    if (fd > 0) ::close(fd);
  }
};

// read(2) retrying EINTR unless a stop was requested. -1 on error.
inline ssize_t read_some(int fd, char* buf, std::size_t n) {
  for (;;) {
    const ssize_t r = ::read(fd, buf, n);
    if (r >= 0 || errno != EINTR || stop_requested) return r;
  }
}

// pread(2) of exactly n bytes unless the file ends first; bytes read, or -1.
inline ssize_t pread_full(int fd, char* p, std::size_t n, std::uint64_t at) {
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(fd, p + got, n - got, static_cast<off_t>(at + got));
    if (r < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (r == 0) break;
    got += static_cast<std::size_t>(r);
  }
  return static_cast<ssize_t>(got);
}

inline void io_error(std::string_view name, int err) {
  erase_progress();
  std::fprintf(stderr, "sandlog: %.*s: %s\n", static_cast<int>(name.size()), name.data(),
               std::strerror(err));
}

// Whether a body starts like a JSON page: `{`, or `[` then `{` or `]` (a
// bracketed line has a digit after its `[`). A first non-blank line that is
// one whole Docker json-file object (it has "log" and no "logs") is not a page.
inline bool looks_like_page(std::string_view body) noexcept {
  auto skip = [&](std::size_t i) {
    while (i < body.size() && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r'))
      ++i;
    return i;
  };
  const std::size_t i = skip(0);
  if (i == body.size()) return false;
  if (body[i] == '{') {
    const std::size_t nl = body.find('\n', i);
    if (nl == std::string_view::npos) return true;
    std::string_view first = body.substr(i, nl - i);
    while (!first.empty() && (first.back() == '\r' || first.back() == ' ')) first.remove_suffix(1);
    const bool docker_line = first.size() >= 2 && first.back() == '}' &&
                             first.find("\"log\"") != std::string_view::npos &&
                             first.find("\"logs\"") == std::string_view::npos;
    return !docker_line;
  }
  if (body[i] != '[') return false;
  const std::size_t j = skip(i + 1);
  return j == body.size() || body[j] == '{' || body[j] == ']';
}

// Whether a read of fd would return at once (data, or the end).
inline bool readable_now(int fd) noexcept {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, 0) > 0;
}

// How long a follower lets an input stay quiet while it holds something
// unfinished (a line without its terminator, a message waiting for its
// next fragment) before showing it, so nothing is held indefinitely.
inline constexpr double open_message_idle = 1.0;

// Whether the reader holds something show_quiet() would show.
inline bool holds_unfinished(const reader& rd) noexcept {
  return rd.has_open_line() || rd.has_open_message();
}

// The input has been quiet since `last_data` (monotonic seconds): once
// open_message_idle has passed, the open line is shown as the first piece
// of its line and every open message flagged unterminated.
template <class Sink>
void show_quiet(reader& rd, Sink& sink, double last_data) {
  if (!holds_unfinished(rd) || monotonic_seconds() - last_data < open_message_idle) return;
  rd.show_open_line(sink);
  if (rd.has_open_message()) rd.end_messages(sink);
}

// Waits until fd is readable, but while the reader holds something
// unfinished only until it is due to be shown (then shows it and goes on
// waiting). Returns false when a signal asked the run to stop.
template <class Sink, class Flush>
bool wait_readable(int fd, reader& rd, Sink& sink, double last_data, Flush&& flush) {
  for (;;) {
    int ms = -1;
    if (holds_unfinished(rd)) {
      const double left = open_message_idle - (monotonic_seconds() - last_data);
      ms = left <= 0 ? 0 : static_cast<int>(left * 1000) + 1;
    }
    pollfd p{fd, POLLIN, 0};
    const int r = poll(&p, 1, ms);
    if (r > 0) return true;
    if (r < 0 && errno != EINTR) return true;  // the read reports it
    if (stop_requested) return false;
    if (r == 0) {
      show_quiet(rd, sink, last_data);
      if (!flush()) return false;
    }
  }
}

// Reads a whole JSON page (bounded by the decoder's document limit) and
// hands its entries to the reader as records without a stream. Returns
// false on an I/O error.
inline bool read_page(input_file& in, std::string& body, reader& rd, record_sink& sink,
                      bool& bad) {
  char buf[1 << 16];
  for (;;) {
    const ssize_t r = read_some(in.fd, buf, sizeof buf);
    if (r < 0) return io_error(in.name, errno), false;
    if (r == 0) break;
    body.append(buf, static_cast<std::size_t>(r));
    if (body.size() > (std::size_t{64} << 20)) break;  // the decoder reports json_too_large
  }
  sandlog::event_decoder json;
  const sandlog::json_result res = json.decode_page(body, [&](const sandlog::log_entry& e) {
    sandlog::log_record r;
    r.time = e.time;
    r.has_time = true;
    r.message = e.line;
    rd.add(r, {}, sink);
  });
  if (!res) {
    const std::string_view msg = sandlog::to_string(res.ec);
    std::fprintf(stderr, "sandlog: %s: entry %zu%s%.*s: %.*s\n", in.name.c_str(), res.entries + 1,
                 res.field.empty() ? "" : " field ", static_cast<int>(res.field.size()),
                 res.field.data(), static_cast<int>(msg.size()), msg.data());
    bad = true;
  }
  return true;
}

// A mapped file that shrinks under the reader (copytruncate does that)
// would end the process with SIGBUS at the first page past the new end.
// Before each piece the size is checked, so the reader stops at the new end
// and says so; the handler below catches the rest of the race (a shrink
// between the check and the read): it writes the records completed so far
// and the reason, and exits with the I/O status.
inline out_buffer* volatile mapped_out = nullptr;
inline const char* volatile mapped_name = nullptr;

extern "C" inline void on_mapped_shrink(int) {
  if (out_buffer* out = mapped_out) (void)out_buffer::write_all(1, out->view());
  static const char head[] = "sandlog: ";
  static const char tail[] = ": file shrank while being read (truncated by another process)\n";
  (void)!::write(2, head, sizeof head - 1);
  if (const char* name = mapped_name) (void)!::write(2, name, std::strlen(name));
  (void)!::write(2, tail, sizeof tail - 1);
  _exit(exit_io);
}

// Whether the file still holds `end` bytes; says so once if not.
inline bool still_holds(const input_file& in, std::uint64_t end) {
  struct stat st {};
  if (fstat(in.fd, &st) != 0 || static_cast<std::uint64_t>(st.st_size) >= end) return true;
  std::fprintf(stderr, "sandlog: %s: file shrank from %llu to %llu bytes while being read "
               "(truncated by another process); the records before that point are out\n",
               in.name.c_str(), static_cast<unsigned long long>(in.size),
               static_cast<unsigned long long>(st.st_size));
  return false;
}

// Feeds [offset, size) of a regular file to the reader through mmap
// windows. Returns false when writing the output failed (status says so).
inline bool map_rest(input_file& in, std::uint64_t offset, reader& rd, record_sink& sink,
                     out_buffer& out, progress_bar& bar, int& status) {
  constexpr std::uint64_t window = std::uint64_t{64} << 20;
  const long page = sysconf(_SC_PAGESIZE);
  const std::uint64_t mask = static_cast<std::uint64_t>(page > 0 ? page : 4096) - 1;
  while (offset < in.size && rd.stopped() == sandlog::error::ok) {
    const std::uint64_t base = offset & ~mask;
    const std::uint64_t len = in.size - base < window ? in.size - base : window;
    void* m = mmap(nullptr, static_cast<std::size_t>(len), PROT_READ, MAP_PRIVATE | MAP_POPULATE,
                   in.fd, static_cast<off_t>(base));
    if (m == MAP_FAILED) {
      io_error(in.name, errno);
      status = exit_io;
      return true;
    }
    const char* p = static_cast<const char*>(m) + (offset - base);
    const char* end = static_cast<const char*>(m) + len;
    mapped_out = &out;
    mapped_name = in.name.c_str();
    struct sigaction sa {}, old {};
    sa.sa_handler = on_mapped_shrink;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, &old);
    while (p != end && rd.stopped() == sandlog::error::ok) {
      const std::size_t n = static_cast<std::size_t>(end - p) < read_size ? static_cast<std::size_t>(end - p) : read_size;
      const std::uint64_t piece_end = base + static_cast<std::uint64_t>(p + n - static_cast<const char*>(m));
      if (!still_holds(in, piece_end)) {
        status = exit_io;
        break;
      }
      rd.feed({p, n}, sink);
      p += n;
      if (out.full() && !out.flush(1)) {
        sigaction(SIGBUS, &old, nullptr);
        mapped_out = nullptr;
        munmap(m, static_cast<std::size_t>(len));
        io_error("standard output", errno);
        status = exit_io;
        return false;
      }
    }
    sigaction(SIGBUS, &old, nullptr);
    mapped_out = nullptr;
    munmap(m, static_cast<std::size_t>(len));
    if (status == exit_io) return true;
    offset = base + len;
    bar.update(offset);
  }
  return true;
}

// What the command says about one source on stderr, besides its bad lines:
// with -v the format it is read in; a filter that could not apply to some
// records (--stream on records without a stream: timestamped lines carry
// none; --since/--until on records without a time), so that an empty or
// unfiltered result never looks like an answer; and, when most lines fail
// in the format, the format they look like. On a pipe that waits (kubectl
// logs -f) the format and the filter notes come at the first wait, not
// only at the end, which may never come.
struct source_notes {
  bool format_said = false;
  bool stream_said = false;
  bool time_said = false;

  void early(const options& opt, const std::string& name, const sandlog::reader_stats& s) {
    if (opt.verbose && !format_said && s.decided) say_format(name, s);
    const std::string_view f = format_name(s.format);
    if (opt.stream && s.no_stream != 0 && !stream_said) {
      stream_said = true;
      erase_progress();
      std::fprintf(stderr, "sandlog: %s: --stream drops the records that have no stream (%.*s lines carry none)\n",
                   name.c_str(), static_cast<int>(f.size()), f.data());
    }
    if ((opt.since || opt.until) && s.untimed != 0 && !time_said) {
      time_said = true;
      erase_progress();
      std::fprintf(stderr, "sandlog: %s: --since/--until keep the records that have no time (%.*s lines carry none)\n",
                   name.c_str(), static_cast<int>(f.size()), f.data());
    }
  }

  void at_end(const options& opt, const std::string& name, const sandlog::reader_stats& s) {
    erase_progress();
    if (opt.verbose && !format_said) say_format(name, s);
    const std::string_view f = format_name(s.format);
    if (opt.stream && s.no_stream != 0)
      std::fprintf(stderr,
                   "sandlog: %s: --stream dropped %llu records that have no stream (%.*s lines "
                   "carry none)\n",
                   name.c_str(), static_cast<unsigned long long>(s.no_stream),
                   static_cast<int>(f.size()), f.data());
    if ((opt.since || opt.until) && s.untimed != 0)
      std::fprintf(stderr,
                   "sandlog: %s: --since/--until kept %llu records that have no time (%.*s lines "
                   "carry none)\n",
                   name.c_str(), static_cast<unsigned long long>(s.untimed),
                   static_cast<int>(f.size()), f.data());
    suggest_format(name, s.format, s.lines - s.blank_lines, s.malformed_total(), s.malformed_look);
    *this = {};
  }

 private:
  void say_format(const std::string& name, const sandlog::reader_stats& s) {
    format_said = true;
    erase_progress();
    const std::string_view f = format_name(s.format);
    if (!s.decided)
      std::fprintf(stderr, "sandlog: %s: no line to decide a format on\n", name.c_str());
    else if (s.detected)
      std::fprintf(stderr, "sandlog: %s: format %.*s (detected: %u of %u lines)\n", name.c_str(),
                   static_cast<int>(f.size()), f.data(),
                   s.votes[static_cast<std::size_t>(s.format) % s.votes.size()], s.voters);
    else
      std::fprintf(stderr, "sandlog: %s: format %.*s (given)\n", name.c_str(),
                   static_cast<int>(f.size()), f.data());
  }
};

// A gzip member (told by its first two bytes, already in `buf`) decoded
// as a stream: into the reader, or into `dock` when what it holds is a
// Docker local-driver file or API body. A fault is reported after
// everything decoded before it; the caller goes on with the next member.
inline void read_gzip_member(const options& opt, input_file& in, char* buf, std::size_t have,
                             reader& rd, record_sink& sink, out_buffer& out, int& status,
                             docker_stream& dock) {
  sandlog::gzip_reader gz;
  member_router route(opt);
  route.start();
  bool more = true;
  auto into = [&](std::string_view s) {
    if (more) more = route.take(s, dock, rd, sink);
  };
  sandlog::gzip_result g;
  for (;;) {
    if (have == 0) {
      g = gz.finish(into);
      break;
    }
    g = gz.feed({buf, have}, into);
    if (!g || !more || rd.stopped() != sandlog::error::ok) break;
    if (out.full() && !out.flush(1)) {
      io_error("standard output", errno);
      status = exit_io;
      return;
    }
    const ssize_t r = read_some(in.fd, buf, read_size);
    if (r < 0) {
      io_error(in.name, errno);
      status = exit_io;
      return;
    }
    have = static_cast<std::size_t>(r);
  }
  if (!route.end(in.name, dock, rd, sink, sink.errors.flush_first, true))
    set_cursor::raise(status, exit_malformed);
  if (!g) {
    report_gzip(in.name, g);
    set_cursor::raise(status, exit_malformed);
  }
}

// Reads one member of a source into the reader (the caller ends the input):
// a JSON page (first member only), a gzip member, a regular file through
// mmap windows, or a pipe; with `follow`, keeps reading as it grows. Returns
// false when writing the output failed.
inline bool read_member(const options& opt, const std::string& path, bool first_member, bool follow,
                        reader& rd, record_sink& sink, error_reporter& rep, out_buffer& out,
                        char* buf, int& status, bool& bad, source_notes& notes,
                        docker_stream& dock) {
  auto flush = [&]() -> bool {
    if (out.flush(1)) return true;
    io_error("standard output", errno);
    status = exit_io;
    return false;
  };
  auto stopped = [&] { return rd.stopped() != sandlog::error::ok; };
  input_file in;
  if (!in.open(path)) {
    io_error(path, errno);
    status = exit_io;
    return true;
  }
  rep = error_reporter(in.name);
  // The first read tells a JSON page from lines; the reader detects the
  // line format itself.
  std::size_t have = 0;
  bool eof = false;
  const ssize_t first = read_some(in.fd, buf, read_size);
  if (first < 0) {
    io_error(in.name, errno);
    status = exit_io;
    return true;
  }
  have = static_cast<std::size_t>(first);
  eof = first == 0;
  if (is_gzip_head({buf, have})) {
    read_gzip_member(opt, in, buf, have, rd, sink, out, status, dock);
    return true;
  }
  // A pipe's first read may hold a piece of a line: `{` alone looks like a
  // page whether it starts one or a Docker json-file line. Read on until the
  // first line is whole (or the input ends, or the buffer is full).
  if (first_member && !opt.format && !eof && looks_like_page({buf, have})) {
    while (!eof && have < read_size && std::memchr(buf, '\n', have) == nullptr) {
      const ssize_t r = read_some(in.fd, buf + have, read_size - have);
      if (r < 0 && errno == EINTR) break;  // stopped by a signal
      if (r < 0) {
        io_error(in.name, errno);
        status = exit_io;
        return true;
      }
      have += static_cast<std::size_t>(r);
      eof = r == 0;
    }
  }
  const bool page = first_member &&
                    (opt.lifecycle_json || (!opt.format && looks_like_page({buf, have})));
  if (page) {
    std::string body(buf, have);
    if (!read_page(in, body, rd, sink, bad)) status = exit_io;
    return true;
  }
  // Docker's API bodies and local-driver files: decoded apart, read whole.
  const docker_read docker = read_docker(opt, in.fd, in.name, buf, have, eof, rd, sink, out, dock);
  if (docker.write_failed) {
    status = exit_io;
    return false;
  }
  if (docker.read_failed) status = exit_io;
  if (docker.malformed) bad = true;
  if (docker.taken) return true;
  progress_bar bar(opt.progress && !follow && in.regular, in.size);
  std::uint64_t offset = have;
  if (!follow && in.regular && !eof && in.size > have) {
    // A regular file read to its end: map it in windows instead of copying
    // it through read(2) (a fifth of the time at 1 GB/s).
    rd.feed({buf, have}, sink);
    if (!map_rest(in, offset, rd, sink, out, bar, status)) return false;
    have = 0;
    eof = true;
  }
  bool tail_done = false;
  double last_data = monotonic_seconds();
  for (;;) {
    if (have != 0) {
      last_data = monotonic_seconds();
      rd.feed({buf, have}, sink);
      if (stopped()) break;
      // An input with nothing more to read right now (a short read from a
      // pipe or a terminal): what is complete goes out before the next
      // read blocks.
      if (!in.regular && !readable_now(in.fd)) {
        rd.flush(sink);
        notes.early(opt, in.name, rd.stats());
        // -f --tail N on a pipe: the last N records of what came before
        // the first wait, then everything new.
        if (follow && !tail_done) {
          rd.release_tail(sink);
          tail_done = true;
        }
        if (!flush()) return false;
      }
      if (out.full() && !flush()) return false;
      bar.update(offset);
    }
    if (eof) {
      if (!follow || !in.regular || stop_requested) break;
      // Following: print what --tail kept, then wait for the file to grow.
      rd.flush(sink);
      show_quiet(rd, sink, last_data);
      notes.early(opt, in.name, rd.stats());
      if (!tail_done) {
        rd.release_tail(sink);
        tail_done = true;
      }
      if (!flush()) return false;
      std::timespec nap{0, 100 * 1000 * 1000};
      nanosleep(&nap, nullptr);
      if (stop_requested) break;
      struct stat st {};
      if (fstat(in.fd, &st) == 0 && static_cast<std::uint64_t>(st.st_size) < offset) {
        std::fprintf(stderr, "sandlog: %s: file truncated; reading from the start\n",
                     in.name.c_str());
        lseek(in.fd, 0, SEEK_SET);
        offset = 0;
      }
      eof = false;
    }
    // A pipe or terminal that holds back the end of a line or message: the
    // wait ends in time to show it.
    if (!in.regular && holds_unfinished(rd) && !wait_readable(in.fd, rd, sink, last_data, flush))
      break;
    const ssize_t r = read_some(in.fd, buf, read_size);
    if (r < 0) {
      if (errno == EINTR) break;  // stopped by a signal
      io_error(in.name, errno);
      status = exit_io;
      break;
    }
    have = static_cast<std::size_t>(r);
    offset += have;
    eof = r == 0;
    if (follow && !in.regular && eof) break;  // a pipe's writer closed it
  }
  return true;
}

// Reads every input in order on this thread, through one reader: each input
// is detected afresh, its unfinished messages end with it, and --tail keeps
// the last records of them all. Returns the exit status.
inline int run_sequential(const options& opt, const render_options& ro,
                          const std::vector<cli_source>& sources, run_stats& total) {
  reader rd(reader_opts(opt, ro, opt.format));
  record_fields fields(opt);
  fields.attach(rd);
  out_buffer out;
  error_reporter rep;
  record_sink sink{&out, &ro, &fields, {&rep, nullptr, stdout_is_stderr() ? &out : nullptr, opt.strict},
                   bare_output(opt, ro)};
  std::unique_ptr<char[]> buf(new char[read_size]);
  int status = exit_ok;
  bool bad = false;
  source_notes notes;
  if (opt.follow) catch_stop_signals();
  auto flush = [&]() -> bool {
    if (out.flush(1)) return true;
    io_error("standard output", errno);
    status = exit_io;
    return false;
  };
  auto stopped = [&] { return rd.stopped() != sandlog::error::ok; };
  for (std::size_t si = 0; si < sources.size() && !stopped(); ++si) {
    const cli_source& src = sources[si];
    docker_stream dock(opt);  // a local set's members are one stream
    for (std::size_t mi = 0; mi < src.paths.size() && !stopped(); ++mi) {
      // Only the newest member of the last source can still grow.
      const bool follow = opt.follow && si + 1 == sources.size() && mi + 1 == src.paths.size();
      if (!read_member(opt, src.paths[mi], mi == 0, follow, rd, sink, rep, out, buf.get(), status,
                       bad, notes, dock))
        return status;
      // The next member continues this one: its partial messages stay open.
      rd.end_input(sink);
      if (rep.total() != 0) bad = true;
      rep.finish();
    }
    dock.end_source(rd, sink);
    rd.end_messages(sink);
    notes.at_end(opt, source_label(src), rd.stats());
    total.add(rd.stats());
    rd.reset_counts();
    rd.redetect();
  }
  rd.release_tail(sink);
  if (rd.stats().tail_short != 0)
    std::fprintf(stderr, "sandlog: --tail: %llu fewer records kept (64 MiB bound)\n",
                 static_cast<unsigned long long>(rd.stats().tail_short));
  flush();
  total.add(rd.stats());
  if (status == exit_ok && bad) status = exit_malformed;
  return status;
}

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_INPUT_HPP
