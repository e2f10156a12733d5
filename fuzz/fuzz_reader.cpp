// record_reader over any bytes. Invariants: every chunking gives the same
// records and errors, push and pull style agree, and the records equal a
// slow reference built from the parts (line_splitter, parse_record,
// cri_joiner) in the format the reader decided.
#include <sandlog/reader.hpp>

#include "fuzz_util.hpp"

#include <string>
#include <vector>

namespace {

struct item {
  bool is_error = false;
  std::uint64_t line = 0;
  sandlog::stream_kind stream{};
  std::int64_t seconds = 0;
  std::uint32_t nanos = 0;
  bool has_time = false;
  bool partial = false;
  std::uint8_t flags = 0;
  std::string text;
  bool operator==(const item& o) const {
    return is_error == o.is_error && line == o.line && stream == o.stream &&
           seconds == o.seconds && nanos == o.nanos && has_time == o.has_time &&
           partial == o.partial && flags == o.flags && text == o.text;
  }
};

item of(const sandlog::read_record& r) {
  item i;
  i.line = r.line;
  i.stream = r.stream;
  i.seconds = r.time.seconds;
  i.nanos = r.time.nanos;
  i.has_time = r.has_time;
  i.partial = r.partial;
  i.flags = r.flags;
  i.text = std::string(r.message);
  // The time text, when kept, is the timestamp as written at the line start.
  SANDLOG_FUZZ_ASSERT(r.time_text.empty() || r.has_time);
  return i;
}
item of(const sandlog::read_error& e) {
  item i;
  i.is_error = true;
  i.line = e.line;
  i.text = std::string(e.excerpt);
  SANDLOG_FUZZ_ASSERT(e.ec != sandlog::error::ok);
  SANDLOG_FUZZ_ASSERT(e.excerpt.size() <= sandlog::excerpt_bytes);
  return i;
}

struct collect {
  std::vector<item>* out;
  void operator()(const sandlog::read_record& r) { out->push_back(of(r)); }
  void operator()(const sandlog::read_error& e) { out->push_back(of(e)); }
};

std::vector<item> push_style(const sandlog::reader_options& o, std::string_view payload,
                             const std::vector<std::uint8_t>& sizes, sandlog::log_format* format) {
  sandlog::record_reader rd(o);
  std::vector<item> out;
  collect sink{&out};
  for (const auto& c : sandlog_fuzz::chunk(payload, sizes)) rd.feed(c.view(), sink);
  rd.finish(sink);
  if (format) *format = rd.format();
  SANDLOG_FUZZ_ASSERT(rd.stats().records + rd.stats().malformed_total() == out.size());
  return out;
}

std::vector<item> pull_style(const sandlog::reader_options& o, std::string_view payload,
                             const std::vector<std::uint8_t>& sizes) {
  sandlog::record_reader rd(o);
  std::vector<item> out;
  sandlog::read_record r;
  sandlog::read_error e;
  auto drain = [&] {
    for (;;) {
      const sandlog::pulled p = rd.next(r, e);
      if (p == sandlog::pulled::none) return;
      out.push_back(p == sandlog::pulled::record ? of(r) : of(e));
    }
  };
  const auto chunks = sandlog_fuzz::chunk(payload, sizes);
  for (const auto& c : chunks) {
    rd.push(c.view());
    drain();
  }
  rd.push_end();
  drain();
  return out;
}

// The parts, put together by hand in the decided format: whole lines only,
// with no pieces (the payload is far below max_line).
std::vector<item> reference(std::string_view payload, sandlog::log_format format, bool join) {
  std::vector<item> out;
  sandlog::line_splitter splitter;
  sandlog::cri_joiner joiner(sandlog::joiner_options{std::size_t{16} << 20, sandlog::overflow::split});
  std::uint64_t line_no = 0;
  std::uint64_t first_line[3] = {0, 0, 0};
  bool open[3] = {false, false, false};
  std::uint8_t line_flags = 0;
  auto on_line = [&](const sandlog::line& l) {
    ++line_no;
    sandlog::log_record r;
    if (format != sandlog::log_format::raw && l.text.empty()) return;  // blank: skipped
    if (format == sandlog::log_format::docker_json ||
        !sandlog::parse_record(l.text, format, r)) {
      item e;
      e.is_error = true;
      e.line = line_no;
      e.text = std::string(l.text.substr(0, sandlog::excerpt_bytes));
      out.push_back(e);
      return;
    }
    line_flags = l.flags & sandlog::line::unterminated;
    if (!join) {
      sandlog::read_record rr;
      static_cast<sandlog::log_record&>(rr) = r;
      rr.line = line_no;
      rr.flags = line_flags;
      out.push_back(of(rr));
      return;
    }
    const auto s = static_cast<std::size_t>(r.stream);
    const bool was_open = open[s];
    if (!was_open && r.partial) first_line[s] = line_no;
    open[s] = r.partial;
    joiner.add(r, [&](const sandlog::joined_record& j) {
      sandlog::read_record rr;
      static_cast<sandlog::log_record&>(rr) = j.record;
      rr.line = was_open || r.partial ? first_line[s] : line_no;
      rr.flags = was_open || r.partial ? j.flags : line_flags;
      out.push_back(of(rr));
    });
  };
  splitter.feed(payload, on_line);
  splitter.finish(on_line);
  if (join)
    joiner.finish([&](const sandlog::joined_record& j) {
      sandlog::read_record rr;
      static_cast<sandlog::log_record&>(rr) = j.record;
      rr.line = first_line[static_cast<std::size_t>(j.record.stream)];
      rr.flags = j.flags;
      out.push_back(of(rr));
    });
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sandlog_fuzz::input in(data, size);
  const std::uint8_t mode = in.byte();
  std::vector<std::uint8_t> sizes;
  for (int i = 0, n = in.byte() % 5; i < n; ++i) sizes.push_back(in.byte());
  const std::string_view payload = in.rest();
  if (payload.size() > 1 << 16) return 0;

  sandlog::reader_options o;
  o.join_partials = (mode & 1) == 0;
  if (mode & 2) o.format = static_cast<sandlog::log_format>((mode >> 2) % 4);  // no docker_json
  if (mode & 64) o.tail = (mode >> 4) % 4;

  sandlog::log_format decided = sandlog::log_format::raw;
  const std::vector<item> whole = push_style(o, payload, {}, &decided);
  SANDLOG_FUZZ_ASSERT(push_style(o, payload, sizes, nullptr) == whole);
  SANDLOG_FUZZ_ASSERT(push_style(o, payload, {1}, nullptr) == whole);
  SANDLOG_FUZZ_ASSERT(pull_style(o, payload, sizes) == whole);

  if (!o.tail) {
    std::vector<item> want = reference(payload, decided, o.join_partials);
    SANDLOG_FUZZ_ASSERT(want == whole);
  }
  return 0;
}
