// The lane's sending side: one connection and writer thread per peer,
// dialed on the first envelope for it.

#include <cerrno>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include "lane_frame.hpp"
#include "lane_socket.hpp"
#include "model_lane.hpp"

namespace swarm::transport::detail {

namespace {

// Envelopes waiting for one peer's connection; beyond this, CAF takes them.
constexpr size_t max_queued = 16;

} // namespace

bool model_lane::send(const std::string& name, const std::string& address, lane_frame& frame) {
  std::lock_guard<std::mutex> guard{mutex_};
  if (stopping_)
    return false;
  reap_outbound();
  auto& link = outbound_[{name, address}];
  if (!link)
    link = std::make_unique<outbound>();
  if (clock::now() < link->rest_until || link->queue.size() >= max_queued)
    return false;
  if (!link->running) {
    // The previous writer marked itself stopped and takes the lock no more.
    if (link->thread.joinable())
      link->thread.join();
    link->address = address;
    link->running = true;
    link->busy = true;
    link->thread = std::thread{[this, name, l = link.get()] { write_loop(name, *l); }};
  }
  // Until the connection stands, CAF carries the envelopes: a dial to an
  // address a firewall swallows must not hold a round for its timeout.
  if (!link->connected)
    return false;
  link->queue.push_back(std::move(frame));
  wake_.notify_all();
  return true;
}

void model_lane::write_loop(const std::string& name, outbound& link) {
  block_sigpipe();
  auto ssl = dial(name, link);
  if (!ssl) {
    std::unique_lock<std::mutex> lock{mutex_};
    auto unsent = std::exchange(link.queue, {});
    lock.unlock();
    return fail(name, link, std::move(unsent), ssl.error().message, true, false);
  }
  {
    std::lock_guard<std::mutex> guard{mutex_};
    link.failed_dials = 0;
    link.connected = true;
  }
  for (;;) {
    std::unique_lock<std::mutex> lock{mutex_};
    if (link.busy) {
      link.busy = false;
      // A stop may wait for this (and writers ignore the spurious wake).
      wake_.notify_all();
    }
    if (!wake_.wait_for(lock, std::chrono::milliseconds{cfg_.idle_check_ms},
                        [&] { return stopping_ || !link.queue.empty(); })) {
      // Idle: a peer that stopped or restarted closed its end; this
      // connection is done, quietly.
      // The queue is empty and `send` waits for the lock: nothing is lost.
      if (peer_closed(link)) {
        ::close(link.fd);
        link.fd = -1;
        link.connected = false;
        link.running = false;
        lock.unlock();
        cfg_.log->debug("model lane: {} closed the connection", name);
        return;
      }
      continue;
    }
    if (stopping_)
      break;
    link.busy = true;
    auto frame = std::move(link.queue.front());
    link.queue.pop_front();
    lock.unlock();
    // A peer that closed would swallow one more write without a word (the
    // kernel takes it, the peer answers with a reset): check first, so the
    // envelope goes back rather than nowhere.
    bool gone = peer_closed(link);
    auto st = gone ? status{make_error(errc::io_error, "the peer closed the connection")}
                   : write_frame(ssl->get(), frame);
    if (!st) {
      drop_pending_sigpipe();
      lock.lock();
      auto unsent = std::exchange(link.queue, {});
      lock.unlock();
      unsent.push_front(std::move(frame));
      return fail(name, link, std::move(unsent), st.error().message, false, gone);
    }
  }
  // A close_notify, so the reader sees an orderly end rather than a cut.
  (void)SSL_shutdown(ssl->get());
  drop_pending_sigpipe();
  std::lock_guard<std::mutex> guard{mutex_};
  ::close(link.fd);
  link.fd = -1;
  link.connected = false;
  link.running = false;
}

bool model_lane::peer_closed(const outbound& link) {
  char c = 0;
  auto n = ::recv(link.fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

void model_lane::reap_outbound() {
  auto now = clock::now();
  for (auto i = outbound_.begin(); i != outbound_.end();) {
    auto& link = *i->second;
    if (!link.running && link.queue.empty() && now >= link.rest_until && link.failed_dials == 0) {
      if (link.thread.joinable())
        link.thread.join();
      i = outbound_.erase(i);
    } else {
      ++i;
    }
  }
}

expected<ssl_ptr> model_lane::dial(const std::string& name, outbound& link) {
  std::string address;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    address = link.address;
  }
  auto dialer = lane_socket(address, cfg_.bind_host);
  if (!dialer)
    return dialer.error();
  {
    // Published before the connect, which a stop then cuts short (a
    // shutdown wakes it) instead of waiting out a silent peer's timeout;
    // `fail` closes the socket.
    std::lock_guard<std::mutex> guard{mutex_};
    link.fd = dialer->fd;
    if (stopping_)
      return make_error(errc::io_error, "stopping");
  }
  if (auto st = lane_connect(*dialer, address, cfg_.io_timeout_ms); !st)
    return st.error();
  ssl_ptr ssl{SSL_new(ctx_.get())};
  if (!ssl)
    return make_error(errc::io_error, "cannot set up TLS: " + last_tls_error());
  if (auto st = attach_socket(ssl.get(), dialer->fd); !st)
    return st.error();
  ERR_clear_error();
  if (SSL_connect(ssl.get()) != 1)
    return make_error(errc::invalid_argument,
                      "TLS handshake with " + address + " failed: " + last_tls_error());
  // The certificate must name the peer we mean, not just any node of ours.
  if (auto st = check_peer_name(ssl.get(), name); !st)
    return make_error(errc::invalid_argument, address + ": " + st.error().message);
  if (auto st = write_hello(ssl.get(), self_->name); !st)
    return st.error();
  cfg_.log->info("model lane: connected to {} at {} ({}, {})", name, address,
                 SSL_get_version(ssl.get()), SSL_get_cipher_name(ssl.get()));
  return ssl;
}

void model_lane::fail(const std::string& name, outbound& link, std::deque<lane_frame> unsent,
                      const std::string& why, bool dial_failed, bool peer_gone) {
  std::string address;
  bool stopping = false;
  int64_t rest_ms = cfg_.retry_ms;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (link.fd >= 0)
      ::close(link.fd);
    link.fd = -1;
    link.connected = false;
    if (dial_failed)
      rest_ms <<= std::min(link.failed_dials++, 7);
    link.rest_until = clock::now() + std::chrono::milliseconds{rest_ms};
    address = link.address;
    stopping = stopping_;
  }
  // A peer that closed its end stopped or restarted: news, not a fault.
  auto level = peer_gone ? spdlog::level::info : spdlog::level::warn;
  if (!stopping)
    cfg_.log->log(level,
                  "model lane to {} ({}): {}; CAF's connection carries its models for the "
                  "next {} s{}",
                  name, address, why, rest_ms / 1000.0,
                  unsent.empty() ? std::string{}
                                 : " (" + std::to_string(unsent.size()) + " unsent resent there)");
  for (auto& frame : unsent)
    cfg_.on_undelivered(name, std::move(frame));
  // Last: `send` joins this thread once it sees running == false.
  std::lock_guard<std::mutex> guard{mutex_};
  link.running = false;
}

} // namespace swarm::transport::detail
