#define BOOST_TEST_MODULE swci app
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <sstream>

#include "server_fixture.hpp"
#include "swarm/swci/app.hpp"

using namespace swarm::swci;

namespace {

// Runs the SWCI with `stdin_text` as its input; returns the exit code.
struct app_run {
  std::ostringstream out;
  std::ostringstream err;
  int code = -1;

  app_run(const app_options& options, const std::string& stdin_text) {
    std::istringstream in{stdin_text};
    code = run_app(options, in, out, err);
  }
};

app_options with_identity() {
  const auto& p = api_test::pki::get();
  app_options opts;
  opts.identity.key = p.host2.key("swci");
  opts.identity.cert = p.host2.cert("swci");
  opts.identity.capath = p.host2.capath;
  return opts;
}

// Sets an environment variable for one test.
struct scoped_env {
  std::string name;

  scoped_env(std::string n, const std::string& value) : name(std::move(n)) {
    ::setenv(name.c_str(), value.c_str(), 1);
  }

  ~scoped_env() {
    ::unsetenv(name.c_str());
  }
};

} // namespace

BOOST_AUTO_TEST_CASE(the_init_script_runs_from_the_usr_dir_then_stdin_continues) {
  swarm::test::temp_dir usr;
  api_test::write_text(usr.path() / "swci-init", "cd /platform/swarm/usr\nmkdir\n");
  api_test::write_text(usr.path() / "marker.txt", "");
  auto opts = with_identity();
  opts.usr_dir = usr.path();
  opts.init_script_name = "swci-init";
  app_run run{opts, "ls\nEXIT\nSWITCH CONTEXT never\n"};
  BOOST_CHECK_EQUAL(run.code, 0);
  BOOST_CHECK(run.err.str().starts_with("swci-init:2: mkdir: unknown command 'mkdir'"));
  BOOST_CHECK_EQUAL(run.out.str(), "marker.txt\nswci-init\n");
}

BOOST_AUTO_TEST_CASE(a_failing_init_script_under_exit_on_failure_exits_1_without_reading_stdin) {
  swarm::test::temp_dir usr;
  api_test::write_text(usr.path() / "swci-init", "EXIT ON FAILURE\nSWITCH CONTEXT none\n");
  auto opts = with_identity();
  opts.usr_dir = usr.path();
  opts.init_script_name = "swci-init";
  app_run run{opts, "pwd\n"};
  BOOST_CHECK_EQUAL(run.code, 1);
  BOOST_CHECK_EQUAL(run.err.str(),
                    "swci-init:2: SWITCH CONTEXT none: no context 'none' (CREATE CONTEXT "
                    "defines one)\n");
  BOOST_CHECK_EQUAL(run.out.str(), "");
}

BOOST_AUTO_TEST_CASE(wait_for_ip_retries_an_sn_that_is_down_and_says_why_each_time) {
  uint16_t port = 0;
  {
    api_test::running_server server;
    port = server.port();
  }
  scoped_env interval{"SWCI_WAIT_FOR_IP_INTERVAL_MS", "10"};
  auto where = "127.0.1.1:" + std::to_string(port);
  app_run run{with_identity(), "EXIT ON FAILURE\nWAIT FOR IP 127.0.1.1 " + std::to_string(port)
                                 + " 2\nLIST CONTEXTS\n"};
  BOOST_CHECK_EQUAL(run.code, 1);
  auto line = "Waiting for SN at " + where + ": cannot reach SN at " + where
              + ": connection refused (attempt ";
  BOOST_CHECK_EQUAL(run.out.str(), line + "1 of 3; next in 10 ms)\n" + line
                                     + "2 of 3; next in 10 ms)\n");
  BOOST_CHECK(run.err.str().find("<stdin>:2: WAIT FOR IP") == 0);
}

BOOST_AUTO_TEST_CASE(wait_for_ip_succeeds_against_a_running_sn) {
  api_test::running_server server;
  app_run run{with_identity(), "EXIT ON FAILURE\nWAIT FOR IP 127.0.1.1 "
                                 + std::to_string(server.port()) + "\n"};
  BOOST_CHECK_EQUAL(run.code, 0);
  BOOST_CHECK_EQUAL(run.out.str(), "SN at 127.0.1.1:" + std::to_string(server.port())
                                     + " is up\n");
}

BOOST_AUTO_TEST_CASE(without_an_identity_commands_for_an_sn_say_which_flags_are_missing) {
  app_options opts;
  opts.sn_ip = "127.0.1.1";
  app_run run{opts, "LIST NODES\n"};
  BOOST_CHECK_EQUAL(run.code, 0);
  BOOST_CHECK(run.err.str().find("start it with --key, --cert and --capath") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_malformed_wait_limit_in_the_environment_is_refused) {
  scoped_env limit{"SWCI_RUN_TASK_MAX_WAIT_TIME", "two hours"};
  app_run run{with_identity(), ""};
  BOOST_CHECK_EQUAL(run.code, 1);
  BOOST_CHECK(run.err.str().find("SWCI_RUN_TASK_MAX_WAIT_TIME must be a whole number")
              != std::string::npos);
}
