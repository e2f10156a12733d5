// sandlog CLI: --follow on log sets — a directory (a kubelet container's or
// pod's, a Docker container's), or a glob — like `kubectl logs -f` that does
// not stop at a rotation.
//
// Each source (one set; a kubelet container's restarts together) has its own
// reader. Its history is read oldest to newest, then its newest file is
// followed. Files are told apart by inode, never by name, since rotation is
// renaming: every file of the set seen so far is remembered, and whenever
// the set's directory is looked at, a plain file not seen before is newer
// than everything seen (a rotation, or a new restart's file) and is queued,
// oldest first. The followed file is read to its end before the next one is
// started; its unterminated last line becomes a record of its own. When the
// next one is the new live file, the old one is drained once more when the
// new one first has bytes (the kubelet renames the file before containerd
// reopens it, so lines may still reach the renamed file until then), or
// after open_message_idle without them. Partial messages stay open across a
// rotation (Docker cuts a line between two files) but not across a restart.
// A file rotated and compressed (or deleted) before it was ever opened
// cannot be read back in order: compressed files not seen before are
// skipped, since they are mostly copies of files already read.
#ifndef SANDLOG_CLI_FOLLOW_SETS_HPP
#define SANDLOG_CLI_FOLLOW_SETS_HPP

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <sandlog/gzip.hpp>
#include <sandlog/log_set.hpp>

#include "follow_files.hpp"
#include "input.hpp"
#include "json_escape.hpp"
#include "options.hpp"
#include "out_buffer.hpp"
#include "records.hpp"
#include "report.hpp"
#include "set_run.hpp"
#include "sources.hpp"
#include "text_escape.hpp"

namespace sandlog_cli {

// Whether an argument names a set to follow as one (a directory, or a glob
// that no file is named after), rather than a file to follow by name.
inline bool names_a_set(const std::string& arg) {
  struct stat st {};
  if (::stat(arg.c_str(), &st) == 0) return S_ISDIR(st.st_mode);
  return arg.find_first_of("*?[") != std::string::npos;
}

// A file of a set, held by its descriptor so that a rename or a delete
// cannot take it away.
struct held_file {
  int fd = -1;
  dev_t dev = 0;
  ino_t ino = 0;
  std::string path;        // its name when it was opened
  std::uint32_t restart = 0;
  bool live = false;       // the set's live file when it was found
  std::uint64_t offset = 0;

  bool same(dev_t d, ino_t i) const noexcept { return fd >= 0 && dev == d && ino == i; }
  void close() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

// One member of a set as its directory names it now.
struct named_member {
  std::string path;
  dev_t dev = 0;
  ino_t ino = 0;
  std::uint32_t restart = 0;
  bool live = false;  // the live file (of the highest restart, for kubelet)
};

// The members of one source now, oldest first: for a kubelet container,
// every restart in restart order; otherwise the set whose live file is
// `base`. False when the directory cannot be listed (errno set).
inline bool list_members(const std::string& dir, bool kubelet, const std::string& base,
                         std::vector<named_member>& out) {
  out.clear();
  DIR* d = ::opendir(dir.empty() ? "." : dir.c_str());
  if (d == nullptr) return false;
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(d)) {
    if (e->d_name[0] != '.') names.emplace_back(e->d_name);
  }
  ::closedir(d);
  const std::vector<sandlog::log_set> sets = sandlog::group_log_sets(names);
  std::uint32_t top = 0;
  for (const sandlog::log_set& s : sets)
    if (kubelet && s.scheme == sandlog::set_scheme::kubelet) top = std::max(top, s.restart);
  for (const sandlog::log_set& s : sets) {
    if (kubelet ? s.scheme != sandlog::set_scheme::kubelet : s.base != base) continue;
    for (const std::string& name : s.members) {
      named_member m;
      m.path = dir.empty() ? name : (dir.back() == '/' ? dir + name : dir + "/" + name);
      struct stat st {};
      if (::stat(m.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;  // vanished
      m.dev = st.st_dev;
      m.ino = st.st_ino;
      m.restart = s.restart;
      m.live = name == s.base && (!kubelet || s.restart == top);
      out.push_back(std::move(m));
    }
  }
  return true;
}

inline bool open_held(const named_member& m, held_file& h) {
  const int fd = ::open(m.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return false;
  }
  h.fd = fd;
  h.dev = st.st_dev;
  h.ino = st.st_ino;
  h.path = m.path;
  h.restart = m.restart;
  h.live = m.live;
  h.offset = 0;
  return true;
}

inline bool starts_gzip(int fd) {
  char magic[2] = {};
  return ::pread(fd, magic, 2, 0) == 2 && is_gzip_head({magic, 2});
}

// The reader's sink with the source written before each record (--prefix):
// `[name] ` in text, a "source" member in ndjson.
struct prefixed_sink {
  record_sink inner;
  const std::string* prefix = nullptr;  // null: none
  bool ndjson = false;
  std::string scratch;

  void operator()(const sandlog::read_record& r) {
    if (prefix == nullptr) return inner(r);
    out_buffer& out = *inner.out;
    if (!ndjson) {
      out.append(*prefix);
      return inner(r);
    }
    const std::size_t at = out.size();
    inner(r);
    const std::string_view rest = out.view().substr(at + 1);
    scratch.assign(rest.data(), rest.size());
    out.truncate(at + 1);
    out.append(*prefix);
    out.append(scratch);
  }
  sandlog::error operator()(const sandlog::read_error& e) { return inner(e); }
};

class followed_set {
 public:
  followed_set(const options& opt, const render_options& ro, const cli_source& src,
               out_buffer& out, bool same_terminal)
      : opt_(&opt), ro_(&ro), label_(source_label(src)), rd_(reader_opts(opt, ro, opt.format)),
        dock_(opt), fields_(opt),
        sink_{{&out, &ro, &fields_, {&rep_, nullptr, same_terminal ? &out : nullptr, opt.strict},
               bare_output(opt, ro)},
              nullptr, ro.mode == output_mode::ndjson, {}},
        history_(src.paths) {
    fields_.attach(rd_);
    key_ = key_of(src, &dir_, &base_, &kubelet_);
    if (opt.prefix) {
      if (ro.mode == output_mode::ndjson) {
        out_buffer b;
        b.append("\"source\":");
        append_json_string(b, src.name);
        b.push(',');
        prefix_ = std::string(b.view());
      } else {
        prefix_ = "[" + escaped_text(src.name) + "] ";
      }
      sink_.prefix = &prefix_;
    }
  }
  ~followed_set() {
    cur_.close();
    for (held_file& h : queue_) h.close();
    for (const identity& s : seen_) ::close(s.fd);
  }
  followed_set(const followed_set&) = delete;
  followed_set& operator=(const followed_set&) = delete;

  // What tells two expansions' sources for the same set: the directory, and
  // the live file's name unless it is a kubelet container (whose restarts
  // are one source).
  static std::string key_of(const cli_source& src, std::string* dir = nullptr,
                            std::string* base = nullptr, bool* kubelet = nullptr) {
    const std::string& last = src.paths.back();
    const std::string d(sandlog::detail::dir_part(last));
    const std::string name(sandlog::detail::last_component(last));
    std::string b = name;
    bool k = false;
    if (const auto m = sandlog::parse_member_name(name)) {
      k = m->scheme == sandlog::set_scheme::kubelet;
      b = std::string(m->base);
    }
    std::string key = d + '\0' + (k ? std::string() : b);
    if (dir != nullptr) *dir = d;
    if (base != nullptr) *base = b;
    if (kubelet != nullptr) *kubelet = k;
    return key;
  }

  const std::string& key() const noexcept { return key_; }
  const std::string& directory() const noexcept { return dir_; }
  bool stopped() const noexcept { return rd_.stopped() != sandlog::error::ok; }
  bool bad() const noexcept { return rep_.total() != 0 || failed_; }

  // The history: the source's files opened together (the names checked
  // again afterwards, so a rotation meanwhile is not half seen), read oldest
  // first; the newest plain one stays open and is followed.
  void start(std::vector<char>& buf, out_buffer& out) {
    std::vector<held_file> held;
    std::vector<named_member> now;
    for (int attempt = 0; attempt < 20; ++attempt) {
      for (held_file& h : held) h.close();
      held.clear();
      std::vector<named_member> before;
      list_members(dir_, kubelet_, base_, before);
      for (const std::string& path : history_) {
        named_member m;
        m.path = path;
        for (const named_member& b : before)
          if (b.path == path) m = b;
        held_file h;
        if (open_held(m, h)) held.push_back(std::move(h));
      }
      list_members(dir_, kubelet_, base_, now);
      if (same_names(before, now) && held_match(held, now)) break;
    }
    // Everything up to the history's newest file is seen; newer files of the
    // set (the restarts after the one --previous reads) come next.
    std::size_t upto = 0;
    for (std::size_t i = 0; i < now.size(); ++i)
      for (const held_file& h : held)
        if (h.dev == now[i].dev && h.ino == now[i].ino) upto = i + 1;
    const std::optional<set_position> from = tail_start(held, now);
    local_ = !held.empty() && is_local(held.back());
    if (local_) dock_.begin({}, docker_body::local);
    for (const held_file& h : held) remember(h.fd, h.dev, h.ino);
    for (std::size_t i = 0; i < upto; ++i) {
      held_file h;
      if (!known(now[i].dev, now[i].ino) && open_held(now[i], h)) {
        if (h.dev == now[i].dev && h.ino == now[i].ino) remember(h.fd, h.dev, h.ino);
        h.close();
      }
    }
    for (std::size_t i = from ? from->member : 0; i < held.size(); ++i) {
      const bool newest = i + 1 == held.size();
      if (from && i == from->member) {
        ::lseek(held[i].fd, static_cast<off_t>(from->offset), SEEK_SET);
        held[i].offset = from->offset;
      }
      if (newest && !starts_gzip(held[i].fd)) {
        cur_ = std::move(held[i]);
        held[i].fd = -1;
        rep_ = error_reporter(cur_.path);
        read_plain(cur_, buf, out, ~std::uint64_t{0});
      } else {
        read_whole(held[i], buf, out);
        held[i].close();
      }
    }
  }

  // -f --tail N: where the history's last N records start, found back from
  // the end as without -f (set_run.hpp), so a long history is not read
  // through. The reader then takes the set's format from its head. Nullopt
  // (read it all) without --tail, for Docker's binary formats, when the set
  // cannot be cut, or when the names changed meanwhile (a rotation: the
  // position might not be in the files held).
  std::optional<set_position> tail_start(const std::vector<held_file>& held,
                                         const std::vector<named_member>& now) {
    if (!opt_->tail || held.empty()) return std::nullopt;
    char head[512];
    const ssize_t n = ::pread(held.back().fd, head, sizeof head, 0);
    if (n > 0 && docker_head(*opt_, {head, static_cast<std::size_t>(n)})) return std::nullopt;
    cli_source src;
    src.name = label_;
    for (const held_file& h : held) src.paths.push_back(h.path);
    std::optional<sandlog::log_format> f = opt_->format;
    if (!f) f = detect_set_format(src);
    if (!f) return std::nullopt;
    std::optional<set_position> p = find_tail_start(*opt_, *ro_, src, fields_, *f);
    std::vector<named_member> again;
    list_members(dir_, kubelet_, base_, again);
    if (!p || !same_names(now, again) || !held_match(held, again)) return std::nullopt;
    rd_ = reader(reader_opts(*opt_, *ro_, f));
    fields_.attach(rd_);
    return p;
  }

  // Reads what is new. Returns whether anything was read.
  bool step(std::vector<char>& buf, out_buffer& out) {
    bool any = read_plain(cur_, buf, out, max_step) != 0;
    check_truncation();
    look();
    while (!queue_.empty() && !stopped()) {
      held_file& next = queue_.front();
      if (!next.live || cur_.fd < 0) {
        advance(buf, out);
        any = true;
        continue;
      }
      // The new live file: the old one may get lines until the writer has
      // reopened, which it has once the new file has bytes.
      const ssize_t r = read_some(next.fd, buf.data(), buf.size());
      if (r > 0) {
        std::vector<char> first(buf.begin(), buf.begin() + r);
        read_plain(cur_, buf, out, ~std::uint64_t{0});
        advance(buf, out, false);
        feed_cur(first.data(), first.size(), out);
        any = true;
      } else if (monotonic_seconds() - rotated_at_ >= open_message_idle) {
        read_plain(cur_, buf, out, ~std::uint64_t{0});
        advance(buf, out, false);
        any = true;
      }
      break;
    }
    return any;
  }

  // Before a wait: decide on the lines held, show an open message that has
  // waited long enough.
  void idle() {
    rd_.flush(sink_);
    show_quiet(rd_, sink_, last_data_);
  }

  void release_tail() { rd_.release_tail(sink_); }

  void finish(run_stats& total) {
    if (local_) dock_.end_source(rd_, sink_);
    rd_.finish(sink_);
    rep_.finish();
    total.add(rd_.stats());
  }

 private:
  static constexpr std::uint64_t max_step = std::uint64_t{16} << 20;  // then the other sources

    // A file seen: held open, so that its inode cannot be given to a new
  // file (Docker deletes its oldest rotation and creates the new live file
  // at once; the file system may reuse the number) until it is deleted.
  struct identity {
    int fd;
    dev_t dev;
    ino_t ino;
  };

  static bool same_names(const std::vector<named_member>& a, const std::vector<named_member>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (a[i].path != b[i].path || a[i].dev != b[i].dev || a[i].ino != b[i].ino) return false;
    return true;
  }
  static bool held_match(const std::vector<held_file>& held, const std::vector<named_member>& now) {
    for (const held_file& h : held) {
      bool found = false;
      for (const named_member& m : now) found = found || (m.path == h.path && m.dev == h.dev && m.ino == h.ino);
      if (!found) return false;
    }
    return true;
  }

  bool known(dev_t d, ino_t i) const noexcept {
    for (const identity& s : seen_)
      if (s.dev == d && s.ino == i) return true;
    return false;
  }
  void remember(int fd, dev_t d, ino_t i) {
    if (known(d, i)) return;
    const int own = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (own >= 0) seen_.push_back({own, d, i});
  }

  // Looks at the set's names: files not seen before are queued, oldest
  // first. A listing that finds one is taken again and the two merged:
  // readdir may miss an entry renamed while it runs, and a rotation renames
  // every member.
  void look() {
    std::vector<named_member> now;
    if (!list_members(dir_, kubelet_, base_, now)) {
      if (!list_failed_)
        std::fprintf(stderr, "sandlog: %s: %s; following the open file\n",
                     escaped_text(dir_.empty() ? "." : dir_).c_str(), std::strerror(errno));
      list_failed_ = true;
      return;
    }
    list_failed_ = false;
    bool unseen = false;
    for (const named_member& m : now) unseen = unseen || !known(m.dev, m.ino);
    if (!unseen) return forget_deleted();
    std::vector<named_member> again;
    if (list_members(dir_, kubelet_, base_, again)) {
      for (named_member& m : now) {
        bool found = false;
        for (const named_member& a : again) found = found || (a.dev == m.dev && a.ino == m.ino);
        if (!found) again.push_back(std::move(m));
      }
      now.swap(again);
    }
    bool added = false;
    for (const named_member& m : now) {
      if (known(m.dev, m.ino)) continue;
      held_file h;
      if (!open_held(m, h)) continue;  // gone again: looked at next time
      if (known(h.dev, h.ino)) {       // renamed meanwhile to a file seen
        h.close();
        continue;
      }
      remember(h.fd, h.dev, h.ino);
      // A compressed copy, most likely of a file read. By its name too:
      // dockerd writes the .gz in place, so it may have no bytes yet.
      if (starts_gzip(h.fd) || sandlog::detail::ends_with(h.path, ".gz")) {
        h.close();
        continue;
      }
      if (queue_.empty()) rotated_at_ = monotonic_seconds();
      queue_.push_back(std::move(h));
      h.fd = -1;
      added = true;
    }
    if (added) {
      // Oldest first, as the names say now (a file missed by an earlier
      // listing goes before the newer ones queued since); only the live
      // file is live.
      auto place = [&](const held_file& q) {
        for (std::size_t i = 0; i < now.size(); ++i)
          if (now[i].dev == q.dev && now[i].ino == q.ino) return i + 1;
        return std::size_t{0};
      };
      std::stable_sort(queue_.begin(), queue_.end(),
                       [&](const held_file& a, const held_file& b) { return place(a) < place(b); });
      for (held_file& q : queue_) {
        const std::size_t at = place(q);
        q.live = at != 0 && now[at - 1].live;
      }
    }
    forget_deleted();
  }

  void forget_deleted() {
    // Forget the files deleted (no name left: their inodes may come back).
    // Not those missing from this listing: readdir may miss an entry that
    // is renamed while it runs, and Docker renames every member at a rotation.
    std::vector<identity> keep;
    for (const identity& s : seen_) {
      struct stat st {};
      if (fstat(s.fd, &st) == 0 && st.st_nlink == 0) ::close(s.fd);
      else keep.push_back(s);
    }
    seen_.swap(keep);
  }

  // The followed file is done with: its unterminated last line becomes a
  // record of its own; the next queued file is read (whole, unless it is
  // the live one, which is then followed).
  void advance(std::vector<char>& buf, out_buffer& out, bool drain_old = true) {
    if (drain_old) read_plain(cur_, buf, out, ~std::uint64_t{0});
    held_file next = std::move(queue_.front());
    queue_.front().fd = -1;
    queue_.pop_front();
    if (cur_.fd >= 0) {
      end_file(cur_.path);
      rep_.finish();
      if (kubelet_ && next.restart != cur_.restart) {
        rd_.end_messages(sink_);  // a new container: nothing continues
        std::fprintf(stderr, "sandlog: %s: restart %u (%s); following it\n", label_.c_str(),
                     next.restart, escaped_text(next.path).c_str());
      }
    }
    cur_.close();
    cur_ = std::move(next);
    next.fd = -1;
    rep_ = error_reporter(cur_.path);
    if (!queue_.empty()) rotated_at_ = monotonic_seconds();
    if (!cur_.live) read_plain(cur_, buf, out, ~std::uint64_t{0});
  }

  void feed_cur(const char* p, std::size_t n, out_buffer& out) {
    cur_.offset += n;
    feed_bytes({p, n});
    last_data_ = monotonic_seconds();
    if (out.full()) (void)out.flush(1);
  }

  // Reads f from where it is up to `limit` bytes (its end, unless the
  // writer is faster). Returns the bytes read.
  std::uint64_t read_plain(held_file& f, std::vector<char>& buf, out_buffer& out, std::uint64_t limit) {
    std::uint64_t got = 0;
    while (f.fd >= 0 && got < limit && !stopped()) {
      const ssize_t r = read_some(f.fd, buf.data(), buf.size());
      if (r < 0) {
        if (errno == EINTR) break;
        io_error(f.path, errno);
        failed_ = true;
        f.close();
        break;
      }
      if (r == 0) break;
      const auto n = static_cast<std::size_t>(r);
      got += n;
      if (&f == &cur_) {
        feed_cur(buf.data(), n, out);
      } else {
        feed_bytes({buf.data(), n});
        if (out.full()) (void)out.flush(1);
      }
    }
    return got;
  }

  // Bytes of the set's files, in order: to the line reader, or through the
  // Docker local-driver decoder, whose joiner spans the set's files.
  void feed_bytes(std::string_view bytes) {
    if (local_) {
      (void)dock_.feed(bytes, rd_, sink_);
    } else {
      rd_.feed(bytes, sink_);
    }
  }

  // A file of the set is finished: its unterminated last line (or a local
  // record cut short, reported with its offset) ends with it; partial
  // messages stay open for the next file.
  void end_file(const std::string& path) {
    if (local_) {
      if (!dock_.end_member(path, rd_, sink_)) failed_ = true;
      dock_.begin({}, docker_body::local);
    }
    rd_.end_input(sink_);
  }

  // Whether a set's file is a Docker local-driver file: by its first bytes,
  // or while it has none by its place (local-logs/container.log).
  bool is_local(const held_file& f) const {
    char head[512];
    const ssize_t n = ::pread(f.fd, head, sizeof head, 0);
    if (n <= 0)
      return opt_->docker == docker_body::local ||
             (!opt_->format && sandlog::detail::ends_with(f.path, "local-logs/container.log"));
    const std::string_view h(head, static_cast<std::size_t>(n));
    if (!docker_head(*opt_, h)) return false;
    return opt_->docker == docker_body::local ||
           (opt_->docker == docker_body::detect &&
            sandlog::detect_body(h) != sandlog::body_kind::multiplexed);
  }

  // A rotated member read at once: gzip decoded by content.
  void read_whole(held_file& f, std::vector<char>& buf, out_buffer& out) {
    rep_ = error_reporter(f.path);
    sandlog::gzip_reader gz;
    auto into = [&](std::string_view s) { feed_bytes(s); };
    sandlog::gzip_result g;
    for (;;) {
      const ssize_t r = read_some(f.fd, buf.data(), buf.size());
      if (r < 0) {
        io_error(f.path, errno);
        failed_ = true;
        break;
      }
      if (r == 0) {
        g = gz.finish(into);
        break;
      }
      g = gz.feed({buf.data(), static_cast<std::size_t>(r)}, into);
      if (!g || stopped()) break;
      if (out.full()) (void)out.flush(1);
    }
    if (!g) {
      report_gzip(f.path, g);
      failed_ = true;
    }
    end_file(f.path);
    rep_.finish();
  }

  // Copytruncate on the followed file: read it again from its start.
  void check_truncation() {
    struct stat st {};
    if (cur_.fd < 0 || fstat(cur_.fd, &st) != 0 || static_cast<std::uint64_t>(st.st_size) >= cur_.offset)
      return;
    std::fprintf(stderr, "sandlog: %s: truncated; reading it from the start\n",
                 escaped_text(cur_.path).c_str());
    end_file(cur_.path);
    lseek(cur_.fd, 0, SEEK_SET);
    cur_.offset = 0;
  }

  const options* opt_;
  const render_options* ro_;
  std::string label_;
  std::string dir_, base_, key_;
  bool kubelet_ = false;
  std::string prefix_;
  reader rd_;
  docker_stream dock_;
  bool local_ = false;  // the set is a Docker local-driver set
  record_fields fields_;
  error_reporter rep_;
  prefixed_sink sink_;
  std::vector<std::string> history_;
  held_file cur_;
  std::deque<held_file> queue_;
  std::vector<identity> seen_;
  double rotated_at_ = 0;
  double last_data_ = 0;
  bool list_failed_ = false;
  bool failed_ = false;
};

// Follows the sets the arguments name (plain files among them by name, as
// sets of one) until SIGINT/SIGTERM or --until; sources that appear later
// under a directory argument (a pod's new container) are read from their
// start. Returns the exit status.
inline int follow_sets(const options& opt, const render_options& ro, run_stats& total) {
  catch_stop_signals();
  int status = exit_ok;
  std::vector<cli_source> sources = expand_sources(opt, status);
  out_buffer out;
  const bool same = stdout_is_stderr();
  std::vector<std::unique_ptr<followed_set>> sets;
  change_watch watch;
  for (const std::string& f : opt.files) {
    struct stat st {};
    if (::stat(f.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) watch.watch(f);
  }
  std::vector<char> buf(read_size);
  auto add = [&](const cli_source& src) {
    const std::string key = followed_set::key_of(src);
    for (const auto& s : sets)
      if (s->key() == key) return false;
    sets.push_back(std::make_unique<followed_set>(opt, ro, src, out, same));
    watch.watch(sets.back()->directory().empty() ? "." : sets.back()->directory());
    sets.back()->start(buf, out);
    sets.back()->idle();
    sets.back()->release_tail();
    return true;
  };
  for (const cli_source& src : sources)
    if (src.paths.size() != 1 || src.paths[0] != "-") add(src);
  auto flush = [&]() -> bool {
    if (out.flush(1)) return true;
    io_error("standard output", errno);
    status = exit_io;
    return false;
  };
  bool stopped = false;
  double looked = monotonic_seconds();
  while (!stop_requested && !stopped) {
    if (!flush()) break;
    if (opt.until && !(wall_clock_now() < *opt.until)) break;  // nothing more can match
    bool any = false;
    for (auto& s : sets) {
      any |= s->step(buf, out);
      stopped |= s->stopped();
    }
    if (any) continue;
    for (auto& s : sets) s->idle();
    if (!flush()) break;
    // New sources under the arguments (a pod's new container, a new file).
    if (monotonic_seconds() - looked >= follow_poll_ms / 1000.0) {
      looked = monotonic_seconds();
      int quiet = exit_ok;  // problems were reported at the start
      const std::vector<cli_source> again = expand_sources(opt, quiet, false);
      for (const cli_source& src : again)
        if ((src.paths.size() != 1 || src.paths[0] != "-") && add(src))
          std::fprintf(stderr, "sandlog: %s: new; following it\n", source_label(src).c_str());
      if (!flush()) break;
    }
    watch.wait(follow_poll_ms);
  }
  bool bad = false;
  for (auto& s : sets) {
    s->finish(total);
    bad |= s->bad();
  }
  flush();
  if (status == exit_ok && bad) status = exit_malformed;
  return status;
}

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_FOLLOW_SETS_HPP
