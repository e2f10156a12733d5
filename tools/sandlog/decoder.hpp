// sandlog CLI: bytes of one input in, rendered records out.
//
// A decoder splits lines, decodes each line's envelope, joins partial
// fragments, applies the filters and renders what is left into an
// out_buffer (or, with --tail, into a tail_buffer). Malformed lines are
// noted with their line number and skipped; with --strict the first one
// stops the decoder. Once warm it allocates nothing per line.
#ifndef SANDLOG_CLI_DECODER_HPP
#define SANDLOG_CLI_DECODER_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include <sandlog/error.hpp>
#include <sandlog/follow.hpp>
#include <sandlog/json.hpp>
#include <sandlog/line_splitter.hpp>
#include <sandlog/record.hpp>

#include "options.hpp"
#include "out_buffer.hpp"
#include "render.hpp"

namespace sandlog_cli {

// Lines longer than this come out in pieces flagged partial.
inline constexpr std::size_t max_line_bytes = std::size_t{16} << 20;
// The byte bound of --tail's buffer (reserved, touched only as used).
inline constexpr std::size_t tail_bytes = std::size_t{64} << 20;

// One malformed line.
struct error_note {
  std::uint64_t line;  // 1-based within the input (or block)
  sandlog::error ec;
};

// Counts for --stats; added up over files and blocks.
struct run_stats {
  std::uint64_t lines = 0;
  std::uint64_t bytes = 0;
  std::array<std::uint64_t, 3> records{};  // written, by stream_kind
  std::array<std::uint64_t, static_cast<std::size_t>(sandlog::error::count_)> malformed{};

  std::uint64_t malformed_total() const noexcept {
    std::uint64_t n = 0;
    for (std::uint64_t m : malformed) n += m;
    return n;
  }
  void add(const run_stats& o) noexcept {
    lines += o.lines;
    bytes += o.bytes;
    for (std::size_t i = 0; i < records.size(); ++i) records[i] += o.records[i];
    for (std::size_t i = 0; i < malformed.size(); ++i) malformed[i] += o.malformed[i];
  }
};

// What a decoder carries from one line to the next about unfinished CRI or
// Docker messages. Copied only when a --jobs block ends inside a message.
struct join_state {
  sandlog::cri_joiner joiner{sandlog::joiner_options{max_line_bytes, sandlog::overflow::split}};
  std::array<bool, 3> open{};                       // by stream: last fragment was partial
  std::array<std::array<char, 40>, 3> first_ts{};   // by stream: the message's first time, as written
  std::array<std::uint8_t, 3> first_ts_len{};
  bool any_open() const noexcept { return open[0] || open[1] || open[2]; }
};

class decoder {
 public:
  decoder(const options& opt, render_options ro)
      : opt_(opt), ro_(ro), splitter_(line_opts()) {
    window_.since = opt.since;
    window_.until = opt.until;
    if (opt.tail && *opt.tail != 0) tail_ = std::make_unique<sandlog::tail_buffer>(*opt.tail, tail_bytes);
#if SANDLOG_CLI_FIELDS
    if (opt.reads_fields()) fields_ = std::make_unique<message_fields>(opt.where);
#endif
  }

  // Starts an input (a file, or a --jobs block): line numbers from 1.
  void start(sandlog::log_format format, out_buffer& out) {
    format_ = format;
    out_ = &out;
    line_no_ = 0;
    in_piece_ = skip_piece_ = stopped_ = false;
    splitter_.reset();
    // The short path for CRI lines serves output that is the bare message,
    // with no per-record state beyond the joiner's (no --tail, --where,
    // --fields).
    short_path_ = format == sandlog::log_format::cri && ro_.mode == output_mode::raw &&
                  !ro_.timestamps && !opt_.tail && !opt_.reads_fields();
    second_.known = false;
  }

  // Decodes a chunk; any split of the input into chunks gives the same result.
  void feed(std::string_view chunk) {
    stats_.bytes += chunk.size();
    if (stopped_) return;
    auto sink = [this](const sandlog::line& l) {
      // The short path is tried here, before the call, so that the common
      // line costs no call at all.
      if (short_path_ && !in_piece_ && !l.is_continued() && !stopped_ && short_cri(l.text)) {
        ++line_no_;
        ++stats_.lines;
        return;
      }
      on_line(l);
    };
    if (short_path_ && !in_piece_) {
      if (splitter_.buffered() != 0) {
        // Let the splitter finish the line it holds, then split the rest here.
        const void* nl = std::memchr(chunk.data(), '\n', chunk.size());
        if (nl != nullptr) {
          const std::size_t head = static_cast<std::size_t>(static_cast<const char*>(nl) - chunk.data()) + 1;
          splitter_.feed(chunk.substr(0, head), sink);
          chunk.remove_prefix(head);
        }
      }
      if (!stopped_ && !in_piece_ && splitter_.buffered() == 0) chunk = split_short(chunk);
    }
    splitter_.feed(chunk, sink);
  }

  // Ends the input: its unterminated last line, and (with end_messages) any
  // message still waiting for its final fragment.
  void finish(bool end_messages = true) {
    if (!stopped_) splitter_.finish([this](const sandlog::line& l) { on_line(l); });
    if (end_messages && opt_.join && !stopped_) {
      js_.joiner.finish([this](const sandlog::joined_record& j) { emit(j.record); });
      js_.open = {};
    }
  }

  // One entry of a JSON log page, as a record without a stream; its time is
  // formatted (the page's text is not kept).
  void take_entry(const sandlog::log_entry& e) {
    sandlog::log_record r;
    r.time = e.time;
    r.has_time = true;
    r.message = e.line;
    ++stats_.lines;
    emit_with(r, {});
  }

  // Writes out what --tail kept, oldest first.
  void flush_tail() {
    drop_all_ = false;
    if (!tail_) return;
    if (const std::uint64_t short_by = tail_shortfall())
      std::fprintf(stderr, "sandlog: --tail: %llu fewer records kept (64 MiB bound)\n",
                   static_cast<unsigned long long>(short_by));
    for (std::size_t i = 0; i < tail_->size(); ++i) out_->append((*tail_)[i]);
    tail_.reset();  // from here on (--follow), records go straight out
  }
  // Records --tail had to drop early because its byte bound was reached.
  std::uint64_t tail_shortfall() const noexcept {
    if (!tail_) return 0;
    const std::uint64_t want = tail_seen_ < *opt_.tail ? tail_seen_ : *opt_.tail;
    return want - tail_->size();
  }

  bool stopped() const noexcept { return stopped_; }
  std::vector<error_note>& errors() noexcept { return errors_; }
  run_stats& stats() noexcept { return stats_; }
  std::uint64_t line_number() const noexcept { return line_no_; }
  join_state& state() noexcept { return js_; }

 private:
  static sandlog::line_options line_opts() noexcept {
    sandlog::line_options lo;
    lo.max_line = max_line_bytes;
    return lo;
  }

  void on_line(const sandlog::line& l) {
    if (stopped_) return;
    const bool continuation = in_piece_;
    in_piece_ = l.is_continued();
    if (continuation) {
      // The next piece of a line longer than max_line_bytes: same envelope.
      if (skip_piece_) return;
      sandlog::log_record r = piece_;
      r.message = l.text;
      r.partial = in_piece_ || piece_.partial;
      return take(r, {});
    }
    ++line_no_;
    ++stats_.lines;
    sandlog::log_record r;
    std::string_view ts{};
    if (format_ == sandlog::log_format::docker_json) {
      const sandlog::json_result res = json().decode_docker_json(l.text, r);
      if (!res) return malformed(res.ec);
    } else {
      const sandlog::parse_result res = sandlog::parse_record(l.text, format_, r);
      if (!res) return malformed(res.ec);
      ts = written_time(l.text);
      if (short_path_) remember_second(ts, r.time);
    }
    if (in_piece_) {
      piece_ = r;
      r.partial = true;
    }
    take(r, ts);
  }

  // Delivers the whole lines at the front of `chunk`, found with memchr,
  // exactly as the splitter would (it is at a line start with nothing held),
  // and returns the rest for the splitter: from the first line that is not
  // whole in the chunk or may be too long to come out in one piece. memchr
  // is dispatched at run time to the widest vectors the CPU has, which
  // halves the cost of finding ends of lines of about 100 bytes.
  std::string_view split_short(std::string_view chunk) {
    const char* p = chunk.data();
    const char* const end = p + chunk.size();
    while (p != end && !stopped_ && !in_piece_) {
      const void* found = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
      if (found == nullptr) break;
      const char* const nl = static_cast<const char*>(found);
      std::size_t n = static_cast<std::size_t>(nl - p);
      if (n >= max_line_bytes) break;
      if (n != 0 && nl[-1] == '\r') --n;
      const std::string_view text(p, n);
      if (short_cri(text)) {
        ++line_no_;
        ++stats_.lines;
      } else {
        on_line(sandlog::line{text, 0});
      }
      p = nl + 1;
    }
    return {p, static_cast<std::size_t>(end - p)};
  }

  // The whole second of the last CRI line that went the long way, when its
  // time was written in UTC (`Z`) and was not a leap second: lines written
  // in the same second share their first 19 bytes, and their instant is this
  // second plus their fraction.
  struct second_cache {
    char text[19];
    std::int64_t seconds = 0;
    bool known = false;
  };

  void remember_second(std::string_view ts, const sandlog::timestamp& t) noexcept {
    if (ts.size() < 20 || ts.back() != 'Z' || (ts[19] != '.' && ts[19] != 'Z') ||
        (ts[17] == '6' && ts[18] == '0'))
      return;
    std::memcpy(second_.text, ts.data(), sizeof second_.text);
    second_.seconds = t.seconds;
    second_.known = true;
  }

  // Whether the 19 bytes at p are the remembered second's (three loads, the
  // last overlapping, instead of a call to memcmp).
  SANDLOG_FORCE_INLINE bool same_second(const char* p) const noexcept {
    std::uint64_t a, b, c, x, y, z;
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + 8, 8);
    std::memcpy(&c, p + 11, 8);
    std::memcpy(&x, second_.text, 8);
    std::memcpy(&y, second_.text + 8, 8);
    std::memcpy(&z, second_.text + 11, 8);
    return ((a ^ x) | (b ^ y) | (c ^ z)) == 0;
  }

  // time_window::accepts for a timed record, without building one.
  SANDLOG_FORCE_INLINE bool in_window(std::int64_t seconds, std::uint32_t nanos) const noexcept {
    if (window_.since && (seconds < window_.since->seconds ||
                          (seconds == window_.since->seconds && nanos < window_.since->nanos)))
      return false;
    return !window_.until || seconds < window_.until->seconds ||
           (seconds == window_.until->seconds && nanos < window_.until->nanos);
  }

  // Whether the 8 bytes at p are ASCII digits (fast_float's test).
  static bool all_digits8(const char* p) noexcept {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return ((v & 0xF0F0F0F0F0F0F0F0) | (((v + 0x0606060606060606) & 0xF0F0F0F0F0F0F0F0) >> 4)) ==
           0x3333333333333333;
  }
  // The value of 8 ASCII digits at p: pairs, then quads, then the halves,
  // each step one multiply (fast_float's parse_eight_digits_unrolled).
  static std::uint32_t digits8(const char* p) noexcept {
    std::uint32_t n = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    v -= 0x3030303030303030;
    v = (v * 10) + (v >> 8);
    v = (((v & 0x000000FF000000FF) * (100 + (1000000ULL << 32))) +
         (((v >> 16) & 0x000000FF000000FF) * (1 + (10000ULL << 32)))) >> 32;
    n = static_cast<std::uint32_t>(v);
#else
    for (int i = 0; i < 8; ++i) n = n * 10 + static_cast<std::uint32_t>(p[i] - '0');
#endif
    return n;
  }

  // `<second>[.1-9 digits]Z stdout|stderr F[ message]` where <second> is the
  // remembered one, with no message open on its stream: the record is the
  // same as parse_record and the joiner would give, so it is filtered and
  // written here. Returns false, having done nothing, for any other line.
  SANDLOG_FORCE_INLINE bool short_cri(std::string_view line) {
    const char* p = line.data();
    const char* const end = p + line.size();
    if (!second_.known || line.size() < 29 || !same_second(p)) return false;
    p += 19;
    std::uint32_t nanos = 0;
    if (*p == '.') {
      ++p;
      const char* const digits = p;
      if (end - p >= 9 && all_digits8(p) && static_cast<unsigned char>(p[8] - '0') < 10) {
        nanos = digits8(p) * 10 + static_cast<std::uint32_t>(p[8] - '0');
        p += 9;
      }
      while (p != end && p - digits < 10 && static_cast<unsigned char>(*p - '0') < 10)
        nanos = nanos * 10 + static_cast<std::uint32_t>(*p++ - '0');
      const auto n = p - digits;
      if (n == 0 || n > 9) return false;
      for (auto i = n; i < 9; ++i) nanos *= 10;
    }
    if (end - p < 10 || *p != 'Z') return false;
    ++p;
    std::uint64_t word, out_word, err_word;
    std::memcpy(&word, p, 8);
    std::memcpy(&out_word, " stdout ", 8);
    std::memcpy(&err_word, " stderr ", 8);
    if (word != out_word && word != err_word) return false;
    const sandlog::stream_kind stream =
        word == out_word ? sandlog::stream_kind::out : sandlog::stream_kind::err;
    p += 8;
    if (*p != 'F' || (p + 1 != end && p[1] != ' ')) return false;
    const auto s = static_cast<std::size_t>(stream);
    if (js_.open[s]) return false;
    p = p + 1 == end ? end : p + 2;
    if (opt_.stream && stream != *opt_.stream) return true;
    if (!in_window(second_.seconds, nanos)) return true;
    ++stats_.records[s];
    const std::size_t n = static_cast<std::size_t>(end - p);
    char* o = out_->reserve(n + 1);
    std::memcpy(o, p, n);
    o[n] = '\n';
    out_->commit(o + n + 1);
    return true;
  }

  // The timestamp's text in a line that parsed: up to the first space (or
  // the ']'); RFC 3339 timestamps hold neither.
  std::string_view written_time(std::string_view line) const noexcept {
    if (format_ == sandlog::log_format::raw) return {};
    const std::size_t skip = format_ == sandlog::log_format::bracketed ? 1 : 0;
    const char stop = skip ? ']' : ' ';
    const std::size_t limit = line.size() < 40 ? line.size() : 40;
    std::size_t n = skip;
    while (n < limit && line[n] != stop) ++n;
    return line.substr(skip, n - skip);
  }

  void malformed(sandlog::error ec) {
    skip_piece_ = in_piece_;
    ++stats_.malformed[static_cast<std::size_t>(ec)];
    errors_.push_back({line_no_, ec});
    if (opt_.strict) stopped_ = true;
  }

  void take(const sandlog::log_record& r, std::string_view ts) {
    if (!opt_.join) return emit_with(r, ts);
    const auto s = static_cast<std::size_t>(r.stream) % 3;
    if (!js_.open[s]) {
      if (r.partial) {
        // The message outlives this line: keep its first time's text.
        const std::size_t n = ts.size() < 40 ? ts.size() : 40;
        if (n != 0) std::memcpy(js_.first_ts[s].data(), ts.data(), n);  // ts may be a null view
        js_.first_ts_len[s] = static_cast<std::uint8_t>(n);
      } else {
        cur_ts_ = ts;
      }
    }
    const bool was_open = js_.open[s];
    js_.open[s] = r.partial;
    use_stored_ts_ = was_open || r.partial;
    js_.joiner.add(r, [this](const sandlog::joined_record& j) { emit(j.record); });
  }

  void emit(const sandlog::log_record& r) {
    const auto s = static_cast<std::size_t>(r.stream) % 3;
    // A message that spanned lines carries its first fragment's time.
    const std::string_view ts = use_stored_ts_ || r.partial
        ? std::string_view(js_.first_ts[s].data(), js_.first_ts_len[s]) : cur_ts_;
    emit_with(r, ts);
  }

  void emit_with(const sandlog::log_record& r, std::string_view ts) {
    if (opt_.stream && r.stream != *opt_.stream) return;
    if (!window_.accepts(r)) return;
    if (SANDLOG_UNLIKELY(drop_all_)) return;
    const message_fields* fields = nullptr;
#if SANDLOG_CLI_FIELDS
    if (SANDLOG_UNLIKELY(fields_ != nullptr)) {
      fields_->load(r.message);
      if (!fields_->matches()) return;
      if (opt_.fields) fields = fields_.get();
    }
#endif
    ++stats_.records[static_cast<std::size_t>(r.stream) % 3];
    if (SANDLOG_LIKELY(!tail_)) return render(*out_, r, ts, ro_, fields);
    scratch_.clear();
    render(scratch_, r, ts, ro_, fields);
    ++tail_seen_;
    tail_->push(scratch_.view());
  }

  sandlog::event_decoder& json() {
    if (!json_) json_ = std::make_unique<sandlog::event_decoder>();
    return *json_;
  }

  const options& opt_;
  render_options ro_;
  sandlog::line_splitter splitter_;
  sandlog::log_format format_ = sandlog::log_format::raw;
  sandlog::time_window window_;
  join_state js_;
  std::string_view cur_ts_{};
  bool use_stored_ts_ = false;
  std::unique_ptr<sandlog::event_decoder> json_;
  std::unique_ptr<sandlog::tail_buffer> tail_;
#if SANDLOG_CLI_FIELDS
  std::unique_ptr<message_fields> fields_;  // only with --where or --fields
#endif
  std::uint64_t tail_seen_ = 0;
  bool drop_all_ = opt_.tail && *opt_.tail == 0;  // --tail 0 until --follow goes on
  out_buffer* out_ = nullptr;
  out_buffer scratch_;
  std::vector<error_note> errors_;
  run_stats stats_;
  std::uint64_t line_no_ = 0;
  sandlog::log_record piece_{};
  bool in_piece_ = false;
  bool skip_piece_ = false;
  bool stopped_ = false;
  bool short_path_ = false;
  second_cache second_;
};

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_DECODER_HPP
