// Fuzzes lifecycle_tracker with random event sequences: no crash; the time
// per state adds up to no more than the lifetime; anomalies stay bounded and
// counted; the summary's size is what it reports.
#include <sandlog/lifecycle.hpp>

#include <string>

#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sandlog_fuzz::input in(data, size);
  sandlog::lifecycle_tracker t;
  sandlog::timestamp now;
  now.seconds = 1772791252;
  std::size_t applied = 0;
  while (!in.rest().empty()) {
    const std::uint8_t op = in.byte();
    const auto step = static_cast<std::int8_t>(in.byte());
    // Mostly small steps, sometimes backwards, sometimes a jump of centuries.
    if (op & 0x80) {
      now.seconds += static_cast<std::int64_t>(step) * 40000000000;
      if (now.seconds > 253402300799) now.seconds = 253402300799;
      if (now.seconds < -62167219200) now.seconds = -62167219200;
    } else {
      now.seconds += step;
    }
    now.nanos = static_cast<std::uint32_t>(in.byte()) * 3921568u;
    const unsigned kind = op % 9;
    if (kind < sandlog::lifecycle_count) {
      t.apply(now, static_cast<sandlog::lifecycle>(kind));
    } else {
      t.apply(sandlog::log_entry{now, kind == 7 ? "sandbox.lifecycle.rebooted" : "sandbox.lifecycle.paused"});
    }
    ++applied;

    std::int64_t sum = 0;
    for (std::size_t s = 0; s < sandlog::lifecycle_count; ++s) {
      const std::int64_t d = t.time_in(static_cast<sandlog::lifecycle>(s));
      SANDLOG_FUZZ_ASSERT(d >= 0);
      sum = sum > INT64_MAX - d ? INT64_MAX : sum + d;
    }
    SANDLOG_FUZZ_ASSERT(sum <= t.lifetime());
    SANDLOG_FUZZ_ASSERT(t.running_time() <= t.lifetime() && t.paused_time() <= t.lifetime());
    SANDLOG_FUZZ_ASSERT(t.events() == applied);
    SANDLOG_FUZZ_ASSERT(t.stored_count() <= sandlog::lifecycle_tracker::max_stored_anomalies);
    std::size_t per_kind = 0;
    for (std::size_t k = 0; k < sandlog::anomaly_kind_count; ++k)
      per_kind += t.anomaly_count(static_cast<sandlog::anomaly_kind>(k));
    SANDLOG_FUZZ_ASSERT(per_kind == t.anomaly_count());
    // An event can be both an illegal transition and earlier than the last.
    SANDLOG_FUZZ_ASSERT(t.anomaly_count() <= 2 * applied);
    SANDLOG_FUZZ_ASSERT(t.ended() == (t.state() && sandlog::is_terminal(*t.state())));
  }
  std::string summary;
  t.write_summary(summary);
  SANDLOG_FUZZ_ASSERT(summary.size() == t.write_summary(nullptr, 0));
  SANDLOG_FUZZ_ASSERT(!summary.empty() && summary.back() == '\n');
  return 0;
}
