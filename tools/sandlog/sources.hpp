// sandlog CLI: the sources of a run — each FILE, directory or glob argument
// expanded into log sets (log_set.hpp), each set's members read oldest to
// newest as one stream (gzip members decoded by content, gzip.hpp), and
// several sources merged by time (merge.hpp) or concatenated, with an
// optional `[source] ` prefix. docs/log_set.md describes the layouts.
#ifndef SANDLOG_CLI_SOURCES_HPP
#define SANDLOG_CLI_SOURCES_HPP

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <sandlog/gzip.hpp>
#include <sandlog/log_set.hpp>
#include <sandlog/merge.hpp>

#include "docker_input.hpp"
#include "json_escape.hpp"
#include "options.hpp"
#include "out_buffer.hpp"
#include "records.hpp"
#include "report.hpp"
#include "text_escape.hpp"

namespace sandlog_cli {

// One stream to read: standard input, or a set's members, oldest first.
struct cli_source {
  std::string name;                // for --prefix: `pod/container`, else the live file's name
  std::vector<std::string> paths;  // "-" alone for standard input
};

// Whether a source is one of the files Docker keeps beside a container's
// log (config.v2.json, hostconfig.json, hostname, hosts, resolv.conf…): a
// file of another set in a directory named as an argument that is a Docker
// container's (it holds config.v2.json, or the log `<dir name>-json.log`;
// a container created but not started has no log yet).
inline bool docker_state_file(const sandlog::log_source& s,
                              const std::vector<sandlog::log_source>& all,
                              const std::vector<std::string>& args) {
  if (s.scheme != sandlog::set_scheme::logrotate || s.paths.empty()) return false;
  const std::string_view dir = sandlog::detail::dir_part(s.paths.back());
  const std::string_view id = sandlog::detail::last_component(dir);
  bool listed = false;
  for (const std::string& a : args) {
    std::string_view arg(a);
    while (arg.size() > 1 && arg.back() == '/') arg.remove_suffix(1);
    listed = listed || arg == dir;
  }
  if (!listed || id.empty()) return false;
  struct stat st {};
  if (::stat(sandlog::detail::join_path(dir, "config.v2.json").c_str(), &st) == 0) return true;
  for (const sandlog::log_source& o : all)
    if (o.scheme == sandlog::set_scheme::docker_json && !o.paths.empty() &&
        sandlog::detail::dir_part(o.paths.back()) == dir && o.name == std::string(id) + "-json.log")
      return true;
  return false;
}

// Turns the FILE arguments into sources (runs of file arguments between
// `-`s are expanded together, so files of one directory named apart still
// form one set). Problems are reported here unless `report` is false;
// `status` is raised for them. Docker's own files beside a container's log
// are left out when the container's directory is named.
inline std::vector<cli_source> expand_sources(const options& opt, int& status, bool report = true) {
  std::vector<cli_source> out;
  sandlog::expand_options eo;
  eo.restarts = opt.previous ? sandlog::restart_choice::previous : sandlog::restart_choice::current;
  std::vector<std::string> run;
  auto expand_run = [&] {
    if (run.empty()) return;
    sandlog::expansion e = sandlog::expand_log_sets(run, eo);
    for (const sandlog::expand_problem& p : e.problems) {
      if (!report) continue;
      const std::string_view what = sandlog::to_string(p.ec);
      if (p.sys_errno != 0)
        std::fprintf(stderr, "sandlog: %s: %s\n", escaped_text(p.path).c_str(), std::strerror(p.sys_errno));
      else
        std::fprintf(stderr, "sandlog: %s: %.*s\n", escaped_text(p.path).c_str(),
                     static_cast<int>(what.size()), what.data());
      // A hole in a set still reads the rest: the input is incomplete, not unreadable.
      const int s = p.ec == sandlog::error::missing_member ? exit_malformed : exit_io;
      if (status == exit_ok || (status == exit_malformed && s == exit_io)) status = s;
    }
    for (sandlog::log_source& s : e.sources)
      if (!docker_state_file(s, e.sources, run)) out.push_back({s.name, s.paths});
    run.clear();
  };
  for (const std::string& f : opt.files) {
    if (f == "-") {
      expand_run();
      out.push_back({"<stdin>", {"-"}});
    } else {
      run.push_back(f);
    }
  }
  expand_run();
  return out;
}

// How messages name a source: a file given alone by its path, a set by its name.
inline std::string source_label(const cli_source& s) {
  if (s.paths.size() == 1) return s.paths[0] == "-" ? std::string("<stdin>") : s.paths[0];
  return s.name;
}

namespace detail {

inline ssize_t read_retry(int fd, char* buf, std::size_t n) {
  for (;;) {
    const ssize_t r = ::read(fd, buf, n);
    if (r >= 0 || errno != EINTR) return r;
  }
}

inline void file_error(const std::string& name, int err) {
  std::fprintf(stderr, "sandlog: %s: %s\n", escaped_text(name).c_str(), std::strerror(err));
}

}  // namespace detail

inline bool is_gzip_head(std::string_view head) noexcept {
  return head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f &&
         static_cast<unsigned char>(head[1]) == 0x8b;
}

// Reports a gzip fault after everything decoded before it went out.
inline void report_gzip(const std::string& name, const sandlog::gzip_result& g) {
  const std::string_view msg = sandlog::to_string(g.ec);
  std::fprintf(stderr, "sandlog: %s: byte %" PRIu64 ": %.*s (gzip member at byte %" PRIu64 ")\n",
               escaped_text(name).c_str(), g.offset, static_cast<int>(msg.size()), msg.data(),
               g.member);
}

// Where a set is read from: a member and a byte offset in it.
struct set_position {
  std::size_t member = 0;
  std::uint64_t offset = 0;
};

// Reads the members of one source, from a position to the end, a chunk at a
// time, through a gzip_reader (plain members pass through it untouched)
// into a record reader: end_input between members, so a partial message
// that ends one file joins the final fragment at the start of the next.
// A member that is a Docker local-driver file or API body (told by its
// decoded head) goes through a docker_stream kept across the members, so
// that a local set's fragments join across rotations too.
class set_cursor {
 public:
  set_cursor(const options& opt, const cli_source& src, set_position from, std::size_t chunk)
      : src_(&src),
        member_(from.member),
        start_(from.offset),
        chunk_(chunk),
        buf_(new char[chunk]),
        dock_(opt),
        route_(opt) {}
  set_cursor(const set_cursor&) = delete;
  set_cursor& operator=(const set_cursor&) = delete;
  ~set_cursor() { close(); }

  // Reads one chunk into rd (opening, ending and reporting members as it
  // goes). Returns false once every member has been read. `status` is
  // raised on faults; `rep` names the member being read.
  template <class Sink>
  bool step(reader& rd, Sink& sink, error_reporter& rep, int& status) {
    while (fd_ < 0) {
      if (member_ >= src_->paths.size()) {
        dock_.end_source(rd, sink);
        return false;
      }
      if (open_member(rep, status)) break;
      ++member_;
    }
    const ssize_t r = detail::read_retry(fd_, buf_.get(), chunk_);
    if (r < 0) {
      detail::file_error(name_, errno);
      raise(status, exit_io);
      end_member(rd, sink, rep, status);
      return true;
    }
    auto into = [&](std::string_view s) {
      if (more_) more_ = route_.take(s, dock_, rd, sink);
    };
    if (r == 0) {
      const sandlog::gzip_result g = !gz_ ? sandlog::gzip_result{} : gz_->finish(into);
      if (!g) {
        report_gzip(name_, g);
        raise(status, exit_malformed);
      }
      end_member(rd, sink, rep, status);
      return true;
    }
    const std::string_view chunk(buf_.get(), static_cast<std::size_t>(r));
    if (gz_) {
      const sandlog::gzip_result g = gz_->feed(chunk, into);
      if (!g) {
        // Nothing after the fault decodes; the set goes on with its next member.
        report_gzip(name_, g);
        raise(status, exit_malformed);
        end_member(rd, sink, rep, status);
        return true;
      }
    } else {
      into(chunk);
    }
    // A Docker member that refused more (its fault is reported at its end).
    if (!more_) end_member(rd, sink, rep, status);
    return true;
  }

  static void raise(int& status, int s) {
    if (status == exit_ok || (status == exit_malformed && s == exit_io)) status = s;
  }

 private:
  bool open_member(error_reporter& rep, int& status) {
    const std::string& path = src_->paths[member_];
    name_ = path == "-" ? "<stdin>" : path;
    fd_ = path == "-" ? 0 : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      detail::file_error(name_, errno);
      raise(status, exit_io);
      return false;
    }
    if (start_ != 0 && ::lseek(fd_, static_cast<off_t>(start_), SEEK_SET) < 0) {
      detail::file_error(name_, errno);
      raise(status, exit_io);
      close();
      return false;
    }
    // A member read from an offset is plain (only plain files are cut).
    // Line numbers count from the cut, so the cut is named with them.
    rep = error_reporter(start_ == 0 ? name_ : name_ + " (from byte " + std::to_string(start_) + ")");
    route_.start();
    more_ = true;
    if (start_ != 0) gz_.reset();
    else if (!gz_) gz_ = std::make_unique<sandlog::gzip_reader>();
    else gz_->reset();
    start_ = 0;
    return true;
  }

  template <class Sink>
  void end_member(reader& rd, Sink& sink, error_reporter& rep, int& status) {
    if (!route_.end(name_, dock_, rd, sink, nullptr, gz_ && gz_->compressed()))
      raise(status, exit_malformed);
    rd.end_input(sink);
    rep.finish();
    close();
    ++member_;
  }

  void close() {
    if (fd_ > 0) ::close(fd_);
    fd_ = -1;
  }

  const cli_source* src_;
  std::size_t member_;
  std::uint64_t start_;
  std::size_t chunk_;
  std::unique_ptr<char[]> buf_;
  std::unique_ptr<sandlog::gzip_reader> gz_;
  docker_stream dock_;
  member_router route_;
  bool more_ = true;  // the member's decoder takes more
  int fd_ = -1;
  std::string name_;
};

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_SOURCES_HPP
