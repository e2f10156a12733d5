// Specification of pagination.hpp: walking offset and timestamp pages of a
// simulated server, nothing lost and nothing repeated.
#include <sandlog/pagination.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

namespace {

struct server_entry {
  std::int64_t ms;
  std::uint32_t id;  // unique, to tell repeats from distinct entries
};

// Entries sorted by millisecond, with runs of equal milliseconds of random
// length (1..max_run), so runs straddle page edges.
std::vector<server_entry> make_log(std::mt19937& rng, std::size_t n, std::uint32_t max_run) {
  std::vector<server_entry> log;
  std::int64_t ms = 1772791252000;
  while (log.size() < n) {
    const std::uint32_t run = std::uniform_int_distribution<std::uint32_t>(1, max_run)(rng);
    for (std::uint32_t i = 0; i < run && log.size() < n; ++i)
      log.push_back({ms, static_cast<std::uint32_t>(log.size())});
    ms += std::uniform_int_distribution<int>(1, 3)(rng);
  }
  return log;
}

// The server's answer to ?start=<ms>&limit=<n>: entries at or after ms, in order.
std::vector<server_entry> by_time(const std::vector<server_entry>& log, std::int64_t start,
                                  std::uint32_t limit, std::uint32_t cap) {
  auto first = std::lower_bound(log.begin(), log.end(), start,
                                [](const server_entry& e, std::int64_t t) { return e.ms < t; });
  const std::size_t n = std::min<std::size_t>({static_cast<std::size_t>(log.end() - first), limit, cap});
  return {first, first + static_cast<std::ptrdiff_t>(n)};
}

sandlog::timestamp at_ms(std::int64_t ms, std::uint32_t extra_nanos) {
  sandlog::timestamp t;
  t.seconds = ms / 1000;
  t.nanos = static_cast<std::uint32_t>(ms % 1000) * 1000000u + extra_nanos;
  return t;
}

}  // namespace

TEST_CASE("offset pages are walked until one comes back short") {
  std::mt19937 rng(42);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t total = std::uniform_int_distribution<std::size_t>(0, 300)(rng);
    const auto limit = std::uniform_int_distribution<std::uint32_t>(1, 40)(rng);
    sandlog::offset_cursor cursor(0, limit);
    std::vector<std::size_t> got;
    int requests = 0;
    while (!cursor.done()) {
      const sandlog::page_request r = cursor.next();
      REQUIRE(r.limit == limit);
      const auto start = static_cast<std::size_t>(r.start);
      const std::size_t n = start >= total ? 0 : std::min<std::size_t>(r.limit, total - start);
      for (std::size_t i = 0; i < n; ++i) got.push_back(start + i);
      cursor.page_received(n);
      REQUIRE(++requests <= 1000);
    }
    REQUIRE(got.size() == total);
    for (std::size_t i = 0; i < total; ++i) REQUIRE(got[i] == i);
    CHECK(requests == static_cast<int>(total / limit + 1));
  }
}

TEST_CASE("the seed's offset example asks for start 0 then 10") {
  sandlog::offset_cursor cursor(0, 10);
  CHECK(cursor.next().start == 0);
  cursor.page_received(10);
  CHECK(cursor.next().start == 10);
  CHECK(cursor.next().limit == 10);
  CHECK_FALSE(cursor.done());
  cursor.page_received(3);
  CHECK(cursor.done());
  CHECK(cursor.position() == 13);
}

TEST_CASE("timestamp pages lose and repeat nothing when runs straddle page edges") {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    const auto limit = std::uniform_int_distribution<std::uint32_t>(1, 20)(rng);
    const std::uint32_t cap = 1000;
    // Runs up to 3x the page size: many pages start inside a run.
    const auto log = make_log(rng, std::uniform_int_distribution<std::size_t>(0, 400)(rng), limit * 3);
    sandlog::timestamp_cursor cursor(0, limit, cap);
    std::vector<std::uint32_t> got;
    std::uint64_t duplicates = 0;
    int requests = 0;
    do {
      const sandlog::page_request r = cursor.next();
      for (const server_entry& e : by_time(log, r.start, r.limit, cap)) {
        if (cursor.accept(at_ms(e.ms, e.id % 1000000u))) {
          got.push_back(e.id);
        } else {
          ++duplicates;
        }
      }
      cursor.finish_page();
      REQUIRE(++requests <= 10000);
    } while (!cursor.done());
    REQUIRE(got.size() == log.size());
    for (std::size_t i = 0; i < got.size(); ++i) REQUIRE(got[i] == i);
    CHECK(cursor.stalls() == 0);
    CHECK(cursor.delivered() == log.size());
    CHECK(cursor.duplicates_skipped() == duplicates);
  }
}

TEST_CASE("a millisecond run longer than the server's cap stalls once and is counted") {
  std::vector<server_entry> log;
  for (std::uint32_t i = 0; i < 5; ++i) log.push_back({1000, i});
  for (std::uint32_t i = 5; i < 30; ++i) log.push_back({2000, i});  // 25 at one ms
  for (std::uint32_t i = 30; i < 35; ++i) log.push_back({3000, i});
  const std::uint32_t cap = 10;
  sandlog::timestamp_cursor cursor(0, 4, cap);
  std::vector<std::uint32_t> got;
  int requests = 0;
  do {
    const sandlog::page_request r = cursor.next();
    CHECK(r.limit <= cap);
    for (const server_entry& e : by_time(log, r.start, r.limit, cap))
      if (cursor.accept(at_ms(e.ms, 0))) got.push_back(e.id);
    cursor.finish_page();
    REQUIRE(++requests <= 100);
  } while (!cursor.done());
  CHECK(cursor.stalls() == 1);
  // Everything the API can serve arrives once: all but the run's entries
  // beyond the cap.
  std::vector<std::uint32_t> expected;
  for (std::uint32_t i = 0; i < 35; ++i)
    if (i < 5 + cap || i >= 30) expected.push_back(i);
  CHECK(got == expected);
}

TEST_CASE("the next request asks for the entries it will skip plus a page") {
  sandlog::timestamp_cursor cursor(1000, 5, 100);
  sandlog::page_request r = cursor.next();
  CHECK(r.start == 1000);
  CHECK(r.limit == 5);
  for (int i = 0; i < 5; ++i) CHECK(cursor.accept(at_ms(1500, 0)));
  cursor.finish_page();
  r = cursor.next();
  CHECK(r.start == 1500);
  CHECK(r.limit == 10);
  for (int i = 0; i < 5; ++i) CHECK_FALSE(cursor.accept(at_ms(1500, 0)));
  CHECK(cursor.accept(at_ms(1500, 0)));
  CHECK(cursor.accept(at_ms(1501, 0)));
  cursor.finish_page();
  CHECK(cursor.done());
  CHECK(cursor.duplicates_skipped() == 5);
  CHECK(cursor.next().start == 1501);
}

TEST_CASE("milliseconds round toward the past") {
  CHECK(sandlog::to_unix_millis(at_ms(10999, 999999)) == 10999);
  sandlog::timestamp before_epoch;
  before_epoch.seconds = -1;
  before_epoch.nanos = 999999999;
  CHECK(sandlog::to_unix_millis(before_epoch) == -1);
}
