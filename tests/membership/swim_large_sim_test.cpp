#define BOOST_TEST_MODULE membership.swim_large_sim
#include <boost/test/unit_test.hpp>

// Seeded whole-cluster simulations with 1,000 members: the same properties
// as swim_sim_test.cpp over fewer simulated seconds, with one default seed
// (or $SWARM_SEED) to keep the suite's runtime modest.

#include <functional>

#include "sim_support.hpp"

using namespace sim_test;

namespace {

// One seed for the costly cases; cheap ones run three.
void for_each_seed(const std::function<void(uint64_t)>& body,
                   const std::vector<uint64_t>& defaults = {1}) {
  for (auto seed : seeds_or_env(defaults)) {
    BOOST_TEST_CONTEXT(replay(seed)) {
      body(seed);
    }
  }
}

} // namespace

BOOST_AUTO_TEST_CASE(a_thousand_members_joining_one_by_one_converge_on_one_view) {
  for_each_seed([](uint64_t seed) {
    swim_cluster c{options(seed, 1000, false)};
    false_positive_watch fp{c};
    c.run_until(999 * 10); // the last member starts
    auto took = require_convergence(c, 120000, seed);
    BOOST_TEST_MESSAGE("1000 joiners converged " << seconds(took)
                                                 << " s after the last start, " << replay(seed));
    BOOST_TEST(fp.false_deaths == 0u, fp.first_false_death);
  });
}

BOOST_AUTO_TEST_CASE(a_crashed_member_among_a_thousand_is_declared_dead_within_the_swim_bound) {
  for_each_seed([](uint64_t seed) {
    auto opts = options(seed, 1000, true);
    swim_cluster c{opts};
    false_positive_watch fp{c};
    c.run_for(3000);
    require_detection(c, 1 + static_cast<size_t>(seed * 389 % 999), opts.config, seed);
    require_detection(c, 1 + static_cast<size_t>(seed * 631 % 999), opts.config, seed);
    BOOST_TEST(fp.false_deaths == 0u, fp.first_false_death);
  }, {1, 2, 3});
}

BOOST_AUTO_TEST_CASE(with_ten_percent_loss_no_live_member_of_a_thousand_is_declared_dead) {
  for_each_seed([](uint64_t seed) {
    auto opts = options(seed, 1000, true);
    opts.network.loss_probability = 0.10;
    swim_cluster c{opts};
    false_positive_watch fp{c};
    c.run_for(30000);
    BOOST_TEST_MESSAGE("10% loss, 1000 members, 30 s: " << fp.false_suspicions
                                                        << " suspicion events, "
                                                        << fp.false_deaths << " false deaths, "
                                                        << replay(seed));
    BOOST_TEST(fp.false_suspicions > 0u);
    BOOST_TEST(fp.false_deaths == 0u, fp.first_false_death);
  });
}

BOOST_AUTO_TEST_CASE(views_of_a_thousand_converge_after_a_partition_heals) {
  for_each_seed([](uint64_t seed) {
    swim_cluster c{options(seed, 1000, true)};
    c.run_for(2000);
    // A rack of 100 loses its uplink.
    std::vector<size_t> rack, rest;
    for (size_t i = 0; i < c.size(); ++i)
      (i % 10 == seed % 10 ? rack : rest).push_back(i);
    c.partition({rack, rest});
    c.run_for(45000);
    BOOST_TEST(c.node(rest.front())->view().count(member_state::dead) == rack.size());
    c.heal();
    auto took = require_convergence(c, 180000, seed);
    BOOST_TEST_MESSAGE("100/900 partition healed; views converged after "
                       << seconds(took) << " s, " << replay(seed));
  });
}
