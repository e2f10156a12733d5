// sandlog CLI: the value of --since / --until — RFC 3339, or a duration
// before now ("10m", "2h", "1h30m", "1d").
#ifndef SANDLOG_CLI_TIME_ARG_HPP
#define SANDLOG_CLI_TIME_ARG_HPP

#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <string_view>

#include <sandlog/timestamp.hpp>

namespace sandlog_cli {

// A whole RFC 3339 timestamp: nothing may follow it.
inline bool parse_rfc3339_arg(std::string_view s, sandlog::timestamp& out) noexcept {
  const char* end = s.data() + s.size();
  const sandlog::parse_result r = sandlog::parse_timestamp(s.data(), end, out);
  return r && r.ptr == end;
}

// "Now": the SANDLOG_NOW environment variable (RFC 3339) when set, which the
// tests use so that relative times do not depend on the wall clock, else the
// system clock. False when SANDLOG_NOW is set but malformed.
inline bool current_time(sandlog::timestamp& now) noexcept {
  if (const char* env = std::getenv("SANDLOG_NOW")) return parse_rfc3339_arg(env, now);
  std::timespec ts{};
  std::timespec_get(&ts, TIME_UTC);
  now = sandlog::timestamp{};
  now.seconds = ts.tv_sec;
  now.nanos = static_cast<std::uint32_t>(ts.tv_nsec);
  return true;
}

// A duration as one or more <digits><unit> with units s, m, h, d: "90s",
// "1h30m". Seconds; false when malformed or beyond 100 years.
inline bool parse_duration_arg(std::string_view s, std::int64_t& seconds) noexcept {
  if (s.empty()) return false;
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    std::int64_t n = 0;
    const std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      n = n * 10 + (s[i] - '0');
      if (n > 3'200'000'000) return false;
      ++i;
    }
    if (i == start || i == s.size()) return false;
    switch (s[i++]) {
      case 's': break;
      case 'm': n *= 60; break;
      case 'h': n *= 3600; break;
      case 'd': n *= 86400; break;
      default: return false;
    }
    total += n;
    if (total > 3'200'000'000) return false;
  }
  seconds = total;
  return true;
}

// --since/--until: an RFC 3339 instant, or a duration before `now`.
inline bool parse_time_arg(std::string_view s, const sandlog::timestamp& now,
                           sandlog::timestamp& out) noexcept {
  if (parse_rfc3339_arg(s, out)) return true;
  std::int64_t ago = 0;
  if (!parse_duration_arg(s, ago)) return false;
  out = now;
  out.seconds -= ago;
  out.offset_minutes = 0;
  return true;
}

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_TIME_ARG_HPP
