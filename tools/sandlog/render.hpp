// sandlog CLI: one record as a line of text, NDJSON or its bare message.
#ifndef SANDLOG_CLI_RENDER_HPP
#define SANDLOG_CLI_RENDER_HPP

#include <cstdint>
#include <cstring>
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

// Appends r as one '\n'-terminated line in the chosen mode: text escapes
// the message (text_escape.hpp), raw writes its bytes as they are; with
// --details both put the attrs before it as docker logs does. ndjson has an
// `attrs` member when the record has any. `fields`, when not null, holds r's
// message's fields for ndjson's `fields` member.
inline void render(out_buffer& out, const sandlog::read_record& r, const render_options& ro,
                   const message_fields* fields = nullptr) {
  const bool time = ro.timestamps && r.has_time;
  switch (ro.mode) {
    case output_mode::raw:
      if (time) {
        append_time(out, r, ro);
        out.push(' ');
      }
      break;
    case output_mode::text:
      if (time) {
        append_time(out, r, ro);
        out.push(' ');
      }
      if (r.stream != sandlog::stream_kind::unknown) {
        out.append(stream_name(r.stream));
        out.push(' ');
      }
      break;
    case output_mode::ndjson:
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
        out.append("\"stream\":null");
      } else {
        out.append("\"stream\":\"");
        out.append(stream_name(r.stream));
        out.push('"');
      }
      out.append(r.partial ? ",\"partial\":true,\"message\":" : ",\"partial\":false,\"message\":");
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
  if (ro.details) append_docker_details(out, r.attrs);
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

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_RENDER_HPP
