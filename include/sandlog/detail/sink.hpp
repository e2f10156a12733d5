// sandlog: calling a caller's sink, which may return void or an `error`.
// A sink that returns an error other than error::ok stops the call that
// feeds it (error.hpp states the convention).
#ifndef SANDLOG_DETAIL_SINK_HPP
#define SANDLOG_DETAIL_SINK_HPP

#include <type_traits>
#include <utility>

#include "../config.hpp"
#include "../error.hpp"

namespace sandlog {
namespace detail {

// Calls `sink(args...)`; a sink may return void, or an `error` that stops the
// caller when it is not error::ok.
template <class Sink, class... Args>
SANDLOG_FORCE_INLINE error call_sink(Sink& sink, Args&&... args) {
  if constexpr (std::is_same_v<std::invoke_result_t<Sink&, Args&&...>, error>) {
    return sink(std::forward<Args>(args)...);
  } else {
    sink(std::forward<Args>(args)...);
    return error::ok;
  }
}

}  // namespace detail
}  // namespace sandlog

#endif  // SANDLOG_DETAIL_SINK_HPP
