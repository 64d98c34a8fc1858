// The seed's MNIST walkthrough end to end, as a user runs it:
// scripts/run-walkthrough on two loopback hosts (SNs, SWOPs, SWCI with
// swci-init, two SL/ML pairs). One epoch on IID shards of a tenth of the
// data, for CI time; everything else as in the README.

#define BOOST_TEST_MODULE walkthrough.walkthrough_test
#include <boost/test/unit_test.hpp>

#include <string>

#include "process.hpp"

namespace {

bool contains(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_CASE(the_walkthrough_ends_with_identical_final_models_and_nothing_running) {
  swarm::test::temp_dir tmp;
  swarm::test::process_options opts;
  opts.argv = {(swarm::test::source_dir() / "scripts" / "run-walkthrough").string()};
  opts.env["SWARM_SKIP_SETUP"] = "1";
  opts.env["SWARM_BIN"] = swarm::test::bin_dir().string();
  opts.env["SWARM_WORK"] = (tmp.path() / "walk").string();
  opts.env["SWARM_HOSTS"] = "127.0.91.1 127.0.92.1";
  opts.env["MAX_EPOCHS"] = "1";
  opts.env["WALK_ML_ENV"] = R"("DATA_SPLIT": iid, "NODE_COUNT": 10)";
  opts.deadline = std::chrono::seconds{800};
  auto result = swarm::test::run_process(opts);
  BOOST_TEST_MESSAGE(result.output);
  BOOST_REQUIRE_MESSAGE(result.exit_code == 0, result.output);
  BOOST_TEST(contains(result.output, "both ML nodes logged: All peers and Swarm training "
                                     "rounds finished. Final Swarm model was loaded."));
  BOOST_TEST(contains(result.output, "both saved the same final model"));
  BOOST_TEST(contains(result.output, "nothing left running"));
}
