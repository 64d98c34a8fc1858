#include "swarm/ml/shard.hpp"

#include <algorithm>
#include <cassert>
#include <numeric>
#include <string>

namespace swarm::ml {

namespace {

// Seeds step 2 of partition_by_label, so that its draws do not disturb the
// IID stream and skew 0 reproduces partition_iid exactly.
constexpr uint64_t preferential_stream = 0x9E3779B97F4A7C15;

using partition = std::vector<std::vector<size_t>>;

status check_nodes(size_t nodes) {
  if (nodes == 0)
    return make_error(errc::invalid_argument, "cannot shard across 0 nodes");
  return status::ok();
}

status check_node(size_t node, size_t nodes) {
  if (auto st = check_nodes(nodes); !st)
    return st;
  if (node >= nodes)
    return make_error(errc::invalid_argument,
                      "node index " + std::to_string(node) + " is out of range for "
                        + std::to_string(nodes) + " nodes");
  return status::ok();
}

status check_skew(double skew) {
  // Written so that NaN fails too.
  if (!(skew >= 0.0 && skew <= 1.0))
    return make_error(errc::invalid_argument,
                      "label skew " + std::to_string(skew) + " is not in [0, 1]");
  return status::ok();
}

/// Shuffles `pool` with `std::mt19937_64{seed}` and appends its near-equal
/// contiguous parts to the shards.
void deal_iid(std::vector<size_t> pool, uint64_t seed, partition& shards) {
  std::mt19937_64 rng{seed};
  shuffle_indices(pool, rng);
  for (size_t i = 0; i < shards.size(); ++i) {
    auto [begin, end] = near_equal_part(pool.size(), i, shards.size());
    shards[i].insert(shards[i].end(), pool.begin() + begin, pool.begin() + end);
  }
}

void sort_shards(partition& shards) {
  for (auto& shard : shards)
    std::sort(shard.begin(), shard.end());
}

} // namespace

uint64_t uniform_below(std::mt19937_64& rng, uint64_t bound) {
  assert(bound > 0);
  // 2^64 mod bound: the lowest raw values that would make small results
  // slightly more likely. Rejecting them leaves a multiple of `bound`.
  auto threshold = (0 - bound) % bound;
  for (;;) {
    auto x = rng();
    if (x >= threshold)
      return x % bound;
  }
}

void shuffle_indices(std::span<size_t> xs, std::mt19937_64& rng) {
  for (size_t i = xs.size(); i > 1; --i)
    std::swap(xs[i - 1], xs[uniform_below(rng, i)]);
}

std::pair<size_t, size_t> near_equal_part(size_t total, size_t node, size_t nodes) {
  assert(node < nodes);
  auto base = total / nodes;
  auto extra = total % nodes;
  auto begin = node * base + std::min(node, extra);
  return {begin, begin + base + (node < extra ? 1 : 0)};
}

expected<partition> partition_iid(size_t num_samples, size_t nodes, uint64_t seed) {
  if (auto st = check_nodes(nodes); !st)
    return st.error();
  std::vector<size_t> all(num_samples);
  std::iota(all.begin(), all.end(), size_t{0});
  partition shards(nodes);
  deal_iid(std::move(all), seed, shards);
  sort_shards(shards);
  return shards;
}

expected<partition> partition_by_label(std::span<const uint8_t> labels, size_t nodes,
                                       double skew, uint64_t seed) {
  if (auto st = check_nodes(nodes); !st)
    return st.error();
  if (auto st = check_skew(skew); !st)
    return st.error();
  partition shards(nodes);
  if (labels.empty())
    return shards;
  size_t num_labels = size_t{*std::max_element(labels.begin(), labels.end())} + 1;
  std::vector<std::vector<size_t>> by_label(num_labels);
  for (size_t i = 0; i < labels.size(); ++i)
    by_label[labels[i]].push_back(i);
  auto owner_stride = std::min(nodes, num_labels);
  std::mt19937_64 rng{seed ^ preferential_stream};
  std::vector<size_t> pool;
  for (size_t label = 0; label < num_labels; ++label) {
    auto& group = by_label[label];
    shuffle_indices(group, rng);
    auto preferred = static_cast<size_t>(skew * static_cast<double>(group.size()));
    preferred = std::min(preferred, group.size());
    std::vector<size_t> owners;
    for (auto j = label % owner_stride; j < nodes; j += owner_stride)
      owners.push_back(j);
    for (size_t k = 0; k < owners.size(); ++k) {
      auto [begin, end] = near_equal_part(preferred, k, owners.size());
      auto& shard = shards[owners[k]];
      shard.insert(shard.end(), group.begin() + begin, group.begin() + end);
    }
    pool.insert(pool.end(), group.begin() + preferred, group.end());
  }
  // Sorted first so that with skew 0 the pool is 0..n-1, as in partition_iid.
  std::sort(pool.begin(), pool.end());
  deal_iid(std::move(pool), seed, shards);
  sort_shards(shards);
  return shards;
}

expected<std::vector<size_t>> shard_iid(size_t num_samples, size_t node,
                                        size_t nodes, uint64_t seed) {
  if (auto st = check_node(node, nodes); !st)
    return st.error();
  auto all = partition_iid(num_samples, nodes, seed);
  if (!all)
    return all.error();
  return std::move((*all)[node]);
}

expected<std::vector<size_t>> shard_by_label(std::span<const uint8_t> labels,
                                             size_t node, size_t nodes,
                                             double skew, uint64_t seed) {
  if (auto st = check_node(node, nodes); !st)
    return st.error();
  auto all = partition_by_label(labels, nodes, skew, seed);
  if (!all)
    return all.error();
  return std::move((*all)[node]);
}

expected<dataset> shard_dataset(const dataset& data, size_t node, size_t nodes,
                                double skew, uint64_t seed) {
  auto indices = shard_by_label(data.labels, node, nodes, skew, seed);
  if (!indices)
    return indices.error();
  return data.subset(*indices);
}

} // namespace swarm::ml
