#include <sandlog.hpp>

int sandlog_second_unit_version() {
  return SANDLOG_VERSION_MAJOR * 10000 + SANDLOG_VERSION_MINOR * 100 + SANDLOG_VERSION_PATCH;
}
