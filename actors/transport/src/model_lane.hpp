#pragma once

// The model lane: a second mutual-TLS listener beside CAF's, on which peers
// send model-sized envelopes (SL check-ins, 1.6 MB for MNIST) straight
// through OpenSSL. Through CAF, such an envelope is copied by BASP into its
// write buffer, again into a worker's buffer and once more into the
// message, and waits for the multiplexer between each step: about 4.5 ms
// per 1.6 MB on loopback, half of a two-node round. Here a writer thread
// encrypts the bytes as they are and a reader thread decrypts them into
// the buffers that reach the node actor; a model's values travel beside
// their envelope (lane_frame.hpp), from the sender's model and into the
// receiver's without a copy.
//
// Each connection carries one direction: the sender dials, proves its
// certificate in TLS (both sides verify against the node's trust store),
// names itself in a hello that must match that certificate, then sends
// length-prefixed envelopes. The lane takes envelopes for a peer only
// while its connection stands (CAF carries them during the dial); a failed
// write hands the unsent ones back (`on_undelivered`) so the node sends
// them through CAF, and the lane to that peer rests for `retry_ms`. No CAF
// here.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lane_frame.hpp"
#include "lane_tls.hpp"
#include "swarm/common/error.hpp"

namespace spdlog {
class logger;
} // namespace spdlog

namespace swarm::transport::detail {

/// How a lane runs and whom it tells.
struct lane_config {
  /// Host to listen on ("0.0.0.0" for all interfaces).
  std::string bind_host;
  /// Port to listen on; 0 lets the OS pick.
  uint16_t port = 0;
  /// Largest envelope accepted; a peer announcing more is dropped.
  size_t max_frame_bytes = 0;
  /// Bound on connecting, the TLS handshake, the hello and each write.
  int64_t io_timeout_ms = 5000;
  /// How long the lane to a peer rests after a failure (CAF carries its
  /// envelopes meanwhile); doubled for each further failed dial, up to
  /// 128 times.
  int64_t retry_ms = 5000;
  /// How often an idle writer checks whether its peer closed.
  int64_t idle_check_ms = 1000;
  /// Most inbound connections at once (each has a thread).
  size_t max_inbound = 64;
  /// Called on a reader thread with each frame a proven peer sent; an
  /// error drops that peer's connection (and is logged).
  std::function<status(std::string name, lane_frame_in frame)> on_frame;
  /// Called on a writer thread with each frame the lane could not send.
  std::function<void(std::string name, lane_frame frame)> on_undelivered;
  /// Where log lines go (required).
  std::shared_ptr<spdlog::logger> log;
};

/// One node's model lane: its listener, the connections peers opened to
/// it, and the ones it opened to peers. Thread-safe.
class model_lane {
public:
  /// Binds the listener and starts accepting.
  static expected<std::unique_ptr<model_lane>> start(std::shared_ptr<const local_identity> self,
                                                     lane_config cfg);

  /// Stops: closes every connection and joins every thread; no callback
  /// runs after it returns, and `send` returns false. Idempotent.
  void stop();

  /// Stops.
  ~model_lane();

  model_lane(const model_lane&) = delete;
  model_lane& operator=(const model_lane&) = delete;

  /// Returns the port the listener is bound to.
  uint16_t port() const noexcept { return port_; }

  /// Queues `frame` for the peer `name` reachable at `address` (its lane
  /// address) and returns true once a connection to it stands; returns
  /// false, leaving `frame` untouched, while it does not: the first call
  /// starts a dial, and after a failure the lane to that address rests.
  bool send(const std::string& name, const std::string& address, lane_frame& frame);

private:
  using clock = std::chrono::steady_clock;

  /// A connection a peer opened to this node, served by its own thread.
  struct inbound {
    int fd = -1;
    bool done = false;
    std::thread thread;
  };

  /// The connection to one peer, its writer thread, and what waits for it.
  struct outbound {
    std::string address;
    std::deque<lane_frame> queue;
    std::thread thread;
    bool running = false;
    /// The connection stands (dialed, TLS done, hello sent).
    bool connected = false;
    /// Dialing or writing (not waiting for an envelope): a stop waits a
    /// moment for it, then cuts the socket.
    bool busy = false;
    int fd = -1;
    /// Until then, `send` refuses (the lane failed).
    clock::time_point rest_until{};
    /// Dials in a row that failed: each doubles the rest, so an address a
    /// firewall swallows costs a round a dial timeout rarely, not often.
    int failed_dials = 0;
  };

  model_lane(std::shared_ptr<const local_identity> self, lane_config cfg, ssl_ctx_ptr ctx,
             int listen_fd, uint16_t port);

  void accept_loop();
  void serve(inbound& conn);
  status read_frames(SSL* ssl, const std::string& name);
  void write_loop(const std::string& name, outbound& link);
  expected<ssl_ptr> dial(const std::string& name, outbound& link);
  void fail(const std::string& name, outbound& link, std::deque<lane_frame> unsent,
            const std::string& why, bool dial_failed, bool peer_gone);
  void reap_inbound();
  void reap_outbound();
  bool peer_closed(const outbound& link);
  bool stopping();

  std::shared_ptr<const local_identity> self_;
  lane_config cfg_;
  ssl_ctx_ptr ctx_;
  int listen_fd_;
  uint16_t port_;
  std::thread acceptor_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<std::unique_ptr<inbound>> inbound_;
  /// By peer name and lane address: a peer that restarted elsewhere gets
  /// a new connection, and the old one ends when its process is gone.
  std::map<std::pair<std::string, std::string>, std::unique_ptr<outbound>> outbound_;
};

} // namespace swarm::transport::detail
