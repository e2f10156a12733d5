// Fuzz target for the command's text escaping (tools/sandlog/text_escape.hpp):
// whatever bytes a message holds, the text shown has no line break, no ESC,
// no other C0 control but TAB, no DEL, no C1 control, and is valid UTF-8;
// unescaping it gives the message back (less one final CR when dropped);
// the out_buffer path writes the same as the string one.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.hpp"
#include "text_escape.hpp"

namespace {

void check_safe(std::string_view s) {
  auto p = reinterpret_cast<const unsigned char*>(s.data());
  const auto end = p + s.size();
  while (p != end) {
    const unsigned c = *p;
    if (c < 0x80) {
      SANDLOG_FUZZ_ASSERT(c >= 0x20 || c == '\t');
      SANDLOG_FUZZ_ASSERT(c != 0x7F);
      ++p;
      continue;
    }
    const int n = sandlog_cli::detail::utf8_sequence(p, end);
    SANDLOG_FUZZ_ASSERT(n > 0);
    SANDLOG_FUZZ_ASSERT(!(c == 0xC2 && p[1] < 0xA0));
    p += n;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const sandlog_fuzz::exact_buffer message(std::string_view(reinterpret_cast<const char*>(data), size));
  const std::string_view m = message.view();

  const std::string kept = sandlog_cli::escaped_text(m, sandlog_cli::final_cr::keep);
  check_safe(kept);
  SANDLOG_FUZZ_ASSERT(sandlog_cli::unescape_text(kept) == m);

  static sandlog_cli::out_buffer out;  // 2 MiB: made once
  out.clear();
  sandlog_cli::append_text_escaped(out, m);
  check_safe(out.view());
  std::string_view less_cr = m;
  if (!less_cr.empty() && less_cr.back() == '\r') less_cr.remove_suffix(1);
  SANDLOG_FUZZ_ASSERT(sandlog_cli::unescape_text(out.view()) == less_cr);
  SANDLOG_FUZZ_ASSERT(out.view() == sandlog_cli::escaped_text(m, sandlog_cli::final_cr::drop));

  // Text with nothing to escape is shown as it is.
  bool clean = true;
  sandlog_cli::escape_text(
      less_cr,
      [&](std::string_view piece) {
        clean = clean && piece.data() == less_cr.data() && piece.size() == less_cr.size();
      },
      sandlog_cli::final_cr::keep);
  if (clean) SANDLOG_FUZZ_ASSERT(out.view() == less_cr);
  return 0;
}
