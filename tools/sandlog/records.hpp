// sandlog CLI: the reader the command drives and the sink it feeds.
//
// Everything between the bytes of an input and its records (detection,
// decoding, joining, --since/--until, --stream, --tail) is the library's
// record_reader; the command adds --where as the reader's record filter
// and, as the sink, renders records into the output buffer and reports bad
// lines.
#ifndef SANDLOG_CLI_RECORDS_HPP
#define SANDLOG_CLI_RECORDS_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include <sandlog/json_reader.hpp>
#include <sandlog/reader.hpp>

#include "options.hpp"
#include "out_buffer.hpp"
#include "render.hpp"
#include "report.hpp"

namespace sandlog_cli {

using reader = sandlog::json_record_reader;

// Lines (and joined messages) longer than this come out of the reader in
// pieces flagged line::continued; record_sink writes them as one record
// when the output is streamed (render_options::stream_fd), else each piece
// is a record of its own, flagged partial.
inline constexpr std::size_t max_line_bytes = std::size_t{16} << 20;
// The byte bound of what --tail holds.
inline constexpr std::size_t tail_bytes = std::size_t{64} << 20;

inline sandlog::reader_options reader_opts(const options& opt, const render_options& ro,
                                           std::optional<sandlog::log_format> format) {
  sandlog::reader_options o;
  o.format = format;
  o.join_partials = opt.join;
  o.window.since = opt.since;
  o.window.until = opt.until;
  o.stream = opt.stream;
  o.tail = opt.tail;
  o.tail_bytes = tail_bytes;
  o.max_line = max_line_bytes;
  // The time as written is printed only when times are printed, not in UTC.
  o.keep_time_text = ro.timestamps && !ro.utc;
  return o;
}

// --where (and --fields): the fields of a record's message.
class record_fields {
 public:
#if SANDLOG_CLI_FIELDS
  explicit record_fields(const options& opt) {
    if (opt.reads_fields()) fields_ = std::make_unique<message_fields>(opt.where);
    wanted_ = opt.fields;
    filters_ = !opt.where.empty();
  }
  // Installs --where as the reader's filter.
  void attach(reader& rd) {
    if (filters_) rd.set_filter(&record_fields::matches, fields_.get());
  }
  // The fields to print with r, or null.
  const message_fields* for_output(const sandlog::read_record& r) {
    if (!wanted_) return nullptr;
    fields_->load(r.message);
    return fields_.get();
  }

 private:
  static bool matches(void* context, const sandlog::log_record& r) {
    auto* f = static_cast<message_fields*>(context);
    f->load(r.message);
    return f->matches();
  }
  std::unique_ptr<message_fields> fields_;
  bool wanted_ = false;
  bool filters_ = false;
#else
  explicit record_fields(const options&) {}
  void attach(reader&) {}
  const message_fields* for_output(const sandlog::read_record&) { return nullptr; }
#endif
};

// Where bad lines go: printed at once (one thread reading in order), or
// kept until a --jobs block's turn.
struct error_sink {
  error_reporter* print = nullptr;
  std::vector<error_note>* keep = nullptr;
  out_buffer* flush_first = nullptr;  // stdout to write before a message (same terminal)
  bool strict = false;
};

// Whether records are written as their bare message.
inline bool bare_output(const options& opt, const render_options& ro) noexcept {
  return ro.mode == output_mode::raw && !ro.timestamps && !ro.details && !opt.fields;
}

// The reader's sink: each record rendered into `out`, each bad line to
// `errors`. With --strict the first bad line stops the reader.
struct record_sink {
  out_buffer* out;
  const render_options* ro;
  record_fields* fields;
  error_sink errors;
  bool bare = false;
  piece_renderer pieces{};

  // The bare message (raw output without times or fields), the command's
  // fastest path, is written here inline; everything else by render(), and
  // a message in pieces or longer than a slice by piece_renderer.
  SANDLOG_FORCE_INLINE void operator()(const sandlog::read_record& r) {
    if (SANDLOG_UNLIKELY(piece_renderer::wanted(r, *out))) return long_record(r);
    if (SANDLOG_LIKELY(bare)) {
      const std::size_t n = r.message.size();
      char* o = out->reserve(n + 1);
      if (n != 0) std::memcpy(o, r.message.data(), n);
      o[n] = '\n';
      out->commit(o + n + 1);
      return;
    }
    render(*out, r, *ro, fields->for_output(r));
  }
  void long_record(const sandlog::read_record& r) {
    if (ro->stream_fd >= 0) return pieces.render(*out, r, *ro, bare);
    if (bare) {
      out->append(r.message);
      out->push('\n');
      return;
    }
    render(*out, r, *ro, fields->for_output(r));
  }
  sandlog::error operator()(const sandlog::read_error& e) {
    // A report never lands inside a record: an open one ends as a fragment.
    piece_renderer::cut(*out);
    if (errors.keep != nullptr) {
      errors.keep->push_back(make_note(e));
    } else if (errors.print != nullptr) {
      if (errors.flush_first != nullptr) (void)errors.flush_first->flush(1);
      errors.print->report(make_note(e));
    }
    return errors.strict ? e.ec : sandlog::error::ok;
  }
};

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_RECORDS_HPP
