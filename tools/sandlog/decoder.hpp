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
    parser_ = sandlog::record_parser(format);
    // The short path for CRI lines serves output that is the bare message,
    // with no per-record state beyond the joiner's (no --tail, --where,
    // --fields).
    short_path_ = format == sandlog::log_format::cri && ro_.mode == output_mode::raw &&
                  !ro_.timestamps && !opt_.tail && !opt_.reads_fields();
  }

  // Decodes a chunk; any split of the input into chunks gives the same result.
  void feed(std::string_view chunk) {
    stats_.bytes += chunk.size();
    if (stopped_) return;
    auto sink = [this](const sandlog::line& l) {
      // The short path is tried here, before the call, so that the common
      // line costs no call at all.
      if (short_path_ && !in_piece_ && !l.is_continued() && !stopped_ && plain_cri(l.text)) {
        ++line_no_;
        ++stats_.lines;
        return;
      }
      on_line(l);
    };
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
      const sandlog::parse_result res = parser_.parse(l.text, r);
      if (!res) return malformed(res.ec);
      ts = written_time(l.text);
    }
    if (in_piece_) {
      piece_ = r;
      r.partial = true;
    }
    take(r, ts);
  }

  // A whole CRI line (`F`) with no message open on its stream, when the
  // output is the bare message: the record is what the joiner would pass
  // through, so it is filtered and written here, with no call. Returns
  // false, having written nothing, for any other line (on_line then decodes
  // it again: rare, as partial and malformed lines are).
  SANDLOG_FORCE_INLINE bool plain_cri(std::string_view text) {
    sandlog::log_record r;
    if (!parser_.parse(text, r) || r.partial) return false;
    const auto s = static_cast<std::size_t>(r.stream) % 3;
    if (js_.open[s]) return false;
    if ((opt_.stream && r.stream != *opt_.stream) || !window_.accepts(r)) return true;
    ++stats_.records[s];
    const std::size_t n = r.message.size();
    char* o = out_->reserve(n + 1);
    std::memcpy(o, r.message.data(), n);
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
  sandlog::record_parser parser_{sandlog::log_format::raw};
};

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_DECODER_HPP
