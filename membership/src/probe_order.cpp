#include "swarm/membership/probe_order.hpp"

#include <cassert>

namespace swarm::membership {

std::optional<member_slot> probe_order::next(const member_table& table, member_slot self,
                                             prng& rng) {
  // Entries may have died or been forgotten since the round was shuffled;
  // two passes suffice because a fresh round holds only probe-able slots.
  for (int pass = 0; pass < 2; ++pass) {
    while (index_ < order_.size()) {
      auto slot = order_[index_++];
      if (slot == self || slot >= table.slot_count())
        continue;
      const auto& m = table.at(slot);
      if (!m.name.empty() && is_live(m.state))
        return slot;
    }
    reshuffle(table, self, rng);
  }
  return std::nullopt;
}

void probe_order::add(member_slot slot, prng& rng) {
  assert(index_ <= order_.size());
  auto span = order_.size() - index_ + 1;
  auto pos = index_ + rng.below(span);
  order_.insert(order_.begin() + static_cast<std::ptrdiff_t>(pos), slot);
}

void probe_order::reshuffle(const member_table& table, member_slot self, prng& rng) {
  order_.clear();
  index_ = 0;
  for (member_slot slot = 0; slot < table.slot_count(); ++slot) {
    const auto& m = table.at(slot);
    if (slot != self && !m.name.empty() && is_live(m.state))
      order_.push_back(slot);
  }
  shuffle(order_.begin(), order_.end(), rng);
}

} // namespace swarm::membership
