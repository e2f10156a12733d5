// sandlog CLI: a message's own fields — --where filters and the `fields`
// member of --output ndjson --fields.
//
// A message starting with '{' is read as one JSON object (json_field), any
// other as logfmt (logfmt_field); both go through the same field_predicate.
// The fields are read once per record, only when --where or --fields asks,
// and reading them allocates nothing once the JSON decoder is warm.
#ifndef SANDLOG_CLI_FIELDS_HPP
#define SANDLOG_CLI_FIELDS_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <sandlog/json.hpp>
#include <sandlog/logfmt.hpp>
#include <sandlog/predicate.hpp>

#include "json_escape.hpp"
#include "out_buffer.hpp"

namespace sandlog_cli {

namespace detail {

// Whether `s` is a JSON number exactly as written (RFC 8259 grammar).
inline bool is_json_number(std::string_view s) noexcept {
  std::size_t i = 0;
  const std::size_t n = s.size();
  auto digit = [&](std::size_t k) { return k < n && s[k] >= '0' && s[k] <= '9'; };
  if (i < n && s[i] == '-') ++i;
  if (!digit(i)) return false;
  if (s[i] == '0') {
    ++i;
  } else {
    while (digit(i)) ++i;
  }
  if (i < n && s[i] == '.') {
    if (!digit(++i)) return false;
    while (digit(i)) ++i;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  return i == n;
}

// Appends `written`, a value simdjson validated, on one line: its only
// possible CR or LF bytes are whitespace between tokens.
inline void append_one_line(out_buffer& out, std::string_view written) {
  char* o = out.reserve(written.size());
  for (const char c : written) *o++ = c == '\n' || c == '\r' ? ' ' : c;
  out.commit(o);
}

}  // namespace detail

class message_fields {
 public:
  explicit message_fields(const std::vector<sandlog::field_predicate>& where) : where_(where) {}

  // Reads the fields of `message`, which must outlive the next calls.
  void load(std::string_view message) noexcept {
    message_ = message;
    json_ok_ = false;
    is_json_ = !message.empty() && message.front() == '{';
    if (is_json_) json_ok_ = static_cast<bool>(json_.decode_fields(message));
  }

  // Whether every --where predicate holds. A JSON message that is not one
  // valid object has no fields; a malformed logfmt message has the fields
  // before its error.
  bool matches() const {
    for (const sandlog::field_predicate& p : where_) {
      const bool ok = is_json_
          ? p.matches_each([this](auto&& visit) {
              if (json_ok_) json_.for_each_field(visit);
            })
          : p.matches(message_);
      if (!ok) return false;
    }
    return true;
  }

  // Appends `,"fields":{…}` for a JSON object message, or for a well-formed
  // logfmt message with at least one key=value pair; nothing otherwise.
  void append_json(out_buffer& out) const {
    if (is_json_) {
      if (!json_ok_) return;
      out.append(",\"fields\":{");
      bool first = true;
      json_.for_each_field([&](const sandlog::json_field& f) {
        if (!first) out.push(',');
        first = false;
        append_json_string(out, f.key());
        out.push(':');
        if (f.type() == sandlog::json_type::string) {
          append_json_string(out, f.text());
        } else {
          detail::append_one_line(out, f.text());
        }
      });
      out.push('}');
      return;
    }
    sandlog::logfmt_reader check(message_);
    sandlog::logfmt_field f;
    bool has_pair = false;
    while (check.next(f)) has_pair = has_pair || f.has_value();
    if (check.ec() != sandlog::error::ok || !has_pair) return;
    out.append(",\"fields\":{");
    sandlog::logfmt_reader reader(message_);
    bool first = true;
    while (reader.next(f)) {
      if (!first) out.push(',');
      first = false;
      append_json_string(out, f.key());
      out.push(':');
      append_logfmt_value(out, f);
    }
    out.push('}');
  }

 private:
  // A flag is true; a bare true/false a boolean; a bare value that is a JSON
  // number with a finite double value a number, as written; anything else
  // (quoted values always) a string, unescaped.
  void append_logfmt_value(out_buffer& out, const sandlog::logfmt_field& f) const {
    if (!f.has_value()) return out.append("true");
    const std::string_view t = f.text();
    if (!f.quoted()) {
      if (t == "true" || t == "false" || (detail::is_json_number(t) && f.as_double()))
        return out.append(t);
      return append_json_string(out, t);
    }
    if (!f.escaped()) return append_json_string(out, t);
    char small[256];
    if (t.size() <= sizeof small) return append_json_string(out, f.value(small, sizeof small).value);
    decoded_.resize(t.size());
    append_json_string(out, f.value(&decoded_[0], decoded_.size()).value);
  }

  const std::vector<sandlog::field_predicate>& where_;
  sandlog::event_decoder json_;
  std::string_view message_{};
  bool is_json_ = false;
  bool json_ok_ = false;
  mutable std::string decoded_;  // escaped quoted values over 256 bytes
};

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_FIELDS_HPP
