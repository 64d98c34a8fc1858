// An SL embedded in the ML process (swarm::sl::embedded_sl, mnist-ml with
// SWARM_SL_EMBEDDED=True) on 127.26.1.1 trains with a `swarm sl` process on
// 127.26.2.1, through a sentinel SN: the two kinds of SL speak the same
// rounds, both hand model values to their ML through shared memory, and
// both nodes end with the same final model.

#define BOOST_TEST_MODULE sl_embedded
#include <boost/test/unit_test.hpp>

#include "process.hpp"
#include "sl_cluster.hpp"

namespace {

using namespace sl_test;

sl_spec mnist_spec(int i, const fs::path& scratch) {
  sl_spec spec;
  spec.ml_program = swarm::test::bin_dir() / "mnist-ml";
  spec.ml_env = {{"DATA_SPLIT", "iid"},
                 {"NODE_COUNT", "10"},
                 {"NODE_INDEX", std::to_string(i - 1)},
                 {"NODE_NAME", "ml-" + std::to_string(i)},
                 {"MAX_EPOCHS", "1"},
                 {"MIN_PEERS", "2"},
                 {"SYNC_FREQUENCY", "16"},
                 {"SCRATCH_DIR", scratch.string()}};
  spec.sl_env = {{"SL_LEADER_FAILURE_BASE_TIMEOUT", "1"},
                 {"SL_WAIT_FOR_FULL_QUORUM_SECONDS", "2"}};
  return spec;
}

} // namespace

BOOST_AUTO_TEST_CASE(an_embedded_sl_and_an_sl_process_train_to_one_final_model) {
  swarm::test::temp_dir dir;
  swarm_cluster c{swarm::test::bin_dir(), dir.path(), 26, 2};
  c.start_sn();
  c.start_embedded(1, mnist_spec(1, dir.path() / "scratch1"));
  c.start_sl(2, mnist_spec(2, dir.path() / "scratch2"));
  for (int i : {1, 2})
    BOOST_REQUIRE_MESSAGE(c.sl(i).wait_exit(240s) == 0, c.failure(i));
  std::vector<std::string> digests;
  for (int i : {1, 2}) {
    auto log = c.log(i);
    digests.push_back(final_digest(log));
    BOOST_TEST(!digests.back().empty(), "node " << i << " has no final model\n" << tail(log));
    BOOST_TEST(log.find("(model values through shared memory)") != std::string::npos,
               "node " << i << " did not share its model values\n" << tail(log));
  }
  BOOST_TEST(c.log(1).find("opened with the SL (in-process)") != std::string::npos);
  BOOST_TEST(digests[0].size() == 64u);
  BOOST_TEST(digests[0] == digests[1]);
  // Both took part in the same rounds: the last commit each saw is one.
  auto first = c.commits(1);
  auto second = c.commits(2);
  BOOST_TEST_REQUIRE(!first.empty());
  BOOST_TEST_REQUIRE(!second.empty());
  BOOST_TEST(first.back().round == second.back().round);
  BOOST_TEST(first.back().digest == second.back().digest);
}
