// sandlog CLI: --jobs N — one regular file decoded on N threads.
//
// The file is mapped whole and cut into blocks of equal size; a block
// owns the lines that start inside it, so every cut falls on a line boundary.
// N threads (this one among them) take blocks in file order and decode each
// straight from the mapping. The output leaves in file order by turns: the
// thread holding the next block's turn writes that block's output while it
// decodes it, a piece at a time; a thread whose block is not yet next keeps
// the output in its buffer until the turn comes to it. A buffer thus holds at
// most one block's output, and on two threads about half of one, so it stays
// in the core's cache.
//
// The turn holder alone writes the output, reports the block's malformed
// lines with their line numbers in the whole file, adds up the stats and
// moves the progress bar; handing the turn on publishes what it wrote.
//
// Each thread has its own record reader, given the format detected from the
// head of the file. Partial CRI / Docker messages across a cut: a thread
// starts each block with no message open. When its turn comes and the block
// before ended inside a message (a `P` line right before the cut), it has
// written nothing of its block yet; it decodes the block again, continuing
// the open messages, so the output is byte for byte what one thread gives.
#ifndef SANDLOG_CLI_PARALLEL_HPP
#define SANDLOG_CLI_PARALLEL_HPP

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "input.hpp"
#include "options.hpp"
#include "out_buffer.hpp"
#include "records.hpp"
#include "progress.hpp"
#include "report.hpp"

namespace sandlog_cli {

// Blocks are this big unless SANDLOG_JOBS_BLOCK (bytes, for tests) says
// otherwise. Big enough that the per-block costs (a prefault call, a turn
// handed on) vanish; small enough that a block's output, which a thread
// waiting for its turn holds, stays in its core's cache.
inline constexpr std::uint64_t default_block_size = std::uint64_t{4} << 20;
// How much of a block is decoded between two looks at the turn; the turn
// holder writes its output once it has this much.
inline constexpr std::size_t piece_size = std::size_t{1} << 20;

// Where the first line starting at or after `at` begins in the mapped file
// (the byte before `at` tells whether one starts right there), or the size.
inline std::uint64_t line_start(const char* file, std::uint64_t size, std::uint64_t at) noexcept {
  if (at == 0 || at >= size) return at < size ? at : size;
  const void* nl = std::memchr(file + at - 1, '\n', static_cast<std::size_t>(size - at + 1));
  return nl == nullptr ? size : static_cast<std::uint64_t>(static_cast<const char*>(nl) - file) + 1;
}

// The lines that start in [from, to): line starts at or after each end.
inline std::string_view lines_between(const char* file, std::uint64_t size, std::uint64_t from,
                                      std::uint64_t to) noexcept {
  const std::uint64_t first = line_start(file, size, from);
  const std::uint64_t last = line_start(file, size, to);
  return {file + first, static_cast<std::size_t>(last - first)};
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

// What the threads of one --jobs run share.
class block_run {
 public:
  block_run(const options& opt, const render_options& ro, const input_file& in,
            sandlog::log_format format, const char* file, std::uint64_t block_size,
            run_stats& total)
      : opt_(opt), ro_(ro), in_(in), format_(format), file_(file), block_size_(block_size),
        nblocks_((in.size + block_size - 1) / block_size), carry_(reader_opts(opt, ro, format)),
        rep_(in.name), total_(total), bar_(opt.progress, in.size) {}

  // Takes blocks until none is left or the run stops.
  void work() {
    worker w(opt_, ro_, format_);
    for (;;) {
      if (stop_.load(std::memory_order_relaxed)) return;
      const std::uint64_t b = next_.fetch_add(1, std::memory_order_relaxed);
      if (b >= nblocks_) return;
      const std::string_view bytes =
          lines_between(file_, in_.size, b * block_size_, (b + 1) * block_size_);
      prefault(bytes);
      if (!decode(w, b, bytes)) return;
    }
  }

  // After every thread is done: a message still open at the end of the
  // file is delivered as one thread would (not after --strict stopped the
  // run). Returns the exit status.
  int finish() {
    if (carried_ && !stop_.load(std::memory_order_relaxed)) {
      worker w(opt_, ro_, format_);
      w.out.clear();
      carry_.end_messages(w.sink);
      total_.add(carry_.stats());
      write(w.out);
    }
    rep_.finish();
    return status_ == exit_ok && bad_ ? exit_malformed : status_;
  }

 private:
  // One thread's reader, output and notes.
  struct worker {
    worker(const options& opt, const render_options& ro, sandlog::log_format format)
        : rd(reader_opts(opt, ro, format)), fields(opt),
          sink{&out, &ro, &fields, {nullptr, &notes, nullptr, opt.strict}, bare_output(opt, ro)} {
      fields.attach(rd);
    }
    reader rd;
    out_buffer out;
    record_fields fields;
    std::vector<error_note> notes;
    record_sink sink;
  };

  bool holds_turn(std::uint64_t b) const noexcept {
    return turn_.load(std::memory_order_acquire) == b;
  }

  // Starts block b's decoding over, continuing the messages carried over
  // from the block before when `carried`.
  void begin(worker& w, bool carried) {
    w.out.clear();
    w.notes.clear();
    w.rd.reset();
    if (carried) w.rd.continue_messages(carry_);
  }

  // Feeds the block a piece at a time; once the turn is here, writes the
  // output as it comes. Stops early when the turn comes with messages
  // carried over (the block must then be decoded again from its start) or
  // with the run stopped.
  void feed(worker& w, std::uint64_t b, std::string_view bytes, bool& turn) {
    for (std::size_t at = 0; at < bytes.size() && w.rd.stopped() == sandlog::error::ok;
         at += piece_size) {
      w.rd.feed(bytes.substr(at, piece_size), w.sink);
      if (!turn && holds_turn(b)) {
        turn = true;
        if (carried_ || stop_.load(std::memory_order_relaxed)) return;
      }
      if (turn && w.out.size() >= piece_size) write(w.out);
      if (turn && stop_.load(std::memory_order_relaxed)) return;  // the write failed
    }
  }

  // Decodes block b and, in its turn, writes it out and hands the turn on.
  // False when the run stopped before the block's turn.
  bool decode(worker& w, std::uint64_t b, std::string_view bytes) {
    bool turn = false;
    begin(w, false);
    feed(w, b, bytes, turn);
    if (!turn) {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return holds_turn(b) || stop_.load(std::memory_order_relaxed); });
      turn = true;
    }
    if (stop_.load(std::memory_order_relaxed)) return false;
    if (carried_) {
      begin(w, true);
      feed(w, b, bytes, turn);
    }
    w.rd.end_input(w.sink);
    write(w.out);
    if (!w.notes.empty()) {
      bad_ = true;
      report_errors(rep_, w.notes, lines_before_);
    }
    lines_before_ += w.rd.stats().lines;
    bytes_done_ += bytes.size();
    total_.add(w.rd.stats());
    bar_.update(bytes_done_);
    carried_ = w.rd.has_open_message();
    if (carried_) {
      carry_.reset();
      carry_.continue_messages(w.rd);
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (w.rd.stopped() != sandlog::error::ok) stop_.store(true, std::memory_order_relaxed);
    turn_.store(b + 1, std::memory_order_release);
    cv_.notify_all();
    return true;
  }

  // In the turn: writes and empties the buffer. A failure stops the run and
  // wakes the threads waiting for a turn, which this one will not hand on.
  void write(out_buffer& out) {
    if (out.flush(1) || status_ != exit_ok) return;
    io_error("standard output", errno);
    status_ = exit_io;
    std::lock_guard<std::mutex> lock(mu_);
    stop_.store(true, std::memory_order_relaxed);
    cv_.notify_all();
  }

  const options& opt_;
  const render_options& ro_;
  const input_file& in_;
  const sandlog::log_format format_;
  const char* const file_;
  const std::uint64_t block_size_;
  const std::uint64_t nblocks_;
  std::atomic<std::uint64_t> next_{0};  // the next block to take
  std::atomic<std::uint64_t> turn_{0};  // the block whose output goes next
  std::atomic<bool> stop_{false};       // --strict stopped, or writing failed
  std::mutex mu_;                       // with cv_: waiting for a turn
  std::condition_variable cv_;
  // Touched only by the turn holder.
  reader carry_;          // the messages open where the last block ended
  bool carried_ = false;  // whether there are any
  error_reporter rep_;
  std::uint64_t lines_before_ = 0;
  std::uint64_t bytes_done_ = 0;
  run_stats& total_;
  progress_bar bar_;
  bool bad_ = false;
  int status_ = exit_ok;
};

// The block size: default_block_size, or SANDLOG_JOBS_BLOCK (tests use
// small blocks to cut small files in many places), at most 1 TiB so that
// block arithmetic cannot overflow.
inline std::uint64_t jobs_block_size() noexcept {
  const char* env = std::getenv("SANDLOG_JOBS_BLOCK");
  const std::uint64_t n = env ? std::strtoull(env, nullptr, 10) : 0;
  const std::uint64_t most = std::uint64_t{1} << 40;
  return n == 0 ? default_block_size : n < most ? n : most;
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
  block_run run(opt, ro, in, format, static_cast<const char*>(map), jobs_block_size(), total);
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < opt.jobs; ++i) threads.emplace_back([&run] { run.work(); });
  run.work();
  for (std::thread& t : threads) t.join();
  const int status = run.finish();
  munmap(map, map_len);
  return status;
}

}  // namespace sandlog_cli

#endif  // SANDLOG_CLI_PARALLEL_HPP
