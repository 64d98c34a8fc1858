// A process-wide pool of worker threads for the model's passes and the
// optimizer.
//
// OpenMP's default spin-waiting makes a 2-thread region collapse (10x
// slower in measurements here) as soon as the machine is oversubscribed,
// which is the normal case when several swarm nodes share a host. These
// workers spin only briefly and then sleep on a futex (std::atomic::wait).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace swarm::ml::detail {

/// Runs one job at a time on several threads, the caller being one of them.
class worker_pool {
public:
  /// The job: called once per thread with (index, count), index 0 on the
  /// calling thread.
  using job = std::function<void(size_t, size_t)>;

  /// Returns the process-wide pool.
  static worker_pool& instance();

  ~worker_pool();

  /// Runs `fn` on `count` threads and returns when all have finished. Calls
  /// from several threads are serialized; `fn` must not call `run` again.
  void run(size_t count, const job& fn);

  /// Waits until all threads of the running job have called `sync`; only
  /// inside a job.
  void sync();

private:
  worker_pool() = default;
  void work(size_t index, uint32_t seen);
  void grow(size_t workers);

  std::mutex run_mutex_;
  std::vector<std::thread> workers_;
  // Bumped to start a job (or to stop the workers).
  std::atomic<uint32_t> generation_{0};
  // Workers that have not yet finished with the current job.
  std::atomic<uint32_t> pending_{0};
  // Barrier state for `sync`.
  std::atomic<uint32_t> arrived_{0};
  std::atomic<uint32_t> barrier_generation_{0};
  const job* job_ = nullptr;
  size_t count_ = 1;
  bool stop_ = false;
};

} // namespace swarm::ml::detail
