#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <thread>

#include "swarm/mlsl/channel.hpp"
#include "swarm/sl/sl_delegate.hpp"
#include "swarm/transport/tls_node.hpp"

namespace swarm::sl {

/// Carries one ML's channel into an SL node: waits for the ML to connect,
/// then reads its messages on this thread and hands each to the delegate
/// on the node's thread. Sends happen on the node's thread (the channel
/// allows one reader and one writer).
class ml_link {
public:
  /// Starts accepting on `listener`; an ML that does not connect within
  /// `accept_timeout_ms` ends the session with an error.
  ml_link(mlsl::ml_listener listener, int accept_timeout_ms, transport::tls_node& node,
          std::shared_ptr<sl::sl_delegate> delegate);

  /// Reads from an already connected channel (the SL's end of an embedded
  /// SL's in-process pair).
  ml_link(mlsl::ml_channel channel, transport::tls_node& node,
          std::shared_ptr<sl::sl_delegate> delegate);

  /// Stops reading and joins the thread.
  ~ml_link();

  ml_link(const ml_link&) = delete;
  ml_link& operator=(const ml_link&) = delete;

private:
  void run(int accept_timeout_ms);
  void read(std::shared_ptr<mlsl::ml_channel> channel);

  std::optional<mlsl::ml_listener> listener_;
  std::shared_ptr<mlsl::ml_channel> connected_;
  transport::tls_node& node_;
  std::shared_ptr<sl::sl_delegate> delegate_;
  std::atomic<bool> stopping_{false};
  // The channel being read, for the destructor to wake (atomic_load/store).
  std::shared_ptr<mlsl::ml_channel> reading_;
  std::thread thread_;
};

} // namespace swarm::sl
