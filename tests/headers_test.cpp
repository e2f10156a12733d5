// Every public header compiles on its own and twice in one unit; a second
// translation unit includes them all again, so the link proves there is no
// multiple definition (everything in a header must be inline).
#include <sandlog.hpp>
#include <sandlog.hpp>

#include <catch2/catch.hpp>

int sandlog_second_unit_version();

TEST_CASE("the umbrella header links from two translation units") {
  CHECK(sandlog_second_unit_version() ==
        SANDLOG_VERSION_MAJOR * 10000 + SANDLOG_VERSION_MINOR * 100 + SANDLOG_VERSION_PATCH);
}

#ifdef SANDLOG_TEST_SINGLE_HEADER
TEST_CASE("tests are compiled against the single header") {
  CHECK(SANDLOG_SINGLE_HEADER == 1);
}
#endif
