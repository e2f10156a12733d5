// Fuzzes event_decoder: never crashes; the verdict and the entries are the
// same whatever bytes follow the input in memory; every entry's timestamp
// formats and parses back to the same instant. With on_bad (skipping bad
// entries): the same padding independence; what the two-argument form
// delivers comes first, and a page it accepts whole gives the same entries
// and skips nothing; each skipped entry's place (offset, line, column, text)
// is where the body says.
#include <sandlog/json.hpp>

#include <string>
#include <vector>

#include "fuzz_util.hpp"

namespace {

struct outcome {
  sandlog::json_result result;
  std::vector<std::pair<sandlog::timestamp, std::string>> entries;
};

outcome decode(sandlog::event_decoder& d, std::string_view bytes) {
  outcome o;
  o.result = d.decode_page(bytes, [&](const sandlog::log_entry& e) {
    o.entries.emplace_back(e.time, std::string(e.line));
  });
  SANDLOG_FUZZ_ASSERT(o.result.entries == o.entries.size());
  return o;
}

struct skipped_outcome {
  sandlog::json_result result;
  std::vector<std::pair<sandlog::timestamp, std::string>> entries;
  std::vector<sandlog::entry_error> bad;
  std::vector<std::string> bad_text;
};

skipped_outcome decode_skipping(sandlog::event_decoder& d, std::string_view bytes) {
  skipped_outcome o;
  o.result = d.decode_page(
      bytes, [&](const sandlog::log_entry& e) { o.entries.emplace_back(e.time, std::string(e.line)); },
      [&](const sandlog::entry_error& e) {
        o.bad.push_back(e);
        o.bad_text.emplace_back(e.text);
      });
  SANDLOG_FUZZ_ASSERT(o.result.entries == o.entries.size());
  SANDLOG_FUZZ_ASSERT(o.result.skipped == o.bad.size());
  for (std::size_t i = 0; i < o.bad.size(); ++i) {
    const sandlog::entry_error& e = o.bad[i];
    SANDLOG_FUZZ_ASSERT(e.ec != sandlog::error::ok);
    SANDLOG_FUZZ_ASSERT(e.offset <= bytes.size() && o.bad_text[i].size() <= bytes.size() - e.offset);
    SANDLOG_FUZZ_ASSERT(bytes.substr(e.offset, o.bad_text[i].size()) == o.bad_text[i]);
    const sandlog::text_position pos = sandlog::position_of(bytes, e.offset);
    SANDLOG_FUZZ_ASSERT(pos.line == e.line && pos.column == e.column);
    if (i != 0) SANDLOG_FUZZ_ASSERT(e.index > o.bad[i - 1].index && e.offset > o.bad[i - 1].offset);
  }
  SANDLOG_FUZZ_ASSERT(o.result.offset == sandlog::json_result::npos || o.result.offset <= bytes.size());
  return o;
}

void check_round_trip(const sandlog::timestamp& t) {
  char buf[sandlog::max_timestamp_chars];
  sandlog::format_options opts;
  opts.fraction = sandlog::fraction_digits::nano;
  opts.offset = sandlog::zone::stored;
  const char* end = sandlog::format_timestamp(t, buf, opts);
  SANDLOG_FUZZ_ASSERT(end != nullptr);
  sandlog::timestamp back;
  SANDLOG_FUZZ_ASSERT(sandlog::parse_timestamp(buf, end, back).ptr == end);
  SANDLOG_FUZZ_ASSERT(back == t && back.offset_minutes == t.offset_minutes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sandlog_fuzz::input in(data, size);
  const std::uint8_t choice = in.byte();
  sandlog::json_options opts;
  opts.shape = static_cast<sandlog::page_shape>(choice % 4);
  if (choice & 0x10) opts.max_entries = 3;
  if (choice & 0x20) opts.max_depth = 8;
  const std::string_view payload = in.rest();

  const sandlog_fuzz::exact_buffer exact(payload);
  std::string garbage(payload);
  garbage += "]}\"\\\n{\"logs\":[1e999 true \xff";
  garbage.append(80, '"');

  sandlog::event_decoder d(opts);
  const outcome a = decode(d, exact.view());
  const outcome b = decode(d, std::string_view(garbage.data(), payload.size()));
  SANDLOG_FUZZ_ASSERT(a.result.ec == b.result.ec);
  SANDLOG_FUZZ_ASSERT(a.result.field == b.result.field);
  SANDLOG_FUZZ_ASSERT(a.entries.size() == b.entries.size());
  for (std::size_t i = 0; i < a.entries.size(); ++i) {
    SANDLOG_FUZZ_ASSERT(a.entries[i].first == b.entries[i].first);
    SANDLOG_FUZZ_ASSERT(a.entries[i].second == b.entries[i].second);
    check_round_trip(a.entries[i].first);
  }
  SANDLOG_FUZZ_ASSERT(a.entries.size() <= opts.max_entries);

  const skipped_outcome sa = decode_skipping(d, exact.view());
  const skipped_outcome sb = decode_skipping(d, std::string_view(garbage.data(), payload.size()));
  SANDLOG_FUZZ_ASSERT(sa.result.ec == sb.result.ec && sa.result.field == sb.result.field);
  SANDLOG_FUZZ_ASSERT(sa.result.offset == sb.result.offset);
  SANDLOG_FUZZ_ASSERT(sa.entries == sb.entries && sa.bad_text == sb.bad_text);
  SANDLOG_FUZZ_ASSERT(sa.entries.size() + sa.bad.size() <= opts.max_entries);
  // What stops the two-argument form comes after what it delivered.
  SANDLOG_FUZZ_ASSERT(a.entries.size() <= sa.entries.size());
  for (std::size_t i = 0; i < a.entries.size(); ++i) SANDLOG_FUZZ_ASSERT(a.entries[i] == sa.entries[i]);
  if (a.result) {
    SANDLOG_FUZZ_ASSERT(sa.result && sa.bad.empty() && sa.entries.size() == a.entries.size());
  }

  sandlog::log_record ra, rb;
  std::string_view aa, ab;
  const sandlog::json_result da = d.decode_docker_json(exact.view(), ra, aa);
  const std::string ma(ra.message), attrs(aa);
  const sandlog::json_result db =
      d.decode_docker_json(std::string_view(garbage.data(), payload.size()), rb, ab);
  SANDLOG_FUZZ_ASSERT(da.ec == db.ec && da.field == db.field);
  if (da) {
    SANDLOG_FUZZ_ASSERT(ma == rb.message && ra.partial == rb.partial && ra.stream == rb.stream);
    SANDLOG_FUZZ_ASSERT(ra.time == rb.time);
    SANDLOG_FUZZ_ASSERT(attrs == ab);
    check_round_trip(ra.time);
    // The attrs text is the object itself: set in a line of its own, it
    // decodes to the same text.
    if (!attrs.empty()) {
      SANDLOG_FUZZ_ASSERT(attrs.front() == '{' && attrs.back() == '}');
      const std::string again = "{\"attrs\":" + attrs + ",\"time\":\"2026-02-20T14:30:00Z\"}";
      std::string_view ac;
      SANDLOG_FUZZ_ASSERT(d.decode_docker_json(again, rb, ac));
      SANDLOG_FUZZ_ASSERT(ac == attrs);
    }
  }
  return 0;
}
