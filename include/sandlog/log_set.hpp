// sandlog: log sets — the live file of a log and its rotated, possibly
// compressed, predecessors, named and ordered oldest to newest.
//
// A log that is rotated leaves a set of files behind, and the order of the set
// is in the names, not in the shell's lexical order (`app.log.10` is older
// than `app.log.9`; `0.log` is newer than `0.log.20260220-143000`). Three
// naming schemes are read (docs/log_set.md shows the layouts):
//
//   kubelet       <restart>.log, <restart>.log.<YYYYMMDD-hhmmss>[.gz]
//                 in /var/log/pods/<namespace>_<pod>_<uid>/<container>/
//   Docker        <id>-json.log (json-file) or container.log (local),
//                 with .1, .2, … and .N.gz; .1 is the newest rotated file
//   logrotate     <name>.1, <name>.2.gz, …, or dateext: <name>-YYYYMMDD,
//                 <name>-YYYYMMDDHH, each with or without .gz
//
// How a set is ordered, for every scheme alike: first the numbered members,
// highest number first (.N is older than .N-1); then the dated members,
// earliest date first; the live file (no suffix) last. Numbered and dated
// members in one set come from a change of configuration; the numbered ones
// are taken as the older. A rotated member present both plain and compressed
// (`.1` and `.1.gz`, as while Docker or the kubelet is compressing it) is read
// once, from the plain file: the compressed one may still be half written.
// Names ending in `.tmp` are a compressor's temporaries and belong to no set.
// A kubelet container directory holds one set per restart; the highest
// restart number is the current container.
//
// parse_member_name and group_log_sets are pure functions over names: no I/O,
// no allocation in parse_member_name. expand_log_sets is the thin layer over
// the file system (POSIX opendir/stat/glob) that turns FILE, directory and
// glob arguments into sources, each an ordered list of paths with the name
// to show for it.
#ifndef SANDLOG_LOG_SET_HPP
#define SANDLOG_LOG_SET_HPP

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config.hpp"
#include "error.hpp"

#if defined(__has_include)
#if __has_include(<dirent.h>) && __has_include(<glob.h>) && __has_include(<sys/stat.h>)
#define SANDLOG_HAS_POSIX_FILES 1
#endif
#endif
#ifndef SANDLOG_HAS_POSIX_FILES
#define SANDLOG_HAS_POSIX_FILES 0
#endif

#if SANDLOG_HAS_POSIX_FILES
#include <dirent.h>
#include <glob.h>
#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#endif

namespace sandlog {

// The naming scheme of a set, told from the live file's name.
enum class set_scheme : std::uint8_t {
  kubelet,       // <restart>.log
  docker_json,   // <id>-json.log
  docker_local,  // container.log
  logrotate,     // any other name (a file never rotated is a set of one)
};

constexpr std::string_view to_string(set_scheme s) noexcept {
  switch (s) {
    case set_scheme::kubelet: return "kubelet";
    case set_scheme::docker_json: return "docker json-file";
    case set_scheme::docker_local: return "docker local";
    case set_scheme::logrotate: return "logrotate";
  }
  return "unknown";
}

// What a member's suffix says of its age.
enum class member_kind : std::uint8_t {
  numbered,  // .N: the higher N, the older
  dated,     // .YYYYMMDD-hhmmss or -YYYYMMDD[HH]: the earlier, the older
  live,      // no suffix: the file being written, the newest
};

// A member's place in its set. Compares older-first: a < b when a is older.
// `value` is N for numbered members and the date as the number
// YYYYMMDDhhmmss for dated ones (an hour-only or day-only date fills the rest
// with zeros); 0 for the live file. Between a plain and a compressed copy of
// the same rotation the plain one comes first.
struct member_order {
  member_kind kind = member_kind::live;
  std::uint64_t value = 0;
  bool compressed = false;

  // Same rotation, whatever the compression.
  friend constexpr bool same_rotation(const member_order& a, const member_order& b) noexcept {
    return a.kind == b.kind && a.value == b.value;
  }
  friend constexpr bool operator<(const member_order& a, const member_order& b) noexcept {
    if (a.kind != b.kind) return a.kind < b.kind;
    if (a.value != b.value) return a.kind == member_kind::numbered ? a.value > b.value
                                                                   : a.value < b.value;
    return !a.compressed && b.compressed;
  }
};

// One file name read as a member of a set.
struct member_name {
  set_scheme scheme = set_scheme::logrotate;
  std::string_view base{};      // the live file's name; a view into the name parsed
  std::uint32_t restart = 0;    // kubelet: the restart number in base; else 0
  member_order order{};
};

namespace detail {

constexpr bool name_digit(char c) noexcept { return c >= '0' && c <= '9'; }

constexpr bool all_digits(std::string_view s) noexcept {
  for (char c : s)
    if (!name_digit(c)) return false;
  return !s.empty();
}

// The value of a run of at most 19 digits (the caller checked they are).
constexpr std::uint64_t digits_value(std::string_view s) noexcept {
  std::uint64_t v = 0;
  for (char c : s) v = v * 10 + static_cast<std::uint64_t>(c - '0');
  return v;
}

constexpr bool ends_with(std::string_view s, std::string_view tail) noexcept {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

// `YYYYMMDD`, then 0, 2 or 6 more digits (hh, or hhmmss), with plausible
// fields, as the number YYYYMMDDhhmmss. Plausible, not exact (day 31 of any
// month passes): the point is to tell a date from a number that is not one.
constexpr std::optional<std::uint64_t> date_value(std::string_view d) noexcept {
  if (!(d.size() == 8 || d.size() == 10 || d.size() == 14) || !all_digits(d))
    return std::nullopt;
  const std::uint64_t month = digits_value(d.substr(4, 2));
  const std::uint64_t day = digits_value(d.substr(6, 2));
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  std::uint64_t v = digits_value(d.substr(0, 8)) * 1000000;
  if (d.size() >= 10) {
    const std::uint64_t hour = digits_value(d.substr(8, 2));
    if (hour > 23) return std::nullopt;
    v += hour * 10000;
  }
  if (d.size() == 14) {
    const std::uint64_t minute = digits_value(d.substr(10, 2));
    const std::uint64_t second = digits_value(d.substr(12, 2));
    if (minute > 59 || second > 60) return std::nullopt;
    v += minute * 100 + second;
  }
  return v;
}

// The rotation suffix at the end of `s` (already without `.gz`): sets `base`
// to what precedes it and `order` to its kind and value; false if none.
constexpr bool rotation_suffix(std::string_view s, std::string_view& base,
                               member_order& order) noexcept {
  // kubelet: .YYYYMMDD-hhmmss
  if (s.size() > 16 && s[s.size() - 16] == '.' && s[s.size() - 7] == '-') {
    const std::string_view date = s.substr(s.size() - 15, 8);
    const std::string_view time = s.substr(s.size() - 6);
    if (all_digits(date) && all_digits(time)) {
      char joined[14] = {};
      for (std::size_t i = 0; i < 8; ++i) joined[i] = date[i];
      for (std::size_t i = 0; i < 6; ++i) joined[8 + i] = time[i];
      if (auto v = date_value(std::string_view(joined, 14))) {
        base = s.substr(0, s.size() - 16);
        order.kind = member_kind::dated;
        order.value = *v;
        return true;
      }
    }
  }
  // .N and -YYYYMMDD[HH]: the run of digits after the last '.' or '-'.
  std::size_t i = s.size();
  while (i > 0 && name_digit(s[i - 1])) --i;
  const std::size_t digits = s.size() - i;
  if (digits == 0 || i < 2) return false;  // needs a separator and a base before it
  const std::string_view run = s.substr(i);
  if (s[i - 1] == '.' && digits <= 9) {
    base = s.substr(0, i - 1);
    order.kind = member_kind::numbered;
    order.value = digits_value(run);
    return true;
  }
  if (s[i - 1] == '-' && (digits == 8 || digits == 10)) {
    if (auto v = date_value(run)) {
      base = s.substr(0, i - 1);
      order.kind = member_kind::dated;
      order.value = *v;
      return true;
    }
  }
  return false;
}

}  // namespace detail

// Reads a file name (no directory part) as a member of a set: its scheme, the
// live file's name and its place in the set. Returns nullopt for names that
// belong to no set: empty, `.`, `..`, and compressor temporaries (`*.tmp`).
// Every other name is a member, if only the live file of a set of one.
// Allocates nothing; `base` is a view into `name`.
constexpr std::optional<member_name> parse_member_name(std::string_view name) noexcept {
  if (name.empty() || name == "." || name == ".." || detail::ends_with(name, ".tmp"))
    return std::nullopt;
  member_name m;
  std::string_view stem = name;
  const bool gz = detail::ends_with(name, ".gz");
  if (gz) stem = name.substr(0, name.size() - 3);
  std::string_view base{};
  member_order order{};
  if (detail::rotation_suffix(stem, base, order)) {
    order.compressed = gz;
    m.base = base;
    m.order = order;
  } else {
    // A `.gz` without a rotation suffix before it is a file of its own.
    m.base = name;
  }
  const std::string_view b = m.base;
  if (detail::ends_with(b, ".log") && b.size() > 4 && b.size() <= 4 + 9 &&
      detail::all_digits(b.substr(0, b.size() - 4))) {
    m.scheme = set_scheme::kubelet;
    m.restart = static_cast<std::uint32_t>(detail::digits_value(b.substr(0, b.size() - 4)));
  } else if (detail::ends_with(b, "-json.log") && b.size() > 9) {
    m.scheme = set_scheme::docker_json;
  } else if (b == "container.log") {
    m.scheme = set_scheme::docker_local;
  }
  return m;
}

// A numbered rotation absent between the live file and the highest number
// present: [first, last] (first == last for one file).
struct member_gap {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
};

// The members of one set found among some names, oldest first.
struct log_set {
  set_scheme scheme = set_scheme::logrotate;
  std::string base;                    // the live file's name (present or not)
  std::uint32_t restart = 0;           // kubelet: the restart number; else 0
  std::vector<std::string> members;    // the names to read, oldest first
  std::vector<std::string> skipped;    // compressed copies of a rotation also present plain
  std::vector<member_gap> gaps;        // numbered rotations missing from .1 up to the highest
};

namespace detail {

// Sets come out kubelet restarts first, by restart number, then the others
// by base name: a total order, so the result never depends on input order.
inline bool set_before(const log_set& a, const log_set& b) noexcept {
  const bool ka = a.scheme == set_scheme::kubelet, kb = b.scheme == set_scheme::kubelet;
  if (ka != kb) return ka;
  if (a.restart != b.restart) return a.restart < b.restart;
  return a.base < b.base;
}

}  // namespace detail

// Groups file names (one directory's entries, or the names a user gave) into
// sets and orders each set's members oldest first, as the header comment
// describes. `names` is any range of things convertible to std::string_view;
// repeated names count once and names of no set are left out. The result does
// not depend on the order of `names`. Allocates the result.
template <class Names>
std::vector<log_set> group_log_sets(const Names& names) {
  struct entry {
    member_name parsed;
    std::string_view name;
  };
  std::vector<entry> entries;
  for (const auto& n : names) {
    const std::string_view name(n);
    if (auto m = parse_member_name(name)) entries.push_back({*m, name});
  }
  // By base, then oldest first; equal orders (the same rotation spelled two
  // ways, as `.1` and `.01`) by name, so the order is total.
  std::sort(entries.begin(), entries.end(), [](const entry& a, const entry& b) {
    if (a.parsed.base != b.parsed.base) return a.parsed.base < b.parsed.base;
    if (a.parsed.order < b.parsed.order) return true;
    if (b.parsed.order < a.parsed.order) return false;
    return a.name < b.name;
  });
  entries.erase(std::unique(entries.begin(), entries.end(),
                            [](const entry& a, const entry& b) { return a.name == b.name; }),
                entries.end());
  std::vector<log_set> sets;
  for (std::size_t i = 0; i < entries.size();) {
    std::size_t j = i;
    log_set set;
    set.scheme = entries[i].parsed.scheme;
    set.base = std::string(entries[i].parsed.base);
    set.restart = entries[i].parsed.restart;
    std::vector<std::uint64_t> numbers;
    for (; j < entries.size() && entries[j].parsed.base == entries[i].parsed.base; ++j) {
      const member_order& o = entries[j].parsed.order;
      // A second copy of a rotation (the live file is never one): skipped.
      if (j > i && o.kind != member_kind::live &&
          same_rotation(entries[j - 1].parsed.order, o)) {
        set.skipped.emplace_back(entries[j].name);
        continue;
      }
      set.members.emplace_back(entries[j].name);
      if (o.kind == member_kind::numbered) numbers.push_back(o.value);
    }
    // The numbers come highest first; walk them up from 1 to find the holes.
    std::uint64_t expect = 1;
    for (auto it = numbers.rbegin(); it != numbers.rend(); ++it) {
      if (*it > expect) set.gaps.push_back({expect, *it - 1});
      if (*it >= expect) expect = *it + 1;
    }
    sets.push_back(std::move(set));
    i = j;
  }
  std::sort(sets.begin(), sets.end(), detail::set_before);
  return sets;
}

#if SANDLOG_HAS_POSIX_FILES

// Which restarts of a kubelet container to read.
enum class restart_choice : std::uint8_t {
  current,   // the highest restart number (what `kubectl logs` shows)
  previous,  // the highest below it (`kubectl logs --previous`)
  all,       // every restart, oldest first, as one source
};

struct expand_options {
  restart_choice restarts = restart_choice::current;
};

// One stream to read: the files of one set (or, with restart_choice::all, of
// a container's restarts), oldest first.
struct log_source {
  std::string name;                 // to show: `pod/container` (kubelet), else the live file's name
  set_scheme scheme = set_scheme::logrotate;
  std::vector<std::string> paths;   // oldest first
};

// Something wrong with one argument or one set; the rest is still expanded.
struct expand_problem {
  std::string path;   // the argument, directory or missing member concerned
  error ec = error::ok;
  int sys_errno = 0;  // for io_error: the errno of the failed call
};

struct expansion {
  std::vector<log_source> sources;
  std::vector<expand_problem> problems;
};

namespace detail {

inline std::string_view last_component(std::string_view path) noexcept {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// `dir/name`, with `dir` as written ("" for none) and no doubled slash.
inline std::string join_path(std::string_view dir, std::string_view name) {
  if (dir.empty()) return std::string(name);
  std::string out(dir);
  if (out.back() != '/') out += '/';
  out += name;
  return out;
}

// The directory part of a path as written: "" for a bare name, "/" for the root.
inline std::string_view dir_part(std::string_view path) noexcept {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return {};
  return slash == 0 ? path.substr(0, 1) : path.substr(0, slash);
}

// `<pod>/<container>` for a kubelet container directory: the pod's name is the
// middle of `<namespace>_<pod>_<uid>` (none of the three may hold '_').
inline std::string kubelet_display(std::string_view dir) {
  std::string resolved;
  if (char* real = ::realpath(dir.empty() ? "." : std::string(dir).c_str(), nullptr)) {
    resolved = real;
    std::free(real);
  } else {
    resolved = dir.empty() ? "." : std::string(dir);
  }
  const std::string_view container = last_component(resolved);
  std::string_view rest(resolved);
  rest.remove_suffix(std::min(rest.size(), container.size()));
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  std::string_view pod = last_component(rest);
  const std::size_t a = pod.find('_');
  const std::size_t b = a == std::string_view::npos ? a : pod.find('_', a + 1);
  if (b != std::string_view::npos && pod.find('_', b + 1) == std::string_view::npos)
    pod = pod.substr(a + 1, b - a - 1);
  if (pod.empty() || pod == "/") return std::string(container);
  return std::string(pod) + "/" + std::string(container);
}

// The names of one directory: its regular files and its subdirectories,
// sorted, without dot files (as a shell's `*` leaves them out).
struct listing {
  std::vector<std::string> files;
  std::vector<std::string> dirs;
};

inline error list_directory(const std::string& dir, listing& out, int& err) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    err = errno;
    return error::io_error;
  }
  errno = 0;
  while (const dirent* e = ::readdir(d)) {
    const std::string_view name(e->d_name);
    if (name.empty() || name.front() == '.') continue;
    struct stat st;
    if (::stat(join_path(dir, name).c_str(), &st) != 0) continue;  // vanished: not a member
    if (S_ISREG(st.st_mode)) out.files.emplace_back(name);
    else if (S_ISDIR(st.st_mode)) out.dirs.emplace_back(name);
    errno = 0;
  }
  err = errno;
  ::closedir(d);
  if (err != 0) return error::io_error;
  std::sort(out.files.begin(), out.files.end());
  std::sort(out.dirs.begin(), out.dirs.end());
  return error::ok;
}

// The files of one directory to group: all of its files, or the ones named.
struct set_unit {
  std::string dir;                  // as written; "" for the working directory
  std::vector<std::string> names;
  bool named = false;               // the files were named, not listed
};

class expander {
 public:
  explicit expander(expand_options opts) : opts_(opts) {}

  void argument(const std::string& arg) {
    struct stat st;
    if (::stat(arg.c_str(), &st) == 0) {
      if (S_ISDIR(st.st_mode)) directory(strip_slashes(arg), 0);
      else file(arg);
      return;
    }
    int err = errno;
    if (arg.find_first_of("*?[") != std::string::npos) {
      glob_t g{};
      errno = 0;
      const int rc = ::glob(arg.c_str(), 0, nullptr, &g);
      err = errno;
      if (rc == 0) {
        for (std::size_t i = 0; i < g.gl_pathc; ++i) {
          const std::string path(g.gl_pathv[i]);
          if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
            directory(strip_slashes(path), 0);
          else
            file(path);
        }
      }
      ::globfree(&g);
      if (rc == 0) return;
      if (rc == GLOB_NOMATCH) {
        problem(arg, error::not_found, 0);
        return;
      }
      problem(arg, error::io_error, err);
      return;
    }
    problem(arg, err == ENOENT || err == ENOTDIR ? error::not_found : error::io_error, err);
  }

  expansion finish() {
    for (const set_unit& u : units_) emit(u);
    return std::move(out_);
  }

 private:
  static std::string strip_slashes(std::string p) {
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    return p;
  }

  void problem(std::string path, error ec, int err) {
    out_.problems.push_back({std::move(path), ec, err});
  }

  // A directory's files form the sets; a directory of directories only (the
  // pods directory, a pod's directory) is read one level down, twice at most.
  void directory(const std::string& dir, int depth) {
    listing l;
    int err = 0;
    if (list_directory(dir, l, err) != error::ok) {
      problem(dir, error::io_error, err);
      return;
    }
    if (!l.files.empty()) {
      units_.push_back({dir, std::move(l.files), false});
      return;
    }
    if (l.dirs.empty() || depth >= 2) {
      problem(dir, error::not_found, 0);
      return;
    }
    for (const std::string& sub : l.dirs) directory(join_path(dir, sub), depth + 1);
  }

  // Named files of one directory are grouped together, whichever argument
  // named them: `0.log.20260220-143000.gz 0.log` is one set.
  void file(const std::string& path) {
    const std::string dir(dir_part(path));
    const std::string name(last_component(path));
    for (set_unit& u : units_) {
      if (u.named && u.dir == dir) {
        u.names.push_back(name);
        return;
      }
    }
    units_.push_back({dir, {name}, true});
  }

  void emit(const set_unit& u) {
    std::vector<log_set> sets = group_log_sets(u.names);
    // One directory's kubelet restarts: pick by restart_choice.
    std::vector<const log_set*> restarts;
    for (const log_set& s : sets)
      if (s.scheme == set_scheme::kubelet) restarts.push_back(&s);  // restart order
    std::vector<const log_set*> chosen;
    if (!restarts.empty()) {
      switch (opts_.restarts) {
        case restart_choice::current: chosen.push_back(restarts.back()); break;
        case restart_choice::previous:
          if (restarts.size() < 2) problem(u.dir.empty() ? "." : u.dir, error::no_previous, 0);
          else chosen.push_back(restarts[restarts.size() - 2]);
          break;
        case restart_choice::all: chosen = restarts; break;
      }
      if (!chosen.empty()) {
        log_source src;
        src.name = kubelet_display(u.dir);
        src.scheme = set_scheme::kubelet;
        for (const log_set* s : chosen) add_paths(u, *s, src);
        if (!src.paths.empty()) out_.sources.push_back(std::move(src));
      }
    }
    for (const log_set& s : sets) {
      if (s.scheme == set_scheme::kubelet) continue;
      log_source src;
      src.name = s.base;
      src.scheme = s.scheme;
      add_paths(u, s, src);
      if (!src.paths.empty()) out_.sources.push_back(std::move(src));
    }
  }

  void add_paths(const set_unit& u, const log_set& s, log_source& src) {
    for (const member_gap& g : s.gaps) {
      std::string missing = join_path(u.dir, s.base) + "." + std::to_string(g.first);
      if (g.last != g.first) missing += " .. ." + std::to_string(g.last);
      problem(std::move(missing), error::missing_member, 0);
    }
    for (const std::string& name : s.members) {
      std::string path = join_path(u.dir, name);
      if (std::find(seen_.begin(), seen_.end(), path) != seen_.end()) continue;
      seen_.push_back(path);
      src.paths.push_back(std::move(path));
    }
  }

  expand_options opts_;
  std::vector<set_unit> units_;
  std::vector<std::string> seen_;   // every path handed out, so none is read twice
  expansion out_;
};

}  // namespace detail

// Turns arguments into sources. Each argument is
//   - a directory: the sets of its regular files (dot files left out); a
//     directory holding only directories (a pod's, or /var/log/pods) is read
//     one level down, at most two levels;
//   - a file: that file, grouped with the other files named from the same
//     directory (a file named alone is a source of one file, as before);
//   - otherwise, when it holds `*`, `?` or `[`, a glob whose matches are read
//     as if each had been named.
// A kubelet container's restarts are chosen by `opts.restarts`; any other set
// is one source. Sources come in the order of the arguments, each path at most
// once. What cannot be read, matches nothing, or leaves a hole in a numbered
// set is a problem in the result, and the rest is still expanded. Stats and
// lists directories; opens no log file.
inline expansion expand_log_sets(const std::vector<std::string>& args, expand_options opts = {}) {
  detail::expander e(opts);
  for (const std::string& a : args) e.argument(a);
  return e.finish();
}

#endif  // SANDLOG_HAS_POSIX_FILES

}  // namespace sandlog

#endif  // SANDLOG_LOG_SET_HPP
