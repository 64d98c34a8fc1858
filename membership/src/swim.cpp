// The machine's plumbing: construction, the tick dispatcher, output, and
// periodic gossip. Failure detection, the rules for claims and the
// full-state paths live in swim_probe.cpp, swim_updates.cpp and
// swim_sync.cpp.
#include "swarm/membership/swim.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

#include "swarm/membership/timeouts.hpp"

namespace swarm::membership {

namespace {

// The first grid point at or after `now_ms` of a period that started at
// `next_ms`.
int64_t grid_at_or_after(int64_t next_ms, int64_t period_ms, int64_t now_ms) {
  if (next_ms >= now_ms)
    return next_ms;
  auto periods = (now_ms - next_ms + period_ms - 1) / period_ms;
  return next_ms + periods * period_ms;
}

// Random phase in [0, period) so members started together do not act in
// lockstep.
int64_t stagger(prng& rng, int64_t period_ms) {
  return period_ms > 0 ? rng.between(0, period_ms - 1) : 0;
}

} // namespace

swim::swim(const config& cfg, start_options opts)
  : cfg_(cfg),
    self_(std::move(opts.self)),
    meta_(std::move(opts.meta)),
    incarnation_(opts.incarnation),
    rng_(opts.rng_seed),
    now_ms_(opts.now_ms),
    table_(std::move(opts.known)),
    awareness_(cfg.awareness_max_multiplier),
    seeds_(std::move(opts.seeds)) {
  assert(cfg_.validate());
  assert(!self_.name.empty());
  member me{self_.name, self_.address, meta_, incarnation_, member_state::alive, now_ms_};
  if (auto slot = table_.find_slot(self_.name)) {
    self_slot_ = *slot;
    table_.assign(*slot, std::move(me));
  } else {
    self_slot_ = table_.insert(std::move(me));
  }
  std::erase(seeds_, self_.address);
  joined_ = seeds_.empty();
  next_join_ms_ = joined_ ? never : now_ms_;
  next_probe_ms_ = now_ms_ + stagger(rng_, cfg_.probe_interval_ms);
  next_gossip_ms_ = now_ms_ + stagger(rng_, cfg_.gossip_interval_ms);
  if (cfg_.push_pull_interval_ms > 0) {
    auto period = push_pull_scaled_ms(cfg_.push_pull_interval_ms, table_.live_count());
    next_push_pull_ms_ = now_ms_ + stagger(rng_, period);
  }
  if (cfg_.reconnect_interval_ms > 0)
    next_reconnect_ms_ = now_ms_ + cfg_.reconnect_interval_ms
                         + stagger(rng_, cfg_.reconnect_interval_ms);
  next_reap_ms_ = now_ms_ + std::clamp<int64_t>(cfg_.tombstone_retention_ms / 8, 1000, 60000);
}

// -- inputs -------------------------------------------------------------------

void swim::step(const peer& from, const message& msg) {
  assert(!from.name.empty());
  if (msg.version == 0 || from.name == self_.name)
    return;
  // Updates first: a ping that carries a suspicion about us then gets an ack
  // that already carries our refutation.
  stale_claim_seen_ = false;
  for (const auto& u : msg.updates)
    apply(u);
  if (stale_claim_seen_ && !leaving_) {
    // The sender still spreads an old suspicion or death of us, so it
    // missed our refutation: tell it directly.
    message direct;
    direct.body = gossip{};
    direct.updates.push_back(
      update{update_kind::alive, self_.name, incarnation_, self_.name, self_.address, meta_});
    ready_.messages.push_back(outbound{from, std::move(direct)});
  }
  std::visit(
    [&](const auto& body) {
      using type = std::decay_t<decltype(body)>;
      if constexpr (std::is_same_v<type, ping>)
        on_ping(from, body);
      else if constexpr (std::is_same_v<type, ping_req>)
        on_ping_req(from, body);
      else if constexpr (std::is_same_v<type, ack>)
        on_ack(body);
      else if constexpr (std::is_same_v<type, nack>)
        on_nack(body);
      else if constexpr (std::is_same_v<type, push_pull>)
        on_push_pull(from, body);
      else if constexpr (std::is_same_v<type, join>)
        on_join(from, body);
      else if constexpr (std::is_same_v<type, membership::leave>)
        on_leave(from, body);
      // gossip: the updates were the whole point.
    },
    msg.body);
}

void swim::tick(int64_t now_ms) {
  assert(now_ms >= now_ms_);
  now_ms_ = now_ms;
  tick_join();
  tick_suspicions();
  tick_probe();
  tick_relays();
  tick_gossip();
  tick_push_pull();
  tick_reconnect();
  tick_reap();
}

void swim::leave() {
  if (leaving_)
    return;
  leaving_ = true;
  auto me = table_.at(self_slot_);
  me.state = member_state::left;
  me.state_change_ms = now_ms_;
  table_.assign(self_slot_, me);
  enqueue(update{update_kind::left, self_.name, incarnation_, self_.name, {}, {}});
  // Tell a few members at once rather than waiting for the next gossip
  // round; the seeds always. When a task ends, all its SLs stop at once:
  // random targets may all be leaving too and pass the news to nobody,
  // while the seeds (the SN an SL joined through, the sentinel) stay.
  auto is_seed = [&](const member& m) {
    return std::find(seeds_.begin(), seeds_.end(), m.address) != seeds_.end();
  };
  auto eligible = [&](const member& m) {
    return m.state == member_state::alive && m.name != self_.name;
  };
  std::vector<member_slot> targets;
  if (!seeds_.empty())
    for (member_slot slot = 0; slot < table_.slot_count(); ++slot)
      if (const auto& m = table_.at(slot); !m.name.empty() && eligible(m) && is_seed(m))
        targets.push_back(slot);
  table_.sample(
    rng_, cfg_.gossip_nodes, [&](const member& m) { return eligible(m) && !is_seed(m); },
    targets);
  for (auto slot : targets) {
    const auto& m = table_.at(slot);
    send({m.name, m.address}, membership::leave{incarnation_});
    // Bare: the leave already carried the updates, and the gossip that
    // follows keeps its share of their transmissions.
    message confirm;
    confirm.body = ping{next_seq_no(), m.name};
    leave_pings_.push_back(std::get<ping>(confirm.body).seq_no);
    ready_.messages.push_back(outbound{{m.name, m.address}, std::move(confirm)});
  }
}

void swim::update_meta(std::string meta) {
  meta_ = std::move(meta);
  ++incarnation_;
  auto me = table_.at(self_slot_);
  me.meta = meta_;
  me.incarnation = incarnation_;
  table_.assign(self_slot_, me);
  enqueue(update{update_kind::alive, self_.name, incarnation_, self_.name, self_.address, meta_});
}

// -- outputs ------------------------------------------------------------------

ready_batch swim::take_ready() {
  return std::exchange(ready_, ready_batch{});
}

int64_t swim::next_deadline_ms() const {
  auto result = next_reap_ms_;
  auto consider = [&result](int64_t t) { result = std::min(result, t); };
  if (!leaving_) {
    if (!joined_)
      consider(next_join_ms_);
    if (probe_.active) {
      if (!probe_.acked && !probe_.indirect_sent)
        consider(probe_.indirect_at_ms);
      consider(probe_.deadline_ms);
    } else {
      consider(next_probe_ms_);
    }
    consider(next_push_pull_ms_);
    consider(next_reconnect_ms_);
  }
  if (!queue_.empty())
    consider(grid_at_or_after(next_gossip_ms_, cfg_.gossip_interval_ms, now_ms_));
  for (const auto& [_, r] : relays_)
    consider(r.nack_sent ? r.expires_ms : r.nack_at_ms);
  return suspicions_.next_deadline_ms(result);
}

// -- plumbing -----------------------------------------------------------------

void swim::send(peer to, message_body body) {
  message msg;
  msg.body = std::move(body);
  if (std::holds_alternative<push_pull>(msg.body)) {
    // Full state already says everything; keep the big message lean.
    ready_.messages.push_back(outbound{std::move(to), std::move(msg)});
    return;
  }
  send_with_updates(std::move(to), std::move(msg), {});
}

void swim::send_with_updates(peer to, message msg, std::string_view buddy) {
  assert(msg.updates.empty());
  // A member that left is going away: updates piggybacked on our acks to
  // its departure pings would spend their transmissions on nobody (forty
  // SLs leaving at once used up every transmission of their news so).
  if (const auto* m = table_.find(to.name); m && m->state == member_state::left) {
    ready_.messages.push_back(outbound{std::move(to), std::move(msg)});
    return;
  }
  auto used = encoded_size(msg);
  // Lifeguard's buddy system: a suspect we talk to hears of its suspicion
  // first, so it can refute without waiting for gossip to find it.
  if (!buddy.empty()) {
    if (const auto* m = table_.find(buddy); m && m->state == member_state::suspect) {
      msg.updates.push_back(
        update{update_kind::suspect, m->name, m->incarnation, self_.name, {}, {}});
      used += embedded_size(encoded_size(msg.updates.back()));
    }
  }
  if (used < cfg_.packet_budget_bytes)
    queue_.take(cfg_.packet_budget_bytes - used, transmit_limit(), msg.updates, to.name);
  ready_.messages.push_back(outbound{std::move(to), std::move(msg)});
}

void swim::emit(event_kind kind, const member& subject) {
  ready_.events.push_back(membership_event{kind, subject});
}

uint32_t swim::next_seq_no() {
  return ++seq_no_;
}

uint32_t swim::transmit_limit() const {
  return retransmit_limit(cfg_.retransmit_mult, cfg_.min_retransmits, table_.live_count());
}

void swim::enqueue(update x, uint32_t limit_factor) {
  queue_.push(std::move(x), limit_factor);
}

std::vector<member_record> swim::snapshot_records() const {
  std::vector<member_record> result;
  result.reserve(table_.size());
  for (member_slot slot = 0; slot < table_.slot_count(); ++slot) {
    const auto& m = table_.at(slot);
    if (!m.name.empty())
      result.push_back(member_record{m.name, m.address, m.meta, m.incarnation, m.state});
  }
  return result;
}

void swim::tick_gossip() {
  if (now_ms_ < next_gossip_ms_)
    return;
  next_gossip_ms_ = grid_at_or_after(next_gossip_ms_, cfg_.gossip_interval_ms, now_ms_ + 1);
  if (queue_.empty())
    return;
  std::vector<member_slot> targets;
  auto eligible = [&](const member& m) {
    if (m.name == self_.name)
      return false;
    if (is_live(m.state))
      return true;
    // Recently dead members still hear gossip so they can refute.
    return m.state == member_state::dead
           && now_ms_ - m.state_change_ms <= cfg_.gossip_to_the_dead_ms;
  };
  table_.sample(rng_, cfg_.gossip_nodes, eligible, targets);
  for (auto slot : targets) {
    if (queue_.empty())
      break;
    const auto& m = table_.at(slot);
    message msg;
    msg.body = gossip{};
    send_with_updates({m.name, m.address}, std::move(msg), {});
    if (ready_.messages.back().msg.updates.empty())
      ready_.messages.pop_back();
  }
}

void swim::tick_reap() {
  if (now_ms_ < next_reap_ms_)
    return;
  next_reap_ms_ = now_ms_ + std::clamp<int64_t>(cfg_.tombstone_retention_ms / 8, 1000, 60000);
  for (member_slot slot = 0; slot < table_.slot_count(); ++slot) {
    const auto& m = table_.at(slot);
    if (m.name.empty() || is_live(m.state) || slot == self_slot_)
      continue;
    if (now_ms_ - m.state_change_ms >= cfg_.tombstone_retention_ms)
      table_.erase(slot);
  }
}

} // namespace swarm::membership
