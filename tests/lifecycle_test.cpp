// Specification of lifecycle.hpp: event names, the state machine, the time
// kept per state, and the anomalies the tracker records instead of failing.
#include <sandlog/lifecycle.hpp>

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <utility>
#include <vector>

using sandlog::anomaly_kind;
using sandlog::lifecycle;
using sandlog::lifecycle_tracker;

namespace {

constexpr lifecycle all_states[] = {lifecycle::created, lifecycle::running, lifecycle::paused,
                                    lifecycle::resumed, lifecycle::killed,  lifecycle::stopped,
                                    lifecycle::error};

sandlog::timestamp at(const char* text) {
  sandlog::timestamp t;
  std::string_view s(text);
  REQUIRE(sandlog::parse_timestamp(s.data(), s.data() + s.size(), t).ptr == s.data() + s.size());
  return t;
}

sandlog::timestamp seconds(std::int64_t s) {
  sandlog::timestamp t;
  t.seconds = s;
  return t;
}

constexpr std::int64_t sec = 1000000000;

// The legal transitions, written out from the documented state machine
// rather than derived from the code.
const std::set<std::pair<lifecycle, lifecycle>> legal = {
    {lifecycle::created, lifecycle::running}, {lifecycle::created, lifecycle::killed},
    {lifecycle::created, lifecycle::stopped}, {lifecycle::created, lifecycle::error},
    {lifecycle::running, lifecycle::paused},  {lifecycle::running, lifecycle::killed},
    {lifecycle::running, lifecycle::stopped}, {lifecycle::running, lifecycle::error},
    {lifecycle::paused, lifecycle::resumed},  {lifecycle::paused, lifecycle::killed},
    {lifecycle::paused, lifecycle::stopped},  {lifecycle::paused, lifecycle::error},
    {lifecycle::resumed, lifecycle::paused},  {lifecycle::resumed, lifecycle::killed},
    {lifecycle::resumed, lifecycle::stopped}, {lifecycle::resumed, lifecycle::error},
    {lifecycle::error, lifecycle::killed},    {lifecycle::error, lifecycle::stopped},
};

// A legal path from nothing to `s`.
std::vector<lifecycle> path_to(lifecycle s) {
  switch (s) {
    case lifecycle::created: return {lifecycle::created};
    case lifecycle::running: return {lifecycle::created, lifecycle::running};
    case lifecycle::paused: return {lifecycle::created, lifecycle::running, lifecycle::paused};
    case lifecycle::resumed:
      return {lifecycle::created, lifecycle::running, lifecycle::paused, lifecycle::resumed};
    default: return {lifecycle::created, lifecycle::running, s};
  }
}

}  // namespace

TEST_CASE("event names parse and print back for every state") {
  for (lifecycle s : all_states) {
    REQUIRE(sandlog::parse_lifecycle(to_string(s)) == s);
    REQUIRE(std::string(to_string(s)) == "sandbox.lifecycle." + std::string(state_name(s)));
  }
  CHECK(sandlog::parse_lifecycle("sandbox.lifecycle.paused") == lifecycle::paused);
  CHECK(state_name(lifecycle::resumed) == "resumed");
}

TEST_CASE("names that are not exactly an event are rejected") {
  for (const char* bad : {"", "paused", "sandbox.lifecycle.", "sandbox.lifecycle.Paused",
                          "sandbox.lifecycle.paused ", " sandbox.lifecycle.paused",
                          "sandbox.lifecycle.pause", "sandbox.lifecycle.pausedx",
                          "Sandbox.lifecycle.paused", "sandbox.lifecycle.unknown"}) {
    CAPTURE(bad);
    CHECK_FALSE(sandlog::parse_lifecycle(bad).has_value());
  }
}

TEST_CASE("the documented example gives its durations") {
  lifecycle_tracker t;
  t.apply({at("2026-03-06T10:00:52Z"), "sandbox.lifecycle.created"});
  t.apply({at("2026-03-06T10:00:52Z"), "sandbox.lifecycle.running"});
  t.apply({at("2026-03-06T10:05:30Z"), "sandbox.lifecycle.paused"});
  t.apply({at("2026-03-06T10:10:00Z"), "sandbox.lifecycle.resumed"});
  t.apply({at("2026-03-06T11:00:52Z"), "sandbox.lifecycle.killed"});
  CHECK(t.state() == lifecycle::killed);
  CHECK(t.ended());
  CHECK(t.outcome() == lifecycle::killed);
  CHECK(t.anomaly_count() == 0);
  CHECK(t.events() == 5);
  CHECK(t.lifetime() == 3600 * sec);
  CHECK(t.time_in(lifecycle::created) == 0);
  CHECK(t.time_in(lifecycle::running) == (4 * 60 + 38) * sec);   // 10:00:52 .. 10:05:30
  CHECK(t.time_in(lifecycle::resumed) == (50 * 60 + 52) * sec);  // 10:10:00 .. 11:00:52
  CHECK(t.running_time() == (55 * 60 + 30) * sec);
  CHECK(t.paused_time() == (4 * 60 + 30) * sec);
  CHECK(t.entered(lifecycle::paused) == at("2026-03-06T10:05:30Z"));
  CHECK(t.started() == at("2026-03-06T10:00:52Z"));
  CHECK_FALSE(t.entered(lifecycle::stopped).has_value());

  std::string summary;
  t.write_summary(summary);
  CHECK(summary ==
        "state: killed (ended)\n"
        "lifetime: 1h0m0s from 2026-03-06T10:00:52Z to 2026-03-06T11:00:52Z\n"
        "running: 55m30s\n"
        "paused: 4m30s (1 pause)\n"
        "ended by: killed through the API\n"
        "events: 5, anomalies: 0\n");
}

TEST_CASE("every transition between two states is legal exactly as documented") {
  for (lifecycle from : all_states) {
    for (lifecycle to : all_states) {
      CAPTURE(to_string(from), to_string(to));
      const bool expect_legal = legal.count({from, to}) != 0;
      CHECK(sandlog::is_legal_transition(from, to) == expect_legal);

      lifecycle_tracker t;
      std::int64_t s = 0;
      for (lifecycle step : path_to(from)) t.apply(seconds(s += 10), step);
      REQUIRE(t.anomaly_count() == 0);
      t.apply(seconds(s += 10), to);
      if (expect_legal) {
        CHECK(t.anomaly_count() == 0);
        CHECK(t.state() == to);
      } else if (from == to) {
        CHECK(t.anomaly_count(anomaly_kind::duplicate) == 1);
        CHECK(t.state() == from);
      } else if (sandlog::is_terminal(from)) {
        CHECK(t.anomaly_count(anomaly_kind::after_end) == 1);
        CHECK(t.state() == from);
      } else {
        // Followed anyway: the server's word on the state wins.
        CHECK(t.anomaly_count(anomaly_kind::illegal_transition) == 1);
        CHECK(t.state() == to);
        REQUIRE(t.stored_count() == 1);
        CHECK(t.anomalies_begin()->from == from);
        CHECK(t.anomalies_begin()->to == to);
        CHECK(t.anomalies_begin()->event_index == path_to(from).size());
      }
      CHECK(t.anomaly_count() <= 1);
    }
  }
}

TEST_CASE("the reaper's stopped ends the lifetime") {
  lifecycle_tracker t;
  t.apply(seconds(0), lifecycle::created);
  t.apply(seconds(2), lifecycle::running);
  t.apply(seconds(302), lifecycle::stopped);
  CHECK(t.outcome() == lifecycle::stopped);
  CHECK(t.ended());
  CHECK(t.lifetime() == 302 * sec);
  CHECK(t.running_time() == 300 * sec);
  std::string summary;
  t.write_summary(summary);
  CHECK(summary.find("ended by: stopped by the reaper (timeout)\n") != std::string::npos);
}

TEST_CASE("an error ends the lifetime until a cleanup kill extends it") {
  lifecycle_tracker t;
  t.apply(seconds(0), lifecycle::created);
  t.apply(seconds(5), lifecycle::error);
  CHECK(t.outcome() == lifecycle::error);
  CHECK_FALSE(t.ended());
  CHECK(t.lifetime() == 5 * sec);
  t.apply(seconds(65), lifecycle::killed);
  CHECK(t.outcome() == lifecycle::killed);
  CHECK(t.lifetime() == 65 * sec);
  CHECK(t.time_in(lifecycle::error) == 60 * sec);
  CHECK(t.anomaly_count() == 0);
}

TEST_CASE("a timestamp going backwards is recorded and clamped so times add up") {
  lifecycle_tracker t;
  t.apply(seconds(10), lifecycle::created);
  t.apply(seconds(100), lifecycle::running);
  t.apply(seconds(50), lifecycle::paused);  // earlier than running
  t.apply(seconds(200), lifecycle::killed);
  CHECK(t.anomaly_count() == 1);
  CHECK(t.anomaly_count(anomaly_kind::time_went_backwards) == 1);
  CHECK(t.time_in(lifecycle::running) == 0);
  CHECK(t.time_in(lifecycle::paused) == 100 * sec);
  CHECK(t.lifetime() == 190 * sec);
  CHECK(t.time_in(lifecycle::created) + t.running_time() + t.paused_time() == t.lifetime());
}

TEST_CASE("duplicates, events after the end and unknown names are ignored") {
  lifecycle_tracker t;
  t.apply({seconds(0), "sandbox.lifecycle.created"});
  t.apply({seconds(0), "sandbox.lifecycle.created"});  // a page overlap
  t.apply({seconds(1), "sandbox.lifecycle.running"});
  t.apply({seconds(2), "sandbox.lifecycle.rebooted"});
  t.apply({seconds(3), "sandbox.lifecycle.killed"});
  t.apply({seconds(4), "sandbox.lifecycle.running"});
  CHECK(t.state() == lifecycle::killed);
  CHECK(t.events() == 6);
  CHECK(t.anomaly_count(anomaly_kind::duplicate) == 1);
  CHECK(t.anomaly_count(anomaly_kind::unknown_event) == 1);
  CHECK(t.anomaly_count(anomaly_kind::after_end) == 1);
  CHECK(t.lifetime() == 3 * sec);
  CHECK(t.running_time() == 2 * sec);
  std::string summary;
  t.write_summary(summary);
  CHECK(summary.find("  event 3 at 1970-01-01T00:00:02Z: unknown event\n") != std::string::npos);
  CHECK(summary.find("  event 5 at 1970-01-01T00:00:04Z: event after the end (running)\n") !=
        std::string::npos);
}

TEST_CASE("a history that starts after created is followed and flagged") {
  lifecycle_tracker t;
  t.apply(seconds(100), lifecycle::paused);
  t.apply(seconds(160), lifecycle::resumed);
  CHECK(t.anomaly_count(anomaly_kind::missing_created) == 1);
  CHECK(t.state() == lifecycle::resumed);
  CHECK(t.paused_time() == 60 * sec);
  CHECK(t.started() == seconds(100));
}

TEST_CASE("anomalies beyond the cap are counted, not stored") {
  lifecycle_tracker t;
  t.apply(seconds(0), lifecycle::created);
  const std::size_t n = lifecycle_tracker::max_stored_anomalies * 10;
  for (std::size_t i = 0; i < n; ++i) t.apply(seconds(1), lifecycle::created);
  CHECK(t.anomaly_count() == n);
  CHECK(t.stored_count() == lifecycle_tracker::max_stored_anomalies);
  CHECK(t.anomalies_end() - t.anomalies_begin() ==
        static_cast<std::ptrdiff_t>(lifecycle_tracker::max_stored_anomalies));
  std::string summary;
  t.write_summary(summary);
  CHECK(summary.find("... and " + std::to_string(n - lifecycle_tracker::max_stored_anomalies) +
                     " more\n") != std::string::npos);
}

TEST_CASE("the summary into a fixed buffer is cut but sized like snprintf") {
  lifecycle_tracker t;
  t.apply(seconds(0), lifecycle::created);
  t.apply(seconds(1), lifecycle::running);
  std::string full;
  t.write_summary(full);
  char small[16];
  std::fill(std::begin(small), std::end(small), '#');
  const std::size_t n = t.write_summary(small, 10);
  CHECK(n == full.size());
  CHECK(std::string(small, 10) == full.substr(0, 10));
  CHECK(small[10] == '#');
  lifecycle_tracker empty;
  std::string none;
  empty.write_summary(none);
  CHECK(none == "no lifecycle events\n");
}

TEST_CASE("the open interval of the current state counts only with a clock") {
  lifecycle_tracker t;
  t.apply(seconds(0), lifecycle::created);
  t.apply(seconds(10), lifecycle::running);
  CHECK(t.running_time() == 0);
  CHECK(t.time_in(lifecycle::running, seconds(70)) == 60 * sec);
  CHECK(t.time_in(lifecycle::running, seconds(5)) == 0);
  CHECK(t.time_in(lifecycle::paused, seconds(70)) == 0);
}

TEST_CASE("durations saturate instead of overflowing across millennia") {
  lifecycle_tracker t;
  t.apply(at("0000-01-01T00:00:00Z"), lifecycle::created);
  t.apply(at("9999-12-31T23:59:59.999999999Z"), lifecycle::running);
  CHECK(t.time_in(lifecycle::created) == std::numeric_limits<std::int64_t>::max());
  CHECK(t.lifetime() == std::numeric_limits<std::int64_t>::max());
  std::string summary;
  t.write_summary(summary);
  CHECK(summary.find("lifetime: >292y") != std::string::npos);
}

TEST_CASE("fractions of a second print without trailing zeros") {
  lifecycle_tracker t;
  t.apply(at("2026-01-01T00:00:00Z"), lifecycle::created);
  t.apply(at("2026-01-01T00:00:01.25Z"), lifecycle::running);
  t.apply(at("2026-01-01T02:00:01.25Z"), lifecycle::killed);
  std::string summary;
  t.write_summary(summary);
  CHECK(summary.find("lifetime: 2h0m1.25s ") != std::string::npos);
  CHECK(summary.find("running: 2h0m0s\n") != std::string::npos);
}
