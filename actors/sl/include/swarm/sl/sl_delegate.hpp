#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "swarm/merge/round_coordinator.hpp"
#include "swarm/mlsl/channel.hpp"
#include "swarm/mlsl/shared_weights.hpp"
#include "swarm/sl/delivery_flow.hpp"
#include "swarm/sl/round_store.hpp"
#include "swarm/sn/sn_delegate.hpp"
#include "swarm/transport/node_delegate.hpp"
#include "swarm/wire/round_convert.hpp"

/// The SL (learning node): merge rounds with the other SLs of a training
/// contract, on behalf of one ML (DESIGN.md, A merge round).
namespace swarm::sl {

/// How an SL runs; the launcher fills it from HPE's flags and environment.
struct sl_options {
  /// Overlay membership through the SN (type SL, seeds = the SN's p2p
  /// address, data directory, state).
  sn::sn_options overlay;
  /// Round tunables from the environment (SL_* variables); `min_peers` and
  /// the merge method come from the ML's session.
  merge::round_config rounds;
  /// How long the SL keeps serving its peers after the final round (they
  /// may still need its catch-up answers) before it reports `finished`.
  int64_t linger_after_final_ms = 3'000;
  /// Where the SL keeps its round state (`rounds/<contract>/`, see
  /// round_store) besides the overlay's.
  std::filesystem::path data_dir;
};

/// Builds the options of an SL listening on `host`:`fs_port` that joins
/// through the SN at `sn_address` ("host:port") and keeps its identity,
/// overlay state and round state in `data_dir` (loading a previous overlay
/// state from it).
expected<sl_options> make_sl_options(const std::string& host, uint16_t fs_port,
                                     const std::string& sn_address,
                                     const std::filesystem::path& data_dir,
                                     merge::round_config rounds);

/// Returns the node name of a round identity ("SL-1~1f2e..." -> "SL-1").
std::string node_of(const std::string& round_id);

/// The SL's delegate: the SN overlay logic (SWIM, replicated state) plus
/// the merge rounds and the ML session. All callbacks run on the node's
/// thread; the launcher feeds ML frames in with `on_ml_frame` through
/// `tls_node::post`.
class sl_delegate : public transport::node_delegate {
public:
  /// Creates a delegate; nothing happens before `on_start`.
  explicit sl_delegate(sl_options opts);

  /// Connects the ML's channel (its SL end); frames from it arrive through
  /// `on_ml_frame`. Node thread only.
  void attach_ml(std::shared_ptr<mlsl::ml_channel> channel);

  /// Handles one message from the ML. Node thread only.
  void on_ml_frame(transport::node_context& ctx, const mlsl::frame& f);

  /// The ML's channel broke or the ML exited: ends the session. Node thread.
  void on_ml_gone(transport::node_context& ctx, const std::string& why);

  /// Returns where the session stands.
  session_phase phase() const noexcept {
    return flow_.phase();
  }

  /// Returns whether the session ended and the linger time after the final
  /// round passed (the launcher then stops the node).
  bool finished(int64_t now_ms) const noexcept;

  /// Returns the error that ended the session, if one did.
  const std::optional<std::string>& failure() const noexcept {
    return failure_;
  }

  /// Returns the overlay part (for `leave`, `start_error`).
  sn::sn_delegate& overlay() noexcept {
    return overlay_;
  }

  void on_start(transport::node_context& ctx) override;
  void on_tick(transport::node_context& ctx, int64_t now_ms) override;
  void on_message(transport::node_context& ctx, const std::string& from,
                  const wire::Envelope& env) override;
  /// Takes a model's values that came beside their envelope without a copy.
  void on_attached(transport::node_context& ctx, const std::string& from,
                   const wire::Envelope& env, wire::received_values values) override;
  void on_peer_down(transport::node_context& ctx, const std::string& name) override;
  void on_dial_failed(transport::node_context& ctx, const std::string& address,
                      const swarm::error& reason) override;
  void on_stop(transport::node_context& ctx) override;

private:
  // sl_delegate.cpp: peers of the contract, round messages.
  void on_round(transport::node_context& ctx, const std::string& from,
                const wire::RoundMessage& msg, wire::received_values* attached = nullptr);
  void enroll(transport::node_context& ctx, int64_t now_ms);
  void update_peers(int64_t now_ms);
  void note_members(int64_t now_ms);
  void flush(transport::node_context& ctx);
  std::string address_of(const std::string& name) const;
  void report_stall(int64_t now_ms);

  // sl_session.cpp: the ML protocol.
  void open_session(transport::node_context& ctx, const mlsl::frame& f);
  void adopt_shared_weights(const mlsl::OpenSessionRequest& req, const mlsl::frame& f);
  void sync_request(transport::node_context& ctx, const mlsl::frame& f, bool close);
  void loss_response(transport::node_context& ctx, const mlsl::frame& f);
  void on_round_event(transport::node_context& ctx, const merge::round_event& ev);
  void run(std::vector<delivery_action> actions);
  void send_model(const merge::round_event& ev);
  void send_sync_response(bool final);
  void send_close_response(const merge::round_event& last);
  /// Returns what a majority stall means when an absent elector's SL runs
  /// again under a new boot id (empty otherwise).
  std::string restart_hint(const merge::round_stall& stall) const;
  void fail_session(const std::string& why, int code);
  void lose_ml(const std::string& why);
  uint32_t next_interval(float loss);

  // sl_records.cpp: the round record a leader writes.
  void write_record(const merge::round_event& ev);

  // sl_round_state.cpp: the saved round state.
  static std::string new_round_id(const transport::node_context& ctx);
  status open_rounds(transport::node_context& ctx, const merge::round_config& cfg);
  void start_afresh(transport::node_context& ctx, const std::string& why);
  bool save_round_state(const merge::round_hard_state& state);
  void prewrite_model(const merge::digested_model& x);
  void stop_rounds(const std::string& why);

  sl_options opts_;
  sn::sn_delegate overlay_;
  std::shared_ptr<mlsl::ml_channel> ml_;
  // The ML's shared region for model values, if it offered one we mapped.
  std::optional<mlsl::shared_weights> shared_;
  std::optional<merge::round_coordinator> coord_;
  // The contract's saved round state, and the coordinator's settings.
  std::optional<round_store> store_;
  merge::round_config round_cfg_;
  // Whether coord_ resumed from a saved state (until the ML's first sync
  // shows that its model fits the saved one).
  bool resumed_ = false;
  // A save failed: nothing more leaves this SL's coordinator.
  bool store_failed_ = false;
  wire::round_encoder encoder_;
  std::string contract_;
  std::string merge_method_ = "mean";
  merge::train_end_mode end_mode_ = merge::train_end_mode::snapshot;
  // This node's round identity: its name, "~", a boot id (see round.proto),
  // kept across restarts with the saved round state.
  std::string self_id_;
  // Node name -> its current round identity, for the SLs of the contract.
  std::map<std::string, std::string> coord_of_;
  std::set<std::string> peers_given_;
  // Every overlay member seen so far, and when the last new one appeared:
  // round 1 waits for discovery to settle (round_config::discovery_settle_ms).
  std::set<std::string> members_seen_;
  int64_t last_member_found_ms_ = 0;
  int64_t last_enroll_ms_ = -1'000'000;
  // Members asked to enroll since the last interval began.
  std::set<std::string> enroll_asked_;
  // The way back to the ML: which model it loads next, when a sync ends.
  delivery_flow flow_;
  std::optional<std::string> failure_;
  uint64_t session_id_ = 0;
  uint64_t sync_seq_ = 0;
  // Whether the ML has synced in this session (its first sync may start
  // from a model committed before it).
  bool synced_ = false;
  uint64_t loss_seq_ = 0;
  uint32_t sync_interval_ = 0;
  uint32_t current_interval_ = 0;
  bool adaptive_ = false;
  float best_loss_ = 0.0f;
  bool has_best_loss_ = false;
  uint32_t node_weightage_ = 1;
  merge::checkin_info last_info_;
  std::optional<int64_t> ended_ms_;
  int64_t now_ms_ = 0;
  // Since when the coordinator waits in a round, and the last stall logged.
  std::optional<int64_t> waiting_since_ms_;
  int64_t stall_logged_ms_ = 0;
  std::string stall_logged_;
};

} // namespace swarm::sl
