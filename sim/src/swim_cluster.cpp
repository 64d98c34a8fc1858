#include "swarm/sim/swim_cluster.hpp"

#include <algorithm>
#include <cassert>
#include <cstdio>

namespace swarm::sim {

namespace {

constexpr int64_t never = std::numeric_limits<int64_t>::max();

std::string member_name(size_t i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "sn-%05zu", i);
  return buf;
}

// Host name and HPE's SN p2p port: lengths matter for the bandwidth
// estimates, and 14 characters still fit std::string's small buffer.
std::string member_address(size_t i) {
  auto result = member_name(i);
  result += ":30303";
  return result;
}

} // namespace

swim_cluster::swim_cluster(cluster_options opts)
  : opts_(std::move(opts)),
    rng_(opts_.seed),
    net_(rng_.fork(), opts_.network, opts_.size),
    nodes_(opts_.size),
    status_(opts_.size, member_status::pending),
    last_incarnation_(opts_.size, 0),
    scheduled_ms_(opts_.size, never),
    leave_by_ms_(opts_.size, never),
    sent_(opts_.size),
    second_bytes_(opts_.size, 0) {
  assert(opts_.size > 0);
  assert(opts_.config.validate());
  for (size_t i = 0; i < opts_.size; ++i) {
    names_.push_back(member_name(i));
    addresses_.push_back(member_address(i));
    by_name_.emplace(names_[i], i);
    by_address_.emplace(addresses_[i], i);
  }
  if (opts_.warm_start) {
    std::vector<membership::member> all;
    for (size_t i = 0; i < opts_.size; ++i)
      all.push_back(membership::member{names_[i], addresses_[i], {}, 0,
                                       membership::member_state::alive, 0});
    snapshot_ = membership::member_snapshot::make(std::move(all));
  }
  for (size_t i = 0; i < opts_.size; ++i) {
    auto at_ms = opts_.warm_start ? 0 : static_cast<int64_t>(i) * opts_.join_spacing_ms;
    wakes_.push(at_ms, wake{i, true});
  }
}

swim_cluster::~swim_cluster() = default;

size_t swim_cluster::index_of(const std::string& name) const {
  auto i = by_name_.find(name);
  assert(i != by_name_.end());
  return i->second;
}

// -- time ---------------------------------------------------------------------

void swim_cluster::run_until(int64_t t_ms) {
  assert(t_ms >= now_ms_);
  for (;;) {
    auto net_at = net_.has_pending() ? net_.next_at_ms() : never;
    auto wake_at = wakes_.empty() ? never : wakes_.next_at_ms();
    auto at = std::min(net_at, wake_at);
    if (at > t_ms)
      break;
    now_ms_ = at;
    if (net_at <= wake_at)
      deliver_next();
    else
      wake_next();
  }
  now_ms_ = t_ms;
}

bool swim_cluster::run_until(const std::function<bool()>& done, int64_t deadline_ms,
                             int64_t step_ms) {
  assert(step_ms > 0);
  while (!done()) {
    if (now_ms_ >= deadline_ms)
      return false;
    run_until(std::min(deadline_ms, now_ms_ + step_ms));
  }
  return true;
}

void swim_cluster::deliver_next() {
  auto d = net_.pop();
  if (!d)
    return;
  auto& node = nodes_[d->to];
  if (!node)
    return;
  node->tick(now_ms_);
  node->step(membership::peer{names_[d->from], addresses_[d->from]}, d->payload);
  flush(d->to);
}

void swim_cluster::wake_next() {
  auto [at_ms, w] = wakes_.pop();
  if (w.start) {
    if (status_[w.node] == member_status::pending) {
      auto seeds = opts_.warm_start || w.node == 0 ? std::vector<std::string>{}
                                                   : seeds_for(w.node, w.node);
      start(w.node, std::move(seeds), 0, snapshot_);
    }
    return;
  }
  auto& node = nodes_[w.node];
  if (!node || scheduled_ms_[w.node] != at_ms)
    return; // stale: rescheduled earlier, or the member stopped
  scheduled_ms_[w.node] = never;
  node->tick(now_ms_);
  flush(w.node);
}

// -- members ------------------------------------------------------------------

void swim_cluster::start(size_t i, std::vector<std::string> seeds, uint64_t incarnation,
                         std::shared_ptr<const membership::member_snapshot> known) {
  assert(!nodes_[i]);
  membership::start_options so;
  so.self = membership::peer{names_[i], addresses_[i]};
  so.incarnation = incarnation;
  so.seeds = std::move(seeds);
  so.known = std::move(known);
  so.rng_seed = rng_.fork();
  so.now_ms = now_ms_;
  nodes_[i] = std::make_unique<membership::swim>(opts_.config, std::move(so));
  status_[i] = member_status::up;
  net_.set_up(static_cast<node_id>(i), true);
  flush(i);
}

std::vector<std::string> swim_cluster::seeds_for(size_t i, size_t started_before) {
  std::vector<std::string> result;
  if (i != 0)
    result.push_back(addresses_[0]);
  // Random other members, drawn among those that started before.
  auto pool = std::min(started_before, size());
  for (size_t tries = 0; result.size() < opts_.seed_count && tries < 4 * opts_.seed_count
                         && pool > 1;
       ++tries) {
    auto j = static_cast<size_t>(rng_.below(pool));
    if (j == i || std::find(result.begin(), result.end(), addresses_[j]) != result.end())
      continue;
    result.push_back(addresses_[j]);
  }
  return result;
}

void swim_cluster::crash(size_t i) {
  assert(status_[i] == member_status::up);
  last_incarnation_[i] = nodes_[i]->incarnation();
  nodes_[i].reset();
  status_[i] = member_status::crashed;
  scheduled_ms_[i] = never;
  net_.set_up(static_cast<node_id>(i), false);
}

void swim_cluster::restart(size_t i) {
  assert(status_[i] == member_status::crashed || status_[i] == member_status::left);
  // Fresh state: a restarted member knows only its seeds.
  start(i, seeds_for(i, size()), last_incarnation_[i] + 1, nullptr);
}

void swim_cluster::leave(size_t i, int64_t linger_ms) {
  assert(status_[i] == member_status::up);
  nodes_[i]->leave();
  leave_by_ms_[i] = now_ms_ + linger_ms;
  flush(i);
}

void swim_cluster::update_meta(size_t i, std::string meta) {
  assert(status_[i] == member_status::up);
  nodes_[i]->update_meta(std::move(meta));
  flush(i);
}

void swim_cluster::partition(const std::vector<std::vector<size_t>>& groups) {
  std::vector<std::vector<node_id>> ids;
  for (const auto& g : groups)
    ids.emplace_back(g.begin(), g.end());
  net_.partition(ids);
}

void swim_cluster::heal() {
  net_.heal();
}

void swim_cluster::set_network(network_options opts) {
  net_.set_options(opts);
}

// -- output -------------------------------------------------------------------

void swim_cluster::flush(size_t i) {
  auto& node = nodes_[i];
  assert(node);
  auto batch = node->take_ready();
  for (auto& ev : batch.events) {
    observed_event oe{now_ms_, i, std::move(ev)};
    for (auto& f : observers_)
      if (f)
        f(oe);
  }
  for (auto& out : batch.messages) {
    account(i, out.msg);
    auto to = by_address_.find(out.to.address);
    if (to == by_address_.end())
      continue; // nobody listens there
    net_.send(now_ms_, static_cast<node_id>(i), static_cast<node_id>(to->second),
              std::move(out.msg));
  }
  if (node->leaving() && (node->pending_updates() == 0 || now_ms_ >= leave_by_ms_[i])) {
    last_incarnation_[i] = node->incarnation();
    node.reset();
    status_[i] = member_status::left;
    scheduled_ms_[i] = never;
    net_.set_up(static_cast<node_id>(i), false);
    return;
  }
  schedule(i);
}

void swim_cluster::schedule(size_t i) {
  auto at_ms = nodes_[i]->next_deadline_ms();
  if (leave_by_ms_[i] != never)
    at_ms = std::min(at_ms, leave_by_ms_[i]);
  at_ms = std::max(at_ms, now_ms_);
  if (at_ms >= scheduled_ms_[i])
    return;
  scheduled_ms_[i] = at_ms;
  wakes_.push(at_ms, wake{i, false});
}

void swim_cluster::account(size_t i, const membership::message& msg) {
  auto bytes = membership::encoded_size(msg);
  sent_[i].messages += 1;
  sent_[i].bytes += bytes;
  by_type_[msg.body.index()].messages += 1;
  by_type_[msg.body.index()].bytes += bytes;
  auto second = now_ms_ / 1000;
  if (second != current_second_) {
    // Only whole seconds count towards the peak.
    peak_bytes_ = std::max(peak_bytes_,
                           *std::max_element(second_bytes_.begin(), second_bytes_.end()));
    std::fill(second_bytes_.begin(), second_bytes_.end(), 0);
    current_second_ = second;
  }
  // Full-state exchanges are bulk transfers on their own (long) period; the
  // peak tracks the packet traffic of probing and gossip.
  if (!std::holds_alternative<membership::push_pull>(msg.body))
    second_bytes_[i] += bytes + opts_.framing_bytes;
}

void swim_cluster::reset_peak() {
  peak_bytes_ = 0;
  std::fill(second_bytes_.begin(), second_bytes_.end(), 0);
  current_second_ = now_ms_ / 1000;
}

} // namespace swarm::sim
