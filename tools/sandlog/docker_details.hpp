// sandlog CLI: a json-file record's attrs as `docker logs --details` shows
// them: `key=value` pairs sorted by key, joined by ',', each side
// URL-query-escaped (Go's url.QueryEscape), then one space before the
// message, also when there are none.
#ifndef SANDLOG_CLI_DOCKER_DETAILS_HPP
#define SANDLOG_CLI_DOCKER_DETAILS_HPP

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <sandlog/detail/json_text.hpp>

#include "out_buffer.hpp"

namespace sandlog_cli {
namespace detail {

inline void append_utf8(std::string& s, std::uint32_t cp) {
  if (cp < 0x80) {
    s.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    s.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    s.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    s.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    s.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes the JSON string at p (its opening quote) into s, as Go does: a
// lone surrogate escape is U+FFFD. The text was validated by the decoder.
// Returns one past the closing quote.
inline const char* decode_json_string(const char* p, const char* end, std::string& s) {
  ++p;
  while (p < end && *p != '"') {
    if (*p != '\\') {
      s.push_back(*p++);
      continue;
    }
    const char e = p[1];
    if (e != 'u') {
      const char* const from = "\"\\/bfnrt";
      const char* const to = "\"\\/\b\f\n\r\t";
      for (int i = 0; from[i] != '\0'; ++i)
        if (from[i] == e) s.push_back(to[i]);
      p += 2;
      continue;
    }
    long u = sandlog::detail::json_u_escape(p, end);
    p += 6;
    if (u >= 0xD800 && u < 0xDC00) {
      const long low = sandlog::detail::json_u_escape(p, end);
      if (low >= 0xDC00 && low < 0xE000) {
        u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00);
        p += 6;
      } else {
        u = 0xFFFD;
      }
    } else if (u >= 0xDC00 && u < 0xE000) {
      u = 0xFFFD;
    }
    append_utf8(s, static_cast<std::uint32_t>(u));
  }
  return p + 1;
}

// Go's url.QueryEscape: letters, digits and -_.~ stay, a space is '+',
// every other byte %XX in upper-case hex.
inline void append_query_escaped(out_buffer& out, std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '-' ||
        b == '_' || b == '.' || b == '~') {
      out.push(c);
    } else if (b == ' ') {
      out.push('+');
    } else {
      out.push('%');
      out.push(hex[b >> 4]);
      out.push(hex[b & 15]);
    }
  }
}

}  // namespace detail

// Appends the attrs text (a JSON object of strings, as read_record::attrs
// holds it, or empty) the way docker logs --details prints it.
inline void append_docker_details(out_buffer& out, std::string_view attrs) {
  struct pair {
    std::size_t key, key_size, value, value_size;
  };
  // Scratch reused by the records of one thread (--jobs renders in several).
  thread_local std::string text;
  thread_local std::vector<pair> pairs;
  text.clear();
  pairs.clear();
  const char* p = attrs.data();
  const char* const end = p + attrs.size();
  auto space = [&] {
    while (p < end && sandlog::detail::is_json_space(*p)) ++p;
  };
  space();
  if (p < end && *p == '{') {
    ++p;
    for (;;) {
      space();
      if (p >= end || *p != '"') break;
      pair kv{};
      kv.key = text.size();
      p = detail::decode_json_string(p, end, text);
      kv.key_size = text.size() - kv.key;
      space();
      ++p;  // ':'
      space();
      kv.value = text.size();
      p = detail::decode_json_string(p, end, text);
      kv.value_size = text.size() - kv.value;
      pairs.push_back(kv);
      space();
      if (p >= end || *p != ',') break;
      ++p;
    }
  }
  auto key = [&](const pair& kv) { return std::string_view(text).substr(kv.key, kv.key_size); };
  std::stable_sort(pairs.begin(), pairs.end(),
                   [&](const pair& a, const pair& b) { return key(a) < key(b); });
  bool first = true;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    // A name given twice: Go's map keeps the last.
    if (i + 1 < pairs.size() && key(pairs[i]) == key(pairs[i + 1])) continue;
    if (!first) out.push(',');
    first = false;
    detail::append_query_escaped(out, key(pairs[i]));
    out.push('=');
    detail::append_query_escaped(out, std::string_view(text).substr(pairs[i].value, pairs[i].value_size));
  }
  out.push(' ');
}

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_DOCKER_DETAILS_HPP
