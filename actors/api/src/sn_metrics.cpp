#include "swarm/api/sn_metrics.hpp"

namespace swarm::api {

namespace {

status add_round_families(metrics_registry& registry, sn_metrics& result) {
  auto committed = registry.add_gauge("swarm_rounds_committed",
                                      "Committed merge rounds this SN knows of.", {"contract"});
  if (!committed)
    return committed.error();
  result.rounds_committed = *committed;
  auto last = registry.add_gauge("swarm_round_last", "Highest committed merge round.",
                                 {"contract"});
  if (!last)
    return last.error();
  result.round_last = *last;
  auto participants = registry.add_gauge("swarm_round_participants",
                                         "Participants of the highest committed merge round.",
                                         {"contract"});
  if (!participants)
    return participants.error();
  result.round_participants = *participants;
  return status::ok();
}

status add_task_gauges(metrics_registry& registry, sn_metrics& result) {
  auto tasks = registry.add_gauge("swarm_tasks",
                                  "Tasks in the replicated state (created, not deleted).");
  if (!tasks)
    return tasks.error();
  result.tasks = &(*tasks)->get();
  auto running = registry.add_gauge("swarm_taskrunner_running",
                                    "Taskrunners whose state is RUNNING.");
  if (!running)
    return running.error();
  result.taskrunners_running = &(*running)->get();
  return status::ok();
}

} // namespace

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
  if (auto st = add_round_families(registry, result); !st)
    return st.error();
  if (auto st = add_task_gauges(registry, result); !st)
    return st.error();
  return result;
}

void sn_metrics::set_round_metrics(const round_table& table) {
  auto has_rounds = [&](const label_values& values) {
    auto i = values.empty() ? table.end() : table.find(values.front());
    return i != table.end() && !i->second.empty();
  };
  for (auto* fam : {rounds_committed, round_last, round_participants})
    for (const auto& values : fam->label_sets())
      if (!has_rounds(values))
        fam->remove(values);
  for (const auto& [contract, rounds] : table) {
    if (rounds.empty())
      continue;
    rounds_committed->with({contract}).set(static_cast<double>(rounds.size()));
    round_last->with({contract}).set(static_cast<double>(rounds.back().round));
    round_participants->with({contract})
      .set(static_cast<double>(rounds.back().participants.size()));
  }
}

} // namespace swarm::api
