// Typed conversions of field text: int64, bool, Go durations, timestamps.
#include <sandlog/value.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

using sandlog::error;
using sandlog::parse_bool;
using sandlog::parse_duration;
using sandlog::parse_int64;

namespace {
constexpr std::int64_t max64 = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t min64 = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t second = 1000000000;
}  // namespace

TEST_CASE("int64 reads its extremes exactly") {
  CHECK(parse_int64("9223372036854775807").value == max64);
  CHECK(parse_int64("-9223372036854775808").value == min64);
  CHECK(parse_int64("+9223372036854775807").value == max64);
  CHECK(parse_int64("0").value == 0);
  CHECK(parse_int64("-0").value == 0);
  CHECK(parse_int64("-0").ec == error::ok);
  CHECK(parse_int64("000042").value == 42);
}

TEST_CASE("int64 one past either extreme is out_of_range") {
  CHECK(parse_int64("9223372036854775808").ec == error::out_of_range);
  CHECK(parse_int64("-9223372036854775809").ec == error::out_of_range);
  CHECK(parse_int64("99999999999999999999999").ec == error::out_of_range);
  CHECK(parse_int64("18446744073709551616").ec == error::out_of_range);  // 2^64 must not wrap
}

TEST_CASE("int64 rejects anything but an optional sign and digits") {
  for (const char* s : {"", "-", "+", "1.0", "1e3", " 1", "1 ", "0x10", "--1", "+-1", "1_000",
                        "١", "12a", "99999999999999999999x"}) {
    INFO(s);
    CHECK(parse_int64(s).ec == error::bad_number);
  }
}

TEST_CASE("int64 agrees with std::stoll on every value near powers of ten and two") {
  for (int shift = 0; shift < 63; ++shift) {
    for (std::int64_t d = -2; d <= 2; ++d) {
      const std::int64_t v = (std::int64_t{1} << shift) + d;
      for (const std::int64_t x : {v, -v}) {
        const std::string s = std::to_string(x);
        CHECK(parse_int64(s).value == std::stoll(s));
      }
    }
  }
}

TEST_CASE("bool accepts exactly Go's strconv.ParseBool spellings") {
  for (const char* s : {"1", "t", "T", "true", "True", "TRUE"}) {
    CHECK(parse_bool(s).value);
    CHECK(parse_bool(s).ec == error::ok);
  }
  for (const char* s : {"0", "f", "F", "false", "False", "FALSE"}) {
    CHECK_FALSE(parse_bool(s).value);
    CHECK(parse_bool(s).ec == error::ok);
  }
  for (const char* s : {"", "yes", "no", "on", "off", "tRuE", " true", "true ", "2", "y"}) {
    INFO(s);
    CHECK(parse_bool(s).ec == error::bad_bool);
  }
}

TEST_CASE("duration reads Go's forms") {
  struct row {
    const char* text;
    std::int64_t ns;
  };
  const row rows[] = {
      {"0", 0},
      {"-0", 0},
      {"+0", 0},
      {"0s", 0},
      {"1.5s", 1500000000},
      {"250ms", 250000000},
      {"2h45m", (2 * 3600 + 45 * 60) * second},
      {"1h2m3.5s", 3723500000000},
      {"-1.5h", -5400 * second},
      {"300us", 300000},
      {"300\xC2\xB5s", 300000},  // U+00B5 MICRO SIGN
      {"300\xCE\xBCs", 300000},  // U+03BC GREEK SMALL LETTER MU
      {"7ns", 7},
      {".5s", 500000000},
      {"1.s", second},
      {"1.000000001s", 1000000001},
      {"0.0000000019s", 1},        // truncated toward zero
      {"1h1h", 7200 * second},     // Go allows repeated units
      {"1s1ms", 1001000000},       // any order
      {"1.1h", 3960 * second},
      {"0.1ns", 0},
      {"9223372036s", 9223372036 * second},
      {"2562047h47m16.854775807s", max64},
      {"-2562047h47m16.854775808s", min64},
      {"9223372036854775807ns", max64},
      {"-9223372036854775808ns", min64},
  };
  for (const row& r : rows) {
    INFO(r.text);
    const auto v = parse_duration(r.text);
    CHECK(v.ec == error::ok);
    CHECK(v.value == r.ns);
  }
}

TEST_CASE("duration beyond int64 nanoseconds is out_of_range") {
  for (const char* s : {"9223372037s", "2562047h47m16.854775808s", "9223372036854775808ns",
                        "-9223372036854775809ns", "3000000h", "99999999999999999999999h",
                        "9223372036854775807ns1ns", "1s9223372036854775807ns"}) {
    INFO(s);
    CHECK(parse_duration(s).ec == error::out_of_range);
  }
}

TEST_CASE("duration rejects what Go rejects") {
  for (const char* s : {"", "-", "+", "1", "-1", "12", "s", ".s", ".", "1.5", "1x", "1sec",
                        "1 s", " 1s", "1s ", "1S", "1H", "1.5.5s", "--1s", "1s-1s", "0x1s",
                        "1\xC2s", "00"}) {
    INFO(s);
    CHECK(parse_duration(s).ec == error::bad_duration);
  }
}

TEST_CASE("duration fractions are within one nanosecond of the exact value") {
  // Exhaustive over 1..12 fraction digits of a repeated digit, for each unit:
  // exact = digits * unit / 10^k, truncated; computed here with long arithmetic.
  struct unit {
    const char* name;
    std::int64_t ns;
  };
  const unit units[] = {{"ns", 1},        {"us", 1000},           {"ms", 1000000},
                        {"s", second},    {"m", 60 * second},     {"h", 3600 * second}};
  for (const unit& u : units) {
    for (int k = 1; k <= 12; ++k) {
      for (char d = '1'; d <= '9'; ++d) {
        const std::string text = "0." + std::string(static_cast<std::size_t>(k), d) + u.name;
        const auto v = parse_duration(text);
        REQUIRE(v.ec == error::ok);
        // 0.ddd…d (k digits) * ns = ns * (d/9) * (1 - 10^-k); compare in long double.
        const long double exact = static_cast<long double>(u.ns) * (d - '0') / 9.0L *
                                  (1.0L - std::pow(10.0L, -k));
        INFO(text);
        CHECK(static_cast<long double>(v.value) <= exact + 1e-3L);
        CHECK(static_cast<long double>(v.value) > exact - 1.0L);
      }
    }
  }
}

TEST_CASE("timestamp value must be one whole timestamp") {
  const auto t = sandlog::parse_timestamp_value("2026-02-20T14:30:00.5Z");
  CHECK(t.ec == error::ok);
  CHECK(t.value.seconds == 1771597800);
  CHECK(t.value.nanos == 500000000u);
  CHECK(sandlog::parse_timestamp_value("2026-02-20T14:30:00Z ").ec == error::trailing_bytes);
  CHECK(sandlog::parse_timestamp_value("2026-02-20T14:30:00Zx").ec == error::trailing_bytes);
  CHECK(sandlog::parse_timestamp_value("").ec != error::ok);
  CHECK(sandlog::parse_timestamp_value("2026-02-30T14:30:00Z").ec == error::bad_day);
}
