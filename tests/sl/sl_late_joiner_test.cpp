// Two SLs with toy ML nodes train on 127.23.{1,2}.1; after round 3 a third
// SL joins: its ML starts from the latest committed model (caught up, not
// its own initial values), and all three end with the same model. Also
// when the joiner's ML opens its session and only then spends a while
// loading data, so that catch-ups reach its SL before its first sync.

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

// Checks the joiner's first model: a committed round it caught up to, at
// least `joined_after`, with the digest the others logged for it.
void check_first_model(const swarm_cluster& c, const std::string& initial,
                       uint64_t joined_after) {
  std::optional<commit_line> source;
  for (const auto& x : c.commits(3))
    if (x.digest == initial.substr(0, 16))
      source = x;
  BOOST_REQUIRE_MESSAGE(source, "the joiner's first model " << initial
                                                            << " is no committed round\n"
                                                            << c.dump());
  BOOST_TEST_MESSAGE("joined after round " << joined_after << "; first model from round "
                                           << source->round);
  BOOST_TEST(source->caught_up);
  BOOST_TEST(source->round >= joined_after);
  // One of the others may have skipped that round by catching up past it,
  // but not both.
  int logged = 0;
  for (int i : {1, 2}) {
    auto d = digest_of(c, i, source->round);
    logged += d.empty() ? 0 : 1;
    BOOST_TEST((d.empty() || d == source->digest), "SL-" << i << " logged " << d);
  }
  BOOST_TEST(logged >= 1);
}

// Runs the scenario; the joiner's ML spends `setup_us` of compute between
// opening its session and its first sync.
void join_late(int setup_us) {
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
    120s);
  BOOST_REQUIRE_MESSAGE(trained, "the first two nodes did not reach round 3\n" << c.dump());
  BOOST_REQUIRE_MESSAGE(!c.commits(1).back().final,
                        "training ended before the third node could join");
  auto joiner = node(3);
  joiner.ml_env["TOY_SETUP_WORK_US"] = std::to_string(setup_us);
  c.start_sl(3, joiner);

  std::string initial;
  BOOST_REQUIRE_MESSAGE(wait_until(
                          [&] {
                            initial = value_after(c.log(3), "Initial model SHA-256: ");
                            return !initial.empty();
                          },
                          120s),
                        "the joiner never finished its initial sync\n" << c.dump());
  check_first_model(c, initial, joined_after);

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

} // namespace

BOOST_AUTO_TEST_CASE(a_late_joiner_starts_from_the_latest_committed_model) {
  join_late(0);
}

BOOST_AUTO_TEST_CASE(a_late_joiner_that_loads_data_after_opening_its_session_does_too) {
  join_late(2'000'000);
}
