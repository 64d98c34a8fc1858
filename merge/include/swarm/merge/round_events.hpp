#pragma once

// What a round coordinator hands its driver: messages for peers, events
// (commits, refusals), counters, and what keeps a round from committing.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/merge/round_hard_state.hpp"
#include "swarm/merge/round_messages.hpp"

namespace swarm::merge {

/// What a node that finished its epochs contributes while it waits for the
/// others (HPE's checkinModelOnTrainEnd).
enum class train_end_mode : uint8_t {
  /// Present in every round, but with weight 0.
  inactive = 1,
  /// Its parameters as of the moment it finished (HPE's default).
  snapshot = 2,
  /// The latest merged model.
  active = 3,
};

/// Parses "inactive", "snapshot" or "active" (case-insensitive).
std::optional<train_end_mode> parse_train_end_mode(std::string_view text) noexcept;

/// A message for one peer.
struct outgoing_message {
  /// The peer's node name.
  std::string to;
  /// The message.
  round_message msg;
};

/// What happened, for the driver (the SL) to act on.
struct round_event {
  /// Kinds of events.
  enum kind_t : uint8_t {
    /// A round committed (or this node caught up to one): apply `model`.
    committed,
    /// The leader refused this node's model (`reason` says why).
    refused,
    /// This node proposed or accepted `model` for the open round: the
    /// value the round commits unless its leader fails. A `committed`
    /// event still follows, with this digest or (rarely) another one.
    /// Only with `round_config::announce_tentative`, and only when the
    /// commit does not follow at once.
    tentative,
  };
  kind_t kind = committed;
  /// The committed round.
  uint64_t round = 0;
  /// Term of the leader that committed it.
  uint64_t term = 0;
  /// That leader's name.
  std::string leader;
  /// Digest of the merged model.
  sha256_digest digest{};
  /// The merged model.
  model_ptr model;
  /// Who took part, with what they checked in.
  std::vector<participant> participants;
  /// The next round's electorate besides the participants.
  std::vector<std::string> electors;
  /// Whether this is the final model of the training.
  bool final = false;
  /// Whether this node led the round (it then writes the round record).
  bool led_by_me = false;
  /// Whether this node reached the round through catch-up (it did not take
  /// part: a straggler, a late joiner, or a lost message).
  bool caught_up = false;
  /// Why the model was refused (`refused` only).
  std::string reason;
};

/// A model and its digest.
struct digested_model {
  /// Digest of `model`.
  sha256_digest digest{};
  /// The model.
  model_ptr model;
};

/// Output of the machine since the last `take_ready`.
struct round_ready {
  /// Messages to send, in order.
  std::vector<outgoing_message> messages;
  /// Events, in order.
  std::vector<round_event> events;
  /// The durable state, when it changed since the last `take_ready`: save
  /// it before sending `messages`.
  std::optional<round_hard_state> hard_state;
  /// A model this acceptor merged ahead of the proposal that should name it
  /// (a speculative merge), handed out once. A driver that saves models may
  /// store it now, while it waits, rather than when accepting: the record
  /// of an acceptance must be saved, model included, before the acceptance
  /// leaves, and that is the round's critical path.
  std::optional<digested_model> speculated;
};

/// Counters for metrics and tests.
struct round_stats {
  uint64_t rounds_committed = 0;
  uint64_t rounds_led = 0;
  uint64_t catch_ups = 0;
  uint64_t term_bumps = 0;
  uint64_t refusals_sent = 0;
  /// Merges an acceptor computed before the proposal arrived.
  uint64_t speculative_merges = 0;
  /// Proposals answered from such a merge.
  uint64_t speculation_hits = 0;
};

/// What keeps the open round from committing (`round_coordinator::stall`).
struct round_stall {
  /// The first thing the round lacks, checked in this order.
  enum class cause {
    /// Nothing: the round may simply be under way.
    none,
    /// A live majority of the previous round's participants.
    majority,
    /// Live nodes for `min_peers`.
    live_nodes,
    /// A live node that may lead: every live node checked in with
    /// SL_MAKE_ME_ADMIN=False.
    no_leader,
    /// Check-ins: the peers are alive but have not reached their sync
    /// points (slower, or still training while this node has finished).
    check_ins,
  };
  cause why = cause::none;
  /// The cause in words, naming the nodes, for a log line.
  std::string text;
  /// With cause::majority: the members of the electorate that are not
  /// alive.
  std::set<std::string> absent;

  /// Returns whether nodes are missing, rather than merely slower: the
  /// round cannot commit until they come back.
  bool nodes_missing() const noexcept {
    return why == cause::majority || why == cause::live_nodes || why == cause::no_leader;
  }
};

} // namespace swarm::merge
