#include "swarm/membership/broadcast_queue.hpp"

#include <cassert>

namespace swarm::membership {

namespace {

// Below this many bytes no update fits (kind, a short name, incarnation).
constexpr size_t smallest_update_bytes = 8;

// After this many updates in a row that do not fit, the rest of a long queue
// is unlikely to; scanning it for every message would cost O(queue).
constexpr size_t max_misses = 8;

} // namespace

void broadcast_queue::push(update x, uint32_t limit_factor) {
  assert(limit_factor >= 1);
  if (auto i = by_node_.find(x.node); i != by_node_.end()) {
    entries_.erase(i->second);
    by_node_.erase(i);
  }
  key k{0, next_id_++};
  auto bytes = embedded_size(encoded_size(x));
  by_node_.emplace(x.node, k);
  entries_.emplace(k, entry{std::move(x), bytes, limit_factor});
  assert(entries_.size() == by_node_.size());
}

size_t broadcast_queue::take(size_t budget_bytes, uint32_t transmit_limit,
                             std::vector<update>& out, std::string_view recipient) {
  assert(transmit_limit > 0);
  size_t used = 0;
  std::vector<key> taken;
  size_t misses = 0;
  for (auto& [k, e] : entries_) {
    if (budget_bytes - used < smallest_update_bytes || misses >= max_misses)
      break;
    if (e.msg.kind == update_kind::alive && !recipient.empty() && e.msg.node == recipient)
      continue;
    if (e.bytes > budget_bytes - used) {
      ++misses;
      continue;
    }
    misses = 0;
    used += e.bytes;
    out.push_back(e.msg);
    taken.push_back(k);
  }
  // Re-key after the scan: the order depends on the transmit count.
  for (auto k : taken) {
    auto node = entries_.extract(k);
    auto& e = node.mapped();
    auto next = key{k.transmits + 1, k.id};
    if (next.transmits >= transmit_limit * e.limit_factor) {
      by_node_.erase(e.msg.node);
      continue;
    }
    by_node_.find(e.msg.node)->second = next;
    node.key() = next;
    entries_.insert(std::move(node));
  }
  assert(entries_.size() == by_node_.size());
  return used;
}

const update* broadcast_queue::find(const std::string& node) const {
  auto i = by_node_.find(node);
  return i == by_node_.end() ? nullptr : &entries_.at(i->second).msg;
}

void broadcast_queue::clear() noexcept {
  entries_.clear();
  by_node_.clear();
}

} // namespace swarm::membership
