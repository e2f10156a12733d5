// sandlog: the umbrella header. Includes every part that needs no third-party
// library. json.hpp (simdjson) and logfmt.hpp (fast_float) are included
// separately by the programs that link those libraries.
#ifndef SANDLOG_HPP
#define SANDLOG_HPP

#include "sandlog/config.hpp"
#include "sandlog/error.hpp"

#endif  // SANDLOG_HPP
