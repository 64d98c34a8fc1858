#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace swarm::sim {

/// A time-ordered queue of values. Values due at the same time come out in
/// insertion order, so a run never depends on heap internals.
template <class T>
class event_queue {
public:
  /// Schedules `value` at `at_ms`.
  void push(int64_t at_ms, T value) {
    heap_.push_back(item{at_ms, seq_++, std::move(value)});
    std::push_heap(heap_.begin(), heap_.end(), later);
  }

  /// Returns whether nothing is scheduled.
  bool empty() const noexcept {
    return heap_.empty();
  }

  /// Returns the number of scheduled values.
  size_t size() const noexcept {
    return heap_.size();
  }

  /// Returns the time of the earliest value; requires `!empty()`.
  int64_t next_at_ms() const noexcept {
    assert(!empty());
    return heap_.front().at_ms;
  }

  /// Removes and returns the earliest value; requires `!empty()`.
  std::pair<int64_t, T> pop() {
    assert(!empty());
    std::pop_heap(heap_.begin(), heap_.end(), later);
    auto result = std::pair<int64_t, T>{heap_.back().at_ms, std::move(heap_.back().value)};
    heap_.pop_back();
    return result;
  }

private:
  struct item {
    int64_t at_ms;
    uint64_t seq;
    T value;
  };

  static bool later(const item& a, const item& b) noexcept {
    return a.at_ms != b.at_ms ? a.at_ms > b.at_ms : a.seq > b.seq;
  }

  std::vector<item> heap_;
  uint64_t seq_ = 0;
};

} // namespace swarm::sim
