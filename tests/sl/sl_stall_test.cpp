// Two SLs with toy ML nodes on 127.28.{1,2}.1. Once a round with both
// committed, SL 2 is killed (kill -9, with its ML child). SL 1 alone is no
// majority of that round's electorate, and the tie is SL 2's (SL 1 is the
// default leader), so no round can commit again (it
// cannot tell a dead peer from a partition); instead of hanging without a
// word, it logs what the round lacks and who is missing.

#define BOOST_TEST_MODULE sl_stall
#include <boost/test/unit_test.hpp>

#include "process.hpp"
#include "sl_cluster.hpp"

namespace {

using namespace sl_test;

sl_spec node(int i) {
  auto spec = toy_spec(swarm::test::bin_dir(), "toy-" + std::to_string(i),
                       {{"TOY_SHAPE", "64x10,10"},
                        {"TOY_BATCHES", "100000"},
                        {"TOY_BATCH_WORK_US", "2000"}});
  spec.sl_env["SL_STALL_WARNING_SECONDS"] = "1";
  return spec;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_survivor_without_a_majority_says_which_peers_it_waits_for) {
  swarm::test::temp_dir dir;
  swarm_cluster c{swarm::test::bin_dir(), dir.path(), 28, 2};
  c.start_sn();
  for (int i : {1, 2})
    c.start_sl(i, node(i));
  bool both = wait_until(
    [&] {
      for (const auto& x : c.commits(1))
        if (x.participants == 2)
          return true;
      return false;
    },
    120s);
  BOOST_REQUIRE_MESSAGE(both, "no round with both nodes\n" << c.dump());
  BOOST_REQUIRE(c.sl(2).kill_all());

  // First it waits for SL 2's sync point; once SWIM declares SL 2 dead,
  // the warning names the lost majority.
  std::string line;
  bool said = wait_until(
    [&] {
      auto log = c.log(1);
      auto at = log.find("needs 2 (or 1 with SL-2~");
      auto end = log.find('\n', at);
      // Only a whole line: the log may be read in the middle of a write.
      if (at == std::string::npos || end == std::string::npos)
        return false;
      auto begin = log.rfind('\n', at) + 1;
      line = log.substr(begin, end - begin);
      return true;
    },
    60s);
  BOOST_REQUIRE_MESSAGE(said, "no stall warning\n" << c.dump());
  BOOST_TEST_MESSAGE(line);
  BOOST_TEST(line.find("WARNING : no commit for ") != std::string::npos, line);
  BOOST_TEST(line.find(") of round ") != std::string::npos, line);
  BOOST_TEST(line.find("electorate (SL-1~") != std::string::npos, line);
  BOOST_TEST(line.find(", SL-2~") != std::string::npos, line);
  BOOST_TEST(line.find("alive: SL-1~") != std::string::npos, line);
  BOOST_TEST(line.find("SL-2~", line.find("alive: ")) == std::string::npos, line);
  // SL 1 still serves: it waits, it did not fail.
  BOOST_TEST(!c.sl(1).exit_code().has_value());
}
