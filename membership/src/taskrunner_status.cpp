#include "swarm/membership/taskrunner_status.hpp"

#include <algorithm>
#include <optional>

#include "swarm/membership/object_ops.hpp"
#include "swarm/membership/state_node_record.hpp"

namespace swarm::membership {

namespace {

// Progress of the current run, in quorum units.
struct tally {
  uint64_t done = 0;
  // What the peers still working could add.
  uint64_t pending = 0;
  // What live SWOPs not on the run yet could add, if they take it.
  uint64_t could_take = 0;
  // Why the run may be lost: the first failed or dead peer.
  std::string trouble;
  // Why the run may be lost without a word: the first SWOP alive at the
  // assignment that died before its entry showed the run. It may have taken
  // the run and died before its RUNNING entry got out.
  std::string lost;
};

std::string who(const taskrunner_peer_record& p) {
  return "SWOP " + quote_name(p.swop_name.empty() ? p.swop_uuid : p.swop_name);
}

// Counts in SWOPs unless the quorum is SL/ML pairs of a RUN_SWARM task
// assigned WITH n PEERS.
bool counts_swops(const taskrunner_record& r) {
  return r.all_peers || r.task_type != "RUN_SWARM";
}

// Whether the SWOP of `p` would take `r`'s run if it saw it (the SWOP's own
// rule, swop/run_decision.cpp, less the count of takers it sees).
bool may_take(const taskrunner_record& r, const taskrunner_peer_record& p) {
  if (!r.targets.empty())
    return std::ranges::find(r.targets, p.swop_uuid) != r.targets.end();
  return r.task_type != "RUN_SWARM" || p.nodes > 0;
}

// Weighs a SWOP whose entry does not show the current run.
void weigh_idle(const taskrunner_record& r, const taskrunner_peer_record& p,
                const swop_view& v, tally& t) {
  if (!may_take(r, p))
    return;
  if (!v.alive || v.alive(p.swop_uuid)) {
    // Right after the assignment live SWOPs are ENROLLED for a moment.
    auto since_ms = std::max(r.assigned_ms, r.targeted_ms);
    if (v.now_ms == 0 || v.now_ms < since_ms + swop_take_grace_ms)
      t.could_take += counts_swops(r) ? 1 : p.nodes;
    return;
  }
  if (t.lost.empty() && v.alive_at_assignment && v.alive_at_assignment(p.swop_uuid))
    t.lost = who(p) + " (" + p.swop_uuid + ") died before it was seen taking the run";
}

tally tally_run(const taskrunner_record& r, std::span<const taskrunner_peer_record> peers,
                const swop_view& v, taskrunner_status& out) {
  tally t;
  bool swops = counts_swops(r);
  for (const auto& p : peers) {
    // Entries of another run, and idle ones, do not work on this run.
    if (r.task.empty() || p.run_id != r.run_id || p.run_id == 0
        || p.state == peer_state::enrolled) {
      ++out.enrolled;
      if (!r.task.empty())
        weigh_idle(r, p, v, t);
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
        if (v.alive && !v.alive(p.swop_uuid)) {
          if (t.trouble.empty())
            t.trouble = who(p) + " (" + p.swop_uuid + ") is no longer alive";
        } else {
          t.pending += swops ? 1 : p.nodes - p.nodes_done;
        }
    }
  }
  return t;
}

// What the state tells of one SWOP: its last signs of life and its node
// record with the time that record was written.
struct swop_signs {
  uint64_t entry_ms = 0;
  std::optional<node_record> node;
  uint64_t node_written_ms = 0;
};

swop_signs signs_of(const swarm_state& state, std::string_view uuid) {
  swop_signs x;
  // A SWOP rewrites its taskrunner entries every 10 s while it lives; an
  // entry's version is the wall-clock time of that write (hlc_floor).
  auto suffix = "/" + std::string{uuid};
  for (const auto& [key, e] : state.map_of<taskrunner_peer_record>().raw().entries())
    if (!e.tombstone && key.ends_with(suffix))
      x.entry_ms = std::max(x.entry_ms, e.version >> 16);
  const auto* e = state.nodes().raw().find(uuid);
  if (e == nullptr || e->tombstone)
    return x;
  if (auto node = node_record::decode(e->value)) {
    x.node = std::move(*node);
    x.node_written_ms = e->version >> 16;
  }
  return x;
}

bool silent_at(uint64_t last_ms, uint64_t at_ms) {
  return last_ms != 0 && at_ms > last_ms && at_ms - last_ms > swop_silence_limit_ms;
}

// Whether `x` shows the SWOP alive at `at_ms`; `now` says whether `at_ms`
// is the present (a LEFT or DEAD record then counts whenever written).
bool alive_at(const swop_signs& x, uint64_t at_ms, bool now) {
  if (silent_at(x.entry_ms, at_ms))
    return false;
  if (!x.node)
    return true;
  bool gone = x.node->status != node_status::active && (now || x.node_written_ms <= at_ms);
  return !gone && !silent_at(x.node->last_seen_ms, at_ms);
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
    return alive_at(signs_of(state, uuid), now_ms, true);
  };
}

swop_liveness liveness_as_of(const swarm_state& state, uint64_t at_ms) {
  return [&state, at_ms](std::string_view uuid) {
    return alive_at(signs_of(state, uuid), at_ms, false);
  };
}

swop_view swop_view_in(const swarm_state& state, const taskrunner_record& runner,
                       uint64_t now_ms) {
  return {liveness_in(state, now_ms), liveness_as_of(state, runner.assigned_ms), now_ms};
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
                                const swop_view& view) {
  taskrunner_status out;
  auto t = tally_run(runner, peers, view, out);
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
  auto within_reach = t.done + t.pending;
  auto out_of_reach = [&](const std::string& why) {
    out.state = runner_state::error;
    out.message = why + "; the quorum of " + std::to_string(out.quorum_wanted) + unit
                  + " can no longer be reached (" + progress + ")";
  };
  if (t.done >= out.quorum_wanted) {
    out.state = runner_state::complete;
    out.message = "task " + quote_name(runner.task) + " complete: " + progress;
  } else if (!t.trouble.empty() && within_reach < out.quorum_wanted) {
    out_of_reach(t.trouble);
  } else if (!t.lost.empty() && within_reach + t.could_take < out.quorum_wanted) {
    out_of_reach(t.lost + " and no live SWOP may take it in its place");
  } else {
    out.state = runner_state::running;
    out.message = "task " + quote_name(runner.task) + " running: " + progress;
  }
  return out;
}

taskrunner_status derive_status(const taskrunner_record& runner,
                                std::span<const taskrunner_peer_record> peers,
                                const swop_liveness& alive) {
  return derive_status(runner, peers, swop_view{alive, {}, 0});
}

taskrunner_status status_in(const swarm_state& state, const taskrunner_record& runner,
                            uint64_t now_ms) {
  return derive_status(runner, peers_of(state, runner.name),
                       swop_view_in(state, runner, now_ms));
}

} // namespace swarm::membership
