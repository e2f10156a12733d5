// The sandlog command's records in pieces (render.hpp, piece_renderer): a
// message handed out in pieces, however it is cut, is written exactly as the
// whole message would be, as one record, in bounded memory.
#include "render.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using sandlog_cli::out_buffer;
using sandlog_cli::output_mode;
using sandlog_cli::piece_renderer;
using sandlog_cli::render_options;

namespace {

sandlog::read_record record(std::string_view message, sandlog::stream_kind stream, bool more) {
  sandlog::read_record r;
  r.has_time = true;
  r.time.seconds = 1771597800;  // 2026-02-20T14:30:00Z
  r.stream = stream;
  r.message = message;
  r.partial = more;
  r.flags = more ? sandlog::line::continued : 0;
  return r;
}

// What the whole message gives: render() itself, except that ndjson puts
// `partial` after the message of a record written in pieces.
std::string whole(std::string_view message, const render_options& ro, bool in_pieces) {
  out_buffer out(64);
  const sandlog::read_record r = record(message, sandlog::stream_kind::err, false);
  if (ro.mode != output_mode::ndjson || !in_pieces) {
    sandlog_cli::render(out, r, ro);
  } else {
    sandlog_cli::append_json_head(out, r, ro);
    out.append("\"message\":");
    sandlog_cli::append_json_string(out, message);
    out.append(",\"partial\":false}\n");
  }
  return std::string(out.view());
}

// The message cut at `cuts`, each piece but the last flagged continued.
std::string in_pieces(std::string_view message, const std::vector<std::size_t>& cuts,
                      const render_options& ro) {
  out_buffer out(64);
  piece_renderer pr;
  std::size_t at = 0;
  for (std::size_t i = 0; i <= cuts.size(); ++i) {
    const std::size_t end = i < cuts.size() ? cuts[i] : message.size();
    pr.render(out, record(message.substr(at, end - at), sandlog::stream_kind::err, i < cuts.size()), ro,
              false);
    at = end;
  }
  CHECK(out.open_by() == nullptr);
  return std::string(out.view());
}

// Bytes whose escapes depend on their neighbours: backslashes before the
// letters that need doubling, CR, multibyte UTF-8 (valid and not), C1.
std::string random_message(std::mt19937& rng, std::size_t n) {
  static const std::vector<std::string> atoms = {
      "\\", "n", "r", "x", "a", "\r", "\n", "\t", "\x1b", "\x7f", "\"", "\xc3\xa9", "\xe2\x82\xac",
      "\xf0\x9f\x98\x80", "\xc2\x85", "\xc3", "\xe2\x82", "\x80", "\xff", "\xed\xa0\x80", "\xf4\x90"};
  std::string s;
  while (s.size() < n) s += atoms[rng() % atoms.size()];
  return s;
}

const output_mode modes[] = {output_mode::text, output_mode::ndjson, output_mode::raw};

}  // namespace

TEST_CASE("a message in pieces is written as the whole message, however it is cut") {
  std::mt19937 rng(15);
  for (int round = 0; round < 3000; ++round) {
    const std::string message = random_message(rng, rng() % 24);
    std::vector<std::size_t> cuts;
    const std::size_t n = 1 + rng() % 6;
    for (std::size_t i = 0; i < n; ++i) cuts.push_back(rng() % (message.size() + 1));
    std::sort(cuts.begin(), cuts.end());
    for (output_mode m : modes) {
      render_options ro;
      ro.mode = m;
      CAPTURE(message, cuts, static_cast<int>(m));
      CHECK(in_pieces(message, cuts, ro) == whole(message, ro, true));
    }
  }
}

TEST_CASE("a long message is written in slices as the whole message") {
  std::mt19937 rng(16);
  const std::string message = random_message(rng, 3 * piece_renderer::slice_bytes + 17);
  for (output_mode m : modes) {
    render_options ro;
    ro.mode = m;
    CAPTURE(static_cast<int>(m));
    // One record longer than a slice, and the same in pieces cut anywhere.
    out_buffer out(64);
    piece_renderer pr;
    pr.render(out, record(message, sandlog::stream_kind::err, false), ro, false);
    CHECK(out.view() == whole(message, ro, false));
    CHECK(in_pieces(message, {1, piece_renderer::slice_bytes + 3, message.size() - 2}, ro) ==
          whole(message, ro, true));
  }
}

TEST_CASE("a record of another stream ends the open one as a fragment") {
  render_options ro;
  ro.mode = output_mode::ndjson;
  ro.timestamps = false;
  out_buffer out(64);
  piece_renderer pr;
  pr.render(out, record("ab\xe2\x82", sandlog::stream_kind::out, true), ro, false);
  pr.render(out, record("E", sandlog::stream_kind::err, false), ro, false);
  pr.render(out, record("\xac" "cd", sandlog::stream_kind::out, false), ro, false);
  CHECK(out.view() ==
        "{\"stream\":\"stdout\",\"message\":\"ab\xef\xbf\xbd\",\"partial\":true}\n"
        "{\"stream\":\"stderr\",\"partial\":false,\"message\":\"E\"}\n"
        "{\"stream\":\"stdout\",\"partial\":false,\"message\":\"\xef\xbf\xbd" "cd\"}\n");
  // Another writer of the same output (an error report) cuts it too.
  render_options text;
  text.timestamps = false;
  out.clear();
  pr.render(out, record("one", sandlog::stream_kind::out, true), text, false);
  piece_renderer::cut(out);
  CHECK(out.view() == "stdout one\n");
  CHECK(out.open_by() == nullptr);
}

TEST_CASE("a record in pieces keeps its first piece's attrs and its last piece's partial") {
  render_options ro;
  ro.mode = output_mode::ndjson;
  ro.timestamps = false;
  out_buffer out(64);
  piece_renderer pr;
  sandlog::read_record first = record("a", sandlog::stream_kind::out, true);
  first.attrs = R"({"tag":"web"})";
  pr.render(out, first, ro, false);
  sandlog::read_record last = record("b", sandlog::stream_kind::out, false);
  last.partial = true;  // the stream ended inside the message
  pr.render(out, last, ro, false);
  CHECK(out.view() == "{\"stream\":\"stdout\",\"message\":\"ab\",\"partial\":true,\"attrs\":{\"tag\":\"web\"}}\n");
}

TEST_CASE("a record of any size goes out in bounded memory") {
  std::FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  render_options ro;
  ro.mode = output_mode::ndjson;
  ro.timestamps = false;
  ro.stream_fd = fileno(f);
  out_buffer out;
  const std::size_t start = out.capacity();
  piece_renderer pr;
  // 40 MiB of control bytes (six bytes each escaped) in pieces of 8 MiB.
  const std::string piece(std::size_t{8} << 20, '\x01');
  for (int i = 0; i < 5; ++i)
    pr.render(out, record(piece, sandlog::stream_kind::out, i < 4), ro, false);
  CHECK(out.capacity() <= start + 6 * piece_renderer::slice_bytes + 64);
  REQUIRE(out.flush(fileno(f)));
  const long size = std::ftell(f) >= 0 ? static_cast<long>(lseek(fileno(f), 0, SEEK_END)) : -1;
  const std::string head = "{\"stream\":\"stdout\",\"message\":\"";
  const std::string tail = "\",\"partial\":false}\n";
  CHECK(size == static_cast<long>(head.size() + 6 * 5 * piece.size() + tail.size()));
  std::string got(head.size() + 12, '\0');
  REQUIRE(pread(fileno(f), &got[0], got.size(), 0) == static_cast<ssize_t>(got.size()));
  CHECK(got == head + "\\u0001\\u0001");
  std::fclose(f);
}
