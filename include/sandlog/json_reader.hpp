// sandlog: record_reader with Docker json-file lines (needs simdjson).
//
// json_record_reader is basic_record_reader with json.hpp's decoder for
// docker_json lines; everything else is as in reader.hpp.
#ifndef SANDLOG_JSON_READER_HPP
#define SANDLOG_JSON_READER_HPP

#include <memory>
#include <string_view>

#include "json.hpp"
#include "reader.hpp"

namespace sandlog {

// Docker json-file lines through an event_decoder, made on first use (a
// reader of CRI lines never pays for simdjson's buffers). Messages view the
// decoder and live until the next line.
class docker_json_lines {
 public:
  docker_json_lines() noexcept = default;
  explicit docker_json_lines(json_options options) noexcept : options_(options) {}
  docker_json_lines(docker_json_lines&&) noexcept = default;
  docker_json_lines& operator=(docker_json_lines&&) noexcept = default;

  error decode(std::string_view line, read_record& out, std::string_view& field) {
    if (!decoder_) decoder_ = std::make_unique<event_decoder>(options_);
    const json_result res = decoder_->decode_docker_json(line, out, out.attrs);
    field = res.field;
    return res.ec;
  }

 private:
  json_options options_{};
  std::unique_ptr<event_decoder> decoder_;
};

using json_record_reader = basic_record_reader<docker_json_lines>;

}  // namespace sandlog

#endif  // SANDLOG_JSON_READER_HPP
