#define BOOST_TEST_MODULE shard
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <limits>
#include <numeric>
#include <set>
#include <vector>

#include "swarm/ml/idx.hpp"
#include "swarm/ml/shard.hpp"

using namespace swarm;
using namespace swarm::ml;

namespace {

using partition = std::vector<std::vector<size_t>>;

/// The 60,000 real training labels, read once.
const std::vector<uint8_t>& train_labels() {
  static const auto labels = [] {
    auto parsed = read_idx(SWARM_SOURCE_DIR "/examples/mnist/data/train-labels-idx1-ubyte.gz",
                           idx_kind::labels);
    BOOST_REQUIRE(parsed);
    return parsed->values;
  }();
  return labels;
}

/// Checks that `shards` hold each of 0..n-1 exactly once, each ascending.
void check_is_partition(const partition& shards, size_t n) {
  std::vector<int> seen(n, 0);
  for (auto& shard : shards) {
    BOOST_TEST(std::is_sorted(shard.begin(), shard.end()));
    for (auto i : shard) {
      BOOST_REQUIRE(i < n);
      ++seen[i];
    }
  }
  BOOST_TEST(std::count(seen.begin(), seen.end(), 1) == static_cast<long>(n),
             "every sample is on exactly one node");
}

std::array<size_t, 10> histogram(const std::vector<size_t>& shard) {
  std::array<size_t, 10> result{};
  for (auto i : shard)
    ++result.at(train_labels()[i]);
  return result;
}

std::set<uint8_t> labels_in(const std::vector<size_t>& shard) {
  std::set<uint8_t> result;
  for (auto i : shard)
    result.insert(train_labels()[i]);
  return result;
}

} // namespace

BOOST_AUTO_TEST_CASE(uniform_below_and_shuffle_give_the_same_values_everywhere) {
  // Golden values, cross-checked with an independent Python implementation
  // of mt19937_64 and the rejection rule: they pin down the exact algorithm,
  // which std::uniform_int_distribution and std::shuffle would not.
  std::mt19937_64 rng{42};
  std::vector<uint64_t> draws;
  for (int i = 0; i < 8; ++i)
    draws.push_back(uniform_below(rng, 10));
  BOOST_TEST(draws == (std::vector<uint64_t>{6, 4, 0, 2, 1, 8, 6, 4}),
             boost::test_tools::per_element());
  std::mt19937_64 rng7{7};
  std::vector<size_t> xs(10);
  std::iota(xs.begin(), xs.end(), size_t{0});
  shuffle_indices(xs, rng7);
  BOOST_TEST(xs == (std::vector<size_t>{0, 7, 4, 9, 3, 1, 2, 8, 6, 5}),
             boost::test_tools::per_element());
  auto shards = partition_iid(10, 3, 1);
  BOOST_REQUIRE(shards);
  BOOST_TEST((*shards == partition{{1, 3, 7, 9}, {0, 4, 5}, {2, 6, 8}}));
}

BOOST_AUTO_TEST_CASE(uniform_below_covers_its_range_evenly) {
  std::mt19937_64 rng{1};
  std::array<int, 3> counts{};
  for (int i = 0; i < 30000; ++i)
    ++counts.at(uniform_below(rng, 3));
  for (auto c : counts)
    BOOST_TEST(std::abs(c - 10000) < 400); // about 5 standard deviations
  BOOST_TEST(uniform_below(rng, 1) == 0u);
  auto big = std::numeric_limits<uint64_t>::max();
  BOOST_TEST(uniform_below(rng, big) < big);
}

BOOST_AUTO_TEST_CASE(iid_shards_are_disjoint_cover_everything_and_differ_by_at_most_one) {
  for (auto [n, nodes] : std::vector<std::pair<size_t, size_t>>{
         {60000, 1}, {60000, 2}, {60000, 7}, {10, 3}, {5, 7}, {0, 3}}) {
    BOOST_TEST_CONTEXT(n << " samples on " << nodes << " nodes") {
      auto shards = partition_iid(n, nodes, 123);
      BOOST_REQUIRE(shards);
      BOOST_REQUIRE(shards->size() == nodes);
      check_is_partition(*shards, n);
      auto [lo, hi] = std::minmax_element(shards->begin(), shards->end(),
                                          [](auto& a, auto& b) { return a.size() < b.size(); });
      BOOST_TEST(hi->size() - lo->size() <= 1u);
      for (size_t i = 0; i < nodes; ++i) {
        auto one = shard_iid(n, i, nodes, 123);
        BOOST_REQUIRE(one);
        BOOST_TEST((*one == (*shards)[i]));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(label_skewed_shards_are_disjoint_and_cover_everything) {
  auto& labels = train_labels();
  for (double skew : {0.0, 0.25, 0.5, 0.9, 1.0})
    for (size_t nodes : {1, 2, 3, 10, 13, 25})
      BOOST_TEST_CONTEXT("skew " << skew << ", " << nodes << " nodes") {
        auto shards = partition_by_label(labels, nodes, skew, 9);
        BOOST_REQUIRE(shards);
        BOOST_REQUIRE(shards->size() == nodes);
        check_is_partition(*shards, labels.size());
      }
}

BOOST_AUTO_TEST_CASE(sharding_is_deterministic_for_a_seed_and_differs_for_another) {
  auto& labels = train_labels();
  for (double skew : {0.0, 0.5}) {
    auto a = partition_by_label(labels, 4, skew, 2024);
    auto b = partition_by_label(labels, 4, skew, 2024);
    auto c = partition_by_label(labels, 4, skew, 2025);
    BOOST_REQUIRE(a && b && c);
    BOOST_TEST((*a == *b));
    BOOST_TEST(((*a)[0] != (*c)[0]));
  }
  auto a = shard_iid(1000, 1, 3, 5);
  auto b = shard_iid(1000, 1, 3, 6);
  BOOST_REQUIRE(a && b);
  BOOST_TEST((*a != *b));
}

BOOST_AUTO_TEST_CASE(skew_zero_is_exactly_the_iid_split) {
  auto& labels = train_labels();
  auto skewed = partition_by_label(labels, 6, 0.0, 77);
  auto iid = partition_iid(labels.size(), 6, 77);
  BOOST_REQUIRE(skewed && iid);
  BOOST_TEST((*skewed == *iid));
}

BOOST_AUTO_TEST_CASE(iid_shards_have_near_uniform_label_histograms) {
  auto& labels = train_labels();
  std::vector<size_t> all(labels.size());
  std::iota(all.begin(), all.end(), size_t{0});
  auto global = histogram(all);
  auto shards = partition_iid(labels.size(), 5, 31337);
  BOOST_REQUIRE(shards);
  for (auto& shard : *shards) {
    auto h = histogram(shard);
    for (size_t label = 0; label < 10; ++label) {
      double share = double(h[label]) / double(shard.size());
      double expected = double(global[label]) / double(labels.size());
      // One standard deviation is about 0.27 points here.
      BOOST_TEST(std::abs(share - expected) < 0.015,
                 "label " << label << ": " << share << " vs " << expected);
    }
  }
}

BOOST_AUTO_TEST_CASE(full_skew_gives_each_node_only_the_labels_it_owns) {
  auto& labels = train_labels();
  auto ten = partition_by_label(labels, 10, 1.0, 1);
  BOOST_REQUIRE(ten);
  for (uint8_t j = 0; j < 10; ++j)
    BOOST_TEST((labels_in((*ten)[j]) == std::set<uint8_t>{j}));
  auto three = partition_by_label(labels, 3, 1.0, 1);
  BOOST_REQUIRE(three);
  BOOST_TEST((labels_in((*three)[0]) == std::set<uint8_t>{0, 3, 6, 9}));
  BOOST_TEST((labels_in((*three)[1]) == std::set<uint8_t>{1, 4, 7}));
  BOOST_TEST((labels_in((*three)[2]) == std::set<uint8_t>{2, 5, 8}));
  // More nodes than labels: nodes j and j+10 share label j evenly.
  auto twenty = partition_by_label(labels, 20, 1.0, 1);
  BOOST_REQUIRE(twenty);
  for (uint8_t j = 0; j < 10; ++j) {
    auto& a = (*twenty)[j];
    auto& b = (*twenty)[j + 10];
    BOOST_TEST((labels_in(a) == std::set<uint8_t>{j}));
    BOOST_TEST((labels_in(b) == std::set<uint8_t>{j}));
    BOOST_TEST(std::max(a.size(), b.size()) - std::min(a.size(), b.size()) <= 1u);
  }
}

BOOST_AUTO_TEST_CASE(partial_skew_gives_owners_the_documented_share) {
  // With skew s and 10 nodes, node j holds floor(s * n_j) samples of label j
  // plus about a tenth of the rest; of any other label k, about a tenth of
  // (n_k - floor(s * n_k)).
  auto& labels = train_labels();
  std::vector<size_t> all(labels.size());
  std::iota(all.begin(), all.end(), size_t{0});
  auto global = histogram(all);
  double skew = 0.6;
  auto shards = partition_by_label(labels, 10, skew, 8);
  BOOST_REQUIRE(shards);
  for (size_t j = 0; j < 10; ++j) {
    auto h = histogram((*shards)[j]);
    for (size_t k = 0; k < 10; ++k) {
      auto preferred = static_cast<size_t>(skew * double(global[k]));
      double expected = double(global[k] - preferred) / 10.0 + (j == k ? double(preferred) : 0.0);
      // The pooled part is random: about 7 samples of standard deviation.
      BOOST_TEST(std::abs(double(h[k]) - expected) < 60.0,
                 "node " << j << ", label " << k << ": " << h[k] << " vs " << expected);
    }
  }
}

BOOST_AUTO_TEST_CASE(bad_arguments_are_rejected) {
  std::vector<uint8_t> labels{0, 1, 2, 3};
  auto rejected = [](const auto& result) {
    return !result && result.error().code == errc::invalid_argument;
  };
  BOOST_TEST(rejected(partition_iid(10, 0, 1)));
  BOOST_TEST(rejected(shard_iid(10, 3, 3, 1)));
  BOOST_TEST(rejected(shard_iid(10, 0, 0, 1)));
  BOOST_TEST(rejected(partition_by_label(labels, 0, 0.5, 1)));
  BOOST_TEST(rejected(shard_by_label(labels, 2, 2, 0.5, 1)));
  BOOST_TEST(rejected(shard_by_label(labels, 0, 2, -0.01, 1)));
  BOOST_TEST(rejected(shard_by_label(labels, 0, 2, 1.01, 1)));
  BOOST_TEST(rejected(shard_by_label(labels, 0, 2, std::nan(""), 1)));
  BOOST_TEST(static_cast<bool>(shard_by_label({}, 0, 2, 1.0, 1)));
}

BOOST_AUTO_TEST_CASE(shard_dataset_selects_the_shard_samples) {
  dataset data;
  data.rows = 1;
  data.cols = 1;
  for (size_t i = 0; i < 20; ++i) {
    data.images.push_back(static_cast<float>(i));
    data.labels.push_back(static_cast<uint8_t>(i % 4));
  }
  auto indices = shard_by_label(data.labels, 1, 4, 1.0, 3);
  auto shard = shard_dataset(data, 1, 4, 1.0, 3);
  BOOST_REQUIRE(indices && shard);
  BOOST_REQUIRE(shard->size() == indices->size());
  for (size_t i = 0; i < shard->size(); ++i) {
    BOOST_TEST(shard->labels[i] == 1);
    BOOST_TEST(shard->images[i] == static_cast<float>((*indices)[i]));
  }
  BOOST_TEST(!shard_dataset(data, 4, 4, 0.0, 3));
}
