#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/membership/awareness.hpp"
#include "swarm/membership/broadcast_queue.hpp"
#include "swarm/membership/config.hpp"
#include "swarm/membership/events.hpp"
#include "swarm/membership/member_table.hpp"
#include "swarm/membership/messages.hpp"
#include "swarm/membership/prng.hpp"
#include "swarm/membership/probe_order.hpp"
#include "swarm/membership/suspicion.hpp"

namespace swarm::membership {

/// What the machine wants done: messages to send and view changes to report.
struct ready_batch {
  /// Messages to send, in order.
  std::vector<outbound> messages;
  /// Changes of the view, in order.
  std::vector<membership_event> events;
};

/// Counters for metrics and tests.
struct swim_stats {
  /// Probes started.
  uint64_t probes = 0;
  /// Probes that got no ack, direct or relayed.
  uint64_t probes_failed = 0;
  /// Probes that fell back to ping_req.
  uint64_t indirect_probes = 0;
  /// Suspicions this node raised.
  uint64_t suspicions_raised = 0;
  /// Times this node refuted a suspicion or death of itself.
  uint64_t refutations = 0;
  /// Members this node declared dead when their suspicion expired.
  uint64_t deaths_declared = 0;
  /// Full-state exchanges started (push-pull and reconnect).
  uint64_t push_pulls = 0;
  /// Join requests sent.
  uint64_t join_attempts = 0;
  /// Nacks sent as a relay.
  uint64_t nacks_sent = 0;
};

/// How a machine starts.
struct start_options {
  /// The local member's name and address.
  peer self;
  /// The local member's metadata.
  std::string meta;
  /// The local incarnation; after a restart, above any earlier one (persist
  /// it, or derive it from a clock), so that old claims do not apply.
  uint64_t incarnation = 0;
  /// Addresses to join through, tried in order (the sentinel first, then
  /// any known member); empty for the first member.
  std::vector<std::string> seeds;
  /// Members assumed alive at start (e.g. a persisted view); may be null.
  std::shared_ptr<const member_snapshot> known;
  /// Seeds the machine's PRNG.
  uint64_t rng_seed = 0;
  /// The clock at start.
  int64_t now_ms = 0;
};

/// SWIM failure detection and dissemination with Lifeguard's refinements,
/// as a pure state machine: no sockets, threads or clocks.
///
/// The driver feeds it messages (`step`) and the time (`tick`), then sends
/// what `take_ready` returns. `step` uses the time of the latest `tick`.
/// Every random choice comes from the seeded PRNG, so a driver that replays
/// the same inputs gets the same outputs.
class swim {
public:
  /// Starts a machine; `cfg` must be valid.
  swim(const config& cfg, start_options opts);

  // -- inputs -----------------------------------------------------------------

  /// Handles `msg` from `from`, whose name the transport authenticated.
  void step(const peer& from, const message& msg);

  /// Advances the clock to `now_ms` (never backwards) and fires due timers.
  void tick(int64_t now_ms);

  /// Leaves gracefully: stops probing and disseminates the departure. It
  /// tells its live seeds and `gossip_nodes` other live members directly,
  /// each followed by a ping: on the ordered connections of the transport,
  /// an ack (`departure_confirmed`) shows the leave arrived.
  void leave();

  /// Returns whether `leave` was called and a member it told directly
  /// acknowledged (at once if it told nobody): that member spreads the
  /// departure, so the node may stop now. A driver that never sees this
  /// (the members died or left meanwhile) stops after a deadline of its own.
  bool departure_confirmed() const noexcept {
    return leaving_ && leave_pings_.empty();
  }

  /// Replaces the local metadata and disseminates it (raises incarnation).
  void update_meta(std::string meta);

  // -- outputs ----------------------------------------------------------------

  /// Returns whether messages or events wait to be taken.
  bool has_ready() const noexcept {
    return !ready_.messages.empty() || !ready_.events.empty();
  }

  /// Returns the pending output without taking it.
  const ready_batch& ready() const noexcept {
    return ready_;
  }

  /// Takes the pending output.
  ready_batch take_ready();

  /// Most round-trip samples kept between two `take_rtt_samples_ms` calls.
  static constexpr size_t max_rtt_samples = 1024;

  /// Returns and clears the round-trip times (ms) of the probes answered
  /// since the last call, oldest first. Resolution is that of the times given
  /// to `tick`; callers that tick before every `step` get exact values.
  std::vector<int64_t> take_rtt_samples_ms();

  /// Returns the earliest time at which `tick` has work to do.
  int64_t next_deadline_ms() const;

  // -- queries ----------------------------------------------------------------

  /// Returns the local member's name and address.
  const peer& self() const noexcept {
    return self_;
  }

  /// Returns the local incarnation.
  uint64_t incarnation() const noexcept {
    return incarnation_;
  }

  /// Returns whether a seed answered (always true for the first member).
  bool joined() const noexcept {
    return joined_;
  }

  /// Returns whether `leave` was called.
  bool leaving() const noexcept {
    return leaving_;
  }

  /// Returns the view, the local member included.
  const member_table& view() const noexcept {
    return table_;
  }

  /// Returns the entry of `name`, or null.
  const member* find(std::string_view name) const {
    return table_.find(name);
  }

  /// Returns the number of live members, the local one included.
  size_t live_count() const noexcept {
    return table_.live_count();
  }

  /// Returns Lifeguard's local health score (0 is healthy).
  int awareness_score() const noexcept {
    return awareness_.score();
  }

  /// Returns the number of updates still to be piggybacked.
  size_t pending_updates() const noexcept {
    return queue_.size();
  }

  /// Returns the counters.
  const swim_stats& stats() const noexcept {
    return stats_;
  }

  /// Returns the clock as of the latest `tick`.
  int64_t now_ms() const noexcept {
    return now_ms_;
  }

  /// Returns the configuration.
  const config& cfg() const noexcept {
    return cfg_;
  }

private:
  static constexpr int64_t never = std::numeric_limits<int64_t>::max();

  /// The probe of the current protocol period.
  struct probe {
    bool active = false;
    bool acked = false;
    bool indirect_sent = false;
    uint32_t seq_no = 0;
    std::string target;
    uint64_t target_incarnation = 0;
    int64_t indirect_at_ms = 0;
    int64_t deadline_ms = 0;
    uint32_t expected_nacks = 0;
    uint32_t nacks = 0;
    int64_t started_ms = 0;
  };

  /// A ping sent on behalf of a ping_req.
  struct relay {
    peer requester;
    uint32_t requester_seq_no = 0;
    int64_t nack_at_ms = 0;
    int64_t expires_ms = 0;
    bool nack_sent = false;
  };

  // swim.cpp: plumbing
  void send(peer to, message_body body);
  void send_with_updates(peer to, message msg, std::string_view buddy);
  void emit(event_kind kind, const member& subject);
  uint32_t next_seq_no();
  uint32_t transmit_limit() const;
  void enqueue(update x, uint32_t limit_factor = 1);
  std::vector<member_record> snapshot_records() const;
  void tick_gossip();
  void tick_reap();

  // swim_probe.cpp: failure detection
  void tick_probe();
  void start_probe();
  void send_indirect_probes();
  void finish_probe();
  void tick_relays();
  void on_ping(const peer& from, const ping& x);
  void on_ping_req(const peer& from, const ping_req& x);
  void on_ack(const ack& x);
  void on_nack(const nack& x);

  // swim_updates.cpp: the rules for claims
  void apply(const update& x);
  void on_alive(const update& x);
  void on_suspect(const update& x);
  void on_dead(const update& x);
  void on_claim_about_self(const update& x);
  void refute(uint64_t claimed_incarnation);
  void tick_suspicions();
  void declare_dead(member_slot slot);

  // swim_sync.cpp: joining, leaving, anti-entropy
  void tick_join();
  void tick_push_pull();
  void tick_reconnect();
  void on_join(const peer& from, const join& x);
  void on_push_pull(const peer& from, const push_pull& x);
  void on_leave(const peer& from, const membership::leave& x);
  void merge_records(const peer& from, const std::vector<member_record>& records);

  config cfg_;
  peer self_;
  std::string meta_;
  uint64_t incarnation_;
  prng rng_;
  int64_t now_ms_;
  member_table table_;
  member_slot self_slot_ = 0;
  probe_order order_;
  broadcast_queue queue_;
  awareness awareness_;
  suspicion_set suspicions_;
  probe probe_;
  std::vector<int64_t> rtt_samples_ms_;
  std::map<uint32_t, relay> relays_;
  // Sequence numbers of the pings sent after our leave; cleared by the
  // first ack.
  std::vector<uint32_t> leave_pings_;
  uint32_t seq_no_ = 0;
  std::vector<std::string> seeds_;
  size_t seed_cursor_ = 0;
  bool joined_ = false;
  bool leaving_ = false;
  bool stale_claim_seen_ = false;
  int64_t next_probe_ms_ = 0;
  int64_t next_gossip_ms_ = 0;
  int64_t next_push_pull_ms_ = never;
  int64_t next_reconnect_ms_ = never;
  int64_t next_join_ms_ = never;
  int64_t next_reap_ms_ = never;
  ready_batch ready_;
  swim_stats stats_;
};

} // namespace swarm::membership
