// Uses the installed umbrella header; exits non-zero if it misbehaves.
#include <sandlog.hpp>

#include <cstring>

int main() {
  if (std::strcmp(SANDLOG_VERSION_STRING, "") == 0) return 1;
  return sandlog::to_string(sandlog::error::ok).empty() ? 1 : 0;
}
