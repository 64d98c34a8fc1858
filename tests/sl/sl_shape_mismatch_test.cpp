// Three SLs with toy ML nodes on 127.24.{1,2,3}.1, the third with a model
// whose tensor "w" has another shape: that node stops with an error naming
// the tensor and the shapes; the other two train on and agree.

#define BOOST_TEST_MODULE sl_shape_mismatch
#include <boost/test/unit_test.hpp>

#include "process.hpp"
#include "sl_cluster.hpp"

namespace {

using namespace sl_test;

sl_spec node(int i, const std::string& shape) {
  return toy_spec(swarm::test::bin_dir(), "toy-" + std::to_string(i),
                  {{"TOY_SHAPE", shape}, {"TOY_BATCHES", "100"}, {"TOY_BATCH_WORK_US", "5000"}});
}

} // namespace

BOOST_AUTO_TEST_CASE(a_node_with_another_shape_fails_clearly_and_the_others_finish) {
  swarm::test::temp_dir dir;
  swarm_cluster c{swarm::test::bin_dir(), dir.path(), 24, 3};
  c.start_sn();
  c.start_sl(1, node(1, "64x32,32,32x10,10"));
  c.start_sl(2, node(2, "64x32,32,32x10,10"));
  // Round 1 has no committed model to check against: its leader takes its
  // own layout as the reference. The odd node must not lead it (after a
  // term bump it could), or it would refuse the other two.
  auto odd_spec = node(3, "64x33,33,33x10,10");
  odd_spec.sl_env["SL_MAKE_ME_ADMIN"] = "False";
  c.start_sl(3, odd_spec);

  int odd = c.sl(3).wait_exit(180s);
  auto log = c.log(3);
  BOOST_TEST_MESSAGE("SL-3 exited with " << odd << '\n' << tail(log, 12));
  BOOST_TEST(odd != 0);
  BOOST_TEST(odd != -1);
  // The ML's own error line names the tensor and says what is wrong.
  auto error = value_after(log, "the swarm failed: ");
  BOOST_TEST_MESSAGE("the error: " << error);
  BOOST_TEST(error.find("'w'") != std::string::npos, error);
  BOOST_TEST(error.find("shape") != std::string::npos, error);
  BOOST_TEST(log.find("Final model SHA-256") == std::string::npos);

  std::vector<std::string> digests;
  for (int i : {1, 2}) {
    BOOST_REQUIRE_MESSAGE(c.sl(i).wait_exit(180s) == 0, c.failure(i));
    auto out = c.log(i);
    BOOST_TEST(out.find("Final Swarm model was loaded.") != std::string::npos);
    digests.push_back(value_after(out, "Final model SHA-256: "));
  }
  BOOST_TEST(digests[0].size() == 64u);
  BOOST_TEST(digests[0] == digests[1]);
}
