#define BOOST_TEST_MODULE merge.round_restart_sim
#include <boost/test/unit_test.hpp>

// Seeded merge-round simulations of nodes that restart from their saved
// hard state (round_cluster_options::durable, an SL restarted with its data
// directory): they keep their names and their votes, so a swarm survives
// any crashes, a majority or every node included, once the nodes are back.
// The oracle's invariants (round_cluster.hpp) hold on every run.

#include <variant>

#include "round_sim_support.hpp"

using namespace round_sim;

namespace {

round_cluster_options durable_options(uint64_t seed, size_t n, uint32_t min_peers) {
  auto o = options(seed, n, min_peers);
  o.durable = true;
  // Every restart takes a network endpoint.
  o.spare_endpoints = 64;
  return o;
}

// Crashes `slot` now and restarts it `after_ms` later.
void crash_and_restart(round_cluster& c, size_t slot, int64_t after_ms) {
  c.crash(slot);
  c.at(c.now_ms() + after_ms, [&c, slot] {
    if (!c.running(slot))
      c.restart(slot);
  });
}

// Whether `out` carries a promise or a value: the messages a restart must
// not make the sender forget.
bool carries_a_promise(const merge::outgoing_message& out) {
  return std::holds_alternative<merge::vote_msg>(out.msg)
         || std::holds_alternative<merge::vote_request_msg>(out.msg)
         || std::holds_alternative<merge::proposal_msg>(out.msg)
         || std::holds_alternative<merge::accepted_msg>(out.msg)
         || std::holds_alternative<merge::commit_msg>(out.msg);
}

} // namespace

BOOST_AUTO_TEST_CASE(a_two_node_swarm_finishes_when_either_node_restarts_with_its_saved_state) {
  // Without its saved state the restarted node would come back as a new
  // node, and the survivor alone holds no quorum of the two electors when
  // the dead one held the tie (see the next case).
  for_each_seed(24, [](uint64_t seed) {
    round_cluster c{durable_options(seed, 2, 2)};
    c.run_until([&] { return c.latest_round() >= 2; }, 60'000);
    auto victim = static_cast<size_t>(seed % 2);
    crash_and_restart(c, victim, 500 + static_cast<int64_t>(seed) * 150);
    require_clean_end(c, seed);
    BOOST_TEST(c.name_of(victim) == "n" + std::to_string(victim), replay(seed));
  });
}

BOOST_AUTO_TEST_CASE(without_its_saved_state_a_restarted_node_does_not_get_its_vote_back) {
  // n1 holds the tie of the electorate {n0, n1}: after it restarts
  // amnesic (a lost data directory) as n1~1, n0 and n1~1 are not a quorum,
  // and nothing commits. That is the price of safety: an amnesic vote could
  // commit a round twice.
  for_each_seed(4, [](uint64_t seed) {
    round_cluster c{options(seed, 2, 2)};
    c.run_until([&] { return c.latest_round() >= 2; }, 60'000);
    c.crash(1);
    c.run_for(1'000);
    c.restart(1);
    auto before = c.latest_round();
    BOOST_TEST(!c.run_to_end(60'000), replay(seed) << ": " << c.summary());
    BOOST_TEST(c.latest_round() <= before + 1, replay(seed) << ": " << c.summary());
    bool majority = c.node(0)->stall().why == merge::round_stall::cause::majority;
    BOOST_TEST(majority, replay(seed) << ": " << c.summary());
    require_no_violation(c, seed);
  });
}

BOOST_AUTO_TEST_CASE(a_leader_that_restarts_in_the_middle_of_its_proposal_proposes_the_same_value) {
  // The leader of round 3 crashes as it sends its proposal to the second
  // acceptor. The first accepted it and, with the leader, is a quorum of
  // three: it commits at once. It is then cut off, so the restarted leader
  // and the other acceptor make round 3 without it: unless the leader
  // remembers what it proposed, they commit a second value for the round.
  for_each_seed(24, [](uint64_t seed) {
    round_cluster c{durable_options(seed, 3, 2)};
    uint64_t target = 3;
    std::string first_acceptor;
    bool cut = false;
    c.on_send([&](size_t from, const merge::outgoing_message& out) {
      auto* p = std::get_if<merge::proposal_msg>(&out.msg);
      if (p == nullptr || p->round != target || cut)
        return send_verdict::send;
      if (first_acceptor.empty()) {
        first_acceptor = out.to;
        return send_verdict::send;
      }
      cut = true;
      auto isolated = static_cast<size_t>(std::stoul(first_acceptor.substr(1)));
      std::vector<size_t> rest;
      for (size_t i = 0; i < 3; ++i)
        if (i != isolated)
          rest.push_back(i);
      c.at(c.now_ms() + 1, [&c, isolated, rest] { c.partition({{isolated}, rest}); });
      c.at(c.now_ms() + 800, [&c, from] { c.restart(from); });
      c.at(c.now_ms() + 8'000, [&c] { c.heal(); });
      return send_verdict::crash;
    });
    require_clean_end(c, seed);
    BOOST_TEST(cut, replay(seed) << ": no proposal of round " << target << " was cut");
  });
}

BOOST_AUTO_TEST_CASE(
  random_crashes_of_any_nodes_that_restart_from_saved_state_keep_safety_and_end) {
  // Any node, a majority or all of them at once, crashes at a random
  // message that carries a promise or at a random time, and comes back
  // with its saved state; messages are lost, delayed and duplicated. Every
  // run must end with every node holding the same final model.
  for_each_seed(300, [](uint64_t seed) {
    membership::prng r{seed * 9'973 + 17};
    auto n = static_cast<size_t>(2 + r.below(4));
    auto min_peers = static_cast<uint32_t>(1 + r.below(n));
    auto o = durable_options(seed, n, min_peers);
    o.epochs = 3 + static_cast<uint32_t>(r.below(4));
    o.network.loss_probability = r.uniform() * 0.15;
    o.network.delay_max_ms = 5 + r.between(0, 40);
    o.network.duplicate_probability = r.uniform() * 0.1;
    round_cluster c{o};
    int crashes_left = 6;
    double p_crash = 0.002 + r.uniform() * 0.01;
    c.on_send([&](size_t from, const merge::outgoing_message& out) {
      if (crashes_left == 0 || !carries_a_promise(out) || !r.chance(p_crash))
        return send_verdict::send;
      --crashes_left;
      c.at(c.now_ms() + r.between(50, 3'000), [&c, from] {
        if (!c.running(from))
          c.restart(from);
      });
      return send_verdict::crash;
    });
    for (int k = 0; k < 3; ++k) {
      c.run_for(r.between(500, 5'000));
      // Sometimes every node at once.
      for (size_t i = 0; i < n; ++i)
        if (c.running(i) && (k == 2 || r.chance(0.4)))
          crash_and_restart(c, i, r.between(100, 4'000));
    }
    require_clean_end(c, seed, 900'000);
  });
}
