#define BOOST_TEST_MODULE swop_cli
#include <boost/test/unit_test.hpp>

#include "fixtures.hpp"
#include "process.hpp"

using namespace swarm;

namespace {

test::process_result run_swop(const test::temp_dir& dir, const std::string& profile) {
  test::process_options opts;
  opts.argv = {(test::bin_dir() / "swarm").string(), "swop", "--usr-dir", dir.path().string(),
               "--profile-file-name", profile, "--sn-ip", "127.0.0.1", "--key", "k.pem",
               "--cert", "c.pem", "--capath", dir.path().string(), "--data-dir",
               (dir.path() / "swop").string()};
  opts.deadline = std::chrono::seconds{60};
  return test::run_process(opts);
}

} // namespace

BOOST_AUTO_TEST_CASE(an_invalid_profile_exits_1_listing_its_problems_with_positions) {
  test::temp_dir dir;
  test::write_file(dir.path() / "p.yaml", test::profile_yaml(dir.path(), 1) + "bogus: 1\n");
  auto r = run_swop(dir, "p.yaml");
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.output.find("p.yaml:") != std::string::npos, r.output);
  BOOST_TEST(r.output.find(": bogus: unknown key") != std::string::npos, r.output);
  BOOST_TEST(!std::filesystem::exists(dir.path() / "swop"));
}

BOOST_AUTO_TEST_CASE(a_profile_outside_the_top_of_usr_dir_is_a_usage_error) {
  test::temp_dir dir;
  auto r = run_swop(dir, "sub/p.yaml");
  BOOST_TEST(r.exit_code == 2);
  BOOST_TEST(r.output.find("at the top of --usr-dir") != std::string::npos, r.output);
}

BOOST_AUTO_TEST_CASE(a_missing_profile_exits_1_naming_it) {
  test::temp_dir dir;
  auto r = run_swop(dir, "none.yaml");
  BOOST_TEST(r.exit_code == 1);
  BOOST_TEST(r.output.find("none.yaml") != std::string::npos, r.output);
}
