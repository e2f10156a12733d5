// sandlog: one log line's envelope -> log_record.
//
// The vocabulary shared by every decoder of a log line (the plain-text formats
// here, Docker json-file lines in json.hpp): which stream a line came from,
// which envelope it was written in, and the decoded record itself.
#ifndef SANDLOG_RECORD_HPP
#define SANDLOG_RECORD_HPP

#include <cstdint>
#include <string_view>

#include "config.hpp"
#include "error.hpp"
#include "timestamp.hpp"

namespace sandlog {

// The stream a line was written to; `unknown` when the envelope does not say.
enum class stream_kind : std::uint8_t { unknown, out, err };

// The envelope a line is written in.
//   raw          `some log line`
//   timestamped  `2026-02-20T14:30:00Z some log line`
//   cri          `2026-02-20T14:30:00.123456789Z stdout F some log line`
//   bracketed    `[2026-03-06T10:00:52Z] sandbox.lifecycle.created`
//   docker_json  `{"log":"hello\n","stream":"stdout","time":"..."}` (json.hpp)
enum class log_format : std::uint8_t { raw, timestamped, cri, bracketed, docker_json };

// One decoded line. `message` is a view into the decoder's input (or, for
// docker_json, into the decoder's buffer); it lives as long as that does.
struct log_record {
  timestamp time{};                     // meaningful only when has_time
  bool has_time = false;
  stream_kind stream = stream_kind::unknown;
  bool partial = false;                 // a fragment of a longer line (CRI `P`)
  std::string_view message{};
};

}  // namespace sandlog

#endif  // SANDLOG_RECORD_HPP
