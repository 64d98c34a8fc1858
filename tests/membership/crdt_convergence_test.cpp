#define BOOST_TEST_MODULE membership.crdt_convergence
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "swarm/membership/crdt_map.hpp"

// Property tests: N replicas write concurrently to a small key space while a
// faulty network reorders, duplicates and drops the gossip; after push-pull
// anti-entropy every replica must hold exactly the join of all writes. Each
// seed is one run; a failure names its seed, and SWARM_SEED=<n> replays it.

using namespace swarm::membership;

namespace {

/// splitmix64: tiny, and identical on every platform and standard library.
struct test_rng {
  uint64_t state;

  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
  }

  size_t below(size_t n) {
    return static_cast<size_t>(next() % n);
  }

  bool chance(unsigned percent) {
    return below(100) < percent;
  }
};

std::vector<uint64_t> seeds_to_run(uint64_t count) {
  if (auto env = std::getenv("SWARM_SEED"); env != nullptr && *env != '\0')
    return {std::strtoull(env, nullptr, 10)};
  std::vector<uint64_t> result;
  for (uint64_t i = 1; i <= count; ++i)
    result.push_back(i);
  return result;
}

// Appending instead of "k" + to_string(...) sidesteps a GCC 12 -Wrestrict
// false positive.
std::string key_of(size_t n) {
  std::string key{"k"};
  key += std::to_string(n);
  return key;
}

byte_buffer to_bytes(std::string_view text) {
  auto span = as_byte_span(text);
  return {span.begin(), span.end()};
}

struct message {
  size_t to;
  crdt_entry entry;
};

struct cluster {
  test_rng rng;
  std::vector<crdt_map> replicas;
  std::vector<node_uuid> writers;
  std::vector<message> in_flight;
  crdt_map oracle; // every write ever made, merged in creation order

  cluster(uint64_t seed, size_t n) : rng{seed}, replicas(n), writers(n) {
    for (size_t i = 0; i < n; ++i)
      writers[i].bytes[0] = static_cast<uint8_t>(i + 1);
  }

  void local_write(size_t keys) {
    auto who = rng.below(replicas.size());
    auto key = key_of(rng.below(keys));
    auto value = std::to_string(rng.next());
    auto& map = replicas[who];
    auto x = rng.chance(20) ? map.erase(key, writers[who])
                            : map.put(key, to_bytes(value), writers[who]);
    BOOST_REQUIRE(x);
    oracle.merge(*x);
    for (size_t to = 0; to < replicas.size(); ++to)
      if (to != who)
        in_flight.push_back({to, *x});
  }

  /// Delivers one random message: lost 30%, duplicated 20% of the time.
  void deliver_one() {
    auto i = rng.below(in_flight.size());
    auto m = in_flight[i];
    in_flight[i] = std::move(in_flight.back());
    in_flight.pop_back();
    if (rng.chance(30))
      return;
    if (rng.chance(20))
      in_flight.push_back(m);
    replicas[m.to].merge(m.entry);
  }

  /// Push-pull between replicas a and b through their summaries.
  void anti_entropy(size_t a, size_t b) {
    auto from_b = replicas[b].entries_differing_from(replicas[a].summary());
    auto summary_b = replicas[b].summary();
    for (const auto& x : from_b)
      replicas[a].merge(x);
    for (const auto& x : replicas[a].entries_differing_from(summary_b))
      replicas[b].merge(x);
  }

  bool converged_on_oracle() const {
    auto want = oracle.digest();
    for (const auto& r : replicas)
      if (r.digest() != want || r.summary() != oracle.summary())
        return false;
    return true;
  }
};

} // namespace

BOOST_AUTO_TEST_CASE(replicas_converge_under_reordering_duplication_and_loss) {
  for (auto seed : seeds_to_run(300)) {
    BOOST_TEST_CONTEXT("seed " << seed << " (replay with SWARM_SEED=" << seed << ")") {
      test_rng setup{seed};
      cluster c{seed, 2 + setup.below(7)};
      auto writes = 20 + setup.below(200);
      auto keys = 1 + setup.below(30);
      for (size_t i = 0; i < writes; ++i) {
        c.local_write(keys);
        // Deliver some traffic between writes so replicas write concurrently
        // with partial knowledge.
        for (auto n = c.rng.below(4); n > 0 && !c.in_flight.empty(); --n)
          c.deliver_one();
      }
      while (!c.in_flight.empty())
        c.deliver_one();
      // Random pairs until every replica matches; bounded so a bug fails
      // rather than spins.
      size_t rounds = 0;
      auto n = c.replicas.size();
      while (!c.converged_on_oracle() && rounds < 40 * n * n) {
        auto a = c.rng.below(n);
        auto b = (a + 1 + c.rng.below(n - 1)) % n;
        c.anti_entropy(a, b);
        ++rounds;
      }
      BOOST_TEST(c.converged_on_oracle());
      for (const auto& r : c.replicas) {
        BOOST_TEST(r.size() == c.oracle.size());
        BOOST_TEST(r.clock() >= c.oracle.clock());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(merge_is_commutative_associative_and_idempotent) {
  for (auto seed : seeds_to_run(300)) {
    BOOST_TEST_CONTEXT("seed " << seed << " (replay with SWARM_SEED=" << seed << ")") {
      test_rng rng{seed};
      // Arbitrary entries, including equal versions from different writers
      // and from the same writer with different values.
      std::vector<crdt_entry> all;
      for (auto n = 5 + rng.below(60); n > 0; --n) {
        crdt_entry x;
        x.key = key_of(rng.below(6));
        x.version = 1 + rng.below(8);
        x.writer.bytes[0] = static_cast<uint8_t>(1 + rng.below(3));
        x.tombstone = rng.chance(25);
        if (!x.tombstone)
          x.value.assign(1 + rng.below(3), std::byte{static_cast<uint8_t>(rng.below(4))});
        all.push_back(x);
      }
      crdt_map in_order;
      for (const auto& x : all)
        in_order.merge(x);
      // Any order, with repeats, into any grouping gives the same map.
      crdt_map left;
      crdt_map right;
      for (size_t i = 0; i < 3 * all.size(); ++i) {
        const auto& x = all[rng.below(all.size())];
        (rng.chance(50) ? left : right).merge(x);
      }
      for (const auto& x : all)
        (rng.chance(50) ? left : right).merge(x);
      for (const auto& [key, x] : right.entries())
        left.merge(x);
      BOOST_TEST(left.digest() == in_order.digest());
      BOOST_TEST((left.summary() == in_order.summary()));
      // Merging a replica's own entries again changes nothing.
      for (const auto& [key, x] : in_order.entries())
        BOOST_TEST(!left.merge(x));
    }
  }
}
