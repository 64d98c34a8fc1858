#include "worker_pool.hpp"

#include <algorithm>
#include <cassert>

#if defined(__x86_64__) || defined(__i386__)
#  include <immintrin.h>
#endif

namespace swarm::ml::detail {

namespace {

// Spinning this many rounds (tens of microseconds) catches a partner that
// is running; past that it is probably descheduled, and sleeping frees the
// core for it.
constexpr int spin_rounds = 2000;

// Flushes denormal results and operands to zero while a job runs, as
// TensorFlow's CPU threads do. Otherwise Adam's moments of rarely active
// weights decay into denormals and every operation on them takes a
// microcode assist: training slowed down by 10% and more over an epoch.
class flush_denormals {
public:
  flush_denormals() {
#if defined(__SSE__)
    saved_ = _mm_getcsr();
    _mm_setcsr(saved_ | flush_bits);
#endif
  }

  ~flush_denormals() {
#if defined(__SSE__)
    _mm_setcsr(saved_);
#endif
  }

  flush_denormals(const flush_denormals&) = delete;
  flush_denormals& operator=(const flush_denormals&) = delete;

private:
  // FTZ (bit 15) and DAZ (bit 6) of MXCSR.
  static constexpr unsigned flush_bits = 0x8040;
  unsigned saved_ = 0;
};

void relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

// Returns once `word` no longer holds `old`.
void await_change(const std::atomic<uint32_t>& word, uint32_t old) {
  for (int i = 0; i < spin_rounds; ++i) {
    if (word.load(std::memory_order_acquire) != old)
      return;
    relax();
  }
  while (word.load(std::memory_order_acquire) == old)
    word.wait(old, std::memory_order_acquire);
}

} // namespace

worker_pool& worker_pool::instance() {
  static worker_pool pool;
  return pool;
}

worker_pool::~worker_pool() {
  {
    std::lock_guard<std::mutex> guard{run_mutex_};
    stop_ = true;
    generation_.fetch_add(1, std::memory_order_release);
    generation_.notify_all();
  }
  for (auto& worker : workers_)
    worker.join();
}

void worker_pool::grow(size_t workers) {
  while (workers_.size() < workers) {
    // A new worker waits for the next job, not one that already started.
    const size_t index = workers_.size() + 1;
    const uint32_t seen = generation_.load(std::memory_order_relaxed);
    workers_.emplace_back([this, index, seen] { work(index, seen); });
  }
}

void worker_pool::run(size_t count, const job& fn) {
  std::lock_guard<std::mutex> guard{run_mutex_};
  job_ = &fn;
  count_ = std::max<size_t>(count, 1);
  flush_denormals flush;
  if (count_ == 1) {
    fn(0, 1);
    job_ = nullptr;
    return;
  }
  grow(count - 1);
  // Every worker acknowledges every job, taking part or not, so none is
  // still reading this job's settings when the next one writes them.
  pending_.store(static_cast<uint32_t>(workers_.size()), std::memory_order_relaxed);
  generation_.fetch_add(1, std::memory_order_release);
  generation_.notify_all();
  fn(0, count);
  for (uint32_t left = pending_.load(std::memory_order_acquire); left != 0;
       left = pending_.load(std::memory_order_acquire))
    await_change(pending_, left);
  job_ = nullptr;
}

void worker_pool::work(size_t index, uint32_t seen) {
  flush_denormals flush;
  for (;;) {
    await_change(generation_, seen);
    seen = generation_.load(std::memory_order_acquire);
    if (stop_)
      return;
    if (index < count_)
      (*job_)(index, count_);
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1)
      pending_.notify_one();
  }
}

void worker_pool::sync() {
  assert(job_ != nullptr);
  const uint32_t round = barrier_generation_.load(std::memory_order_acquire);
  if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == count_) {
    arrived_.store(0, std::memory_order_relaxed);
    barrier_generation_.fetch_add(1, std::memory_order_release);
    barrier_generation_.notify_all();
  } else {
    await_change(barrier_generation_, round);
  }
}

} // namespace swarm::ml::detail
