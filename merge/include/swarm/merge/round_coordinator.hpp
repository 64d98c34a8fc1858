#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "swarm/merge/round_config.hpp"
#include "swarm/merge/round_events.hpp"
#include "swarm/merge/round_messages.hpp"

namespace swarm::merge {

/// One SL's side of the merge rounds of one training contract: check-in,
/// quorum, leader election with terms, exchange, merge, commit, catch-up.
///
/// A pure state machine in the shape of etcd's raft: messages and ticks in
/// (`step`, `tick`), messages and events out (`take_ready`); no sockets,
/// threads or clocks, so the simulator drives it with simulated time.
///
/// Safety: each round is a single-decree Paxos instance. Round r's
/// electorate is fixed by committed round r-1: its participants, and the
/// contract's other nodes its leader saw alive when it proposed
/// (`proposal_msg::electors`: a node that skipped a round, still training,
/// keeps its vote, so one dead participant of a round that committed with
/// `min_peers` of N nodes does not stop the next; a node found late gets its
/// vote at the first commit after it was seen); a leader of (r, t) needs
/// votes from a quorum of it: a majority, or exactly half of an even
/// electorate when it holds the tie breaker (its first member by name other
/// than the default leader), so every two quorums still intersect. In term
/// 0 a check-in is a vote for the default leader, the first eligible
/// participant of round r-1 by name (a function of the committed value
/// alone); later terms go to the other eligible participants, the electors,
/// then any live eligible node. A proposal commits once a quorum of the
/// electorate and at least `min_peers` nodes accepted it. Voters hand a new leader what they accepted,
/// and it re-proposes that, so a round never commits two different models.
/// Round 1 has no previous round: its electorate is every node seen so far
/// (it never shrinks), which is safe when all nodes know the whole contract
/// (`set_peers`) before the first check-in; nodes with different views can
/// each elect a term-0 leader of round 1, and both may get the same models.
/// Exchange: a participant sends its model with its check-in to the
/// term-0 candidate (to every peer in swarms up to
/// `round_config::share_models_max_peers`, where proposals then carry only
/// the digest and acceptors rebuild the merge, or ask for the model); any
/// other leader asks for the models it lacks.
/// Durability: `take_ready` hands out the votes, acceptances and commits
/// (`round_hard_state`) whenever they change; a node that restarts from the
/// last one it saved keeps its `self` and its vote. A node that lost its
/// state must use a new `self` (e.g. its name plus a new boot id), or it
/// may vote again with amnesia and a round can commit twice. Liveness needs a live majority of
/// the electorate: if most of it dies before the next commit, no round
/// commits again (dead names leave it only through a commit).
class round_coordinator {
public:
  /// Creates the machine of node `self`.
  round_coordinator(std::string self, round_config cfg, int64_t now_ms);

  /// Creates the machine of node `self` as it was when it last handed out
  /// `saved` (its models present: the committed one after the first
  /// commit, and the accepted one if any).
  round_coordinator(std::string self, round_config cfg, int64_t now_ms,
                    const round_hard_state& saved);

  /// Sets the live peers of the contract (other SLs; from membership).
  /// Dropping a peer forgets its check-in for the open round.
  void set_peers(const std::set<std::string>& live_peers, int64_t now_ms);

  /// Says when this node last found a new node of the swarm, for round 1's
  /// wait (round_config::discovery_settle_ms). Without it, a new peer in
  /// set_peers or a check-in counts; an SL knows its overlay's members
  /// before they enroll in the contract, so it tells instead.
  void set_last_discovery(int64_t when_ms);

  /// The ML reached a sync point with `model`: check in for the open round.
  /// Ignored while this node already waits in a round.
  void check_in(const checkin_info& info, model_ptr model, int64_t now_ms);

  /// The ML finished its epochs: from now on this node checks in to every
  /// round the others open, per `mode` (`snapshot` contributes `model`),
  /// until a final round commits. Checks in at once with `info.done` set.
  void finish(train_end_mode mode, checkin_info info, model_ptr model, int64_t now_ms);

  /// Handles a message from peer `from`.
  void step(const std::string& from, const round_message& msg, int64_t now_ms);

  /// Advances timers: quorum wait, leader timeout, exchange timeout,
  /// heartbeats and retransmissions.
  void tick(int64_t now_ms);

  /// Returns and clears the pending messages and events.
  round_ready take_ready();

  /// Returns the last committed round (0: none yet).
  uint64_t committed_round() const noexcept {
    return committed_.round;
  }

  /// Returns the last committed model (null before the first commit).
  const model_ptr& committed_model() const noexcept {
    return committed_.model;
  }

  /// Returns the digest of the last committed model.
  const sha256_digest& committed_digest() const noexcept {
    return committed_.digest;
  }

  /// Returns whether the final round committed.
  bool training_over() const noexcept {
    return committed_.final;
  }

  /// Returns whether this node has checked in and waits for a commit.
  bool waiting() const noexcept {
    return checked_in_;
  }

  /// Returns the term of the open round.
  uint64_t term() const noexcept {
    return term_;
  }

  /// Returns whether this node leads the open round.
  bool leading() const noexcept {
    return lead_ && lead_->phase != leader_state::collecting;
  }

  /// Returns this node's name.
  const std::string& self() const noexcept {
    return self_;
  }

  /// The final round's model reached this node's ML: tells the peers, so
  /// that they need not linger for this node's sake. Call once the final
  /// round committed; ignored before.
  void final_loaded();

  /// Returns whether the final round committed and every peer (the final
  /// round's participants and the live peers) said its ML loaded that
  /// round's model: none of them can need this node's catch-up answers.
  bool peers_have_final() const;

  /// Says what the open round lacks to commit, for a node that waits in it:
  /// a live majority of the electorate (fixed by the previous round),
  /// live nodes for `min_peers`, or check-ins. `none` when it lacks nothing
  /// (the exchange may still be under way) or when this node does not wait.
  round_stall stall() const;

  /// Returns the durable part of the state (what `take_ready` hands out
  /// when it changes).
  round_hard_state hard_state() const;

  /// Returns the counters.
  const round_stats& stats() const noexcept {
    return stats_;
  }

private:
  struct committed_state {
    uint64_t round = 0;
    uint64_t term = 0;
    std::string leader;
    sha256_digest digest{};
    model_ptr model;
    std::vector<participant> participants;
    bool final = false;
    std::vector<std::string> electors;
  };

  using accepted_state = round_value;

  // What identifies a hard state, to hand it out only when it changed.
  struct hard_key {
    uint64_t committed_round = 0;
    uint64_t term = 0;
    std::string voted_for;
    std::optional<std::pair<uint64_t, sha256_digest>> accepted;
    size_t seen = 0;
    friend bool operator==(const hard_key&, const hard_key&) = default;
  };
  hard_key current_hard_key() const;

  struct leader_state {
    enum phase_t : uint8_t { collecting, exchanging, proposing } phase = collecting;
    std::set<std::string> votes;
    std::optional<accepted_state> recovered;
    std::vector<std::string> members;
    std::map<std::string, std::pair<checkin_info, model_ptr>> models;
    std::optional<accepted_state> proposal;
    std::set<std::string> acks;
    std::set<std::string> refused;
    int64_t phase_started_ms = 0;
    int64_t last_heartbeat_ms = 0;
    int64_t last_resend_ms = 0;
  };

  // round_coordinator.cpp
  void on_checkin(const std::string& from, const checkin_msg& m, int64_t now_ms);
  void on_model_request(const std::string& from, const model_request_msg& m, int64_t now_ms);
  void on_refusal(const std::string& from, const refusal_msg& m);
  bool route_by_round(const std::string& from, uint64_t round);
  void commit(committed_state next, bool led_by_me, bool caught_up);
  void standing_check_in(int64_t now_ms);
  void send(const std::string& to, round_message msg);
  void broadcast(const round_message& msg);

  // round_acceptor.cpp
  void on_proposal(const std::string& from, const proposal_msg& m, int64_t now_ms);
  bool leader_and_self_choose(const std::string& leader, size_t participants) const;
  void on_commit(const std::string& from, const commit_msg& m);
  void on_catch_up(const std::string& from, const catch_up_msg& m);
  void send_catch_up(const std::string& to);

  // round_election.cpp
  std::set<std::string> electorate() const;
  std::vector<std::string> audience() const;
  bool seems_eligible(const std::string& name) const;
  std::optional<std::string> candidate(uint64_t term) const;
  void append_elector_candidates(std::vector<std::string>& candidates) const;
  std::optional<std::string> tie_breaker(const std::set<std::string>& members) const;
  bool has_majority(const std::set<std::string>& voters) const;
  void adopt_term(uint64_t term, int64_t now_ms);
  void bump_term(int64_t now_ms);
  void on_vote_request(const std::string& from, const vote_request_msg& m, int64_t now_ms);
  void on_vote(const std::string& from, const vote_msg& m, int64_t now_ms);
  void try_lead(int64_t now_ms);

  // round_shared.cpp
  void replay_ahead(int64_t now_ms);
  bool shares_models() const;
  model_ptr merge_shared(const proposal_msg& m);
  std::vector<contribution> expected_inputs() const;
  void speculate();
  void on_proposal_request(const std::string& from, const proposal_request_msg& m);
  void retry_deferred(int64_t now_ms);
  // round_departure.cpp: who has the final model.
  void on_final_loaded(const std::string& from, const final_loaded_msg& m);

  // round_leader.cpp
  void start_exchange(int64_t now_ms);
  void on_model_reply(const std::string& from, const model_reply_msg& m, int64_t now_ms);
  void take_model(const std::string& from, const checkin_info& info, const model_ptr& model);
  void try_merge(int64_t now_ms, bool timed_out);
  std::vector<std::string> next_electors(const std::vector<participant>& participants) const;
  void propose(accepted_state proposal, int64_t now_ms);
  void on_accepted(const std::string& from, const accepted_msg& m);
  void leader_tick(int64_t now_ms);
  void maybe_commit();
  void announce(const accepted_state& value);
  void abdicate(int64_t now_ms);
  void note_seen(const std::set<std::string>& names, int64_t now_ms);

  std::string self_;
  round_config cfg_;
  round_stats stats_;
  std::set<std::string> live_peers_;
  // Every peer ever reported or heard from: round 1's electorate. It only
  // grows, so a node that loses sight of others during round 1 (a crash, a
  // partition) cannot count a smaller majority of its own.
  std::set<std::string> seen_;
  // When seen_ last grew (or the coordinator started): round 1 waits for
  // discovery to settle (round_config::discovery_settle_ms).
  int64_t last_new_peer_ms_ = 0;
  bool discovery_from_caller_ = false;
  // Peers known to have finished their epochs (from check-ins and committed
  // participants; a finished node stays finished until the final round).
  std::set<std::string> done_peers_;
  committed_state committed_;
  // The open round (committed_.round + 1).
  uint64_t term_ = 0;
  std::string voted_for_;
  std::map<std::string, std::pair<checkin_info, uint64_t>> checkins_;
  // Peer -> the final round whose model it said its ML loaded.
  std::map<std::string, uint64_t> final_loaded_by_;
  // Models that came with check-ins of the open round (sent to this node
  // as the expected leader): used instead of asking for them.
  // With the check-in each came with: a peer that restarted (keeping its
  // name) checks in to the round anew, and its first model must not be
  // merged under what it says the second time.
  struct early_model {
    checkin_info info;
    model_ptr model;
  };
  std::map<std::string, early_model> early_models_;
  // Check-ins for the round after the open one, by sender: replayed once
  // this node commits the open round (the sender heard of that commit
  // first), so neither the check-in nor its model waits for a resend.
  std::map<std::string, checkin_msg> ahead_;
  // A merge of the open round's models that an acceptor in a small swarm
  // computed while the leader merged the same ones (round_shared.cpp).
  struct speculation {
    std::vector<contribution> inputs;
    sha256_digest digest{};
    model_ptr model;
  };
  std::optional<speculation> speculation_;
  // A proposal this acceptor could not rebuild yet: a check-in it names
  // is still on its way (on the model lane, while the proposal took the
  // peer's other connection). Retried when a model arrives; asked for in
  // full at the next tick if none did.
  struct deferred_proposal {
    std::string from;
    proposal_msg msg;
  };
  std::optional<deferred_proposal> deferred_;
  bool checked_in_ = false;
  checkin_info my_info_;
  model_ptr my_model_;
  std::optional<accepted_state> accepted_;
  std::optional<leader_state> lead_;
  std::optional<int64_t> quorum_since_ms_;
  int64_t last_leader_sign_ms_ = 0;
  int64_t last_resend_ms_ = 0;
  // After `finish`.
  std::optional<train_end_mode> end_mode_;
  checkin_info end_info_;
  model_ptr end_model_;
  round_ready ready_;
  hard_key saved_key_;
  // The values of the last model this node merged, handed back
  // when every holder dropped it (round_leader.cpp), so that the next
  // merge writes into mapped pages instead of a fresh allocation.
  struct spare_values;
  std::shared_ptr<spare_values> spare_;
  model_ptr make_merged(tensor_bundle merged);
  /// Returns an empty bundle holding the spare values, if any, for the
  /// next merge to overwrite.
  tensor_bundle spare_output();
};

} // namespace swarm::merge
