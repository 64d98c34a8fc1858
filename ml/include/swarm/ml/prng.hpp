#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace swarm::ml {

/// Mixes `seed` and `stream` into a new 64-bit seed (splitmix64 finalizer),
/// so one user seed can feed independent generators for initialization,
/// shuffling and dropout.
uint64_t derive_seed(uint64_t seed, uint64_t stream);

/// Returns output number `counter` (from 0) of a splitmix64 generator seeded
/// with `key`. Random access into a stream lets threads draw dropout masks in
/// any order and still get the same masks.
constexpr uint64_t stream_at(uint64_t key, uint64_t counter) noexcept {
  uint64_t z = key + (counter + 1) * 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// A small, fast, portable pseudo-random generator (xoshiro256** seeded by
/// splitmix64). Unlike `std::` distributions its output is fully specified,
/// so a seed gives the same numbers with every compiler and library.
class prng {
public:
  /// The type of one raw draw.
  using result_type = uint64_t;

  /// Seeds the generator; every seed, including 0, gives a usable state.
  explicit prng(uint64_t seed);

  /// Returns the next 64 random bits.
  uint64_t next() noexcept {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Returns the next 64 random bits.
  uint64_t operator()() noexcept {
    return next();
  }

  /// Returns a float uniformly distributed in [0, 1) with 24 random bits.
  float uniform_float() noexcept {
    return static_cast<float>(next() >> 40) * 0x1.0p-24f;
  }

  /// Returns a double uniformly distributed in [0, 1) with 53 random bits.
  double uniform_double() noexcept {
    return static_cast<double>(next() >> 11) * 0x1.0p-53;
  }

  /// Returns an integer uniformly distributed in [0, bound); `bound > 0`.
  uint64_t below(uint64_t bound) noexcept;

  /// Permutes `values` uniformly at random (Fisher-Yates).
  void shuffle(std::span<size_t> values) noexcept;

private:
  static uint64_t rotl(uint64_t x, int k) noexcept {
    return (x << k) | (x >> (64 - k));
  }

  uint64_t s_[4];
};

} // namespace swarm::ml
