// Specification of json.hpp: page bodies and Docker json-file lines in, typed
// entries out; every malformed input gets a named error, and the entries
// before it are delivered.
#include <sandlog/json.hpp>

#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "support/counting_allocator.hpp"

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
  CHECK(trailing.result.ec == error::bad_offset);
  CHECK(trailing.result.field == "timestamp");
  run empty = decode(R"([{"timestamp":"","line":"x"}])");
  CHECK(empty.result.ec == error::too_short);
}

TEST_CASE("a known member given twice is rejected") {
  run ts = decode("[" + entry(0) + R"(,{"timestamp":"2026-03-06T10:00:00Z","line":"x","timestamp":"2026-03-06T10:00:01Z"}])");
  CHECK(ts.result.ec == error::json_syntax);
  CHECK(ts.result.field == "timestamp");
  check_prefix(ts, 1);
  run line = decode(R"([{"line":"a","timestamp":"2026-03-06T10:00:00Z","line":"b"}])");
  CHECK(line.result.ec == error::json_syntax);
  CHECK(line.result.field == "line");
  run logs = decode(R"({"logs":[],"logs":[]})");
  CHECK(logs.result.ec == error::json_syntax);
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

TEST_CASE("Docker json-file lines with a bad member name it") {
  event_decoder d;
  sandlog::log_record r;
  struct bad_case {
    const char* json;
    error ec;
    const char* field;
  };
  const bad_case cases[] = {
      {R"({"stream":"stdout","time":"2026-02-20T14:30:00Z"})", error::json_missing_field, "log"},
      {R"({"log":"x","time":"2026-02-20T14:30:00Z"})", error::json_missing_field, "stream"},
      {R"({"log":"x","stream":"stdout"})", error::json_missing_field, "time"},
      {R"({"log":1,"stream":"stdout","time":"2026-02-20T14:30:00Z"})", error::json_wrong_type, "log"},
      {R"({"log":"x","stream":null,"time":"2026-02-20T14:30:00Z"})", error::json_wrong_type, "stream"},
      {R"({"log":"x","stream":"stdout","time":1})", error::json_wrong_type, "time"},
      {R"({"log":"x","stream":"stdin","time":"2026-02-20T14:30:00Z"})", error::bad_stream, "stream"},
      {R"({"log":"x","stream":"stdout","time":"2026-02-30T14:30:00Z"})", error::bad_day, "time"},
      {R"({"log":"x","log":"y","stream":"stdout","time":"2026-02-20T14:30:00Z"})", error::json_syntax, "log"},
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
