#pragma once

// What a round coordinator must find again after a restart to keep the
// promises it made (etcd raft's HardState): the driver saves it before it
// sends the messages that made them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "swarm/merge/round_messages.hpp"

namespace swarm::merge {

/// A value of one round: what a leader proposes, an acceptor accepts and a
/// round commits.
struct round_value {
  /// Term of the leader that proposed it.
  uint64_t term = 0;
  /// Digest of `model`.
  sha256_digest digest{};
  /// The merged model.
  model_ptr model;
  /// Who took part, with what they checked in.
  std::vector<participant> participants;
  /// Whether every participant was done: the final model.
  bool final = false;
  /// The next round's electorate besides the participants.
  std::vector<std::string> electors;
};

/// The durable part of a coordinator's state. A coordinator restored from
/// the last state its driver saved (`round_coordinator`'s restoring
/// constructor) votes and accepts exactly as if it had never stopped: it
/// neither votes twice in a term nor forgets a value it accepted, so it may
/// keep its name (and its vote in the electorate) across a restart.
///
/// The driver must save the state that `take_ready` hands it before it
/// sends that batch's messages: they may carry the promises it records.
struct round_hard_state {
  /// The last committed round (0: none).
  uint64_t committed_round = 0;
  /// Its leader (empty before the first commit).
  std::string committed_leader;
  /// Its value (no model before the first commit).
  round_value committed;
  /// The open round's term.
  uint64_t term = 0;
  /// Whom this node voted for in that term (empty: nobody yet). A term-0
  /// check-in is a vote for the term's default leader, a function of the
  /// committed value, so it needs no record.
  std::string voted_for;
  /// The value this node accepted for the open round, if any.
  std::optional<round_value> accepted;
  /// Every peer seen so far: round 1's electorate (see `round_coordinator`).
  std::vector<std::string> seen;
};

} // namespace swarm::merge
