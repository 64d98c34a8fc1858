#include "swarm/membership/config.hpp"

#include <string>

namespace swarm::membership {

namespace {

swarm::error invalid(const std::string& what) {
  return make_error(errc::invalid_config, "membership: " + what);
}

} // namespace

status config::validate() const {
  if (probe_interval_ms <= 0)
    return invalid("probe_interval_ms must be positive");
  if (probe_timeout_ms <= 0 || probe_timeout_ms >= probe_interval_ms)
    return invalid("probe_timeout_ms must be positive and below probe_interval_ms,"
                   " leaving time for indirect probes");
  if (suspicion_mult < 1)
    return invalid("suspicion_mult must be at least 1");
  if (suspicion_max_timeout_mult < 1)
    return invalid("suspicion_max_timeout_mult must be at least 1");
  if (retransmit_mult < 1)
    return invalid("retransmit_mult must be at least 1");
  if (min_retransmits < 1)
    return invalid("min_retransmits must be at least 1");
  if (gossip_interval_ms <= 0)
    return invalid("gossip_interval_ms must be positive");
  if (gossip_nodes < 1)
    return invalid("gossip_nodes must be at least 1");
  if (gossip_to_the_dead_ms < 0)
    return invalid("gossip_to_the_dead_ms must not be negative");
  if (push_pull_interval_ms < 0)
    return invalid("push_pull_interval_ms must not be negative (0 disables)");
  if (awareness_max_multiplier < 1)
    return invalid("awareness_max_multiplier must be at least 1");
  if (join_timeout_ms <= 0)
    return invalid("join_timeout_ms must be positive");
  if (reconnect_interval_ms < 0)
    return invalid("reconnect_interval_ms must not be negative (0 disables)");
  if (tombstone_retention_ms < gossip_to_the_dead_ms)
    return invalid("tombstone_retention_ms must be at least gossip_to_the_dead_ms");
  if (packet_budget_bytes < 512)
    return invalid("packet_budget_bytes must be at least 512");
  return status::ok();
}

config lan_defaults() {
  return config{};
}

config local_defaults() {
  config result;
  result.probe_timeout_ms = 200;      // loopback round trips are sub-millisecond
  result.suspicion_mult = 3;          // fewer members, faster verdicts
  result.retransmit_mult = 2;         // few members: log10(n) rounds suffice
  result.gossip_interval_ms = 100;    // spread faster, traffic is free
  result.gossip_to_the_dead_ms = 15000;
  result.push_pull_interval_ms = 15000;
  result.join_timeout_ms = 1000;
  result.reconnect_interval_ms = 10000;
  return result;
}

} // namespace swarm::membership
