// logfmt iteration, escapes, positioned errors, doubles, and the typed
// interface of logfmt_field.
#include <sandlog/logfmt.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "support/counting_allocator.hpp"
#include "support/vectors.hpp"

using sandlog::error;
using sandlog::logfmt_field;
using sandlog::logfmt_reader;
using sandlog::logfmt_value_kind;

namespace {

// A field written as "key" (flag), "key=text" (bare) or "key:text" (quoted,
// text as written between the quotes).
std::string describe(const logfmt_field& f) {
  std::string key(f.key());
  switch (f.kind()) {
    case logfmt_value_kind::none: return key;
    case logfmt_value_kind::bare: return key + "=" + std::string(f.text());
    case logfmt_value_kind::quoted: return key + ":" + std::string(f.text());
  }
  return "?";
}

struct outcome {
  std::vector<std::string> fields;
  error ec = error::ok;
  std::size_t offset = 0;
};

outcome read_all(std::string_view message) {
  outcome out;
  logfmt_reader reader(message);
  logfmt_field f;
  while (reader.next(f)) out.fields.push_back(describe(f));
  out.ec = reader.ec();
  out.offset = reader.error_offset();
  // Once done, the reader stays done.
  CHECK_FALSE(reader.next(f));
  return out;
}

struct row {
  const char* input;
  std::vector<std::string> fields;  // delivered before the end or the error
  error ec;
  std::size_t offset;  // of the error; unchecked when ec == ok
  const char* others;  // what go-logfmt (Go), logfmt-python (Py), logfmt-ruby (Rb) do
};

}  // namespace

TEST_CASE("logfmt accepts and rejects the forms other implementations disagree on") {
  const row rows[] = {
      {"", {}, error::ok, 0, "all: no pairs"},
      {"   \t  ", {}, error::ok, 0, "all: no pairs"},
      {"a=1", {"a=1"}, error::ok, 0, "all agree"},
      {"key=", {"key="}, error::ok, 0, "Go: nil value; Py/Rb: true"},
      {"key= next=1", {"key=", "next=1"}, error::ok, 0, "Go: nil value"},
      {"flag", {"flag"}, error::ok, 0, "Go: nil value; Py/Rb: true"},
      {"a flag b=2", {"a", "flag", "b=2"}, error::ok, 0, "Go agrees"},
      {"=value", {}, error::bad_key, 0, "Go: unexpected '='; Py/Rb: skip as garbage"},
      {"a=1 =value", {"a=1"}, error::bad_key, 4, "Go: unexpected '='"},
      {"\"key\"=v", {}, error::bad_key, 0, "Go: unexpected '\"'; Py/Rb: skip"},
      {"k\"ey=v", {}, error::bad_key, 1, "Go: unexpected '\"' at the quote"},
      {"a=b=c", {"a=b=c"}, error::ok, 0, "Go: unexpected '='; Rb: b=c; Py: a=b, c lost"},
      {"url=/q?x=1&y=2", {"url=/q?x=1&y=2"}, error::ok, 0, "Go rejects, Rb accepts"},
      {"k=b\"ar", {"k=b\"ar"}, error::ok, 0, "Go: unexpected '\"'; Rb: k=b"},
      {"a=1\tb=2", {"a=1", "b=2"}, error::ok, 0, "Go: tab separates (any byte <= ' ')"},
      {"a=1\r\nb=2\x01" "c=3", {"a=1", "b=2", "c=3"}, error::ok, 0, "Go: controls separate"},
      {"\xC6\x92=2h3s", {"\xC6\x92=2h3s"}, error::ok, 0, "Go: unicode key 'ƒ' accepted"},
      {"\xE2\x82\xAC=1 caf\xC3\xA9=2", {"\xE2\x82\xAC=1", "caf\xC3\xA9=2"}, error::ok, 0,
       "UTF-8 keys"},
      {"\x80=bar", {}, error::bad_key, 0, "Go: invalid key"},
      {"a\xC3=1", {}, error::bad_key, 1, "truncated UTF-8 in a key"},
      {"\xC0\xAF=1", {}, error::bad_key, 0, "overlong UTF-8 in a key"},
      {"\xED\xA0\x80=1", {}, error::bad_key, 0, "UTF-16 surrogate in a key"},
      {"k=\xFF\xFE", {"k=\xFF\xFE"}, error::ok, 0, "values are bytes; only keys need UTF-8"},
      {"a=1 a=2 a", {"a=1", "a=2", "a"}, error::ok, 0, "duplicates kept in order; Py/Rb: last wins"},
      {"msg=\"request done\"", {"msg:request done"}, error::ok, 0, "all agree"},
      {"k=\"\"", {"k:"}, error::ok, 0, "empty quoted value"},
      {"k=\"a=b c\"", {"k:a=b c"}, error::ok, 0, "'=' and space inside quotes"},
      {"k=\"\\\"hi\\\"\"", {"k:\\\"hi\\\""}, error::ok, 0, "escaped quotes stay escaped in text()"},
      {"k=\"tab\there\"", {"k:tab\there"}, error::ok, 0, "raw control bytes inside quotes kept"},
      {"k=\"1", {}, error::unterminated_quote, 2, "Go: unterminated quoted value"},
      {"a=1 k=\"x\\\"", {"a=1"}, error::unterminated_quote, 6, "the escaped quote does not close"},
      {"k=\"x\\", {}, error::unterminated_quote, 2, "Go: unterminated"},
      {"k=\"\\q\"", {}, error::bad_escape, 3, "Go: invalid quoted value"},
      {"k=\"\\u12\"", {}, error::bad_escape, 3, "Go: invalid quoted value"},
      {"k=\"\\u12", {}, error::bad_escape, 3, "cut-off \\u"},
      {"k=\"\\'\"", {"k:\\'"}, error::ok, 0, "Go, kr: ' (JSON has no \\', Go's readers do)"},
      {"a\xEF\xBF\xBD=1", {}, error::bad_key, 1, "Go: invalid key (U+FFFD in a key)"},
      {"\xEF\xBF\xBD=1 b=2", {}, error::bad_key, 0, "Go: invalid key"},
      {"k=\xEF\xBF\xBD", {"k=\xEF\xBF\xBD"}, error::ok, 0, "U+FFFD in a value is fine"},
      {"k=\"a\tb\\n\" x=1", {"k:a\tb\\n", "x=1"}, error::ok, 0,
       "Go: invalid quoted value (a raw tab beside an escape)"},
      {"k=\"\xFF\\n\" x=1", {"k:\xFF\\n", "x=1"}, error::ok, 0,
       "Go: U+FFFD for the invalid byte (only beside an escape)"},
      {"k=\"a\"b=1", {}, error::missing_space, 5, "Go: k=a then b=1; Py/Rb too"},
      {"k=\"a\"\"b\"", {}, error::missing_space, 5, "Go: unexpected '\"'"},
      {"k=\"a\" b=1", {"k:a", "b=1"}, error::ok, 0, "all agree"},
      {"k='single quoted'", {"k='single", "quoted'"}, error::ok, 0, "no single quotes, as Go"},
      {"a=1 b=\"2", {"a=1"}, error::unterminated_quote, 6, "pairs before the error survive"},
  };
  for (const row& r : rows) {
    INFO("input: " << r.input << "  (" << r.others << ")");
    const outcome got = read_all(r.input);
    CHECK(got.fields == r.fields);
    CHECK(got.ec == r.ec);
    if (r.ec != error::ok) CHECK(got.offset == r.offset);
  }
}

TEST_CASE("\\' decodes to a single quote, as Go's readers do") {
  logfmt_reader reader("k=\"it\\'s\"");
  logfmt_field f;
  REQUIRE(reader.next(f));
  REQUIRE(f.escaped());
  char buffer[8];
  const auto v = f.value(buffer, sizeof buffer);
  REQUIRE(v.ec == error::ok);
  REQUIRE(v.value == "it's");
  REQUIRE(f.compare_text("it's") == 0);
  REQUIRE_FALSE(reader.next(f));
  REQUIRE(reader.ec() == error::ok);
}

TEST_CASE("a key holding U+FFFD is bad_key at that character, like invalid UTF-8") {
  // Docker's json-file turns an invalid byte into U+FFFD: the key must get
  // the same verdict read raw or repaired.
  const outcome raw = read_all("a=1 b\xFF=2");
  const outcome repaired = read_all("a=1 b\xEF\xBF\xBD=2");
  REQUIRE(raw.ec == error::bad_key);
  REQUIRE(repaired.ec == error::bad_key);
  REQUIRE(raw.offset == 5);
  REQUIRE(repaired.offset == 5);
  REQUIRE(repaired.fields == std::vector<std::string>{"a=1"});
  // Other characters of the same length are fine.
  REQUIRE(read_all("\xEF\xBF\xBC=1").ec == error::ok);
  REQUIRE(read_all("\xEE\xBF\xBD=1").ec == error::ok);
}

TEST_CASE("raw bytes in a quoted value are kept, whether or not it also holds an escape") {
  // go-logfmt rejects a raw tab, and replaces invalid UTF-8, only in a value
  // that also holds an escape; sandlog reads both values the same way.
  for (const char* message : {"k=\"a\tb\xFF\"", "k=\"a\tb\xFF\\/\""}) {
    INFO(message);
    logfmt_reader reader(message);
    logfmt_field f;
    REQUIRE(reader.next(f));
    char buffer[16];
    const auto v = f.value(buffer, sizeof buffer);
    REQUIRE(v.ec == error::ok);
    REQUIRE(v.value.substr(0, 4) == "a\tb\xFF");
    REQUIRE(v.value.size() <= f.text().size());  // decoding never grows
    REQUIRE(reader.ec() == error::ok);
  }
}

namespace {

// sandlog's own reading of a message, in the vectors' notation.
struct reading {
  bool ok = true;
  std::string error_name;
  std::size_t offset = 0;
  std::vector<std::string> pairs;  // "key" for a flag, else "key=decoded"
};

const char* error_name(error e) {
  switch (e) {
    case error::ok: return "ok";
    case error::bad_key: return "bad_key";
    case error::bad_escape: return "bad_escape";
    case error::unterminated_quote: return "unterminated_quote";
    case error::missing_space: return "missing_space";
    default: return "other";
  }
}

reading read_pairs(std::string_view message) {
  reading out;
  logfmt_reader reader(message);
  logfmt_field f;
  std::string buffer;
  while (reader.next(f)) {
    std::string pair(f.key());
    if (f.has_value()) {
      buffer.assign(f.text().size() + 1, '\0');
      const auto v = f.value(&buffer[0], buffer.size());
      REQUIRE(v.ec == error::ok);
      pair += "=" + std::string(v.value);
    }
    out.pairs.push_back(pair);
  }
  out.ok = reader.ec() == error::ok;
  out.error_name = error_name(reader.ec());
  out.offset = reader.error_offset();
  return out;
}

// The Go readers give nil for an empty value: "key=" and "key" are the same.
std::vector<std::string> without_empty_values(std::vector<std::string> pairs) {
  for (auto& p : pairs)
    if (!p.empty() && p.back() == '=' && p.find('=') == p.size() - 1) p.pop_back();
  return pairs;
}

}  // namespace

TEST_CASE("logfmt agrees with go-logfmt and kr on their cases, except where it says why") {
  std::string err;
  const auto lines = sandlog_test::read_vectors("logfmt_readers.txt", err);
  INFO(err);
  REQUIRE(err.empty());
  // Group the lines into cases; `encoded` lines stand alone.
  std::vector<std::vector<sandlog_test::vector_line>> cases;
  std::size_t encoded = 0;
  for (const auto& l : lines) {
    INFO("logfmt_readers.txt:" << l.number);
    if (l.keyword == "encoded") {
      REQUIRE(l.args.size() == 2);
      const reading back = read_pairs(l.args[0]);
      INFO("line: " << l.args[0]);
      REQUIRE(back.ok);
      REQUIRE(back.pairs == std::vector<std::string>{"k=" + l.args[1], "n=1"});
      ++encoded;
      continue;
    }
    if (l.keyword == "case") cases.emplace_back();
    REQUIRE(!cases.empty());
    cases.back().push_back(l);
  }
  REQUIRE(cases.size() >= 70);
  REQUIRE(encoded >= 20);

  std::size_t differences = 0;
  for (const auto& c : cases) {
    INFO("logfmt_readers.txt:" << c.front().number);
    REQUIRE(c.front().args.size() == 1);
    const std::string& message = c.front().args[0];
    INFO("message: " << message);
    const reading got = read_pairs(message);
    bool saw_sandlog = false;
    std::size_t readers = 0;
    for (const auto& l : c) {
      if (l.keyword == "sandlog") {
        saw_sandlog = true;
        REQUIRE(!l.args.empty());
        const bool ok = l.args[0] == "ok";
        REQUIRE(got.ok == ok);
        auto first_pair = l.args.begin() + 1;
        if (!ok) {
          REQUIRE(l.args.size() >= 2);
          REQUIRE(got.error_name == l.args[0]);
          REQUIRE(got.offset == std::stoul(l.args[1]));
          ++first_pair;
        }
        REQUIRE(got.pairs == std::vector<std::string>(first_pair, l.args.end()));
      } else if (l.keyword == "go-logfmt" || l.keyword == "kr") {
        ++readers;
        REQUIRE(!l.args.empty());
        const bool ok = l.args[0] == "ok";
        REQUIRE(l.args.size() >= (ok ? 1u : 2u));
        const std::vector<std::string> theirs(l.args.begin() + (ok ? 1 : 2), l.args.end());
        const bool same =
            ok == got.ok && without_empty_values(theirs) == without_empty_values(got.pairs);
        bool declared = false;
        for (const auto& d : c)
          if (d.keyword == "differs" && d.args.size() == 2 && d.args[0] == l.keyword) declared = true;
        INFO(l.keyword << (declared ? " is declared to differ" : " is declared to agree"));
        REQUIRE(same != declared);
        if (declared) ++differences;
      } else {
        REQUIRE((l.keyword == "case" || l.keyword == "differs" || l.keyword == "heroku" ||
                 l.keyword == "python" || l.keyword == "ruby"));
      }
    }
    REQUIRE(saw_sandlog);
    REQUIRE(readers == 2);
  }
  REQUIRE(differences > 0);
}

TEST_CASE("logfmt reads a typical service line") {
  const std::string line =
      "level=info ts=2026-02-20T14:30:00Z msg=\"request done\" latency_ms=12.5 dur=1.5s ok=true";
  std::vector<std::string> keys;
  logfmt_reader reader(line);
  logfmt_field f;
  while (reader.next(f)) keys.emplace_back(f.key());
  CHECK(reader.ec() == error::ok);
  CHECK(reader.result().ptr == line.data() + line.size());
  CHECK(keys == std::vector<std::string>{"level", "ts", "msg", "latency_ms", "dur", "ok"});
}

TEST_CASE("logfmt views point into the message") {
  const std::string line = "a=1 b=\"two\"";
  logfmt_reader reader(line);
  logfmt_field f;
  REQUIRE(reader.next(f));
  CHECK(f.key().data() == line.data());
  CHECK(f.text().data() == line.data() + 2);
  REQUIRE(reader.next(f));
  CHECK(f.text().data() == line.data() + 7);
  CHECK(f.text().size() == 3);
}

TEST_CASE("logfmt never reads past the message") {
  // Every prefix of tricky lines, each copied into an exact-size heap block:
  // AddressSanitizer reports any read past it.
  const char* lines[] = {"k=\"a\\u00e9\\\"b\" x=\xC3\xA9 \xE2\x82\xAC=1 flag k2=v2222222222",
                         "abcdefghijklmnop=qrstuvwxyz0123456789 q=\"0123456789abcdef\\\\\"",
                         "k=\"\\ud83d\\ude00\""};
  for (const char* l : lines) {
    const std::string full(l);
    for (std::size_t n = 0; n <= full.size(); ++n) {
      char* block = static_cast<char*>(std::malloc(n == 0 ? 1 : n));
      std::memcpy(block, full.data(), n);
      logfmt_reader reader(std::string_view(block, n));
      logfmt_field f;
      char buf[64];
      while (reader.next(f)) {
        CHECK(f.key().data() + f.key().size() <= block + n);
        CHECK(f.text().data() + f.text().size() <= block + n);
        (void)f.value(buf, sizeof buf);
      }
      CHECK(reader.error_offset() <= n);
      std::free(block);
    }
  }
}

TEST_CASE("escapes are decoded only on request, into the caller's buffer") {
  const std::string line =
      "k=\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t e\\u00e9 \\u20ac \\ud83d\\ude00 \\ud800x \\udc00\"";
  logfmt_reader reader(line);
  logfmt_field f;
  REQUIRE(reader.next(f));
  CHECK(f.escaped());
  char buf[128];
  const auto v = f.value(buf, sizeof buf);
  REQUIRE(v.ec == error::ok);
  CHECK(v.value.data() == buf);
  CHECK(std::string(v.value) ==
        "q\" b\\ s/ \b\f\n\r\t e\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xEF\xBF\xBDx \xEF\xBF\xBD");
  // The raw text always suffices.
  CHECK(f.value(buf, f.text().size()).ec == error::ok);
}

TEST_CASE("a value without escapes is returned without copying") {
  const std::string line = "k=\"plain text\" b=bare";
  logfmt_reader reader(line);
  logfmt_field f;
  REQUIRE(reader.next(f));
  CHECK_FALSE(f.escaped());
  const auto v = f.value(nullptr, 0);
  CHECK(v.ec == error::ok);
  CHECK(v.value.data() == f.text().data());
}

TEST_CASE("a buffer too small for the decoded value is out_of_range") {
  const std::string line = "k=\"ab\\ncd\\u20ac\"";  // decodes to 8 bytes
  logfmt_reader reader(line);
  logfmt_field f;
  REQUIRE(reader.next(f));
  char buf[16];
  for (std::size_t cap = 0; cap < 8; ++cap) {
    std::memset(buf, '#', sizeof buf);
    const auto v = f.value(buf, cap);
    CHECK(v.ec == error::out_of_range);
    CHECK(v.value.empty());
    for (std::size_t i = cap; i < sizeof buf; ++i) CHECK(buf[i] == '#');  // nothing past cap
  }
  CHECK(f.value(buf, 8).value == "ab\ncd\xE2\x82\xAC");
}

TEST_CASE("compare_text compares the decoded value") {
  const std::string line = "k=\"a\\\"b\\u00e9\" p=plain";
  logfmt_reader reader(line);
  logfmt_field k, p;
  REQUIRE(reader.next(k));
  REQUIRE(reader.next(p));
  CHECK(k.compare_text("a\"b\xC3\xA9") == 0);
  CHECK(k.compare_text("a\"b") > 0);
  CHECK(k.compare_text("a\"b\xC3\xA9z") < 0);
  CHECK(k.compare_text("a#") < 0);   // '"' < '#'
  CHECK(k.compare_text("a!") > 0);
  CHECK(p.compare_text("plain") == 0);
  CHECK(p.compare_text("plaio") < 0);
}

TEST_CASE("iterating allocates nothing") {
  std::string line;
  for (int i = 0; i < 200; ++i)
    line += "key" + std::to_string(i) + "=\"v\\n" + std::to_string(i) + "\" n=" +
            std::to_string(i * 7) + ".5 d=1h2m3.5s ok=true ";
  const std::size_t before = sandlog_test::allocations();
  logfmt_reader reader(line);
  logfmt_field f;
  std::size_t n = 0;
  double sum = 0;
  char buf[32];
  while (reader.next(f)) {
    ++n;
    if (f.key() == "n") sum += f.as_double().value;
    (void)f.as_duration();
    (void)f.as_bool();
    (void)f.value(buf, sizeof buf);
  }
  CHECK(sandlog_test::allocations() == before);
  CHECK(n == 800);
  CHECK(reader.ec() == error::ok);
  CHECK(sum > 0);
}

TEST_CASE("parse_logfmt delivers fields before an error and reports it") {
  std::vector<std::string> seen;
  const std::string line = "a=1 b=2 \"c\"=3 d=4";
  const auto r =
      sandlog::parse_logfmt(line, [&](const logfmt_field& f) { seen.push_back(describe(f)); });
  CHECK(seen == std::vector<std::string>{"a=1", "b=2"});
  CHECK(r.ec == error::bad_key);
  CHECK(r.ptr == line.data() + 8);
}

TEST_CASE("append_logfmt_value quotes only when needed and reads back the same") {
  const std::string values[] = {"", "plain", "a b", "a=b", "q\"", "back\\slash", "tab\t",
                                "\x01\x1f", "caf\xC3\xA9", "\"lead"};
  for (const std::string& v : values) {
    std::string line = "k=";
    sandlog::append_logfmt_value(line, v);
    logfmt_reader reader(line);
    logfmt_field f;
    REQUIRE(reader.next(f));
    char buf[64];
    CHECK(std::string(f.value(buf, sizeof buf).value) == v);
    CHECK_FALSE(reader.next(f));
    CHECK(reader.ec() == error::ok);
  }
  std::string bare;
  sandlog::append_logfmt_value(bare, "plain");
  CHECK(bare == "plain");
}

// ---- doubles ----

TEST_CASE("double agrees with strtod on ordinary and edge values") {
  const char* values[] = {"0", "-0", "12.5", "1e3", "-1.5E-3", ".5", "5.", "0.1",
                          "1.7976931348623157e308", "2.2250738585072014e-308",
                          "4.9406564584124654e-324",  // smallest denormal
                          "2.4703282292062328e-324",  // rounds up to it
                          "123456789012345678901234567890", "9007199254740993",
                          "1e-400"};
  for (const char* s : values) {
    INFO(s);
    const auto v = sandlog::parse_double(s);
    CHECK(v.ec == error::ok);
    const double ref = std::strtod(s, nullptr);
    CHECK(std::memcmp(&v.value, &ref, sizeof ref) == 0);  // bit-identical, -0 included
  }
  CHECK(std::signbit(sandlog::parse_double("-0").value));
  CHECK(std::signbit(sandlog::parse_double("-1e-400").value));
  CHECK(sandlog::parse_double("+2.5").value == 2.5);
}

TEST_CASE("double overflow is out_of_range with an infinite value") {
  const auto v = sandlog::parse_double("1e400");
  CHECK(v.ec == error::out_of_range);
  CHECK(v.value == std::numeric_limits<double>::infinity());
  CHECK(sandlog::parse_double("-1e400").value == -std::numeric_limits<double>::infinity());
  CHECK(sandlog::parse_double("1.8e308").ec == error::out_of_range);
  // Even when nan/inf are allowed: a finite literal is never silently infinite.
  CHECK(sandlog::parse_double("1e400", sandlog::double_options{true}).ec == error::out_of_range);
}

TEST_CASE("nan and inf are rejected unless asked for") {
  for (const char* s : {"nan", "NaN", "-nan", "inf", "-inf", "Infinity", "+inf"}) {
    INFO(s);
    CHECK(sandlog::parse_double(s).ec == error::bad_number);
    const auto v = sandlog::parse_double(s, sandlog::double_options{true});
    CHECK(v.ec == error::ok);
    CHECK_FALSE(std::isfinite(v.value));
  }
}

TEST_CASE("double must consume the whole value") {
  for (const char* s : {"", "+", "-", "1.5x", " 1", "1 ", "1e", "e5", "0x1p3", "1,5", "+-1",
                        "--1", "nanx", "infinit", "1_0"}) {
    INFO(s);
    CHECK(sandlog::parse_double(s).ec == error::bad_number);
  }
}

TEST_CASE("double agrees with strtod on many random decimal strings") {
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  char text[64];
  for (int i = 0; i < 20000; ++i) {
    const auto mantissa = next() >> (next() % 64);
    const int exponent = static_cast<int>(next() % 700) - 350;
    std::snprintf(text, sizeof text, "%llu.%llue%d", static_cast<unsigned long long>(mantissa),
                  static_cast<unsigned long long>(next() % 1000), exponent);
    const auto v = sandlog::parse_double(text);
    const double ref = std::strtod(text, nullptr);
    if (std::isinf(ref)) {
      CHECK(v.ec == error::out_of_range);
    } else {
      INFO(text);
      CHECK(v.ec == error::ok);
      CHECK(v.value == ref);
    }
  }
}

// ---- the typed interface on fields ----

TEST_CASE("fields convert their values, quoted or not") {
  const std::string line =
      "n=42 q=\"-7\" d=12.5 b=true t=2026-02-20T14:30:00Z dur=1h2m3.5s e=\"\\u0031\\u0032\" x=abc";
  std::vector<logfmt_field> fs;
  sandlog::parse_logfmt(line, [&](const logfmt_field& f) { fs.push_back(f); });
  REQUIRE(fs.size() == 8);
  CHECK(fs[0].as_int64().value == 42);
  CHECK(fs[1].as_int64().value == -7);
  CHECK(fs[2].as_double().value == 12.5);
  CHECK(fs[2].as_int64().ec == error::bad_number);
  CHECK(fs[3].as_bool().value);
  CHECK(fs[4].as_timestamp().value.seconds == 1771597800);
  CHECK(fs[5].as_duration().value == 3723500000000);
  CHECK(fs[6].as_int64().value == 12);  // escapes decoded before converting
  CHECK(fs[7].as_int64().ec == error::bad_number);
  CHECK(fs[7].as_double().ec == error::bad_number);
  CHECK(fs[7].as_bool().ec == error::bad_bool);
  CHECK(fs[7].as_duration().ec == error::bad_duration);
  CHECK(fs[7].as_timestamp().ec != error::ok);
}

TEST_CASE("a flag or empty value converts to nothing") {
  std::vector<logfmt_field> fs;
  sandlog::parse_logfmt("flag e= q=\"\"", [&](const logfmt_field& f) { fs.push_back(f); });
  REQUIRE(fs.size() == 3);
  CHECK_FALSE(fs[0].has_value());
  CHECK(fs[1].has_value());
  CHECK(fs[2].quoted());
  for (const auto& f : fs) {
    CHECK(f.text().empty());
    CHECK(f.as_int64().ec == error::bad_number);
    CHECK(f.as_double().ec == error::bad_number);
  }
}
