#include "model_lane.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include "lane_frame.hpp"
#include "lane_socket.hpp"

namespace swarm::transport::detail {

namespace {

// How often the acceptor looks up from poll to notice a stop.
constexpr int accept_poll_ms = 200;

// How long a stop waits for writers to finish the frame at hand.
constexpr int64_t stop_grace_ms = 500;

} // namespace

expected<std::unique_ptr<model_lane>> model_lane::start(std::shared_ptr<const local_identity> self,
                                                        lane_config cfg) {
  auto ctx = make_lane_context(*self);
  if (!ctx)
    return ctx.error();
  uint16_t port = 0;
  auto fd = lane_listen(cfg.bind_host, cfg.port, port);
  if (!fd)
    return fd.error();
  std::unique_ptr<model_lane> lane{
    new model_lane(std::move(self), std::move(cfg), std::move(*ctx), *fd, port)};
  lane->acceptor_ = std::thread{[l = lane.get()] { l->accept_loop(); }};
  return lane;
}

model_lane::model_lane(std::shared_ptr<const local_identity> self, lane_config cfg, ssl_ctx_ptr ctx,
                       int listen_fd, uint16_t port)
    : self_(std::move(self)), cfg_(std::move(cfg)), ctx_(std::move(ctx)), listen_fd_(listen_fd),
      port_(port) {}

model_lane::~model_lane() { stop(); }

void model_lane::stop() {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (stopping_)
      return;
    stopping_ = true;
    // Wakes threads blocked in a read or write on these sockets.
    for (auto& conn : inbound_)
      if (conn->fd >= 0)
        ::shutdown(conn->fd, SHUT_RDWR);
    // A dial would wait for its timeout.
    for (auto& [name, link] : outbound_)
      if (link->fd >= 0 && !link->connected)
        ::shutdown(link->fd, SHUT_RDWR);
  }
  wake_.notify_all();
  {
    // Writers finish the frame at hand and close with a close_notify; one
    // stuck on a peer that reads nothing is cut after a grace period.
    std::unique_lock<std::mutex> lock{mutex_};
    auto idle = [&] {
      return std::none_of(outbound_.begin(), outbound_.end(),
                          [](const auto& kv) { return kv.second->busy; });
    };
    if (!wake_.wait_for(lock, std::chrono::milliseconds{stop_grace_ms}, idle))
      for (auto& [name, link] : outbound_)
        if (link->fd >= 0 && link->busy)
          ::shutdown(link->fd, SHUT_RDWR);
  }
  if (acceptor_.joinable())
    acceptor_.join();
  ::close(listen_fd_);
  // No thread adds connections once the acceptor is gone and stopping_ is
  // set, so these lists no longer change.
  for (auto& conn : inbound_)
    if (conn->thread.joinable())
      conn->thread.join();
  for (auto& [name, link] : outbound_)
    if (link->thread.joinable())
      link->thread.join();
}

void model_lane::accept_loop() {
  block_sigpipe();
  for (;;) {
    pollfd p{listen_fd_, POLLIN, 0};
    int ready = ::poll(&p, 1, accept_poll_ms);
    std::lock_guard<std::mutex> guard{mutex_};
    if (stopping_)
      return;
    reap_inbound();
    if (ready <= 0)
      continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0)
      continue;
    if (inbound_.size() >= cfg_.max_inbound) {
      cfg_.log->warn("model lane: refused a connection from {}: {} connections are open",
                     peer_of(fd), inbound_.size());
      ::close(fd);
      continue;
    }
    auto conn = std::make_unique<inbound>();
    conn->fd = fd;
    conn->thread = std::thread{[this, c = conn.get()] { serve(*c); }};
    inbound_.push_back(std::move(conn));
  }
}

bool model_lane::stopping() {
  std::lock_guard<std::mutex> guard{mutex_};
  return stopping_;
}

void model_lane::reap_inbound() {
  for (auto i = inbound_.begin(); i != inbound_.end();) {
    if ((*i)->done) {
      (*i)->thread.join();
      i = inbound_.erase(i);
    } else {
      ++i;
    }
  }
}

void model_lane::serve(inbound& conn) {
  block_sigpipe();
  auto from = peer_of(conn.fd);
  // Bounded until the peer proved who it is; unbounded reads after, as a
  // lane may idle between rounds.
  set_io_timeouts(conn.fd, cfg_.io_timeout_ms, cfg_.io_timeout_ms);
  ssl_ptr ssl{SSL_new(ctx_.get())};
  std::string name;
  status result;
  if (!ssl) {
    result = make_error(errc::io_error, "cannot set up TLS: " + last_tls_error());
  } else if (auto attached = attach_socket(ssl.get(), conn.fd); !attached) {
    result = attached;
  } else if (ERR_clear_error(), SSL_accept(ssl.get()) != 1) {
    result = make_error(errc::invalid_argument, "TLS handshake failed: " + last_tls_error());
  } else if (auto hello = read_hello(ssl.get()); !hello) {
    result = hello.error();
  } else if (auto st = check_peer_name(ssl.get(), *hello); !st) {
    result =
      make_error(errc::invalid_argument, "claims to be " + *hello + ", but " + st.error().message);
  } else {
    name = std::move(*hello);
    set_io_timeouts(conn.fd, cfg_.io_timeout_ms, 0);
    cfg_.log->debug("model lane: {} connected from {}", name, from);
    result = read_frames(ssl.get(), name);
  }
  drop_pending_sigpipe();
  if (name.empty())
    cfg_.log->warn("model lane: refused a connection from {}: {}", from, result.error().message);
  else if (result.error().message == "closed")
    cfg_.log->debug("model lane: {} closed its connection from {}", name, from);
  else if (!stopping())
    cfg_.log->info("model lane: dropped {}'s connection from {}: {}", name, from,
                   result.error().message);
  std::lock_guard<std::mutex> guard{mutex_};
  ::close(conn.fd);
  conn.fd = -1;
  conn.done = true;
}

status model_lane::read_frames(SSL* ssl, const std::string& name) {
  for (;;) {
    auto frame = read_frame(ssl, cfg_.max_frame_bytes);
    if (!frame)
      return frame.error();
    if (auto st = cfg_.on_frame(name, std::move(*frame)); !st)
      return st;
  }
}

} // namespace swarm::transport::detail
