// sandlog: the umbrella header. Includes every part that needs no third-party
// library. json.hpp and json_reader.hpp (simdjson), logfmt.hpp and
// predicate.hpp (fast_float) and gzip.hpp (ISA-L) are included separately by
// the programs that link those libraries.
#ifndef SANDLOG_HPP
#define SANDLOG_HPP

#include "sandlog/config.hpp"
#include "sandlog/error.hpp"
#include "sandlog/vocabulary.hpp"
#include "sandlog/line_splitter.hpp"
#include "sandlog/timestamp.hpp"
#include "sandlog/record.hpp"
#include "sandlog/docker.hpp"
#include "sandlog/docker_api.hpp"
#include "sandlog/docker_local.hpp"
#include "sandlog/lifecycle.hpp"
#include "sandlog/pagination.hpp"
#include "sandlog/follow.hpp"
#include "sandlog/reader.hpp"
#include "sandlog/sse.hpp"
#include "sandlog/value.hpp"
#include "sandlog/log_set.hpp"
#include "sandlog/merge.hpp"

#endif  // SANDLOG_HPP
