#include "swarm/membership/taskrunner_status.hpp"

#include <algorithm>

#include "swarm/membership/object_ops.hpp"

namespace swarm::membership {

namespace {

// Progress of the current run, in quorum units.
struct tally {
  uint64_t done = 0;
  // What the peers still working could add.
  uint64_t pending = 0;
  // Why the run may be lost: the first failed or dead peer.
  std::string trouble;
};

std::string who(const taskrunner_peer_record& p) {
  return "SWOP " + quote_name(p.swop_name.empty() ? p.swop_uuid : p.swop_name);
}

// Counts in SWOPs unless the quorum is SL/ML pairs of a RUN_SWARM task
// assigned WITH n PEERS.
bool counts_swops(const taskrunner_record& r) {
  return r.all_peers || r.task_type != "RUN_SWARM";
}

tally tally_run(const taskrunner_record& r, std::span<const taskrunner_peer_record> peers,
                const swop_liveness& alive, taskrunner_status& out) {
  tally t;
  bool swops = counts_swops(r);
  for (const auto& p : peers) {
    // Entries of another run, and idle ones, do not work on this run.
    if (r.task.empty() || p.run_id != r.run_id || p.run_id == 0
        || p.state == peer_state::enrolled) {
      ++out.enrolled;
      continue;
    }
    out.nodes_done += p.nodes_done;
    if (!swops)
      t.done += p.nodes_done;
    switch (p.state) {
      case peer_state::complete:
        ++out.complete;
        t.done += swops ? 1 : 0;
        break;
      case peer_state::failed:
        ++out.failed;
        if (t.trouble.empty())
          t.trouble = who(p) + " failed"
                      + (p.message.empty() ? std::string{} : ": " + p.message);
        break;
      case peer_state::running:
      default:
        ++out.running;
        if (alive && !alive(p.swop_uuid)) {
          if (t.trouble.empty())
            t.trouble = who(p) + " (" + p.swop_uuid + ") is no longer alive";
        } else {
          t.pending += swops ? 1 : p.nodes - p.nodes_done;
        }
    }
  }
  return t;
}

} // namespace

std::string_view to_string(runner_state x) noexcept {
  switch (x) {
    case runner_state::idle:
      return "IDLE";
    case runner_state::running:
      return "RUNNING";
    case runner_state::complete:
      return "COMPLETE";
    case runner_state::error:
      return "ERROR";
  }
  return "UNKNOWN";
}

swop_liveness liveness_in(const swarm_state& state, uint64_t now_ms) {
  return [&state, now_ms](std::string_view uuid) {
    auto silent_since = [now_ms](uint64_t last_ms) {
      return last_ms != 0 && now_ms > last_ms && now_ms - last_ms > swop_silence_limit_ms;
    };
    // A SWOP rewrites its taskrunner entries every 10 s while it lives; an
    // entry's version is the wall-clock time of that write (hlc_floor).
    uint64_t heard_ms = 0;
    auto suffix = "/" + std::string{uuid};
    for (const auto& [key, e] : state.map_of<taskrunner_peer_record>().raw().entries())
      if (!e.tombstone && key.ends_with(suffix))
        heard_ms = std::max(heard_ms, e.version >> 16);
    if (silent_since(heard_ms))
      return false;
    auto x = state.nodes().get(uuid);
    if (!x)
      return true;
    return x->status == node_status::active && !silent_since(x->last_seen_ms);
  };
}

std::vector<taskrunner_peer_record> peers_of(const swarm_state& state, std::string_view name) {
  std::vector<taskrunner_peer_record> result;
  const auto& entries = state.map_of<taskrunner_peer_record>().raw().entries();
  auto prefix = std::string{name} + "/";
  for (auto i = entries.lower_bound(prefix);
       i != entries.end() && i->first.starts_with(prefix); ++i) {
    if (i->second.tombstone)
      continue;
    if (auto x = taskrunner_peer_record::decode(i->second.value))
      result.push_back(std::move(*x));
  }
  std::ranges::sort(result, [](const auto& a, const auto& b) {
    return std::tie(a.enrolled_ms, a.swop_uuid) < std::tie(b.enrolled_ms, b.swop_uuid);
  });
  return result;
}

taskrunner_status derive_status(const taskrunner_record& runner,
                                std::span<const taskrunner_peer_record> peers,
                                const swop_liveness& alive) {
  taskrunner_status out;
  auto t = tally_run(runner, peers, alive, out);
  if (runner.task.empty()) {
    out.state = runner_state::idle;
    out.message = "no task assigned";
    return out;
  }
  auto unit = counts_swops(runner) ? " SWOPs" : " SL/ML pairs";
  out.quorum_done = t.done;
  out.quorum_wanted = std::max<uint64_t>(runner.peers_wanted, 1);
  auto progress = std::to_string(t.done) + " of " + std::to_string(out.quorum_wanted) + unit
                  + " done";
  if (t.done >= out.quorum_wanted) {
    out.state = runner_state::complete;
    out.message = "task " + quote_name(runner.task) + " complete: " + progress;
  } else if (!t.trouble.empty() && t.done + t.pending < out.quorum_wanted) {
    out.state = runner_state::error;
    out.message = t.trouble + "; the quorum of " + std::to_string(out.quorum_wanted) + unit
                  + " can no longer be reached (" + progress + ")";
  } else {
    out.state = runner_state::running;
    out.message = "task " + quote_name(runner.task) + " running: " + progress;
  }
  return out;
}

} // namespace swarm::membership
