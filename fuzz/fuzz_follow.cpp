// Fuzz target for resume_cursor and tail_buffer.
//
// The input describes a log (records with small timestamps, so many share
// one, and few distinct messages, so many are identical) and a schedule of
// disconnects. A simulated server replays from the cursor's since_time
// (inclusive, whole seconds or exact); the cursor must deliver the log
// exactly once, in order, whenever it reports itself exact. tail_buffer must
// stay within its bounds and hold the newest lines.
#include <sandlog/follow.hpp>

#include <string>
#include <vector>

#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sandlog_fuzz::input in(data, size);
  sandlog::resume_options opts;
  const std::uint8_t mode = in.byte();
  opts.precision = (mode & 1) ? sandlog::since_precision::nanoseconds
                              : sandlog::since_precision::seconds;
  opts.max_remembered = 1 + (mode >> 1) % 16;
  static const char* const messages[] = {"a", "b", "same", "", "a longer line of text"};
  struct rec {
    sandlog::timestamp time;
    bool timed;
    int msg;
  };
  std::vector<rec> log;
  std::int64_t sec = 0;
  std::uint32_t ns = 0;
  std::vector<std::uint8_t> drops;
  while (!in.rest().empty() && log.size() < 400) {
    const std::uint8_t b = in.byte();
    if (b & 0x80) sec += 1, ns = 0;
    if (b & 0x40) ns += 1;
    rec r;
    r.time.seconds = sec;
    r.time.nanos = ns;
    r.timed = (b & 0x38) != 0x38;  // now and then a record without a timestamp
    r.msg = b % 5;
    log.push_back(r);
    drops.push_back(in.byte());
  }
  sandlog::resume_cursor cursor(opts);
  sandlog::tail_buffer tail(1 + mode % 7, 1 + mode % 23);
  std::vector<std::size_t> delivered;
  std::optional<sandlog::timestamp> since;
  std::size_t d = 0;
  for (int attempt = 0; attempt < 1000; ++attempt) {
    // Serve from since_time; a drop byte below 24 ends the connection before
    // that record, but only after at least one new record, so it progresses.
    bool dropped = false;
    const std::size_t before = delivered.size();
    for (std::size_t i = 0; i < log.size(); ++i) {
      const rec& r = log[i];
      if (since && r.timed && r.time < *since) continue;
      if (delivered.size() > before && drops[(d++) % drops.size()] < 24) {
        dropped = true;
        break;
      }
      sandlog::log_record lr;
      lr.has_time = r.timed;
      lr.time = r.time;
      lr.message = messages[r.msg];
      if (cursor.admit(lr) == sandlog::admit_verdict::deliver) {
        delivered.push_back(i);
        tail.push(lr.message);
        SANDLOG_FUZZ_ASSERT(tail.size() <= tail.max_lines() && tail.bytes() <= tail.max_bytes());
        SANDLOG_FUZZ_ASSERT(tail[tail.size() - 1] == lr.message.substr(0, tail.max_bytes()));
      }
    }
    if (!dropped) break;
    since = cursor.reconnect();
  }
  // Records without a timestamp after a timed one are replayed only when the
  // server keeps them beside their neighbours, which this server does not
  // (it skips nothing untimed): the promise holds for timed streams.
  bool all_timed = true;
  for (const rec& r : log) all_timed = all_timed && r.timed;
  if (cursor.exact() && all_timed) {
    // Same messages and times in the same order as the log.
    SANDLOG_FUZZ_ASSERT(delivered.size() == log.size());
    for (std::size_t i = 0; i < delivered.size(); ++i) {
      const rec& a = log[delivered[i]];
      const rec& b = log[i];
      SANDLOG_FUZZ_ASSERT(a.msg == b.msg && a.time == b.time);
    }
  }
  return 0;
}
