// Bad flags of the long-running commands, against the real `swarm`
// binary: each is refused with exit code 2 and a message that names the
// flag and the value, before anything starts (no listener, no ML).

#define BOOST_TEST_MODULE launcher.flags_test
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "process.hpp"

namespace {

using swarm::test::process_result;

/// Runs `swarm <args>` in a scratch directory; the identity files need not
/// exist, as every case must fail before they are read.
process_result swarm_with(std::vector<std::string> args) {
  swarm::test::temp_dir dir;
  swarm::test::process_options opts;
  opts.argv = {(swarm::test::bin_dir() / "swarm").string()};
  opts.argv.insert(opts.argv.end(), args.begin(), args.end());
  opts.cwd = dir.path();
  opts.deadline = std::chrono::seconds{60};
  return swarm::test::run_process(opts);
}

std::vector<std::string> sl_with(std::vector<std::string> extra) {
  std::vector<std::string> args{"sl",     "--sn-ip",  "127.0.0.1", "--key", "key.pem",
                                "--cert", "cert.pem", "--capath",  "ca"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

void check_refused(const process_result& r, const std::vector<std::string>& says) {
  BOOST_TEST(!r.timed_out);
  BOOST_TEST(r.exit_code == 2, r.output);
  for (const auto& text : says)
    BOOST_TEST(r.output.find(text) != std::string::npos, "expected '" << text << "' in:\n"
                                                                      << r.output);
  BOOST_TEST(r.output.find("listening") == std::string::npos, r.output);
}

} // namespace

BOOST_AUTO_TEST_CASE(a_host_ip_that_is_no_address_is_refused_naming_the_flag) {
  check_refused(swarm_with(sl_with({"--host-ip", "300.1.1.1"})),
                {"--host-ip", "'300.1.1.1' is not an IPv4 or IPv6 address"});
  check_refused(swarm_with({"sn", "--sentinel", "--host-ip", "sn.example", "--key", "k", "--cert",
                            "c", "--capath", "ca"}),
                {"--host-ip", "'sn.example' is not an IPv4 or IPv6 address"});
}

BOOST_AUTO_TEST_CASE(an_ipv6_host_ip_passes_the_address_check) {
  auto r = swarm_with(sl_with({"--host-ip", "::1", "--ml-cmd", "true", "--ml-e", "BROKEN"}));
  check_refused(r, {"--ml-e 'BROKEN' is not KEY=VALUE"});
  BOOST_TEST(r.output.find("--host-ip") == std::string::npos, r.output);
}

BOOST_AUTO_TEST_CASE(an_ml_e_without_an_equals_sign_is_refused_before_the_node_starts) {
  check_refused(
    swarm_with(sl_with({"--host-ip", "127.0.0.1", "--ml-cmd", "true", "--ml-e", "MAX_EPOCHS"})),
    {"--ml-e 'MAX_EPOCHS' is not KEY=VALUE"});
}

BOOST_AUTO_TEST_CASE(ml_settings_without_an_ml_cmd_are_refused) {
  check_refused(swarm_with(sl_with({"--host-ip", "127.0.0.1", "--ml-e", "MAX_EPOCHS=2"})),
                {"--ml-e configures the ML program, but --ml-cmd names none"});
  check_refused(swarm_with(sl_with({"--host-ip", "127.0.0.1", "--ml-w", "/tmp"})),
                {"--ml-w configures the ML program, but --ml-cmd names none"});
}

BOOST_AUTO_TEST_CASE(a_missing_ml_w_directory_is_refused_before_the_ml_starts) {
  auto r = swarm_with(
    sl_with({"--host-ip", "127.0.0.1", "--ml-cmd", "true", "--ml-w", "/nonexistent/ml-dir"}));
  check_refused(r, {"--ml-w /nonexistent/ml-dir: no such directory"});
  BOOST_TEST(r.output.find("started the ML") == std::string::npos, r.output);
}
