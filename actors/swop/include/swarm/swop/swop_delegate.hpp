#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "swarm/membership/state_taskrunner_record.hpp"
#include "swarm/sn/sn_delegate.hpp"
#include "swarm/swop/run_decision.hpp"
#include "swarm/swop/task_executor.hpp"
#include "swarm/transport/node_delegate.hpp"

/// The SWOP (operator agent): joins the overlay through its SN like an SL,
/// enrolls in its profile's taskrunner, and executes the runs it takes.
namespace swarm::swop {

/// How a SWOP runs; `swarm swop` fills it from HPE's flags and the profile.
struct swop_options {
  /// Overlay membership through the SN (type SWOP; seeds = the SN's p2p
  /// address; data directory; state).
  sn::sn_options overlay;
  /// What the executor needs (profile, directories, the SN for the SLs).
  executor_config executor;
  /// Period of rewriting this SWOP's peer entry while nothing changes.
  int64_t peer_refresh_ms = 10'000;
  /// How long an assigned task may be missing from the state (gossip
  /// still on its way) before the run fails here.
  int64_t task_wait_ms = 30'000;
};

/// The SWOP's delegate: the SN overlay logic (SWIM, replicated state) plus
/// the taskrunner watch. All callbacks run on the node's thread; tasks run
/// on the executor's thread.
class swop_delegate : public transport::node_delegate {
public:
  /// Creates a delegate and its executor; nothing is joined before
  /// `on_start`.
  explicit swop_delegate(swop_options opts);

  /// Returns the overlay part (for `leave`, `start_error`).
  sn::sn_delegate& overlay() noexcept {
    return overlay_;
  }

  /// Stops the running task (node thread): its children get stopped, and
  /// this SWOP's entry says FAILED "the SWOP stopped" if a task ran.
  void begin_shutdown(transport::node_context& ctx);

  /// Stops the executor and waits until every child is reaped (any thread
  /// but the node's; after `begin_shutdown`).
  void join_executor();

  void on_start(transport::node_context& ctx) override;
  void on_tick(transport::node_context& ctx, int64_t now_ms) override;
  void on_message(transport::node_context& ctx, const std::string& from,
                  const wire::Envelope& env) override;
  void on_peer_down(transport::node_context& ctx, const std::string& name) override;
  void on_dial_failed(transport::node_context& ctx, const std::string& address,
                      const swarm::error& reason) override;
  void on_stop(transport::node_context& ctx) override;

private:
  void enroll(int64_t now_ms);
  void watch(int64_t now_ms);
  void consider(const membership::taskrunner_record& runner, int64_t now_ms);
  void start_pending(int64_t now_ms);
  void apply(const progress& p);
  void write_entry(int64_t now_ms);

  swop_options opts_;
  sn::sn_delegate overlay_;
  std::unique_ptr<task_executor> executor_;
  membership::taskrunner_peer_record entry_;
  bool enrolled_ = false;
  bool shutting_down_ = false;
  run_tracker tracker_;
  // The run this SWOP executes (or is about to); 0: none.
  uint64_t active_run_ = 0;
  // A run taken whose task has not been started yet (its record may still
  // be on its way), and since when.
  std::optional<membership::taskrunner_record> pending_;
  int64_t pending_since_ms_ = 0;
  int64_t last_write_ms_ = 0;
};

} // namespace swarm::swop
