#include "swarm/membership/member_table.hpp"

#include <utility>

namespace swarm::membership {

namespace {

const member vacant_member{};

} // namespace

std::shared_ptr<const member_snapshot> member_snapshot::make(std::vector<member> members) {
  auto result = std::make_shared<member_snapshot>();
  for (size_t i = 0; i < members.size(); ++i) {
    assert(!members[i].name.empty());
    auto [_, added] = result->index.emplace(members[i].name, static_cast<member_slot>(i));
    assert(added);
    (void) added;
    ++result->counts[static_cast<size_t>(members[i].state)];
  }
  result->members = std::move(members);
  return result;
}

member_table::member_table(std::shared_ptr<const member_snapshot> base) : base_(std::move(base)) {
  if (base_) {
    base_size_ = base_->members.size();
    counts_ = base_->counts;
    override_pos_.resize(base_size_, 0);
  }
}

const member& member_table::at(member_slot slot) const {
  assert(slot < slot_count());
  if (slot >= base_size_)
    return extra_[slot - base_size_];
  if (auto pos = override_pos_[slot]; pos != 0)
    return overrides_[pos - 1];
  return base_->members[slot];
}

std::optional<member_slot> member_table::find_slot(std::string_view name) const {
  if (base_) {
    auto i = base_->index.find(name);
    if (i != base_->index.end() && at(i->second).name == name)
      return i->second;
  }
  if (auto i = extra_index_.find(name); i != extra_index_.end())
    return i->second;
  return std::nullopt;
}

const member* member_table::find(std::string_view name) const {
  auto slot = find_slot(name);
  return slot ? &at(*slot) : nullptr;
}

member_slot member_table::insert(member x) {
  assert(!x.name.empty());
  assert(!find_slot(x.name));
  count_in(x, +1);
  member_slot slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
    extra_[slot - base_size_] = std::move(x);
  } else {
    slot = static_cast<member_slot>(slot_count());
    extra_.push_back(std::move(x));
  }
  extra_index_.emplace(at(slot).name, slot);
  return slot;
}

void member_table::assign(member_slot slot, member x) {
  const auto& old = at(slot);
  assert(!old.name.empty());
  assert(old.name == x.name);
  count_in(old, -1);
  count_in(x, +1);
  if (slot >= base_size_)
    extra_[slot - base_size_] = std::move(x);
  else
    override_slot(slot, std::move(x));
}

void member_table::erase(member_slot slot) {
  const auto& old = at(slot);
  assert(!old.name.empty());
  count_in(old, -1);
  if (slot >= base_size_) {
    extra_index_.erase(old.name);
    extra_[slot - base_size_] = vacant_member;
    free_.push_back(slot);
  } else {
    override_slot(slot, vacant_member);
  }
}

void member_table::override_slot(member_slot slot, member x) {
  auto& pos = override_pos_[slot];
  if (pos == 0) {
    overrides_.push_back(std::move(x));
    pos = static_cast<uint32_t>(overrides_.size());
  } else {
    overrides_[pos - 1] = std::move(x);
  }
}

void member_table::count_in(const member& x, int delta) noexcept {
  auto& n = counts_[static_cast<size_t>(x.state)];
  assert(delta > 0 || n > 0);
  n = static_cast<size_t>(static_cast<int64_t>(n) + delta);
}

} // namespace swarm::membership
