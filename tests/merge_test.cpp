// Specification of merge.hpp: the k-way merge against two slow references —
// std::stable_sort over every record (for sources in time order) and a scan
// of every head at each step (for any sources) — with random data, many equal
// times and untimed records, for 2 and 10 sources.
#include <catch2/catch.hpp>

#include <sandlog/merge.hpp>
#include <sandlog/record.hpp>

#include <algorithm>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "support/counting_allocator.hpp"

namespace {

struct rec {
  bool timed = false;
  std::int64_t seconds = 0;
  std::uint32_t nanos = 0;
  std::string message;
};

using source_data = std::vector<std::vector<rec>>;

// Produces one source's records; each message lives in a heap block of its
// exact size that is freed at the next call, so a merge that kept the
// producer's view instead of copying reads freed memory under ASan.
class producer {
 public:
  explicit producer(const std::vector<rec>* recs) : recs_(recs) {}
  bool next(sandlog::record_slot& slot) {
    block_.reset();
    if (i_ == recs_->size()) return false;
    const rec& r = (*recs_)[i_++];
    block_.reset(new char[r.message.size() + 1]);
    std::memcpy(block_.get(), r.message.data(), r.message.size());
    sandlog::log_record lr;
    lr.has_time = r.timed;
    lr.time.seconds = r.seconds;
    lr.time.nanos = r.nanos;
    lr.message = std::string_view(block_.get(), r.message.size());
    slot.assign(lr);
    return true;
  }

 private:
  const std::vector<rec>* recs_;
  std::size_t i_ = 0;
  std::unique_ptr<char[]> block_;
};

struct out_rec {
  std::size_t source;
  std::string message;
  bool operator==(const out_rec& o) const { return source == o.source && message == o.message; }
};

}  // namespace

namespace Catch {
template <>
struct StringMaker<out_rec> {
  static std::string convert(const out_rec& o) { return o.message; }
};
}  // namespace Catch

namespace {

std::vector<out_rec> run_merge(const source_data& data) {
  std::vector<producer> producers;
  for (const auto& s : data) producers.emplace_back(&s);
  sandlog::merger<> m(data.size());
  auto pull = [&](std::size_t i, sandlog::record_slot& slot) { return producers[i].next(slot); };
  std::vector<out_rec> out;
  while (const sandlog::record_slot* r = m.next(pull)) {
    out.push_back({m.source(), std::string(r->record.message)});
  }
  return out;
}

// Each timed record carries the untimed ones after it; those at a source's
// start go first. A stable sort of these groups by time, sources in index
// order, is the merge of sources that are each in time order.
std::vector<out_rec> reference_sort(const source_data& data) {
  struct group {
    bool leading;
    std::int64_t seconds;
    std::uint32_t nanos;
    std::vector<out_rec> recs;
  };
  std::vector<group> groups;
  for (std::size_t s = 0; s < data.size(); ++s) {
    bool first = true;
    for (const rec& r : data[s]) {
      if (r.timed || first) groups.push_back({!r.timed, r.seconds, r.nanos, {}});
      first = false;
      groups.back().recs.push_back({s, r.message});
    }
  }
  std::stable_sort(groups.begin(), groups.end(), [](const group& a, const group& b) {
    if (a.leading != b.leading) return a.leading;
    if (a.leading) return false;
    if (a.seconds != b.seconds) return a.seconds < b.seconds;
    return a.nanos < b.nanos;
  });
  std::vector<out_rec> out;
  for (const auto& g : groups) out.insert(out.end(), g.recs.begin(), g.recs.end());
  return out;
}

// The definition itself, step by step: every untimed record at the head of a
// source that has not yet had a turn (source order), or right after its
// predecessor; otherwise the earliest head, lowest source on a tie.
std::vector<out_rec> reference_scan(const source_data& data) {
  std::vector<std::size_t> pos(data.size(), 0);
  std::vector<out_rec> out;
  // Leading untimed records, source by source.
  for (std::size_t s = 0; s < data.size(); ++s)
    while (pos[s] < data[s].size() && !data[s][pos[s]].timed)
      out.push_back({s, data[s][pos[s]++].message});
  for (;;) {
    std::size_t best = data.size();
    for (std::size_t s = 0; s < data.size(); ++s) {
      if (pos[s] == data[s].size()) continue;
      const rec& h = data[s][pos[s]];
      if (best == data.size()) {
        best = s;
        continue;
      }
      const rec& b = data[best][pos[best]];
      if (h.seconds < b.seconds || (h.seconds == b.seconds && h.nanos < b.nanos)) best = s;
    }
    if (best == data.size()) break;
    out.push_back({best, data[best][pos[best]++].message});
    while (pos[best] < data[best].size() && !data[best][pos[best]].timed)
      out.push_back({best, data[best][pos[best]++].message});
  }
  return out;
}

// Sources of random lengths with times from a narrow range, so many are
// equal, and some untimed records, some at the very start.
source_data random_sources(std::mt19937& rng, std::size_t k, bool sorted) {
  source_data data(k);
  for (std::size_t s = 0; s < k; ++s) {
    const std::size_t n = rng() % 4 == 0 ? rng() % 3 : rng() % 60;
    std::int64_t sec = static_cast<std::int64_t>(rng() % 4);
    std::uint32_t ns = 0;
    for (std::size_t i = 0; i < n; ++i) {
      rec r;
      r.timed = rng() % 5 != 0;
      if (sorted) {
        if (rng() % 3 == 0) {
          ++sec;
          ns = 0;
        } else if (rng() % 4 == 0) {
          ns += static_cast<std::uint32_t>(1 + rng() % 2);
        }
        r.seconds = sec;
        r.nanos = ns;
      } else {
        r.seconds = static_cast<std::int64_t>(rng() % 6);
        r.nanos = static_cast<std::uint32_t>(rng() % 2);
      }
      r.message = "s" + std::to_string(s) + "#" + std::to_string(i) +
                  std::string(rng() % 3 == 0 ? rng() % 200 : 0, 'x');
      data[s].push_back(std::move(r));
    }
  }
  return data;
}

}  // namespace

TEST_CASE("two and ten sources in time order merge as a stable sort would") {
  std::mt19937 rng(42);
  for (std::size_t k : {std::size_t{2}, std::size_t{10}}) {
    for (int round = 0; round < 300; ++round) {
      const source_data data = random_sources(rng, k, true);
      INFO("k=" << k << " round " << round);
      const auto got = run_merge(data);
      CHECK(got == reference_sort(data));
      CHECK(got == reference_scan(data));
    }
  }
}

TEST_CASE("sources out of order: each keeps its order, heads compared as defined") {
  std::mt19937 rng(9);
  for (std::size_t k : {std::size_t{2}, std::size_t{10}}) {
    for (int round = 0; round < 300; ++round) {
      const source_data data = random_sources(rng, k, false);
      INFO("k=" << k << " round " << round);
      const auto got = run_merge(data);
      REQUIRE(got == reference_scan(data));
      // No record lost, none repeated, each source in its own order.
      std::vector<std::size_t> next(k, 0);
      for (const auto& o : got) {
        REQUIRE(next[o.source] < data[o.source].size());
        CHECK(o.message == data[o.source][next[o.source]++].message);
      }
      for (std::size_t s = 0; s < k; ++s) CHECK(next[s] == data[s].size());
    }
  }
}

TEST_CASE("equal times come out lower source first, each source in its own order") {
  source_data data(3);
  for (std::size_t s = 0; s < 3; ++s)
    for (int i = 0; i < 2; ++i) data[s].push_back({true, 5, 0, std::to_string(s * 10 + static_cast<std::size_t>(i))});
  std::vector<std::string> got;
  for (const auto& o : run_merge(data)) got.push_back(o.message);
  CHECK(got == std::vector<std::string>{"0", "1", "10", "11", "20", "21"});
}

TEST_CASE("an untimed record stays right after the record before it in its source") {
  // Source 1's untimed line follows its 5s line even though source 0 also
  // has a 5s line, which as the lower source would otherwise win the tie.
  source_data data(2);
  data[0] = {{true, 5, 0, "a5"}, {true, 5, 0, "b5"}};
  data[1] = {{false, 0, 0, "banner"}, {true, 4, 0, "c4"}, {true, 5, 0, "d5"},
             {false, 0, 0, "trace of d5"}, {false, 0, 0, "more of d5"}, {true, 6, 0, "e6"}};
  std::vector<std::string> got;
  for (const auto& o : run_merge(data)) got.push_back(o.message);
  CHECK(got == std::vector<std::string>{"banner", "c4", "a5", "b5", "d5", "trace of d5",
                                        "more of d5", "e6"});
}

TEST_CASE("no sources, empty sources, a single source") {
  CHECK(run_merge({}).empty());
  CHECK(run_merge(source_data(4)).empty());
  source_data one(1);
  one[0] = {{true, 3, 0, "x"}, {false, 0, 0, "y"}, {true, 1, 0, "z"}};
  std::vector<std::string> got;
  for (const auto& o : run_merge(one)) got.push_back(o.message);
  CHECK(got == std::vector<std::string>{"x", "y", "z"});
}

TEST_CASE("an ended source is not asked again, and reset starts over") {
  std::vector<int> asked(2, 0);
  sandlog::merger<> m(2);
  auto pull = [&](std::size_t i, sandlog::record_slot& s) {
    ++asked[i];
    if (i == 0 || asked[i] > 3) return false;
    sandlog::log_record r;
    r.has_time = true;
    r.time.seconds = asked[i];
    s.assign(r);
    return true;
  };
  int n = 0;
  while (m.next(pull)) ++n;
  CHECK(n == 3);
  CHECK(m.next(pull) == nullptr);
  CHECK(asked == std::vector<int>{1, 4});
  m.reset();
  asked = {0, 0};
  n = 0;
  while (m.next(pull)) ++n;
  CHECK(n == 3);
}

TEST_CASE("a caller-defined slot and time function") {
  struct line_slot {
    sandlog::timestamp t;
    bool timed = false;
    std::string text;
  };
  struct time_of {
    const sandlog::timestamp* operator()(const line_slot& s) const noexcept {
      return s.timed ? &s.t : nullptr;
    }
  };
  const std::vector<std::vector<std::pair<int, const char*>>> src = {
      {{1, "a"}, {3, "c"}}, {{2, "b"}, {-1, "b+"}, {4, "d"}}};
  std::vector<std::size_t> pos(2, 0);
  sandlog::merger<line_slot, time_of> m(2);
  auto pull = [&](std::size_t i, line_slot& s) {
    if (pos[i] == src[i].size()) return false;
    const auto& e = src[i][pos[i]++];
    s.timed = e.first >= 0;
    s.t.seconds = e.first;
    s.text = e.second;
    return true;
  };
  std::string got;
  while (const line_slot* s = m.next(pull)) got += s->text + " ";
  CHECK(got == "a b b+ c d ");
}

TEST_CASE("once the slots have grown, merging allocates nothing") {
  source_data data(4);
  for (std::size_t s = 0; s < 4; ++s)
    for (int i = 0; i < 500; ++i)
      data[s].push_back({i % 7 != 0, i / 3, static_cast<std::uint32_t>(s), std::string(40, 'm')});
  // Producers that hand out views into their own stable storage.
  std::vector<std::size_t> pos(4, 0);
  auto pull = [&](std::size_t i, sandlog::record_slot& slot) {
    if (pos[i] == data[i].size()) return false;
    const rec& r = data[i][pos[i]++];
    sandlog::log_record lr;
    lr.has_time = r.timed;
    lr.time.seconds = r.seconds;
    lr.time.nanos = r.nanos;
    lr.message = r.message;
    slot.assign(lr);
    return true;
  };
  sandlog::merger<> m(4);
  std::size_t n = 0;
  // Warm: the first record of each source grows its slot.
  while (n < 8 && m.next(pull)) ++n;
  const std::size_t before = sandlog_test::allocations();
  while (m.next(pull)) ++n;
  CHECK(sandlog_test::allocations() == before);
  CHECK(n == 2000);
}
