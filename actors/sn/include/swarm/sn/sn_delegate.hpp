#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/membership/config.hpp"
#include "swarm/membership/prng.hpp"
#include "swarm/membership/state_identity.hpp"
#include "swarm/membership/state_swarm.hpp"
#include "swarm/membership/state_sync.hpp"
#include "swarm/membership/swim.hpp"
#include "swarm/sn/sn_provider.hpp"
#include "swarm/sn/sn_rounds.hpp"
#include "swarm/sn/sn_tasks.hpp"
#include "swarm/transport/node_delegate.hpp"

namespace swarm::sn {

/// How an SN runs its overlay; the launcher fills it from HPE's flags.
struct sn_options {
  /// Whether this SN bootstraps the overlay (HPE's `--sentinel`).
  bool sentinel = false;
  /// The kind of node this delegate registers: an SN (the sentinel flag
  /// picks SENTINEL) or an SL, which joins the overlay through its SN to
  /// share the replicated state.
  membership::node_type type = membership::node_type::sn;
  /// SL file-server port (`--sl-fs-port`), for an SL's node record.
  uint16_t fs_port = 0;
  /// Host this SN is reachable at (HPE's `--host-ip`), for its node record.
  std::string host;
  /// Peer-to-peer port (`--sn-p2p-port`), for its node record.
  uint16_t p2p_port = 30303;
  /// API port (`--sn-api-port`), for its node record.
  uint16_t api_port = 30304;
  /// Addresses ("host:port") to join through; empty for the sentinel.
  std::vector<std::string> seeds;
  /// Where the identity and the state snapshot live (`--data-dir`).
  std::filesystem::path data_dir;
  /// The state loaded from `data_dir` (empty on a first start).
  membership::swarm_state state;
  /// SWIM tunables. Default: `lan_defaults()`.
  membership::config swim_config = membership::lan_defaults();
  /// Seeds SWIM's and anti-entropy's random choices.
  uint64_t rng_seed = 0;
  /// Period of refreshing the own record's last-seen time. Default: 10 s.
  int64_t refresh_interval_ms = 10'000;
  /// Period of state anti-entropy with one random member. Default: 2 s.
  int64_t anti_entropy_interval_ms = 2'000;
  /// Period of saving the state to `data_dir`. Default: 15 s.
  int64_t save_interval_ms = 15'000;
  /// Members that get a local state change pushed at once, and that a node
  /// passes news on to when it first learns it. Default: 3.
  size_t push_fanout = 3;
};

/// The SN's protocol logic: SWIM membership and the replicated state (node
/// registry, round records) over a `tls_node`. All callbacks run on the
/// node's thread; only `provider()` is shared with other threads.
class sn_delegate : public transport::node_delegate {
public:
  /// Creates a delegate; nothing happens before `on_start`.
  explicit sn_delegate(sn_options opts);

  /// Returns the snapshot the API server answers from.
  std::shared_ptr<sn_provider> provider() const {
    return provider_;
  }

  /// Returns why the SN could not start (e.g. an unusable data directory),
  /// once `on_start` has run; the node stops itself then.
  const std::optional<swarm::error>& start_error() const noexcept {
    return start_error_;
  }

  /// Returns the SN's identity (valid after a successful `on_start`).
  const membership::node_identity& identity() const noexcept {
    return identity_;
  }

  /// Leaves the overlay gracefully (call on the node thread, e.g. through
  /// `tls_node::post`); the node keeps running so the departure spreads.
  void leave(transport::node_context& ctx);

  /// Leaves as `leave` does, and calls `on_departed` once on the node
  /// thread when the members told of it acknowledged
  /// (`swim::departure_confirmed`): at once if they already had, or if
  /// there is nobody to tell.
  void leave(transport::node_context& ctx, std::function<void()> on_departed);

  /// Returns whether a seed answered (always true for the sentinel).
  bool joined() const noexcept;

  /// Returns the replicated state (node thread only).
  membership::swarm_state& state() noexcept {
    return opts_.state;
  }

  /// Queues a local change of the state for gossip (node thread only).
  void share(membership::state_update update) {
    outbox_.push_back(std::move(update));
  }

  /// Returns the names and addresses of the members SWIM considers alive or
  /// suspect, this node excluded (node thread only).
  std::vector<membership::peer> live_members() const;

  void on_start(transport::node_context& ctx) override;
  void on_tick(transport::node_context& ctx, int64_t now_ms) override;
  void on_message(transport::node_context& ctx, const std::string& from,
                  const wire::Envelope& env) override;
  void on_dial_failed(transport::node_context& ctx, const std::string& address,
                      const swarm::error& reason) override;
  void on_stop(transport::node_context& ctx) override;

private:
  void flush_swim(transport::node_context& ctx);
  void on_swim_event(const membership::membership_event& ev);
  void write_own_record();
  membership::node_uuid parent_sn() const;
  void mark_member(const std::string& name, membership::node_status status);
  void push_updates(transport::node_context& ctx);
  void start_anti_entropy(transport::node_context& ctx);
  void on_state(transport::node_context& ctx, const std::string& from,
                const wire::StateSync& msg);
  void send_state(transport::node_context& ctx, const membership::peer& to, bool reply,
                  const membership::state_summary* summary,
                  const std::vector<membership::state_update>& updates, bool rumor = false);
  void spread(transport::node_context& ctx, const std::vector<membership::state_update>& news,
              const std::string& except);
  void save();
  void publish();
  // Runs the changes the API queued (sn_tasks.cpp).
  void apply_changes(transport::node_context& ctx);

  sn_options opts_;
  std::shared_ptr<sn_provider> provider_;
  std::optional<swarm::error> start_error_;
  membership::node_identity identity_;
  std::optional<membership::swim> swim_;
  membership::prng rng_;
  // Republishes the round records when they change.
  round_publisher rounds_;
  // Republishes the state for the task routes when it changes.
  state_publisher states_;
  // Local changes not yet pushed to peers.
  std::vector<membership::state_update> outbox_;
  int64_t started_ms_ = 0;
  int64_t last_refresh_ms_ = 0;
  int64_t last_anti_entropy_ms_ = 0;
  int64_t last_save_ms_ = 0;
  int64_t last_dial_log_ms_ = -1'000'000;
  membership::swim_stats seen_stats_;
  bool join_logged_ = false;
  // Called once the departure is confirmed (see leave).
  std::function<void()> on_departed_;
};

} // namespace swarm::sn
