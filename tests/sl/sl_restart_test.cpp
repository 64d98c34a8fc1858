// Three SLs with toy ML nodes on loopback, minPeers 2. Once SL-3 committed
// two rounds, it is killed (kill -9; its ML child goes with it) and started
// again with the same identity, data directory and ports, as a supervisor
// would: its ML starts from the swarm's latest committed model, and all
// three finish with one final model. (Two of the three stay up, a majority
// of every round's electorate; see round_coordinator's class comment.)
// With two SLs, a restart loses the majority for good (votes are kept in
// memory only): the stall warnings say so, rather than "wait".

#define BOOST_TEST_MODULE sl_restart
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <csignal>

#include "process.hpp"
#include "sl_cluster.hpp"

namespace {

using namespace sl_test;

// Stall warnings every 2 s: the two-node case waits for them.
sl_spec node(int i) {
  auto spec = busy_toy(i, 300);
  spec.sl_env["SL_STALL_WARNING_SECONDS"] = "2";
  return spec;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_killed_sl_started_again_rejoins_and_all_end_with_one_model) {
  swarm::test::temp_dir dir;
  swarm_cluster c{swarm::test::bin_dir(), dir.path(), 30, 3};
  c.start_sn();
  for (int i : {1, 2, 3})
    c.start_sl(i, node(i));
  BOOST_REQUIRE_MESSAGE(wait_until([&] { return c.commits(3).size() >= 2; }, 120s),
                        "SL-3 committed no two rounds\n"
                          << c.dump());
  BOOST_REQUIRE(c.sl(3).kill_all());
  BOOST_TEST(c.sl(3).exit_code().value_or(-1) == 128 + SIGKILL);
  auto first_life = c.log(3);

  c.start_sl(3, node(3));
  std::vector<std::string> digests;
  for (int i : {1, 2, 3}) {
    BOOST_REQUIRE_MESSAGE(c.sl(i).wait_exit(180s) == 0, c.failure(i));
    digests.push_back(final_digest(c.log(i)));
  }
  // The log holds both lives: the second began from a model the swarm
  // had committed (by a catch-up before its first sync, or as the result
  // of it), not from its own initial values.
  auto second_life = c.log(3).substr(first_life.size());
  auto initial = value_after(second_life, "Initial model SHA-256: ");
  BOOST_REQUIRE_MESSAGE(initial.size() == 64u, tail(second_life));
  auto survivor = c.commits(1);
  BOOST_TEST(std::any_of(survivor.begin(), survivor.end(),
                         [&](const commit_line& x) { return x.digest == initial.substr(0, 16); }),
             "the second life began from " << initial);
  BOOST_TEST(c.log(1).find("SL SL-3 restarted") != std::string::npos);
  BOOST_TEST(c.commits(3).back().final);
  BOOST_TEST(digests[0].size() == 64u);
  BOOST_TEST(digests[0] == digests[1]);
  BOOST_TEST(digests[0] == digests[2]);
}

BOOST_AUTO_TEST_CASE(a_two_node_swarm_says_that_a_restarted_sl_lost_its_vote) {
  swarm::test::temp_dir dir;
  swarm_cluster c{swarm::test::bin_dir(), dir.path(), 31, 2};
  c.start_sn();
  for (int i : {1, 2})
    c.start_sl(i, node(i));
  BOOST_REQUIRE_MESSAGE(wait_until([&] { return c.commits(2).size() >= 2; }, 120s),
                        "SL-2 committed no two rounds\n"
                          << c.dump());
  BOOST_REQUIRE(c.sl(2).kill_all());
  c.start_sl(2, node(2));
  // Both sides name the restart in their stall warnings.
  for (int i : {1, 2})
    BOOST_TEST(wait_until(
                 [&] {
                   auto log = c.log(i);
                   return log.find("SL SL-2 restarted (now SL-2~") != std::string::npos
                          && log.find("does not get its vote back") != std::string::npos;
                 },
                 60s),
               "SL-" << i << ":\n"
                     << tail(c.log(i)));
}
