#include "swarm/membership/timeouts.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace swarm::membership {

int64_t suspicion_timeout_ms(uint32_t suspicion_mult, size_t n, int64_t probe_interval_ms) {
  assert(probe_interval_ms > 0);
  auto scale = std::max(1.0, std::log10(std::max(1.0, static_cast<double>(n))));
  // Round the scale to milliseconds of precision, as memberlist does.
  auto scale_milli = static_cast<int64_t>(scale * 1000.0);
  return static_cast<int64_t>(suspicion_mult) * scale_milli * probe_interval_ms / 1000;
}

int64_t remaining_suspicion_ms(size_t confirmations, size_t expected_confirmations,
                               int64_t elapsed_ms, int64_t min_ms, int64_t max_ms) {
  assert(min_ms <= max_ms);
  int64_t timeout_ms = min_ms;
  if (expected_confirmations > 0) {
    auto frac = std::log(static_cast<double>(confirmations) + 1.0)
                / std::log(static_cast<double>(expected_confirmations) + 1.0);
    auto raw = static_cast<double>(max_ms) - frac * static_cast<double>(max_ms - min_ms);
    timeout_ms = std::max(min_ms, static_cast<int64_t>(std::floor(raw)));
  }
  return timeout_ms - elapsed_ms;
}

uint32_t retransmit_limit(uint32_t retransmit_mult, uint32_t min_retransmits, size_t n) {
  auto scale = static_cast<uint32_t>(std::ceil(std::log10(static_cast<double>(n) + 1.0)));
  return std::max(retransmit_mult * std::max<uint32_t>(scale, 1), min_retransmits);
}

int64_t push_pull_scaled_ms(int64_t interval_ms, size_t n) {
  constexpr size_t threshold = 32;
  if (n <= threshold)
    return interval_ms;
  auto mult = std::ceil(std::log2(static_cast<double>(n)) - std::log2(double{threshold})) + 1.0;
  return interval_ms * static_cast<int64_t>(mult);
}

int64_t awareness_scaled_ms(int64_t timeout_ms, int score) {
  assert(score >= 0);
  return timeout_ms * (score + 1);
}

size_t expected_confirmations(uint32_t suspicion_mult, size_t n) {
  auto k = suspicion_mult > 2 ? size_t{suspicion_mult - 2} : size_t{0};
  // With n members, at most n - 2 others (not us, not the suspect) can
  // confirm; waiting for more would always hit the maximum timeout.
  return n < k + 2 ? 0 : k;
}

int64_t detection_bound_ms(const config& cfg, size_t n, uint32_t miss_periods) {
  auto min_ms = suspicion_timeout_ms(cfg.suspicion_mult, n, cfg.probe_interval_ms);
  auto max_ms = min_ms * cfg.suspicion_max_timeout_mult;
  auto first_probe_ms = static_cast<int64_t>(miss_periods + 1) * cfg.probe_interval_ms;
  auto spread_ms = static_cast<int64_t>(retransmit_limit(cfg.retransmit_mult, cfg.min_retransmits, n) + 1)
                   * cfg.gossip_interval_ms;
  return first_probe_ms + max_ms + spread_ms;
}

} // namespace swarm::membership
