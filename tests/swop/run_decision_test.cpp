#define BOOST_TEST_MODULE swop_run_decision
#include <boost/test/unit_test.hpp>

#include "swarm/swop/run_decision.hpp"

using namespace swarm;
using namespace swarm::swop;
using membership::peer_state;
using membership::taskrunner_peer_record;
using membership::taskrunner_record;

namespace {

taskrunner_record runner(std::string type, uint32_t wanted, uint64_t run = 7) {
  taskrunner_record r;
  r.name = "tr";
  r.task = "t";
  r.task_type = std::move(type);
  r.run_id = run;
  r.peers_wanted = wanted;
  return r;
}

taskrunner_peer_record peer(std::string uuid, peer_state state, uint32_t nodes,
                            uint64_t run = 7) {
  taskrunner_peer_record p;
  p.taskrunner = "tr";
  p.swop_uuid = std::move(uuid);
  p.state = state;
  p.nodes = nodes;
  p.run_id = run;
  return p;
}

} // namespace

BOOST_AUTO_TEST_CASE(an_idle_taskrunner_asks_nothing) {
  auto r = runner("RUN_SWARM", 2);
  r.task.clear();
  BOOST_TEST((decide(r, {}, "me", 1) == verdict::idle));
}

BOOST_AUTO_TEST_CASE(a_run_swarm_quorum_counts_the_other_peers_nodes) {
  auto r = runner("RUN_SWARM", 3);
  std::vector<taskrunner_peer_record> peers{peer("a", peer_state::running, 2)};
  BOOST_TEST(covered_by_others(r, peers, "me") == 2u);
  BOOST_TEST((decide(r, peers, "me", 1) == verdict::take));
  peers.push_back(peer("b", peer_state::complete, 1));
  BOOST_TEST((decide(r, peers, "me", 1) == verdict::skip));
}

BOOST_AUTO_TEST_CASE(failed_enrolled_stale_and_own_entries_do_not_cover_the_quorum) {
  auto r = runner("MAKE_USER_CONTAINER", 2);
  std::vector<taskrunner_peer_record> peers{
    peer("a", peer_state::failed, 1), peer("b", peer_state::enrolled, 1),
    peer("c", peer_state::complete, 1, 6), peer("me", peer_state::running, 1),
    peer("d", peer_state::running, 5)};
  BOOST_TEST(covered_by_others(r, peers, "me") == 1u); // d, as one SWOP
  BOOST_TEST((decide(r, peers, "me", 0) == verdict::take));
}

BOOST_AUTO_TEST_CASE(targets_decide_alone) {
  auto r = runner("RUN_SWARM", 1);
  r.targets = {"other"};
  BOOST_TEST((decide(r, {}, "me", 1) == verdict::skip));
  r.targets = {"other", "me"};
  std::vector<taskrunner_peer_record> full{peer("x", peer_state::running, 9)};
  BOOST_TEST((decide(r, full, "me", 1) == verdict::take));
}

BOOST_AUTO_TEST_CASE(all_peers_takes_and_a_swop_without_nodes_skips_run_swarm) {
  auto r = runner("RUN_SWARM", 1);
  r.all_peers = true;
  std::vector<taskrunner_peer_record> full{peer("x", peer_state::running, 9)};
  BOOST_TEST((decide(r, full, "me", 1) == verdict::take));
  BOOST_TEST((decide(r, {}, "me", 0) == verdict::skip));
}

BOOST_AUTO_TEST_CASE(the_tracker_decides_once_per_run_and_again_on_new_targets) {
  run_tracker t;
  auto r = runner("RUN_SWARM", 1);
  BOOST_TEST(t.is_new(r));
  BOOST_TEST(!t.is_new(r));
  r.targets = {"me"};
  BOOST_TEST(t.is_new(r));
  BOOST_TEST(!t.is_new(r));
  r.run_id = 8;
  BOOST_TEST(t.is_new(r));
  BOOST_TEST(t.run_id() == 8u);
}
