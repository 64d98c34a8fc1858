// Failure detection: one probe per protocol period (direct ping, then
// ping_req through k members, then suspicion), relays with Lifeguard's nacks,
// and local health awareness.
#include <algorithm>
#include <cassert>

#include "swarm/membership/swim.hpp"

namespace swarm::membership {

namespace {

// Lifeguard: a relay nacks at 80% of the probe timeout, so the nack reaches
// the requester before the requester's own deadline.
int64_t nack_delay_ms(int64_t probe_timeout_ms) {
  return std::max<int64_t>(1, probe_timeout_ms * 4 / 5);
}

} // namespace

void swim::tick_probe() {
  if (leaving_)
    return;
  if (probe_.active) {
    if (!probe_.acked && !probe_.indirect_sent && now_ms_ >= probe_.indirect_at_ms)
      send_indirect_probes();
    if (now_ms_ >= probe_.deadline_ms)
      finish_probe();
  }
  if (!probe_.active && now_ms_ >= next_probe_ms_)
    start_probe();
}

void swim::start_probe() {
  assert(!probe_.active);
  // Lifeguard: an unhealthy node probes less often rather than accuse more.
  next_probe_ms_ = now_ms_ + awareness_.scale(cfg_.probe_interval_ms);
  auto slot = order_.next(table_, self_slot_, rng_);
  if (!slot)
    return;
  const auto& target = table_.at(*slot);
  assert(is_live(target.state));
  probe_ = probe{};
  probe_.active = true;
  probe_.seq_no = next_seq_no();
  probe_.target = target.name;
  probe_.target_incarnation = target.incarnation;
  probe_.indirect_at_ms = now_ms_ + awareness_.scale(cfg_.probe_timeout_ms);
  probe_.deadline_ms = next_probe_ms_;
  probe_.started_ms = now_ms_;
  ++stats_.probes;
  message msg;
  msg.body = ping{probe_.seq_no, target.name};
  send_with_updates({target.name, target.address}, std::move(msg), target.name);
}

void swim::send_indirect_probes() {
  assert(probe_.active);
  probe_.indirect_sent = true;
  const auto* target = table_.find(probe_.target);
  if (target == nullptr || !is_live(target->state))
    return;
  std::vector<member_slot> relays;
  auto eligible = [&](const member& m) {
    return m.state == member_state::alive && m.name != self_.name && m.name != probe_.target;
  };
  table_.sample(rng_, cfg_.indirect_checks, eligible, relays);
  probe_.expected_nacks = static_cast<uint32_t>(relays.size());
  ++stats_.indirect_probes;
  for (auto slot : relays) {
    const auto& relay = table_.at(slot);
    message msg;
    msg.body = ping_req{probe_.seq_no, target->name, target->address};
    send_with_updates({relay.name, relay.address}, std::move(msg), {});
  }
}

void swim::finish_probe() {
  assert(probe_.active);
  probe_.active = false;
  if (probe_.acked)
    return;
  ++stats_.probes_failed;
  // Lifeguard: relays that could not reach the target said so with a nack.
  // Missing nacks mean our own links are bad, so we grow our timeouts.
  if (probe_.expected_nacks > 0)
    awareness_.apply_delta(
      static_cast<int>(probe_.expected_nacks - std::min(probe_.nacks, probe_.expected_nacks)));
  else
    awareness_.apply_delta(1);
  const auto* target = table_.find(probe_.target);
  if (target == nullptr || !is_live(target->state)
      || target->incarnation != probe_.target_incarnation)
    return; // refuted, declared or forgotten meanwhile
  ++stats_.suspicions_raised;
  apply(update{update_kind::suspect, target->name, target->incarnation, self_.name, {}, {}});
}

void swim::tick_relays() {
  for (auto i = relays_.begin(); i != relays_.end();) {
    auto& r = i->second;
    if (!r.nack_sent && now_ms_ >= r.nack_at_ms) {
      r.nack_sent = true;
      ++stats_.nacks_sent;
      send(r.requester, nack{r.requester_seq_no});
    }
    if (now_ms_ >= r.expires_ms)
      i = relays_.erase(i);
    else
      ++i;
  }
}

void swim::on_ping(const peer& from, const ping& x) {
  // A ping meant for an earlier owner of our address must not vouch for us.
  if (!x.target.empty() && x.target != self_.name)
    return;
  message msg;
  msg.body = ack{x.seq_no};
  send_with_updates(from, std::move(msg), {});
}

void swim::on_ping_req(const peer& from, const ping_req& x) {
  if (x.target == self_.name) {
    // Asked to probe ourselves: we are the answer.
    send(from, ack{x.seq_no});
    return;
  }
  auto seq_no = next_seq_no();
  relay r;
  r.requester = from;
  r.requester_seq_no = x.seq_no;
  r.nack_at_ms = now_ms_ + nack_delay_ms(cfg_.probe_timeout_ms);
  // Keep the relay past the requester's deadline: a late ack is still news.
  r.expires_ms = now_ms_ + 2 * cfg_.probe_interval_ms;
  relays_.insert_or_assign(seq_no, std::move(r));
  auto address = x.target_address;
  if (address.empty()) {
    if (const auto* m = table_.find(x.target))
      address = m->address;
  }
  message msg;
  msg.body = ping{seq_no, x.target};
  send_with_updates({x.target, std::move(address)}, std::move(msg), x.target);
}

void swim::on_ack(const ack& x) {
  if (std::find(leave_pings_.begin(), leave_pings_.end(), x.seq_no) != leave_pings_.end()) {
    // One member that took the leave spreads it; the others may be
    // leaving too, and need not answer.
    leave_pings_.clear();
    return;
  }
  if (probe_.active && x.seq_no == probe_.seq_no) {
    if (!probe_.acked) {
      probe_.acked = true;
      awareness_.apply_delta(-1);
      if (rtt_samples_ms_.size() < max_rtt_samples)
        rtt_samples_ms_.push_back(now_ms_ - probe_.started_ms);
    }
    return;
  }
  auto i = relays_.find(x.seq_no);
  if (i == relays_.end())
    return;
  auto requester = std::move(i->second.requester);
  auto requester_seq_no = i->second.requester_seq_no;
  relays_.erase(i);
  send(std::move(requester), ack{requester_seq_no});
}

std::vector<int64_t> swim::take_rtt_samples_ms() {
  std::vector<int64_t> result;
  result.swap(rtt_samples_ms_);
  return result;
}

void swim::on_nack(const nack& x) {
  if (probe_.active && x.seq_no == probe_.seq_no)
    ++probe_.nacks;
}

} // namespace swarm::membership
