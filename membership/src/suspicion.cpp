#include "swarm/membership/suspicion.hpp"

#include <algorithm>
#include <cassert>

#include "swarm/membership/timeouts.hpp"

namespace swarm::membership {

suspicion::suspicion(std::string from, size_t k, int64_t start_ms, int64_t min_ms,
                     int64_t max_ms)
  : k_(k), start_ms_(start_ms), min_ms_(min_ms), max_ms_(max_ms), deadline_ms_(0) {
  assert(min_ms > 0);
  assert(min_ms <= max_ms);
  // The raiser is not a confirmation: only independent others are.
  suspecters_.push_back(std::move(from));
  update_deadline();
}

bool suspicion::confirm(std::string_view from) {
  if (confirmations_ >= k_)
    return false;
  if (std::find(suspecters_.begin(), suspecters_.end(), from) != suspecters_.end())
    return false;
  suspecters_.emplace_back(from);
  ++confirmations_;
  update_deadline();
  return true;
}

void suspicion::update_deadline() {
  deadline_ms_ = start_ms_ + remaining_suspicion_ms(confirmations_, k_, 0, min_ms_, max_ms_);
  assert(deadline_ms_ >= start_ms_ + min_ms_);
}

// -- suspicion_set ------------------------------------------------------------

const suspicion* suspicion_set::find(std::string_view name) const {
  auto i = by_name_.find(name);
  return i == by_name_.end() ? nullptr : &i->second;
}

void suspicion_set::start(const std::string& name, suspicion x) {
  erase(name);
  by_deadline_.emplace(x.deadline_ms(), name);
  by_name_.emplace(name, std::move(x));
  assert(by_name_.size() == by_deadline_.size());
}

bool suspicion_set::confirm(std::string_view name, std::string_view from) {
  auto i = by_name_.find(name);
  assert(i != by_name_.end());
  auto before = i->second.deadline_ms();
  if (!i->second.confirm(from))
    return false;
  by_deadline_.erase(by_deadline_.find(std::pair{before, i->first}));
  by_deadline_.emplace(i->second.deadline_ms(), i->first);
  return true;
}

void suspicion_set::erase(std::string_view name) {
  auto i = by_name_.find(name);
  if (i == by_name_.end())
    return;
  by_deadline_.erase(by_deadline_.find(std::pair{i->second.deadline_ms(), i->first}));
  by_name_.erase(i);
  assert(by_name_.size() == by_deadline_.size());
}

std::vector<std::string> suspicion_set::take_expired(int64_t now_ms) {
  std::vector<std::string> result;
  while (!by_deadline_.empty() && by_deadline_.begin()->first <= now_ms) {
    auto node = by_deadline_.extract(by_deadline_.begin());
    by_name_.erase(node.value().second);
    result.push_back(std::move(node.value().second));
  }
  assert(by_name_.size() == by_deadline_.size());
  return result;
}

int64_t suspicion_set::next_deadline_ms(int64_t fallback) const {
  return by_deadline_.empty() ? fallback : std::min(fallback, by_deadline_.begin()->first);
}

} // namespace swarm::membership
