// sandlog CLI: `sandlog lifecycle FILE...` — the audit of one sandbox's
// lifecycle events: a timeline with the time spent in each state, how the
// sandbox ended, and every anomaly. docs/cli.md (LIFECYCLE AUDIT) states the
// rules this file follows: each FILE is a page, pages are put in order by
// their start or first time, the entries a page repeats from the one before
// are skipped, and a file that starts with no event is not read on.
#ifndef SANDLOG_CLI_LIFECYCLE_AUDIT_HPP
#define SANDLOG_CLI_LIFECYCLE_AUDIT_HPP

#include <algorithm>
#include <array>
#include <cerrno>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sandlog/json.hpp>
#include <sandlog/lifecycle.hpp>
#include <sandlog/line_splitter.hpp>
#include <sandlog/pagination.hpp>
#include <sandlog/record.hpp>

#include "input.hpp"
#include "json_escape.hpp"
#include "options.hpp"
#include "out_buffer.hpp"
#include "report.hpp"
#include "text_escape.hpp"

namespace sandlog_cli {

// A file whose first this many non-empty lines (or page entries) name no
// lifecycle event is not an event log: it is left there, so a container log
// given by mistake costs a few kilobytes, not its size in rows.
inline constexpr std::size_t lifecycle_probe = 64;
// Event lines are short; a longer line is cut here, so one line of a binary
// file cannot take more memory than this.
inline constexpr std::size_t lifecycle_max_line = std::size_t{64} << 10;
// What an entry keeps of its line: every event name fits many times over.
inline constexpr std::size_t lifecycle_kept_bytes = 200;

// One entry as read, with where it came from.
struct lc_entry {
  sandlog::timestamp time;
  std::string line;         // at most lifecycle_kept_bytes
  std::uint64_t where = 0;  // 1-based: the line, or the entry of a JSON document
};

// One FILE: a page of events, in the order the file holds them.
struct lc_page {
  std::string name;
  bool by_entry = false;              // `where` counts a document's entries
  std::optional<std::int64_t> start;  // the document's "start" or "offset"
  std::vector<lc_entry> entries;
};

// One event as the timeline shows it.
struct timeline_row {
  sandlog::timestamp time;       // as given
  sandlog::timestamp effective;  // never before the previous event's
  std::optional<sandlog::lifecycle> event;
  std::string_view line;         // views the page's entry
  std::string_view ignored;      // why the tracker ignored it; empty if it did not
  const lc_page* page = nullptr;
  std::uint64_t where = 0;
};

namespace detail {

inline void append_time(out_buffer& out, const sandlog::timestamp& t, bool json) {
  char tmp[sandlog::max_timestamp_chars];
  const char* end = sandlog::format_timestamp(t, tmp);
  if (end == nullptr) return out.append(json ? "null" : "(unprintable)");
  if (json) out.push('"');
  out.append({tmp, static_cast<std::size_t>(end - tmp)});
  if (json) out.push('"');
}

inline void append_uint(out_buffer& out, std::uint64_t v) { out.append(std::to_string(v)); }

inline void append_state(out_buffer& out, std::optional<sandlog::lifecycle> s) {
  if (!s) return out.append("null");
  out.push('"');
  out.append(sandlog::state_name(*s));
  out.push('"');
}

}  // namespace detail

class lifecycle_audit {
 public:
  // Applies one event of `page` (which outlives the audit).
  void add(const lc_entry& e, const lc_page& page) {
    timeline_row row;
    row.time = e.time;
    row.line = e.line;
    row.page = &page;
    row.where = e.where;
    row.event = sandlog::parse_lifecycle(e.line);
    const auto st = tracker_.state();
    if (!row.event) {
      row.ignored = "unknown event";
    } else if (st && *row.event == *st) {
      row.ignored = "duplicate";
    } else if (st && tracker_.ended()) {
      row.ignored = "after the end";
    }
    row.effective = clock_ && e.time < *clock_ ? *clock_ : e.time;
    if (row.ignored.empty()) clock_ = row.effective;
    tracker_.apply(sandlog::log_entry{e.time, e.line});
    rows_.push_back(row);
  }

  std::size_t anomalies() const noexcept { return tracker_.anomaly_count(); }

  void write_text(out_buffer& out, std::uint64_t repeats) const {
    out.append("timeline:\n");
    for (std::size_t i = 0; i < rows_.size(); ++i) {
      const timeline_row& r = rows_[i];
      out.append("  ");
      detail::append_time(out, r.time, false);
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
          append_text_escaped(out, r.line, final_cr::keep);
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
    if (repeats != 0) {
      out.append("repeated at page boundaries, skipped: ");
      detail::append_uint(out, repeats);
      out.push('\n');
    }
  }

  // One JSON object a line: each event, each stored anomaly, the summary
  // (docs/cli.md lists the members).
  void write_ndjson(out_buffer& out, std::uint64_t repeats, std::uint64_t errors) const {
    for (std::size_t i = 0; i < rows_.size(); ++i) {
      const timeline_row& r = rows_[i];
      out.append("{\"type\":\"event\",\"index\":");
      detail::append_uint(out, i);
      out.append(",\"time\":");
      detail::append_time(out, r.time, true);
      out.append(",\"state\":");
      detail::append_state(out, r.event);
      out.append(",\"text\":");
      append_json_string(out, r.line);
      out.append(",\"file\":");
      append_json_string(out, r.page->name);
      out.append(r.page->by_entry ? ",\"entry\":" : ",\"line\":");
      detail::append_uint(out, r.where);
      if (!r.ignored.empty()) {
        out.append(",\"ignored\":\"");
        out.append(r.ignored);
        out.push('"');
      } else if (const timeline_row* next = next_applied(i)) {
        out.append(",\"duration_ns\":");
        out.append(std::to_string(sandlog::detail::nanos_between(r.effective, next->effective)));
      }
      out.append("}\n");
    }
    for (const sandlog::anomaly* a = tracker_.anomalies_begin(); a != tracker_.anomalies_end(); ++a) {
      out.append("{\"type\":\"anomaly\",\"event\":");
      detail::append_uint(out, a->event_index);
      out.append(",\"time\":");
      detail::append_time(out, a->time, true);
      out.append(",\"kind\":\"");
      out.append(sandlog::to_string(a->kind));
      out.append("\",\"from\":");
      detail::append_state(out, a->from);
      out.append(",\"to\":");
      detail::append_state(out, a->to);
      out.append("}\n");
    }
    const auto state = tracker_.state();
    const auto outcome = tracker_.outcome();
    out.append("{\"type\":\"summary\",\"state\":");
    detail::append_state(out, state);
    out.append(tracker_.ended() ? ",\"ended\":true" : ",\"ended\":false");
    out.append(",\"outcome\":");
    detail::append_state(out, outcome);
    out.append(",\"started\":");
    if (auto s = tracker_.started()) detail::append_time(out, *s, true);
    else out.append("null");
    out.append(",\"last\":");
    if (clock_) detail::append_time(out, *clock_, true);
    else out.append("null");
    out.append(",\"lifetime_ns\":");
    out.append(std::to_string(tracker_.lifetime()));
    out.append(",\"running_ns\":");
    out.append(std::to_string(tracker_.running_time()));
    out.append(",\"paused_ns\":");
    out.append(std::to_string(tracker_.paused_time()));
    out.append(",\"pauses\":");
    detail::append_uint(out, tracker_.times_entered(sandlog::lifecycle::paused));
    out.append(",\"events\":");
    detail::append_uint(out, tracker_.events());
    out.append(",\"anomalies\":");
    detail::append_uint(out, tracker_.anomaly_count());
    out.append(",\"anomalies_listed\":");
    detail::append_uint(out, tracker_.stored_count());
    out.append(",\"repeats_skipped\":");
    detail::append_uint(out, repeats);
    out.append(",\"input_errors\":");
    detail::append_uint(out, errors);
    out.append("}\n");
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

// One bad line or entry, held until the file is known to be an event log.
struct lc_note {
  std::uint64_t line = 0;
  std::size_t column = 0;  // 1-based; 0: none
  sandlog::error ec = sandlog::error::ok;
  std::string_view field;  // a string literal
  std::string_view kind;   // "lifecycle-json", "bracketed", "timestamped"
  std::string_view unit = "line";  // "line", or "entry" / "document" of a JSON document
  std::string text;        // the line's first bytes
  bool cut = false;        // the line went on past `text`
};

// The bad lines of one file, printed as the record reader prints its own:
//   sandlog: FILE:LINE[:COLUMN]: MESSAGE[ (field "F")] in a KIND line: "EXCERPT"
// (an entry of a JSON document: `in a lifecycle-json entry`, a break in the
// document itself: `in a lifecycle-json document`), the first
// error_reporter::cap of each kind of problem, then counted.
class lc_errors {
 public:
  explicit lc_errors(std::string name) : name_(std::move(name)) {}

  void report(const lc_note& n) {
    std::uint64_t& seen = seen_[static_cast<std::size_t>(n.ec) % seen_.size()];
    if (++seen > error_reporter::cap) return;
    const std::string_view msg = sandlog::to_string(n.ec);
    std::string where;
    if (n.line != 0) where = ':' + std::to_string(n.line);
    if (n.line != 0 && n.column != 0) where += ':' + std::to_string(n.column);
    std::string detail;
    if (!n.field.empty()) detail += " (field \"" + escaped_text(n.field) + "\")";
    detail += " in a ";
    detail += n.kind;
    detail += ' ';
    detail += n.unit;
    if (!n.text.empty() || n.unit == "line") detail += ": \"" + escaped_text(n.text) + "\"";
    if (n.cut) detail += "...";
    std::fprintf(stderr, "sandlog: %s%s: %.*s%s\n", name_.c_str(), where.c_str(),
                 static_cast<int>(msg.size()), msg.data(), detail.c_str());
  }

  void finish() {
    for (std::size_t i = 0; i < seen_.size(); ++i) {
      if (seen_[i] <= error_reporter::cap) continue;
      const std::string_view msg = sandlog::to_string(static_cast<sandlog::error>(i));
      std::fprintf(stderr, "sandlog: %s: %" PRIu64 " more lines with: %.*s\n", name_.c_str(),
                   seen_[i] - error_reporter::cap, static_cast<int>(msg.size()), msg.data());
    }
  }

 private:
  std::string name_;
  std::array<std::uint64_t, static_cast<std::size_t>(sandlog::error::count_)> seen_{};
};

// What reading one file came to.
struct lc_read {
  bool io_failed = false;
  std::uint64_t errors = 0;  // bad lines, a bad document, not an event log
  bool stop = false;         // --strict met a bad line: read no further file
};

// Whether a file is one JSON document (an envelope or array page, perhaps
// over many lines) rather than lines: it starts with `{` or `[{`, and its
// first line is not a whole object (or array) by itself, or it has one line.
inline bool is_json_document(std::string_view head, const options& opt) {
  if (opt.format) return false;  // --format bracketed|timestamped: lines
  const std::size_t i = head.find_first_not_of(" \t\r\n");
  if (i == std::string_view::npos) return false;
  const char c = head[i];
  if (c != '{' && (c != '[' || !(opt.lifecycle_json || looks_like_page(head.substr(i))))) return false;
  const std::size_t nl = head.find('\n', i);
  if (nl == std::string_view::npos) return true;
  std::string_view first = head.substr(i, nl - i);
  while (!first.empty() && (first.back() == ' ' || first.back() == '\t' || first.back() == '\r'))
    first.remove_suffix(1);
  return first.empty() || first.back() != (c == '{' ? '}' : ']');
}

// The "start" (or "offset") integer member of a page envelope, if any.
inline std::optional<std::int64_t> page_start(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body.data(), body.size(), true).get(root)) return std::nullopt;
  simdjson::dom::object obj;
  if (root.get_object().get(obj)) return std::nullopt;
  for (simdjson::dom::key_value_pair kv : obj) {
    std::int64_t v = 0;
    if ((kv.key == "start" || kv.key == "offset") && !kv.value.get_int64().get(v)) return v;
  }
  return std::nullopt;
}

// Reads one file into `page`, reporting its bad lines; see docs/cli.md for
// the rules.
inline lc_read read_lifecycle_file(const options& opt, input_file& in, lc_page& page,
                                   sandlog::event_decoder& json) {
  lc_read res;
  lc_errors errs(in.name);
  std::vector<lc_note> held;  // until the first event: at most lifecycle_probe
  bool decided = false;       // an event was seen among the first lines
  bool done = false;          // read no more of this file
  std::size_t probed = 0;     // non-empty lines (entries) before the first event

  auto not_events = [&](std::string_view what) {
    std::fprintf(stderr, "sandlog: %s: not lifecycle events: %.*s names a sandbox.lifecycle event\n",
                 in.name.c_str(), static_cast<int>(what.size()), what.data());
    page.entries.clear();
    held.clear();
    ++res.errors;
    done = true;
    if (opt.strict) res.stop = true;
  };
  auto counted = [&](bool event, const char* unit) {
    if (decided || done) return;
    if (event) {
      decided = true;
      for (const lc_note& n : held) errs.report(n);
      held.clear();
    } else if (++probed == lifecycle_probe) {
      not_events("none of the first " + std::to_string(lifecycle_probe) + " " + unit);
    }
  };
  auto note = [&](lc_note n) {
    ++res.errors;
    if (decided || opt.strict) errs.report(n);
    else held.push_back(std::move(n));
    if (opt.strict) done = res.stop = true;
  };
  auto take = [&](const sandlog::timestamp& t, std::string_view text, std::uint64_t where,
                  const char* unit) {
    if (done) return;
    page.entries.push_back({t, std::string(text.substr(0, lifecycle_kept_bytes)), where});
    counted(text.substr(0, sandlog::detail::lifecycle_prefix.size()) ==
                sandlog::detail::lifecycle_prefix,
            unit);
  };

  // The head: enough to see the first line, or the whole of a short file.
  std::string head;
  bool eof = false;
  char buf[1 << 16];
  while (!eof && head.size() < read_size && head.find('\n') == std::string::npos) {
    const ssize_t r = read_some(in.fd, buf, sizeof buf);
    if (r < 0) {
      io_error(in.name, errno);
      res.io_failed = true;
      return res;
    }
    if (r == 0) eof = true;
    head.append(buf, static_cast<std::size_t>(r));
  }

  if (is_json_document(head, opt)) {
    // The decoder needs the whole document; it refuses one past its limit,
    // so reading stops a byte after that.
    const std::size_t limit = sandlog::json_options{}.max_document_bytes;
    std::string body = std::move(head);
    while (!eof && body.size() <= limit) {
      const ssize_t r = read_some(in.fd, buf, sizeof buf);
      if (r < 0) {
        io_error(in.name, errno);
        res.io_failed = true;
        return res;
      }
      if (r == 0) eof = true;
      body.append(buf, static_cast<std::size_t>(r));
    }
    page.by_entry = true;
    // A bad entry is reported (its line and column in the file) and skipped;
    // a break in the document itself is reported where it is, and the
    // entries before it are kept.
    std::uint64_t k = 0;  // the entry's number in the document, bad ones included
    auto excerpt = [](lc_note& n, std::string_view text) {
      const std::size_t nl = text.find('\n');
      n.text.assign(text.substr(0, std::min(nl, sandlog::excerpt_bytes)));
      n.cut = text.size() > n.text.size();
    };
    const sandlog::json_result r = json.decode_page(
        body, [&](const sandlog::log_entry& e) { take(e.time, e.line, ++k, "entries"); },
        [&](const sandlog::entry_error& e) {
          ++k;
          if (done) return sandlog::error::ok;
          lc_note n;
          n.line = e.line;
          n.column = e.column;
          n.ec = e.ec;
          n.field = e.field;
          n.kind = "lifecycle-json";
          n.unit = "entry";
          excerpt(n, e.text);
          note(std::move(n));
          counted(false, "entries");
          return opt.strict ? e.ec : sandlog::error::ok;
        });
    if (!r && !done) {
      lc_note n;
      n.ec = r.ec;
      n.field = r.field;
      n.kind = "lifecycle-json";
      n.unit = "document";
      if (r.offset != sandlog::json_result::npos) {
        const sandlog::text_position at = sandlog::position_of(body, r.offset);
        n.line = at.line;
        n.column = at.column;
        excerpt(n, std::string_view(body).substr(r.offset));
      }
      ++res.errors;
      errs.report(n);  // not held: the document's own fault is always shown
      if (opt.strict) res.stop = true;
    }
    if (!decided && !done && probed != 0)
      not_events("none of its " + std::to_string(probed) + " entries");
    if (!page.entries.empty()) page.start = page_start(body);
    errs.finish();
    return res;
  }

  sandlog::line_options lo;
  lo.max_line = lifecycle_max_line;
  lo.on_overflow = sandlog::overflow::truncate;
  sandlog::line_splitter split(lo);
  std::uint64_t line_no = 0;
  auto on_line = [&](const sandlog::line& l) {
    if (done) return;
    ++line_no;
    const std::string_view text = l.text;
    const std::size_t i = text.find_first_not_of(" \t");
    if (i == std::string_view::npos) return;  // blank: not counted
    const bool json_line =
        opt.lifecycle_json ||
        (!opt.format && (text[i] == '{' || (text[i] == '[' && looks_like_page(text.substr(i)))));
    auto bad = [&](sandlog::error ec, std::string_view field, std::string_view kind,
                   std::size_t column, bool count) {
      lc_note n;
      n.line = line_no;
      n.column = column;
      n.ec = ec;
      n.field = field;
      n.kind = kind;
      n.text.assign(text.substr(0, sandlog::excerpt_bytes));
      n.cut = text.size() > sandlog::excerpt_bytes || l.is_truncated();
      note(std::move(n));
      if (count) counted(false, "non-empty lines");
    };
    if (json_line) {
      const std::size_t before = page.entries.size();
      bool reported = false;  // one report a line: its first bad entry
      const sandlog::json_result r = json.decode_page(
          text, [&](const sandlog::log_entry& e) { take(e.time, e.line, line_no, "non-empty lines"); },
          [&](const sandlog::entry_error& e) {
            if (!reported) bad(e.ec, e.field, "lifecycle-json", 0, page.entries.size() == before);
            reported = true;
          });
      // A line whose entries came before the bad one is counted already.
      if (!r && !reported) bad(r.ec, r.field, "lifecycle-json", 0, page.entries.size() == before);
      return;
    }
    const auto fmt = opt.format ? *opt.format
                     : text[0] == '[' ? sandlog::log_format::bracketed
                                      : sandlog::log_format::timestamped;
    sandlog::log_record rec;
    const sandlog::parse_result pr = sandlog::parse_record(text, fmt, rec);
    if (!pr) return bad(pr.ec, {}, format_name(fmt),
                          static_cast<std::size_t>(pr.ptr - text.data()) + 1, true);
    take(rec.time, rec.message, line_no, "non-empty lines");
  };
  split.feed(head, on_line);
  while (!eof && !done) {
    const ssize_t r = read_some(in.fd, buf, sizeof buf);
    if (r < 0) {
      io_error(in.name, errno);
      res.io_failed = true;
      break;
    }
    if (r == 0) break;
    split.feed({buf, static_cast<std::size_t>(r)}, on_line);
  }
  if (!done) split.finish(on_line);
  if (!decided && !done && probed != 0)
    not_events("none of its " + std::to_string(probed) + " non-empty lines");
  errs.finish();
  return res;
}

// The options that have a meaning here but values the audit cannot serve;
// the others are refused by parse_options. Returns -1 to go on.
inline int lifecycle_usage(const options& opt) {
  if (opt.output == output_mode::raw)
    return usage_error("lifecycle: --output raw does not apply (text or ndjson)");
  if (opt.docker != docker_body::detect ||
      (opt.format && *opt.format != sandlog::log_format::bracketed &&
       *opt.format != sandlog::log_format::timestamped))
    return usage_error("lifecycle: --format takes lifecycle-json, bracketed or timestamped");
  return -1;
}

// Reads every FILE as a page of one sandbox's events, puts the pages in
// order, skips what a page repeats of the one before and audits the rest.
// Returns the exit status.
inline int run_lifecycle(const options& opt) {
  if (const int st = lifecycle_usage(opt); st >= 0) return st;
  int status = exit_ok;
  std::uint64_t errors = 0;
  std::vector<lc_page> pages;
  sandlog::event_decoder json;
  for (const std::string& path : opt.files) {
    input_file in;
    if (!in.open(path)) {
      io_error(path, errno);
      status = exit_io;
      continue;
    }
    pages.emplace_back();
    pages.back().name = in.name;
    const lc_read r = read_lifecycle_file(opt, in, pages.back(), json);
    if (r.io_failed) status = exit_io;
    errors += r.errors;
    if (r.stop) break;
  }

  // Pages in the order the API served them: by the envelope's start when
  // every page has one, else by the first entry's time (then the last's);
  // argument order only breaks ties.
  bool all_start = true;
  for (const lc_page& p : pages) all_start = all_start && (p.entries.empty() || p.start);
  std::stable_sort(pages.begin(), pages.end(), [&](const lc_page& a, const lc_page& b) {
    if (a.entries.empty() || b.entries.empty()) return a.entries.empty() && !b.entries.empty();
    if (all_start) return *a.start < *b.start;
    const sandlog::timestamp& af = a.entries.front().time;
    const sandlog::timestamp& bf = b.entries.front().time;
    if (af < bf || bf < af) return af < bf;
    return a.entries.back().time < b.entries.back().time;
  });

  // A page fetched from the last millisecond of the page before starts with
  // the entries of that millisecond already delivered: timestamp_cursor
  // counts them and says which to skip. A skipped entry is taken for a repeat
  // only if its line is that of the entry it repeats; otherwise (an earlier
  // time in the page, another event) it is an event like any other, and the
  // tracker judges it.
  lifecycle_audit audit;
  sandlog::timestamp_cursor cursor(std::numeric_limits<std::int64_t>::min(),
                                   std::numeric_limits<std::uint32_t>::max(),
                                   std::numeric_limits<std::uint32_t>::max());
  std::vector<const std::string*> at_boundary;  // lines delivered at the cursor's millisecond
  std::uint64_t repeats = 0;
  for (const lc_page& p : pages) {
    cursor.next();
    std::size_t skipped = 0;
    for (const lc_entry& e : p.entries) {
      const std::int64_t boundary = cursor.position();
      const std::int64_t ms = sandlog::to_unix_millis(e.time);
      if (cursor.accept(e.time)) {
        if (ms != boundary) at_boundary.clear();
        at_boundary.push_back(&e.line);
      } else if (ms == boundary && skipped < at_boundary.size() && *at_boundary[skipped] == e.line) {
        ++skipped;
        ++repeats;
        continue;
      }
      if (opt.since && e.time < *opt.since) continue;
      if (opt.until && !(e.time < *opt.until)) continue;
      audit.add(e, p);
    }
    cursor.finish_page();
  }

  out_buffer out;
  if (opt.output == output_mode::ndjson) audit.write_ndjson(out, repeats, errors);
  else audit.write_text(out, repeats);
  if (!out.flush(1)) io_error("standard output", errno), status = exit_io;
  if (status == exit_ok && (errors != 0 || audit.anomalies() != 0)) status = exit_malformed;
  return status;
}

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_LIFECYCLE_AUDIT_HPP
