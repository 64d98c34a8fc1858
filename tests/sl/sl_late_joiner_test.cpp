// Two SLs with toy ML nodes train on 127.23.{1,2}.1; after round 3 a third
// SL joins: its ML starts from the latest committed model (caught up, not
// its own initial values), and all three end with the same model.

#define BOOST_TEST_MODULE sl_late_joiner
#include <boost/test/unit_test.hpp>

#include "process.hpp"
#include "sl_cluster.hpp"

namespace {

using namespace sl_test;

sl_spec node(int i) {
  return toy_spec(swarm::test::bin_dir(), "toy-" + std::to_string(i),
                  {{"TOY_SHAPE", "256x64,64,64x10,10"},
                   {"TOY_BATCHES", "300"},
                   {"TOY_BATCH_WORK_US", "20000"}});
}

// Returns the digest prefix that SL `i` logged for `round`, or "".
std::string digest_of(const swarm_cluster& c, int i, uint64_t round) {
  for (const auto& x : c.commits(i))
    if (x.round == round)
      return x.digest;
  return {};
}

} // namespace

BOOST_AUTO_TEST_CASE(a_late_joiner_starts_from_the_latest_committed_model) {
  swarm::test::temp_dir dir;
  swarm_cluster c{swarm::test::bin_dir(), dir.path(), 23, 3};
  c.start_sn();
  for (int i : {1, 2})
    c.start_sl(i, node(i));
  uint64_t joined_after = 0;
  bool trained = wait_until(
    [&] {
      auto xs = c.commits(1);
      joined_after = xs.empty() ? 0 : xs.back().round;
      return joined_after >= 3;
    },
    120s, 50ms);
  BOOST_REQUIRE_MESSAGE(trained, "the first two nodes did not reach round 3\n" << c.dump());
  BOOST_REQUIRE_MESSAGE(c.commits(1).back().final == false,
                        "training ended before the third node could join");
  c.start_sl(3, node(3));

  // The joiner's first model: the round it caught up to.
  std::string initial;
  BOOST_REQUIRE_MESSAGE(wait_until(
                          [&] {
                            initial = value_after(c.log(3), "Initial model SHA-256: ");
                            return !initial.empty();
                          },
                          120s),
                        "the joiner never finished its initial sync\n" << c.dump());
  auto first = c.commits(3);
  BOOST_REQUIRE(!first.empty());
  BOOST_TEST_MESSAGE("joined after round " << joined_after << "; first model from round "
                                           << first.front().round);
  BOOST_TEST(first.front().caught_up);
  BOOST_TEST(first.front().round >= joined_after);
  BOOST_TEST(initial.substr(0, 16) == first.front().digest);
  BOOST_TEST(digest_of(c, 1, first.front().round) == first.front().digest);
  BOOST_TEST(digest_of(c, 2, first.front().round) == first.front().digest);

  std::vector<std::string> digests;
  for (int i : {1, 2, 3}) {
    BOOST_REQUIRE_MESSAGE(c.sl(i).wait_exit(180s) == 0, c.failure(i));
    auto log = c.log(i);
    BOOST_TEST(log.find("Final Swarm model was loaded.") != std::string::npos);
    digests.push_back(value_after(log, "Final model SHA-256: "));
  }
  BOOST_TEST(digests[0].size() == 64u);
  BOOST_TEST(digests[0] == digests[1]);
  BOOST_TEST(digests[0] == digests[2]);
}
