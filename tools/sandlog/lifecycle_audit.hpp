// sandlog CLI: `sandlog lifecycle FILE...` — the audit of one sandbox's
// lifecycle events: a timeline with the time spent in each state, how the
// sandbox ended, and every anomaly.
#ifndef SANDLOG_CLI_LIFECYCLE_AUDIT_HPP
#define SANDLOG_CLI_LIFECYCLE_AUDIT_HPP

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sandlog/json.hpp>
#include <sandlog/lifecycle.hpp>
#include <sandlog/record.hpp>

#include "input.hpp"
#include "options.hpp"
#include "out_buffer.hpp"
#include "report.hpp"
#include "text_escape.hpp"

namespace sandlog_cli {

// One event as the timeline shows it.
struct timeline_row {
  sandlog::timestamp time;       // as given
  sandlog::timestamp effective;  // never before the previous event's
  std::optional<sandlog::lifecycle> event;
  std::string unknown_name;      // the line, when it names no event
  std::string_view ignored;      // why the tracker ignored it; empty if it did not
};

class lifecycle_audit {
 public:
  // Applies one event (a page entry, or a text line's record).
  void add(const sandlog::log_entry& e) {
    timeline_row row;
    row.time = e.time;
    row.event = sandlog::parse_lifecycle(e.line);
    const auto st = tracker_.state();
    if (!row.event) {
      row.unknown_name.assign(e.line.substr(0, 200));
      row.ignored = "unknown event";
    } else if (st && *row.event == *st) {
      row.ignored = "duplicate";
    } else if (st && tracker_.ended()) {
      row.ignored = "after the end";
    }
    row.effective = clock_ && e.time < *clock_ ? *clock_ : e.time;
    if (row.ignored.empty()) clock_ = row.effective;
    tracker_.apply(e);
    rows_.push_back(std::move(row));
  }

  std::size_t anomalies() const noexcept { return tracker_.anomaly_count(); }

  void write(out_buffer& out) const {
    out.append("timeline:\n");
    char tmp[64];
    for (std::size_t i = 0; i < rows_.size(); ++i) {
      const timeline_row& r = rows_[i];
      out.append("  ");
      char* end = sandlog::format_timestamp(r.time, tmp);
      out.append(end ? std::string_view(tmp, static_cast<std::size_t>(end - tmp)) : "(unprintable)");
      out.append("  ");
      std::string_view name = r.event ? sandlog::state_name(*r.event) : std::string_view("?");
      out.append(name);
      for (std::size_t pad = name.size(); pad < 9; ++pad) out.push(' ');
      if (!r.ignored.empty()) {
        out.append("ignored: ");
        out.append(r.ignored);
        if (!r.event) {
          out.append(" \"");
          // The line is the log's text: escaped, so it cannot forge rows.
          append_text_escaped(out, r.unknown_name, final_cr::keep);
          out.push('"');
        }
      } else if (const timeline_row* next = next_applied(i)) {
        out.append("for ");
        duration(out, sandlog::detail::nanos_between(r.effective, next->effective));
      } else {
        out.append(sandlog::is_terminal(*r.event) ? "(end)" : "(current state)");
      }
      out.push('\n');
    }
    std::string summary;
    tracker_.write_summary(summary);
    out.append(summary);
  }

 private:
  const timeline_row* next_applied(std::size_t i) const noexcept {
    for (std::size_t j = i + 1; j < rows_.size(); ++j)
      if (rows_[j].ignored.empty()) return &rows_[j];
    return nullptr;
  }
  static void duration(out_buffer& out, sandlog::nanoseconds_t ns) {
    char tmp[64];
    sandlog::detail::summary_writer w(tmp, sizeof tmp);
    w.put_duration(ns);
    out.append({tmp, w.size() < sizeof tmp ? w.size() : sizeof tmp});
  }

  sandlog::lifecycle_tracker tracker_;
  std::optional<sandlog::timestamp> clock_;
  std::vector<timeline_row> rows_;
};

// Reads every FILE as one sandbox's events, in order. Returns the exit status.
inline int run_lifecycle(const options& opt) {
  lifecycle_audit audit;
  int status = exit_ok;
  bool bad = false;
  for (const std::string& path : opt.files) {
    input_file in;
    if (!in.open(path)) {
      io_error(path, errno);
      status = exit_io;
      continue;
    }
    std::string body;
    char buf[1 << 16];
    ssize_t r;
    while ((r = read_some(in.fd, buf, sizeof buf)) > 0) body.append(buf, static_cast<std::size_t>(r));
    if (r < 0) {
      io_error(in.name, errno);
      status = exit_io;
      continue;
    }
    if (opt.lifecycle_json || looks_like_page(body)) {
      sandlog::event_decoder json;
      const sandlog::json_result res =
          json.decode_page(body, [&](const sandlog::log_entry& e) { audit.add(e); });
      if (!res) {
        const std::string_view msg = sandlog::to_string(res.ec);
        std::fprintf(stderr, "sandlog: %s: entry %zu%s%.*s: %.*s\n", in.name.c_str(),
                     res.entries + 1, res.field.empty() ? "" : " field ",
                     static_cast<int>(res.field.size()), res.field.data(),
                     static_cast<int>(msg.size()), msg.data());
        bad = true;
        if (opt.strict) break;
      }
      continue;
    }
    // Text: `[ts] sandbox.lifecycle.x` (or `ts sandbox.lifecycle.x`), one a line.
    std::vector<error_note> notes;
    std::uint64_t line_no = 0;
    std::string_view rest = body;
    while (!rest.empty()) {
      const std::size_t nl = rest.find('\n');
      std::string_view ln = rest.substr(0, nl);
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
      ++line_no;
      if (!ln.empty() && ln.back() == '\r') ln.remove_suffix(1);
      if (ln.find_first_not_of(" \t") == std::string_view::npos) continue;
      const auto fmt = !ln.empty() && ln[0] == '[' ? sandlog::log_format::bracketed
                                                   : sandlog::log_format::timestamped;
      sandlog::log_record rec;
      const sandlog::parse_result pr = sandlog::parse_record(ln, fmt, rec);
      if (!pr) {
        error_note n;
        n.line = line_no;
        n.ec = pr.ec;
        notes.push_back(n);
        if (opt.strict) break;
        continue;
      }
      audit.add({rec.time, rec.message});
    }
    if (!notes.empty()) {
      bad = true;
      report_errors(in.name, notes);
      if (opt.strict) break;
    }
  }
  out_buffer out;
  audit.write(out);
  if (!out.flush(1)) io_error("standard output", errno), status = exit_io;
  if (status == exit_ok && (bad || audit.anomalies() != 0)) status = exit_malformed;
  return status;
}

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_LIFECYCLE_AUDIT_HPP
