#pragma once

#include <algorithm>
#include <cassert>
#include <cstdint>

#include "swarm/membership/timeouts.hpp"

namespace swarm::membership {

/// Lifeguard's local health multiplier. A node that misses acks and nacks is
/// more likely slow itself than surrounded by failures, so it raises its
/// score and stretches its own probe timing instead of accusing others.
class awareness {
public:
  /// Creates a healthy score; `max_multiplier` bounds the scaling (>= 1).
  explicit awareness(uint32_t max_multiplier) noexcept
    : max_(static_cast<int>(max_multiplier)) {
    assert(max_multiplier >= 1);
  }

  /// Adds `delta` to the score, clamped to [0, max_multiplier - 1].
  void apply_delta(int delta) noexcept {
    score_ = std::clamp(score_ + delta, 0, max_ - 1);
  }

  /// Returns the current score; 0 means healthy.
  int score() const noexcept {
    return score_;
  }

  /// Returns `timeout_ms` stretched by (score + 1).
  int64_t scale(int64_t timeout_ms) const noexcept {
    return awareness_scaled_ms(timeout_ms, score_);
  }

private:
  int max_;
  int score_ = 0;
};

} // namespace swarm::membership
