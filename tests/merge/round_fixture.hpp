#pragma once

// A hand-driven bench for round coordinators: the test decides the time,
// which messages arrive and which are lost.

#include <boost/test/unit_test.hpp>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "swarm/merge/round_coordinator.hpp"

namespace round_test {

using namespace swarm;
using namespace swarm::merge;

/// Small timeouts, so that a test can step through elections in a few ticks.
inline round_config quick_config(uint32_t min_peers) {
  round_config cfg;
  cfg.min_peers = min_peers;
  cfg.full_quorum_wait_ms = 50;
  cfg.leader_timeout_ms = 100;
  cfg.heartbeat_interval_ms = 20;
  cfg.exchange_timeout_ms = 100;
  // The nodes of a bench know each other from the start.
  cfg.discovery_settle_ms = 0;
  return cfg;
}

/// A model with tensors "w" [3,cols] and "b" [4], every value `x`.
inline model_ptr model_of(float x, int64_t cols = 4) {
  tensor_bundle b;
  std::vector<float> w(static_cast<size_t>(3 * cols), x);
  std::vector<float> bias(4, x);
  b.add("w", {3, cols}, w.data());
  b.add("b", {4}, bias.data());
  return std::make_shared<const tensor_bundle>(std::move(b));
}

/// Check-in data with a weight.
inline checkin_info info(double weight = 1.0, bool done = false) {
  checkin_info x;
  x.weight = weight;
  x.samples = 100;
  x.done = done;
  return x;
}

/// A message in flight.
struct envelope {
  std::string from;
  std::string to;
  round_message msg;
};

/// Coordinators that talk through a FIFO the test controls.
struct bench {
  std::map<std::string, std::unique_ptr<round_coordinator>> nodes;
  std::deque<envelope> wire;
  std::map<std::string, std::vector<round_event>> events;
  /// Speculative merges each node handed out (`round_ready::speculated`).
  std::map<std::string, std::vector<digested_model>> speculated;
  /// Every message sent so far, delivered or not.
  std::vector<envelope> log;
  /// Returns false for messages the test wants lost.
  std::function<bool(const envelope&)> pass = [](const envelope&) { return true; };
  int64_t now = 0;

  /// Adds nodes that all know each other.
  bench(const std::vector<std::string>& names, uint32_t min_peers)
    : bench(names, quick_config(min_peers)) {
    // nop
  }

  bench(const std::vector<std::string>& names, const round_config& cfg) {
    std::set<std::string> all{names.begin(), names.end()};
    for (const auto& n : names)
      nodes[n] = std::make_unique<round_coordinator>(n, cfg, now);
    for (const auto& n : names)
      nodes[n]->set_peers(all, now);
    collect();
  }

  round_coordinator& operator[](const std::string& name) {
    return *nodes.at(name);
  }

  /// Moves every node's output onto the wire and into `events`.
  void collect() {
    for (auto& [name, node] : nodes) {
      auto ready = node->take_ready();
      for (auto& out : ready.messages) {
        envelope e{name, out.to, std::move(out.msg)};
        log.push_back(e);
        if (pass(e))
          wire.push_back(std::move(e));
      }
      for (auto& ev : ready.events)
        events[name].push_back(std::move(ev));
      if (ready.speculated)
        speculated[name].push_back(std::move(*ready.speculated));
    }
  }

  /// Delivers messages until none is left (or `limit` were delivered).
  void pump(size_t limit = 100'000) {
    collect();
    while (!wire.empty() && limit-- > 0) {
      auto e = std::move(wire.front());
      wire.pop_front();
      if (nodes.contains(e.to))
        nodes.at(e.to)->step(e.from, e.msg, now);
      collect();
    }
  }

  /// Advances the clock in `step_ms` steps to `until`, ticking every node
  /// and delivering everything at each step.
  void run_to(int64_t until, int64_t step_ms = 5) {
    while (now < until) {
      now += step_ms;
      for (auto& [name, node] : nodes)
        node->tick(now);
      pump();
    }
  }

  /// Returns the committed events of `name`.
  std::vector<round_event> commits(const std::string& name) const {
    std::vector<round_event> result;
    if (auto i = events.find(name); i != events.end())
      for (const auto& ev : i->second)
        if (ev.kind == round_event::committed)
          result.push_back(ev);
    return result;
  }

  /// Returns the messages of type Msg sent by `from` so far.
  template <class Msg>
  std::vector<Msg> sent(const std::string& from) const {
    std::vector<Msg> result;
    for (const auto& e : log)
      if (e.from == from)
        if (auto* m = std::get_if<Msg>(&e.msg))
          result.push_back(*m);
    return result;
  }
};

/// Every node in `names` checks in with a fresh model; then delivers.
inline void check_in(bench& b, const std::vector<std::string>& names) {
  for (const auto& n : names)
    b[n].check_in(info(), model_of(static_cast<float>(b.now % 7)), b.now);
  b.pump();
}

/// The weighted mean of `(model, weight)` pairs, as the leader must merge.
inline sha256_digest mean_digest(const std::vector<std::pair<model_ptr, double>>& xs) {
  std::vector<contribution> inputs;
  for (const auto& [m, w] : xs)
    inputs.push_back(contribution{"x", w, m.get()});
  auto merged = merge_models(inputs);
  BOOST_REQUIRE(merged);
  return digest(*merged);
}

/// Tells every node that the live nodes are the bench's nodes.
inline void refresh_peers(bench& b) {
  std::set<std::string> alive;
  for (const auto& [n, _] : b.nodes)
    alive.insert(n);
  for (auto& [n, node] : b.nodes) {
    auto peers = alive;
    peers.erase(n);
    node->set_peers(peers, b.now);
  }
}

/// Kills `name`: its messages are lost and the others' membership drops it.
inline void kill(bench& b, const std::string& name) {
  b.nodes.erase(name);
  auto prev = b.pass;
  b.pass = [prev, name](const envelope& e) { return e.to != name && prev(e); };
  refresh_peers(b);
}

/// Starts node `name`, which the others find now.
inline void join(bench& b, const std::string& name, const round_config& cfg) {
  b.nodes[name] = std::make_unique<round_coordinator>(name, cfg, b.now);
  refresh_peers(b);
}

} // namespace round_test
