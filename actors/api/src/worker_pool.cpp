#include "worker_pool.hpp"

#include <algorithm>
#include <csignal>
#include <exception>

#include <pthread.h>

#include "swarm/common/log.hpp"

namespace swarm::api::detail {

void block_sigpipe_in_this_thread() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

worker_pool::worker_pool(size_t threads, size_t max_queued)
  : max_queued_(std::max<size_t>(max_queued, 1)) {
  threads = std::max<size_t>(threads, 1);
  threads_.reserve(threads);
  for (size_t i = 0; i < threads; ++i)
    threads_.emplace_back([this] { run(); });
}

worker_pool::~worker_pool() {
  shutdown();
}

void worker_pool::submit(std::function<void()> job) {
  std::unique_lock lock{mutex_};
  has_room_.wait(lock, [this] { return jobs_.size() < max_queued_ || stopping_; });
  jobs_.push_back(std::move(job));
  has_job_.notify_one();
}

void worker_pool::begin_stop() {
  std::lock_guard guard{mutex_};
  stopping_ = true;
  has_room_.notify_all();
}

void worker_pool::shutdown() {
  {
    std::lock_guard guard{mutex_};
    stopping_ = true;
    finishing_ = true;
    has_room_.notify_all();
    has_job_.notify_all();
  }
  for (auto& t : threads_)
    if (t.joinable())
      t.join();
}

void worker_pool::run() {
  block_sigpipe_in_this_thread();
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock{mutex_};
      has_job_.wait(lock, [this] { return !jobs_.empty() || finishing_; });
      if (jobs_.empty())
        return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
      has_room_.notify_one();
    }
    // A throwing job must cost one connection, not the process.
    try {
      job();
    } catch (const std::exception& e) {
      log::get("swarm.API")->warn("connection handler failed: {}", e.what());
    } catch (...) {
      log::get("swarm.API")->warn("connection handler failed with an unknown exception");
    }
  }
}

} // namespace swarm::api::detail
