// record_reader: a whole stream in, records out, the same under every chunking.
// First, so that its warning pragma covers the library code inlined below.
#include "support/counting_allocator.hpp"

#include <sandlog/json_reader.hpp>
#include <sandlog/reader.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using sandlog::log_format;
using sandlog::stream_kind;

using sandlog_test::allocations;

namespace {

std::string show(const sandlog::read_record& r) {
  std::string s = std::to_string(r.line) + "|";
  s += r.stream == stream_kind::out ? "out" : r.stream == stream_kind::err ? "err" : "-";
  s += "|";
  s += std::string(r.time_text);
  s += r.has_time ? "|t" + std::to_string(r.time.seconds) + "." + std::to_string(r.time.nanos) : "|-";
  s += r.partial ? "|P" : "|F";
  s += "|" + std::to_string(r.flags) + "|";
  if (!r.attrs.empty()) s += std::string(r.attrs) + "|";
  s += std::string(r.message);
  return s;
}
std::string show(const sandlog::read_error& e) {
  return "error " + std::to_string(e.line) + ":" + std::to_string(e.column) + " " +
         std::string(sandlog::to_string(e.ec)) + " [" + std::string(e.excerpt) + "]";
}

struct collect {
  std::vector<std::string>* out;
  void operator()(const sandlog::read_record& r) { out->push_back(show(r)); }
  void operator()(const sandlog::read_error& e) { out->push_back(show(e)); }
};

// Feeds `inputs` (each a separate input of one stream) cut into chunks by
// `cut` and returns what came out, stats last.
template <class Reader, class Cut>
std::vector<std::string> run(Reader& rd, const std::vector<std::string>& inputs, Cut cut) {
  std::vector<std::string> out;
  collect sink{&out};
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::string& in = inputs[i];
    std::size_t at = 0;
    while (at < in.size()) {
      std::size_t n = cut(in.size() - at);
      // Each chunk in its own heap buffer of exactly its size, so that a
      // view kept past its life is caught by AddressSanitizer.
      std::vector<char> chunk(in.begin() + static_cast<std::ptrdiff_t>(at),
                              in.begin() + static_cast<std::ptrdiff_t>(at + n));
      rd.feed(std::string_view(chunk.data(), chunk.size()), sink);
      at += n;
    }
    if (i + 1 < inputs.size()) rd.end_input(sink);
  }
  rd.finish(sink);
  const sandlog::reader_stats& st = rd.stats();
  out.push_back("stats format " + std::to_string(static_cast<int>(st.format)) + " records " +
                std::to_string(st.records) + " malformed " + std::to_string(st.malformed_total()) +
                " lines " + std::to_string(st.lines));
  return out;
}

template <class Reader = sandlog::json_record_reader>
std::vector<std::string> read_all(const std::vector<std::string>& inputs,
                                  sandlog::reader_options o = {}) {
  Reader rd(o);
  return run(rd, inputs, [](std::size_t left) { return left; });
}

// Every chunking gives what one chunk gives: byte by byte, and random cuts.
template <class Reader = sandlog::json_record_reader>
std::vector<std::string> read_every_way(const std::vector<std::string>& inputs,
                                        sandlog::reader_options o = {}) {
  const std::vector<std::string> whole = read_all<Reader>(inputs, o);
  {
    Reader rd(o);
    CHECK(run(rd, inputs, [](std::size_t) { return std::size_t{1}; }) == whole);
  }
  std::mt19937 rng(12345);
  for (int round = 0; round < 20; ++round) {
    Reader rd(o);
    CHECK(run(rd, inputs, [&](std::size_t left) {
            return std::size_t{1} + rng() % (left < 40 ? left : 40);
          }) == whole);
  }
  return whole;
}

const std::string cri =
    "2026-02-20T14:30:00.000000001Z stdout F one\n"
    "2026-02-20T14:30:01.000000002Z stderr F two\n"
    "2026-02-20T14:30:02.000000003Z stdout P thr\n"
    "2026-02-20T14:30:03.000000004Z stdout F ee\n"
    "2026-02-20T14:30:04.000000005Z stdout F four\n";

}  // namespace

TEST_CASE("a CRI stream is detected and decoded under every chunking") {
  const auto out = read_every_way({cri});
  REQUIRE(out.size() == 5);
  CHECK(out[0] == "1|out|2026-02-20T14:30:00.000000001Z|t1771597800.1|F|0|one");
  CHECK(out[1] == "2|err|2026-02-20T14:30:01.000000002Z|t1771597801.2|F|0|two");
  // A joined message takes its first fragment's line, time and time text.
  CHECK(out[2] == "3|out|2026-02-20T14:30:02.000000003Z|t1771597802.3|F|0|three");
  CHECK(out[3] == "5|out|2026-02-20T14:30:04.000000005Z|t1771597804.5|F|0|four");
  CHECK(out[4] == "stats format 2 records 4 malformed 0 lines 5");
}

TEST_CASE("a cut first line does not turn a CRI stream into raw") {
  const auto out = read_every_way({"0:00.5Z stdout F tail of a cut line\n" + cri});
  REQUIRE(out.size() == 6);
  CHECK(out[0].rfind("error 1:0 ", 0) == 0);
  CHECK(out[1].find("|one") != std::string::npos);
  CHECK(out.back() == "stats format 2 records 4 malformed 1 lines 6");
}

TEST_CASE("garbage, blank lines and a file that starts mid-line do not decide the format") {
  const std::string head = "\n\n#!garbage\x01\x02\n\n";
  const auto out = read_every_way({head + cri});
  CHECK(out.back() == "stats format 2 records 4 malformed 1 lines 9");
  CHECK(out[0] == "error 3:0 bad year [#!garbage\x01\x02]");
}

TEST_CASE("detection takes the most specific format at least half the lines parse as") {
  sandlog::json_record_reader rd;
  std::vector<std::string> out;
  // Two timestamped lines and two CRI lines: CRI (the timestamped lines are
  // then reported, never silently printed as something else).
  run(rd,
      {"2026-02-20T14:30:00Z plain one\n2026-02-20T14:30:00Z stdout F a\n"
       "2026-02-20T14:30:00Z plain two\n2026-02-20T14:30:00Z stderr F b\n"},
      [](std::size_t left) { return left; });
  CHECK(rd.stats().format == log_format::cri);
  CHECK(rd.stats().voters == 4);
  CHECK(rd.stats().votes[static_cast<std::size_t>(log_format::timestamped)] == 4);
  CHECK(rd.stats().malformed_total() == 2);

  // Three timestamped lines whose messages happen to start like CRI in one
  // case: timestamped.
  sandlog::json_record_reader rd2;
  run(rd2,
      {"2026-02-20T14:30:00Z a\n2026-02-20T14:30:00Z stdout F looks like cri\n"
       "2026-02-20T14:30:00Z b\n2026-02-20T14:30:00Z c\n"},
      [](std::size_t left) { return left; });
  CHECK(rd2.stats().format == log_format::timestamped);
  CHECK(rd2.stats().malformed_total() == 0);
}

TEST_CASE("lines that parse as nothing are raw") {
  const auto out = read_every_way({"hello\nworld\n\nlast"});
  REQUIRE(out.size() == 5);
  CHECK(out[0] == "1|-||-|F|0|hello");
  CHECK(out[2] == "3|-||-|F|0|");
  CHECK(out[3] == "4|-||-|F|4|last");  // unterminated
}

TEST_CASE("detection waits for lines: an empty read decides nothing") {
  sandlog::record_reader rd;
  std::vector<std::string> out;
  collect sink{&out};
  rd.feed("", sink);
  rd.flush(sink);
  CHECK_FALSE(rd.stats().decided);
  rd.feed("2026-02-20T14:30:00.000000001Z stdout F a\n2026-02-20T14:30:0", sink);
  CHECK(out.empty());  // held for detection
  CHECK_FALSE(rd.stats().decided);
  rd.flush(sink);  // the input has nothing more right now
  CHECK(rd.stats().decided);
  CHECK(rd.format() == log_format::cri);
  REQUIRE(out.size() == 1);
  rd.feed("1.000000001Z stdout F b\n", sink);
  CHECK(out.size() == 2);
}

TEST_CASE("timestamped, bracketed and Docker json-file streams") {
  auto ts = read_every_way({"2026-02-20T14:30:00Z a\n2026-02-20T14:30:00.5+01:00 b\n"});
  CHECK(ts[1] == "2|-|2026-02-20T14:30:00.5+01:00|t1771594200.500000000|F|0|b");
  CHECK(ts.back() == "stats format 1 records 2 malformed 0 lines 2");

  auto br = read_every_way({"[2026-03-06T10:00:52Z] sandbox.lifecycle.created\n"});
  CHECK(br[0] == "1|-|2026-03-06T10:00:52Z|t1772791252.0|F|0|sandbox.lifecycle.created");

  const std::string docker =
      "\n"  // a blank head
      "{\"log\":\"a\\n\",\"stream\":\"stdout\",\"time\":\"2026-02-20T14:30:00.1Z\"}\n"
      "{\"log\":\"par\",\"stream\":\"stderr\",\"time\":\"2026-02-20T14:30:00.2Z\"}\n"
      "{\"log\":\"b\\n\",\"stream\":\"stdout\",\"time\":\"2026-02-20T14:30:00.3Z\"}\n"
      "{\"log\":\"tial\\n\",\"stream\":\"stderr\",\"time\":\"2026-02-20T14:30:00.4Z\"}\n"
      "{\"log\":\"last without newline\",\"stream\":\"stdout\",\"time\":\"2026-02-20T14:30:00.5Z\"}\n";
  auto d = read_every_way({docker});
  REQUIRE(d.size() == 5);
  CHECK(d[0] == "2|out||t1771597800.100000000|F|0|a");
  CHECK(d[1] == "4|out||t1771597800.300000000|F|0|b");
  CHECK(d[2] == "3|err||t1771597800.200000000|F|0|partial");
  // A container's last line without its newline: unterminated at the end.
  CHECK(d[3] == "6|out||t1771597800.500000000|P|4|last without newline");
  CHECK(d.back() == "stats format 4 records 4 malformed 0 lines 6");
}

TEST_CASE("a reader without JSON reports Docker lines instead of guessing") {
  sandlog::record_reader rd;
  std::vector<std::string> out;
  run(rd, {"{\"log\":\"a\\n\",\"stream\":\"stdout\",\"time\":\"2026-02-20T14:30:00Z\"}\n"},
      [](std::size_t left) { return left; });
  CHECK(rd.format() == log_format::docker_json);
  CHECK(rd.stats().malformed[static_cast<std::size_t>(sandlog::error::unsupported_format)] == 1);
}

TEST_CASE("a partial message continues across inputs of one stream") {
  const std::string a =
      "2026-02-20T14:30:00.000000001Z stdout F a1\n"
      "2026-02-20T14:30:01.000000001Z stdout P split across\n";
  const std::string b =
      "2026-02-20T14:30:02.000000001Z stdout F  two files\n"
      "2026-02-20T14:30:03.000000001Z stdout F b2\n";
  const auto out = read_every_way({a, b});
  REQUIRE(out.size() == 4);
  CHECK(out[1] == "2|out|2026-02-20T14:30:01.000000001Z|t1771597801.1|F|0|split across two files");
  // Line numbers start again with each input.
  CHECK(out[2].rfind("2|out|2026-02-20T14:30:03", 0) == 0);
}

TEST_CASE("an unterminated last line of an input is a record of its own") {
  const auto out = read_every_way({"2026-02-20T14:30:00Z a\n2026-02-20T14:30:00Z cut",
                                   "2026-02-20T14:30:01Z next\n"});
  REQUIRE(out.size() == 4);
  CHECK(out[1] == "2|-|2026-02-20T14:30:00Z|t1771597800.0|F|4|cut");
  CHECK(out[2] == "1|-|2026-02-20T14:30:01Z|t1771597801.0|F|0|next");
}

TEST_CASE("a message still open at the end is delivered flagged unterminated") {
  const auto out = read_every_way({"2026-02-20T14:30:00.000000001Z stderr P never finished\n"});
  REQUIRE(out.size() == 2);
  CHECK(out[0] == "1|err|2026-02-20T14:30:00.000000001Z|t1771597800.1|P|4|never finished");
}

TEST_CASE("join_partials off gives each fragment as it is") {
  sandlog::reader_options o;
  o.join_partials = false;
  const auto out = read_every_way({cri}, o);
  REQUIRE(out.size() == 6);
  CHECK(out[2] == "3|out|2026-02-20T14:30:02.000000003Z|t1771597802.3|P|0|thr");
}

TEST_CASE("the window and the stream filter apply to whole messages") {
  sandlog::reader_options o;
  sandlog::timestamp since;
  since.seconds = 1771597801;
  sandlog::timestamp until;
  until.seconds = 1771597804;
  o.window.since = since;
  o.window.until = until;
  o.stream = stream_kind::out;
  sandlog::json_record_reader rd(o);
  const auto out = run(rd, {cri}, [](std::size_t left) { return left; });
  REQUIRE(out.size() == 2);
  // The joined message keeps its first fragment's time (14:30:02), inside.
  CHECK(out[0].find("|three") != std::string::npos);
  CHECK(rd.stats().other_stream == 1);
  CHECK(rd.stats().before == 1);
  CHECK(rd.stats().after == 1);
}

TEST_CASE("the stream filter counts records that have no stream") {
  sandlog::reader_options o;
  o.stream = stream_kind::err;
  sandlog::json_record_reader rd(o);
  run(rd, {"2026-02-20T14:30:00Z a\n2026-02-20T14:30:00Z b\n"}, [](std::size_t l) { return l; });
  CHECK(rd.stats().records == 0);
  CHECK(rd.stats().no_stream == 2);
}

TEST_CASE("the tail keeps the last N records that pass the filters") {
  std::string in;
  for (int i = 0; i < 100; ++i)
    in += "2026-02-20T14:30:00.000000001Z " + std::string(i % 2 ? "stderr" : "stdout") +
          " F line " + std::to_string(i) + "\n";
  for (std::uint64_t n : {0u, 1u, 3u, 50u, 51u, 1000u}) {
    sandlog::reader_options o;
    o.tail = n;
    o.stream = stream_kind::err;
    const auto out = read_every_way({in}, o);
    const std::uint64_t want = n < 50 ? n : 50;
    REQUIRE(out.size() == want + 1);
    if (want != 0) CHECK(out[want - 1].find("line 99") != std::string::npos);
    if (want != 0)
      CHECK(out[0].find("line " + std::to_string(99 - 2 * (want - 1))) != std::string::npos);
  }
}

TEST_CASE("a tail of ten billion records holds only what there is") {
  sandlog::reader_options o;
  o.tail = 10000000000ull;
  const auto out = read_all({cri}, o);
  CHECK(out.size() == 5);
}

TEST_CASE("the tail's byte bound drops the oldest records and says how many") {
  sandlog::reader_options o;
  o.tail = 1000;
  o.tail_bytes = 1000;  // room for a few records with their bookkeeping
  std::string in;
  for (int i = 0; i < 100; ++i) in += "2026-02-20T14:30:00Z message number " + std::to_string(i) + "\n";
  sandlog::json_record_reader rd(o);
  const auto out = run(rd, {in}, [](std::size_t l) { return l; });
  CHECK(out.size() > 2);
  CHECK(out.size() < 30);
  CHECK(out[out.size() - 2].find("message number 99") != std::string::npos);
  CHECK(rd.stats().records == out.size() - 1);
  CHECK(rd.stats().tail_short == 100 - rd.stats().records);
  // A record bigger than the whole bound cannot be kept.
  sandlog::reader_options small;
  small.tail = 1;
  small.tail_bytes = 10;
  sandlog::json_record_reader rd2(small);
  run(rd2, {"2026-02-20T14:30:00Z a long message\n"}, [](std::size_t l) { return l; });
  CHECK(rd2.stats().tail_short == 1);
}

TEST_CASE("release_tail lets a follower print the tail, then everything new") {
  sandlog::reader_options o;
  o.tail = 2;
  sandlog::record_reader rd(o);
  std::vector<std::string> out;
  collect sink{&out};
  rd.feed(cri, sink);
  CHECK(out.empty());
  rd.release_tail(sink);
  CHECK(out.size() == 2);
  rd.feed("2026-02-20T14:30:05.000000005Z stdout F five\n", sink);
  CHECK(out.size() == 3);
}

TEST_CASE("a sink that returns an error stops the reader") {
  sandlog::record_reader rd;
  int seen = 0;
  auto sink = [&](const sandlog::read_record&) {
    ++seen;
    return seen == 2 ? sandlog::error::trailing_bytes : sandlog::error::ok;
  };
  CHECK(rd.feed(cri, sink) == sandlog::error::trailing_bytes);
  CHECK(seen == 2);
  CHECK(rd.feed(cri, sink) == sandlog::error::trailing_bytes);
  CHECK(seen == 2);
  rd.reset();
  CHECK(rd.stopped() == sandlog::error::ok);
}

TEST_CASE("malformed lines are counted by the format they look like") {
  sandlog::reader_options o;
  o.format = log_format::cri;
  sandlog::record_reader rd(o);
  auto sink = sandlog::sinks([](const sandlog::read_record&) {}, [](const sandlog::read_error&) {});
  rd.feed("{\"log\":\"a\\n\",\"stream\":\"stdout\",\"time\":\"2026-02-20T14:30:00Z\"}\n"
          "{\"log\":\"b\\n\",\"stream\":\"stdout\",\"time\":\"2026-02-20T14:30:01Z\"}\n"
          "2026-02-20T14:30:02Z just timestamped\n"
          "plain words\n"
          "2026-02-20T14:30:03Z stdout F fine\n",
          sink);
  rd.end_input(sink);
  const sandlog::reader_stats& s = rd.stats();
  CHECK(s.malformed_total() == 4);
  CHECK(s.malformed_look[static_cast<std::size_t>(log_format::docker_json)] == 2);
  CHECK(s.malformed_look[static_cast<std::size_t>(log_format::timestamped)] == 1);
  CHECK(s.malformed_look[static_cast<std::size_t>(log_format::raw)] == 1);
  CHECK(s.malformed_look[static_cast<std::size_t>(log_format::cri)] == 0);
  rd.reset_counts();
  CHECK(rd.stats().malformed_look[static_cast<std::size_t>(log_format::docker_json)] == 0);
}

TEST_CASE("an error sink can stop at the first bad line (--strict)") {
  sandlog::reader_options o;
  o.format = log_format::cri;
  sandlog::record_reader rd(o);
  std::vector<std::string> out;
  auto sink = sandlog::sinks([&](const sandlog::read_record& r) { out.push_back(show(r)); },
                             [&](const sandlog::read_error& e) { return e.ec; });
  CHECK(rd.feed("2026-02-20T14:30:00Z stdout F ok\nbad\n2026-02-20T14:30:00Z stdout F after\n",
                sink) == sandlog::error::bad_year);
  CHECK(out.size() == 1);
}

TEST_CASE("errors name the line, the column and start of the line") {
  sandlog::reader_options o;
  o.format = log_format::cri;
  sandlog::record_reader rd(o);
  std::vector<sandlog::read_error> errs;
  std::vector<std::string> excerpts;
  auto sink = sandlog::sinks([](const sandlog::read_record&) {},
                             [&](const sandlog::read_error& e) {
                               errs.push_back(e);
                               excerpts.emplace_back(e.excerpt);
                             });
  rd.feed("2026-02-20T14:30:00Z stdin F x\n" + std::string(200, 'y') + "\n", sink);
  REQUIRE(errs.size() == 2);
  CHECK(errs[0].line == 1);
  CHECK(errs[0].column == 21);
  CHECK(errs[0].ec == sandlog::error::bad_stream);
  CHECK(errs[0].format == log_format::cri);
  CHECK(errs[1].line == 2);
  CHECK(excerpts[1] == std::string(sandlog::excerpt_bytes, 'y'));
}

TEST_CASE("Docker attrs come with their record: whole, joined, in the tail and pulled") {
  const std::string in =
      R"({"log":"one\n","stream":"stdout","attrs":{"tag":"a"},"time":"2026-02-20T14:30:00Z"})" "\n"
      R"({"log":"two ","stream":"stderr","attrs":{"tag":"first"},"time":"2026-02-20T14:30:01Z"})" "\n"
      R"({"log":"three\n","stream":"stdout","time":"2026-02-20T14:30:02Z"})" "\n"
      R"({"log":"halves\n","stream":"stderr","attrs":{"tag":"last"},"time":"2026-02-20T14:30:03Z"})" "\n";
  const std::vector<std::string> want = {
      R"(1|out||t1771597800.0|F|0|{"tag":"a"}|one)",
      "3|out||t1771597802.0|F|0|three",
      R"(2|err||t1771597801.0|F|0|{"tag":"first"}|two halves)",
      "stats format 4 records 3 malformed 0 lines 4",
  };
  CHECK(read_every_way({in}) == want);
  sandlog::reader_options o;
  o.tail = 2;
  CHECK(read_every_way({in}, o) ==
        std::vector<std::string>{want[1], want[2], "stats format 4 records 2 malformed 0 lines 4"});

  sandlog::json_record_reader rd;
  std::vector<std::string> got;
  sandlog::read_record r;
  sandlog::read_error e;
  rd.push(in);
  rd.push_end();
  while (rd.next(r, e) == sandlog::pulled::record) got.push_back(show(r));
  CHECK(got == std::vector<std::string>(want.begin(), want.end() - 1));

  // A record handed from one reader to another (a merge) keeps them.
  sandlog::record_reader fin;
  std::vector<std::string> merged;
  collect sink{&merged};
  sandlog::json_record_reader first;
  first.feed(in, [&](const sandlog::read_record& rec) { fin.add(rec, sink); });
  first.finish([&](const sandlog::read_record& rec) { fin.add(rec, sink); });
  REQUIRE(merged.size() == 3);
  CHECK(merged[2] == R"(3|err||t1771597801.0|F|0|{"tag":"first"}|two halves)");
}

TEST_CASE("the pull style gives what the push style gives") {
  const std::string in = "junk first\n" + cri + "2026-02-20T14:30:05.000000005Z stdout P open";
  for (std::size_t step : {std::size_t{1}, std::size_t{7}, in.size()}) {
    sandlog::json_record_reader push_rd;
    std::vector<std::string> want = run(push_rd, {in}, [](std::size_t l) { return l; });
    want.pop_back();  // the stats line
    sandlog::json_record_reader rd;
    std::vector<std::string> got;
    sandlog::read_record r;
    sandlog::read_error e;
    auto drain = [&] {
      for (;;) {
        const sandlog::pulled p = rd.next(r, e);
        if (p == sandlog::pulled::none) break;
        got.push_back(p == sandlog::pulled::record ? show(r) : show(e));
      }
    };
    for (std::size_t at = 0; at < in.size(); at += step) {
      rd.push(std::string_view(in).substr(at, step));
      drain();
    }
    rd.push_end();
    drain();
    CHECK(got == want);
  }
}

TEST_CASE("lines longer than max_line come out in pieces with their envelope") {
  sandlog::reader_options o;
  o.max_line = 48;
  o.join_partials = false;
  const std::string msg(100, 'm');
  const auto out = read_every_way({"2026-02-20T14:30:00.000000001Z stdout F " + msg + "\n"}, o);
  REQUIRE(out.size() == 4);
  CHECK(out[0] == "1|out|2026-02-20T14:30:00.000000001Z|t1771597800.1|P|0|mmmmmmmm");
  CHECK(out[1] == "1|out|2026-02-20T14:30:00.000000001Z|t1771597800.1|P|0|" + std::string(48, 'm'));
  CHECK(out[2] == "1|out|2026-02-20T14:30:00.000000001Z|t1771597800.1|F|0|" + std::string(44, 'm'));
  CHECK(out[3] == "stats format 2 records 3 malformed 0 lines 1");
  // Joined, the pieces are one message again (up to max_line, then pieces).
  sandlog::reader_options joined;
  joined.max_line = 200;
  const auto whole = read_every_way({"2026-02-20T14:30:00.000000001Z stdout F " + msg + "\n"}, joined);
  REQUIRE(whole.size() == 2);
  CHECK(whole[0] == "1|out|2026-02-20T14:30:00.000000001Z|t1771597800.1|F|0|" + msg);
}

TEST_CASE("show_open_line shows a line its writer has not finished; the rest keeps its envelope") {
  for (const bool join : {true, false}) {
    sandlog::reader_options o;
    o.join_partials = join;
    sandlog::record_reader rd(o);
    std::vector<std::string> out;
    collect sink{&out};
    rd.feed("2026-02-20T14:30:00.000000001Z stdout F one\n2026-02-20T14:30:01Z stderr F Password: ", sink);
    rd.flush(sink);
    REQUIRE(out.size() == 1);
    CHECK(rd.has_open_line());
    CHECK(rd.show_open_line(sink));
    CHECK_FALSE(rd.has_open_line());
    if (join) {
      // With joining, the piece is an open message: end_messages shows it.
      CHECK(out.size() == 1);
      CHECK(rd.has_open_message());
      rd.end_messages(sink);
    }
    REQUIRE(out.size() == 2);
    CHECK(out[1] == std::string("2|err|2026-02-20T14:30:01Z|t1771597801.0|P|") + (join ? "4" : "0") +
                        "|Password: ");
    // Shown twice as it grows: each piece once.
    rd.feed("hunter", sink);
    CHECK(rd.show_open_line(sink));
    if (join) rd.end_messages(sink);
    rd.feed("2\n2026-02-20T14:30:02Z stdout F three\n", sink);
    rd.finish(sink);
    REQUIRE(out.size() == 5);
    CHECK(out[2] == std::string("2|err|2026-02-20T14:30:01Z|t1771597801.0|P|") + (join ? "4" : "0") +
                        "|hunter");
    CHECK(out[3] == "2|err|2026-02-20T14:30:01Z|t1771597801.0|F|0|2");
    CHECK(out[4] == "3|out|2026-02-20T14:30:02Z|t1771597802.0|F|0|three");
    CHECK(rd.stats().malformed_total() == 0);
  }
}

TEST_CASE("show_open_line waits for a whole envelope, for detection, and never cuts a JSON line") {
  sandlog::record_reader cri_rd;
  std::vector<std::string> out;
  collect sink{&out};
  CHECK_FALSE(cri_rd.show_open_line(sink));  // nothing open
  cri_rd.feed("2026-02-20T14:30:00Z stdout F a\n2026-02-20T14:3", sink);
  CHECK_FALSE(cri_rd.show_open_line(sink));  // detection still waits
  cri_rd.flush(sink);
  REQUIRE(out.size() == 1);
  CHECK_FALSE(cri_rd.show_open_line(sink));  // the time is cut: not yet an envelope
  cri_rd.feed("1:00Z stdout F b\n", sink);
  cri_rd.finish(sink);
  REQUIRE(out.size() == 2);
  CHECK(out[1] == "2|out|2026-02-20T14:31:00Z|t1771597860.0|F|0|b");

  sandlog::json_record_reader json_rd;
  out.clear();
  json_rd.feed("{\"log\":\"a\\n\",\"stream\":\"stdout\",\"time\":\"2026-02-20T14:30:00Z\"}\n{\"log\":", sink);
  json_rd.flush(sink);
  CHECK(json_rd.has_open_line());
  CHECK_FALSE(json_rd.show_open_line(sink));
  json_rd.finish(sink);
  REQUIRE(out.size() == 2);  // the record, then the cut object's error at the end
}

TEST_CASE("a line shown early whose rest is only its terminator gives no empty record") {
  sandlog::record_reader rd;
  std::vector<std::string> out;
  collect sink{&out};
  rd.feed("2026-02-20T14:30:00Z stdout F a\n2026-02-20T14:30:01Z stdout F done", sink);
  rd.flush(sink);
  CHECK(rd.show_open_line(sink));
  rd.end_messages(sink);
  rd.feed("\n2026-02-20T14:30:02Z stdout F next\n", sink);
  rd.finish(sink);
  REQUIRE(out.size() == 3);
  CHECK(out[1] == "2|out|2026-02-20T14:30:01Z|t1771597801.0|P|4|done");
  CHECK(out[2] == "3|out|2026-02-20T14:30:02Z|t1771597802.0|F|0|next");
}

TEST_CASE("continue_messages hands open messages to a reader of the next range") {
  sandlog::reader_options o;
  o.format = log_format::cri;
  sandlog::record_reader first(o), second(o);
  std::vector<std::string> out;
  collect sink{&out};
  first.feed("2026-02-20T14:30:01.000000001Z stdout P begun in one range\n", sink);
  CHECK(first.has_open_message());
  second.continue_messages(first);
  second.feed("2026-02-20T14:30:02.000000001Z stdout F  and ended in the next\n", sink);
  REQUIRE(out.size() == 1);
  CHECK(out[0] ==
        "1|out|2026-02-20T14:30:01.000000001Z|t1771597801.1|F|0|begun in one range and ended in "
        "the next");
}

TEST_CASE("records decoded elsewhere go through the same filters") {
  sandlog::reader_options o;
  o.tail = 1;
  sandlog::record_reader rd(o);
  std::vector<std::string> out;
  collect sink{&out};
  sandlog::log_record a;
  a.message = "first";
  sandlog::log_record b;
  b.message = "second";
  rd.add(a, {}, sink);
  rd.add(b, {}, sink);
  rd.finish(sink);
  REQUIRE(out.size() == 1);
  CHECK(out[0] == "2|-||-|F|0|second");
}

TEST_CASE("redetect reads the next input in its own format") {
  sandlog::json_record_reader rd;
  std::vector<std::string> out;
  collect sink{&out};
  rd.feed(cri, sink);
  rd.end_input(sink);
  rd.end_messages(sink);
  CHECK(rd.format() == log_format::cri);
  rd.redetect();
  rd.feed("2026-02-20T14:30:00Z plain\n", sink);
  rd.finish(sink);
  CHECK(rd.format() == log_format::timestamped);
  CHECK(out.back() == "1|-|2026-02-20T14:30:00Z|t1771597800.0|F|0|plain");
}

TEST_CASE("a warm reader allocates nothing per record") {
  sandlog::reader_options o;
  o.tail = 3;
  sandlog::json_record_reader rd(o);
  std::size_t records = 0;
  auto sink = [&](const sandlog::read_record&) { ++records; };
  const std::string docker =
      "{\"log\":\"a\\n\",\"stream\":\"stdout\",\"time\":\"2026-02-20T14:30:00.1Z\"}\n";
  for (int i = 0; i < 3; ++i) {
    rd.feed(cri, sink);
    rd.release_tail(sink);
  }
  sandlog::json_record_reader json;
  for (int i = 0; i < 5; ++i) json.feed(docker, sink);  // past detection
  const std::uint64_t before = allocations();
  for (int i = 0; i < 1000; ++i) {
    rd.feed(cri, sink);
    json.feed(docker, sink);
  }
  CHECK(allocations() == before);
  CHECK(records > 1000);
}
