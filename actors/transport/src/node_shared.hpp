#pragma once

// State shared between the owner's thread (tls_node) and the node actor:
// closures posted for the actor, and the node's final status. No CAF here.

#include <deque>
#include <functional>
#include <future>
#include <mutex>

#include "swarm/common/error.hpp"
#include "swarm/transport/node_delegate.hpp"

namespace swarm::transport::detail {

/// The owner posts closures and waits for the end; the node actor drains
/// the closures and reports the end exactly once.
class node_shared {
public:
  node_shared() : done_(promise_.get_future().share()) {
    // nop
  }

  /// Queues `fn`; returns false once the node has stopped.
  bool post(std::function<void(node_context&)> fn) {
    std::lock_guard<std::mutex> guard{mutex_};
    if (closed_)
      return false;
    posted_.push_back(std::move(fn));
    return true;
  }

  /// Takes every queued closure.
  std::deque<std::function<void(node_context&)>> take_posted() {
    std::lock_guard<std::mutex> guard{mutex_};
    return std::exchange(posted_, {});
  }

  /// Records how the node ended (first call wins) and refuses further posts.
  void finish(status result) {
    std::call_once(finished_, [&] {
      {
        std::lock_guard<std::mutex> guard{mutex_};
        closed_ = true;
        posted_.clear();
      }
      promise_.set_value(std::move(result));
    });
  }

  /// Returns the node's final status, available once it ended.
  const std::shared_future<status>& done() const {
    return done_;
  }

private:
  std::mutex mutex_;
  std::deque<std::function<void(node_context&)>> posted_;
  bool closed_ = false;
  std::once_flag finished_;
  std::promise<status> promise_;
  std::shared_future<status> done_;
};

} // namespace swarm::transport::detail
