#include "swarm/api/sn_metrics.hpp"

namespace swarm::api {

expected<sn_metrics> sn_metrics::add_to(metrics_registry& registry) {
  sn_metrics result;
  auto members = registry.add_gauge("swarm_members",
                                    "Members of the SN overlay by state, as this SN sees them.",
                                    {"state"});
  if (!members)
    return members.error();
  result.members_alive = &(*members)->with({"alive"});
  result.members_suspect = &(*members)->with({"suspect"});
  result.members_dead = &(*members)->with({"dead"});
  result.members_left = &(*members)->with({"left"});
  auto messages = registry.add_counter("swarm_gossip_messages_total",
                                       "Gossip messages received (in) and sent (out).",
                                       {"direction"});
  if (!messages)
    return messages.error();
  result.gossip_messages_in = &(*messages)->with({"in"});
  result.gossip_messages_out = &(*messages)->with({"out"});
  auto bytes = registry.add_counter("swarm_gossip_bytes_total",
                                    "Bytes of gossip messages received (in) and sent (out).",
                                    {"direction"});
  if (!bytes)
    return bytes.error();
  result.gossip_bytes_in = &(*bytes)->with({"in"});
  result.gossip_bytes_out = &(*bytes)->with({"out"});
  auto rtt = registry.add_histogram(
    "swarm_probe_rtt_seconds", "Round-trip time of successful direct probes.",
    std::vector<double>(probe_rtt_buckets_s.begin(), probe_rtt_buckets_s.end()));
  if (!rtt)
    return rtt.error();
  result.probe_rtt_s = &(*rtt)->get();
  auto suspicions = registry.add_counter("swarm_suspicions_total",
                                         "Times this SN started suspecting a member.");
  if (!suspicions)
    return suspicions.error();
  result.suspicions = &(*suspicions)->get();
  auto refutations = registry.add_counter("swarm_refutations_total",
                                          "Times this SN refuted a suspicion about itself.");
  if (!refutations)
    return refutations.error();
  result.refutations = &(*refutations)->get();
  return result;
}

} // namespace swarm::api
