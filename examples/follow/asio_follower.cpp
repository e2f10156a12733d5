// Follows a log over plain HTTP/1.1 with standalone Asio and C++20
// coroutines, iterating lines asynchronously and resuming after every
// disconnect with since_time and a resume_cursor.
//
//   asio_follower lines http://127.0.0.1:PORT/logs?drop=1 OUT
//
// The heart of it is asynchronous iteration, like Python's `async for`:
//
//   http_lines body(socket, ...);
//   sandlog::line l;
//   while (co_await body.next(l)) { ... }
//
// http_lines feeds what the socket reads into line_splitter's pull API
// (push/next); each view lives until the next call of next().
#include <asio.hpp>

#include <sandlog/follow.hpp>
#include <sandlog/line_splitter.hpp>
#include <sandlog/record.hpp>
#include <sandlog/timestamp.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

namespace {

using asio::ip::tcp;

// The lines of one response body of `length` bytes, `already` of them read
// with the headers. next() returns false at the end of the body, or when the
// connection drops first (then dropped() is true).
class http_lines {
 public:
  http_lines(tcp::socket& socket, sandlog::line_splitter& splitter, std::string_view already,
             std::size_t length)
      : socket_(socket), splitter_(splitter), left_(length) {
    if (!already.empty()) take(already.substr(0, std::min(already.size(), left_)));
  }

  asio::awaitable<bool> next(sandlog::line& out) {
    for (;;) {
      if (splitter_.next(out)) co_return true;
      if (ended_ || dropped_) co_return false;
      if (left_ == 0) {
        ended_ = true;  // the whole body arrived: an unterminated last line is a line
        splitter_.push_end();
        continue;
      }
      std::error_code ec;
      const std::size_t n = co_await socket_.async_read_some(
          asio::buffer(buf_, std::min(sizeof buf_, left_)),
          asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        dropped_ = true;  // fewer bytes than announced: the open line is incomplete
        co_return false;
      }
      take(std::string_view(buf_, n));
    }
  }
  bool dropped() const noexcept { return dropped_; }

 private:
  void take(std::string_view bytes) {
    left_ -= bytes.size();
    splitter_.push(bytes);
  }

  tcp::socket& socket_;
  sandlog::line_splitter& splitter_;
  std::size_t left_;
  bool ended_ = false;
  bool dropped_ = false;
  char buf_[16384];
};

struct target {
  std::string host, port, path;
};

std::optional<target> parse_url(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (url.substr(0, scheme.size()) != scheme) return std::nullopt;
  url.remove_prefix(scheme.size());
  const std::size_t slash = url.find('/');
  const std::string_view authority = url.substr(0, slash);
  const std::size_t colon = authority.rfind(':');
  if (colon == std::string_view::npos || slash == std::string_view::npos) return std::nullopt;
  return target{std::string(authority.substr(0, colon)), std::string(authority.substr(colon + 1)),
                std::string(url.substr(slash))};
}

asio::awaitable<int> follow(target t, std::FILE* out) {
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  sandlog::line_splitter splitter;
  sandlog::resume_cursor cursor;
  std::optional<sandlog::timestamp> since;
  unsigned long long lines = 0, disconnects = 0;
  for (int attempt = 0; attempt < 100000; ++attempt) {
    std::error_code ec;
    auto on_error = asio::redirect_error(asio::use_awaitable, ec);
    const auto endpoints = co_await resolver.async_resolve(t.host, t.port, on_error);
    if (ec) co_return 1;
    tcp::socket socket(executor);
    co_await asio::async_connect(socket, endpoints, on_error);
    if (ec) co_return 1;
    std::string request = "GET " + t.path;
    if (since) {
      char buf[sandlog::max_timestamp_chars];
      sandlog::format_options f;
      f.fraction = sandlog::fraction_digits::none;
      request += t.path.find('?') == std::string::npos ? "?since_time=" : "&since_time=";
      request.append(buf, sandlog::format_timestamp(*since, buf, f));
    }
    request += " HTTP/1.1\r\nHost: " + t.host + "\r\nConnection: close\r\n\r\n";
    co_await asio::async_write(socket, asio::buffer(request), on_error);
    std::string head;
    std::size_t length = 0;
    bool ok = false;
    if (!ec) {
      const std::size_t n =
          co_await asio::async_read_until(socket, asio::dynamic_buffer(head), "\r\n\r\n", on_error);
      if (!ec && head.compare(0, 12, "HTTP/1.1 200") == 0) {
        const std::size_t cl = head.find("Content-Length: ");
        if (cl != std::string::npos && cl < n) {
          length = std::strtoull(head.c_str() + cl + 16, nullptr, 10);
          head.erase(0, n);  // what was read past the headers is body
          ok = true;
        }
      }
    }
    if (ok) {
      http_lines body(socket, splitter, head, length);
      sandlog::line l;
      while (co_await body.next(l)) {
        sandlog::log_record r;
        if (!sandlog::parse_record(l.text, sandlog::log_format::timestamped, r)) {
          r = sandlog::log_record{};
          r.message = l.text;
        }
        if (cursor.admit(r) != sandlog::admit_verdict::deliver) continue;
        std::fwrite(l.text.data(), 1, l.text.size(), out);
        std::fputc('\n', out);
        ++lines;
      }
      if (!body.dropped()) {
        const auto& st = cursor.stats();
        std::fprintf(stderr,
                     "lines=%llu disconnects=%llu duplicates_dropped=%llu mismatches=%llu "
                     "exact=%d\n",
                     lines, disconnects, static_cast<unsigned long long>(st.replayed),
                     static_cast<unsigned long long>(st.mismatches), cursor.exact() ? 1 : 0);
        co_return cursor.exact() ? 0 : 2;
      }
    }
    splitter.reset();  // drop the partial line: it comes again
    since = cursor.reconnect();
    ++disconnects;
  }
  co_return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 || std::strcmp(argv[1], "lines") != 0) {
    std::fprintf(stderr, "usage: %s lines http://HOST:PORT/PATH OUT\n", argv[0]);
    return 64;
  }
  const auto t = parse_url(argv[2]);
  if (!t) {
    std::fprintf(stderr, "not an http://host:port/path URL: %s\n", argv[2]);
    return 64;
  }
  std::FILE* out = std::fopen(argv[3], "wb");
  if (out == nullptr) {
    std::perror(argv[3]);
    return 1;
  }
  asio::io_context io;
  int rc = 1;
  asio::co_spawn(io, follow(*t, out), [&](std::exception_ptr e, int r) { rc = e ? 1 : r; });
  io.run();
  if (std::fclose(out) != 0) return 1;
  return rc;
}
