// The sandlog command's terminal-safe text (text_escape.hpp): each class of
// byte, the backslash rule, the dropped CRLF CR, and the exact round trip.
#include "text_escape.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using sandlog_cli::escaped_text;
using sandlog_cli::final_cr;
using sandlog_cli::unescape_text;

namespace {

std::string shown(std::string_view s) { return escaped_text(s, final_cr::drop); }

// What a terminal could act on: C0 but TAB, DEL, C1, or ill-formed UTF-8.
bool terminal_safe(std::string_view s) {
  auto p = reinterpret_cast<const unsigned char*>(s.data());
  const auto end = p + s.size();
  while (p != end) {
    const unsigned c = *p;
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t') || c == 0x7F) return false;
      ++p;
      continue;
    }
    const int n = sandlog_cli::detail::utf8_sequence(p, end);
    if (n <= 0) return false;
    if (c == 0xC2 && p[1] < 0xA0) return false;
    p += n;
  }
  return true;
}

void round_trips(std::string_view s) {
  INFO("input: " << escaped_text(s) << " (" << s.size() << " bytes)");
  const std::string kept = escaped_text(s, final_cr::keep);
  CHECK(terminal_safe(kept));
  CHECK(unescape_text(kept) == s);
  const std::string dropped = shown(s);
  CHECK(terminal_safe(dropped));
  std::string_view less_cr = s;
  if (!less_cr.empty() && less_cr.back() == '\r') less_cr.remove_suffix(1);
  CHECK(unescape_text(dropped) == less_cr);
}

}  // namespace

TEST_CASE("printable ASCII, TAB and valid UTF-8 pass unchanged, as one piece", "[text_escape]") {
  const std::string msgs[] = {
      "", "hello world", "a\tb", "level=info msg=\"done\" n=42 {\"a\":[1,2]}",
      "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF",  // é € 😀 U+10FFFF
      "\xC2\xA0 no-break space, first after C1", std::string(1000, 'x') + "\xE6\x97\xA5",
      "~ !\"#$%&'()*+,-./0123456789:;<=>?@[]^_`{|}",
  };
  for (const std::string& m : msgs) {
    std::vector<std::string_view> pieces;
    sandlog_cli::escape_text(m, [&](std::string_view p) { pieces.push_back(p); });
    if (m.empty()) {
      CHECK(pieces.empty());
      continue;
    }
    REQUIRE(pieces.size() == 1);
    CHECK(pieces[0].data() == m.data());  // the message itself: one memcpy
    CHECK(pieces[0].size() == m.size());
  }
}

TEST_CASE("LF and CR are \\n and \\r; one CR at the very end is dropped", "[text_escape]") {
  CHECK(shown("a\nb") == "a\\nb");
  CHECK(shown("FORGED\nstderr admin password changed") == "FORGED\\nstderr admin password changed");
  CHECK(shown("over\rwrite") == "over\\rwrite");
  CHECK(shown("crlf\r") == "crlf");
  CHECK(shown("\r") == "");
  CHECK(shown("two\r\r") == "two\\r");
  CHECK(shown("lf last\n") == "lf last\\n");
  CHECK(shown("cr then lf\r\n") == "cr then lf\\r\\n");
  CHECK(escaped_text("crlf\r") == "crlf\\r");  // final_cr::keep, the default for stderr text
  CHECK(escaped_text("crlf\r", final_cr::keep) == "crlf\\r");
}

TEST_CASE("every other C0 control and DEL are \\xHH", "[text_escape]") {
  for (unsigned c = 0; c < 0x20; ++c) {
    if (c == '\t' || c == '\n' || c == '\r') continue;
    static constexpr char hex[] = "0123456789abcdef";
    const std::string want = std::string("<\\x") + hex[c >> 4] + hex[c & 15] + ">";
    CHECK(shown(std::string("<") + static_cast<char>(c) + ">") == want);
  }
  CHECK(shown("\x1b]0;title\x07") == "\\x1b]0;title\\x07");
  CHECK(shown("\x1b[2J\x1b[H") == "\\x1b[2J\\x1b[H");
  CHECK(shown("\x7f") == "\\x7f");
  CHECK(shown(std::string("nul\0byte", 8)) == "nul\\x00byte");
}

TEST_CASE("C1 controls are each of their two bytes as \\xHH", "[text_escape]") {
  for (unsigned c = 0x80; c < 0xA0; ++c) {
    const std::string in = std::string("\xC2") + static_cast<char>(c);
    static constexpr char hex[] = "0123456789abcdef";
    CHECK(shown(in) == std::string("\\xc2\\x") + hex[c >> 4] + hex[c & 15]);
  }
  CHECK(shown("next\xC2\x85line") == "next\\xc2\\x85line");  // NEL
  CHECK(shown("\xC2\x9B" "31m") == "\\xc2\\x9b31m");         // CSI
  CHECK(shown("\xC2\xA0") == "\xC2\xA0");
}

TEST_CASE("ill-formed UTF-8 is each of its bytes as \\xHH", "[text_escape]") {
  CHECK(shown("\x80") == "\\x80");                           // stray continuation
  CHECK(shown("\xC0\xAF") == "\\xc0\\xaf");                  // overlong '/'
  CHECK(shown("\xC1\xBF") == "\\xc1\\xbf");
  CHECK(shown("\xE0\x80\xAF") == "\\xe0\\x80\\xaf");         // overlong 3-byte
  CHECK(shown("\xF0\x80\x80\xAF") == "\\xf0\\x80\\x80\\xaf");  // overlong 4-byte
  CHECK(shown("\xED\xA0\x80") == "\\xed\\xa0\\x80");         // surrogate U+D800
  CHECK(shown("\xF4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80");  // beyond U+10FFFF
  for (unsigned c = 0xF5; c <= 0xFF; ++c) CHECK(shown(std::string(1, static_cast<char>(c))).size() == 4);
  CHECK(shown("\xE2\x82") == "\\xe2\\x82");                  // cut at the end
  CHECK(shown("\xE2\x82z") == "\\xe2\\x82z");                // cut before ASCII
  CHECK(shown("\xE2\xE2\x82\xAC") == "\\xe2\xE2\x82\xAC");   // a lead byte, then a whole €
  CHECK(shown("ok\xFF\xFEok") == "ok\\xff\\xfeok");
}

TEST_CASE("a backslash is doubled only where it would read as an escape", "[text_escape]") {
  CHECK(shown("C:\\Users\\me") == "C:\\Users\\me");
  CHECK(shown("{\"a\":\"x\\\"y\"}") == "{\"a\":\"x\\\"y\"}");
  CHECK(shown("regex \\d+\\s") == "regex \\d+\\s");
  CHECK(shown("json \\n in text") == "json \\\\n in text");
  CHECK(shown("\\r") == "\\\\r");
  CHECK(shown("\\x1b") == "\\\\x1b");
  CHECK(shown("\\\\") == "\\\\\\");  // the first before '\', the last at the end
  CHECK(shown("\\") == "\\");
  CHECK(shown("end\\\r") == "end\\");   // the dropped CR leaves it last
  CHECK(escaped_text("end\\\r") == "end\\\\\\r");
  CHECK(shown("\\\n") == "\\\\\\n");    // before an escape
  CHECK(shown("\\\xFF") == "\\\\\\xff");
  CHECK(shown("\\\xC3\xA9") == "\\\xC3\xA9");  // before a kept character
  CHECK(shown("\\\t") == "\\\t");
}

TEST_CASE("unescape reads every string, and exactly escape's output", "[text_escape]") {
  CHECK(unescape_text("\\q\\x4\\xZZ\\") == "\\q\\x4\\xZZ\\");
  CHECK(unescape_text("\\x1B\\x1b") == "\x1b\x1b");
  CHECK(unescape_text("\\\\n") == "\\n");
  CHECK(unescape_text("a\\nb\\rc") == "a\nb\rc");
}

TEST_CASE("every string of up to two bytes round-trips and is terminal-safe", "[text_escape]") {
  round_trips("");
  for (unsigned a = 0; a < 256; ++a) {
    round_trips(std::string(1, static_cast<char>(a)));
    for (unsigned b = 0; b < 256; ++b) {
      const char s[2] = {static_cast<char>(a), static_cast<char>(b)};
      const std::string kept = escaped_text({s, 2}, final_cr::keep);
      if (!terminal_safe(kept) || unescape_text(kept) != std::string_view(s, 2)) round_trips({s, 2});
    }
  }
}

TEST_CASE("strings of the bytes that matter round-trip, up to four long", "[text_escape]") {
  const std::string alphabet = "\\nrxa0\t\n\r\x1b\x7f\xC2\x85\xA0\xE2\x82\xAC\xED\xF0\x9F\x98\xFF";
  std::string s(4, ' ');
  std::size_t checked = 0;
  for (char a : alphabet)
    for (char b : alphabet)
      for (char c : alphabet)
        for (char d : alphabet) {
          s[0] = a, s[1] = b, s[2] = c, s[3] = d;
          const std::string kept = escaped_text(s, final_cr::keep);
          const std::string dropped = shown(s);
          const std::string_view less_cr(s.data(), s.back() == '\r' ? 3 : 4);
          if (!terminal_safe(kept) || unescape_text(kept) != s || !terminal_safe(dropped) ||
              unescape_text(dropped) != less_cr)
            round_trips(s);
          ++checked;
        }
  const std::size_t n = alphabet.size();
  CHECK(checked == n * n * n * n);
}

TEST_CASE("random and long messages round-trip, through out_buffer as well", "[text_escape]") {
  std::mt19937 rng(2);
  for (int round = 0; round < 2000; ++round) {
    std::string s(rng() % 3000, '\0');
    const auto mode = rng() % 3;
    for (char& c : s) {
      const auto r = rng();
      c = mode == 0 ? static_cast<char>(r) : mode == 1 ? (r % 16 == 0 ? static_cast<char>(r >> 8) : 'a')
                                                       : static_cast<char>(r % 32);
    }
    round_trips(s);
    sandlog_cli::out_buffer out;
    out.append("prefix ");
    sandlog_cli::append_text_escaped(out, s);
    CHECK(out.view() == "prefix " + shown(s));
  }
  // More escapes in a row than the 1 KiB staging buffer holds.
  const std::string controls(100000, '\x1b');
  const std::string esc = shown(controls);
  CHECK(esc.size() == 400000);
  CHECK(unescape_text(esc) == controls);
  const std::string backslashes(5000, '\\');
  CHECK(unescape_text(shown(backslashes)) == backslashes);
}
