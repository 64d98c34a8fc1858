// The rules for membership claims (memberlist's aliveNode, suspectNode and
// deadNode): higher incarnations win; a member refutes claims about itself
// by raising its incarnation; suspicions expire into death (Lifeguard).
#include <cassert>

#include "swarm/membership/swim.hpp"
#include "swarm/membership/timeouts.hpp"

namespace swarm::membership {

void swim::apply(const update& x) {
  switch (x.kind) {
    case update_kind::alive:
      on_alive(x);
      break;
    case update_kind::suspect:
      on_suspect(x);
      break;
    case update_kind::dead:
    case update_kind::left:
      on_dead(x);
      break;
  }
}

void swim::on_alive(const update& x) {
  if (x.node.empty())
    return;
  if (x.node == self_.name) {
    // Someone claims a newer us: another process under our name, or news of
    // an earlier life. Out-bid it so our own claim wins.
    if (!leaving_ && x.incarnation > incarnation_)
      refute(x.incarnation);
    return;
  }
  auto slot = table_.find_slot(x.node);
  if (!slot) {
    member m{x.node, x.address, x.meta, x.incarnation, member_state::alive, now_ms_};
    auto s = table_.insert(m);
    order_.add(s, rng_);
    emit(event_kind::joined, m);
    enqueue(x);
    return;
  }
  const auto& old = table_.at(*slot);
  if (x.incarnation <= old.incarnation)
    return;
  auto old_state = old.state;
  bool changed = old.address != x.address || old.meta != x.meta;
  member m = old;
  m.incarnation = x.incarnation;
  m.address = x.address;
  m.meta = x.meta;
  m.state = member_state::alive;
  if (old_state != member_state::alive)
    m.state_change_ms = now_ms_;
  table_.assign(*slot, m);
  suspicions_.erase(x.node);
  if (old_state == member_state::dead || old_state == member_state::left) {
    order_.add(*slot, rng_);
    emit(event_kind::joined, m);
  } else if (old_state == member_state::suspect) {
    emit(event_kind::alive, m);
  }
  if (changed && old_state != member_state::dead && old_state != member_state::left)
    emit(event_kind::updated, m);
  enqueue(x, old_state == member_state::alive ? 1 : refutation_transmit_factor);
}

void swim::on_suspect(const update& x) {
  if (x.node == self_.name) {
    on_claim_about_self(x);
    return;
  }
  auto slot = table_.find_slot(x.node);
  if (!slot)
    return;
  const auto& m = table_.at(*slot);
  if (x.incarnation < m.incarnation)
    return;
  if (suspicions_.find(x.node) != nullptr) {
    // Independent confirmations shorten the timer and are worth re-gossiping
    // so that others' timers shrink too. A suspicion of a newer incarnation
    // means the suspect refuted (we missed it) and is suspected again: the
    // old evidence no longer counts, so the timer starts over below.
    if (x.incarnation == m.incarnation) {
      if (suspicions_.confirm(x.node, x.from))
        enqueue(x);
      return;
    }
    suspicions_.erase(x.node);
  } else if (m.state != member_state::alive) {
    return;
  }
  member s = m;
  s.state = member_state::suspect;
  s.incarnation = x.incarnation;
  s.state_change_ms = now_ms_;
  table_.assign(*slot, s);
  auto n = table_.live_count();
  auto min_ms = suspicion_timeout_ms(cfg_.suspicion_mult, n, cfg_.probe_interval_ms);
  auto max_ms = min_ms * cfg_.suspicion_max_timeout_mult;
  auto k = expected_confirmations(cfg_.suspicion_mult, n);
  suspicions_.start(x.node, suspicion{x.from, k, now_ms_, min_ms, max_ms});
  emit(event_kind::suspect, s);
  enqueue(x);
}

void swim::on_dead(const update& x) {
  if (x.node == self_.name) {
    on_claim_about_self(x);
    return;
  }
  auto slot = table_.find_slot(x.node);
  if (!slot)
    return;
  const auto& m = table_.at(*slot);
  if (x.incarnation < m.incarnation)
    return;
  if (m.state == member_state::dead || m.state == member_state::left)
    return;
  // Only a member itself can leave; "left" relayed from others is honoured
  // because `from` names the leaver, and anything else counts as death.
  bool left = x.kind == update_kind::left && x.from == x.node;
  member d = m;
  d.state = left ? member_state::left : member_state::dead;
  d.incarnation = x.incarnation;
  d.state_change_ms = now_ms_;
  table_.assign(*slot, d);
  suspicions_.erase(x.node);
  emit(left ? event_kind::left : event_kind::dead, d);
  enqueue(x);
}

void swim::on_claim_about_self(const update& x) {
  assert(x.node == self_.name);
  if (leaving_)
    return;
  if (x.incarnation >= incarnation_)
    refute(x.incarnation);
  else
    stale_claim_seen_ = true;
}

void swim::refute(uint64_t claimed_incarnation) {
  assert(!leaving_);
  incarnation_ = std::max(incarnation_, claimed_incarnation) + 1;
  auto me = table_.at(self_slot_);
  me.incarnation = incarnation_;
  table_.assign(self_slot_, me);
  enqueue(update{update_kind::alive, self_.name, incarnation_, self_.name, self_.address, meta_},
          refutation_transmit_factor);
  // Lifeguard: being suspected hints that we are the slow one.
  awareness_.apply_delta(1);
  ++stats_.refutations;
}

void swim::tick_suspicions() {
  for (const auto& name : suspicions_.take_expired(now_ms_)) {
    auto slot = table_.find_slot(name);
    if (slot && table_.at(*slot).state == member_state::suspect)
      declare_dead(*slot);
  }
}

void swim::declare_dead(member_slot slot) {
  const auto& m = table_.at(slot);
  assert(m.state == member_state::suspect);
  ++stats_.deaths_declared;
  on_dead(update{update_kind::dead, m.name, m.incarnation, self_.name, {}, {}});
}

} // namespace swarm::membership
