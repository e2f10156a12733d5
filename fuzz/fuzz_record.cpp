// parse_record across every format, detect_format, format_detector and
// cri_joiner. Invariants: success consumes the whole line and the message is
// a sub-view of it; failure leaves the record untouched; a parsed timestamp
// formats and parses back to itself; the format detect_format names parses
// the line; the joiner, fed the input's CRI lines, hands out exactly the
// messages a per-stream model puts together; record_parser and
// timestamp_memo give what parse_record and parse_timestamp give.
#include <sandlog/record.hpp>

#include "fuzz_util.hpp"

#include <string>
#include <vector>

namespace {

struct joined {
  sandlog::stream_kind stream;
  std::string text;
  std::int64_t seconds;
  std::uint8_t flags;
  bool operator==(const joined& o) const {
    return stream == o.stream && text == o.text && seconds == o.seconds && flags == o.flags;
  }
};

// Each input line that parses as CRI goes to a cri_joiner (no limit reached)
// and to a model: one pending text and first time per stream.
void check_joiner(std::string_view input) {
  sandlog::cri_joiner joiner;
  std::vector<joined> got, want;
  auto sink = [&](const sandlog::joined_record& j) {
    SANDLOG_FUZZ_ASSERT(j.record.partial == j.is_unterminated());
    got.push_back({j.record.stream, std::string(j.record.message), j.record.time.seconds, j.flags});
  };
  struct pending {
    bool open = false;
    std::string text;
    std::int64_t seconds = 0;
  } model[3];
  std::string_view rest = input;
  while (!rest.empty()) {
    const std::size_t nl = rest.find('\n');
    const std::string_view one = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    sandlog::log_record r;
    if (!sandlog::parse_record(one, sandlog::log_format::cri, r)) continue;
    pending& m = model[static_cast<int>(r.stream)];
    if (!m.open) {
      m.open = true;
      m.seconds = r.time.seconds;
    }
    m.text += r.message;
    if (!r.partial) {
      want.push_back({r.stream, m.text, m.seconds, 0});
      m = pending();
    }
    SANDLOG_FUZZ_ASSERT(joiner.add(r, sink) == sandlog::error::ok);
    SANDLOG_FUZZ_ASSERT(got == want);
  }
  for (auto k : {sandlog::stream_kind::out, sandlog::stream_kind::err, sandlog::stream_kind::unknown}) {
    const pending& m = model[static_cast<int>(k)];
    if (m.open) want.push_back({k, m.text, m.seconds, sandlog::line::unterminated});
  }
  SANDLOG_FUZZ_ASSERT(joiner.finish(sink) == sandlog::error::ok);
  SANDLOG_FUZZ_ASSERT(got == want);
  SANDLOG_FUZZ_ASSERT(joiner.buffered() == 0);
}

// A record_parser, and a bare timestamp_memo, over the input's lines give
// exactly what parse_record and parse_timestamp give line by line: the memo
// changes how much work a line costs, never its result.
void check_memo(std::string_view input, sandlog::timestamp_options opts) {
  for (unsigned f = 0; f <= 5; ++f) {
    const auto format = static_cast<sandlog::log_format>(f);
    sandlog::record_parser parser(format, opts);
    sandlog::timestamp_memo memo;
    std::string_view rest = input;
    while (!rest.empty()) {
      const std::size_t nl = rest.find('\n');
      const std::string_view one = rest.substr(0, nl);
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
      sandlog::log_record a, b;
      const sandlog::parse_result ra = sandlog::parse_record(one, format, a, opts);
      const sandlog::parse_result rb = parser.parse(one, b);
      SANDLOG_FUZZ_ASSERT(ra.ec == rb.ec && ra.ptr == rb.ptr);
      SANDLOG_FUZZ_ASSERT(a.time == b.time && a.time.offset_minutes == b.time.offset_minutes);
      SANDLOG_FUZZ_ASSERT(a.has_time == b.has_time && a.stream == b.stream && a.partial == b.partial);
      SANDLOG_FUZZ_ASSERT(a.message.data() == b.message.data() && a.message.size() == b.message.size());
      if (f != 0) continue;
      const char* first = one.data();
      const char* last = first + one.size();
      sandlog::timestamp x, y;
      const sandlog::parse_result tx = sandlog::parse_timestamp(first, last, x, opts);
      const sandlog::parse_result ty = sandlog::parse_timestamp(first, last, y, memo, opts);
      SANDLOG_FUZZ_ASSERT(tx.ec == ty.ec && tx.ptr == ty.ptr);
      SANDLOG_FUZZ_ASSERT(x == y && x.offset_minutes == y.offset_minutes);
    }
  }
}

bool untouched(const sandlog::log_record& r) {
  return r.time.seconds == -1 && r.time.nanos == 1 && !r.has_time &&
         r.stream == sandlog::stream_kind::unknown && !r.partial && r.message.data() == nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sandlog_fuzz::input in(data, size);
  const std::uint8_t choice = in.byte();
  sandlog::timestamp_options opts;
  opts.grammar = (choice & 8) ? sandlog::syntax::iso8601 : sandlog::syntax::rfc3339;
  const sandlog_fuzz::exact_buffer buf(in.rest());
  const std::string_view line = buf.view();

  for (unsigned f = 0; f <= 5; ++f) {  // 5 is out of range on purpose
    const auto format = static_cast<sandlog::log_format>(f);
    sandlog::log_record r;
    r.time.seconds = -1;
    r.time.nanos = 1;
    const sandlog::parse_result res = sandlog::parse_record(line, format, r, opts);
    SANDLOG_FUZZ_ASSERT(res.ptr >= line.data() && res.ptr <= line.data() + line.size());
    if (!res) {
      SANDLOG_FUZZ_ASSERT(untouched(r));
      SANDLOG_FUZZ_ASSERT(f != 0);  // raw never fails
      continue;
    }
    SANDLOG_FUZZ_ASSERT(res.ptr == line.data() + line.size());
    SANDLOG_FUZZ_ASSERT(r.message.data() >= line.data());
    SANDLOG_FUZZ_ASSERT(r.message.data() + r.message.size() == line.data() + line.size());
    SANDLOG_FUZZ_ASSERT(r.has_time == (f != 0));
    SANDLOG_FUZZ_ASSERT((r.stream != sandlog::stream_kind::unknown) == (f == 2));
    if (r.has_time) {
      char text[sandlog::max_timestamp_chars];
      sandlog::format_options fo;
      fo.fraction = sandlog::fraction_digits::nano;
      fo.offset = sandlog::zone::stored;
      const char* end = sandlog::format_timestamp(r.time, text, fo);
      SANDLOG_FUZZ_ASSERT(end > text && end <= text + sizeof text);
      sandlog::timestamp back;
      const sandlog::parse_result again = sandlog::parse_timestamp(text, end, back);
      SANDLOG_FUZZ_ASSERT(again && again.ptr == end);
      SANDLOG_FUZZ_ASSERT(back == r.time);
      SANDLOG_FUZZ_ASSERT(back.offset_minutes == r.time.offset_minutes);
    }
  }

  const sandlog::log_format guess = sandlog::detect_format(line, opts);
  if (guess != sandlog::log_format::docker_json) {
    sandlog::log_record r;
    SANDLOG_FUZZ_ASSERT(sandlog::parse_record(line, guess, r, opts));
  } else {
    SANDLOG_FUZZ_ASSERT(!line.empty() && line.front() == '{');
  }

  // The detector over the input's lines never settles on a format that one
  // of the lines it used fails to parse.
  sandlog::format_detector detector(1 + (choice & 7), opts);
  std::vector<std::string_view> used;
  std::string_view rest = line;
  while (!rest.empty() && !detector.settled()) {
    const std::size_t nl = rest.find('\n');
    const std::string_view one = rest.substr(0, nl);
    detector.add(one);
    if (!one.empty()) used.push_back(one);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  }
  const sandlog::log_format settled = detector.format();
  if (settled != sandlog::log_format::docker_json)
    for (std::string_view one : used) {
      sandlog::log_record r;
      SANDLOG_FUZZ_ASSERT(sandlog::parse_record(one, settled, r, opts));
    }

  check_joiner(line);
  opts.leap = static_cast<sandlog::leap_second>((choice >> 4) % 3);
  check_memo(line, opts);
  return 0;
}
