// Fuzzes parse_predicate: never crashes; a parsed predicate prints to text
// that parses to an equal predicate; evaluating it against the rest of the
// input (as a logfmt message in an exact-size block) never crashes and agrees
// with testing each field by hand.
#include <sandlog/predicate.hpp>

#include <cstdint>
#include <string>

#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  // The predicate is the first line; the message is the rest.
  const std::size_t nl = all.find('\n');
  const std::string_view text = all.substr(0, nl);
  const std::string_view rest = nl == std::string_view::npos ? std::string_view() : all.substr(nl + 1);

  const sandlog_fuzz::exact_buffer predicate_text(text);
  sandlog::field_predicate p;
  const auto r = sandlog::parse_predicate(predicate_text.view(), p);
  const auto v = predicate_text.view();
  SANDLOG_FUZZ_ASSERT(r.ptr >= v.data() && r.ptr <= v.data() + v.size());
  if (!r) return 0;

  const std::string printed = p.to_string();
  sandlog::field_predicate reparsed;
  const auto r2 = sandlog::parse_predicate(printed, reparsed);
  SANDLOG_FUZZ_ASSERT(r2.ec == sandlog::error::ok);
  SANDLOG_FUZZ_ASSERT(reparsed == p);
  SANDLOG_FUZZ_ASSERT(reparsed.to_string() == printed);

  const sandlog_fuzz::exact_buffer message(rest);
  const bool matched = p.matches(message.view());
  bool any_equal = false, any_satisfies = false;
  sandlog::parse_logfmt(message.view(), [&](const sandlog::logfmt_field& f) {
    if (f.key() != p.key()) return;
    if (p.test(f)) any_satisfies = true;
    if (p.op() == sandlog::compare_op::ne && !p.test(f)) any_equal = true;
  });
  if (p.op() == sandlog::compare_op::ne) {
    SANDLOG_FUZZ_ASSERT(matched == !any_equal);
  } else {
    SANDLOG_FUZZ_ASSERT(matched == any_satisfies);
  }
  return 0;
}
