#include "swarm/sl/ml_link.hpp"

#include <chrono>

namespace swarm::sl {

namespace {

// Reads wake up this often to notice a shutdown (a blocked recv cannot be
// interrupted portably by closing the socket from another thread).
constexpr int poll_ms = 250;

} // namespace

ml_link::ml_link(mlsl::ml_listener listener, int accept_timeout_ms, transport::tls_node& node,
                 std::shared_ptr<sl::sl_delegate> delegate)
  : listener_(std::move(listener)), node_(node), delegate_(std::move(delegate)) {
  thread_ = std::thread{[this, accept_timeout_ms] { run(accept_timeout_ms); }};
}

ml_link::ml_link(mlsl::ml_channel channel, transport::tls_node& node,
                 std::shared_ptr<sl::sl_delegate> delegate)
  : connected_(std::make_shared<mlsl::ml_channel>(std::move(channel))), node_(node),
    delegate_(std::move(delegate)) {
  node_.post([d = delegate_, c = connected_](transport::node_context&) { d->attach_ml(c); });
  thread_ = std::thread{[this] { read(connected_); }};
}

ml_link::~ml_link() {
  stopping_ = true;
  // Wakes the reader if it blocks in a receive; the ML sees the SL go.
  if (auto c = std::atomic_load(&reading_))
    c->shutdown();
  if (thread_.joinable())
    thread_.join();
}

void ml_link::run(int accept_timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds{accept_timeout_ms};
  std::shared_ptr<mlsl::ml_channel> channel;
  while (!stopping_ && !channel) {
    auto accepted = listener_->accept(poll_ms);
    if (accepted) {
      channel = std::make_shared<mlsl::ml_channel>(std::move(*accepted));
    } else if (std::chrono::steady_clock::now() >= deadline) {
      auto why = "no ML connected to " + listener_->path().string() + " within "
                 + std::to_string(accept_timeout_ms / 1000) + " s";
      node_.post([d = delegate_, why](transport::node_context& ctx) { d->on_ml_gone(ctx, why); });
      return;
    }
  }
  if (!channel)
    return;
  node_.post([d = delegate_, channel](transport::node_context&) { d->attach_ml(channel); });
  read(std::move(channel));
}

void ml_link::read(std::shared_ptr<mlsl::ml_channel> channel) {
  std::atomic_store(&reading_, channel);
  if (stopping_)
    return;
  // Blocking reads: a message may take long to arrive in full from a busy
  // ML, and the destructor wakes a blocked read with `shutdown`.
  while (!stopping_) {
    auto f = channel->receive(-1);
    if (!f) {
      if (stopping_)
        return;
      auto why = f.error().message;
      node_.post([d = delegate_, why](transport::node_context& ctx) { d->on_ml_gone(ctx, why); });
      return;
    }
    auto shared = std::make_shared<mlsl::frame>(std::move(*f));
    if (!node_.post([d = delegate_, shared](transport::node_context& ctx) {
          d->on_ml_frame(ctx, *shared);
        }))
      return;
  }
}

} // namespace swarm::sl
