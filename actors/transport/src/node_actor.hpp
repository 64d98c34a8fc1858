#pragma once

// The node actor: owns the peer table, runs handshakes, and drives the
// delegate. CAF; private to actors/transport. Split over node_actor.cpp
// (lifecycle, timers, stop), node_inbound.cpp (what peers send) and
// node_outbound.cpp (sending and dialing).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "caf/actor.hpp"
#include "caf/actor_addr.hpp"
#include "caf/event_based_actor.hpp"
#include "caf/io/middleman_actor.hpp"

#include "caf_atoms.hpp"
#include "model_lane.hpp"
#include "node_shared.hpp"
#include "swarm/transport/handshake.hpp"
#include "swarm/transport/node_delegate.hpp"
#include "swarm/transport/tls_node_config.hpp"

namespace spdlog {
class logger;
} // namespace spdlog

namespace swarm::transport::detail {

/// What the node actor is spawned with.
struct node_setup {
  /// The node's configuration (validated).
  tls_node_config cfg;
  /// The checked identity; `listen_address` is filled in at start.
  local_identity self;
  /// The protocol logic.
  std::shared_ptr<node_delegate> delegate;
  /// Posted closures and the final status, shared with the owner.
  std::shared_ptr<node_shared> shared;
  /// Where log lines go.
  std::shared_ptr<spdlog::logger> log;
  /// The TLS middleman actor (dials go through it, never through the
  /// plaintext one).
  caf::io::middleman_actor tls_middleman;
  /// The model lane, or null (tls_node_config::model_lane off).
  std::shared_ptr<model_lane> lane;
};

/// One connection's peer, keyed by its published actor's address (BASP runs
/// one connection per pair of nodes, so this is one per connection).
struct peer_entry {
  /// The peer's published actor (a proxy).
  caf::actor handle;
  /// Where its connection comes from, "ip:port", once BASP told us.
  std::string endpoint;
  /// The address we dialed to reach it; empty if it dialed us.
  std::string dialed;
  /// Its handshake.
  std::unique_ptr<handshake> hs;
  /// Encoded envelopes waiting for it to verify.
  std::vector<std::string> queue;
  /// It failed a check: everything it sends is ignored until it disconnects.
  bool refused = false;
  /// A newer connection proved the same name: this one is ignored.
  bool superseded = false;
  /// Whether its use after being superseded was reported.
  bool reported_twin = false;
  /// Distinguishes handshake deadlines of earlier entries at the same key.
  uint64_t epoch = 0;
  /// Messages rejected so far (log lines are throttled per peer).
  uint64_t rejects = 0;
};

/// A dial under way or scheduled: the envelopes waiting for its connection.
struct pending_dial {
  /// Encoded envelopes, in order.
  std::vector<std::string> queue;
  /// Whether a connect request is out (false while a retry is scheduled).
  bool in_flight = false;
};

class node_actor;

/// The delegate's view of the node actor (node_context's `name()` would
/// clash with CAF's `local_actor::name()`, hence a separate object).
class node_context_impl final : public node_context {
public:
  explicit node_context_impl(node_actor& self) : self_(self) {
    // nop
  }

  const std::string& name() const override;
  const std::string& address() const override;
  int64_t now_ms() const override;
  bool send_to_name(std::string_view name, wire::Envelope env) override;
  void send_to_address(std::string_view address, wire::Envelope env) override;
  void send(std::string_view name, std::string_view address, wire::Envelope env) override;
  void send_attached(std::string_view name, std::string_view address, wire::Envelope env,
                     wire::attached_values values) override;
  void dial(std::string_view address) override;
  std::vector<peer_info> peers() const override;
  bool is_verified(std::string_view name) const override;
  void request_stop() override;

private:
  node_actor& self_;
};

/// The actor. Spawned detached, so the delegate runs on one dedicated
/// thread and a slow callback never blocks CAF's scheduler.
class node_actor : public caf::event_based_actor {
public:
  node_actor(caf::actor_config& cfg, node_setup setup);

  const char* name() const override;

  void on_exit() override;

  caf::behavior make_behavior() override;

  // -- node_context_impl ------------------------------------------------------

  const std::string& node_name() const noexcept {
    return identity_->name;
  }

  const std::string& node_address() const noexcept {
    return identity_->listen_address;
  }

  int64_t clock_ms() const;
  bool send_to_name(std::string_view name, wire::Envelope env);
  void send_to_address(std::string_view address, wire::Envelope env);
  void send_to_peer(std::string_view name, std::string_view address, wire::Envelope env);
  void send_attached(std::string_view name, std::string_view address, wire::Envelope env,
                     wire::attached_values values);
  void dial(std::string_view address);
  std::vector<peer_info> verified_peers() const;
  bool is_verified(std::string_view name) const;
  void request_stop();

private:
  // -- lifecycle (node_actor.cpp) ---------------------------------------------

  caf::behavior running();
  void start(std::string address);
  void on_tick();
  void recheck_identity();
  void run_posted();
  void begin_stop();
  void on_flushed(const caf::actor_addr& from, uint64_t token);
  void finish_stop();
  void fail(swarm::error why);
  void on_down(caf::down_msg& dm);
  void guarded(const char* callback, const std::function<void()>& fn);

  // -- inbound (node_inbound.cpp) ---------------------------------------------

  void on_wire(std::string& bytes);
  /// An envelope (and its attached values) a verified peer sent on the
  /// model lane.
  void on_lane_frame(const std::string& name, lane_delivery& delivery);
  /// A frame the model lane could not send: through CAF instead.
  void on_lane_undelivered(const std::string& name, lane_frame& frame);
  peer_entry& peer_for(const caf::actor& handle);
  void on_envelope(peer_entry& peer, const wire::Envelope& env);
  void apply(peer_entry& peer, handshake_result result);
  void bind_peer(peer_entry& peer);
  /// Warns once if `old`, superseded by a newer connection of the same name,
  /// still sends from another listen address: two nodes share an identity.
  void report_twin(peer_entry& old);
  void refuse(peer_entry& peer, const swarm::error& why, bool send_refusal);
  void on_refusal(peer_entry& peer, const wire::Refusal& x);
  void on_handshake_timeout(const caf::actor_addr& key, uint64_t epoch);
  void reject(peer_entry& peer, const std::string& what);
  std::string unbind(peer_entry& peer);
  void forget(const caf::actor_addr& key, bool report);
  std::string describe(const peer_entry& peer) const;
  peer_info info_of(const peer_entry& peer) const;

  // -- outbound (node_outbound.cpp) -------------------------------------------

  expected<std::string> encode_checked(wire::Envelope& env, std::string_view to);
  /// Queues `frame` on the model lane to `peer` if it is lane-worthy and
  /// the lane's connection stands; false (frame untouched) otherwise.
  bool lane_takes(peer_entry& peer, lane_frame& frame);
  void send_bytes(peer_entry& peer, std::string bytes);
  void hold(std::vector<std::string>& queue, std::string bytes, std::string_view to);
  void start_dial(const std::string& address);
  void on_connected(const std::string& address, caf::strong_actor_ptr& ptr);
  void on_dial_failed(const std::string& address, const swarm::error& why);
  void schedule_redial(const std::string& address, std::vector<std::string> queue,
                       const swarm::error& why);
  void adopt_dial(peer_entry& peer, const std::string& address);
  void on_redial(const std::string& address);
  void request_endpoint(const caf::actor& handle);

  // -- member variables -------------------------------------------------------

  node_setup setup_;
  std::shared_ptr<const local_identity> identity_;
  node_context_impl ctx_;
  caf::actor gateway_;
  std::map<caf::actor_addr, peer_entry> peers_;
  /// Verified name -> its current connection.
  std::map<std::string, caf::actor_addr, std::less<>> names_;
  /// Dialed or announced address -> connection (verified or handshaking).
  std::map<std::string, caf::actor_addr, std::less<>> addresses_;
  /// Dials under way or scheduled, by address.
  std::map<std::string, pending_dial, std::less<>> dials_;
  /// Retries after a connection died during the handshake, by address.
  std::map<std::string, int, std::less<>> redials_;
  /// Dials that failed in a row, per address: a dead peer is redialed on
  /// every send until SWIM buries it, and only the first failure (then every
  /// tenfold) deserves a warning.
  std::map<std::string, uint64_t, std::less<>> failed_dials_;
  /// Spreads retries so two nodes that collided do not collide again.
  std::minstd_rand rng_{std::random_device{}()};
  /// Flushes outstanding during a graceful stop: peer -> token.
  std::map<caf::actor_addr, uint64_t> flushes_;
  uint64_t next_epoch_ = 0;
  int64_t next_identity_check_ms_ = 0;
  bool identity_ok_ = true;
  bool started_ = false;
  bool stopping_ = false;
  status final_status_;
};

} // namespace swarm::transport::detail
