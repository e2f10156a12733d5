// sandlog: sandbox lifecycle events and a tracker that turns them into state,
// time spent per state, how the sandbox ended, and the anomalies it saw.
//
// The state machine (docs/lifecycle.md draws it):
//
//   created --> running --> paused <--> resumed
//      |           |           |           |
//      +-----------+-----+-----+-----------+
//                        v
//              killed | stopped | error --> killed | stopped
//
//   created -> running                       the sandbox came up
//   running, resumed -> paused               paused (state preserved)
//   paused -> resumed                        resumed: running again
//   created, running, paused, resumed
//           -> killed | stopped | error      any live state can be killed through
//                                            the API, reaped when its timeout
//                                            expires, or fail a transition
//   error -> killed | stopped                a failed sandbox is cleaned up
//
// killed and stopped are terminal. error ends the lifetime unless a killed or
// stopped follows it (the provider cleaning up), which then ends it instead.
// Everything else is an anomaly: recorded, never thrown. An illegal
// transition is still followed (the server knows the state better than our
// rules do); a duplicate, an event after the end, or an unknown name is
// ignored; a timestamp earlier than the previous one is recorded and treated
// as equal to it, so the time per state always adds up to the lifetime.
#ifndef SANDLOG_LIFECYCLE_HPP
#define SANDLOG_LIFECYCLE_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "config.hpp"
#include "detail/saturating.hpp"
#include "error.hpp"
#include "timestamp.hpp"
#include "vocabulary.hpp"

namespace sandlog {

enum class lifecycle : std::uint8_t {
  created,
  running,
  paused,
  resumed,
  killed,
  stopped,
  error,
  count_  // not a state: the number of values above
};

// The number of lifecycle values (for tables indexed by state).
inline constexpr std::size_t lifecycle_count = static_cast<std::size_t>(lifecycle::count_);

// The event name a log line carries, "sandbox.lifecycle.<state>"; parses back
// with parse_lifecycle. Allocates nothing; the view is a string literal.
constexpr std::string_view to_string(lifecycle s) noexcept {
  switch (s) {
    case lifecycle::created: return "sandbox.lifecycle.created";
    case lifecycle::running: return "sandbox.lifecycle.running";
    case lifecycle::paused: return "sandbox.lifecycle.paused";
    case lifecycle::resumed: return "sandbox.lifecycle.resumed";
    case lifecycle::killed: return "sandbox.lifecycle.killed";
    case lifecycle::stopped: return "sandbox.lifecycle.stopped";
    case lifecycle::error: return "sandbox.lifecycle.error";
    case lifecycle::count_: break;
  }
  return "sandbox.lifecycle.unknown";
}

namespace detail {
inline constexpr std::string_view lifecycle_prefix = "sandbox.lifecycle.";
}  // namespace detail

// The bare state name ("paused"), for summaries. A string literal.
constexpr std::string_view state_name(lifecycle s) noexcept {
  return to_string(s).substr(detail::lifecycle_prefix.size());
}

// The state an event line names: exactly "sandbox.lifecycle.<state>" with a
// lower-case state; anything else (other case, surrounding spaces, a bare
// "paused") is nullopt. Allocates nothing.
constexpr std::optional<lifecycle> parse_lifecycle(std::string_view line) noexcept {
  if (line.substr(0, detail::lifecycle_prefix.size()) != detail::lifecycle_prefix)
    return std::nullopt;
  for (std::size_t i = 0; i < lifecycle_count; ++i) {
    const auto s = static_cast<lifecycle>(i);
    if (to_string(s) == line) return s;
  }
  return std::nullopt;
}

// Whether the state machine above allows `from` -> `to`.
constexpr bool is_legal_transition(lifecycle from, lifecycle to) noexcept {
  switch (from) {
    case lifecycle::created:
      return to == lifecycle::running || to == lifecycle::killed || to == lifecycle::stopped ||
             to == lifecycle::error;
    case lifecycle::running:
    case lifecycle::resumed:
    case lifecycle::paused: {
      const lifecycle next = from == lifecycle::paused ? lifecycle::resumed : lifecycle::paused;
      return to == next || to == lifecycle::killed || to == lifecycle::stopped ||
             to == lifecycle::error;
    }
    case lifecycle::error: return to == lifecycle::killed || to == lifecycle::stopped;
    case lifecycle::killed:
    case lifecycle::stopped:
    case lifecycle::count_: return false;
  }
  return false;
}

// Whether nothing may follow `s` (killed, stopped).
constexpr bool is_terminal(lifecycle s) noexcept {
  return s == lifecycle::killed || s == lifecycle::stopped;
}

// What went wrong with one event. The tracker keeps going after each.
enum class anomaly_kind : std::uint8_t {
  illegal_transition,  // the state machine does not allow it; followed anyway
  missing_created,     // the first event is not created; followed anyway
  time_went_backwards, // earlier than the previous event; treated as equal to it
  duplicate,           // the state the sandbox is already in; ignored
  after_end,           // after killed or stopped; ignored
  unknown_event,       // not a lifecycle event name; ignored
  count_               // not an anomaly: the number of values above
};
inline constexpr std::size_t anomaly_kind_count = static_cast<std::size_t>(anomaly_kind::count_);

// A short description of `k`. A string literal.
constexpr std::string_view to_string(anomaly_kind k) noexcept {
  switch (k) {
    case anomaly_kind::illegal_transition: return "illegal transition";
    case anomaly_kind::missing_created: return "first event is not created";
    case anomaly_kind::time_went_backwards: return "timestamp went backwards";
    case anomaly_kind::duplicate: return "duplicate event";
    case anomaly_kind::after_end: return "event after the end";
    case anomaly_kind::unknown_event: return "unknown event";
    case anomaly_kind::count_: break;
  }
  return "unknown anomaly";
}

struct anomaly {
  anomaly_kind kind;
  std::size_t event_index;  // 0-based position among all events applied
  timestamp time;           // as the event carried it
  lifecycle from;           // the state before the event (created when there was none)
  lifecycle to;             // the event (from, when the name was unknown)
};

// Durations are int64 nanoseconds, saturating at the maximum (~292 years), so
// timestamps anywhere in 0000..9999 never overflow.
using nanoseconds_t = std::int64_t;

namespace detail {
inline constexpr nanoseconds_t max_nanos = std::numeric_limits<nanoseconds_t>::max();

// b - a in nanoseconds for a <= b, saturating.
constexpr nanoseconds_t nanos_between(const timestamp& a, const timestamp& b) noexcept {
  const std::int64_t ds = b.seconds - a.seconds;  // timestamps span far less than int64
  const std::int64_t dn = static_cast<std::int64_t>(b.nanos) - static_cast<std::int64_t>(a.nanos);
  if (ds > max_nanos / 1000000000 - 1) return max_nanos;
  return ds * 1000000000 + dn;
}

// Appends to a caller's fixed buffer, counting what would not fit, like
// snprintf, so the same code sizes and fills.
class summary_writer {
 public:
  summary_writer(char* buf, std::size_t cap) noexcept : buf_(buf), cap_(cap) {}
  void put(std::string_view s) noexcept {
    if (len_ < cap_) {
      const std::size_t n = s.size() < cap_ - len_ ? s.size() : cap_ - len_;
      std::memcpy(buf_ + len_, s.data(), n);
    }
    len_ += s.size();
  }
  void put_uint(std::uint64_t v) noexcept {
    char tmp[20];
    std::size_t n = 0;
    do {
      tmp[sizeof tmp - ++n] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    put({tmp + sizeof tmp - n, n});
  }
  // Go-style: "1h2m3.5s", "4m30s", "0s"; "max" when saturated.
  void put_duration(nanoseconds_t ns) noexcept {
    if (ns == max_nanos) return put(">292y");
    auto total = static_cast<std::uint64_t>(ns < 0 ? 0 : ns);
    const std::uint64_t secs = total / 1000000000u;
    auto frac = static_cast<std::uint32_t>(total % 1000000000u);
    const std::uint64_t h = secs / 3600, m = secs / 60 % 60, s = secs % 60;
    if (h != 0) put_uint(h), put("h");
    if (h != 0 || m != 0) put_uint(m), put("m");
    put_uint(s);
    if (frac != 0) {
      char digits[10] = {'.'};
      int n = 9;
      while (frac % 10 == 0) frac /= 10, --n;
      for (int i = n; i >= 1; --i) digits[i] = static_cast<char>('0' + frac % 10), frac /= 10;
      put({digits, static_cast<std::size_t>(n + 1)});
    }
    put("s");
  }
  void put_time(const timestamp& t) noexcept {
    char tmp[max_timestamp_chars];
    const char* end = format_timestamp(t, tmp);
    if (end == nullptr) return put("(unprintable time)");
    put({tmp, static_cast<std::size_t>(end - tmp)});
  }
  std::size_t size() const noexcept { return len_; }

 private:
  char* buf_;
  std::size_t cap_;
  std::size_t len_ = 0;
};
}  // namespace detail

// Follows one sandbox's lifecycle events, given in log order. Holds no heap
// memory: anomalies beyond max_stored_anomalies are counted, not stored.
class lifecycle_tracker {
 public:
  static constexpr std::size_t max_stored_anomalies = 32;

  // Applies one event. Never fails: whatever is wrong becomes an anomaly
  // (a value that is no state, such as lifecycle::count_, an unknown_event).
  void apply(const timestamp& time, lifecycle event) noexcept {
    if (SANDLOG_UNLIKELY(index_of(event) >= lifecycle_count)) {
      const std::size_t index = events_++;
      const lifecycle s = state_ ? *state_ : lifecycle::created;
      return record(anomaly_kind::unknown_event, index, time, s, s);
    }
    const std::size_t index = events_++;
    if (!state_) {
      if (event != lifecycle::created) record(anomaly_kind::missing_created, index, time, event, event);
      first_ = clock_ = time;
      enter(event, time);
      return;
    }
    const lifecycle from = *state_;
    if (event == from) return record(anomaly_kind::duplicate, index, time, from, event);
    if (is_terminal(from)) return record(anomaly_kind::after_end, index, time, from, event);
    if (!is_legal_transition(from, event))
      record(anomaly_kind::illegal_transition, index, time, from, event);
    timestamp effective = time;
    if (time < clock_) {
      record(anomaly_kind::time_went_backwards, index, time, from, event);
      effective = clock_;
    }
    time_in_[index_of(from)] =
        detail::saturating_add(time_in_[index_of(from)], detail::nanos_between(clock_, effective));
    clock_ = effective;
    enter(event, effective);
  }

  // Applies a page entry: its line must name an event (parse_lifecycle);
  // anything else is an unknown_event anomaly and changes nothing.
  void apply(const log_entry& entry) noexcept {
    if (auto event = parse_lifecycle(entry.line)) return apply(entry.time, *event);
    const std::size_t index = events_++;
    const lifecycle s = state_ ? *state_ : lifecycle::created;
    record(anomaly_kind::unknown_event, index, entry.time, s, s);
  }

  // The state after the last event, nullopt before any.
  std::optional<lifecycle> state() const noexcept { return state_; }

  // Whether a killed or stopped event has ended the lifetime.
  bool ended() const noexcept { return state_ && is_terminal(*state_); }

  // How the sandbox ended: killed (through the API), stopped (by the reaper),
  // error (a transition failed and nothing followed yet); nullopt while alive.
  std::optional<lifecycle> outcome() const noexcept {
    if (state_ && (is_terminal(*state_) || *state_ == lifecycle::error)) return state_;
    return std::nullopt;
  }

  // When `s` was last entered (after clamping backwards timestamps), and how
  // many times it was.
  std::optional<timestamp> entered(lifecycle s) const noexcept {
    if (entries_[index_of(s)] == 0) return std::nullopt;
    return entered_at_[index_of(s)];
  }
  std::size_t times_entered(lifecycle s) const noexcept { return entries_[index_of(s)]; }

  // Time spent in `s` up to the last event; the interval of the current state
  // is still open and not included (use the overload with `now` for it).
  nanoseconds_t time_in(lifecycle s) const noexcept { return time_in_[index_of(s)]; }

  // Like time_in(s), counting the current state up to `now` (if `now` is
  // later than the last event and the sandbox has not ended).
  nanoseconds_t time_in(lifecycle s, const timestamp& now) const noexcept {
    nanoseconds_t t = time_in(s);
    if (state_ && *state_ == s && !ended() && clock_ < now)
      t = detail::saturating_add(t, detail::nanos_between(clock_, now));
    return t;
  }

  // Running, counting resumed as running (it is running again).
  nanoseconds_t running_time() const noexcept {
    return detail::saturating_add(time_in(lifecycle::running), time_in(lifecycle::resumed));
  }
  nanoseconds_t paused_time() const noexcept { return time_in(lifecycle::paused); }

  // From the first event (created, normally) to the end event, or to the
  // last event while not ended. Always >= the sum of time_in over all states.
  nanoseconds_t lifetime() const noexcept {
    return state_ ? detail::nanos_between(first_, clock_) : 0;
  }
  std::optional<timestamp> started() const noexcept {
    return state_ ? std::optional<timestamp>(first_) : std::nullopt;
  }

  // Events applied, including ignored ones.
  std::size_t events() const noexcept { return events_; }

  // Every anomaly seen, stored or not, and per kind.
  std::size_t anomaly_count() const noexcept { return anomalies_total_; }
  std::size_t anomaly_count(anomaly_kind k) const noexcept {
    return per_kind_[static_cast<std::size_t>(k)];
  }
  // The first min(anomaly_count(), max_stored_anomalies) anomalies, in order.
  const anomaly* anomalies_begin() const noexcept { return stored_.data(); }
  const anomaly* anomalies_end() const noexcept { return stored_.data() + stored_count(); }
  std::size_t stored_count() const noexcept {
    return anomalies_total_ < max_stored_anomalies ? anomalies_total_ : max_stored_anomalies;
  }

  // Writes a summary a person can read (several '\n'-terminated lines) into
  // buf[0, cap) and returns its full length, like snprintf without the NUL:
  // if the result exceeds cap, the text is cut. Allocates nothing.
  std::size_t write_summary(char* buf, std::size_t cap) const noexcept {
    detail::summary_writer w(buf, cap);
    write_to(w);
    return w.size();
  }

  // Appends the same summary to `out` (allocates as std::string does).
  void write_summary(std::string& out) const {
    const std::size_t n = write_summary(nullptr, 0);
    const std::size_t at = out.size();
    out.resize(at + n);
    write_summary(&out[at], n);
  }

  void reset() noexcept { *this = lifecycle_tracker{}; }

 private:
  static constexpr std::size_t index_of(lifecycle s) noexcept { return static_cast<std::size_t>(s); }

  void enter(lifecycle s, const timestamp& at) noexcept {
    state_ = s;
    entered_at_[index_of(s)] = at;
    ++entries_[index_of(s)];
  }

  void record(anomaly_kind kind, std::size_t index, const timestamp& time, lifecycle from,
              lifecycle to) noexcept {
    if (anomalies_total_ < max_stored_anomalies) stored_[anomalies_total_] = {kind, index, time, from, to};
    ++anomalies_total_;
    ++per_kind_[static_cast<std::size_t>(kind)];
  }

  void write_to(detail::summary_writer& w) const noexcept {
    if (!state_) return w.put("no lifecycle events\n");
    w.put("state: ");
    w.put(state_name(*state_));
    if (ended()) w.put(" (ended)");
    w.put("\nlifetime: ");
    w.put_duration(lifetime());
    w.put(" from ");
    w.put_time(first_);
    w.put(ended() ? " to " : " to last event at ");
    w.put_time(clock_);
    w.put("\nrunning: ");
    w.put_duration(running_time());
    w.put("\npaused: ");
    w.put_duration(paused_time());
    w.put(" (");
    w.put_uint(times_entered(lifecycle::paused));
    w.put(times_entered(lifecycle::paused) == 1 ? " pause)\n" : " pauses)\n");
    if (auto how = outcome()) {
      w.put("ended by: ");
      w.put(*how == lifecycle::killed    ? "killed through the API\n"
            : *how == lifecycle::stopped ? "stopped by the reaper (timeout)\n"
                                         : "error in a lifecycle transition\n");
    }
    w.put("events: ");
    w.put_uint(events_);
    w.put(", anomalies: ");
    w.put_uint(anomalies_total_);
    w.put("\n");
    for (const anomaly* a = anomalies_begin(); a != anomalies_end(); ++a) {
      w.put("  event ");
      w.put_uint(a->event_index);
      w.put(" at ");
      w.put_time(a->time);
      w.put(": ");
      w.put(to_string(a->kind));
      if (a->kind == anomaly_kind::illegal_transition) {
        w.put(" ");
        w.put(state_name(a->from));
        w.put(" -> ");
        w.put(state_name(a->to));
      } else if (a->kind != anomaly_kind::unknown_event) {
        w.put(" (");
        w.put(state_name(a->to));
        w.put(")");
      }
      w.put("\n");
    }
    if (anomalies_total_ > max_stored_anomalies) {
      w.put("  ... and ");
      w.put_uint(anomalies_total_ - max_stored_anomalies);
      w.put(" more\n");
    }
  }

  std::optional<lifecycle> state_;
  timestamp first_{};
  timestamp clock_{};  // the last event's time, never decreasing
  std::array<timestamp, lifecycle_count> entered_at_{};
  std::array<std::size_t, lifecycle_count> entries_{};
  std::array<nanoseconds_t, lifecycle_count> time_in_{};
  std::size_t events_ = 0;
  std::size_t anomalies_total_ = 0;
  std::array<std::size_t, anomaly_kind_count> per_kind_{};
  std::array<anomaly, max_stored_anomalies> stored_{};
};

}  // namespace sandlog

#endif  // SANDLOG_LIFECYCLE_HPP
