#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace swarm::membership {

/// A small, portable pseudo-random generator (splitmix64). Its output is
/// fully specified, unlike `std::` distributions, so one seed replays the
/// same protocol run with every compiler and standard library.
class prng {
public:
  /// Seeds the generator; every seed, including 0, gives a usable state.
  explicit prng(uint64_t seed) noexcept : state_(seed) {
    // nop
  }

  /// Returns the next 64 random bits.
  uint64_t next() noexcept {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  /// Returns an integer in [0, bound); `bound > 0`. Uses Lemire's
  /// multiply-shift; the tiny bias (< bound / 2^64) does not matter here.
  uint64_t below(uint64_t bound) noexcept {
    assert(bound > 0);
    __extension__ using wide = unsigned __int128;
    return static_cast<uint64_t>((static_cast<wide>(next()) * bound) >> 64);
  }

  /// Returns an integer in [lo, hi]; requires `lo <= hi`.
  int64_t between(int64_t lo, int64_t hi) noexcept {
    assert(lo <= hi);
    auto span = static_cast<uint64_t>(hi - lo) + 1;
    return span == 0 ? static_cast<int64_t>(next()) : lo + static_cast<int64_t>(below(span));
  }

  /// Returns a double uniformly distributed in [0, 1) with 53 random bits.
  double uniform() noexcept {
    return static_cast<double>(next() >> 11) * 0x1.0p-53;
  }

  /// Returns true with probability `p` (clamped to [0, 1]).
  bool chance(double p) noexcept {
    return uniform() < p;
  }

  /// Derives an independent seed for a sub-generator (e.g. one per node).
  uint64_t fork() noexcept {
    return next() ^ 0x5851f42d4c957f2dULL;
  }

private:
  uint64_t state_;
};

/// Shuffles `[first, last)` uniformly (Fisher-Yates) with `rng`.
template <class RandomIt>
void shuffle(RandomIt first, RandomIt last, prng& rng) {
  auto n = static_cast<uint64_t>(last - first);
  for (uint64_t i = n; i > 1; --i) {
    auto j = rng.below(i);
    using std::swap;
    swap(first[i - 1], first[j]);
  }
}

} // namespace swarm::membership
