// Joining through seeds, graceful leave, and full-state anti-entropy
// (push-pull with live members, reconnects to dead ones to heal partitions).
#include <algorithm>
#include <cassert>

#include "swarm/membership/swim.hpp"
#include "swarm/membership/timeouts.hpp"

namespace swarm::membership {

void swim::tick_join() {
  if (joined_ || leaving_ || now_ms_ < next_join_ms_)
    return;
  assert(!seeds_.empty());
  // Seeds are tried in order and then again from the start: the sentinel
  // first, any other member if the sentinel is gone. Each pass over the
  // list waits twice as long (up to 16x), so a node started long before its
  // seeds does not flood them.
  auto pass = std::min<size_t>(seed_cursor_ / seeds_.size(), 4);
  const auto& address = seeds_[seed_cursor_++ % seeds_.size()];
  next_join_ms_ = now_ms_ + (cfg_.join_timeout_ms << pass);
  ++stats_.join_attempts;
  send({{}, address}, join{self_.address, meta_, incarnation_});
}

void swim::tick_push_pull() {
  if (leaving_ || now_ms_ < next_push_pull_ms_)
    return;
  next_push_pull_ms_ = now_ms_ + push_pull_scaled_ms(cfg_.push_pull_interval_ms,
                                                     table_.live_count());
  if (!joined_)
    return;
  std::vector<member_slot> picked;
  table_.sample(
    rng_, 1,
    [&](const member& m) { return m.state == member_state::alive && m.name != self_.name; },
    picked);
  if (picked.empty())
    return;
  const auto& m = table_.at(picked.front());
  ++stats_.push_pulls;
  send({m.name, m.address}, push_pull{false, snapshot_records()});
}

void swim::tick_reconnect() {
  if (leaving_ || now_ms_ < next_reconnect_ms_)
    return;
  next_reconnect_ms_ = now_ms_ + cfg_.reconnect_interval_ms;
  auto dead = table_.count(member_state::dead);
  if (dead == 0 || !joined_)
    return;
  // Serf's reconnect: try with probability dead / alive, so the cluster as a
  // whole makes about one attempt per dead member and interval.
  auto alive = std::max<size_t>(table_.count(member_state::alive), 1);
  if (rng_.uniform() > static_cast<double>(dead) / static_cast<double>(alive))
    return;
  auto slot = table_.pick(rng_, [](const member& m) { return m.state == member_state::dead; });
  if (!slot)
    return;
  const auto& m = table_.at(*slot);
  ++stats_.push_pulls;
  send({m.name, m.address}, push_pull{false, snapshot_records()});
}

void swim::on_join(const peer& from, const join& x) {
  apply(update{update_kind::alive, from.name, x.incarnation, from.name, x.address, x.meta});
  send({from.name, x.address}, push_pull{true, snapshot_records()});
}

void swim::on_push_pull(const peer& from, const push_pull& x) {
  if (x.reply)
    joined_ = true;
  // Everything new to us is re-gossiped, even from a seed's join reply, as
  // memberlist does: in a join storm most members learn of a newcomer from
  // join replies, and if they did not relay it, the few members that joined
  // before it would hear of it only from the seed's few transmissions.
  merge_records(from, x.members);
  // Reply after merging, so a refutation we just made travels back at once.
  if (!x.reply && !leaving_)
    send(from, push_pull{true, snapshot_records()});
}

void swim::on_leave(const peer& from, const membership::leave& x) {
  apply(update{update_kind::left, from.name, x.incarnation, from.name, {}, {}});
}

void swim::merge_records(const peer& from, const std::vector<member_record>& records) {
  for (const auto& r : records) {
    switch (r.state) {
      case member_state::alive: {
        // A member we buried is alive for the sender at the same
        // incarnation: tell it of its death so it refutes and comes back
        // everywhere (heals views after a long partition).
        const auto* m = table_.find(r.name);
        if (m && m->state == member_state::dead && m->incarnation == r.incarnation) {
          message msg;
          msg.body = gossip{};
          msg.updates.push_back(
            update{update_kind::dead, m->name, m->incarnation, self_.name, {}, {}});
          ready_.messages.push_back(outbound{{r.name, r.address}, std::move(msg)});
        }
        on_alive(update{update_kind::alive, r.name, r.incarnation, r.name, r.address, r.meta});
        break;
      }
      case member_state::left:
        on_dead(update{update_kind::left, r.name, r.incarnation, r.name, {}, {}});
        break;
      case member_state::suspect:
      case member_state::dead:
        // A remote verdict only makes us suspect: the member may still
        // refute, as memberlist's mergeState does.
        on_suspect(update{update_kind::suspect, r.name, r.incarnation, from.name, {}, {}});
        break;
    }
  }
}

} // namespace swarm::membership
