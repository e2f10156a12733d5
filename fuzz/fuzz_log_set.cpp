// Fuzzes parse_member_name and group_log_sets.
//
// The input is a list of names, one per line; the first byte seeds the
// permutation. Invariants: parsing never crashes and its base is a prefix of
// the name; the order of members is a strict weak order; grouping a
// permutation of the same names gives the same sets; every name of a set
// appears exactly once among the members and skipped copies of all sets.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.hpp"
#include "sandlog/log_set.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sandlog_fuzz::input in(data, size);
  const std::uint8_t seed = in.byte();
  std::vector<std::string> names;
  std::string_view rest = in.rest();
  while (!rest.empty() && names.size() < 64) {
    const std::size_t nl = rest.find('\n');
    names.emplace_back(rest.substr(0, nl));
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
  }

  std::vector<sandlog::member_name> parsed;
  for (const std::string& n : names) {
    const sandlog_fuzz::exact_buffer copy(n);
    const auto m = sandlog::parse_member_name(copy.view());
    if (!m) continue;
    SANDLOG_FUZZ_ASSERT(m->base.size() <= n.size());
    SANDLOG_FUZZ_ASSERT(n.compare(0, m->base.size(), m->base) == 0);
    SANDLOG_FUZZ_ASSERT(m->base.data() == copy.view().data());
    parsed.push_back(*m);
  }
  // Strict weak order over the members' places.
  for (const auto& a : parsed) {
    SANDLOG_FUZZ_ASSERT(!(a.order < a.order));
    for (const auto& b : parsed) {
      if (a.order < b.order) SANDLOG_FUZZ_ASSERT(!(b.order < a.order));
      for (const auto& c : parsed)
        if (a.order < b.order && b.order < c.order) SANDLOG_FUZZ_ASSERT(a.order < c.order);
    }
    if (parsed.size() > 16) break;  // keeps the cubic check cheap
  }

  const std::vector<sandlog::log_set> want = sandlog::group_log_sets(names);
  std::vector<std::string> shuffled = names;
  std::mt19937 rng(seed);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  const std::vector<sandlog::log_set> got = sandlog::group_log_sets(shuffled);
  SANDLOG_FUZZ_ASSERT(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    SANDLOG_FUZZ_ASSERT(got[i].base == want[i].base);
    SANDLOG_FUZZ_ASSERT(got[i].scheme == want[i].scheme);
    SANDLOG_FUZZ_ASSERT(got[i].members == want[i].members);
    SANDLOG_FUZZ_ASSERT(got[i].skipped == want[i].skipped);
    SANDLOG_FUZZ_ASSERT(got[i].gaps.size() == want[i].gaps.size());
  }

  // Every distinct name of a set is placed exactly once.
  std::vector<std::string> placed;
  for (const auto& s : want) {
    SANDLOG_FUZZ_ASSERT(!s.members.empty());
    placed.insert(placed.end(), s.members.begin(), s.members.end());
    placed.insert(placed.end(), s.skipped.begin(), s.skipped.end());
    for (std::size_t i = 1; i < s.members.size(); ++i) {
      const auto a = sandlog::parse_member_name(s.members[i - 1]);
      const auto b = sandlog::parse_member_name(s.members[i]);
      SANDLOG_FUZZ_ASSERT(a && b && !(b->order < a->order));
    }
  }
  std::vector<std::string> expected;
  for (const std::string& n : names)
    if (sandlog::parse_member_name(n)) expected.push_back(n);
  std::sort(expected.begin(), expected.end());
  expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
  std::sort(placed.begin(), placed.end());
  SANDLOG_FUZZ_ASSERT(placed == expected);
  return 0;
}
