// Fuzzes event_decoder::decode_fields: never crashes; the verdict, the fields
// and every typed conversion are the same whatever bytes follow the message
// in memory; each field's text is its value as written, so a value that is
// not a string reads back alone as the same type and text; exact integer
// conversion agrees with the double simdjson parsed.
#include <sandlog/json.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "fuzz_util.hpp"

namespace {

struct field_outcome {
  std::string key;
  std::string text;
  sandlog::json_type type;
  sandlog::value_result<bool> b;
  sandlog::value_result<std::int64_t> i, duration;
  sandlog::value_result<double> d;
  sandlog::value_result<sandlog::timestamp> t;

  bool operator==(const field_outcome& o) const noexcept {
    return key == o.key && text == o.text && type == o.type && b.ec == o.b.ec &&
           b.value == o.b.value && i.ec == o.i.ec && i.value == o.i.value &&
           duration.ec == o.duration.ec && duration.value == o.duration.value && d.ec == o.d.ec &&
           (d.value == o.d.value || (std::isnan(d.value) && std::isnan(o.d.value))) &&
           t.ec == o.t.ec && t.value == o.t.value;
  }
};

struct outcome {
  sandlog::json_result result;
  std::vector<field_outcome> fields;
};

outcome decode(sandlog::event_decoder& dec, std::string_view bytes) {
  outcome o;
  o.result = dec.decode_fields(bytes, [&](const sandlog::json_field& f) {
    o.fields.push_back({std::string(f.key()), std::string(f.text()), f.type(), f.as_bool(),
                        f.as_int64(), f.as_duration(), f.as_double(), f.as_timestamp()});
  });
  return o;
}

bool has_fraction_or_exponent(std::string_view s) noexcept {
  return s.find_first_of(".eE") != std::string_view::npos;
}

void check_field(const field_outcome& f) {
  using T = sandlog::json_type;
  const bool numeric = f.type == T::integer || f.type == T::number;
  SANDLOG_FUZZ_ASSERT(numeric == (f.d.ec == sandlog::error::ok));
  SANDLOG_FUZZ_ASSERT((f.type == T::boolean) == (f.b.ec == sandlog::error::ok));
  if (f.type == T::boolean) SANDLOG_FUZZ_ASSERT(f.text == (f.b.value ? "true" : "false"));
  if (f.type == T::null) SANDLOG_FUZZ_ASSERT(f.text == "null");
  if (f.type == T::integer) SANDLOG_FUZZ_ASSERT(!has_fraction_or_exponent(f.text));
  if (f.type == T::number) SANDLOG_FUZZ_ASSERT(has_fraction_or_exponent(f.text));
  if (f.type == T::object) SANDLOG_FUZZ_ASSERT(f.text.front() == '{' && f.text.back() == '}');
  if (f.type == T::array) SANDLOG_FUZZ_ASSERT(f.text.front() == '[' && f.text.back() == ']');
  if (numeric && f.i.ec == sandlog::error::ok) {
    // The exact integer and simdjson's double agree to the double's precision.
    SANDLOG_FUZZ_ASSERT(std::isfinite(f.d.value));
    SANDLOG_FUZZ_ASSERT(static_cast<double>(f.i.value) == f.d.value ||
                        std::fabs(static_cast<double>(f.i.value) - f.d.value) <=
                            std::fabs(f.d.value) * 1e-15);
    SANDLOG_FUZZ_ASSERT(f.duration.ec == sandlog::error::ok && f.duration.value == f.i.value);
  }
  if (numeric && f.i.ec == sandlog::error::out_of_range)
    SANDLOG_FUZZ_ASSERT(std::fabs(f.d.value) >= 9.2e18);
  if (f.type == T::unrepresentable) {
    // Kept as written, never converted.
    SANDLOG_FUZZ_ASSERT(f.i.ec == sandlog::error::out_of_range);
    SANDLOG_FUZZ_ASSERT(f.d.ec == sandlog::error::out_of_range);
    SANDLOG_FUZZ_ASSERT(!f.text.empty() && (f.text.front() == '-' || sandlog::detail::is_digit(f.text.front())));
  } else if (!numeric && f.type != T::string) {
    SANDLOG_FUZZ_ASSERT(f.i.ec == sandlog::error::json_wrong_type);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  const sandlog_fuzz::exact_buffer exact(payload);
  std::string garbage(payload);
  garbage += "]}\"\\\n,\"k\":[1e999 true \xff";
  garbage.append(80, '"');

  sandlog::event_decoder dec;
  const outcome a = decode(dec, exact.view());
  const outcome b = decode(dec, std::string_view(garbage.data(), payload.size()));
  SANDLOG_FUZZ_ASSERT(a.result.ec == b.result.ec);
  SANDLOG_FUZZ_ASSERT(a.fields.size() == b.fields.size());
  for (std::size_t k = 0; k < a.fields.size(); ++k) SANDLOG_FUZZ_ASSERT(a.fields[k] == b.fields[k]);
  if (!a.result) SANDLOG_FUZZ_ASSERT(a.fields.empty());

  // A value that is not a string, alone in an object, reads back the same.
  sandlog::event_decoder again;
  for (const field_outcome& f : a.fields) {
    check_field(f);
    if (f.type == sandlog::json_type::string) continue;
    const std::string alone = "{\"v\":" + f.text + "}";
    const outcome c = decode(again, alone);
    SANDLOG_FUZZ_ASSERT(c.result.ec == sandlog::error::ok && c.fields.size() == 1);
    field_outcome expect = f;
    expect.key = "v";
    SANDLOG_FUZZ_ASSERT(c.fields[0] == expect);
  }
  return 0;
}
