#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace swarm::api::detail {

/// A fixed number of threads serving a bounded queue of jobs (one job per
/// accepted connection). When the queue is full, `submit` blocks: the
/// accept loop stops accepting and the kernel's listen backlog absorbs (or
/// refuses) the rest, so a connection flood cannot grow memory or threads.
class worker_pool {
public:
  /// Starts `threads` workers (at least one) with room for `max_queued`
  /// waiting jobs (at least one).
  worker_pool(size_t threads, size_t max_queued);

  /// Calls `shutdown`.
  ~worker_pool();

  worker_pool(const worker_pool&) = delete;
  worker_pool& operator=(const worker_pool&) = delete;

  /// Queues `job`; blocks while the queue is full, unless stopping.
  void submit(std::function<void()> job);

  /// Stops `submit` from blocking, so the accept loop can notice a stop.
  /// Queued jobs still run: each owns a socket that only it will close.
  void begin_stop();

  /// Runs the jobs still queued, then joins the workers. Idempotent.
  void shutdown();

private:
  void run();

  std::mutex mutex_;
  std::condition_variable has_job_;
  std::condition_variable has_room_;
  std::deque<std::function<void()>> jobs_;
  std::vector<std::thread> threads_;
  size_t max_queued_;
  bool stopping_ = false;
  bool finishing_ = false;
};

/// Blocks SIGPIPE in the calling thread: OpenSSL writes to sockets with
/// write(2), and a client that vanishes mid-response must not kill the SN.
/// Per thread, so the process's signal disposition stays the caller's.
void block_sigpipe_in_this_thread();

} // namespace swarm::api::detail
