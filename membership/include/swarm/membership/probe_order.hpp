#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "swarm/membership/member_table.hpp"
#include "swarm/membership/prng.hpp"

namespace swarm::membership {

/// SWIM's randomized round-robin: each round probes every live member once,
/// in a fresh random order. Unlike uniform random choice this bounds the
/// time until any one member probes a given other by two rounds.
class probe_order {
public:
  /// Returns the next live member to probe other than `self`, starting a new
  /// shuffled round when the current one is used up; nullopt when alone.
  std::optional<member_slot> next(const member_table& table, member_slot self, prng& rng);

  /// Inserts a new member at a random position of the rest of this round.
  void add(member_slot slot, prng& rng);

  /// Returns the number of slots left in this round (for tests).
  size_t remaining() const noexcept {
    return order_.size() - index_;
  }

private:
  void reshuffle(const member_table& table, member_slot self, prng& rng);

  std::vector<member_slot> order_;
  size_t index_ = 0;
};

} // namespace swarm::membership
