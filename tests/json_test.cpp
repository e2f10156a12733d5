// Specification of json.hpp: page bodies and Docker json-file lines in, typed
// entries out; every malformed input gets a named error, and the entries
// before it are delivered.
#include <sandlog/json.hpp>

// Predicates need fast_float, which is header-only: no extra link.
#if __has_include(<fast_float/fast_float.h>)
#include <sandlog/predicate.hpp>
#define SANDLOG_TEST_PREDICATES 1
#else
#define SANDLOG_TEST_PREDICATES 0
#endif

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "support/counting_allocator.hpp"
#include "support/vectors.hpp"

using sandlog::error;
using sandlog::event_decoder;
using sandlog::json_options;
using sandlog::json_result;
using sandlog::page_shape;

namespace {

struct decoded {
  std::string time;  // formatted back, exact digits
  std::string line;
};

std::string format(const sandlog::timestamp& t) {
  char buf[sandlog::max_timestamp_chars];
  sandlog::format_options o;
  o.fraction = sandlog::fraction_digits::nano;
  const char* end = sandlog::format_timestamp(t, buf, o);
  REQUIRE(end != nullptr);
  return std::string(buf, static_cast<std::size_t>(end - buf));
}

struct run {
  json_result result;
  std::vector<decoded> entries;
};

run decode(const std::string& body, json_options opts = {}) {
  event_decoder d(opts);
  run r;
  r.result = d.decode_page(body, [&](const sandlog::log_entry& e) {
    r.entries.push_back({format(e.time), std::string(e.line)});
  });
  CHECK(r.result.entries == r.entries.size());
  CHECK(d.last_error().ec == r.result.ec);
  return r;
}

std::string entry(int i) {
  return R"({"timestamp":"2026-03-06T10:00:)" + std::string(i < 10 ? "0" : "") + std::to_string(i) +
         R"(Z","line":"line )" + std::to_string(i) + "\"}";
}

std::string envelope(int n) {
  std::string s = R"({"logs":[)";
  for (int i = 0; i < n; ++i) s += (i ? "," : "") + entry(i);
  return s + "]}";
}

std::string expected_time(int i) {
  return "2026-03-06T10:00:" + std::string(i < 10 ? "0" : "") + std::to_string(i) + ".000000000Z";
}

// decode_page(body, sink, on_bad): the entries, and each skipped one.
struct skipping_run {
  json_result result;
  std::vector<decoded> entries;
  std::vector<sandlog::entry_error> bad;
  std::vector<std::string> bad_text;  // copies: the views die with the decode call
};

skipping_run decode_skipping(const std::string& body, json_options opts = {}) {
  event_decoder d(opts);
  skipping_run r;
  r.result = d.decode_page(
      body, [&](const sandlog::log_entry& e) { r.entries.push_back({format(e.time), std::string(e.line)}); },
      [&](const sandlog::entry_error& e) {
        r.bad.push_back(e);
        r.bad_text.emplace_back(e.text);
      });
  CHECK(r.result.entries == r.entries.size());
  CHECK(r.result.skipped == r.bad.size());
  for (std::size_t i = 0; i < r.bad.size(); ++i) {
    const sandlog::entry_error& e = r.bad[i];
    // Where it is: the offset, its line and column, and the text there agree.
    REQUIRE(e.offset + r.bad_text[i].size() <= body.size());
    CHECK(body.compare(e.offset, r.bad_text[i].size(), r.bad_text[i]) == 0);
    const sandlog::text_position pos = sandlog::position_of(body, e.offset);
    CHECK(pos.line == e.line);
    CHECK(pos.column == e.column);
    if (i != 0) CHECK(e.index > r.bad[i - 1].index);
  }
  return r;
}

void check_prefix(const run& r, int n) {
  REQUIRE(r.entries.size() == static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    CHECK(r.entries[static_cast<std::size_t>(i)].time == expected_time(i));
    CHECK(r.entries[static_cast<std::size_t>(i)].line == "line " + std::to_string(i));
  }
}

}  // namespace

TEST_CASE("a lifecycle page decodes in order with its timestamps") {
  const std::string body = R"({"logs":[
    {"timestamp":"2026-03-06T10:00:52Z","line":"sandbox.lifecycle.created"},
    {"timestamp":"2026-03-06T10:05:30.5+01:00","line":"sandbox.lifecycle.paused"}]})";
  run r = decode(body);
  REQUIRE(r.result);
  REQUIRE(r.entries.size() == 2);
  CHECK(r.entries[0].time == "2026-03-06T10:00:52.000000000Z");
  CHECK(r.entries[0].line == "sandbox.lifecycle.created");
  CHECK(r.entries[1].time == "2026-03-06T09:05:30.500000000Z");
  CHECK(r.entries[1].line == "sandbox.lifecycle.paused");
}

TEST_CASE("a historical page feeds the lifecycle tracker") {
  const std::string body = R"({"logs":[
    {"timestamp":"2026-03-06T10:00:52Z","line":"sandbox.lifecycle.created"},
    {"timestamp":"2026-03-06T10:00:52Z","line":"sandbox.lifecycle.running"},
    {"timestamp":"2026-03-06T10:05:30Z","line":"sandbox.lifecycle.paused"},
    {"timestamp":"2026-03-06T10:10:00Z","line":"sandbox.lifecycle.resumed"},
    {"timestamp":"2026-03-06T11:00:52Z","line":"sandbox.lifecycle.killed"}]})";
  event_decoder d;
  sandlog::lifecycle_tracker t;
  REQUIRE(d.decode_page(body, [&](const sandlog::log_entry& e) { t.apply(e); }));
  CHECK(t.outcome() == sandlog::lifecycle::killed);
  CHECK(t.running_time() == std::int64_t{3330} * 1000000000);
  CHECK(t.anomaly_count() == 0);
}

TEST_CASE("bare arrays, NDJSON and a single object decode like the envelope") {
  std::string array = "[" + entry(0) + "," + entry(1) + "," + entry(2) + "]";
  std::string ndjson = entry(0) + "\n" + entry(1) + "\r\n\n  \n" + entry(2) + "\n";
  for (const std::string& body : {envelope(3), array, ndjson}) {
    CAPTURE(body);
    run r = decode(body);
    REQUIRE(r.result);
    check_prefix(r, 3);
  }
  run one = decode(entry(0));
  REQUIRE(one.result);
  check_prefix(one, 1);
  json_options o;
  o.shape = page_shape::ndjson;
  run forced = decode(ndjson, o);
  REQUIRE(forced.result);
  check_prefix(forced, 3);
  run empty = decode("{\"logs\":[]}");
  CHECK(empty.result);
  CHECK(empty.entries.empty());
}

TEST_CASE("an explicit shape rejects the other shapes") {
  json_options o;
  o.shape = page_shape::envelope;
  CHECK(decode("[" + entry(0) + "]", o).result.ec == error::json_wrong_type);
  o.shape = page_shape::array;
  CHECK(decode(envelope(1), o).result.ec == error::json_wrong_type);
}

TEST_CASE("unknown members are ignored and escapes are decoded") {
  run r = decode(R"({"id":7,"logs":[{"x":{"y":[1,2,null]},"line":"a\"b\u00e9\n","timestamp":)"
                 R"("2026-03-06T10:00:00Z","level":"info"}],"next":null})");
  REQUIRE(r.result);
  REQUIRE(r.entries.size() == 1);
  CHECK(r.entries[0].line == "a\"b\xc3\xa9\n");
}

TEST_CASE("a member of the wrong type is named, after the entries before it") {
  const char* values[] = {"1", "1.5", "true", "null", "[]", "{}"};
  for (const char* field : {"timestamp", "line"}) {
    for (const char* v : values) {
      std::string bad = std::string(R"({"timestamp":"2026-03-06T10:00:02Z","line":"x"})");
      const std::string needle = std::string("\"") + field + "\":";
      const std::size_t at = bad.find(needle) + needle.size();
      const std::size_t close = bad.find('"', at + 1);
      bad.replace(at, close + 1 - at, v);
      std::string body = R"({"logs":[)" + entry(0) + "," + entry(1) + "," + bad + "," + entry(3) + "]}";
      CAPTURE(body);
      run r = decode(body);
      CHECK(r.result.ec == error::json_wrong_type);
      CHECK(r.result.field == field);
      CHECK(r.result.entries == 2);
      check_prefix(r, 2);
    }
  }
  for (const char* v : {"1", "\"x\"", "null", "[]"}) {
    run r = decode(R"({"logs":[)" + entry(0) + "," + v + "]}");
    CHECK(r.result.ec == error::json_wrong_type);
    CHECK(r.result.field == "entry");
    check_prefix(r, 1);
  }
  for (const char* v : {"1", "\"x\"", "null", "{}"}) {
    run logs = decode(std::string(R"({"logs":)") + v + "}");
    CHECK(logs.result.ec == error::json_wrong_type);
    CHECK(logs.result.field == "logs");
  }
  for (const char* root : {"1", "\"x\"", "null", "true"}) {
    CHECK(decode(root).result.ec == error::json_wrong_type);
  }
}

TEST_CASE("a missing member is named, after the entries before it") {
  run no_ts = decode(R"({"logs":[)" + entry(0) + R"(,{"line":"x"}]})");
  CHECK(no_ts.result.ec == error::json_missing_field);
  CHECK(no_ts.result.field == "timestamp");
  check_prefix(no_ts, 1);
  run no_line = decode("[" + entry(0) + "," + entry(1) + R"(,{"timestamp":"2026-03-06T10:00:00Z"}])");
  CHECK(no_line.result.ec == error::json_missing_field);
  CHECK(no_line.result.field == "line");
  check_prefix(no_line, 2);
  run no_logs = decode(R"({"items":[]})");
  CHECK(no_logs.result.ec == error::json_missing_field);
  CHECK(no_logs.result.field == "logs");
}

TEST_CASE("a timestamp that does not parse reports the timestamp's error") {
  run bad_month = decode("[" + entry(0) + R"(,{"timestamp":"2026-13-06T10:00:00Z","line":"x"}])");
  CHECK(bad_month.result.ec == error::bad_month);
  CHECK(bad_month.result.field == "timestamp");
  check_prefix(bad_month, 1);
  run trailing = decode(R"([{"timestamp":"2026-03-06T10:00:00Z ","line":"x"}])");
  CHECK(trailing.result.ec == error::trailing_bytes);
  CHECK(trailing.result.field == "timestamp");
  run empty = decode(R"([{"timestamp":"","line":"x"}])");
  CHECK(empty.result.ec == error::too_short);
}

TEST_CASE("a known member given twice is rejected") {
  run ts = decode("[" + entry(0) + R"(,{"timestamp":"2026-03-06T10:00:00Z","line":"x","timestamp":"2026-03-06T10:00:01Z"}])");
  CHECK(ts.result.ec == error::json_duplicate_key);
  CHECK(ts.result.field == "timestamp");
  check_prefix(ts, 1);
  run line = decode(R"([{"line":"a","timestamp":"2026-03-06T10:00:00Z","line":"b"}])");
  CHECK(line.result.ec == error::json_duplicate_key);
  CHECK(line.result.field == "line");
  run logs = decode(R"({"logs":[],"logs":[]})");
  CHECK(logs.result.ec == error::json_duplicate_key);
  CHECK(logs.result.field == "logs");
  CHECK(decode(R"([{"line":"a","timestamp":"2026-03-06T10:00:00Z","x":1,"x":2}])").result);
}

TEST_CASE("a truncated body delivers nothing and says it is invalid") {
  const std::string full = envelope(5);
  for (std::size_t n = 0; n < full.size(); ++n) {
    CAPTURE(full.substr(0, n));
    run r = decode(full.substr(0, n));
    CHECK(r.result.ec == error::json_syntax);
    CHECK(r.entries.empty());
  }
}

TEST_CASE("a cut-off last NDJSON line delivers the lines before it") {
  const std::string ndjson = entry(0) + "\n" + entry(1) + "\n" + entry(2);
  run r = decode(ndjson.substr(0, ndjson.size() - 5));
  CHECK(r.result.ec == error::json_syntax);
  CHECK(r.result.entries == 2);
  check_prefix(r, 2);
}

TEST_CASE("bytes after the document are trailing content, after its entries") {
  for (const char* tail : {" x", "]", "}", " {}", "\n[]", "\n\"x\"", ",1"}) {
    CAPTURE(tail);
    run r = decode(envelope(2) + tail);
    CHECK(r.result.ec == error::json_trailing_content);
    check_prefix(r, 2);
    run a = decode("[" + entry(0) + "]" + tail);
    CHECK(a.result.ec == error::json_trailing_content);
    check_prefix(a, 1);
  }
  run line = decode(entry(0) + "\n" + entry(1) + " x\n" + entry(2));
  CHECK(line.result.ec == error::json_trailing_content);
  CHECK(line.result.entries == 1);
  CHECK(decode(envelope(2) + " \r\n\t ").result);
}

TEST_CASE("with on_bad, a bad entry of a pretty-printed envelope is reported and skipped") {
  const std::string body =
      "{\"start\": 0,\n"
      " \"logs\": [\n"
      "  {\"timestamp\": \"2026-03-06T10:00:52Z\", \"line\": \"sandbox.lifecycle.created\"},\n"
      "  {\"timestamp\": \"2026-03-06 10:05:30\", \"line\": \"sandbox.lifecycle.running\"},\n"
      "  {\"timestamp\": \"2026-03-06T10:06:00Z\", \"line\": 42},\n"
      "  \"not an entry\",\n"
      "  {\"line\": \"x\"},\n"
      "  {\"timestamp\": \"2026-03-06T11:00:52Z\", \"line\": \"sandbox.lifecycle.killed\"}\n"
      " ]\n"
      "}\n";
  skipping_run r = decode_skipping(body);
  CHECK(r.result);
  REQUIRE(r.entries.size() == 2);
  CHECK(r.entries[0].line == "sandbox.lifecycle.created");
  CHECK(r.entries[1].line == "sandbox.lifecycle.killed");
  REQUIRE(r.bad.size() == 4);
  CHECK(r.bad[0].ec == error::bad_separator);
  CHECK(r.bad[0].field == "timestamp");
  CHECK(r.bad[0].index == 1);
  CHECK(r.bad[0].line == 4);
  CHECK(r.bad[0].column == 3);
  CHECK(r.bad_text[0] == R"({"timestamp": "2026-03-06 10:05:30", "line": "sandbox.lifecycle.running"})");
  CHECK(r.bad[1].ec == error::json_wrong_type);
  CHECK(r.bad[1].field == "line");
  CHECK(r.bad[1].line == 5);
  CHECK(r.bad[2].field == "entry");
  CHECK(r.bad_text[2] == "\"not an entry\"");
  CHECK(r.bad[3].ec == error::json_missing_field);
  CHECK(r.bad[3].field == "timestamp");
  CHECK(r.bad[3].index == 4);
  CHECK(r.bad[3].line == 7);
  // The two-argument form still stops at the first bad entry.
  run strict = decode(body);
  CHECK(strict.result.ec == error::bad_separator);
  CHECK(strict.entries.size() == 1);
}

TEST_CASE("with on_bad, bad entries of a bare array and of NDJSON are skipped") {
  const std::string bad = R"({"timestamp":"2026-13-06T10:00:00Z","line":"x"})";
  skipping_run a = decode_skipping("[\n" + entry(0) + ",\n" + bad + ",\n" + entry(1) + "\n]");
  CHECK(a.result);
  check_prefix(run{a.result, a.entries}, 2);
  REQUIRE(a.bad.size() == 1);
  CHECK(a.bad[0].ec == error::bad_month);
  CHECK(a.bad[0].line == 3);
  CHECK(a.bad[0].column == 1);
  skipping_run n = decode_skipping(entry(0) + "\n" + bad + "\n{\"timestamp\":\n" + entry(1) + "\n");
  CHECK(n.result);
  check_prefix(run{n.result, n.entries}, 2);
  REQUIRE(n.bad.size() == 2);
  CHECK(n.bad[0].ec == error::bad_month);
  CHECK(n.bad[0].line == 2);
  CHECK(n.bad[1].ec == error::json_syntax);
  CHECK(n.bad[1].line == 3);
  CHECK(n.bad_text[1] == "{\"timestamp\":");
}

TEST_CASE("with on_bad, an entry that is not valid JSON alone is skipped, the rest kept") {
  // Each breaks the document as a whole, but not the array around the entry.
  for (const std::string& broken :
       {std::string(R"({"timestamp":"2026-03-06T10:00:01Z","line":"x",})"),
        std::string(R"({"timestamp":"2026-03-06T10:00:01Z" "line":"x"})"),
        std::string("{\"timestamp\":\"2026-03-06T10:00:01Z\",\"line\":\"\xff\"}"),
        std::string(R"({"timestamp":"2026-03-06T10:00:01Z","line":"\q"})"), std::string("nul")}) {
    CAPTURE(broken);
    const std::string body = "{\"logs\":[\n" + entry(0) + ",\n" + broken + ",\n" + entry(1) + "]}";
    skipping_run r = decode_skipping(body);
    CHECK(r.result);
    check_prefix(run{r.result, r.entries}, 2);
    REQUIRE(r.bad.size() == 1);
    CHECK(r.bad[0].index == 1);
    CHECK(r.bad[0].line == 3);
    CHECK(r.bad_text[0] == broken);
    CHECK((r.bad[0].ec == error::json_syntax || r.bad[0].ec == error::json_bad_utf8));
    run strict = decode(body);
    CHECK(!strict.result);
    CHECK(strict.entries.empty());
  }
}

TEST_CASE("with on_bad, a break in the page's structure says where, after every entry before it") {
  struct broken_case {
    std::string body;
    std::size_t kept;
    std::uint64_t line;
    std::size_t column;
  };
  const broken_case cases[] = {
      // a missing comma between entries
      {"[\n" + entry(0) + ",\n" + entry(1) + "\n" + entry(2) + "\n]", 2, 4, 1},
      // a body cut inside an entry
      {"{\"logs\":[\n" + entry(0) + ",\n" + entry(1).substr(0, 20), 1, 3, 1},
      // a body cut after an entry
      {"{\"logs\":[\n" + entry(0) + ",\n" + entry(1) + ",", 2, 3, entry(1).size() + 2},
      // a member after the entries that is not JSON
      {"{\"logs\":[" + entry(0) + "],\n\"next\": 01}", 1, 2, 9},
      // a trailing comma after the last entry
      {"[" + entry(0) + ",]", 1, 1, entry(0).size() + 3},
  };
  for (const broken_case& c : cases) {
    CAPTURE(c.body);
    skipping_run r = decode_skipping(c.body);
    CHECK(r.result.ec == error::json_syntax);
    CHECK(r.bad.empty());
    check_prefix(run{r.result, r.entries}, static_cast<int>(c.kept));
    REQUIRE(r.result.offset != json_result::npos);
    const sandlog::text_position pos = sandlog::position_of(c.body, r.result.offset);
    CHECK(pos.line == c.line);
    CHECK(pos.column == c.column);
  }
}

TEST_CASE("with on_bad, a valid page gives what the two-argument form gives") {
  for (const std::string& body :
       {envelope(0), envelope(1), envelope(7), "[" + entry(0) + "," + entry(1) + "]",
        entry(0) + "\n" + entry(1) + "\n", entry(3)}) {
    CAPTURE(body);
    run strict = decode(body);
    skipping_run r = decode_skipping(body);
    CHECK(strict.result);
    CHECK(r.result);
    CHECK(r.bad.empty());
    REQUIRE(r.entries.size() == strict.entries.size());
    for (std::size_t i = 0; i < r.entries.size(); ++i) CHECK(r.entries[i].line == strict.entries[i].line);
  }
}

TEST_CASE("with on_bad, a sink or on_bad that returns an error stops the page") {
  const std::string body = "[" + entry(0) + R"(,{"line":"x"},)" + entry(1) + "]";
  event_decoder d;
  std::size_t seen = 0;
  json_result r = d.decode_page(
      body, [&](const sandlog::log_entry&) { ++seen; },
      [&](const sandlog::entry_error&) { return error::io_error; });
  CHECK(r.ec == error::io_error);
  CHECK(seen == 1);
  CHECK(r.skipped == 1);
}

TEST_CASE("with on_bad, the entry limit counts skipped entries too") {
  json_options o;
  o.max_entries = 3;
  const std::string body = "[" + entry(0) + R"(,{"line":"x"},{"line":"y"},)" + entry(1) + "]";
  skipping_run r = decode_skipping(body, o);
  CHECK(r.result.ec == error::json_too_many_entries);
  CHECK(r.entries.size() == 1);
  CHECK(r.bad.size() == 2);
}

TEST_CASE("pages over the entry limit stop at the limit") {
  json_options o;
  o.max_entries = 3;
  run r = decode(envelope(10), o);
  CHECK(r.result.ec == error::json_too_many_entries);
  check_prefix(r, 3);
  run exact = decode(envelope(3), o);
  CHECK(exact.result);
  std::string ndjson;
  for (int i = 0; i < 5; ++i) ndjson += entry(i) + "\n";
  run lines = decode(ndjson, o);
  CHECK(lines.result.ec == error::json_too_many_entries);
  check_prefix(lines, 3);
}

TEST_CASE("bodies over the size limit are refused before parsing") {
  json_options o;
  o.max_document_bytes = 100;
  const std::string big = envelope(20);
  REQUIRE(big.size() > 100);
  run r = decode(big, o);
  CHECK(r.result.ec == error::json_too_large);
  CHECK(r.entries.empty());
  CHECK(decode(envelope(1), o).result);
}

TEST_CASE("nesting 2000 deep is too deep, wherever it is") {
  const std::string deep = std::string(2000, '[') + std::string(2000, ']');
  CHECK(decode(deep).result.ec == error::json_too_deep);
  run inner = decode(R"({"logs":[{"timestamp":"2026-03-06T10:00:00Z","line":"x","x":)" + deep + "}]}");
  CHECK(inner.result.ec == error::json_too_deep);
  CHECK(inner.entries.empty());
  json_options o;
  o.max_depth = 4;
  CHECK(decode(R"({"logs":[{"timestamp":"2026-03-06T10:00:00Z","line":"x","x":[[1]]}]})", o).result.ec ==
        error::json_too_deep);
  CHECK(decode(envelope(2), o).result);
}

TEST_CASE("invalid UTF-8 anywhere rejects the page") {
  for (const char* bad : {"\xff", "\xc3", "\xe2\x82", "\xed\xa0\x80", "\xc0\xaf", "\xf4\x90\x80\x80"}) {
    std::string body = envelope(2);
    body.insert(body.rfind("line 1") + 4, bad);
    run r = decode(body);
    CHECK(r.result.ec == error::json_bad_utf8);
    CHECK(r.entries.empty());
  }
  CHECK(decode(R"([{"timestamp":"2026-03-06T10:00:00Z","line":"\ud800"}])").result.ec == error::json_syntax);
}

TEST_CASE("empty and blank bodies are not pages") {
  CHECK(decode("").result.ec == error::json_syntax);
  CHECK(decode(" \n ").result.ec == error::json_syntax);
  json_options o;
  o.shape = page_shape::ndjson;
  CHECK(decode(" \n ", o).result);
}

TEST_CASE("the verdict does not depend on the bytes after the input") {
  const std::string inputs[] = {envelope(3), envelope(3).substr(0, 40), "[" + entry(0),
                                R"({"logs":[{"timestamp":"2026-03-06T10:00:00Z","line":"x","n":1)",
                                "tru", "[1", "{\"logs\":[]} ", "\"abc", "12"};
  for (const std::string& input : inputs) {
    std::string a = input + std::string(80, '\0');
    std::string b = input + "]}\"\\ 1e5 true" + std::string(80, '}');
    event_decoder d;
    std::vector<std::string> la, lb;
    json_result ra = d.decode_page({a.data(), input.size()}, [&](const sandlog::log_entry& e) {
      la.emplace_back(e.line);
    });
    json_result rb = d.decode_page({b.data(), input.size()}, [&](const sandlog::log_entry& e) {
      lb.emplace_back(e.line);
    });
    CAPTURE(input);
    CHECK(ra.ec == rb.ec);
    CHECK(ra.entries == rb.entries);
    CHECK(la == lb);
  }
}

TEST_CASE("a warm decoder allocates nothing per page or per entry") {
  event_decoder d;
  const std::string big = envelope(50);
  const std::string small = envelope(3);
  std::size_t n = 0;
  auto count = [&](const sandlog::log_entry&) { ++n; };
  REQUIRE(d.decode_page(big, count));
  const std::size_t before = sandlog_test::allocations();
  for (int i = 0; i < 10; ++i) {
    REQUIRE(d.decode_page(small, count));
    REQUIRE(d.decode_page(big, count));
  }
  sandlog::log_record rec;
  REQUIRE(d.decode_docker_json(R"({"log":"x\n","stream":"stdout","time":"2026-02-20T14:30:00Z"})", rec));
  CHECK(sandlog_test::allocations() == before);
  CHECK(n == 50 + 10 * 53);
}

TEST_CASE("views live until the next decode call") {
  event_decoder d;
  std::vector<std::string_view> views;
  REQUIRE(d.decode_page(envelope(3), [&](const sandlog::log_entry& e) { views.push_back(e.line); }));
  // Still valid here: nothing else has been decoded.
  CHECK(views[2] == "line 2");
}

TEST_CASE("Docker json-file lines decode to records") {
  event_decoder d;
  sandlog::log_record r;
  REQUIRE(d.decode_docker_json(R"({"log":"hello\n","stream":"stdout","time":"2026-02-20T14:30:00.1Z"})", r));
  CHECK(r.message == "hello");
  CHECK_FALSE(r.partial);
  CHECK(r.stream == sandlog::stream_kind::out);
  CHECK(r.has_time);
  CHECK(format(r.time) == "2026-02-20T14:30:00.100000000Z");
  REQUIRE(d.decode_docker_json(
      R"({"attrs":{"a":"b"},"time":"2026-02-20T14:30:00Z","stream":"stderr","log":"part \u00e9"})" "\n", r));
  CHECK(r.message == "part \xc3\xa9");
  CHECK(r.partial);
  CHECK(r.stream == sandlog::stream_kind::err);
  REQUIRE(d.decode_docker_json(R"({"log":"","stream":"stdout","time":"2026-02-20T14:30:00Z"})", r));
  CHECK(r.partial);
  CHECK(r.message.empty());
  REQUIRE(d.decode_docker_json(R"({"log":"\n","stream":"stdout","time":"2026-02-20T14:30:00Z"})", r));
  CHECK_FALSE(r.partial);
  CHECK(r.message.empty());
  REQUIRE(d.decode_docker_json(R"({"log":"a\r\n","stream":"stdout","time":"2026-02-20T14:30:00Z"})", r));
  CHECK(r.message == "a\r");
}

TEST_CASE("Docker json-file member names match case-insensitively, as moby reads them") {
  event_decoder d;
  sandlog::log_record r;
  REQUIRE(d.decode_docker_json(R"({"LOG":"hi\n","Stream":"stderr","TIME":"2026-02-20T14:30:00Z"})", r));
  CHECK(r.message == "hi");
  CHECK(r.stream == sandlog::stream_kind::err);
  CHECK(format(r.time) == "2026-02-20T14:30:00.000000000Z");
  // Go's matching also folds U+017F (long s) to 's', and decodes escapes first.
  REQUIRE(d.decode_docker_json("{\"\\u004Cog\":\"x\",\"\xC5\xBFtream\":\"stdout\",\"time\":\"2026-02-20T14:30:00Z\"}", r));
  CHECK(r.message == "x");
  CHECK(r.stream == sandlog::stream_kind::out);
  // Near misses are unknown members, ignored.
  REQUIRE(d.decode_docker_json(R"({"logs":"a\n","log ":"b\n","time":"2026-02-20T14:30:00Z"})", r));
  CHECK(r.message.empty());
  REQUIRE(d.decode_docker_json("{\"l\xCE\xBFg\":\"omicron\",\"time\":\"2026-02-20T14:30:00Z\"}", r));
  CHECK(r.message.empty());
}

TEST_CASE("Docker json-file attrs are handed out as written, when there are any") {
  event_decoder d;
  sandlog::log_record r;
  std::string_view attrs = "stale";
  REQUIRE(d.decode_docker_json(
      R"({"log":"hi\n","stream":"stdout","attrs":{ "tag" : "web\u00e9", "env":"a=b" },"time":"2026-02-20T14:30:00Z"})",
      r, attrs));
  CHECK(attrs == R"({ "tag" : "web\u00e9", "env":"a=b" })");
  CHECK(r.message == "hi");
  // Go reads "Attrs" into the same map; an empty map or null is no attrs.
  REQUIRE(d.decode_docker_json(R"({"Attrs":{"k":"v"},"log":"x","time":"2026-02-20T14:30:00Z"})", r, attrs));
  CHECK(attrs == R"({"k":"v"})");
  REQUIRE(d.decode_docker_json(R"({"log":"x","attrs":{},"time":"2026-02-20T14:30:00Z"})", r, attrs));
  CHECK(attrs.empty());
  REQUIRE(d.decode_docker_json(R"({"log":"x","attrs":null,"time":"2026-02-20T14:30:00Z"})", r, attrs));
  CHECK(attrs.empty());
  REQUIRE(d.decode_docker_json(R"({"log":"x","time":"2026-02-20T14:30:00Z"})", r, attrs));
  CHECK(attrs.empty());
  // After a member holding every kind of value, and with a lone surrogate
  // rewritten in the copy.
  REQUIRE(d.decode_docker_json(
      R"({"x":[1,{"a":"}"}],"y":"\"","log":"\ud800","attrs":{"k":"\udfff"},"time":"2026-02-20T14:30:00Z"})", r,
      attrs));
  CHECK(attrs.substr(0, 6) == R"({"k":")");
  CHECK(attrs.back() == '}');
  // moby's map[string]string refuses anything else, and so the line.
  struct bad_case {
    const char* json;
    error ec;
  };
  for (const bad_case& c : {
           bad_case{R"({"log":"x","attrs":{"n":1},"time":"2026-02-20T14:30:00Z"})", error::json_wrong_type},
           bad_case{R"({"log":"x","attrs":["a"],"time":"2026-02-20T14:30:00Z"})", error::json_wrong_type},
           bad_case{R"({"log":"x","attrs":"a","time":"2026-02-20T14:30:00Z"})", error::json_wrong_type},
           bad_case{R"({"attrs":{},"log":"x","ATTRS":{},"time":"2026-02-20T14:30:00Z"})", error::json_duplicate_key},
       }) {
    INFO(c.json);
    attrs = "stale";
    const sandlog::json_result res = d.decode_docker_json(c.json, r, attrs);
    CHECK(res.ec == c.ec);
    CHECK(res.field == "attrs");
    CHECK(attrs.empty());
  }
}

TEST_CASE("Docker json-file lone surrogate escapes read as U+FFFD") {
  event_decoder d;
  sandlog::log_record r;
  const std::pair<const char*, const char*> cases[] = {
      {R"(\ud800)", "\xEF\xBF\xBD"},
      {R"(a\udc00b)", "a\xEF\xBF\xBD" "b"},
      {R"(\ud800\u0041)", "\xEF\xBF\xBD" "A"},
      {R"(\ud800\ud800)", "\xEF\xBF\xBD\xEF\xBF\xBD"},
      {R"(\udc00\ud800)", "\xEF\xBF\xBD\xEF\xBF\xBD"},
      {R"(\ud83d\ude00)", "\xF0\x9F\x98\x80"},            // a pair stays one code point
      {R"(\\ud800)", "\\ud800"},                             // an escaped backslash, then text
      {R"(\\\ud800)", "\\\xEF\xBF\xBD"},
  };
  for (const auto& c : cases) {
    const std::string line =
        std::string(R"({"log":")") + c.first + R"(\n","stream":"stdout","time":"2026-02-20T14:30:00Z"})";
    CAPTURE(line);
    REQUIRE(d.decode_docker_json(line, r));
    CHECK(r.message == c.second);
    CHECK_FALSE(r.partial);
  }
  // The caller's bytes are not touched: the rewrite is in the decoder's copy.
  const std::string line = R"({"log":"\ud800","time":"2026-02-20T14:30:00Z"})";
  const std::string before = line;
  REQUIRE(d.decode_docker_json(line, r));
  CHECK(line == before);
  CHECK(r.partial);
}

TEST_CASE("Docker json-file lines without log or stream, as moby writes them when empty") {
  event_decoder d;
  sandlog::log_record r;
  REQUIRE(d.decode_docker_json(R"({"stream":"stdout","time":"2026-02-20T14:30:00Z"})", r));
  CHECK(r.message.empty());
  CHECK(r.partial);
  CHECK(r.stream == sandlog::stream_kind::out);
  REQUIRE(d.decode_docker_json(R"({"log":"x\n","time":"2026-02-20T14:30:00Z"})", r));
  CHECK(r.message == "x");
  CHECK(r.stream == sandlog::stream_kind::unknown);
  REQUIRE(d.decode_docker_json(R"({"attrs":{"tag":"web"},"time":"2026-02-20T14:30:00Z"})", r));
  CHECK(r.message.empty());
  CHECK(r.stream == sandlog::stream_kind::unknown);
  REQUIRE(d.decode_docker_json(R"({"log":"","stream":"","time":"2026-02-20T14:30:00Z"})", r));
  CHECK(r.stream == sandlog::stream_kind::unknown);
  // time is always written: without it there is no record.
  CHECK(d.decode_docker_json(R"({"log":"x\n","stream":"stdout"})", r).ec == error::json_missing_field);
}

namespace {

sandlog::stream_kind stream_named(const std::string& s) {
  if (s == "out" || s == "stdout") return sandlog::stream_kind::out;
  if (s == "err" || s == "stderr") return sandlog::stream_kind::err;
  return sandlog::stream_kind::unknown;
}

sandlog::timestamp instant(const std::string& text) {
  sandlog::timestamp t;
  const auto r = sandlog::parse_timestamp(text.data(), text.data() + text.size(), t);
  REQUIRE(r.ec == error::ok);
  REQUIRE(r.ptr == text.data() + text.size());
  return t;
}

error error_named(const std::string& s) {
  if (s == "json_duplicate_key") return error::json_duplicate_key;
  if (s == "bad_stream") return error::bad_stream;
  if (s == "json_missing_field") return error::json_missing_field;
  if (s == "json_syntax") return error::json_syntax;
  if (s == "json_wrong_type") return error::json_wrong_type;
  FAIL("unknown error name " << s);
  return error::ok;
}

}  // namespace

TEST_CASE("Docker json-file lines read as moby reads them, except where the vectors say why") {
  std::string err;
  const auto lines = sandlog_test::read_vectors("docker_json.txt", err);
  INFO(err);
  REQUIRE(err.empty());
  std::vector<std::vector<sandlog_test::vector_line>> cases;
  for (const auto& l : lines) {
    if (l.keyword == "case") cases.emplace_back();
    REQUIRE(!cases.empty());
    cases.back().push_back(l);
  }
  REQUIRE(cases.size() >= 30);
  event_decoder d;
  std::size_t differences = 0;
  for (const auto& c : cases) {
    INFO("docker_json.txt:" << c.front().number);
    REQUIRE(c.front().args.size() == 1);
    const std::string line = c.front().args[0];
    INFO("line: " << line);
    sandlog::log_record r;
    const json_result got = d.decode_docker_json(line, r);
    const sandlog_test::vector_line* go = nullptr;
    bool saw_sandlog = false, declared = false;
    for (const auto& l : c) {
      if (l.keyword == "sandlog") {
        saw_sandlog = true;
        REQUIRE(!l.args.empty());
        if (l.args[0] == "ok") {
          REQUIRE(l.args.size() == 5);
          REQUIRE(got.ec == error::ok);
          CHECK(r.message == l.args[1]);
          CHECK(r.stream == stream_named(l.args[2]));
          CHECK(r.partial == (l.args[3] == "partial"));
          CHECK(r.time == instant(l.args[4]));
        } else {
          REQUIRE(got.ec == error_named(l.args[0]));
          CHECK(got.field == (l.args.size() > 1 ? l.args[1] : std::string()));
        }
      } else if (l.keyword == "go") {
        go = &l;
      } else if (l.keyword == "differs") {
        declared = true;
      } else {
        REQUIRE(l.keyword == "case");
      }
    }
    REQUIRE(saw_sandlog);
    REQUIRE(go != nullptr);
    bool same = false;
    if (go->args.at(0) == "ok") {
      REQUIRE(go->args.size() == 4);
      std::string log = go->args[1];
      const bool partial = log.empty() || log.back() != '\n';
      if (!partial) log.pop_back();
      const std::string& stream = go->args[2];
      same = got.ec == error::ok && r.message == log && r.partial == partial &&
             (stream == "stdout" || stream == "stderr" || stream.empty()) &&
             r.stream == stream_named(stream) && r.time == instant(go->args[3]);
    } else {
      same = got.ec != error::ok;
    }
    INFO((declared ? "declared to differ from Go" : "declared to agree with Go"));
    REQUIRE(same != declared);
    if (declared) ++differences;
  }
  REQUIRE(differences > 0);
}

TEST_CASE("Docker json-file lines with a bad member name it") {
  event_decoder d;
  sandlog::log_record r;
  struct bad_case {
    const char* json;
    error ec;
    const char* field;
  };
  const bad_case cases[] = {
      {R"({"log":"x","LOG":"y","stream":"stdout","time":"2026-02-20T14:30:00Z"})", error::json_duplicate_key, "log"},
      {R"({"log":"x","stream":"stdout","Time":"2026-02-20T14:30:00Z","time":"2026-02-20T14:30:00Z"})", error::json_duplicate_key, "time"},
      {R"({"log":"x","stream":"","time":1})", error::json_wrong_type, "time"},
      {R"({"log":"x","time":"2026-02-20T14:30:00Z","stream":"STDOUT"})", error::bad_stream, "stream"},
      {R"({"log":"\ud800\x","stream":"stdout","time":"2026-02-20T14:30:00Z"})", error::json_syntax, ""},
      {R"({"log":"x","stream":"stdout"})", error::json_missing_field, "time"},
      {R"({"log":1,"stream":"stdout","time":"2026-02-20T14:30:00Z"})", error::json_wrong_type, "log"},
      {R"({"log":"x","stream":null,"time":"2026-02-20T14:30:00Z"})", error::json_wrong_type, "stream"},
      {R"({"log":"x","stream":"stdout","time":1})", error::json_wrong_type, "time"},
      {R"({"log":"x","stream":"stdin","time":"2026-02-20T14:30:00Z"})", error::bad_stream, "stream"},
      {R"({"log":"x","stream":"stdout","time":"2026-02-30T14:30:00Z"})", error::bad_day, "time"},
      {R"({"log":"x","log":"y","stream":"stdout","time":"2026-02-20T14:30:00Z"})", error::json_duplicate_key, "log"},
      {R"(["log"])", error::json_wrong_type, ""},
      {R"({"log":"x","stream":"stdout","time":"2026-02-20T14:30:00Z"} x)", error::json_trailing_content, ""},
      {R"({"log":"x","stream":"stdout","time":"2026-02-20T14:30:00Z")", error::json_syntax, ""},
      {"{\"log\":\"\xff\",\"stream\":\"stdout\",\"time\":\"2026-02-20T14:30:00Z\"}", error::json_bad_utf8, ""},
  };
  for (const bad_case& c : cases) {
    CAPTURE(c.json);
    json_result res = d.decode_docker_json(c.json, r);
    CHECK(res.ec == c.ec);
    CHECK(res.field == c.field);
    CHECK(res.entries == 0);
  }
}

// ---- fields of JSON log messages ----

namespace {

struct field_copy {
  std::string key;
  sandlog::json_type type;
  std::string text;
};

// The fields of `message` (copied), and the decode result.
struct fields_run {
  json_result result;
  std::vector<field_copy> fields;
};

fields_run fields_of(event_decoder& d, std::string_view message) {
  fields_run r;
  r.result = d.decode_fields(message, [&](const sandlog::json_field& f) {
    r.fields.push_back({std::string(f.key()), f.type(), std::string(f.text())});
  });
  return r;
}

// The first field of a one-field message {"v":<value>}; the decoder keeps it alive.
sandlog::json_field only_field(event_decoder& d, const std::string& value) {
  sandlog::json_field out;
  int n = 0;
  const json_result r = d.decode_fields(R"({"v":)" + value + "}", [&](const sandlog::json_field& f) {
    out = f;
    ++n;
  });
  INFO(value);
  REQUIRE(r.ec == error::ok);
  REQUIRE(n == 1);
  return out;
}

}  // namespace

TEST_CASE("a JSON message's fields come out in order with their types") {
  event_decoder d;
  const fields_run r = fields_of(d, R"({"level":"error","ts":"2026-02-20T14:30:00Z","latency_ms":12.5,)"
                                    R"("ok":true,"n":42,"dur":"1.5s","ctx":{"a":[1,2]},"tags":[],"x":null,"no":false})");
  REQUIRE(r.result.ec == error::ok);
  using T = sandlog::json_type;
  const std::vector<field_copy> want = {
      {"level", T::string, "error"},  {"ts", T::string, "2026-02-20T14:30:00Z"},
      {"latency_ms", T::number, "12.5"}, {"ok", T::boolean, "true"},
      {"n", T::integer, "42"},         {"dur", T::string, "1.5s"},
      {"ctx", T::object, R"({"a":[1,2]})"}, {"tags", T::array, "[]"},
      {"x", T::null, "null"},          {"no", T::boolean, "false"},
  };
  REQUIRE(r.fields.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    CAPTURE(i);
    CHECK(r.fields[i].key == want[i].key);
    CHECK(r.fields[i].type == want[i].type);
    CHECK(r.fields[i].text == want[i].text);
  }
}

TEST_CASE("nested values and numbers are handed out as written, whitespace included") {
  event_decoder d;
  const fields_run r = fields_of(d, " {\n \"a\" : { \"b\" : [ 1 , \"}]\\\"\" ] } ,\t\"n\":1.50E+1 ,\"s\" : \"x\" }\r\n");
  REQUIRE(r.result.ec == error::ok);
  REQUIRE(r.fields.size() == 3);
  CHECK(r.fields[0].text == "{ \"b\" : [ 1 , \"}]\\\"\" ] }");
  CHECK(r.fields[1].text == "1.50E+1");
  CHECK(r.fields[2].key == "s");
  CHECK(r.fields[2].text == "x");
}

TEST_CASE("keys and strings are unescaped") {
  event_decoder d;
  const fields_run r = fields_of(d, R"({"k\"ey\u00e9":"a\"b\\c\n\u00e9\ud83d\ude00\/"})");
  REQUIRE(r.result.ec == error::ok);
  REQUIRE(r.fields.size() == 1);
  CHECK(r.fields[0].key == "k\"ey\xC3\xA9");
  CHECK(r.fields[0].text == "a\"b\\c\n\xC3\xA9\xF0\x9F\x98\x80/");
}

TEST_CASE("duplicate keys are all kept, in order") {
  event_decoder d;
  const fields_run r = fields_of(d, R"({"a":1,"b":2,"a":"x"})");
  REQUIRE(r.fields.size() == 3);
  CHECK(r.fields[0].key == "a");
  CHECK(r.fields[0].text == "1");
  CHECK(r.fields[2].key == "a");
  CHECK(r.fields[2].text == "x");
}

TEST_CASE("an empty object has no fields; anything but an object is an error") {
  event_decoder d;
  CHECK(fields_of(d, "{}").result.ec == error::ok);
  CHECK(fields_of(d, " {} \n").fields.empty());
  CHECK(fields_of(d, "[1]").result.ec == error::json_wrong_type);
  CHECK(fields_of(d, "\"x\"").result.ec == error::json_wrong_type);
  CHECK(fields_of(d, "").result.ec == error::json_syntax);
  CHECK(fields_of(d, R"({"a":1)").result.ec == error::json_syntax);
  CHECK(fields_of(d, R"({"a":1} x)").result.ec != error::ok);
  CHECK(fields_of(d, R"({"a":1}{"b":2})").result.ec == error::json_trailing_content);
  CHECK(fields_of(d, "{\"a\":\"\xFF\"}").result.ec == error::json_bad_utf8);
  const fields_run bad = fields_of(d, R"({"a":1,"b":})");
  CHECK(bad.result.ec == error::json_syntax);
  CHECK(bad.fields.empty());  // the document must be valid as a whole
}

TEST_CASE("numbers simdjson cannot hold are kept as written and hide no other field") {
  // simdjson 3.0.1 parses no integer beyond [-2^63, 2^64) and no double
  // beyond DBL_MAX; such a number is a field of its own kind.
  event_decoder d;
  for (const char* v : {"18446744073709551616", "123456789012345678901234567890",
                        "-9223372036854775809", "1e999", "-1e400", "1.8e308", "-0.5e99999"}) {
    CAPTURE(v);
    const std::string msg = std::string(R"({"level":"error","v":)") + v + R"(,"n":0,"z":-0})";
    const fields_run r = fields_of(d, msg);
    REQUIRE(r.result.ec == error::ok);
    REQUIRE(r.fields.size() == 4);
    CHECK(r.fields[0].text == "error");
    CHECK(r.fields[1].type == sandlog::json_type::unrepresentable);
    CHECK(r.fields[1].text == v);
    CHECK(r.fields[2].type == sandlog::json_type::integer);  // a real 0 stays one
    CHECK(r.fields[3].type == sandlog::json_type::integer);
    const sandlog::json_field f = only_field(d, v);
    CHECK(f.as_int64().ec == error::out_of_range);
    CHECK(f.as_double().ec == error::out_of_range);
    CHECK(f.as_duration().ec == error::out_of_range);
    CHECK(f.as_bool().ec == error::json_wrong_type);
  }
  // Inside strings and nested values nothing is touched; nested ones come
  // out as written.
  const fields_run nested = fields_of(d, R"({"a":[1e999,{"b":99999999999999999999}],"s":"1e999"})");
  REQUIRE(nested.result.ec == error::ok);
  CHECK(nested.fields[0].type == sandlog::json_type::array);
  CHECK(nested.fields[0].text == R"([1e999,{"b":99999999999999999999}])");
  CHECK(nested.fields[1].text == "1e999");
  // Numbers that are not JSON are still errors.
  CHECK(fields_of(d, R"({"v":01})").result.ec == error::json_syntax);
  CHECK(fields_of(d, R"({"v":1e999e1})").result.ec == error::json_syntax);
  CHECK(fields_of(d, R"({"v":1e999,})").result.ec == error::json_syntax);
}

TEST_CASE("a lone surrogate escape in a message reads as U+FFFD and hides no other field") {
  event_decoder d;
  const fields_run r = fields_of(d, R"({"s":"a\ud800b","level":"error","big":1e999,"t":"\udc00"})");
  REQUIRE(r.result.ec == error::ok);
  REQUIRE(r.fields.size() == 4);
  CHECK(r.fields[0].text == "a\xEF\xBF\xBD" "b");
  CHECK(r.fields[1].text == "error");
  CHECK(r.fields[2].type == sandlog::json_type::unrepresentable);
  CHECK(r.fields[3].text == "\xEF\xBF\xBD");
}

TEST_CASE("integers convert exactly at the int64 edges") {
  event_decoder d;
  CHECK(only_field(d, "9223372036854775807").as_int64().value == INT64_MAX);
  CHECK(only_field(d, "-9223372036854775808").as_int64().value == INT64_MIN);
  const auto over = only_field(d, "9223372036854775808").as_int64();
  CHECK(over.ec == error::out_of_range);
  CHECK(over.value == INT64_MAX);
  const auto max_u = only_field(d, "18446744073709551615");
  CHECK(max_u.type() == sandlog::json_type::integer);
  CHECK(max_u.as_int64().ec == error::out_of_range);
  CHECK(max_u.as_double().value == 18446744073709551615.0);
  const auto zero = only_field(d, "-0");
  CHECK(zero.as_int64().value == 0);
  CHECK(zero.as_int64().ec == error::ok);
  CHECK(zero.text() == "-0");
}

TEST_CASE("a number with a fraction or exponent is an int64 only when it is an integer") {
  event_decoder d;
  struct row {
    const char* json;
    error ec;
    std::int64_t value;
  };
  const row rows[] = {
      {"1.0", error::ok, 1},
      {"1e2", error::ok, 100},
      {"1.5e1", error::ok, 15},
      {"-2.50E+1", error::ok, -25},
      {"-2.55E+1", error::bad_number, 0},
      {"-2.500E+3", error::ok, -2500},
      {"1.5", error::bad_number, 0},
      {"1e-3", error::bad_number, 0},
      {"0.0e-999999999", error::ok, 0},
      {"0e999999999999", error::ok, 0},
      {"100e-2", error::ok, 1},
      {"101e-2", error::bad_number, 0},
      {"9.223372036854775807e18", error::ok, INT64_MAX},
      {"9.223372036854775808e18", error::out_of_range, INT64_MAX},
      {"-9.223372036854775808e18", error::ok, INT64_MIN},
      {"-9.223372036854775809e18", error::out_of_range, INT64_MIN},
      {"1e19", error::out_of_range, INT64_MAX},
      {"1e300", error::out_of_range, INT64_MAX},
      {"1.00000000000000000001e2", error::bad_number, 0},  // a double would say 100
      {"-0.0", error::ok, 0},
  };
  for (const row& r : rows) {
    CAPTURE(r.json);
    const auto f = only_field(d, r.json);
    CHECK(f.type() == sandlog::json_type::number);
    const auto v = f.as_int64();
    CHECK(v.ec == r.ec);
    if (r.ec != error::bad_number) CHECK(v.value == r.value);
  }
}

TEST_CASE("exact int64 conversion agrees with parse_int64 on integral digit strings") {
  // Every integer written as <digits>.0 and as <digits>e0 converts as the
  // plain digits do, up to and past both int64 edges.
  const char* const values[] = {"0", "7", "-7", "9223372036854775806", "9223372036854775807",
                                "9223372036854775808", "-9223372036854775808",
                                "-9223372036854775809", "99999999999999999999"};
  for (const char* v : values) {
    CAPTURE(v);
    const auto want = sandlog::parse_int64(v);
    for (const std::string& form : {std::string(v) + ".0", std::string(v) + "e0",
                                    std::string(v) + "0e-1", std::string(v) + ".000E+0"}) {
      CAPTURE(form);
      const auto got = sandlog::detail::json_number_to_int64(form);
      CHECK(got.ec == want.ec);
      CHECK(got.value == want.value);
    }
  }
}

TEST_CASE("doubles come from simdjson's number") {
  event_decoder d;
  CHECK(only_field(d, "12.5").as_double().value == 12.5);
  CHECK(only_field(d, "1e-400").as_double().value == 0.0);
  CHECK(only_field(d, "4.9e-324").as_double().value == 4.9e-324);
  CHECK(only_field(d, "1.7976931348623157e308").as_double().value == 1.7976931348623157e308);
  CHECK(only_field(d, "42").as_double().value == 42.0);
  CHECK(only_field(d, "\"12.5\"").as_double().ec == error::json_wrong_type);
  CHECK(only_field(d, "true").as_double().ec == error::json_wrong_type);
}

TEST_CASE("booleans are true and false only") {
  event_decoder d;
  CHECK(only_field(d, "true").as_bool().value);
  CHECK(only_field(d, "true").as_bool().ec == error::ok);
  CHECK_FALSE(only_field(d, "false").as_bool().value);
  CHECK(only_field(d, "false").as_bool().ec == error::ok);
  for (const char* v : {"\"true\"", "1", "0", "null", "[true]"}) {
    CAPTURE(v);
    CHECK(only_field(d, v).as_bool().ec == error::json_wrong_type);
  }
}

TEST_CASE("null, objects and arrays convert to nothing") {
  event_decoder d;
  for (const char* v : {"null", "{\"a\":1}", "[1,2]"}) {
    CAPTURE(v);
    const auto f = only_field(d, v);
    CHECK(f.text() == v);
    CHECK(f.as_int64().ec == error::json_wrong_type);
    CHECK(f.as_double().ec == error::json_wrong_type);
    CHECK(f.as_bool().ec == error::json_wrong_type);
    CHECK(f.as_duration().ec == error::json_wrong_type);
    CHECK(f.as_timestamp().ec == error::json_wrong_type);
  }
}

TEST_CASE("durations are Go strings or integral nanoseconds") {
  event_decoder d;
  CHECK(only_field(d, "\"1.5s\"").as_duration().value == 1500000000);
  CHECK(only_field(d, "\"2h45m\"").as_duration().value == 9900000000000);
  CHECK(only_field(d, "\"fast\"").as_duration().ec == error::bad_duration);
  CHECK(only_field(d, "\"9223372037s\"").as_duration().ec == error::out_of_range);
  CHECK(only_field(d, "1500000000").as_duration().value == 1500000000);
  CHECK(only_field(d, "1.5e9").as_duration().value == 1500000000);
  CHECK(only_field(d, "1.5").as_duration().ec == error::bad_duration);
  CHECK(only_field(d, "9223372036854775808").as_duration().ec == error::out_of_range);
  CHECK(only_field(d, "true").as_duration().ec == error::json_wrong_type);
}

TEST_CASE("timestamps are strings read by sandlog's parser") {
  event_decoder d;
  const auto t = only_field(d, "\"2026-02-20T14:30:00.5+01:00\"").as_timestamp();
  CHECK(t.ec == error::ok);
  CHECK(t.value.seconds == 1771597800 - 3600);
  CHECK(t.value.nanos == 500000000u);
  CHECK(only_field(d, "\"2026-02-20T14:30:00Z \"").as_timestamp().ec == error::trailing_bytes);
  CHECK(only_field(d, "\"2026-02-30T14:30:00Z\"").as_timestamp().ec == error::bad_day);
  CHECK(only_field(d, "1771597800").as_timestamp().ec == error::json_wrong_type);
}

TEST_CASE("strings are text only: numbers in strings are not numbers") {
  event_decoder d;
  const auto f = only_field(d, "\"42\"");
  CHECK(f.text() == "42");
  CHECK(f.compare_text("42") == 0);
  CHECK(f.compare_text("43") < 0);
  CHECK(f.compare_text("4") > 0);
  CHECK(f.as_int64().ec == error::json_wrong_type);
}

TEST_CASE("fields are not visited after another decode call or a failed one") {
  event_decoder d;
  REQUIRE(d.decode_fields(R"({"a":1})"));
  int n = 0;
  d.for_each_field([&](const sandlog::json_field&) { ++n; });
  CHECK(n == 1);
  {
    sandlog::log_record rec;
    (void)d.decode_docker_json(R"({"log":"x\n","stream":"stdout","time":"2026-02-20T14:30:00Z"})", rec);
  }
  d.for_each_field([&](const sandlog::json_field&) { ++n; });
  CHECK(n == 1);
  CHECK_FALSE(d.decode_fields("{"));
  d.for_each_field([&](const sandlog::json_field&) { ++n; });
  CHECK(n == 1);
}

TEST_CASE("a visit returning true stops the walk") {
  event_decoder d;
  REQUIRE(d.decode_fields(R"({"a":1,"b":2,"c":3})"));
  std::string seen;
  CHECK(d.for_each_field([&](const sandlog::json_field& f) {
    seen += f.key();
    return f.key() == "b";
  }));
  CHECK(seen == "ab");
}

TEST_CASE("a warm decoder reads fields without allocating") {
  event_decoder d;
  const std::string msg = R"({"level":"error","n":42,"x":1.5,"ctx":{"a":[1,2]},"s":"a\nb"})";
  REQUIRE(d.decode_fields(msg));
  const std::size_t before = sandlog_test::allocations();
  std::size_t fields = 0;
  for (int i = 0; i < 100; ++i) {
    d.decode_fields(msg, [&](const sandlog::json_field& f) {
      fields += f.key().size() != 0;
      (void)f.as_int64();
      (void)f.as_double();
      (void)f.as_duration();
      (void)f.as_timestamp();
    });
  }
  CHECK(sandlog_test::allocations() == before);
  CHECK(fields == 500);
}

TEST_CASE("the fields do not depend on the bytes after the message") {
  const std::string msg = R"({"a":"x","b":[1,{"c":2}],"n":12})";
  for (const char tail : {'\0', '"', '}', ' ', '1'}) {
    std::string buf = msg + std::string(80, tail);
    event_decoder d;
    const fields_run r = fields_of(d, std::string_view(buf.data(), msg.size()));
    REQUIRE(r.result.ec == error::ok);
    REQUIRE(r.fields.size() == 3);
    CHECK(r.fields[1].text == R"([1,{"c":2}])");
    CHECK(r.fields[2].text == "12");
  }
}

#if SANDLOG_TEST_PREDICATES

namespace {

// Whether the JSON `message` matches predicate `expr`.
bool json_matches(std::string_view expr, std::string_view message) {
  sandlog::field_predicate p;
  const sandlog::parse_result pr = sandlog::parse_predicate(expr, p);
  INFO(expr);
  REQUIRE(pr.ec == error::ok);
  event_decoder d;
  REQUIRE(d.decode_fields(message));
  return p.matches_each([&](auto&& visit) { d.for_each_field(visit); });
}

constexpr std::string_view msg =
    R"({"level":"error","ts":"2026-02-20T14:30:00Z","latency_ms":12.5,"ok":true,"n":42,)"
    R"("dur":"1.5s","ns":250000000,"big":9007199254740993,"s":"a\"b","x":null,"ctx":{"n":1}})";

}  // namespace

TEST_CASE("predicates on strings compare the unescaped JSON string") {
  CHECK(json_matches("level=error", msg));
  CHECK_FALSE(json_matches("level=info", msg));
  CHECK(json_matches("level>=e", msg));
  CHECK(json_matches(R"(s="a\"b")", msg));
  CHECK(json_matches("x=null", msg));  // a bare word: compared with the JSON text
  CHECK(json_matches(R"(ctx="{\"n\":1}")", msg));
}

TEST_CASE("predicates on integers and doubles use JSON numbers") {
  CHECK(json_matches("n=42", msg));
  CHECK(json_matches("n>41", msg));
  CHECK_FALSE(json_matches("n>42", msg));
  CHECK(json_matches("n<42.5", msg));
  CHECK(json_matches("latency_ms>12", msg));
  CHECK(json_matches("latency_ms<=12.5", msg));
  CHECK_FALSE(json_matches("latency_ms<12.5", msg));
  CHECK(json_matches("big>9007199254740992.0", msg));  // exact, not through double
  CHECK_FALSE(json_matches("level>1", msg));             // a string is not a number
  CHECK_FALSE(json_matches("n>5", R"({"n":"42"})"));    // nor is a number in a string
}

TEST_CASE("predicates on booleans use JSON true and false") {
  CHECK(json_matches("ok=true", msg));
  CHECK_FALSE(json_matches("ok=false", msg));
  CHECK(json_matches("ok!=false", msg));
  CHECK_FALSE(json_matches("ok=true", R"({"ok":"true"})"));
}

TEST_CASE("predicates on durations read Go strings and integral nanoseconds") {
  CHECK(json_matches("dur>=1s", msg));
  CHECK(json_matches("dur=1500ms", msg));
  CHECK_FALSE(json_matches("dur>2s", msg));
  CHECK(json_matches("ns=250ms", msg));
  CHECK(json_matches("ns<1s", msg));
}

TEST_CASE("predicates on timestamps compare instants") {
  CHECK(json_matches("ts>=2026-02-20T14:30:00Z", msg));
  CHECK(json_matches("ts=2026-02-20T15:30:00+01:00", msg));
  CHECK_FALSE(json_matches("ts>2026-02-20T14:30:00Z", msg));
}

TEST_CASE("missing fields and != over JSON fields") {
  CHECK_FALSE(json_matches("nope=1", msg));
  CHECK(json_matches("nope!=1", msg));
  CHECK(json_matches("n!=43", msg));
  CHECK_FALSE(json_matches("n!=42", msg));
  CHECK(json_matches("level!=5", msg));  // another kind: not equal
  CHECK(json_matches("a=2", R"({"a":1,"a":2})"));
  CHECK_FALSE(json_matches("a!=2", R"({"a":1,"a":2})"));
}

TEST_CASE("a JSON field and the same logfmt field satisfy the same predicates") {
  // Differential: each value written in logfmt and in JSON, under every
  // predicate; the answers must agree. The one intended difference is left
  // out: a JSON integer is a duration in nanoseconds, a logfmt "42" is none.
  struct pair_row {
    const char* logfmt;
    const char* json;
  };
  const pair_row rows[] = {
      {"v=42", R"({"v":42})"},       {"v=-7", R"({"v":-7})"},
      {"v=12.5", R"({"v":12.5})"},   {"v=error", R"({"v":"error"})"},
      {"v=true", R"({"v":true})"},   {"v=1.5s", R"({"v":"1.5s"})"},
      {"v=2026-02-20T14:30:00Z", R"({"v":"2026-02-20T14:30:00Z"})"},
      {"v=\"a b\"", R"({"v":"a b"})"}, {"w=1", R"({"w":1})"},
  };
  const char* const exprs[] = {"v=42", "v!=42", "v>0", "v<12.5", "v>=12.5", "v=error",
                               "v>e", "v=true", "v!=false", "v>1s", "v<=1500ms",
                               "v>2026-02-20T00:00:00Z", "v=\"a b\"", "v!=\"a b\""};
  for (const pair_row& r : rows) {
    for (const char* e : exprs) {
      CAPTURE(r.logfmt, e);
      sandlog::field_predicate p;
      REQUIRE(sandlog::parse_predicate(e, p));
      const bool json_number = r.json[5] == '-' || (r.json[5] >= '0' && r.json[5] <= '9');
      if (json_number && p.kind() == sandlog::literal_kind::duration) continue;
      CHECK(json_matches(e, r.json) == p.matches(r.logfmt));
    }
  }
}

#endif  // SANDLOG_TEST_PREDICATES
