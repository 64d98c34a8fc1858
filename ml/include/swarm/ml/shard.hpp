#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <utility>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/ml/dataset.hpp"

namespace swarm::ml {

/// Returns a uniformly distributed integer in [0, bound) drawn from `rng`;
/// `bound` must be positive. Unbiased (rejection of the short top range) and,
/// unlike `std::uniform_int_distribution`, the same on every standard library,
/// so a seed means the same shards everywhere.
uint64_t uniform_below(std::mt19937_64& rng, uint64_t bound);

/// Shuffles `xs` in place with Fisher-Yates driven by `uniform_below`;
/// portable where `std::shuffle` is not.
void shuffle_indices(std::span<size_t> xs, std::mt19937_64& rng);

/// Returns the half-open range [begin, end) of part `node` when `total` items
/// are cut into `nodes` contiguous, near-equal parts: the first
/// `total % nodes` parts get one item more than the others. `node` must be
/// below `nodes`.
std::pair<size_t, size_t> near_equal_part(size_t total, size_t node, size_t nodes);

/// Splits samples 0..`num_samples`-1 across `nodes` nodes, IID: shuffles the
/// indices with `std::mt19937_64{seed}` and cuts them into near-equal
/// contiguous parts, part `i` going to node `i`. Every sample lands on exactly
/// one node. Each shard is returned in ascending order. Errors when `nodes`
/// is 0.
expected<std::vector<std::vector<size_t>>>
partition_iid(size_t num_samples, size_t nodes, uint64_t seed);

/// Splits samples across `nodes` nodes with label skew `skew` in [0, 1]:
/// 0 is exactly `partition_iid` (same seed, same shards), 1 gives each node
/// only the labels it owns.
///
/// The scheme, with L = 1 + the largest label and M = min(`nodes`, L):
/// 1. Ownership: label `l` is owned by every node `j` with `j % M == l % M`.
///    With at most L nodes each label has one owner and node `j` owns labels
///    j, j+M, ...; with more nodes than labels each label has several owners
///    and node `j` owns label `j % L`. Every node owns at least one label.
/// 2. Preferential part: for each label in ascending order, its sample
///    indices (ascending) are shuffled with one generator,
///    `std::mt19937_64{seed ^ 0x9E3779B97F4A7C15}`, shared by all labels in
///    turn (a stream separate from step 3's); the first floor(`skew` * count) of
///    them are cut into near-equal contiguous parts, one per owner in
///    ascending node order.
/// 3. IID part: all other samples, sorted ascending, are shuffled with
///    `std::mt19937_64{seed}` and cut into `nodes` near-equal parts, part `i`
///    going to node `i` (as `partition_iid` does).
/// Node `i`'s shard is the union of its parts, in ascending order. Every
/// sample lands on exactly one node. Errors when `nodes` is 0 or `skew` is
/// not in [0, 1].
expected<std::vector<std::vector<size_t>>>
partition_by_label(std::span<const uint8_t> labels, size_t nodes, double skew,
                   uint64_t seed);

/// Returns node `node`'s shard of `partition_iid(num_samples, nodes, seed)`.
/// Errors when `nodes` is 0 or `node >= nodes`.
expected<std::vector<size_t>> shard_iid(size_t num_samples, size_t node,
                                        size_t nodes, uint64_t seed);

/// Returns node `node`'s shard of
/// `partition_by_label(labels, nodes, skew, seed)`. Errors when `nodes` is 0,
/// `node >= nodes` or `skew` is not in [0, 1].
expected<std::vector<size_t>> shard_by_label(std::span<const uint8_t> labels,
                                             size_t node, size_t nodes,
                                             double skew, uint64_t seed);

/// Returns the samples of `data` that `shard_by_label(data.labels, node,
/// nodes, skew, seed)` selects (skew 0 is the IID split).
expected<dataset> shard_dataset(const dataset& data, size_t node, size_t nodes,
                                double skew, uint64_t seed);

} // namespace swarm::ml
