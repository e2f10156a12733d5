// sandlog CLI: --follow on files, by name, like `tail -F`.
//
// Each followed name has its own reader (its own format, messages, line
// numbers) and is read to its end whenever it may have grown. A rotation is
// seen by comparing the name's inode with the open file's:
//   rename + create, delete + create   the old file is read to its end, its
//                                      unterminated last line becomes a
//                                      record of its own (never glued to
//                                      the new file's first bytes), then the
//                                      new file is read from its start;
//                                      partial messages stay open, so a
//                                      message Docker cut across the rotation
//                                      comes out whole;
//   delete (no new file yet)           the old file is read to its end and
//                                      the name is watched until it returns;
//   copytruncate                       the size drops below what was read,
//                                      or the bytes just before the read
//                                      position changed (the file was
//                                      truncated and refilled past it within
//                                      one wait): read again from the start.
// inotify on each file's directory wakes the loop as soon as anything
// changes; without it (or on filesystems that do not report), it wakes every
// 100 ms. The stat checks, not the events, decide what happened, so a missed
// or merged event loses nothing.
//
// Output leaves before each wait, so a record is out as soon as its line is
// complete and nothing more is ready. A message left open (a partial with no
// final fragment, or a Docker line without its newline) and a line its
// writer has not finished are shown, flagged partial, once the file has been
// quiet for open_message_idle (the rest of such a line, when it comes, is a
// record with the same time and stream).
#ifndef SANDLOG_CLI_FOLLOW_FILES_HPP
#define SANDLOG_CLI_FOLLOW_FILES_HPP

#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "input.hpp"
#include "options.hpp"
#include "out_buffer.hpp"
#include "records.hpp"
#include "report.hpp"

namespace sandlog_cli {

// The longest wait between two looks at the files.
inline constexpr int follow_poll_ms = 100;

// Seconds since the epoch, for --until in a follow.
inline sandlog::timestamp wall_clock_now() noexcept {
  std::timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  sandlog::timestamp t;
  t.seconds = ts.tv_sec;
  t.nanos = static_cast<std::uint32_t>(ts.tv_nsec);
  return t;
}

class followed_file {
 public:
  followed_file(const options& opt, const render_options& ro, std::string path, out_buffer& out,
                bool same_terminal)
      : path_(std::move(path)), rd_(reader_opts(opt, ro, opt.format)), fields_(opt),
        rep_(path_),
        sink_{&out, &ro, &fields_, {&rep_, nullptr, same_terminal ? &out : nullptr, opt.strict},
              bare_output(opt, ro)} {
    fields_.attach(rd_);
  }
  ~followed_file() { close_fd(); }
  followed_file(const followed_file&) = delete;
  followed_file& operator=(const followed_file&) = delete;

  const std::string& path() const noexcept { return path_; }
  bool stopped() const noexcept { return rd_.stopped() != sandlog::error::ok; }
  bool bad() const noexcept { return rep_.total() != 0 || io_failed_; }

  // Opens the name if it exists; false (reported once) if not.
  bool open() {
    const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (!missing_reported_) {
        std::fprintf(stderr, "sandlog: %s: %s; waiting for it to appear\n", path_.c_str(),
                     std::strerror(errno));
        missing_reported_ = true;
      }
      return false;
    }
    struct stat st {};
    fstat(fd, &st);
    fd_ = fd;
    dev_ = st.st_dev;
    ino_ = st.st_ino;
    offset_ = 0;
    seen_len_ = 0;
    if (missing_reported_) {
      std::fprintf(stderr, "sandlog: %s: has appeared; following it\n", path_.c_str());
      missing_reported_ = false;
    }
    return true;
  }

  // Reads what the file holds now. Returns whether anything was read.
  bool drain(std::vector<char>& buf, out_buffer& out) {
    if (fd_ < 0 && !open()) return false;
    bool any = false;
    for (;;) {
      const ssize_t r = read_some(fd_, buf.data(), buf.size());
      if (r < 0) {
        if (errno == EINTR) return any;
        io_error(path_, errno);
        io_failed_ = true;
        close_fd();
        return any;
      }
      if (r == 0) return any;
      any = true;
      const auto n = static_cast<std::size_t>(r);
      // The bytes before what was just read must be those read before: if
      // not, the file was truncated and refilled past the read position, and
      // these bytes are the new file's middle.
      if (refilled()) {
        truncated();
        continue;
      }
      remember(buf.data(), n);
      offset_ += n;
      rd_.feed({buf.data(), n}, sink_);
      last_data_ = monotonic_seconds();
      if (out.full()) (void)out.flush(1);
      if (stopped()) return any;
    }
  }

  // After a drain: whether the name now points at another file, or the file
  // was truncated; if so, the old one is done with and the next drain reads
  // the new one (or the truncated one) from its start.
  void check_rotation() {
    if (fd_ < 0) return;
    struct stat now {};
    if (stat(path_.c_str(), &now) != 0) {
      if (!gone_reported_) {
        std::fprintf(stderr, "sandlog: %s: removed; following the name until it returns\n",
                     path_.c_str());
        gone_reported_ = true;
      }
      return;  // keep the open file: it may still be written to
    }
    if (now.st_dev != dev_ || now.st_ino != ino_) {
      std::fprintf(stderr, "sandlog: %s: replaced by a new file; following it\n", path_.c_str());
      end_file();
      gone_reported_ = false;
      return;
    }
    struct stat st {};
    if (fstat(fd_, &st) != 0) return;
    if (static_cast<std::uint64_t>(st.st_size) < offset_ || refilled()) truncated();
  }

  // Before a wait: decide on the lines held, show an open message that has
  // waited long enough.
  void idle() {
    rd_.flush(sink_);
    show_quiet(rd_, sink_, last_data_);
  }

  void release_tail() { rd_.release_tail(sink_); }

  // The end of the run: what is open is delivered.
  void finish(run_stats& total) {
    rd_.finish(sink_);
    rep_.finish();
    total.add(rd_.stats());
  }

  // The directory to watch for the name.
  std::string directory() const {
    const std::size_t slash = path_.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path_.substr(0, slash);
  }

 private:
  // Copytruncate: what was read of the file is finished (its unterminated
  // last line a record of its own), and it is read again from the start.
  void truncated() {
    std::fprintf(stderr, "sandlog: %s: truncated; reading it from the start\n", path_.c_str());
    rd_.end_input(sink_);
    lseek(fd_, 0, SEEK_SET);
    offset_ = 0;
    seen_len_ = 0;
  }

  // The file the name pointed at is finished: its unterminated last line is
  // a record of its own; messages stay open for the next file.
  void end_file() {
    rd_.end_input(sink_);
    close_fd();
  }
  void close_fd() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // The last bytes read, kept to tell a file truncated and refilled past the
  // read position (its size no longer says so) from one that only grew.
  void remember(const char* p, std::size_t n) {
    if (n >= seen_.size()) {
      std::memcpy(seen_.data(), p + n - seen_.size(), seen_.size());
      seen_len_ = seen_.size();
      return;
    }
    const std::size_t keep = seen_len_ + n > seen_.size() ? seen_.size() - n : seen_len_;
    std::memmove(seen_.data(), seen_.data() + seen_len_ - keep, keep);
    std::memcpy(seen_.data() + keep, p, n);
    seen_len_ = keep + n;
  }
  bool refilled() {
    if (seen_len_ == 0) return false;
    std::array<char, 64> now{};
    const ssize_t r = pread(fd_, now.data(), seen_len_, static_cast<off_t>(offset_ - seen_len_));
    return r != static_cast<ssize_t>(seen_len_) || std::memcmp(now.data(), seen_.data(), seen_len_) != 0;
  }

  std::string path_;
  reader rd_;
  record_fields fields_;
  error_reporter rep_;
  record_sink sink_;
  int fd_ = -1;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  std::uint64_t offset_ = 0;
  std::array<char, 64> seen_{};
  std::size_t seen_len_ = 0;
  double last_data_ = 0;
  bool missing_reported_ = false;
  bool gone_reported_ = false;
  bool io_failed_ = false;
};

// Wakes the follow loop when a watched directory changes; without inotify,
// a plain wait.
class change_watch {
 public:
  change_watch() : fd_(inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {}
  ~change_watch() {
    if (fd_ >= 0) ::close(fd_);
  }
  change_watch(const change_watch&) = delete;
  change_watch& operator=(const change_watch&) = delete;

  void watch(const std::string& dir) {
    if (fd_ < 0) return;
    (void)inotify_add_watch(fd_, dir.c_str(),
                            IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |
                                IN_ATTRIB | IN_CLOSE_WRITE);
  }
  // Waits until something changes or ms pass.
  void wait(int ms) {
    if (fd_ < 0) {
      std::timespec nap{0, static_cast<long>(ms) * 1000 * 1000};
      nanosleep(&nap, nullptr);
      return;
    }
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, ms) > 0) {
      char buf[4096];
      while (::read(fd_, buf, sizeof buf) > 0) {
      }
    }
  }

 private:
  int fd_;
};

// Follows every name in opt.files until SIGINT/SIGTERM (or --until passes).
// Returns the exit status.
inline int follow_files(const options& opt, const render_options& ro, run_stats& total) {
  catch_stop_signals();
  out_buffer out;
  const bool same = stdout_is_stderr();
  std::vector<std::unique_ptr<followed_file>> files;
  change_watch watch;
  for (const std::string& path : opt.files) {
    files.push_back(std::make_unique<followed_file>(opt, ro, path, out, same));
    watch.watch(files.back()->directory());
  }
  std::vector<char> buf(read_size);
  int status = exit_ok;
  auto flush = [&]() -> bool {
    if (out.flush(1)) return true;
    io_error("standard output", errno);
    status = exit_io;
    return false;
  };
  // What is there now; --tail keeps the last records of each file.
  for (auto& f : files) {
    f->drain(buf, out);
    f->idle();
    f->release_tail();
  }
  bool stopped = false;
  while (!stop_requested && !stopped) {
    if (!flush()) break;
    if (opt.until && !(wall_clock_now() < *opt.until)) break;  // nothing more can match
    bool any = false;
    for (auto& f : files) {
      // The old file is read to its end before the name is looked at, so a
      // rotation loses nothing written to it before the rename.
      any |= f->drain(buf, out);
      f->check_rotation();
      any |= f->drain(buf, out);  // the rest of a truncated or new file
      stopped |= f->stopped();
    }
    if (any) continue;
    for (auto& f : files) f->idle();
    if (!flush()) break;
    watch.wait(follow_poll_ms);
  }
  bool bad = false;
  for (auto& f : files) {
    f->finish(total);
    bad |= f->bad();
  }
  flush();
  if (status == exit_ok && bad) status = exit_malformed;
  return status;
}

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_FOLLOW_FILES_HPP
