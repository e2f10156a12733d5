// sandlog CLI: reading several sources as one output — merged by time or
// concatenated, with --prefix — and --tail from the end of regular files.
//
// Each source has its own reader, fed a 64 KiB chunk at a time whenever the
// merge asks that source for a record and its queue is empty, so what is held
// is one chunk's records per source. --since/--until/--stream/--where apply in
// the sources' readers (they judge one record at a time); --tail applies to
// the merged stream, in one more reader that only keeps the tail.
#ifndef SANDLOG_CLI_SET_RUN_HPP
#define SANDLOG_CLI_SET_RUN_HPP

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "input.hpp"
#include "sources.hpp"

namespace sandlog_cli {

// A record held between a source's reader and the merge: its own copies of
// the texts, buffers reused from record to record.
struct held_record {
  sandlog::read_record record{};
  std::string text, time_text, attrs;

  const sandlog::timestamp* time() const noexcept { return record.has_time ? &record.time : nullptr; }
  void assign(const sandlog::read_record& r) {
    text.assign(r.message.data(), r.message.size());
    time_text.assign(r.time_text.data(), r.time_text.size());
    attrs.assign(r.attrs.data(), r.attrs.size());
    record = r;
    point();
  }
  // Takes o's texts by swapping buffers (a short string's bytes move with it,
  // hence the views are set again).
  void take(held_record& o) noexcept {
    text.swap(o.text);
    time_text.swap(o.time_text);
    attrs.swap(o.attrs);
    record = o.record;
    point();
  }

 private:
  void point() noexcept {
    record.message = text;
    record.time_text = time_text;
    record.attrs = attrs;
  }
};

// One source read on demand into a queue of records.
class pulled_source {
 public:
  static constexpr std::size_t chunk = std::size_t{64} << 10;

  pulled_source(const options& opt, const render_options& ro, const cli_source& src,
                set_position from, std::optional<sandlog::log_format> format, record_fields& fields)
      : rd_(source_opts(opt, ro, format)), cursor_(opt, src, from, chunk), strict_(opt.strict) {
    fields.attach(rd_);
  }

  // The source's next record, or false at its end.
  bool pull(held_record& out, int& status) {
    while (head_ == count_) {
      if (done_) return false;
      head_ = count_ = 0;
      queue_sink qs{this};
      if (!cursor_.step(rd_, qs, rep_, status)) {
        rd_.end_messages(qs);
        done_ = true;
      }
    }
    out.take(queue_[head_++]);
    return true;
  }

  bool bad() const noexcept { return bad_; }
  const sandlog::reader_stats& stats() const noexcept { return rd_.stats(); }

 private:
  static sandlog::reader_options source_opts(const options& opt, const render_options& ro,
                                             std::optional<sandlog::log_format> format) {
    sandlog::reader_options o = reader_opts(opt, ro, format);
    o.tail.reset();  // the tail is the merged stream's
    return o;
  }

  struct queue_sink {
    pulled_source* self;
    void operator()(const sandlog::read_record& r) {
      auto& q = self->queue_;
      if (self->count_ == q.size()) q.emplace_back();
      q[self->count_++].assign(r);
    }
    sandlog::error operator()(const sandlog::read_error& e) {
      self->bad_ = true;
      self->rep_.report(make_note(e));
      return self->strict_ ? e.ec : sandlog::error::ok;
    }
  };

  reader rd_;
  set_cursor cursor_;
  error_reporter rep_;
  std::vector<held_record> queue_;
  std::size_t head_ = 0, count_ = 0;
  bool done_ = false;
  bool bad_ = false;
  bool strict_ = false;
};

// Renders the merged stream, each record with its source when --prefix.
// The source of a record the tail held comes from a ring indexed by the
// final reader's line number (one per record added, so the tail's records
// are the last lines added).
struct merged_sink {
  out_buffer* out;
  const render_options* ro;
  record_fields* fields;
  const std::vector<std::string>* prefixes;  // as written: text-escaped, JSON-escaped
  const std::vector<std::uint32_t>* ring;
  bool prefix = false;
  std::string scratch;

  void operator()(const sandlog::read_record& r) {
    if (!prefix) {
      render(*out, r, *ro, fields->for_output(r));
      return;
    }
    const std::string& p = (*prefixes)[(*ring)[r.line % ring->size()]];
    if (ro->mode != output_mode::ndjson) {
      out->append(p);
      render(*out, r, *ro, fields->for_output(r));
      return;
    }
    // ndjson: `"source":…,` right after the record's opening brace.
    const std::size_t at = out->size();
    render(*out, r, *ro, fields->for_output(r));
    const std::string_view rest = out->view().substr(at + 1);
    scratch.assign(rest.data(), rest.size());
    out->truncate(at + 1);
    out->append(p);
    out->append(scratch);
  }
};

// The format a single reader would decide on the head of a set (its first
// MiB, across members), or nullopt when the head is a JSON page.
inline std::optional<sandlog::log_format> detect_set_format(const cli_source& src) {
  reader probe;
  auto ignore = [](const sandlog::read_record&) {};
  // 64 KiB at a time: four lines decide, and the head may be long.
  std::string part(std::size_t{64} << 10, '\0');
  std::size_t held = 0;
  for (const std::string& path : src.paths) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    for (std::uint64_t at = 0; held < read_size && !probe.stats().decided;) {
      const ssize_t n = pread_full(fd, &part[0], part.size(), at);
      if (n <= 0) break;
      const std::string_view got(part.data(), static_cast<std::size_t>(n));
      if (held == 0 && at == 0 && looks_like_page(got)) {
        ::close(fd);
        return std::nullopt;
      }
      probe.feed(got, ignore);
      held += got.size();
      at += got.size();
    }
    ::close(fd);
    probe.end_input(ignore);
    if (held >= read_size || probe.stats().decided) break;
  }
  return probe.format();
}

// Where to start reading a set of regular, uncompressed line files so that the
// last `tail` records that pass the filters come out as a full pass would
// give them: back from the end in growing blocks until a counting pass finds
// enough records after every record that could be the broken end of a
// message begun before the cut (the first record of each stream). Returns
// nullopt when the whole set is to be read anyway (or cannot be cut).
inline std::optional<set_position> find_tail_start(const options& opt, const render_options& ro,
                                                   const cli_source& src, record_fields& fields,
                                                   sandlog::log_format format) {
  const std::uint64_t want = *opt.tail;
  std::vector<std::uint64_t> sizes;
  std::uint64_t total = 0;
  for (const std::string& path : src.paths) {
    struct stat st {};
    if (path == "-" || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    // Only lines can be cut at a newline: not gzip, not Docker's records.
    char head[64] = {};
    const ssize_t n = pread_full(fd, head, sizeof head, 0);
    ::close(fd);
    if (n < 0) return std::nullopt;
    const std::string_view got(head, static_cast<std::size_t>(n));
    if (is_gzip_head(got) || (!got.empty() && docker_head(opt, got))) return std::nullopt;
    sizes.push_back(static_cast<std::uint64_t>(st.st_size));
    total += static_cast<std::uint64_t>(st.st_size);
  }
  // A record takes a byte at least: more records than bytes is the whole set.
  if (want >= total) return std::nullopt;
  std::uint64_t block = std::uint64_t{256} << 10;
  std::unique_ptr<char[]> buf(new char[64 << 10]);
  for (;;) {
    if (block >= total) return std::nullopt;
    // The cut, block bytes before the end, moved back to the start of its line.
    set_position cut;
    std::uint64_t left = total - block;
    while (left >= sizes[cut.member]) left -= sizes[cut.member++];
    cut.offset = left;
    {
      const int fd = ::open(src.paths[cut.member].c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) return std::nullopt;
      std::uint64_t end = cut.offset;
      bool found = false;
      while (end != 0 && !found) {
        const std::uint64_t len = std::min<std::uint64_t>(end, 64 << 10);
        const ssize_t n = pread_full(fd, buf.get(), static_cast<std::size_t>(len), end - len);
        if (n != static_cast<ssize_t>(len)) break;
        for (std::uint64_t i = len; i-- > 0;)
          if (buf[i] == '\n') {
            cut.offset = end - len + i + 1;
            found = true;
            break;
          }
        end -= len;
      }
      ::close(fd);
      if (!found) cut.offset = 0;
    }
    if (cut.member == 0 && cut.offset == 0) return std::nullopt;
    // The counting pass: every record, unfiltered; an oracle reader with the
    // run's filters (and no joining, the records being whole) says which pass.
    sandlog::reader_options uo;
    uo.format = format;
    uo.join_partials = opt.join;
    uo.max_line = max_line_bytes;
    uo.keep_time_text = false;
    reader all(uo);
    sandlog::reader_options fo = reader_opts(opt, ro, format);
    fo.tail.reset();
    fo.join_partials = false;
    reader oracle(fo);
    fields.attach(oracle);
    std::uint64_t passing_after = 0;  // records passing after the last first-of-a-stream
    std::array<bool, 4> seen{};
    bool passed = false;
    auto judge = [&](const sandlog::read_record&) { passed = true; };
    auto count = [&](const sandlog::read_record& r) {
      const std::size_t s = static_cast<std::size_t>(r.stream) & 3;
      if (!seen[s]) {
        seen[s] = true;
        passing_after = 0;
        return;
      }
      passed = false;
      oracle.add(r, {}, judge);
      if (passed) ++passing_after;
    };
    set_cursor cursor(opt, src, cut, std::size_t{256} << 10);
    error_reporter quiet;
    int ignored = exit_ok;
    // Errors are reported by the output pass, not here.
    auto counting_sink = sandlog::sinks(count, [](const sandlog::read_error&) {});
    {
      // set_cursor reports member faults to stderr; the output pass reads
      // the same bytes and reports them, so this pass has only plain files.
      while (cursor.step(all, counting_sink, quiet, ignored)) {
      }
      all.end_messages(counting_sink);
    }
    if (passing_after >= want) return cut;
    block *= 4;
  }
}

// Reads the sources into one output: merged by time (or one after another
// with --concat), each from `starts` (the start of the set unless --tail
// found a later one), the tail kept over the merged stream.
inline int run_pulled(const options& opt, const render_options& ro,
                      const std::vector<cli_source>& sources,
                      const std::vector<set_position>& starts,
                      const std::vector<std::optional<sandlog::log_format>>& formats,
                      run_stats& total) {
  record_fields fields(opt);
  std::vector<std::unique_ptr<pulled_source>> srcs;
  std::vector<std::string> prefixes;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    srcs.push_back(std::make_unique<pulled_source>(opt, ro, sources[i], starts[i], formats[i], fields));
    const std::string& name = sources[i].name;
    if (ro.mode == output_mode::ndjson) {
      out_buffer b;
      b.append("\"source\":");
      append_json_string(b, name);
      b.push(',');
      prefixes.emplace_back(b.view());
    } else {
      prefixes.push_back("[" + escaped_text(name) + "] ");
    }
  }
  sandlog::reader_options fo;
  fo.join_partials = false;  // the sources' readers joined what was to be joined
  fo.tail = opt.tail;
  fo.tail_bytes = tail_bytes;
  fo.max_line = max_line_bytes;
  fo.keep_time_text = ro.timestamps && !ro.utc;
  reader fin(fo);
  // The tail holds at most tail_bytes / 48 records (its slot size).
  const std::uint64_t held_max = opt.tail ? std::min<std::uint64_t>(*opt.tail, tail_bytes / 48) : 0;
  std::vector<std::uint32_t> ring(static_cast<std::size_t>(held_max) + 2);
  out_buffer out;
  merged_sink sink{&out, &ro, &fields, &prefixes, &ring, opt.prefix, {}};
  int status = exit_ok;
  std::uint64_t added = 0;
  auto emit = [&](std::size_t s, const held_record& h) -> bool {
    ring[static_cast<std::size_t>(++added % ring.size())] = static_cast<std::uint32_t>(s);
    fin.add(h.record, sink);
    if (out.full() && !out.flush(1)) {
      io_error("standard output", errno);
      status = exit_io;
      return false;
    }
    return true;
  };
  if (opt.concat || srcs.size() == 1) {
    held_record h;
    for (std::size_t s = 0; s < srcs.size(); ++s)
      while (srcs[s]->pull(h, status))
        if (!emit(s, h)) return status;
  } else {
    sandlog::merger<held_record> m(srcs.size());
    auto pull = [&](std::size_t i, held_record& h) { return srcs[i]->pull(h, status); };
    while (const held_record* h = m.next(pull))
      if (!emit(m.source(), *h)) return status;
  }
  fin.release_tail(sink);
  if (fin.stats().tail_short != 0)
    std::fprintf(stderr, "sandlog: --tail: %llu fewer records kept (64 MiB bound)\n",
                 static_cast<unsigned long long>(fin.stats().tail_short));
  if (!out.flush(1)) {
    io_error("standard output", errno);
    status = exit_io;
  }
  bool bad = false;
  for (std::size_t i = 0; i < srcs.size(); ++i) {
    source_notes().at_end(opt, source_label(sources[i]), srcs[i]->stats());
    total.add_read(srcs[i]->stats());
    bad = bad || srcs[i]->bad();
  }
  // Written is what the final reader delivered, after --tail.
  total.add_written(fin.stats());
  if (status == exit_ok && bad) status = exit_malformed;
  return status;
}

// Runs the record command over the expanded sources: --tail from the end
// where the sets allow it, merged or concatenated when there are several
// sources or --prefix, else one reader over them all.
inline int run_sources(const options& opt, const render_options& ro,
                       const std::vector<cli_source>& sources, run_stats& total) {
  std::vector<set_position> starts(sources.size());
  std::vector<std::optional<sandlog::log_format>> formats(sources.size(), opt.format);
  bool cut = false;
  if (opt.tail && !opt.follow && !opt.lifecycle_json) {
    record_fields fields(opt);
    for (std::size_t i = 0; i < sources.size(); ++i) {
      if (sources[i].paths.size() == 1 && sources[i].paths[0] == "-") continue;
      std::optional<sandlog::log_format> f = opt.format;
      if (!f) f = detect_set_format(sources[i]);
      if (!f) continue;
      if (std::optional<set_position> p = find_tail_start(opt, ro, sources[i], fields, *f)) {
        starts[i] = *p;
        formats[i] = f;  // read from the middle, the format is the head's
        cut = true;
      }
    }
  }
  const bool several = sources.size() > 1 && !opt.concat;
  if (!opt.follow && (cut || several || opt.prefix))
    return run_pulled(opt, ro, sources, starts, formats, total);
  return run_sequential(opt, ro, sources, total);
}

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_SET_RUN_HPP
