// Writers and slow reference readers for the Docker formats of
// docker_local.hpp and docker_api.hpp, shared by the tests, the fuzz targets
// and the benchmark. The readers take the whole input at once, go byte by
// byte into std::strings and share no code with the library beyond
// parse_timestamp, so agreeing with them means something.
#ifndef SANDLOG_TESTS_DOCKER_FORMATS_HPP
#define SANDLOG_TESTS_DOCKER_FORMATS_HPP

#include <sandlog/docker_local.hpp>
#include <sandlog/error.hpp>
#include <sandlog/line_splitter.hpp>
#include <sandlog/record.hpp>
#include <sandlog/timestamp.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sandlog_test {

// ---- writers ----

inline void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}
inline void put_tag(std::string& out, unsigned field, unsigned wire) {
  put_varint(out, (std::uint64_t{field} << 3) | wire);
}
inline void put_bytes(std::string& out, unsigned field, std::string_view b) {
  put_tag(out, field, 2);
  put_varint(out, b.size());
  out.append(b);
}
inline void put_u32be(std::string& out, std::uint32_t v) {
  out += static_cast<char>(v >> 24);
  out += static_cast<char>(v >> 16);
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v);
}

// What one LogEntry holds, as Docker's marshal writes it (proto3 leaves out
// fields at their default value).
struct entry_spec {
  std::string source = "stdout";
  std::int64_t time_nano = 0;
  std::string line;
  bool partial = false;
  bool has_metadata = false;
  bool last = false;
  std::string id;
  std::int32_t ordinal = 0;
};

inline std::string log_entry(const entry_spec& e) {
  std::string m;
  if (!e.source.empty()) put_bytes(m, 1, e.source);
  if (e.time_nano != 0) {
    put_tag(m, 2, 0);
    put_varint(m, static_cast<std::uint64_t>(e.time_nano));
  }
  if (!e.line.empty()) put_bytes(m, 3, e.line);
  if (e.partial) {
    put_tag(m, 4, 0);
    put_varint(m, 1);
  }
  if (e.has_metadata) {
    std::string md;
    if (e.last) {
      put_tag(md, 1, 0);
      put_varint(md, 1);
    }
    if (!e.id.empty()) put_bytes(md, 2, e.id);
    if (e.ordinal != 0) {
      put_tag(md, 3, 0);
      // int32 is sign-extended to 64 bits on the wire
      put_varint(md, static_cast<std::uint64_t>(static_cast<std::int64_t>(e.ordinal)));
    }
    put_bytes(m, 5, md);
  }
  return m;
}

// [size][message][size]
inline std::string local_record(std::string_view message) {
  std::string r;
  put_u32be(r, static_cast<std::uint32_t>(message.size()));
  r.append(message);
  put_u32be(r, static_cast<std::uint32_t>(message.size()));
  return r;
}
inline std::string local_record(const entry_spec& e) { return local_record(log_entry(e)); }

// What Docker writes for one line of `text` on `source`: whole when it fits
// in `cut` bytes, else fragments of `cut` bytes sharing an id. `terminated`
// false makes the final fragment not `last`, as for a last line without '\n'.
inline std::string local_line(std::string_view source, std::int64_t nanos, std::string_view text,
                              std::string_view id, std::size_t cut = 16384, bool terminated = true) {
  std::string out;
  if (text.size() <= cut && terminated) {
    entry_spec e;
    e.source = std::string(source);
    e.time_nano = nanos;
    e.line = std::string(text);
    return local_record(e);
  }
  std::int32_t ordinal = 1;
  do {
    const std::size_t n = text.size() < cut ? text.size() : cut;
    entry_spec e;
    e.source = std::string(source);
    e.time_nano = nanos;
    e.line = std::string(text.substr(0, n));
    e.partial = true;
    e.has_metadata = true;
    e.id = std::string(id);
    e.ordinal = ordinal++;
    text.remove_prefix(n);
    e.last = text.empty() && terminated;
    out += local_record(e);
  } while (!text.empty());
  return out;
}

inline std::string mux_frame(unsigned type, std::string_view payload) {
  std::string f(4, '\0');
  f[0] = static_cast<char>(type);
  put_u32be(f, static_cast<std::uint32_t>(payload.size()));
  f.append(payload);
  return f;
}

// ---- what the readers give, in a comparable form ----

struct ref_entry {
  std::string source;
  std::int64_t seconds = 0;
  std::uint32_t nanos = 0;
  sandlog::stream_kind stream = sandlog::stream_kind::unknown;
  bool partial = false;
  std::string line;
  bool has_metadata = false;
  bool last = false;
  std::string id;
  std::int32_t ordinal = 0;
  std::uint64_t offset = 0;
  bool operator==(const ref_entry& o) const {
    return source == o.source && seconds == o.seconds && nanos == o.nanos && stream == o.stream &&
           partial == o.partial && line == o.line && has_metadata == o.has_metadata &&
           last == o.last && id == o.id && ordinal == o.ordinal && offset == o.offset;
  }
};

inline ref_entry to_ref(const sandlog::local_entry& e) {
  ref_entry r;
  r.source = std::string(e.source);
  r.seconds = e.record.time.seconds;
  r.nanos = e.record.time.nanos;
  r.stream = e.record.stream;
  r.partial = e.record.partial;
  r.line = std::string(e.record.message);
  r.has_metadata = e.has_metadata;
  r.last = e.metadata.last;
  r.id = std::string(e.metadata.id);
  r.ordinal = e.metadata.ordinal;
  r.offset = e.offset;
  return r;
}

struct ref_message {
  sandlog::stream_kind stream = sandlog::stream_kind::unknown;
  bool has_time = false;
  std::int64_t seconds = 0;
  std::uint32_t nanos = 0;
  std::uint8_t flags = 0;
  std::string text;
  bool operator==(const ref_message& o) const {
    return stream == o.stream && has_time == o.has_time && seconds == o.seconds &&
           nanos == o.nanos && flags == o.flags && text == o.text;
  }
};

inline ref_message to_ref(const sandlog::joined_record& j) {
  ref_message m;
  m.stream = j.record.stream;
  m.has_time = j.record.has_time;
  m.seconds = j.record.time.seconds;
  m.nanos = j.record.time.nanos;
  m.flags = j.flags;
  m.text = std::string(j.record.message);
  return m;
}

// A message of `text` as cri_joiner hands it out under overflow::split with
// `max` bytes: pieces of `max` flagged continued, then the rest, the final
// piece flagged `end_flags` (0, or line::unterminated).
inline void split_pieces(std::vector<ref_message>& out, ref_message m, std::size_t max,
                         std::uint8_t end_flags) {
  std::string text = m.text;
  while (text.size() > max) {
    m.text = text.substr(0, max);
    m.flags = sandlog::line::continued;
    out.push_back(m);
    text.erase(0, max);
  }
  m.text = text;
  m.flags = end_flags;
  out.push_back(m);
}

// ---- slow reference: local driver ----

struct ref_local_result {
  std::vector<ref_entry> entries;
  sandlog::error ec = sandlog::error::ok;
  std::uint64_t offset = 0;  // where the error lies
};

namespace ref_detail {

// Reads a varint at s[i...]; false when malformed (cut short, > 10 bytes,
// or a 10th byte above 1).
inline bool varint(const std::string& s, std::size_t& i, std::uint64_t& v) {
  v = 0;
  for (unsigned k = 0; k < 10; ++k) {
    if (i >= s.size()) return false;
    const unsigned b = static_cast<unsigned char>(s[i++]);
    if (k == 9 && b > 1) return false;
    v |= std::uint64_t{b & 0x7f} << (7 * k);
    if (b < 0x80) return true;
  }
  return false;
}

struct field {
  std::uint64_t number;
  unsigned wire;
  std::uint64_t value;
  std::string bytes;
  std::size_t at;        // where the field starts in its message
  std::size_t bytes_at;  // where a length-delimited value starts
};

// Splits a message into fields, keeping those before a malformed one; on
// failure sets ec and at (offset in s) and returns false.
inline bool fields(const std::string& s, std::vector<field>& out, sandlog::error& ec,
                   std::size_t& at) {
  std::size_t i = 0;
  while (i < s.size()) {
    at = i;
    std::uint64_t tag;
    if (!varint(s, i, tag)) {
      ec = sandlog::error::bad_varint;
      return false;
    }
    field f{tag >> 3, static_cast<unsigned>(tag & 7), 0, {}, at, 0};
    if (f.number == 0 || f.number >= (1u << 29)) {
      ec = sandlog::error::bad_wire_type;
      return false;
    }
    if (f.wire == 0) {
      if (!varint(s, i, f.value)) {
        ec = sandlog::error::bad_varint;
        return false;
      }
    } else if (f.wire == 1 || f.wire == 5) {
      const std::size_t n = f.wire == 1 ? 8 : 4;
      if (s.size() - i < n) {
        ec = sandlog::error::truncated_field;
        return false;
      }
      i += n;
    } else if (f.wire == 2) {
      std::uint64_t n;
      if (!varint(s, i, n)) {
        ec = sandlog::error::bad_varint;
        return false;
      }
      if (n > s.size() - i) {
        ec = sandlog::error::truncated_field;
        return false;
      }
      f.bytes_at = i;
      f.bytes = s.substr(i, static_cast<std::size_t>(n));
      i += static_cast<std::size_t>(n);
    } else {
      ec = sandlog::error::bad_wire_type;
      return false;
    }
    out.push_back(f);
  }
  return true;
}

// Interprets a LogEntry; on failure sets ec and at (offset in m).
inline bool entry(const std::string& m, ref_entry& e, std::int64_t& nanos, sandlog::error& ec,
                  std::size_t& at) {
  std::vector<field> fs;
  sandlog::error shape = sandlog::error::ok;
  std::size_t shape_at = 0;
  const bool whole = fields(m, fs, shape, shape_at);
  for (const field& f : fs) {
    const bool varint_field = f.number == 2 || f.number == 4;
    if (f.number <= 5 && f.wire != (varint_field ? 0u : 2u)) {
      ec = sandlog::error::bad_wire_type;
      at = f.at;
      return false;
    }
    if (f.number == 1) e.source = f.bytes;
    if (f.number == 2) nanos = static_cast<std::int64_t>(f.value);
    if (f.number == 3) e.line = f.bytes;
    if (f.number == 4) e.partial = f.value != 0;
    if (f.number != 5) continue;
    e.has_metadata = true;
    std::vector<field> sub;
    sandlog::error sub_shape = sandlog::error::ok;
    std::size_t sub_at = 0;
    const bool sub_whole = fields(f.bytes, sub, sub_shape, sub_at);
    for (const field& g : sub) {
      const bool want_varint = g.number == 1 || g.number == 3;
      if ((want_varint && g.wire != 0) || (g.number == 2 && g.wire != 2)) {
        ec = sandlog::error::bad_wire_type;
        at = f.bytes_at + g.at;
        return false;
      }
      if (g.number == 1) e.last = g.value != 0;
      if (g.number == 2) e.id = g.bytes;
      if (g.number == 3) e.ordinal = static_cast<std::int32_t>(static_cast<std::uint32_t>(g.value));
    }
    if (!sub_whole) {
      ec = sub_shape;
      at = f.bytes_at + sub_at;
      return false;
    }
  }
  if (!whole) {
    ec = shape;
    at = shape_at;
    return false;
  }
  return true;
}

}  // namespace ref_detail

inline ref_local_result reference_local(std::string_view input, std::size_t max_record) {
  ref_local_result r;
  const std::string s(input);
  std::size_t pos = 0;
  auto u32 = [&](std::size_t i) {
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 4; ++k) v = (v << 8) | static_cast<unsigned char>(s[i + k]);
    return v;
  };
  while (pos < s.size()) {
    if (s.size() - pos < 4) {
      r.ec = sandlog::error::truncated_record;
      r.offset = pos;
      return r;
    }
    const std::uint32_t n = u32(pos);
    if (n > max_record) {
      r.ec = sandlog::error::record_too_large;
      r.offset = pos;
      return r;
    }
    if (s.size() - pos < std::size_t{n} + 8) {
      r.ec = sandlog::error::truncated_record;
      r.offset = pos;
      return r;
    }
    if (u32(pos + 4 + n) != n) {
      r.ec = sandlog::error::record_size_mismatch;
      r.offset = pos + 4 + n;
      return r;
    }
    ref_entry e;
    e.offset = pos;
    std::int64_t nanos = 0;
    std::size_t at = 0;
    if (!ref_detail::entry(s.substr(pos + 4, n), e, nanos, r.ec, at)) {
      r.offset = pos + 4 + at;
      return r;
    }
    // floor division: a time before 1970 has a positive nanosecond part
    std::int64_t sec = nanos / 1000000000;
    std::int64_t ns = nanos % 1000000000;
    if (ns < 0) {
      ns += 1000000000;
      --sec;
    }
    e.seconds = sec;
    e.nanos = static_cast<std::uint32_t>(ns);
    e.stream = e.source == "stdout"   ? sandlog::stream_kind::out
               : e.source == "stderr" ? sandlog::stream_kind::err
                                      : sandlog::stream_kind::unknown;
    r.entries.push_back(e);
    pos += std::size_t{n} + 8;
  }
  return r;
}

// The exact join of local entries, split as cri_joiner splits under
// overflow::split with `max` bytes.
inline std::vector<ref_message> reference_local_join(const std::vector<ref_entry>& entries,
                                                     std::size_t max) {
  struct open_msg {
    bool open = false;
    bool keyed = false;
    std::string id;
    std::int64_t next = 0;
    ref_message m;
  };
  open_msg slots[3];
  std::vector<ref_message> out;
  auto close = [&](open_msg& s, std::uint8_t flags) {
    split_pieces(out, s.m, max, flags);
    s.open = false;
  };
  auto start = [&](open_msg& s, const ref_entry& e) {
    s.open = true;
    s.m = ref_message{};
    s.m.stream = e.stream;
    s.m.has_time = true;
    s.m.seconds = e.seconds;
    s.m.nanos = e.nanos;
  };
  // Like cri_joiner, a message past `max` bytes gives its full pieces out as
  // soon as a fragment brings more.
  auto append = [&](open_msg& s, const std::string& text) {
    s.m.text += text;
    while (s.m.text.size() > max) {
      ref_message piece = s.m;
      piece.text = s.m.text.substr(0, max);
      piece.flags = sandlog::line::continued;
      out.push_back(piece);
      s.m.text.erase(0, max);
    }
  };
  for (const ref_entry& e : entries) {
    open_msg& s = slots[static_cast<std::size_t>(e.stream)];
    if (!e.partial) {
      if (s.open && s.keyed) close(s, sandlog::line::unterminated);
      if (!s.open) start(s, e);
      append(s, e.line);
      close(s, 0);
      continue;
    }
    if (!e.has_metadata) {
      if (s.open && s.keyed) close(s, sandlog::line::unterminated);
      if (!s.open) start(s, e);
      s.keyed = false;
      append(s, e.line);
      continue;
    }
    if (s.open && (!s.keyed || s.id != e.id || s.next != e.ordinal))
      close(s, sandlog::line::unterminated);
    if (!s.open) {
      start(s, e);
      s.keyed = true;
      s.id = e.id;
    }
    s.next = std::int64_t{e.ordinal} + 1;
    append(s, e.line);
    if (e.last) close(s, 0);
  }
  for (sandlog::stream_kind k :
       {sandlog::stream_kind::out, sandlog::stream_kind::err, sandlog::stream_kind::unknown}) {
    open_msg& s = slots[static_cast<std::size_t>(k)];
    if (s.open) close(s, sandlog::line::unterminated);
  }
  return out;
}

// ---- slow reference: Engine API logs body ----

struct ref_api_result {
  std::vector<ref_message> lines;
  sandlog::error ec = sandlog::error::ok;
  std::uint64_t offset = 0;
  std::string daemon_text;
};

// The lines of a logs body, split as cri_joiner splits under
// overflow::split with `max` bytes.
inline ref_api_result reference_api(std::string_view body, bool timestamps, std::size_t max) {
  ref_api_result r;
  const std::string s(body);
  struct open_line {
    bool open = false;
    ref_message m;
  };
  open_line lines[3];
  auto finish_lines = [&]() {
    for (sandlog::stream_kind k : {sandlog::stream_kind::out, sandlog::stream_kind::err}) {
      open_line& l = lines[static_cast<std::size_t>(k)];
      if (l.open) split_pieces(r.lines, l.m, max, sandlog::line::unterminated);
    }
  };
  std::size_t pos = 0;
  while (pos < s.size()) {
    const std::size_t header = pos;
    if (s.size() - pos < 8) {
      r.ec = sandlog::error::truncated_frame;
      r.offset = header;
      break;
    }
    const unsigned type = static_cast<unsigned char>(s[pos]);
    if (type > 3 || s[pos + 1] || s[pos + 2] || s[pos + 3]) {
      r.ec = sandlog::error::bad_frame_type;
      r.offset = header;
      break;
    }
    std::size_t len = 0;
    for (std::size_t k = 4; k < 8; ++k) len = len * 256 + static_cast<unsigned char>(s[pos + k]);
    pos += 8;
    const std::size_t have = s.size() - pos < len ? s.size() - pos : len;
    std::string payload = s.substr(pos, have);
    const bool cut = have < len;
    pos += have;
    if (type == 3) {
      r.ec = cut ? sandlog::error::truncated_frame : sandlog::error::daemon_error;
      r.offset = header;
      r.daemon_text = payload.substr(0, 4096);
      break;
    }
    const sandlog::stream_kind k = type == 2 ? sandlog::stream_kind::err : sandlog::stream_kind::out;
    sandlog::timestamp t{};
    if (timestamps && len != 0) {
      const std::size_t look = payload.size() < 36 ? payload.size() : 36;
      const std::size_t sp = payload.substr(0, look).find(' ');
      if (sp == std::string::npos) {
        if (cut && look < 36) {  // the frame ended inside its timestamp
          r.ec = sandlog::error::truncated_frame;
          r.offset = header;
          break;
        }
        const sandlog::parse_result pr = sandlog::parse_timestamp(
            payload.data(), payload.data() + look, t);
        r.ec = pr.ec != sandlog::error::ok ? pr.ec : sandlog::error::missing_space;
        r.offset = header + 8 + (pr.ec != sandlog::error::ok || pr.ptr != payload.data() + look
                                     ? static_cast<std::size_t>(pr.ptr - payload.data())
                                     : look);
        break;
      }
      const sandlog::parse_result pr =
          sandlog::parse_timestamp(payload.data(), payload.data() + sp, t);
      if (pr.ec != sandlog::error::ok || pr.ptr != payload.data() + sp) {
        r.ec = pr.ec != sandlog::error::ok ? pr.ec : sandlog::error::missing_space;
        r.offset = header + 8 + static_cast<std::size_t>(pr.ptr - payload.data());
        break;
      }
      payload.erase(0, sp + 1);
    }
    open_line& l = lines[static_cast<std::size_t>(k)];
    for (char c : payload) {
      if (!l.open) {
        l.open = true;
        l.m = ref_message{};
        l.m.stream = k;
        l.m.has_time = timestamps;
        l.m.seconds = timestamps ? t.seconds : 0;
        l.m.nanos = timestamps ? t.nanos : 0;
      }
      if (c == '\n') {
        split_pieces(r.lines, l.m, max, 0);
        l.open = false;
        continue;
      }
      if (l.m.text.size() == max) {
        ref_message piece = l.m;
        piece.flags = sandlog::line::continued;
        r.lines.push_back(piece);
        l.m.text.clear();
      }
      l.m.text += c;
    }
    if (cut) {
      r.ec = sandlog::error::truncated_frame;
      r.offset = header;
      break;
    }
  }
  finish_lines();
  return r;
}

}  // namespace sandlog_test

#endif  // SANDLOG_TESTS_DOCKER_FORMATS_HPP
