// Field predicates: parsing, literal kinds, comparison per kind, missing and
// duplicate fields, printing, and allocation-free evaluation.
#include <sandlog/predicate.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "support/counting_allocator.hpp"

using sandlog::compare_op;
using sandlog::error;
using sandlog::field_predicate;
using sandlog::literal_kind;

namespace {

field_predicate make(std::string_view text) {
  field_predicate p;
  const auto r = sandlog::parse_predicate(text, p);
  INFO(text);
  REQUIRE(r.ec == error::ok);
  return p;
}

bool matches(std::string_view predicate, std::string_view message) {
  return make(predicate).matches(message);
}

// A field of some other record format: only the duck-typed interface, with
// text() already decoded and no compare_text().
struct plain_field {
  std::string k, v;
  std::string_view key() const { return k; }
  std::string_view text() const { return v; }
  sandlog::value_result<bool> as_bool() const { return sandlog::parse_bool(v); }
  sandlog::value_result<std::int64_t> as_int64() const { return sandlog::parse_int64(v); }
  sandlog::value_result<double> as_double() const { return sandlog::parse_double(v); }
  sandlog::value_result<std::int64_t> as_duration() const { return sandlog::parse_duration(v); }
  sandlog::value_result<sandlog::timestamp> as_timestamp() const {
    return sandlog::parse_timestamp_value(v);
  }
};

}  // namespace

TEST_CASE("predicate parses key, operator and literal") {
  struct row {
    const char* text;
    const char* key;
    compare_op op;
    literal_kind kind;
    const char* literal;
  };
  const row rows[] = {
      {"level=error", "level", compare_op::eq, literal_kind::string, "error"},
      {"status!=200", "status", compare_op::ne, literal_kind::integer, "200"},
      {"latency_ms<12.5", "latency_ms", compare_op::lt, literal_kind::number, "12.5"},
      {"n<=-3", "n", compare_op::le, literal_kind::integer, "-3"},
      {"dur>1.5s", "dur", compare_op::gt, literal_kind::duration, "1.5s"},
      {"ts>=2026-02-20T14:30:00Z", "ts", compare_op::ge, literal_kind::timestamp,
       "2026-02-20T14:30:00Z"},
      {"ok=true", "ok", compare_op::eq, literal_kind::boolean, "true"},
      {"msg=\"request done\"", "msg", compare_op::eq, literal_kind::string, "request done"},
      {"code=\"200\"", "code", compare_op::eq, literal_kind::string, "200"},
      {"  a  >=  7  ", "a", compare_op::ge, literal_kind::integer, "7"},
      {"a==b", "a", compare_op::eq, literal_kind::string, "b"},
      {"e=", "e", compare_op::eq, literal_kind::string, ""},
      {"big=1e30", "big", compare_op::eq, literal_kind::number, "1e30"},
      {"huge=99999999999999999999", "huge", compare_op::eq, literal_kind::number,
       "99999999999999999999"},
      {"q=\"a\\n\\u00e9\"", "q", compare_op::eq, literal_kind::string, "a\n\xC3\xA9"},
      {"zero=0", "zero", compare_op::eq, literal_kind::integer, "0"},
      {"nan=nan", "nan", compare_op::eq, literal_kind::string, "nan"},
      {"caf\xC3\xA9=1", "caf\xC3\xA9", compare_op::eq, literal_kind::integer, "1"},
  };
  for (const row& r : rows) {
    INFO(r.text);
    const field_predicate p = make(r.text);
    CHECK(p.key() == r.key);
    CHECK(p.op() == r.op);
    CHECK(p.kind() == r.kind);
    CHECK(p.literal() == r.literal);
  }
}

TEST_CASE("predicate syntax errors carry their position") {
  struct row {
    const char* text;
    error ec;
    std::size_t offset;
  };
  const row rows[] = {
      {"", error::bad_predicate, 0},
      {"=1", error::bad_predicate, 0},
      {"key", error::bad_predicate, 3},
      {"key 1", error::bad_predicate, 4},
      {"a!1", error::bad_predicate, 1},
      {"a=b c", error::bad_predicate, 4},
      {"a=\"b\" c", error::bad_predicate, 6},
      {"a=\"b", error::unterminated_quote, 2},
      {"a=\"\\x\"", error::bad_escape, 3},
      {"ok<true", error::bad_predicate, 2},
      {"n=1e400", error::out_of_range, 2},
      {"d>9223372037s", error::out_of_range, 2},
      {"\x80=1", error::bad_predicate, 0},
      {"a=b\n", error::bad_predicate, 3},
      {"\"a\"=1", error::bad_predicate, 0},
  };
  for (const row& r : rows) {
    INFO(r.text);
    field_predicate p = make("untouched=1");
    const std::string_view text(r.text);
    const auto res = sandlog::parse_predicate(text, p);
    CHECK(res.ec == r.ec);
    CHECK(static_cast<std::size_t>(res.ptr - text.data()) == r.offset);
    CHECK(p.key() == "untouched");  // unchanged on error
  }
}

TEST_CASE("a bare literal written as a timestamp or a duration must be one") {
  struct row {
    const char* text;
    error ec;
  };
  const row rows[] = {
      {"ts<2026-13-01T00:00:00Z", error::bad_month},
      {"ts<2026-02-30T00:00:00Z", error::bad_day},
      {"ts<2026-02-20T14:30:00", error::too_short},
      {"ts<2026-02-20t25:00:00Z", error::bad_hour},
      {"ts<2026-02-20T14:30:00Zx", error::trailing_bytes},
      {"dur>1h30", error::bad_duration},
      {"dur>1d", error::bad_duration},
      {"dur>10m5x", error::bad_duration},
      {"dur>-2s3", error::bad_duration},
  };
  for (const row& r : rows) {
    INFO(r.text);
    field_predicate p;
    const std::string_view text(r.text);
    const auto res = sandlog::parse_predicate(text, p);
    CHECK(res.ec == r.ec);
    CHECK(static_cast<std::size_t>(res.ptr - text.data()) == text.find_first_of("<>") + 1);
  }
  // Words that are neither stay strings: dates alone, hex ids, versions,
  // letters without a unit, and anything quoted.
  for (const char* text : {"day=2026-02-20", "sha=3f2a9c", "v=1.2.3", "x=1.5x", "e=1e",
                           "ts=\"2026-13-01T00:00:00Z\"", "d=\"1d\"", "w=2026-02-20X14"}) {
    INFO(text);
    CHECK(make(text).kind() == literal_kind::string);
  }
}

TEST_CASE("numbers compare as numbers, exactly across int and double") {
  CHECK(matches("latency_ms>12", "latency_ms=12.5"));
  CHECK_FALSE(matches("latency_ms>12.5", "latency_ms=12.5"));
  CHECK(matches("latency_ms>=12.5", "latency_ms=12.5"));
  CHECK(matches("n=12", "n=12.0"));
  CHECK(matches("n=1000", "n=1e3"));
  CHECK(matches("n<10", "n=9"));
  CHECK_FALSE(matches("n<10", "n=10"));
  CHECK(matches("n>9", "n=10"));  // not "10" < "9" as strings
  CHECK(matches("n=-0", "n=0"));
  // 2^53 + 1 is not a double: compared exactly, not after rounding.
  CHECK(matches("n>9007199254740992.0", "n=9007199254740993"));
  CHECK_FALSE(matches("n=9007199254740992.0", "n=9007199254740993"));
  CHECK(matches("n<9007199254740993", "n=9007199254740992.0"));
  CHECK(matches("n=9223372036854775807", "n=9223372036854775807"));
  CHECK_FALSE(matches("n=9223372036854775806", "n=9223372036854775807"));
  CHECK(matches("n<9223372036854775808", "n=9223372036854775807"));  // a double literal
  // A literal beyond int64 is a double: -9223372036854775809 rounds to -2^63.
  CHECK(matches("n>=-9223372036854775809", "n=-9223372036854775808"));
  CHECK_FALSE(matches("n>-9223372036854775809", "n=-9223372036854775808"));
  CHECK(matches("n<1e300", "n=5"));
}

TEST_CASE("a field that is not of the literal's kind does not match") {
  CHECK_FALSE(matches("n>5", "n=abc"));
  CHECK_FALSE(matches("n<5", "n=abc"));
  CHECK_FALSE(matches("n=5", "n=5s"));
  CHECK_FALSE(matches("n>5", "n=nan"));
  CHECK_FALSE(matches("n<5", "n=-inf"));
  CHECK_FALSE(matches("d>1s", "d=1500"));  // Go durations need a unit
  CHECK_FALSE(matches("d=0", "d=0s"));     // "0" is an integer literal
  CHECK(matches("d=0s", "d=0"));            // and "0" is a valid duration
  CHECK_FALSE(matches("ts<2026-01-01T00:00:00Z", "ts=yesterday"));
  CHECK_FALSE(matches("ok=true", "ok=yes"));
}

TEST_CASE("durations compare as durations") {
  CHECK(matches("dur>1s", "dur=1500ms"));
  CHECK(matches("dur=90m", "dur=1h30m"));
  CHECK(matches("dur<1us", "dur=999ns"));
  CHECK(matches("dur>=-1.5h", "dur=-90m"));
  CHECK_FALSE(matches("dur>2h", "dur=1h59m59.999999999s"));
}

TEST_CASE("timestamps compare as instants, whatever their offset") {
  CHECK(matches("ts=2026-02-20T14:30:00Z", "ts=2026-02-20T15:30:00+01:00"));
  CHECK(matches("ts>2026-02-20T14:30:00Z", "ts=2026-02-20T14:30:00.000000001Z"));
  CHECK(matches("ts<2026-02-20T14:30:00Z", "ts=2026-02-20T14:29:59.999999999Z"));
  CHECK_FALSE(matches("ts>2026-02-20T14:30:00Z", "ts=2026-02-20T14:30:00Z"));
}

TEST_CASE("booleans compare with Go's spellings") {
  CHECK(matches("ok=true", "ok=true"));
  CHECK(matches("ok=true", "ok=1"));
  CHECK(matches("ok=true", "ok=T"));
  CHECK(matches("ok=false", "ok=FALSE"));
  CHECK(matches("ok!=true", "ok=0"));
  CHECK_FALSE(matches("ok=true", "ok=false"));
}

TEST_CASE("strings compare bytewise after decoding escapes") {
  CHECK(matches("level=error", "level=error"));
  CHECK_FALSE(matches("level=error", "level=ERROR"));
  CHECK(matches("msg=\"request done\"", "msg=\"request done\""));
  CHECK(matches("msg=\"say \\\"hi\\\"\"", "msg=\"say \\\"hi\\\"\""));
  CHECK(matches("msg=\"caf\xC3\xA9\"", "msg=\"caf\\u00e9\""));
  CHECK(matches("level<info", "level=error"));
  CHECK(matches("level>=warn", "level=warn"));
  CHECK(matches("code=\"200\"", "code=200"));  // a quoted literal is a string
  CHECK_FALSE(matches("code=\"200\"", "code=200.0"));
  CHECK(matches("e=", "e="));
  CHECK(matches("e=\"\"", "e=\"\""));
  CHECK(matches("e=\"\"", "e"));  // a flag's value is empty
}

TEST_CASE("a missing field matches only !=") {
  for (const char* p : {"x=1", "x<1", "x<=1", "x>1", "x>=1", "x=abc", "x=1s", "x=true"}) {
    INFO(p);
    CHECK_FALSE(matches(p, "a=1 b=2"));
  }
  CHECK(matches("x!=1", "a=1 b=2"));
  CHECK(matches("x!=abc", ""));
}

TEST_CASE("with duplicate keys, any field may satisfy; != needs none equal") {
  CHECK(matches("a=2", "a=1 a=2 a=3"));
  CHECK(matches("a>2", "a=1 a=2 a=3"));
  CHECK_FALSE(matches("a>3", "a=1 a=2 a=3"));
  CHECK_FALSE(matches("a!=2", "a=1 a=2 a=3"));
  CHECK(matches("a!=4", "a=1 a=2 a=3"));
  CHECK(matches("a!=5", "a=abc"));  // another kind is not equal
}

TEST_CASE("fields after a syntax error are not seen") {
  CHECK(matches("a=1", "a=1 \"bad\"=2 b=3"));
  CHECK_FALSE(matches("b=3", "a=1 \"bad\"=2 b=3"));
}

TEST_CASE("test works on any field type with the typed interface") {
  const field_predicate p = make("latency>10ms");
  CHECK(p.test(plain_field{"latency", "11ms"}));
  CHECK_FALSE(p.test(plain_field{"latency", "9ms"}));
  const field_predicate s = make("msg=\"a\\\"b\"");
  CHECK(s.test(plain_field{"msg", "a\"b"}));
  const std::vector<plain_field> record = {{"a", "1"}, {"latency", "20ms"}};
  CHECK(p.matches_each([&](auto&& visit) {
    for (const auto& f : record)
      if (visit(f)) return;
  }));
}

TEST_CASE("a printed predicate parses back to an equal one") {
  for (const char* text :
       {"level=error", "status!=200", "x<12.5", "d>=1h2m3.5s", "ts<=2026-02-20T14:30:00.5+01:00",
        "ok=true", "msg=\"request done\"", "code=\"200\"", "q=\"a\\n\\\"\\u0001\\u00e9\"", "e=",
        "k=a\"b", "big=99999999999999999999", "n=-0"}) {
    const field_predicate p = make(text);
    INFO(text << " printed as " << p.to_string());
    CHECK(make(p.to_string()) == p);
  }
  CHECK(make("msg=\"request done\"").to_string() == "msg=\"request done\"");
  CHECK(make("  a  >=  7 ").to_string() == "a>=7");
  CHECK(make("level=error").to_string() == "level=\"error\"");
}

TEST_CASE("evaluating a parsed predicate allocates nothing") {
  const std::vector<field_predicate> ps = {make("n>=5"), make("d<2s"), make("msg=\"a b\\n\""),
                                           make("ts>2026-01-01T00:00:00Z"), make("ok!=true"),
                                           make("missing!=1")};
  const std::string line =
      "n=7 d=1.5s msg=\"a b\\n\" ts=2026-02-20T14:30:00Z ok=false q=\"\\u00e9\" x=1";
  const std::size_t before = sandlog_test::allocations();
  int hits = 0;
  for (int i = 0; i < 100; ++i)
    for (const auto& p : ps) hits += p.matches(line) ? 1 : 0;
  CHECK(sandlog_test::allocations() == before);
  CHECK(hits == 600);
}
