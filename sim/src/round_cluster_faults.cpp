// Faults and membership of the merge-round simulation: late starts,
// crashes, restarts, partitions, stalls, and the `set_peers` calls that
// membership makes after its detection delay.

#include <algorithm>
#include <cassert>

#include "round_cluster_impl.hpp"

namespace swarm::sim {

void round_cluster::start(size_t i) {
  assert(!slots_[i]->running && slots_[i]->life == 0);
  boot(i, false);
  membership_changed();
}

void round_cluster::crash(size_t i) {
  auto& s = *slots_[i];
  if (!s.running)
    return;
  s.running = false;
  ++s.life;
  s.coord.reset();
  s.held.clear();
  net_->set_up(s.endpoint, false);
  membership_changed();
}

void round_cluster::restart(size_t i) {
  assert(!slots_[i]->running && !slots_[i]->quit);
  boot(i, !opts_.durable);
  membership_changed();
}

void round_cluster::partition(const std::vector<std::vector<size_t>>& groups) {
  groups_ = groups;
  std::vector<std::vector<node_id>> endpoints;
  for (const auto& g : groups) {
    endpoints.emplace_back();
    for (auto i : g)
      endpoints.back().push_back(slots_[i]->endpoint);
  }
  net_->partition(endpoints);
  membership_changed();
}

void round_cluster::heal() {
  groups_.clear();
  net_->heal();
  membership_changed();
}

void round_cluster::stall(size_t i, int64_t ms) {
  auto& s = *slots_[i];
  s.stalled_until = now_ms_ + ms;
  auto life = s.life;
  at(s.stalled_until, [this, i, life] {
    auto& x = *slots_[i];
    if (!x.running || x.life != life)
      return;
    x.stalled_until = -1;
    auto held = std::move(x.held);
    x.held.clear();
    for (auto& [from, msg] : held)
      if (x.running && x.life == life)
        deliver(i, from, msg);
    update_membership();
  });
}

void round_cluster::set_network(network_options opts) {
  net_->set_options(opts);
}

void round_cluster::at(int64_t t_ms, std::function<void()> action) {
  actions_.push_back(std::move(action));
  queue_->push(std::max(t_ms, now_ms_), {sim_event::run_action, 0, 0, actions_.size() - 1});
}

void round_cluster::on_send(send_filter filter) {
  filter_ = std::move(filter);
}

void round_cluster::membership_changed() {
  queue_->push(now_ms_ + opts_.membership_delay_ms, {sim_event::membership});
}

void round_cluster::update_membership() {
  for (size_t i = 0; i < slots_.size(); ++i) {
    auto& s = *slots_[i];
    if (!s.running || s.stalled_until > now_ms_)
      continue;
    std::set<std::string> view;
    for (const auto& other : slots_)
      if (other.get() != &s && other->running && net_->reachable(s.endpoint, other->endpoint))
        view.insert(other->name);
    if (view == s.peers)
      continue;
    s.peers = view;
    s.coord->set_peers(view, now_ms_);
    after_step(i);
  }
}

} // namespace swarm::sim
