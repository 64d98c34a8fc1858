#pragma once

#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "swarm/membership/member.hpp"
#include "swarm/membership/prng.hpp"

namespace swarm::membership {

/// Index of an entry in a member_table; stable while the entry exists.
using member_slot = uint32_t;

/// Hashes names so that tables can be searched by `std::string_view`.
struct name_hash {
  /// Enables heterogeneous lookup.
  using is_transparent = void;

  /// Returns the hash of `x`.
  size_t operator()(std::string_view x) const noexcept {
    return std::hash<std::string_view>{}(x);
  }
};

/// Name to slot. Only ever searched, never iterated, so its unspecified
/// order cannot leak into a run.
using name_index = std::unordered_map<std::string, member_slot, name_hash, std::equal_to<>>;

/// An immutable list of members that many tables can share as their
/// starting point. A simulator hosting thousands of machines with full views
/// would otherwise need O(n^2) memory; with a shared snapshot each machine
/// stores only what changed since (copy-on-write).
struct member_snapshot {
  /// The members, in slot order.
  std::vector<member> members;
  /// Name to slot.
  name_index index;
  /// Members per state, indexed by the enum's value.
  std::array<size_t, 4> counts{};

  /// Builds a snapshot; names must be unique and non-empty.
  static std::shared_ptr<const member_snapshot> make(std::vector<member> members);
};

/// One node's view: members by name, with per-state counts and sampling.
/// Vacant slots (forgotten members) hold an entry with an empty name.
class member_table {
public:
  /// Creates a table that starts as a copy of `base` (may be null).
  explicit member_table(std::shared_ptr<const member_snapshot> base = {});

  /// Returns one past the highest slot.
  size_t slot_count() const noexcept {
    return base_size_ + extra_.size();
  }

  /// Returns the entry in `slot`; vacant slots have an empty name.
  const member& at(member_slot slot) const;

  /// Returns the slot of `name`, if known.
  std::optional<member_slot> find_slot(std::string_view name) const;

  /// Returns the entry of `name`, or null.
  const member* find(std::string_view name) const;

  /// Adds a member whose name is not in the table yet; returns its slot.
  member_slot insert(member x);

  /// Replaces the entry in `slot` by `x`, which keeps the same name.
  void assign(member_slot slot, member x);

  /// Forgets the entry in `slot`.
  void erase(member_slot slot);

  /// Returns the number of members in state `x`.
  size_t count(member_state x) const noexcept {
    return counts_[static_cast<size_t>(x)];
  }

  /// Returns the number of alive or suspect members.
  size_t live_count() const noexcept {
    return count(member_state::alive) + count(member_state::suspect);
  }

  /// Returns the number of entries (occupied slots).
  size_t size() const noexcept {
    return counts_[0] + counts_[1] + counts_[2] + counts_[3];
  }

  /// Appends to `out` up to `k` distinct slots, chosen at random among the
  /// entries satisfying `pred`, in at most 3 * slot_count() draws (as
  /// memberlist's kRandomNodes does).
  template <class Predicate>
  void sample(prng& rng, size_t k, Predicate&& pred, std::vector<member_slot>& out) const {
    auto n = slot_count();
    auto first = out.size();
    for (size_t i = 0; i < 3 * n && out.size() - first < k; ++i) {
      auto slot = static_cast<member_slot>(rng.below(n));
      const auto& m = at(slot);
      if (m.name.empty() || !pred(m))
        continue;
      bool seen = false;
      for (auto j = first; j < out.size(); ++j)
        seen = seen || out[j] == slot;
      if (!seen)
        out.push_back(slot);
    }
  }

  /// Returns a random slot satisfying `pred`, scanning from a random start;
  /// for rare predicates where sampling by draws would miss.
  template <class Predicate>
  std::optional<member_slot> pick(prng& rng, Predicate&& pred) const {
    auto n = slot_count();
    if (n == 0)
      return std::nullopt;
    auto start = rng.below(n);
    for (size_t i = 0; i < n; ++i) {
      auto slot = static_cast<member_slot>((start + i) % n);
      const auto& m = at(slot);
      if (!m.name.empty() && pred(m))
        return slot;
    }
    return std::nullopt;
  }

private:
  void count_in(const member& x, int delta) noexcept;
  void override_slot(member_slot slot, member x);

  std::shared_ptr<const member_snapshot> base_;
  size_t base_size_ = 0;
  // Position + 1 in overrides_ of a changed base slot, 0 while unchanged.
  std::vector<uint32_t> override_pos_;
  std::vector<member> overrides_;
  std::vector<member> extra_;
  name_index extra_index_;
  std::vector<member_slot> free_;
  std::array<size_t, 4> counts_{};
};

} // namespace swarm::membership
