// The round record the leader of a round writes into the replicated state:
// the swarm's tamper-evident history (DESIGN.md, Membership and the
// replicated state).

#include <chrono>

#include <spdlog/spdlog.h>

#include "swarm/common/log.hpp"
#include "swarm/membership/crdt_entry.hpp"
#include "swarm/membership/state_round_record.hpp"
#include "swarm/sl/sl_delegate.hpp"

namespace swarm::sl {

namespace {

uint64_t wall_ms() {
  using namespace std::chrono;
  return static_cast<uint64_t>(
    duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

} // namespace

void sl_delegate::write_record(const merge::round_event& ev) {
  membership::round_record rec;
  rec.contract = contract_;
  rec.round = ev.round;
  rec.term = ev.term;
  rec.leader = node_of(ev.leader);
  rec.merge_method = merge_method_;
  for (const auto& p : ev.participants)
    rec.participants.push_back(membership::round_participant{
      node_of(p.name), p.info.weight, p.info.samples, p.info.loss, p.info.metric, p.info.epochs_done,
      p.info.total_epochs, p.info.done});
  rec.merged_digest = ev.digest;
  rec.final = ev.final;
  rec.committed_ms = wall_ms();
  auto rounds = overlay_.state().map_of<membership::round_record>();
  if (ev.round > 1) {
    // The previous leader's record reaches this node by gossip; if it has
    // not yet, the link stays zero and the API reports the gap.
    membership::round_record prev;
    prev.contract = contract_;
    prev.round = ev.round - 1;
    if (auto found = rounds.get(prev.key()))
      rec.prev_hash = membership::record_hash(*found);
    else
      log::get("swarm.SL")->warn("round {}: record of round {} not here yet; chain gap",
                                    ev.round, ev.round - 1);
  }
  // One invalid record would make peers reject the whole gossip batch.
  if (auto st = rec.check(); !st) {
    log::get("swarm.SL")->error("round {}: not recording an invalid record: {}", ev.round,
                                st.error().message);
    return;
  }
  auto entry = rounds.put(rec, overlay_.identity().uuid, membership::hlc_floor(wall_ms()));
  if (!entry) {
    log::get("swarm.SL")->error("cannot write the record of round {}: {}", ev.round,
                                entry.error().message);
    return;
  }
  overlay_.share(membership::state_update{std::string{membership::round_record::map_name},
                                          *entry});
}

} // namespace swarm::sl
