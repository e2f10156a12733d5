// Fuzzes logfmt_reader: never crashes, never reads outside the message (the
// input lives in an exact-size heap block), reports errors inside it, and the
// fields it delivers, re-encoded, parse again to the same fields. Typed
// conversions run on every field and must agree with their error codes.
#include <sandlog/logfmt.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_util.hpp"

namespace {

struct pair {
  std::string key;
  bool has_value;
  std::string value;  // decoded
};

std::vector<pair> read(std::string_view message, sandlog::parse_result& result) {
  std::vector<pair> out;
  sandlog::logfmt_reader reader(message);
  sandlog::logfmt_field f;
  std::string buffer;
  while (reader.next(f)) {
    SANDLOG_FUZZ_ASSERT(!f.key().empty());
    SANDLOG_FUZZ_ASSERT(f.key().data() >= message.data());
    SANDLOG_FUZZ_ASSERT(f.text().data() + f.text().size() <= message.data() + message.size());
    buffer.assign(f.text().size(), '\0');
    const auto v = f.value(buffer.empty() ? nullptr : &buffer[0], buffer.size());
    SANDLOG_FUZZ_ASSERT(v.ec == sandlog::error::ok);
    SANDLOG_FUZZ_ASSERT(v.value.size() <= f.text().size());
    SANDLOG_FUZZ_ASSERT(f.compare_text(v.value) == 0);
    if (!v.value.empty()) {
      // One byte too little is always reported, never overrun.
      SANDLOG_FUZZ_ASSERT(!f.escaped() || f.value(&buffer[0], v.value.size() - 1).ec ==
                                              sandlog::error::out_of_range);
    }
    const auto i = f.as_int64();
    const auto d = f.as_double();
    if (i) SANDLOG_FUZZ_ASSERT(d && static_cast<double>(i.value) == d.value);
    (void)f.as_bool();
    (void)f.as_duration();
    (void)f.as_timestamp();
    out.push_back({std::string(f.key()), f.has_value(), std::string(v.value)});
  }
  result = reader.result();
  SANDLOG_FUZZ_ASSERT(result.ptr >= message.data() && result.ptr <= message.data() + message.size());
  SANDLOG_FUZZ_ASSERT(reader.error_offset() <= message.size());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const sandlog_fuzz::exact_buffer message(
      std::string_view(reinterpret_cast<const char*>(data), size));
  sandlog::parse_result first{};
  const std::vector<pair> pairs = read(message.view(), first);

  std::string encoded;
  for (const pair& p : pairs) {
    if (!encoded.empty()) encoded.push_back(' ');
    encoded += p.key;
    if (p.has_value) {
      encoded.push_back('=');
      sandlog::append_logfmt_value(encoded, p.value);
    }
  }
  const sandlog_fuzz::exact_buffer again(encoded);
  sandlog::parse_result second{};
  const std::vector<pair> reread = read(again.view(), second);
  SANDLOG_FUZZ_ASSERT(second.ec == sandlog::error::ok);
  SANDLOG_FUZZ_ASSERT(reread.size() == pairs.size());
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    SANDLOG_FUZZ_ASSERT(reread[k].key == pairs[k].key);
    SANDLOG_FUZZ_ASSERT(reread[k].has_value == pairs[k].has_value);
    SANDLOG_FUZZ_ASSERT(reread[k].value == pairs[k].value);
  }
  return 0;
}
