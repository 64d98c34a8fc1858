// Two SLs with toy ML nodes on loopback, joined through one sentinel SN.
// Once a round committed, the SN is killed (kill -9): the SLs found each
// other through it, but merge among themselves, so they train on, finish,
// and end with one final model without it.

#define BOOST_TEST_MODULE sl_sn_loss
#include <boost/test/unit_test.hpp>

#include <csignal>

#include "process.hpp"
#include "sl_cluster.hpp"

namespace {

using namespace sl_test;

// Several rounds remain after the first commit.
sl_spec node(int i) {
  return busy_toy(i, 200);
}

} // namespace

BOOST_AUTO_TEST_CASE(the_sls_finish_with_one_model_when_their_sn_dies_mid_training) {
  swarm::test::temp_dir dir;
  swarm_cluster c{swarm::test::bin_dir(), dir.path(), 29, 2};
  auto& sn = c.start_sn();
  for (int i : {1, 2})
    c.start_sl(i, node(i));
  BOOST_REQUIRE_MESSAGE(wait_until([&] { return !c.commits(1).empty() && !c.commits(2).empty(); },
                                   120s),
                        "no round committed\n"
                          << c.dump());
  auto rounds_before = c.commits(1).size();
  BOOST_REQUIRE(sn.kill_all());
  BOOST_TEST(sn.exit_code().value_or(-1) == 128 + SIGKILL);

  std::vector<std::string> digests;
  for (int i : {1, 2}) {
    BOOST_REQUIRE_MESSAGE(c.sl(i).wait_exit(180s) == 0, c.failure(i));
    auto log = c.log(i);
    BOOST_TEST(log.find("Final Swarm model was loaded.") != std::string::npos);
    digests.push_back(final_digest(log));
  }
  auto commits = c.commits(1);
  BOOST_TEST_MESSAGE("rounds: " << rounds_before << " before the SN died, " << commits.size()
                                << " in all");
  BOOST_TEST(commits.size() > rounds_before + 1, "no round committed without the SN");
  BOOST_TEST(commits.back().final);
  BOOST_TEST(digests[0].size() == 64u);
  BOOST_TEST(digests[0] == digests[1]);
}
