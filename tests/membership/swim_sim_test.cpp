#define BOOST_TEST_MODULE membership.swim_sim
#include <boost/test/unit_test.hpp>

// Seeded whole-cluster simulations with 100 members. Each case runs every
// default seed, or only $SWARM_SEED to replay a failure; every failure
// message names its seed.

#include <algorithm>
#include <functional>

#include "sim_support.hpp"

using namespace sim_test;

namespace {

const std::vector<uint64_t> default_seeds = {1, 2, 3};

void for_each_seed(const std::function<void(uint64_t)>& body) {
  for (auto seed : seeds_or_env(default_seeds)) {
    BOOST_TEST_CONTEXT(replay(seed)) {
      body(seed);
    }
  }
}

} // namespace

BOOST_AUTO_TEST_CASE(one_hundred_members_joining_one_by_one_converge_on_one_view) {
  for_each_seed([](uint64_t seed) {
    swim_cluster c{options(seed, 100, false)};
    false_positive_watch fp{c};
    c.run_until(99 * 10); // the last member starts
    auto took = require_convergence(c, 60000, seed);
    BOOST_TEST_MESSAGE("100 joiners converged " << seconds(took) << " s after the last start, "
                                                << replay(seed));
    BOOST_TEST(fp.false_deaths == 0u, fp.first_false_death);
    c.run_for(30000);
    BOOST_TEST(c.converged(), "views drifted apart: " << c.divergence());
  });
}

BOOST_AUTO_TEST_CASE(a_crashed_member_is_declared_dead_by_everyone_within_the_swim_bound) {
  for_each_seed([](uint64_t seed) {
    auto opts = options(seed, 100, false);
    swim_cluster c{opts};
    false_positive_watch fp{c};
    c.run_until(1000);
    require_convergence(c, 60000, seed);
    auto victim = 1 + static_cast<size_t>(seed * 37 % 99);
    require_detection(c, victim, opts.config, seed);
    BOOST_TEST(fp.false_deaths == 0u, fp.first_false_death);
    // The rest of the cluster agrees on the survivors.
    require_convergence(c, 30000, seed);
  });
}

BOOST_AUTO_TEST_CASE(with_ten_percent_loss_no_live_member_is_ever_declared_dead) {
  for_each_seed([](uint64_t seed) {
    auto opts = options(seed, 100, true);
    opts.network.loss_probability = 0.10;
    swim_cluster c{opts};
    false_positive_watch fp{c};
    c.run_for(600000);
    BOOST_TEST_MESSAGE("10% loss, 100 members, 600 s: " << fp.false_suspicions
                                                        << " suspicion events, "
                                                        << fp.false_deaths << " false deaths, "
                                                        << replay(seed));
    // Loss does cause suspicions: otherwise this test would prove nothing.
    BOOST_TEST(fp.false_suspicions > 0u);
    BOOST_TEST(fp.false_deaths == 0u, fp.first_false_death);
  });
}

BOOST_AUTO_TEST_CASE(views_converge_after_a_partition_heals) {
  for_each_seed([](uint64_t seed) {
    swim_cluster c{options(seed, 100, true)};
    c.run_for(2000);
    std::vector<size_t> odd, even;
    for (size_t i = 0; i < c.size(); ++i)
      (i % 2 ? odd : even).push_back(i);
    c.partition({odd, even});
    // Long enough for each side to bury the other and stop gossiping to it.
    c.run_for(90000);
    BOOST_TEST(c.node(0)->view().count(member_state::dead) == 50u);
    c.heal();
    auto took = require_convergence(c, 120000, seed);
    BOOST_TEST_MESSAGE("50/50 partition healed; views converged after " << seconds(took)
                                                                        << " s, " << replay(seed));
  });
}

BOOST_AUTO_TEST_CASE(a_restarted_member_rejoins_with_a_higher_incarnation) {
  for_each_seed([](uint64_t seed) {
    swim_cluster c{options(seed, 100, true)};
    c.run_for(2000);
    size_t victim = 10 + seed;
    auto before = c.node(victim)->incarnation();
    c.crash(victim);
    BOOST_TEST_REQUIRE(c.run_until([&] { return nobody_sees_live(c, victim); }, 120000));
    c.restart(victim);
    BOOST_TEST(c.node(victim)->incarnation() > before);
    require_convergence(c, 30000, seed);
    BOOST_TEST(everybody_sees(c, victim, member_state::alive));
  });
}

BOOST_AUTO_TEST_CASE(a_member_joins_through_another_seed_when_the_sentinel_is_down) {
  for_each_seed([](uint64_t seed) {
    swim_cluster c{options(seed, 100, true)};
    c.run_for(2000);
    size_t late = 50 + seed;
    c.crash(late);
    c.crash(0); // the sentinel, first in every seed list
    BOOST_TEST_REQUIRE(c.run_until(
      [&] { return nobody_sees_live(c, late) && nobody_sees_live(c, 0); }, 120000));
    c.restart(late);
    require_convergence(c, 30000, seed);
    BOOST_TEST(c.node(late)->stats().join_attempts >= 2u);
  });
}

BOOST_AUTO_TEST_CASE(a_member_that_leaves_is_seen_as_left_not_dead) {
  for_each_seed([](uint64_t seed) {
    swim_cluster c{options(seed, 100, true)};
    false_positive_watch fp{c};
    c.run_for(2000);
    size_t leaver = 20 + seed;
    c.leave(leaver);
    // It stops once its updates are sent (or its linger ends), which may be
    // after the others all know.
    BOOST_TEST_REQUIRE(c.run_until(
      [&] {
        return everybody_sees(c, leaver, member_state::left)
               && c.status(leaver) == member_status::left;
      },
      20000));
    c.run_for(60000);
    BOOST_TEST(everybody_sees(c, leaver, member_state::left));
    BOOST_TEST(fp.true_deaths == 0u);
    BOOST_TEST(fp.false_deaths == 0u, fp.first_false_death);
  });
}

BOOST_AUTO_TEST_CASE(members_that_leave_all_at_once_are_seen_as_left_not_dead) {
  // As every SL of a finished task does: forty members leave at the same
  // instant and stop at once, so a leave told only to other leavers would
  // be lost and its sender found dead by probes later.
  for_each_seed([](uint64_t seed) {
    swim_cluster c{options(seed, 100, false)};
    c.run_until(99 * 10);
    require_convergence(c, 60000, seed);
    std::vector<size_t> leavers;
    for (size_t i = 60; i < 100; ++i)
      leavers.push_back(i);
    for (auto i : leavers)
      c.leave(i, 0);
    auto all_left = [&] {
      return std::all_of(leavers.begin(), leavers.end(),
                         [&](size_t i) { return everybody_sees(c, i, member_state::left); });
    };
    BOOST_TEST_REQUIRE(c.run_until(all_left, c.now_ms() + 60000));
    c.run_for(60000);
    BOOST_TEST(all_left());
  });
}

BOOST_AUTO_TEST_CASE(duplicated_and_slow_messages_do_not_break_convergence) {
  for_each_seed([](uint64_t seed) {
    auto opts = options(seed, 100, false);
    opts.network = network_options{0.02, 1, 80, 0.05};
    swim_cluster c{opts};
    false_positive_watch fp{c};
    c.run_until(1000);
    c.run_for(60000);
    c.set_network(network_options{0.0, 1, 80, 0.05});
    require_convergence(c, 60000, seed);
    BOOST_TEST(fp.false_deaths == 0u, fp.first_false_death);
  });
}

BOOST_AUTO_TEST_CASE(the_same_seed_replays_the_same_run) {
  auto trace = [](uint64_t seed) {
    auto opts = options(seed, 30, false);
    opts.network.loss_probability = 0.05;
    swim_cluster c{opts};
    std::string events;
    c.on_event([&](const observed_event& e) {
      events += std::to_string(e.at_ms) + ":" + std::to_string(e.observer) + ":"
                + std::string{to_string(e.event.kind)} + ":" + e.event.subject.name + ";";
    });
    c.run_for(20000);
    c.crash(7);
    c.run_for(40000);
    return events + std::to_string(c.net_stats().delivered);
  };
  for_each_seed([&](uint64_t seed) {
    auto first = trace(seed);
    BOOST_TEST(first == trace(seed));
    BOOST_TEST(first != trace(seed + 1000));
  });
}
