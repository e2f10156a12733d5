// Specification of log_set.hpp: how names are read, how sets are ordered, and
// how FILE, directory and glob arguments expand over real layouts built in
// temporary directories.
#include <catch2/catch.hpp>

#include <sandlog/log_set.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using sandlog::member_kind;
using sandlog::set_scheme;

std::vector<std::string> members_of(const std::vector<std::string>& names) {
  auto sets = sandlog::group_log_sets(names);
  REQUIRE(sets.size() == 1);
  return sets[0].members;
}

// A fresh directory under the system's temporary directory, removed after.
class temp_dir {
 public:
  temp_dir() {
    std::string tmpl = (fs::temp_directory_path() / "sandlog-log-set-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const fs::path& path() const { return path_; }
  std::string str() const { return path_.string(); }
  fs::path touch(const std::string& rel, const std::string& content = "x\n") const {
    const fs::path p = path_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << content;
    return p;
  }

 private:
  fs::path path_;
};

std::vector<std::string> rel_paths(const sandlog::log_source& s, const temp_dir& root) {
  std::vector<std::string> out;
  for (const auto& p : s.paths) out.push_back(fs::path(p).lexically_relative(root.path()).string());
  return out;
}

}  // namespace

// ---- names -------------------------------------------------------------------

TEST_CASE("kubelet names: restart, rotation date, compression") {
  auto live = sandlog::parse_member_name("0.log");
  REQUIRE(live);
  CHECK(live->scheme == set_scheme::kubelet);
  CHECK(live->base == "0.log");
  CHECK(live->restart == 0);
  CHECK(live->order.kind == member_kind::live);

  auto rotated = sandlog::parse_member_name("12.log.20260220-143000");
  REQUIRE(rotated);
  CHECK(rotated->scheme == set_scheme::kubelet);
  CHECK(rotated->base == "12.log");
  CHECK(rotated->restart == 12);
  CHECK(rotated->order.kind == member_kind::dated);
  CHECK(rotated->order.value == 20260220143000u);
  CHECK_FALSE(rotated->order.compressed);

  auto gz = sandlog::parse_member_name("3.log.20260220-143000.gz");
  REQUIRE(gz);
  CHECK(gz->base == "3.log");
  CHECK(gz->restart == 3);
  CHECK(gz->order.compressed);
  CHECK(gz->order.value == 20260220143000u);
}

TEST_CASE("Docker names: json-file and local driver, numbered rotations") {
  auto j = sandlog::parse_member_name("0123abcd-json.log.2.gz");
  REQUIRE(j);
  CHECK(j->scheme == set_scheme::docker_json);
  CHECK(j->base == "0123abcd-json.log");
  CHECK(j->order.kind == member_kind::numbered);
  CHECK(j->order.value == 2);
  CHECK(j->order.compressed);
  auto l = sandlog::parse_member_name("container.log.1");
  REQUIRE(l);
  CHECK(l->scheme == set_scheme::docker_local);
  CHECK(l->base == "container.log");
  CHECK(l->order.value == 1);
  CHECK(sandlog::parse_member_name("-json.log")->scheme == set_scheme::logrotate);
}

TEST_CASE("logrotate names: numbers and every dateext form") {
  struct want {
    const char* name;
    const char* base;
    member_kind kind;
    std::uint64_t value;
    bool gz;
  };
  const want cases[] = {
      {"syslog", "syslog", member_kind::live, 0, false},
      {"syslog.1", "syslog", member_kind::numbered, 1, false},
      {"syslog.2.gz", "syslog", member_kind::numbered, 2, true},
      {"app.log-20260220", "app.log", member_kind::dated, 20260220000000u, false},
      {"app.log-20260220.gz", "app.log", member_kind::dated, 20260220000000u, true},
      {"app.log-2026022013", "app.log", member_kind::dated, 20260220130000u, false},
      {"app.log-2026022013.gz", "app.log", member_kind::dated, 20260220130000u, true},
      // Not dates: kept as files of their own.
      {"app.log-20261320", "app.log-20261320", member_kind::live, 0, false},
      {"app.log-2026022", "app.log-2026022", member_kind::live, 0, false},
      {"archive.gz", "archive.gz", member_kind::live, 0, false},
      {"v.1234567890", "v.1234567890", member_kind::live, 0, false},  // ten digits: no .N
      {".1", ".1", member_kind::live, 0, false},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto m = sandlog::parse_member_name(c.name);
    REQUIRE(m);
    CHECK(m->base == c.base);
    CHECK(m->scheme == set_scheme::logrotate);
    CHECK(m->order.kind == c.kind);
    CHECK(m->order.value == c.value);
    CHECK(m->order.compressed == c.gz);
  }
}

TEST_CASE("names of no set: empty, dot entries and temporaries") {
  CHECK_FALSE(sandlog::parse_member_name(""));
  CHECK_FALSE(sandlog::parse_member_name("."));
  CHECK_FALSE(sandlog::parse_member_name(".."));
  CHECK_FALSE(sandlog::parse_member_name("0.log.20260220-143000.gz.tmp"));
}

TEST_CASE("parse_member_name is usable in constant expressions") {
  static_assert(sandlog::parse_member_name("0.log.20260220-143000.gz")->restart == 0);
  static_assert(sandlog::parse_member_name("x-json.log.10")->order.value == 10);
  CHECK(true);
}

// ---- order -------------------------------------------------------------------

TEST_CASE("numbered sets: highest number first, live file last, not lexical") {
  CHECK(members_of({"app.log.10", "app.log", "app.log.9.gz", "app.log.1", "app.log.2.gz"}) ==
        std::vector<std::string>{"app.log.10", "app.log.9.gz", "app.log.2.gz", "app.log.1",
                                 "app.log"});
}

TEST_CASE("kubelet sets: rotations by date, live file last, one set per restart") {
  const std::vector<std::string> names = {
      "1.log", "0.log.20260220-150000", "0.log", "0.log.20260220-143000.gz",
      "1.log.20260221-000000.gz", "10.log", "2.log"};
  auto sets = sandlog::group_log_sets(names);
  REQUIRE(sets.size() == 4);
  CHECK(sets[0].restart == 0);
  CHECK(sets[0].members == std::vector<std::string>{"0.log.20260220-143000.gz",
                                                    "0.log.20260220-150000", "0.log"});
  CHECK(sets[1].restart == 1);
  CHECK(sets[1].members == std::vector<std::string>{"1.log.20260221-000000.gz", "1.log"});
  CHECK(sets[2].restart == 2);  // by number: 10 after 2
  CHECK(sets[3].restart == 10);
  for (const auto& s : sets) CHECK(s.scheme == set_scheme::kubelet);
}

TEST_CASE("dateext sets: by date, hour-stamped or not, live file last") {
  CHECK(members_of({"app.log", "app.log-2026022101.gz", "app.log-20260220.gz",
                    "app.log-2026022100"}) ==
        std::vector<std::string>{"app.log-20260220.gz", "app.log-2026022100",
                                 "app.log-2026022101.gz", "app.log"});
}

TEST_CASE("a set with numbered and dated members puts the numbered ones first") {
  CHECK(members_of({"app.log", "app.log-20260220", "app.log.1", "app.log.2"}) ==
        std::vector<std::string>{"app.log.2", "app.log.1", "app.log-20260220", "app.log"});
}

TEST_CASE("a rotation present plain and compressed is read once, from the plain file") {
  auto sets = sandlog::group_log_sets(
      std::vector<std::string>{"x-json.log", "x-json.log.1", "x-json.log.1.gz", "x-json.log.2.gz"});
  REQUIRE(sets.size() == 1);
  CHECK(sets[0].members == std::vector<std::string>{"x-json.log.2.gz", "x-json.log.1", "x-json.log"});
  CHECK(sets[0].skipped == std::vector<std::string>{"x-json.log.1.gz"});
}

TEST_CASE("holes in a numbered set are reported as gaps") {
  auto sets = sandlog::group_log_sets(
      std::vector<std::string>{"a", "a.2", "a.5.gz", "a.6", "a.9"});
  REQUIRE(sets.size() == 1);
  REQUIRE(sets[0].gaps.size() == 3);
  CHECK((sets[0].gaps[0].first == 1 && sets[0].gaps[0].last == 1));
  CHECK((sets[0].gaps[1].first == 3 && sets[0].gaps[1].last == 4));
  CHECK((sets[0].gaps[2].first == 7 && sets[0].gaps[2].last == 8));
  auto whole = sandlog::group_log_sets(std::vector<std::string>{"a", "a.1", "a.2.gz"});
  CHECK(whole[0].gaps.empty());
}

TEST_CASE("unrelated files are sets of their own, sorted by name") {
  auto sets = sandlog::group_log_sets(
      std::vector<std::string>{"b.log", "a.log.1", "notes.txt", "a.log", "0.log", "b.log"});
  REQUIRE(sets.size() == 4);
  CHECK(sets[0].base == "0.log");  // kubelet first
  CHECK(sets[1].base == "a.log");
  CHECK(sets[1].members.size() == 2);
  CHECK(sets[2].base == "b.log");
  CHECK(sets[2].members.size() == 1);  // named twice, read once
  CHECK(sets[3].base == "notes.txt");
}

TEST_CASE("the order never depends on the order of the names given") {
  std::vector<std::string> names = {
      "app.log", "app.log.1", "app.log.2.gz", "app.log.10.gz", "app.log.3", "app.log.3.gz",
      "0.log", "0.log.20260220-143000.gz", "0.log.20260220-150000", "1.log",
      "app.log-20260220", "other", "other-2026022012.gz", "x.tmp"};
  const auto want = sandlog::group_log_sets(names);
  std::mt19937 rng(7);
  for (int i = 0; i < 200; ++i) {
    std::shuffle(names.begin(), names.end(), rng);
    const auto got = sandlog::group_log_sets(names);
    REQUIRE(got.size() == want.size());
    for (std::size_t s = 0; s < got.size(); ++s) {
      CHECK(got[s].base == want[s].base);
      CHECK(got[s].members == want[s].members);
      CHECK(got[s].skipped == want[s].skipped);
    }
  }
}

// ---- expansion over real layouts ---------------------------------------------

TEST_CASE("a kubelet pod directory: one source per container, current restart, pod/container") {
  temp_dir root;
  const std::string pod = "pods/default_web-7f9c_0b7e5c1a-1111-2222-3333-444455556666";
  root.touch(pod + "/app/0.log.20260220-140000.gz");
  root.touch(pod + "/app/0.log");
  root.touch(pod + "/app/1.log.20260220-150000.gz");
  root.touch(pod + "/app/1.log.20260220-160000");
  root.touch(pod + "/app/1.log");
  root.touch(pod + "/sidecar/0.log.20260220-143000");
  root.touch(pod + "/sidecar/0.log");

  for (const std::string& arg : {root.str() + "/" + pod, root.str() + "/pods"}) {
    INFO(arg);
    auto e = sandlog::expand_log_sets({arg});
    CHECK(e.problems.empty());
    REQUIRE(e.sources.size() == 2);
    CHECK(e.sources[0].name == "web-7f9c/app");
    CHECK(e.sources[0].scheme == set_scheme::kubelet);
    CHECK(rel_paths(e.sources[0], root) ==
          std::vector<std::string>{pod + "/app/1.log.20260220-150000.gz",
                                   pod + "/app/1.log.20260220-160000", pod + "/app/1.log"});
    CHECK(e.sources[1].name == "web-7f9c/sidecar");
    CHECK(rel_paths(e.sources[1], root) ==
          std::vector<std::string>{pod + "/sidecar/0.log.20260220-143000", pod + "/sidecar/0.log"});
  }

  sandlog::expand_options prev;
  prev.restarts = sandlog::restart_choice::previous;
  auto p = sandlog::expand_log_sets({root.str() + "/" + pod}, prev);
  REQUIRE(p.sources.size() == 1);  // the sidecar never restarted
  CHECK(rel_paths(p.sources[0], root) ==
        std::vector<std::string>{pod + "/app/0.log.20260220-140000.gz", pod + "/app/0.log"});
  REQUIRE(p.problems.size() == 1);
  CHECK(p.problems[0].ec == sandlog::error::no_previous);
  CHECK(fs::path(p.problems[0].path).filename() == "sidecar");

  sandlog::expand_options all;
  all.restarts = sandlog::restart_choice::all;
  auto a = sandlog::expand_log_sets({root.str() + "/" + pod + "/app"}, all);
  REQUIRE(a.sources.size() == 1);
  CHECK(a.sources[0].paths.size() == 5);
  CHECK(fs::path(a.sources[0].paths[1]).filename() == "0.log");
  CHECK(fs::path(a.sources[0].paths[4]).filename() == "1.log");
}

TEST_CASE("directory, glob and named files give the same members") {
  temp_dir root;
  const std::vector<std::string> docker = {"abc-json.log", "abc-json.log.1", "abc-json.log.2.gz",
                                           "abc-json.log.3.gz", "abc-json.log.10.gz"};
  for (const auto& n : docker) root.touch("c/" + n);
  const std::string dir = root.str() + "/c";

  auto by_dir = sandlog::expand_log_sets({dir});
  auto by_slash = sandlog::expand_log_sets({dir + "/"});
  auto by_glob = sandlog::expand_log_sets({dir + "/abc-json.log*"});
  // Named in shell order, which is not the set's order.
  std::vector<std::string> named;
  for (const auto& n : docker) named.push_back(dir + "/" + n);
  std::sort(named.begin(), named.end());
  auto by_name = sandlog::expand_log_sets(named);

  const std::vector<std::string> want = {dir + "/abc-json.log.10.gz", dir + "/abc-json.log.3.gz",
                                         dir + "/abc-json.log.2.gz", dir + "/abc-json.log.1",
                                         dir + "/abc-json.log"};
  for (const auto* e : {&by_dir, &by_slash, &by_glob, &by_name}) {
    REQUIRE(e->sources.size() == 1);
    CHECK(e->sources[0].name == "abc-json.log");
    CHECK(e->sources[0].scheme == set_scheme::docker_json);
    CHECK(e->sources[0].paths == want);
    // .4 to .9 are missing: reported, the rest still read.
    REQUIRE(e->problems.size() == 1);
    CHECK(e->problems[0].ec == sandlog::error::missing_member);
    CHECK(e->problems[0].path == dir + "/abc-json.log.4 .. .9");
  }
}

TEST_CASE("kubelet forms agree too: directory, glob, named files") {
  temp_dir root;
  const std::string c = "ns_pod_uid/app";
  for (const char* n : {"0.log", "0.log.20260220-120000.gz", "1.log.20260220-130000.gz",
                        "1.log.20260220-140000", "1.log"})
    root.touch(c + "/" + n);
  const std::string dir = root.str() + "/" + c;
  auto by_dir = sandlog::expand_log_sets({dir});
  auto by_glob = sandlog::expand_log_sets({dir + "/*"});
  auto by_name = sandlog::expand_log_sets(
      {dir + "/1.log", dir + "/1.log.20260220-140000", dir + "/1.log.20260220-130000.gz"});
  for (const auto* e : {&by_dir, &by_glob, &by_name}) {
    CHECK(e->problems.empty());
    REQUIRE(e->sources.size() == 1);
    CHECK(e->sources[0].name == "pod/app");
    CHECK(e->sources[0].paths ==
          std::vector<std::string>{dir + "/1.log.20260220-130000.gz",
                                   dir + "/1.log.20260220-140000", dir + "/1.log"});
  }
}

TEST_CASE("logrotate and Docker local sets in one directory are separate sources") {
  temp_dir root;
  for (const char* n : {"syslog", "syslog.1", "syslog.2.gz", "syslog.3.gz", "auth.log",
                        "auth.log-20260219.gz", "auth.log-20260220", ".hidden", "container.log",
                        "container.log.1.gz", "container.log.2.gz"})
    root.touch(std::string("var/") + n);
  fs::create_directories(root.path() / "var" / "subdir");  // ignored beside files
  auto e = sandlog::expand_log_sets({root.str() + "/var"});
  CHECK(e.problems.empty());
  REQUIRE(e.sources.size() == 3);
  CHECK(e.sources[0].name == "auth.log");
  CHECK(rel_paths(e.sources[0], root) ==
        std::vector<std::string>{"var/auth.log-20260219.gz", "var/auth.log-20260220",
                                 "var/auth.log"});
  CHECK(e.sources[1].name == "container.log");
  CHECK(e.sources[1].scheme == set_scheme::docker_local);
  CHECK(rel_paths(e.sources[1], root) ==
        std::vector<std::string>{"var/container.log.2.gz", "var/container.log.1.gz",
                                 "var/container.log"});
  CHECK(e.sources[2].name == "syslog");
  CHECK(rel_paths(e.sources[2], root) ==
        std::vector<std::string>{"var/syslog.3.gz", "var/syslog.2.gz", "var/syslog.1",
                                 "var/syslog"});
}

TEST_CASE("a file named alone is a source of that file only") {
  temp_dir root;
  root.touch("d/app.log");
  root.touch("d/app.log.1");
  auto e = sandlog::expand_log_sets({root.str() + "/d/app.log"});
  REQUIRE(e.sources.size() == 1);
  CHECK(e.sources[0].paths == std::vector<std::string>{root.str() + "/d/app.log"});
  CHECK(e.problems.empty());
}

TEST_CASE("bad arguments are problems and the rest is still expanded") {
  temp_dir root;
  root.touch("ok.log");
  fs::create_directories(root.path() / "empty");
  auto e = sandlog::expand_log_sets({root.str() + "/nope.log", root.str() + "/ok.log",
                                     root.str() + "/*.none", root.str() + "/empty",
                                     root.str() + "/ok.log"});
  REQUIRE(e.sources.size() == 1);
  CHECK(e.sources[0].paths == std::vector<std::string>{root.str() + "/ok.log"});  // once
  REQUIRE(e.problems.size() == 3);
  CHECK(e.problems[0].ec == sandlog::error::not_found);
  CHECK(e.problems[0].path == root.str() + "/nope.log");
  CHECK(e.problems[1].ec == sandlog::error::not_found);
  CHECK(e.problems[1].path == root.str() + "/*.none");
  CHECK(e.problems[2].ec == sandlog::error::not_found);
  CHECK(e.problems[2].path == root.str() + "/empty");
}
