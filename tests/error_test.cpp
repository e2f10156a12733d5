#include <sandlog/error.hpp>

#include <catch2/catch.hpp>

#include <set>
#include <string>

using sandlog::error;

TEST_CASE("every error has its own non-empty description") {
  std::set<std::string> seen;
  const auto count = static_cast<unsigned>(error::count_);
  for (unsigned i = 0; i < count; ++i) {
    auto text = sandlog::to_string(static_cast<error>(i));
    INFO("error value " << i);
    CHECK_FALSE(text.empty());
    CHECK(text != "unknown error");
    CHECK(seen.insert(std::string(text)).second);
  }
  CHECK(sandlog::to_string(error::count_) == "unknown error");
}

TEST_CASE("parse_result converts to true only on success") {
  const char text[] = "x";
  CHECK(static_cast<bool>(sandlog::parse_result{text, error::ok}));
  CHECK_FALSE(static_cast<bool>(sandlog::parse_result{text, error::bad_month}));
  static_assert(!std::is_convertible_v<sandlog::parse_result, bool>,
                "conversion to bool must be explicit");
}
