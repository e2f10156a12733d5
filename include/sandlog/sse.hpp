// sandlog: Server-Sent Events — chunks of an event stream in, events out.
//
// sse_decoder follows the WHATWG HTML "event stream interpretation" rules:
// lines end in CR, LF or CRLF (a CR at the end of one chunk and an LF at the
// start of the next are one terminator); one leading UTF-8 BOM is dropped,
// even when it is split across chunks; lines starting with ':' are comments;
// a line without ':' is a field name with an empty value; one space after the
// ':' is removed; `data` lines are joined with "\n"; a blank line dispatches
// the event (no event when the data buffer is empty, but the event type is
// reset); `id` sets the last event ID (ignored when it holds a NUL) and
// persists across events; `retry` is taken only when it is all ASCII digits;
// an event left unfinished when the stream ends is discarded, and so is an
// `id` it set: the next stream starts from the last dispatched ID, as the
// WPT eventsource tests and browsers do.
//
// Bytes are passed through as they are: invalid UTF-8 is not replaced by
// U+FFFD as a browser would do.
#ifndef SANDLOG_SSE_HPP
#define SANDLOG_SSE_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "config.hpp"
#include "detail/digits.hpp"
#include "detail/saturating.hpp"
#include "detail/sink.hpp"
#include "error.hpp"
#include "line_splitter.hpp"

namespace sandlog {

struct sse_options {
  // Largest event kept: bytes of data (with a "\n" after each line) plus the
  // event type. A larger event is dropped whole and reported as
  // error::event_too_long; decoding goes on with the next event. Any line
  // longer than max_event + 16 bytes drops its event the same way, so id and
  // retry values are bounded too.
  std::size_t max_event = std::size_t{1} << 20;
};

// One dispatched event. Every view points into the decoder and lives until
// the sink returns.
struct sse_event {
  std::string_view type;  // the `event` field, or "message" when there was none
  std::string_view data;  // the `data` lines joined with "\n"
  std::string_view id;    // the last event ID at dispatch (persists across events)
};

struct sse_stats {
  std::uint64_t events = 0;    // events dispatched
  std::uint64_t too_long = 0;  // events dropped for exceeding max_event
  std::uint64_t comments = 0;  // comment lines (keep-alives)
};

class sse_decoder {
 public:
  // Allocates nothing until the first event; its buffers then grow up to
  // max_event bytes and are reused, so a warm decoder does not allocate.
  explicit sse_decoder(sse_options options = {}) noexcept
      : options_(options),
        lines_(line_options{options.max_event + field_slack, line_ending::any,
                            overflow::truncate}) {}

  // Decodes `chunk` and calls sink(const sse_event&) for each event it
  // completes. Returns error::event_too_long when an event was dropped during
  // this call (the events around it are still delivered), else error::ok.
  // The sink may return void or an error: one other than error::ok stops
  // decoding, and feed() returns it, now and until finish() or reset().
  template <class Sink>
  error feed(std::string_view chunk, Sink&& sink) {
    too_long_in_call_ = false;
    if (SANDLOG_UNLIKELY(bom_state_ != bom_done)) chunk = skip_bom(chunk, sink);
    const error e = lines_.feed(chunk, [&](const line& l) { return on_line(l, sink); });
    if (e != error::ok) return e;
    return too_long_in_call_ ? error::event_too_long : error::ok;
  }

  // Ends the stream: an unfinished event (and an unterminated last line) is
  // discarded, as the standard requires. The last event ID and the retry
  // time are kept for the reconnection; the next feed() starts a new stream
  // (which may begin with a BOM again). Allocates nothing.
  void finish() noexcept {
    lines_.reset();
    data_.clear();
    type_.clear();
    // An `id` read since the last dispatch belongs to an event never
    // delivered: carried into the next stream it would label that stream's
    // events, and become Last-Event-ID, past an event the caller never saw.
    // id_ has held every ID last_id_ holds, so this does not allocate.
    id_.assign(last_id_);
    dropping_ = false;
    bom_state_ = 0;
  }

  // Forgets everything, the last event ID and retry included; keeps memory.
  void reset() noexcept {
    finish();
    id_.clear();
    last_id_.clear();
    retry_.reset();
    stats_ = {};
  }

  // The value to send as Last-Event-ID when reconnecting (empty: send none).
  // Lives until the next feed(), finish() or reset().
  std::string_view last_event_id() const noexcept { return last_id_; }

  // Sets the last event ID, e.g. one saved by an earlier process. Allocates
  // when `id` is longer than any ID seen before.
  void set_last_event_id(std::string_view id) {
    id_.assign(id.data(), id.size());
    last_id_ = id_;
  }

  // The reconnection time in milliseconds from the last valid `retry` field.
  std::optional<std::uint64_t> retry() const noexcept { return retry_; }

  const sse_stats& stats() const noexcept { return stats_; }
  const sse_options& options() const noexcept { return options_; }

 private:
  // Room in a line for the field name, ':' and ' ' beside max_event bytes.
  static constexpr std::size_t field_slack = 16;
  static constexpr std::uint8_t bom_done = 3;

  // Drops a leading EF BB BF. A prefix of it at the end of a chunk is held
  // (it is implied by bom_state_) until the next byte decides.
  template <class Sink>
  std::string_view skip_bom(std::string_view chunk, Sink& sink) {
    static constexpr char bom[3] = {'\xEF', '\xBB', '\xBF'};
    while (!chunk.empty() && bom_state_ < bom_done) {
      if (chunk.front() != bom[bom_state_]) {
        // Not a BOM after all: the bytes matched so far are text.
        const std::string_view held(bom, bom_state_);
        bom_state_ = bom_done;
        lines_.feed(held, [&](const line& l) { return on_line(l, sink); });
        return chunk;
      }
      ++bom_state_;
      chunk.remove_prefix(1);
    }
    return chunk;
  }

  template <class Sink>
  error on_line(const line& l, Sink& sink) {
    const std::string_view text = l.text;
    if (text.empty()) return dispatch(sink);
    if (SANDLOG_UNLIKELY(l.is_truncated())) {
      drop_event();
      return error::ok;
    }
    if (text.front() == ':') {
      ++stats_.comments;
      return error::ok;
    }
    const std::size_t colon = text.find(':');
    std::string_view name = text;
    std::string_view value;
    if (colon != std::string_view::npos) {
      name = text.substr(0, colon);
      value = text.substr(colon + 1);
      if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    }
    field(name, value);
    return error::ok;
  }

  void field(std::string_view name, std::string_view value) {
    if (name == "data") {
      if (dropping_) return;
      if (value.size() >= options_.max_event - size()) {  // size() <= max_event always
        drop_event();
        return;
      }
      data_.append(value.data(), value.size());
      data_.push_back('\n');
    } else if (name == "event") {
      if (dropping_) return;
      if (value.size() > options_.max_event - data_.size()) {
        drop_event();
        return;
      }
      type_.assign(value.data(), value.size());
    } else if (name == "id") {
      if (value.find('\0') == std::string_view::npos) id_.assign(value.data(), value.size());
    } else if (name == "retry") {
      set_retry(value);
    }
  }

  std::size_t size() const noexcept { return data_.size() + type_.size(); }

  void set_retry(std::string_view value) noexcept {
    if (value.empty()) return;
    detail::decimal_accumulator ms(std::numeric_limits<std::uint64_t>::max());
    for (const char c : value) {
      if (!detail::is_digit(c)) return;
      ms.push(detail::digit_value(c));
      if (ms.overflow) return;  // does not fit: ignored like any bad value
    }
    retry_ = ms.value;
  }

  void drop_event() noexcept {
    if (!dropping_) {
      dropping_ = true;
      ++stats_.too_long;
      too_long_in_call_ = true;
    }
    data_.clear();
  }

  template <class Sink>
  error dispatch(Sink& sink) {
    if (last_id_.size() != id_.size() || last_id_ != id_) last_id_.assign(id_);
    if (dropping_ || data_.empty()) {
      dropping_ = false;
      data_.clear();
      type_.clear();
      return error::ok;
    }
    sse_event ev;
    ev.type = type_.empty() ? std::string_view("message") : std::string_view(type_);
    ev.data = std::string_view(data_.data(), data_.size() - 1);  // without the last "\n"
    ev.id = last_id_;
    ++stats_.events;
    const error e = detail::call_sink(sink, static_cast<const sse_event&>(ev));
    data_.clear();
    type_.clear();
    return e;
  }

  sse_options options_;
  line_splitter lines_;
  std::string data_;     // data buffer, each line followed by "\n"
  std::string type_;     // event type buffer
  std::string id_;       // last event ID buffer (set by `id` fields)
  std::string last_id_;  // last event ID string (set at each dispatch)
  std::optional<std::uint64_t> retry_;
  sse_stats stats_;
  std::uint8_t bom_state_ = 0;  // BOM bytes matched so far; bom_done once decided
  bool dropping_ = false;       // the current event exceeded max_event
  bool too_long_in_call_ = false;
};

}  // namespace sandlog

#endif  // SANDLOG_SSE_HPP
