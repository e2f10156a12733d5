// sandlog CLI: --jobs N — one regular file decoded on N threads.
//
// The file is mapped whole and cut into blocks of block_size bytes; a block
// owns the lines that start inside it, so every cut falls on a line boundary.
// Workers take blocks in order and decode each straight from the mapping
// into the output buffer of the block's slot (slots and their buffers are
// reused, so nothing is copied in or allocated per block once warm); this
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

#include <sys/mman.h>
#include <unistd.h>

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

// One slot of the ring of blocks in flight; aligned so that two workers
// filling neighbouring slots do not share a cache line.
struct alignas(64) block {
  enum class state : std::uint8_t { free, busy, done };
  state st = state::free;
  std::uint64_t index = 0;  // the block it holds, or (when free) the one it waits for
  std::string_view bytes;  // the lines the block owns, in the mapping
  out_buffer out;
  std::vector<error_note> errors;
  run_stats stats;
  bool stopped = false;     // --strict stopped at a malformed line
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

// Where the first line starting at or after `at` begins in the mapped file
// (the byte before `at` tells whether one starts right there), or the size.
inline std::uint64_t line_start(const char* file, std::uint64_t size, std::uint64_t at) noexcept {
  if (at == 0 || at >= size) return at < size ? at : size;
  const void* nl = std::memchr(file + at - 1, '\n', static_cast<std::size_t>(size - at + 1));
  return nl == nullptr ? size : static_cast<std::uint64_t>(static_cast<const char*>(nl) - file) + 1;
}

// The lines that start in [b * block_size, (b + 1) * block_size).
inline std::string_view block_lines(const char* file, std::uint64_t size, std::uint64_t b) noexcept {
  const std::uint64_t from = line_start(file, size, b * block_size);
  const std::uint64_t to = line_start(file, size, (b + 1) * block_size);
  return {file + from, static_cast<std::size_t>(to - from)};
}

// Asks the kernel to map a block's pages in one go (Linux 5.14+), which is
// cheaper than taking a fault per page; a no-op where that is not known.
inline void prefault(std::string_view bytes) noexcept {
#ifdef MADV_POPULATE_READ
  const long page = sysconf(_SC_PAGESIZE);
  const std::uintptr_t mask = static_cast<std::uintptr_t>(page > 0 ? page : 4096) - 1;
  const std::uintptr_t first = reinterpret_cast<std::uintptr_t>(bytes.data()) & ~mask;
  const std::uintptr_t last = reinterpret_cast<std::uintptr_t>(bytes.data() + bytes.size());
  if (last > first)
    (void)madvise(reinterpret_cast<void*>(first), last - first, MADV_POPULATE_READ);
#else
  (void)bytes;
#endif
}

// Decodes blk.bytes with `dec`, starting from the open messages in `carry`
// (none when null); fills the block's output, errors, stats and end state.
inline void decode_block(decoder& dec, sandlog::log_format format, block& blk,
                         const join_state* carry) {
  blk.out.clear();
  dec.start(format, blk.out);
  dec.stats() = {};
  dec.state() = carry ? *carry : join_state{};
  dec.feed(blk.bytes);
  dec.finish(false);
  blk.stats = dec.stats();
  blk.errors.swap(dec.errors());
  dec.errors().clear();
  blk.stopped = dec.stopped();
  blk.open_at_end.reset();
  if (dec.state().any_open()) blk.open_at_end = std::make_unique<join_state>(dec.state());
}

// Runs --jobs on one regular file. Returns the exit status, or -1 (having
// written nothing) when the file cannot be mapped whole, so that one thread
// reads it instead.
inline int run_parallel(const options& opt, const render_options& ro, input_file& in,
                        sandlog::log_format format, run_stats& total) {
  const std::size_t map_len = static_cast<std::size_t>(in.size);
  if (map_len == 0 || map_len != in.size) return -1;  // empty, or too big to map here
  void* const map = mmap(nullptr, map_len, PROT_READ, MAP_PRIVATE, in.fd, 0);
  if (map == MAP_FAILED) return -1;
  (void)madvise(map, map_len, MADV_SEQUENTIAL);
  const char* const file = static_cast<const char*>(map);
  const std::uint64_t nblocks = (in.size + block_size - 1) / block_size;
  const unsigned workers = opt.jobs;
  const std::size_t nslots = 2 * static_cast<std::size_t>(workers);
  std::vector<block> slots(nslots);
  for (std::size_t i = 0; i < nslots; ++i) slots[i].index = i;
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
      // Waits for this block's turn, not only a free slot: a worker that
      // runs ahead could otherwise take the slot meant for an earlier block
      // whose worker has not woken yet, and that block would never be done.
      cv.wait(lock, [&] { return (blk.st == block::state::free && blk.index == b) || abort; });
      if (abort) return;
      blk.st = block::state::busy;
      blk.index = b;
      lock.unlock();
      blk.bytes = block_lines(file, in.size, b);
      prefault(blk.bytes);
      decode_block(dec, format, blk, nullptr);
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
    blk.index = b + nslots;
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
  munmap(map, map_len);
  if (status == exit_ok && bad) status = exit_malformed;
  return status;
}

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_PARALLEL_HPP
