// sandlog: a whole log stream in, records out.
//
// record_reader is what a client of a log API needs between the bytes it
// receives (`kubectl logs`, a CRI or Docker json-file log, the seeds'
// stream_logs) and the records it wants: it splits lines, detects the
// envelope, decodes it, joins partial fragments with their first fragment's
// time, applies the since/until window and the stream filter, keeps a tail,
// and reports every bad line with its number and an excerpt. Its state
// carries over from one input to the next, so a message cut between two files
// of a rotated set comes out whole.
//
// Detection never decides on too little: the first complete non-empty lines
// (reader_options::detect_lines) are held and each votes for the formats it
// parses as; the most specific format that at least half of them parse as
// wins. A cut first line, a garbage line, blank lines or a file that starts
// mid-line do not turn a CRI stream into raw; a line that then fails in the
// decided format is reported and skipped, and the format stays.
//
// Docker json-file lines need simdjson: basic_record_reader takes the JSON
// line decoder as a parameter. record_reader has none and reports such lines
// as error::unsupported_format; json_reader.hpp defines json_record_reader.
#ifndef SANDLOG_READER_HPP
#define SANDLOG_READER_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "config.hpp"
#include "detail/record_store.hpp"
#include "detail/sink.hpp"
#include "error.hpp"
#include "follow.hpp"
#include "line_splitter.hpp"
#include "record.hpp"
#include "timestamp.hpp"
#include "vocabulary.hpp"

namespace sandlog {


struct reader_options {
  std::optional<log_format> format;  // nullopt: detected from the first lines
  bool join_partials = true;         // CRI P/F and Docker partials into whole messages
  time_window window{};              // since (inclusive) / until (exclusive)
  std::optional<stream_kind> stream; // keep only this stream
  // Keep only the last `tail` records that pass the filters, in at most
  // tail_bytes bytes; they are delivered by finish() or release_tail().
  // Memory grows with what is held, not with `tail`.
  std::optional<std::uint64_t> tail;
  std::size_t tail_bytes = std::size_t{64} << 20;
  // Lines (and joined messages) longer than this come out in pieces flagged
  // line::continued.
  std::size_t max_line = std::size_t{16} << 20;
  std::size_t detect_lines = 4;                  // non-empty lines detection waits for
  std::size_t detect_bytes = std::size_t{1} << 20;  // or this many bytes held, whichever first
  bool keep_time_text = true;  // fill read_record::time_text (costs a short scan per line)
  timestamp_options time{};
};

// What the reader has seen since construction or reset().
struct reader_stats {
  log_format format = log_format::raw;  // the decided (or given) format
  bool decided = false;                 // false while detection still waits for lines
  bool detected = false;                // the format came from detection
  // How many of the lines detection looked at parse as each format.
  std::array<std::uint32_t, 5> votes{};
  std::uint32_t voters = 0;
  std::uint64_t bytes = 0;
  std::uint64_t lines = 0;        // lines ended (not counting the pieces of overlong ones)
  std::uint64_t blank_lines = 0;  // empty lines skipped (formats other than raw)
  std::uint64_t records = 0;      // delivered to the sink
  std::array<std::uint64_t, 3> by_stream{};  // delivered, by stream_kind
  std::uint64_t no_stream = 0;    // records without a stream, dropped by the stream filter
  std::uint64_t other_stream = 0; // records of the other stream, dropped by the filter
  std::uint64_t before = 0;       // records before `since`
  std::uint64_t after = 0;        // records at or after `until`
  std::uint64_t untimed = 0;          // records without a time, which no window can place
  std::uint64_t untimed_dropped = 0;  // untimed records dropped (window.keep_untimed off)
  std::uint64_t rejected = 0;     // records the record filter refused
  std::uint64_t tail_short = 0;   // records the tail could not hold within tail_bytes
  std::array<std::uint64_t, static_cast<std::size_t>(error::count_)> malformed{};
  // The malformed lines by the format each parses as alone (detect_format):
  // lines that mostly fail but look like another format tell a caller what
  // to suggest ("try --format docker-json").
  std::array<std::uint64_t, 5> malformed_look{};
  std::uint64_t malformed_total() const noexcept {
    std::uint64_t n = 0;
    for (std::uint64_t m : malformed) n += m;
    return n;
  }
};

// The JSON line decoder a reader without one uses: every docker_json line is
// error::unsupported_format. A decoder's decode(line, out, field) fills out,
// a read_record (or takes a log_record& and leaves attrs empty), and names
// the member at fault in field.
struct no_json_lines {
  error decode(std::string_view, log_record&, std::string_view& field) noexcept {
    field = {};
    return error::unsupported_format;
  }
};



template <class JsonLines = no_json_lines>
class basic_record_reader {
 public:
  // A predicate on decoded records, applied after the window and the stream
  // filter and before the tail (the command's --where). Null: keep all.
  using record_filter = bool (*)(void* context, const log_record&);

  explicit basic_record_reader(reader_options options = {}, JsonLines json = JsonLines())
      : options_(std::move(options)),
        json_(std::move(json)),
        splitter_(line_opts(options_)),
        joiner_(joiner_options{options_.max_line, overflow::split}),
        parser_(log_format::raw, options_.time) {
    if (options_.tail) tail_.emplace(*options_.tail, options_.tail_bytes);
    start_format();
    refresh();
  }

  void set_filter(record_filter f, void* context) noexcept {
    filter_ = f;
    filter_context_ = context;
    refresh();
  }

  // ---- push style ----
  // Decodes `chunk` and calls sink(const read_record&) for each record it
  // completes and, when the sink also takes `const read_error&`, for each
  // bad line, in input order. A sink that returns `error` stops the reader
  // with anything but error::ok; feed then returns that error (and so does
  // every later call until reset()). Any split of the input into chunks
  // gives the same calls. Allocates only to grow its buffers.
  template <class Sink>
  error feed(std::string_view chunk, Sink&& sink) {
    stats_.bytes += chunk.size();
    if (SANDLOG_UNLIKELY(stop_ != error::ok)) return stop_;
    // The line loop is the splitter's, with this sink inlined into it: the
    // common line then costs no call.
    splitter_.feed(chunk, [&](const line& l) SANDLOG_INLINE_LAMBDA { on_line(l, sink); });
    return stop_;
  }

  // Ends one input of a stream that goes on (a file of a rotated set): its
  // unterminated last line is a record of its own, flagged unterminated,
  // never glued to the next input's first bytes. Partial messages stay open
  // for the next input to finish; line numbers start again from 1.
  template <class Sink>
  error end_input(Sink&& sink) {
    if (stop_ == error::ok) splitter_.finish([&](const line& l) { on_line(l, sink); });
    // The input's lines keep their numbers: detection decides on them now.
    if (stop_ == error::ok && !stats_.decided && !held_lines_.empty()) decide(sink);
    lines_before_ += line_no_;
    line_no_ = 0;
    in_piece_ = skip_piece_ = shown_open_ = false;
    refresh();
    return stop_;
  }

  // Shows the line the input has left open, for a follower whose writer has
  // gone quiet (a prompt, a line cut by a writer's buffer): it comes out now
  // as the first piece of its line, flagged partial (an open message, with
  // joining on: end_messages() shows it), and the rest of the line, when it
  // comes, is a record with the same envelope (time, stream, line number).
  // A rest that is only the terminator gives no record. Nothing is shown
  // while detection waits, for Docker json-file lines (the driver writes
  // each whole, and half an object cannot be read), or while the open bytes
  // do not yet hold a whole envelope (a line cut inside its time waits for
  // the rest). Returns whether a piece was shown.
  template <class Sink>
  bool show_open_line(Sink&& sink) {
    const std::string_view open = splitter_.open_line();
    if (stop_ != error::ok || open.empty() || !stats_.decided) return false;
    if (!in_piece_) {
      if (stats_.format == log_format::docker_json) return false;
      read_record probe;
      if (!parser_.parse(open, probe)) return false;
    }
    shown_open_ = true;
    splitter_.release([&](const line& l) { on_line(l, sink); });
    return true;
  }

  // Whether the input has left a line open (bytes with no terminator yet).
  bool has_open_line() const noexcept { return !splitter_.open_line().empty(); }

  // Decides the format now with the lines held, if detection still waits
  // (a follower whose input has nothing more to read right now calls this,
  // so records are not held back for lines that may never come).
  template <class Sink>
  error flush(Sink&& sink) {
    if (!stats_.decided && stop_ == error::ok && !held_lines_.empty()) decide(sink);
    return stop_;
  }

  // Ends the stream: end_input(), then end_messages(), then what the tail
  // kept. The format stays decided; reset() starts over.
  template <class Sink>
  error finish(Sink&& sink) {
    end_input(sink);
    if (stop_ == error::ok && !stats_.decided) decide(sink);
    end_messages(sink);
    release_tail(sink);
    return stop_;
  }

  // Delivers every message still waiting for its final fragment, flagged
  // unterminated (the next input is not their continuation).
  template <class Sink>
  error end_messages(Sink&& sink) {
    if (stop_ == error::ok && options_.join_partials) {
      current_ = nullptr;
      joiner_.finish([&](const joined_record& j) { joined(j, sink); });
      open_ = {};
      any_open_ = false;
    }
    return stop_;
  }

  // The next input may be written in another format: detect it again
  // (unless reader_options::format gave it). Call after end_input().
  void redetect() noexcept {
    if (options_.format) return;
    stats_.decided = stats_.detected = false;
    stats_.votes = {};
    stats_.voters = 0;
    in_held_piece_ = false;
    refresh();
  }

  // Takes a record decoded elsewhere (an entry of a JSON page, a frame of an
  // API body) through the same joining, filters and tail as a decoded line.
  // Its line number is the next one; `time_text` may be empty.
  template <class Sink>
  error add(const log_record& rec, std::string_view time_text, Sink&& sink) {
    read_record r;
    static_cast<log_record&>(r) = rec;
    r.time_text = time_text;
    return add(r, sink);
  }
  // The same for a record another reader delivered (a merge of sources):
  // its time text, attrs and flags are kept, its line number is this reader's.
  template <class Sink>
  error add(read_record r, Sink&& sink) {
    if (stop_ != error::ok) return stop_;
    r.line = ++line_no_;
    if (r.message.size() > options_.max_line && !any_open_) {
      current_ = &r;  // too long to pass straight on: the joiner cuts it
      joiner_.add(r, [&](const joined_record& j) { joined(j, sink); });
      return stop_;
    }
    take(r, sink);
    return stop_;
  }

  // Delivers what the tail holds and lets later records go straight to the
  // sink (for a follower: the last N records, then everything new).
  template <class Sink>
  error release_tail(Sink&& sink) {
    if (!tail_) return stop_;
    detail::record_tail held = std::move(*tail_);
    tail_.reset();
    stats_.tail_short += held.shortfall();
    refresh();
    held.drain([&](const read_record& r) {
      if (stop_ == error::ok) deliver(r, sink);
    });
    return stop_;
  }

  // ---- pull style ----
  // Hands `chunk` to next(); it must stay valid until next() returns
  // pulled::none. Call only once next() has returned pulled::none.
  void push(std::string_view chunk) noexcept {
    stats_.bytes += chunk.size();
    splitter_.push(chunk);
  }
  // Marks the end of the stream: next() then also yields what finish() would.
  void push_end() noexcept {
    splitter_.push_end();
    pull_end_ = true;
  }
  // Stores the next record (or error) and says which it was; pulled::none
  // when the pushed chunk is used up. Views live until the next call.
  pulled next(read_record& rec, read_error& err) {
    for (;;) {
      if (queue_.pop(rec, err, last_pulled_)) return last_pulled_;
      if (stop_ != error::ok) return pulled::none;
      line l;
      if (splitter_.next(l)) {
        queue_sink qs{&queue_};
        on_line(l, qs);
        continue;
      }
      if (!pull_end_) return pulled::none;
      pull_end_ = false;
      queue_sink qs{&queue_};
      finish(qs);
      if (queue_.empty()) return pulled::none;
    }
  }
  // next() without errors (they are still counted in stats()).
  bool next(read_record& rec) {
    read_error ignored;
    pulled p;
    while ((p = next(rec, ignored)) == pulled::error) {
    }
    return p == pulled::record;
  }

  // ---- state ----
  const reader_stats& stats() const noexcept {
    // Two counters are kept out of the line loop and added up here.
    stats_.lines = lines_before_ + line_no_;
    for (std::size_t i = 0; i < 3; ++i) stats_.by_stream[i] = delivered_[i];
    stats_.records = delivered_[0] + delivered_[1] + delivered_[2];
    return stats_;
  }
  const reader_options& options() const noexcept { return options_; }
  // The format in use (raw until decided).
  log_format format() const noexcept { return stats_.format; }
  // error::ok, or what stopped the reader (a sink's error).
  error stopped() const noexcept { return stop_; }
  // Whether a message is waiting for its final fragment.
  bool has_open_message() const noexcept { return any_open_; }
  // Bytes held: the open line, open messages, lines waiting for detection,
  // the tail.
  std::size_t buffered() const noexcept {
    return splitter_.buffered() + joiner_.buffered() + held_.size();
  }

  // Zeroes the counters of stats(), keeping the format and its votes (a
  // caller that sums the counts of several inputs).
  void reset_counts() noexcept {
    reader_stats fresh;
    fresh.format = stats_.format;
    fresh.decided = stats_.decided;
    fresh.detected = stats_.detected;
    fresh.votes = stats_.votes;
    fresh.voters = stats_.voters;
    stats_ = fresh;
    lines_before_ = line_no_ = 0;
    delivered_ = {};
  }

  // Takes over the messages `other` has open, as if this reader had read
  // what `other` did (for decoding line-aligned ranges of one file on
  // several threads: each range continues the messages of the one before).
  void continue_messages(const basic_record_reader& other) {
    joiner_ = other.joiner_;
    open_ = other.open_;
    any_open_ = other.any_open_;
    first_time_ = other.first_time_;
    first_line_ = other.first_line_;
  }

  // Forgets everything (format decision, open line and messages, tail,
  // counters, a stop); keeps the options and the memory.
  void reset() {
    splitter_.reset();
    joiner_.reset();
    open_ = {};
    any_open_ = false;
    held_.clear();
    held_lines_.clear();
    stats_ = {};
    stop_ = error::ok;
    line_no_ = 0;
    in_piece_ = skip_piece_ = shown_open_ = pull_end_ = in_held_piece_ = false;
    lines_before_ = 0;
    delivered_ = {};
    queue_.clear();
    if (options_.tail) tail_.emplace(*options_.tail, options_.tail_bytes);
    start_format();
    refresh();
  }

 private:
  static line_options line_opts(const reader_options& o) noexcept {
    line_options lo;
    lo.max_line = o.max_line;
    return lo;
  }

  void start_format() {
    if (options_.format) {
      use_format(*options_.format);
      stats_.detected = false;
    }
  }
  void use_format(log_format f) noexcept {
    stats_.format = f;
    stats_.decided = true;
    parser_ = record_parser(f, options_.time);
    refresh();
  }
  // hot_: a line may take the common path (format decided, no piece of an
  // overlong line under way, not stopped); extra_: a record filter or a
  // tail is set. One test each in the line loop instead of three.
  void refresh() noexcept {
    hot_ = stats_.decided && !in_piece_ && stop_ == error::ok;
    extra_ = filter_ != nullptr || tail_.has_value();
  }
  std::uint32_t voters() const noexcept { return stats_.voters; }

  // ---- detection ----
  struct held_line {
    std::size_t at, size;
    std::uint8_t flags;
  };

  template <class Sink>
  SANDLOG_FORCE_INLINE void on_line(const line& l, Sink& sink) {
    if (SANDLOG_LIKELY(hot_)) return take_line(l.text, l.flags, sink);
    if (stop_ != error::ok) return;
    if (!stats_.decided) return hold(l, sink);
    take_line(l.text, l.flags, sink);
  }

  template <class Sink>
  void hold(const line& l, Sink& sink) {
    held_lines_.push_back({held_.size(), l.text.size(), l.flags});
    held_.append(l.text.data(), l.text.size());
    // A line votes once: whole, or by its first piece (which holds its
    // envelope) when it is longer than max_line.
    if (!l.text.empty() && !in_held_piece_) vote(l.text);
    in_held_piece_ = l.is_continued();
    if (voters() >= options_.detect_lines || held_.size() >= options_.detect_bytes) decide(sink);
  }

  void vote(std::string_view text) noexcept {
    const unsigned bits = detail::consistent_formats(text, options_.time);
    for (unsigned f = 0; f < stats_.votes.size(); ++f)
      if (bits & (1u << f)) ++stats_.votes[f];
    ++stats_.voters;
  }

  // The most specific format that at least half of the voters parse as.
  log_format chosen() const noexcept {
    for (log_format f : {log_format::cri, log_format::docker_json, log_format::bracketed,
                         log_format::timestamped}) {
      const std::uint32_t v = stats_.votes[static_cast<std::size_t>(f)];
      if (v != 0 && 2 * std::uint64_t{v} >= stats_.voters) return f;
    }
    return log_format::raw;
  }

  template <class Sink>
  void decide(Sink& sink) {
    use_format(chosen());
    stats_.detected = true;
    // Replay what was held, now that the format is known.
    for (const held_line& h : held_lines_) {
      if (stop_ != error::ok) break;
      take_line({held_.data() + h.at, h.size}, h.flags, sink);
    }
    held_.clear();
    held_lines_.clear();
  }

  // ---- one line ----
  template <class Sink>
  SANDLOG_FORCE_INLINE void take_line(std::string_view text, std::uint8_t flags, Sink& sink) {
    if (SANDLOG_UNLIKELY(!hot_)) {
      if (stop_ != error::ok) return;
      if (in_piece_) return take_piece(text, flags, sink);
    }
    if (SANDLOG_UNLIKELY((flags & line::continued) != 0)) {
      in_piece_ = true;
      refresh();
    }
    ++line_no_;
    read_record r;
    const log_format f = stats_.format;
    if (f == log_format::docker_json) {
      if (SANDLOG_UNLIKELY(text.empty())) return blank();
      std::string_view field;
      const error e = json_.decode(text, r, field);
      if (SANDLOG_UNLIKELY(e != error::ok)) return bad_line(text, 0, e, field, sink);
    } else {
      const parse_result res = parser_.parse(text, r);
      if (SANDLOG_UNLIKELY(!res)) {
        if (text.empty()) return blank();
        return bad_line(text, static_cast<std::size_t>(res.ptr - text.data()), res.ec, {}, sink);
      }
      if (options_.keep_time_text && r.has_time) r.time_text = written_time(text, f);
    }
    r.line = line_no_;
    r.flags = flags & line::unterminated;
    if (SANDLOG_UNLIKELY(in_piece_)) {
      piece_ = r;
      piece_.attrs = {};  // views the decoder, which the next piece reuses
      piece_time_.assign(r.time_text);
      r.partial = true;
    }
    take(r, sink);
  }

  // The next piece of a line longer than max_line: the first piece's envelope.
  template <class Sink>
  void take_piece(std::string_view text, std::uint8_t flags, Sink& sink) {
    in_piece_ = (flags & line::continued) != 0;
    refresh();
    if (shown_open_ && !in_piece_) {
      shown_open_ = false;
      // The line shown early only got its terminator: nothing more to show,
      // unless its message is still open in the joiner (this piece ends it).
      const bool open = open_[static_cast<std::size_t>(piece_.stream) % 3];
      if (text.empty() && !(options_.join_partials && open)) return;
    }
    if (skip_piece_) {
      skip_piece_ = in_piece_;
      return;
    }
    read_record r = piece_;
    r.message = text;
    r.time_text = piece_time_.view();
    r.partial = in_piece_ || piece_.partial;
    r.flags = flags & line::unterminated;
    take(r, sink);
  }

  void blank() noexcept {
    ++stats_.blank_lines;
    in_piece_ = false;
    refresh();
  }

  template <class Sink>
  void bad_line(std::string_view text, std::size_t column, error ec, std::string_view field,
                Sink& sink) {
    skip_piece_ = in_piece_;
    ++stats_.malformed[static_cast<std::size_t>(ec) % stats_.malformed.size()];
    ++stats_.malformed_look[static_cast<std::size_t>(detect_format(text, options_.time)) %
                            stats_.malformed_look.size()];
    if constexpr (std::is_invocable_v<Sink&, const read_error&>) {
      read_error e;
      e.line = line_no_;
      e.column = column;
      e.ec = ec;
      e.format = stats_.format;
      e.field = field;
      e.excerpt = text.substr(0, excerpt_bytes);
      const error stop = detail::call_sink(sink, e);
      if (stop != error::ok) {
        stop_ = stop;
        refresh();
      }
    } else {
      (void)text, (void)column, (void)field, (void)sink;
    }
  }

  // The timestamp's text in a line that parsed: up to the first space (or
  // ']'); RFC 3339 timestamps hold neither.
  static std::string_view written_time(std::string_view text, log_format f) noexcept {
    const std::size_t skip = f == log_format::bracketed ? 1 : 0;
    const char stop = skip ? ']' : ' ';
    const std::size_t limit = text.size() < 40 ? text.size() : 40;
    std::size_t n = skip;
    while (n < limit && text[n] != stop) ++n;
    return text.substr(skip, n - skip);
  }

  // ---- joining ----
  template <class Sink>
  SANDLOG_FORCE_INLINE void take(const read_record& r, Sink& sink) {
    if (!options_.join_partials) return deliver(r, sink);
    // The common case, a whole line with no message open, is what the
    // joiner would pass through unchanged: it goes straight on.
    // (Lines, and so their messages, are never longer than max_line.)
    if (SANDLOG_LIKELY(!any_open_ && !r.partial)) return deliver(r, sink);
    const std::size_t s = static_cast<std::size_t>(r.stream) % 3;
    const bool was_open = open_[s];
    if (!was_open && !r.partial) {
      current_ = &r;
      joiner_.add(r, [&](const joined_record& j) { joined(j, sink); });
      return;
    }
    if (!was_open) {
      // The message outlives this line: keep its first time, line and attrs.
      first_time_[s].assign(r.time_text);
      first_line_[s] = r.line;
      first_attrs_[s].assign(r.attrs.data(), r.attrs.size());
    }
    open_[s] = r.partial;
    any_open_ = open_[0] || open_[1] || open_[2];
    current_ = nullptr;
    joiner_.add(r, [&](const joined_record& j) { joined(j, sink); });
  }

  // A record from the joiner: a line passed through (current_ is its line's
  // record) or a message put together, which takes its first line's time.
  template <class Sink>
  SANDLOG_FORCE_INLINE void joined(const joined_record& j, Sink& sink) {
    read_record r;
    static_cast<log_record&>(r) = j.record;
    if (current_ != nullptr) {
      r.time_text = current_->time_text;
      r.attrs = current_->attrs;
      r.line = current_->line;
      r.flags = current_->flags;
    } else {
      const std::size_t s = static_cast<std::size_t>(j.record.stream) % 3;
      r.time_text = first_time_[s].view();
      r.attrs = first_attrs_[s];
      r.line = first_line_[s];
      r.flags = j.flags;
    }
    deliver(r, sink);
  }

  // ---- filters, tail, sink ----
  template <class Sink>
  SANDLOG_FORCE_INLINE void deliver(const read_record& r, Sink& sink) {
    if (options_.stream && r.stream != *options_.stream) {
      ++(r.stream == stream_kind::unknown ? stats_.no_stream : stats_.other_stream);
      return;
    }
    switch (options_.window.locate(r)) {
      case window_position::inside: break;
      case window_position::before: ++stats_.before; return;
      case window_position::after: ++stats_.after; return;
      case window_position::untimed:
        if (!options_.window.keep_untimed) {
          ++stats_.untimed_dropped;
          return;
        }
        ++stats_.untimed;
        break;
    }
    if (SANDLOG_UNLIKELY(extra_)) {
      if (filter_ != nullptr && !filter_(filter_context_, r)) {
        ++stats_.rejected;
        return;
      }
      if (tail_.has_value()) {
        tail_->push(r);
        return;
      }
    }
    ++delivered_[static_cast<std::size_t>(r.stream) & 3];
    const error stop = detail::call_sink(sink, r);
    if (SANDLOG_UNLIKELY(stop != error::ok)) {
      stop_ = stop;
      refresh();
    }
  }

  struct queue_sink {
    detail::pull_queue* q;
    void operator()(const read_record& r) { q->add(r); }
    void operator()(const read_error& e) { q->add(e); }
  };

  reader_options options_;
  JsonLines json_;
  line_splitter splitter_;
  cri_joiner joiner_;
  record_parser parser_;
  mutable reader_stats stats_;
  error stop_ = error::ok;
  bool hot_ = false;
  bool extra_ = false;
  std::uint64_t line_no_ = 0;
  std::uint64_t lines_before_ = 0;  // lines of the inputs before this one
  std::array<std::uint64_t, 4> delivered_{};  // by stream_kind (a power of two: no modulo)
  // A line longer than max_line arrives in pieces: the first one's envelope.
  read_record piece_{};
  detail::time_text_copy piece_time_{};
  bool in_piece_ = false;
  bool skip_piece_ = false;  // the first piece was malformed
  bool shown_open_ = false;  // the pieces so far were shown by show_open_line()
  // Messages open in the joiner, by stream, with their first line's time
  // text and number (the joiner keeps the time itself).
  std::array<bool, 3> open_{};
  bool any_open_ = false;
  std::array<detail::time_text_copy, 3> first_time_{};
  std::array<std::string, 3> first_attrs_{};  // reused: no allocation once warm
  std::array<std::uint64_t, 3> first_line_{};
  const read_record* current_ = nullptr;
  // Detection: the lines held until the format is decided.
  std::string held_;
  std::vector<held_line> held_lines_;
  bool in_held_piece_ = false;
  std::optional<detail::record_tail> tail_;
  record_filter filter_ = nullptr;
  void* filter_context_ = nullptr;
  detail::pull_queue queue_;
  pulled last_pulled_ = pulled::none;
  bool pull_end_ = false;
};

// A reader of every format but docker_json.
using record_reader = basic_record_reader<>;

// Calls the first callable for records and the second for errors: a sink
// made of two lambdas, for feed() and finish().
template <class OnRecord, class OnError>
struct record_and_error_sink {
  OnRecord on_record;
  OnError on_error;
  decltype(auto) operator()(const read_record& r) { return on_record(r); }
  decltype(auto) operator()(const read_error& e) { return on_error(e); }
};
template <class OnRecord, class OnError>
record_and_error_sink<OnRecord, OnError> sinks(OnRecord r, OnError e) {
  return {std::move(r), std::move(e)};
}

}  // namespace sandlog

#endif  // SANDLOG_READER_HPP
