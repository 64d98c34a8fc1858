// Three SLs with toy ML nodes on 127.27.{1,2,3}.1, the third three times
// slower than the others. With a short full-quorum wait the two fast nodes
// commit rounds without it; the straggler keeps its vote all the same (it
// is an elector of the next round while alive). Then the fast node that
// does not lead is killed (kill -9, with its ML child): the leader and the
// straggler are two of the three electors, so training goes on and both end
// with the same model. Were the straggler not an elector, the leader alone
// would be half of {leader, victim} without the tie, and would wait forever.

#define BOOST_TEST_MODULE sl_straggler_vote
#include <boost/test/unit_test.hpp>

#include "process.hpp"
#include "sl_cluster.hpp"

namespace {

using namespace sl_test;

sl_spec node(int i) {
  auto spec = toy_spec(swarm::test::bin_dir(), "toy-" + std::to_string(i),
                       {{"TOY_SHAPE", "256x64,64,64x10,10"},
                        {"TOY_BATCHES", i == 3 ? "100" : "300"},
                        {"TOY_BATCH_WORK_US", i == 3 ? "90000" : "30000"}});
  spec.sl_env["SL_WAIT_FOR_FULL_QUORUM_SECONDS"] = "0.2";
  return spec;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_straggler_that_skipped_rounds_still_votes_when_a_fast_node_dies) {
  swarm::test::temp_dir dir;
  swarm_cluster c{swarm::test::bin_dir(), dir.path(), 27, 3};
  c.start_sn();
  for (int i : {1, 2, 3})
    c.start_sl(i, node(i));

  // A round after the first that the fast nodes committed without the
  // straggler (still training, alive).
  std::optional<commit_line> skipped;
  bool seen = wait_until(
    [&] {
      for (const auto& x : c.commits(1))
        if (x.round > 1 && x.participants == 2 && !x.final)
          skipped = x;
      return skipped.has_value();
    },
    120s);
  BOOST_REQUIRE_MESSAGE(seen, "no round without the straggler\n" << c.dump());
  BOOST_REQUIRE(skipped->leader == "SL-1" || skipped->leader == "SL-2");
  int leader = skipped->leader == "SL-1" ? 1 : 2;
  int victim = 3 - leader;
  auto before = c.commits(leader).size();
  BOOST_REQUIRE(c.sl(victim).kill_all());
  BOOST_TEST_MESSAGE("killed SL-" << victim << " after round " << skipped->round);

  std::vector<std::string> digests;
  for (int i : {leader, 3}) {
    BOOST_REQUIRE_MESSAGE(c.sl(i).wait_exit(180s) == 0, c.failure(i));
    auto log = c.log(i);
    BOOST_TEST(log.find("Final Swarm model was loaded.") != std::string::npos);
    digests.push_back(value_after(log, "Final model SHA-256: "));
  }
  // Rounds went on after the kill, with the straggler.
  auto after = c.commits(leader);
  BOOST_TEST(after.size() > before);
  BOOST_TEST(after.back().final);
  BOOST_TEST(digests[0].size() == 64u);
  BOOST_TEST(digests[0] == digests[1]);
}
