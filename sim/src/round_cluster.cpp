// The driver of the merge-round simulation: construction, boot, clock and
// message delivery. Faults and membership are in round_cluster_faults.cpp,
// the fake MLs in round_cluster_ml.cpp, the oracle in
// round_cluster_oracle.cpp.

#include <algorithm>
#include <cassert>
#include <limits>
#include <string>

#include "round_cluster_impl.hpp"

namespace swarm::sim {

namespace {

constexpr int64_t never = std::numeric_limits<int64_t>::max();

// "n3", or "n3~2" after two restarts. (Built by appending: GCC 12 warns
// falsely on `"n" + std::to_string(i)`.)
std::string slot_name(size_t i, uint32_t restarts) {
  std::string result = "n";
  result += std::to_string(i);
  if (restarts > 0) {
    result += '~';
    result += std::to_string(restarts);
  }
  return result;
}

// The same starting model for every node (as if all MLs seeded their
// initialisation alike); a misshaped node's "w" has one column more.
merge::tensor_bundle initial_model(membership::prng& rng, bool misshaped) {
  auto fill = [&](size_t n) {
    std::vector<float> v(n);
    for (auto& x : v)
      x = static_cast<float>(rng.uniform() * 2.0 - 1.0);
    return v;
  };
  int64_t cols = misshaped ? 5 : 4;
  merge::tensor_bundle b;
  auto w = fill(static_cast<size_t>(3 * cols));
  auto bias = fill(4);
  b.add("w", {3, cols}, w.data());
  b.add("b", {4}, bias.data());
  return b;
}

} // namespace

merge::round_config sim_round_config(uint32_t min_peers) {
  merge::round_config cfg;
  cfg.min_peers = min_peers;
  cfg.full_quorum_wait_ms = 600;
  cfg.leader_timeout_ms = 1'000;
  cfg.heartbeat_interval_ms = 200;
  cfg.exchange_timeout_ms = 1'000;
  cfg.discovery_settle_ms = 300;
  return cfg;
}

round_cluster::round_cluster(round_cluster_options opts)
  : opts_(std::move(opts)), rng_(opts_.seed),
    queue_(std::make_unique<event_queue<sim_event>>()) {
  size_t endpoints = opts_.nodes + opts_.spare_endpoints;
  net_ = std::make_unique<network<merge::round_message>>(rng_.fork(), opts_.network, endpoints);
  endpoint_name_.resize(endpoints);
  for (node_id e = 0; e < endpoints; ++e)
    net_->set_up(e, false);
  auto init_seed = rng_.fork();
  for (size_t i = 0; i < opts_.nodes; ++i) {
    slots_.push_back(std::make_unique<slot>());
    slots_[i]->index = i;
    slots_[i]->name = slot_name(i, 0);
  }
  for (size_t i = 0; i < opts_.nodes; ++i) {
    if (opts_.late.contains(i))
      continue;
    boot(i, false);
    membership::prng init{init_seed};
    auto model = initial_model(init, false);
    if (opts_.misshaped.contains(i))
      model = initial_model(init, true);
    slots_[i]->model = std::make_shared<const merge::tensor_bundle>(std::move(model));
    slots_[i]->initial = slots_[i]->model;
    slots_[i]->needs_first_model = false;
    schedule_training(i);
  }
  update_membership();
}

round_cluster::~round_cluster() = default;

size_t round_cluster::size() const noexcept {
  return slots_.size();
}

const merge::round_coordinator* round_cluster::node(size_t i) const {
  return slots_[i]->running ? slots_[i]->coord.get() : nullptr;
}

const std::string& round_cluster::name_of(size_t i) const {
  return slots_[i]->name;
}

bool round_cluster::running(size_t i) const {
  return slots_[i]->running;
}

std::optional<size_t> round_cluster::leader() const {
  for (size_t i = 0; i < slots_.size(); ++i)
    if (slots_[i]->running && slots_[i]->coord->leading())
      return i;
  return std::nullopt;
}

const network_stats& round_cluster::net_stats() const {
  return net_->stats();
}

void round_cluster::boot(size_t i, bool fresh_name) {
  auto& s = *slots_[i];
  ++s.life;
  if (fresh_name)
    s.name = slot_name(i, ++s.restarts);
  assert(next_endpoint_ < endpoint_name_.size() && "raise spare_endpoints");
  s.endpoint = next_endpoint_++;
  endpoint_slot_[s.endpoint] = i;
  name_endpoint_[s.name] = s.endpoint;
  endpoint_name_[s.endpoint] = s.name;
  net_->set_up(s.endpoint, true);
  auto cfg = opts_.config;
  cfg.eligible = !opts_.ineligible.contains(i);
  s.coord = !fresh_name && s.disk ? std::make_unique<merge::round_coordinator>(s.name, cfg, now_ms_, *s.disk)
                     : std::make_unique<merge::round_coordinator>(s.name, cfg, now_ms_);
  s.running = true;
  s.stalled_until = -1;
  s.held.clear();
  s.peers.clear();
  s.rng = membership::prng{opts_.seed * 1'000'003 + i * 7'919 + s.life};
  s.model.reset();
  s.model_round = 0;
  s.syncs = 0;
  s.epochs = opts_.epochs + static_cast<uint32_t>(i % std::max<uint32_t>(1, opts_.epoch_spread));
  s.training = s.waiting = s.finished = s.over = false;
  s.needs_first_model = true;
  // The round every running node has committed: its first model must not
  // be older. (While a commit spreads, a peer that has not heard of it yet
  // may answer first; the newer round then follows as a second catch-up.)
  s.latest_at_boot = std::numeric_limits<uint64_t>::max();
  for (const auto& other : slots_)
    if (other->running && other.get() != &s)
      s.latest_at_boot = std::min(s.latest_at_boot, other->coord->committed_round());
  if (s.latest_at_boot == std::numeric_limits<uint64_t>::max())
    s.latest_at_boot = 0;
  if (!groups_.empty())
    partition(groups_);
  queue_->push(now_ms_ + s.rng.between(0, opts_.tick_max_ms), {sim_event::tick, i, s.life});
  if (!fresh_name && s.life > 1)
    resume(i);
}

void round_cluster::resume(size_t i) {
  // As the SL does at the ML's first sync: start from the saved commit
  // (newer ones come by catch-up once it checks in), or with nothing
  // committed yet, from the ML's own initial model.
  auto& s = *slots_[i];
  s.needs_first_model = false;
  if (!s.coord->committed_model()) {
    s.model = s.initial;
    if (s.model)
      schedule_training(i);
    return;
  }
  merge::round_event ev;
  ev.round = s.coord->committed_round();
  ev.digest = s.coord->committed_digest();
  ev.model = s.coord->committed_model();
  ev.final = s.coord->training_over();
  ml_apply(i, ev);
}

void round_cluster::run_until(int64_t t_ms) {
  while (step_once(t_ms)) {
  }
  now_ms_ = std::max(now_ms_, t_ms);
}

void round_cluster::run_for(int64_t ms) {
  run_until(now_ms_ + ms);
}

bool round_cluster::run_until(const std::function<bool()>& done, int64_t limit_ms) {
  while (!done())
    if (!step_once(limit_ms))
      return done();
  return true;
}

bool round_cluster::run_to_end(int64_t limit_ms) {
  return run_until(
    [this] {
      bool any = false;
      for (const auto& s : slots_) {
        if (!s->running)
          continue;
        if (!s->over || !s->coord->training_over())
          return false;
        any = true;
      }
      return any;
    },
    limit_ms);
}

bool round_cluster::step_once(int64_t limit_ms) {
  int64_t t_net = net_->has_pending() ? net_->next_at_ms() : never;
  int64_t t_ev = queue_->empty() ? never : queue_->next_at_ms();
  int64_t t = std::min(t_net, t_ev);
  if (t == never || t > limit_ms)
    return false;
  now_ms_ = std::max(now_ms_, t);
  if (t_net <= t_ev) {
    auto d = net_->pop();
    if (!d)
      return true;
    auto i = endpoint_slot_.at(d->to);
    auto& s = *slots_[i];
    if (!s.running || s.endpoint != d->to)
      return true;
    if (s.stalled_until > now_ms_)
      s.held.emplace_back(endpoint_name_[d->from], std::move(d->payload));
    else
      deliver(i, endpoint_name_[d->from], d->payload);
    return true;
  }
  auto [at_ms, e] = queue_->pop();
  (void) at_ms;
  if (e.kind == sim_event::membership) {
    update_membership();
  } else if (e.kind == sim_event::run_action) {
    // Move it out first: the action may schedule more actions.
    auto action = std::move(actions_[e.action_index]);
    action();
  } else {
    auto& s = *slots_[e.slot];
    if (!s.running || s.life != e.life)
      return true;
    if (s.stalled_until > now_ms_)
      queue_->push(s.stalled_until, e);
    else if (e.kind == sim_event::tick)
      tick(e.slot);
    else
      trained(e.slot);
  }
  return true;
}

void round_cluster::deliver(size_t i, const std::string& from, const merge::round_message& msg) {
  slots_[i]->coord->step(from, msg, now_ms_);
  after_step(i);
}

void round_cluster::tick(size_t i) {
  auto& s = *slots_[i];
  auto life = s.life;
  s.coord->tick(now_ms_);
  after_step(i);
  if (s.running && s.life == life)
    queue_->push(now_ms_ + s.rng.between(opts_.tick_min_ms, opts_.tick_max_ms),
                 {sim_event::tick, i, s.life});
}

void round_cluster::after_step(size_t i) {
  auto& s = *slots_[i];
  auto life = s.life;
  while (s.running && s.life == life) {
    record_leadership(i);
    auto ready = s.coord->take_ready();
    // Saved before anything of the batch happens, as the SL does.
    if (ready.hard_state)
      s.disk = std::move(ready.hard_state);
    if (ready.events.empty() && ready.messages.empty())
      return;
    for (const auto& ev : ready.events) {
      on_event(i, ev);
      if (!s.running || s.life != life)
        return;
    }
    for (auto& out : ready.messages) {
      auto verdict = filter_ ? filter_(i, out) : send_verdict::send;
      if (verdict == send_verdict::crash) {
        crash(i);
        return;
      }
      auto to = name_endpoint_.find(out.to);
      if (verdict == send_verdict::send && to != name_endpoint_.end())
        net_->send(now_ms_, s.endpoint, to->second, std::move(out.msg));
    }
  }
}

} // namespace swarm::sim
