// sandlog CLI: one record as a line of text, NDJSON or its bare message.
#ifndef SANDLOG_CLI_RENDER_HPP
#define SANDLOG_CLI_RENDER_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include <sandlog/reader.hpp>
#include <sandlog/record.hpp>
#include <sandlog/timestamp.hpp>

#include "docker_details.hpp"
#include "json_escape.hpp"
#include "options.hpp"
#include "out_buffer.hpp"
#include "text_escape.hpp"
#if SANDLOG_CLI_FIELDS
#include "fields.hpp"
#endif

namespace sandlog_cli {

#if !SANDLOG_CLI_FIELDS
class message_fields;  // never defined: records then have no fields to print
#endif

inline std::string_view stream_name(sandlog::stream_kind k) noexcept {
  return k == sandlog::stream_kind::out ? "stdout" : k == sandlog::stream_kind::err ? "stderr" : "";
}

// How records are written; fixed for a run.
struct render_options {
  output_mode mode = output_mode::text;
  bool timestamps = true;
  bool utc = false;
  bool details = false;  // --details: attrs before the message in text and raw
  // At least 0: the output goes to this descriptor as it is made, so a
  // message that comes in pieces (longer than the reader's line bound) is
  // written as one record, and a long one in slices (piece_renderer). -1:
  // each record is rendered whole where it is held (--tail, --where,
  // --fields, --prefix, merged sources and --jobs hold records, and each
  // piece is then a record of its own).
  int stream_fd = -1;
  // With stream_fd: where the pieces that continued an open record are
  // counted, by stream_kind, so that --stats counts records as written.
  std::array<std::uint64_t, 3>* joined_pieces = nullptr;
};

// A time in UTC outside the years 0000-9999, which RFC 3339 cannot write:
// 0000-01-01T00:30:00+01:00 is in the year -1, 9999-12-31T23:00:00-05:00 in
// 10000. Written with ECMAScript's expanded years (a sign and six digits:
// -000001-12-31T23:30:00Z, +010000-01-01T04:00:00Z), from the time 400
// years nearer (the calendar repeats every 400 years). Returns one past the
// end (at most max_timestamp_chars + 3 bytes), or null.
inline char* format_expanded_year(sandlog::timestamp t, char* p, const sandlog::format_options& fo) {
  constexpr std::int64_t cycle = std::int64_t{146097} * 86400;  // 400 Gregorian years
  const bool late = t.seconds > 0;
  t.seconds += late ? -cycle : cycle;
  char tmp[sandlog::max_timestamp_chars];
  char* const end = sandlog::format_timestamp(t, tmp, fo);
  if (end == nullptr || end - tmp < 5 || tmp[4] != '-') return nullptr;
  int year = 0;
  for (int i = 0; i < 4; ++i) year = year * 10 + (tmp[i] - '0');
  year += late ? 400 : -400;
  *p++ = year < 0 ? '-' : '+';
  unsigned magnitude = static_cast<unsigned>(year < 0 ? -year : year);
  for (int i = 5; i >= 0; --i, magnitude /= 10) p[i] = static_cast<char>('0' + magnitude % 10);
  p += 6;
  const std::size_t rest = static_cast<std::size_t>(end - (tmp + 4));
  std::memcpy(p, tmp + 4, rest);
  return p + rest;
}

// Appends the time of r: its text as written (when the reader kept it and
// not --utc), else formatted (--utc: UTC with 9 fraction digits, so the
// column has a fixed width and sorts as text; otherwise in the offset it was
// written in, shortest fraction, as Docker writes it).
inline void append_time(out_buffer& out, const sandlog::read_record& r, const render_options& ro) {
  if (!ro.utc && !r.time_text.empty()) return out.append(r.time_text);
  sandlog::format_options fo;
  fo.fraction = ro.utc ? sandlog::fraction_digits::nano : sandlog::fraction_digits::shortest;
  fo.offset = ro.utc ? sandlog::zone::utc : sandlog::zone::stored;
  char* p = out.reserve(sandlog::max_timestamp_chars + 3);
  char* end = sandlog::format_timestamp(r.time, p, fo);
  if (end == nullptr) end = format_expanded_year(r.time, p, fo);
  if (end != nullptr) out.commit(end);
}

// Appends what comes before r's message in text and raw: its time, its
// stream (text), its attrs (--details).
inline void append_head(out_buffer& out, const sandlog::read_record& r, const render_options& ro) {
  if (ro.timestamps && r.has_time) {
    append_time(out, r, ro);
    out.push(' ');
  }
  if (ro.mode == output_mode::text && r.stream != sandlog::stream_kind::unknown) {
    out.append(stream_name(r.stream));
    out.push(' ');
  }
  if (ro.details) append_docker_details(out, r.attrs);
}

// Appends ndjson's members before the message: `{"time":…,"stream":…,`.
inline void append_json_head(out_buffer& out, const sandlog::read_record& r, const render_options& ro) {
  out.push('{');
  if (ro.timestamps) {
    if (r.has_time) {
      out.append("\"time\":\"");
      append_time(out, r, ro);
      out.append("\",");
    } else {
      out.append("\"time\":null,");
    }
  }
  if (r.stream == sandlog::stream_kind::unknown) {
    out.append("\"stream\":null,");
  } else {
    out.append("\"stream\":\"");
    out.append(stream_name(r.stream));
    out.append("\",");
  }
}

// Appends r as one '\n'-terminated line in the chosen mode: text escapes
// the message (text_escape.hpp), raw writes its bytes as they are; with
// --details both put the attrs before it as docker logs does. ndjson has an
// `attrs` member when the record has any. `fields`, when not null, holds r's
// message's fields for ndjson's `fields` member.
inline void render(out_buffer& out, const sandlog::read_record& r, const render_options& ro,
                   const message_fields* fields = nullptr) {
  if (ro.mode == output_mode::ndjson) {
    append_json_head(out, r, ro);
    out.append(r.partial ? "\"partial\":true,\"message\":" : "\"partial\":false,\"message\":");
    append_json_string(out, r.message);
    if (!r.attrs.empty()) {
      // Valid JSON as written: the decoder checked it is an object of strings.
      out.append(",\"attrs\":");
      out.append(r.attrs);
    }
#if SANDLOG_CLI_FIELDS
    if (fields != nullptr) fields->append_json(out);
#else
    (void)fields;
#endif
    out.append("}\n");
    return;
  }
  append_head(out, r, ro);
  if (ro.mode == output_mode::text) {
    // No byte of the message may start a line or talk to the terminal.
    append_text_escaped(out, r.message);
    out.push('\n');
    return;
  }
  char* p = out.reserve(r.message.size() + 1);
  if (!r.message.empty()) std::memcpy(p, r.message.data(), r.message.size());
  p[r.message.size()] = '\n';
  out.commit(p + r.message.size() + 1);
}

// Writes records whose message is longer than one piece as one record, in
// bounded memory. The reader hands out a message longer than its line bound
// in pieces, each flagged line::continued but the last; here the first
// piece's head is written, each piece's text is appended (escaped) to the
// open message, and the record is finished after the last piece; a message
// longer than slice_bytes is written a slice at a time, the output sent to
// render_options::stream_fd whenever it is full. So whatever the size of a
// record, the output holds about out_buffer::flush_at + 6 * slice_bytes.
//
// Escaping a message piecewise gives what escaping it whole gives: the few
// bytes at the end of a piece whose escape depends on what follows (an
// unfinished UTF-8 sequence, a backslash, a CR that may be the message's
// last byte) are held and escaped with the next piece.
//
// A record of another stream (or an error report, or another reader's
// record in the same output) that comes while one is open finishes it as a
// fragment: in ndjson `"partial":true`; the rest of its message then comes
// as a record of its own, as it would with the pieces held apart.
//
// In ndjson a record written in pieces has its `partial` member after its
// message, where it is known; every other record has it before.
class piece_renderer {
 public:
  static constexpr std::size_t slice_bytes = std::size_t{256} << 10;

  // Whether r takes this path rather than the usual one.
  static bool wanted(const sandlog::read_record& r, const out_buffer& out) noexcept {
    return (r.flags & sandlog::line::continued) != 0 || r.message.size() > slice_bytes ||
           out.open_by() != nullptr;
  }

  // Renders r (ro.stream_fd >= 0): begins, continues or ends a record.
  // `bare`: the message alone, as written (raw without time or details).
  void render(out_buffer& out, const sandlog::read_record& r, const render_options& ro, bool bare) {
    const bool more = (r.flags & sandlog::line::continued) != 0;
    const bool continues = out.open_by() == this && r.stream == stream_;
    if (!continues) {
      out.cut_open();
      begin(out, r, ro, bare, more);
    } else if (ro.joined_pieces != nullptr) {
      ++(*ro.joined_pieces)[static_cast<std::size_t>(r.stream) % 3];
    }
    append_message(out, r.message, !more, ro.stream_fd);
    if (more) {
      out.set_open(this, ending(ro, true));
      return;
    }
    out.clear_open();
    out.append(ending(ro, r.partial));
  }

  // Finishes whatever record is open in out (before an error report).
  static void cut(out_buffer& out) { out.cut_open(); }

 private:
  void begin(out_buffer& out, const sandlog::read_record& r, const render_options& ro, bool bare,
             bool more) {
    mode_ = bare ? output_mode::raw : ro.mode;
    stream_ = r.stream;
    carry_n_ = 0;
    attrs_.assign(r.attrs.data(), r.attrs.size());
    partial_later_ = more;
    if (mode_ != output_mode::ndjson) {
      if (!bare) append_head(out, r, ro);
      return;
    }
    append_json_head(out, r, ro);
    if (!more) out.append(r.partial ? "\"partial\":true," : "\"partial\":false,");
    out.append("\"message\":\"");
  }

  // What finishes the record: the held bytes, then (ndjson) the end of the
  // message and the members after it.
  std::string_view ending(const render_options& ro, bool partial) {
    end_.clear();
    (void)ro;
    const std::string_view held(carry_, carry_n_);
    if (mode_ == output_mode::ndjson) {
      if (!held.empty()) {
        scratch_.clear();
        escape_json_chars(scratch_, held);
        end_.append(scratch_.view());
      }
      end_.push_back('"');
      if (partial_later_) end_.append(partial ? ",\"partial\":true" : ",\"partial\":false");
      if (!attrs_.empty()) {
        end_.append(",\"attrs\":");
        end_.append(attrs_);
      }
      end_.append("}\n");
    } else if (mode_ == output_mode::text) {
      escape_text(held, [this](std::string_view s) { end_.append(s); });
      end_.push_back('\n');
    } else {
      end_.append(held);
      end_.push_back('\n');
    }
    return end_;
  }

  // Appends `text`, more of the open message: the last of it when `last`.
  void append_message(out_buffer& out, std::string_view text, bool last, int fd) {
    do {
      const std::string_view slice = text.substr(0, slice_bytes);
      text.remove_prefix(slice.size());
      append_chunk(out, slice, last && text.empty());
      if (fd >= 0 && out.full()) out.spill(fd);
    } while (!text.empty());
  }

  // One chunk of the message, after the bytes held from the one before.
  void append_chunk(out_buffer& out, std::string_view s, bool last) {
    if (carry_n_ != 0) {
      // The held bytes and the first few of this chunk: whatever is held
      // after them then lies in those few (held bytes are at most the last 4).
      char tmp[2 * max_held];
      const std::size_t had = carry_n_;
      const std::size_t take = s.size() < max_held ? s.size() : max_held;
      std::memcpy(tmp, carry_, had);
      if (take != 0) std::memcpy(tmp + had, s.data(), take);
      carry_n_ = 0;
      emit(out, std::string_view(tmp, had + take), last && take == s.size());
      if (take == s.size()) return;
      s.remove_prefix(take - carry_n_);
      carry_n_ = 0;
    }
    emit(out, s, last);
  }

  static constexpr std::size_t max_held = 4;

  // Where the bytes start whose escape depends on what follows s: an
  // unfinished UTF-8 sequence at its end, or a CR there (the message's last
  // byte is dropped if it is one), and a backslash just before either or at
  // the very end. At most max_held bytes.
  static std::size_t hold_point(std::string_view s) noexcept {
    const std::size_t n = s.size();
    std::size_t k = n;
    for (std::size_t i = n; i > 0 && n - i < 3;) {
      const unsigned c = static_cast<unsigned char>(s[--i]);
      if ((c & 0xC0) == 0x80) continue;  // a continuation byte
      if (c >= 0xC0) {
        const std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (n - i < len) k = i;
      }
      break;
    }
    if (k == n && n != 0 && s[n - 1] == '\r') k = n - 1;
    if (k != 0 && s[k - 1] == '\\') --k;
    return k;
  }

  // Escapes s, held bytes aside unless it ends the message.
  void emit(out_buffer& out, std::string_view s, bool last) {
    const std::size_t k = last ? s.size() : hold_point(s);
    const std::string_view done = s.substr(0, k);
    switch (mode_) {
      case output_mode::ndjson: escape_json_chars(out, done); break;
      case output_mode::text: {
        // Each backslash of a run that the held bytes follow is doubled,
        // as the next one is a backslash; what comes before the run ends
        // in a byte whose escape depends on nothing after it.
        std::size_t j = k;
        if (k < s.size() && s[k] == '\\')
          while (j != 0 && done[j - 1] == '\\') --j;
        append_text_escaped(out, done.substr(0, j), last ? final_cr::drop : final_cr::keep);
        for (std::size_t i = j; i < k; ++i) out.append("\\\\");
        break;
      }
      case output_mode::raw: out.append(done); break;
    }
    carry_n_ = s.size() - k;
    if (carry_n_ != 0) std::memcpy(carry_, s.data() + k, carry_n_);
  }

  // s escaped as in a JSON string, without the quotes.
  static void escape_json_chars(out_buffer& out, std::string_view s) {
    if (s.empty()) return;
    const std::size_t at = out.size();
    if (at == 0) {
      append_json_string(out, s);
      char* d = out.data();
      std::memmove(d, d + 1, out.size() - 2);
      out.truncate(out.size() - 2);
      return;
    }
    // The opening quote lands on the byte before, which is put back.
    const char before = out.data()[at - 1];
    out.truncate(at - 1);
    append_json_string(out, s);
    out.data()[at - 1] = before;
    out.truncate(out.size() - 1);
  }

  output_mode mode_ = output_mode::text;
  sandlog::stream_kind stream_ = sandlog::stream_kind::unknown;
  bool partial_later_ = false;  // ndjson: `partial` goes after the message
  char carry_[2 * max_held] = {};
  std::size_t carry_n_ = 0;
  std::string attrs_;  // the first piece's, for the end of an ndjson record
  std::string end_;
  out_buffer scratch_{64};
};

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_RENDER_HPP
