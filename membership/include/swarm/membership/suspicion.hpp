#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace swarm::membership {

/// The timer of one suspected member (Lifeguard). It starts at the maximum
/// timeout and shrinks towards the minimum as other members independently
/// confirm the suspicion, so a truly dead member is declared quickly while a
/// suspicion raised by one slow node gives the suspect time to refute.
class suspicion {
public:
  /// Starts a suspicion raised by `from` at `start_ms`; `k` confirmations
  /// bring the timeout from `max_ms` down to `min_ms`.
  suspicion(std::string from, size_t k, int64_t start_ms, int64_t min_ms, int64_t max_ms);

  /// Records a suspicion by `from`. Returns true when it is a new,
  /// independent confirmation (worth re-gossiping), false for repeats or
  /// once `k` confirmations arrived.
  bool confirm(std::string_view from);

  /// Returns when the suspect is to be declared dead.
  int64_t deadline_ms() const noexcept {
    return deadline_ms_;
  }

  /// Returns the number of independent confirmations so far.
  size_t confirmations() const noexcept {
    return confirmations_;
  }

private:
  void update_deadline();

  std::vector<std::string> suspecters_;
  size_t k_;
  size_t confirmations_ = 0;
  int64_t start_ms_;
  int64_t min_ms_;
  int64_t max_ms_;
  int64_t deadline_ms_;
};

/// The running suspicions of one node, by member name and by deadline, so
/// that finding the next expiry does not scan them all.
class suspicion_set {
public:
  /// Returns the suspicion of `name`, or null.
  const suspicion* find(std::string_view name) const;

  /// Starts (or restarts) the suspicion of `name`.
  void start(const std::string& name, suspicion x);

  /// Records a confirmation by `from` of the suspicion of `name`, which must
  /// exist; returns whether it was new (see `suspicion::confirm`).
  bool confirm(std::string_view name, std::string_view from);

  /// Stops the suspicion of `name`, if any.
  void erase(std::string_view name);

  /// Removes and returns the names whose deadline is at or before `now_ms`.
  std::vector<std::string> take_expired(int64_t now_ms);

  /// Returns the earliest deadline, or `fallback` when there is none.
  int64_t next_deadline_ms(int64_t fallback) const;

  /// Returns the number of running suspicions.
  size_t size() const noexcept {
    return by_name_.size();
  }

private:
  std::map<std::string, suspicion, std::less<>> by_name_;
  std::set<std::pair<int64_t, std::string>, std::less<>> by_deadline_;
};

} // namespace swarm::membership
