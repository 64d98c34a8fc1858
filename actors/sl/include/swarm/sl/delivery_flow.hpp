#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "swarm/merge/round_coordinator.hpp"

namespace swarm::sl {

/// Where an ML session stands.
enum class session_phase : uint8_t {
  /// No ML has opened a session yet.
  idle,
  /// The ML trains; no request is pending.
  training,
  /// A SyncRequest waits for its round.
  syncing,
  /// A LossRequest with a merged model waits for the ML's answer.
  loss_pending,
  /// The ML loaded (and evaluated) the value this node proposed or
  /// accepted; the round's commit decides whether it stays.
  awaiting_commit,
  /// The ML finished its epochs (CloseSession) and waits for the final round.
  closing,
  /// The session ended (final model delivered, killed, or failed).
  ended,
};

/// One thing the SL must tell its ML, in order.
struct delivery_action {
  /// What to send.
  enum class kind : uint8_t {
    /// The event's model, in a LossRequest.
    load,
    /// SyncResponse; `final` says the swarm's training is over.
    end_sync,
    /// CloseSessionResponse: the ML holds the final model (`event`).
    end_session,
  };

  /// What to send.
  kind what = kind::load;
  /// The round whose model goes to the ML (`load`) or was the last
  /// (`end_session`).
  merge::round_event event;
  /// For `end_sync`: whether the swarm's training is over.
  bool final = false;
};

/// The way back to the ML as a pure state machine: which round's model the
/// ML loads next, and when a sync and the session end. No sockets and no
/// clock: `sl_delegate` feeds it the ML's requests and the coordinator's
/// round events and sends what the returned actions say.
///
/// The rule it keeps: a sync never ends before its round committed, and the
/// last model the ML loaded before SyncResponse is the committed one. A
/// tentative value (proposed or accepted here, not yet committed) is loaded
/// early so that the ML evaluates it while the commit is on its way; if a
/// different value commits, the ML loads that one too before the sync ends.
class delivery_flow {
public:
  /// Returns where the session stands.
  session_phase phase() const noexcept {
    return phase_;
  }

  /// The ML opened its session: it trains until its first sync.
  void open();

  /// The session ended (killed, failed, or the ML is gone).
  void end();

  /// The ML sent SyncRequest (or, with `close`, CloseSessionRequest) while
  /// training. If the final round already committed without this node, the
  /// ML loads the final model at once.
  std::vector<delivery_action> begin_sync(bool close);

  /// Hands `ev`'s model to the syncing ML now, e.g. the latest committed
  /// model to an ML whose first sync comes after rounds it missed.
  std::vector<delivery_action> load(merge::round_event ev);

  /// A round event from the coordinator (not `refused`): `open_round` is
  /// the round after the last committed one, the only round a tentative
  /// value may belong to.
  std::vector<delivery_action> on_round(const merge::round_event& ev, uint64_t open_round);

  /// The ML answered the pending LossRequest: it holds that model now.
  std::vector<delivery_action> on_loaded();

private:
  void deliver(merge::round_event ev, std::vector<delivery_action>& out);
  void settle(merge::round_event committed, std::vector<delivery_action>& out);
  void end_sync(bool final, std::vector<delivery_action>& out);

  session_phase phase_ = session_phase::idle;
  // The round event whose model the ML is loading (loss_pending), and
  // whether it answers a CloseSession.
  std::optional<merge::round_event> delivering_;
  bool delivering_for_close_ = false;
  // A newer commit that arrived while the ML was loading the previous one.
  std::optional<merge::round_event> queued_;
  // The tentative value the ML holds (awaiting_commit).
  std::optional<merge::round_event> tentative_;
  // The final round, if it committed while the ML was not waiting.
  std::optional<merge::round_event> final_event_;
};

} // namespace swarm::sl
