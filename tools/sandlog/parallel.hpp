// sandlog CLI: --jobs N — one regular file decoded on N threads.
//
// The file is cut into blocks of block_size bytes; a block owns the lines
// that start inside it, so every cut falls on a line boundary. Workers take
// blocks in order and decode each into the block's own output buffer; this
// thread writes the buffers out in file order and reports each block's
// malformed lines with their line numbers in the whole file.
//
// Partial CRI / Docker messages across a cut: a worker starts each block with
// no message open. When the block before ended inside a message (rare: it
// takes a line over 16 KiB cut right there), this thread decodes the block
// again, carrying over the open messages, and uses that result instead, so
// the output is byte for byte what one thread gives.
#ifndef SANDLOG_CLI_PARALLEL_HPP
#define SANDLOG_CLI_PARALLEL_HPP

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "decoder.hpp"
#include "input.hpp"
#include "options.hpp"
#include "out_buffer.hpp"
#include "progress.hpp"
#include "report.hpp"

namespace sandlog_cli {

inline constexpr std::uint64_t block_size = std::uint64_t{4} << 20;

struct block {
  enum class state : std::uint8_t { free, busy, done };
  state st = state::free;
  std::uint64_t index = 0;
  std::vector<char> bytes;  // the lines the block owns
  out_buffer out;
  std::vector<error_note> errors;
  run_stats stats;
  bool stopped = false;     // --strict stopped at a malformed line
  bool io_failed = false;
  int io_errno = 0;
  std::unique_ptr<join_state> open_at_end;  // messages left open at its end
};

// pread(2) of exactly n bytes unless the file ends first; bytes read, or -1.
inline ssize_t pread_full(int fd, char* p, std::size_t n, std::uint64_t at) {
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(fd, p + got, n - got, static_cast<off_t>(at + got));
    if (r < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (r == 0) break;
    got += static_cast<std::size_t>(r);
  }
  return static_cast<ssize_t>(got);
}

// Reads the lines that start in [b * block_size, (b + 1) * block_size).
inline bool load_block(int fd, std::uint64_t size, std::uint64_t b, std::vector<char>& bytes) {
  const std::uint64_t s = b * block_size;
  const std::uint64_t e = s + block_size < size ? s + block_size : size;
  const std::uint64_t from = s == 0 ? 0 : s - 1;  // the byte before s tells if a line starts at s
  bytes.resize(static_cast<std::size_t>(e - from));
  if (pread_full(fd, bytes.data(), bytes.size(), from) != static_cast<ssize_t>(bytes.size()))
    return false;
  std::size_t start = 0;
  if (s != 0) {
    const void* nl = std::memchr(bytes.data(), '\n', bytes.size());
    if (nl == nullptr) return bytes.clear(), true;  // inside one long line
    start = static_cast<std::size_t>(static_cast<const char*>(nl) - bytes.data()) + 1;
  }
  // Finish the last line: read on to its '\n' (or the end of the file).
  if (bytes.empty() || bytes.back() != '\n') {
    std::uint64_t at = e;
    std::size_t scan = bytes.size();
    while (at < size) {
      const std::size_t n = static_cast<std::size_t>(size - at < 65536 ? size - at : 65536);
      bytes.resize(scan + n);
      if (pread_full(fd, bytes.data() + scan, n, at) != static_cast<ssize_t>(n)) return false;
      const void* nl = std::memchr(bytes.data() + scan, '\n', n);
      if (nl != nullptr) {
        bytes.resize(static_cast<std::size_t>(static_cast<const char*>(nl) - bytes.data()) + 1);
        break;
      }
      scan += n;
      at += n;
    }
  }
  if (start != 0) bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(start));
  return true;
}

// Decodes blk.bytes with `dec`, starting from the open messages in `carry`
// (none when null); fills the block's output, errors, stats and end state.
inline void decode_block(decoder& dec, sandlog::log_format format, block& blk,
                         const join_state* carry) {
  blk.out.clear();
  dec.start(format, blk.out);
  dec.stats() = {};
  dec.state() = carry ? *carry : join_state{};
  dec.feed({blk.bytes.data(), blk.bytes.size()});
  dec.finish(false);
  blk.stats = dec.stats();
  blk.errors.swap(dec.errors());
  dec.errors().clear();
  blk.stopped = dec.stopped();
  blk.open_at_end.reset();
  if (dec.state().any_open()) blk.open_at_end = std::make_unique<join_state>(dec.state());
}

// Runs --jobs on one regular file. Returns the exit status.
inline int run_parallel(const options& opt, const render_options& ro, input_file& in,
                        sandlog::log_format format, run_stats& total) {
  const std::uint64_t nblocks = (in.size + block_size - 1) / block_size;
  const unsigned workers = opt.jobs;
  const std::size_t nslots = 2 * static_cast<std::size_t>(workers);
  std::vector<block> slots(nslots);
  std::mutex mu;
  std::condition_variable cv;
  std::uint64_t next = 0;
  bool abort = false;

  auto work = [&]() {
    decoder dec(opt, ro);
    for (;;) {
      std::unique_lock<std::mutex> lock(mu);
      if (abort || next >= nblocks) return;
      const std::uint64_t b = next++;
      block& blk = slots[b % nslots];
      cv.wait(lock, [&] { return blk.st == block::state::free || abort; });
      if (abort) return;
      blk.st = block::state::busy;
      blk.index = b;
      lock.unlock();
      blk.io_failed = !load_block(in.fd, in.size, b, blk.bytes);
      blk.io_errno = errno;
      if (!blk.io_failed) decode_block(dec, format, blk, nullptr);
      lock.lock();
      blk.st = block::state::done;
      cv.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < workers; ++i) threads.emplace_back(work);

  int status = exit_ok;
  bool bad = false;
  std::uint64_t lines_before = 0, bytes_done = 0;
  std::unique_ptr<join_state> carry;
  decoder redo(opt, ro);
  progress_bar bar(opt.progress, in.size);
  for (std::uint64_t b = 0; b < nblocks && status == exit_ok; ++b) {
    block& blk = slots[b % nslots];
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return blk.st == block::state::done && blk.index == b; });
    }
    if (blk.io_failed) {
      io_error(in.name, blk.io_errno);
      status = exit_io;
      break;
    }
    if (carry) decode_block(redo, format, blk, carry.get());
    carry = std::move(blk.open_at_end);
    if (!blk.errors.empty()) {
      bad = true;
      report_errors(in.name, blk.errors, lines_before);
    }
    lines_before += blk.stats.lines;
    bytes_done += blk.bytes.size();
    total.add(blk.stats);
    if (!blk.out.flush(1)) {
      io_error("standard output", errno);
      status = exit_io;
    }
    bar.update(bytes_done);
    if (blk.stopped) break;
    std::lock_guard<std::mutex> lock(mu);
    blk.st = block::state::free;
    cv.notify_all();
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    abort = true;
    cv.notify_all();
  }
  for (std::thread& t : threads) t.join();
  if (carry && status == exit_ok) {
    // The file ended inside a message: deliver it as one thread would.
    out_buffer out;
    redo.start(format, out);
    redo.stats() = {};
    redo.state() = std::move(*carry);
    redo.finish(true);
    total.add(redo.stats());
    if (!out.flush(1)) io_error("standard output", errno), status = exit_io;
  }
  if (status == exit_ok && bad) status = exit_malformed;
  return status;
}

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_PARALLEL_HPP
