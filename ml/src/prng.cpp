#include "swarm/ml/prng.hpp"

#include <utility>

namespace swarm::ml {

namespace {

uint64_t splitmix64(uint64_t& state) noexcept {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

} // namespace

uint64_t derive_seed(uint64_t seed, uint64_t stream) {
  // Two rounds so that nearby (seed, stream) pairs land far apart.
  uint64_t state = seed;
  uint64_t mixed = splitmix64(state) ^ (stream * 0xd1b54a32d192ed03ULL);
  return splitmix64(mixed);
}

prng::prng(uint64_t seed) {
  // splitmix64 never yields four zero words, the one state xoshiro forbids.
  uint64_t state = seed;
  for (auto& word : s_)
    word = splitmix64(state);
}

uint64_t prng::below(uint64_t bound) noexcept {
  // Lemire's multiply-and-reject: unbiased, almost never loops.
  __uint128_t product = static_cast<__uint128_t>(next()) * bound;
  auto low = static_cast<uint64_t>(product);
  if (low < bound) {
    const uint64_t threshold = -bound % bound;
    while (low < threshold) {
      product = static_cast<__uint128_t>(next()) * bound;
      low = static_cast<uint64_t>(product);
    }
  }
  return static_cast<uint64_t>(product >> 64);
}

void prng::shuffle(std::span<size_t> values) noexcept {
  for (size_t i = values.size(); i > 1; --i) {
    const auto j = static_cast<size_t>(below(i));
    std::swap(values[i - 1], values[j]);
  }
}

} // namespace swarm::ml
