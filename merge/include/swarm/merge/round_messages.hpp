#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "swarm/common/sha256.hpp"
#include "swarm/merge/bundle.hpp"

namespace swarm::merge {

/// A model shared between messages without copying (the simulator hands the
/// same bundle to many receivers; drivers decode one per message).
using model_ptr = std::shared_ptr<const tensor_bundle>;

/// What a node reports when it reaches a sync point (also what round
/// records keep per participant).
struct checkin_info {
  /// Relative weight: HPE's nodeWeightage (1-100); 0 for a finished node in
  /// `inactive` mode (present, but contributes nothing).
  double weight = 1.0;
  /// Samples trained since the previous sync.
  uint64_t samples = 0;
  /// Validation loss of the node's last evaluation (0 without data).
  float loss = 0.0f;
  /// Validation metric (e.g. accuracy) of the last evaluation.
  float metric = 0.0f;
  /// Epochs the node finished.
  uint32_t epochs_done = 0;
  /// Epochs the node trains in total (0: unknown).
  uint32_t total_epochs = 0;
  /// Whether the node finished its epochs (it then follows
  /// checkinModelOnTrainEnd until every node is done).
  bool done = false;
  /// Whether the node may lead (HPE's SL_MAKE_ME_ADMIN).
  bool eligible = true;

  /// Field-wise equality.
  friend bool operator==(const checkin_info&, const checkin_info&) = default;
};

/// A participant of a round as the leader merged it.
struct participant {
  /// Node name.
  std::string name;
  /// What it checked in with.
  checkin_info info;

  /// Field-wise equality.
  friend bool operator==(const participant&, const participant&) = default;
};

/// "I reached the sync point of `round`." Sent to every peer of the
/// contract. In term 0 it doubles as the sender's vote for the round's
/// default leader (the previous round's leader, see `round_coordinator`).
struct checkin_msg {
  uint64_t round = 0;
  uint64_t term = 0;
  checkin_info info;
  /// The sender's model, attached only to the check-in for the round's
  /// expected leader (the term-0 candidate): that leader then has every
  /// model as soon as the check-ins arrive, without a model request and
  /// its reply (a round trip and a wait on every round).
  model_ptr model;
};

/// A candidate asks for votes for (round, term), terms above 0.
struct vote_request_msg {
  uint64_t round = 0;
  uint64_t term = 0;
};

/// A voter's answer. A voter that accepted a proposal for the round
/// returns it, so a new leader re-proposes it instead of merging anew (the
/// Paxos rule that keeps a round from being committed twice).
struct vote_msg {
  uint64_t round = 0;
  uint64_t term = 0;
  bool granted = false;
  /// The proposal this voter accepted for the round, if any.
  uint64_t accepted_term = 0;
  sha256_digest accepted_digest{};
  model_ptr accepted_model;
  std::vector<participant> accepted_participants;
  /// The next round's electorate in that proposal (see `proposal_msg`).
  std::vector<std::string> accepted_electors;
};

/// The leader of (round, term) asks a participant for its model.
struct model_request_msg {
  uint64_t round = 0;
  uint64_t term = 0;
};

/// A participant's model for the leader of (round, term).
struct model_reply_msg {
  uint64_t round = 0;
  uint64_t term = 0;
  checkin_info info;
  model_ptr model;
};

/// The leader of (round, term) is alive and working on the round.
struct heartbeat_msg {
  uint64_t round = 0;
  uint64_t term = 0;
};

/// The merged model the leader of (round, term) proposes.
struct proposal_msg {
  uint64_t round = 0;
  uint64_t term = 0;
  sha256_digest digest{};
  /// Null when the peers shared their models (`share_models_max_peers`):
  /// the acceptor merges them itself and checks the digest, or asks for
  /// the model with a `proposal_request_msg`.
  model_ptr model;
  std::vector<participant> participants;
  /// Every participant was done: this is the final model.
  bool final = false;
  /// The next round's electorate besides the participants: the other nodes
  /// of the contract the leader saw alive (a node that skipped one round
  /// keeps its vote, one found late gets it). Part of the value, so every
  /// node that knows the commit agrees on it.
  std::vector<std::string> electors;
};

/// An acceptor that could not rebuild a proposal of (round, term) without
/// its model (a model it lacks, or a digest of its own that differs) asks
/// the leader for the model.
struct proposal_request_msg {
  uint64_t round = 0;
  uint64_t term = 0;
};

/// An acceptor took the proposal of (round, term).
struct accepted_msg {
  uint64_t round = 0;
  uint64_t term = 0;
  sha256_digest digest{};
};

/// The proposal of (round, term) with `digest` is committed.
struct commit_msg {
  uint64_t round = 0;
  uint64_t term = 0;
  sha256_digest digest{};
};

/// The leader refuses the sender's model for `round` (e.g. wrong shapes).
struct refusal_msg {
  uint64_t round = 0;
  std::string reason;
};

/// "Send me the latest committed model": a node that is behind.
struct catch_up_request_msg {
  /// The requester's last committed round.
  uint64_t committed_round = 0;
};

/// The latest committed round, its model, who took part and the next
/// round's electorate (the participants and `electors`).
struct catch_up_msg {
  uint64_t round = 0;
  uint64_t term = 0;
  std::string leader;
  sha256_digest digest{};
  model_ptr model;
  std::vector<participant> participants;
  bool final = false;
  /// As in `proposal_msg`.
  std::vector<std::string> electors;
};

/// "The final round's model reached my ML": a node that heard this from
/// every peer serves nobody's catch-up any more and may stop at once
/// instead of lingering.
struct final_loaded_msg {
  /// The final round.
  uint64_t round = 0;
};

/// Any message between the coordinators of one training contract.
using round_message =
  std::variant<checkin_msg, vote_request_msg, vote_msg, model_request_msg, model_reply_msg,
               heartbeat_msg, proposal_msg, accepted_msg, commit_msg, refusal_msg,
               catch_up_request_msg, catch_up_msg, proposal_request_msg, final_loaded_msg>;

/// Returns a short name of the message's kind, e.g. "checkin" (for logs).
const char* kind_name(const round_message& x) noexcept;

} // namespace swarm::merge
