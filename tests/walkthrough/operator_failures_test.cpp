// The operators' failure paths with real processes on loopback: an
// unfinalized task assigned, a profile with an unknown key, a task whose
// command does not exist, a SWOP killed in the middle of a task or right
// after it took the run, and SWCI against an SN that is down.

#define BOOST_TEST_MODULE walkthrough.operator_failures_test
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <string>

#include "ops_cluster.hpp"

namespace {

using namespace ops_test;
using sl_test::process_group;
using sl_test::wait_until;

bool contains(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

const std::map<std::string, std::string> fast_polls{{"SWCI_TASKRUNNER_POLL_INTERVAL_MS", "200"},
                                                    {"SWCI_WAIT_FOR_IP_INTERVAL_MS", "100"}};

/// Returns the info of the default taskrunner (null if the SN does not answer).
nlohmann::json taskrunner_info(const ops_cluster& c) {
  return c.get("/v1/taskrunners/defaulttaskbb.taskdb.sml.hpe");
}

/// Returns the state of the default taskrunner, or "" if unknown.
std::string taskrunner_state(const ops_cluster& c) {
  auto info = taskrunner_info(c);
  return info.is_object() ? info.value("state", "") : "";
}

/// Starts a SWOP and assigns it a task whose ML (sleep) never opens a
/// session, so the task runs until the SWOP dies; returns the SWOP.
std::unique_ptr<process_group> start_endless_task(ops_cluster& c) {
  c.start_sn();
  auto usr = c.write_profile();
  auto swop = std::make_unique<process_group>(c.swop_argv(usr), std::map<std::string, std::string>{},
                                              c.dir() / "swop.log");
  BOOST_REQUIRE_MESSAGE(swop->wait_for_output("Ready for Task Execution", 60s), swop->output());
  fs::create_directories(c.dir() / "model");
  write_text(c.dir() / "swci-usr" / "t.yaml",
             run_task("t", "/bin/sleep", "600", c.dir() / "model"));
  auto result = c.run_swci(c.context() + "CREATE TASK FROM t.yaml\nFINALIZE TASK t\n"
                             "ASSIGN TASK t TO defaulttaskbb.taskdb.sml.hpe WITH 1 PEERS\nEXIT\n");
  BOOST_REQUIRE_MESSAGE(result.exit_code == 0, result.output);
  return swop;
}

} // namespace

BOOST_AUTO_TEST_CASE(assigning_a_task_that_is_not_finalized_fails_the_script_at_that_line) {
  ops_cluster c{"127.0.93.1", 32010};
  c.start_sn();
  write_text(c.dir() / "swci-usr" / "t.yaml", run_task("t", "/bin/true", "x", c.dir()));
  auto result = c.run_swci(c.context() + "CREATE TASK FROM t.yaml\n"
                             "ASSIGN TASK t TO defaulttaskbb.taskdb.sml.hpe WITH 1 PEERS\n"
                             "EXIT\n");
  BOOST_TEST(result.exit_code != 0, result.output);
  BOOST_TEST(contains(result.output, "swci-init:5:"), result.output);
  BOOST_TEST(contains(result.output, "task 't' is not finalized"), result.output);
  BOOST_TEST(taskrunner_state(c) == "IDLE");
}

BOOST_AUTO_TEST_CASE(a_profile_with_an_unknown_key_is_refused_naming_file_line_and_key) {
  ops_cluster c{"127.0.94.1", 32020};
  auto usr = c.write_profile("colour: blue\n");
  swarm::test::process_options opts;
  opts.argv = c.swop_argv(usr);
  opts.deadline = 60s;
  auto result = swarm::test::run_process(opts);
  BOOST_TEST(result.exit_code == 1, result.output);
  BOOST_TEST(contains(result.output, "profile.yaml:19:"), result.output);
  BOOST_TEST(contains(result.output, "colour"), result.output);
}

BOOST_AUTO_TEST_CASE(a_task_whose_command_does_not_exist_ends_in_error_with_the_reason) {
  ops_cluster c{"127.0.95.1", 32030};
  c.start_sn();
  process_group swop{c.swop_argv(c.write_profile()), {}, c.dir() / "swop.log"};
  BOOST_REQUIRE_MESSAGE(swop.wait_for_output("Ready for Task Execution", 60s), swop.output());
  fs::create_directories(c.dir() / "model");
  write_text(c.dir() / "swci-usr" / "t.yaml",
             run_task("t", "/nonexistent/ml-program", "--train", c.dir() / "model"));
  auto result = c.run_swci(c.context() + "CREATE TASK FROM t.yaml\nFINALIZE TASK t\n"
                             "ASSIGN TASK t TO defaulttaskbb.taskdb.sml.hpe WITH 1 PEERS\n"
                             "WAIT FOR TASKRUNNER defaulttaskbb.taskdb.sml.hpe\nEXIT\n",
                           fast_polls);
  BOOST_TEST(result.exit_code != 0, result.output);
  BOOST_TEST(contains(result.output, "swci-init:7:"), result.output);
  BOOST_TEST(contains(result.output, "ERROR"), result.output);
  BOOST_TEST(taskrunner_state(c) == "ERROR");
  // The peer's message says what failed and where its log is.
  auto peers = c.get("/v1/taskrunners/defaulttaskbb.taskdb.sml.hpe/peers");
  BOOST_REQUIRE(peers.is_object());
  BOOST_REQUIRE_EQUAL(peers["peers"].size(), 1u);
  auto message = peers["peers"][0].value("message", "");
  BOOST_TEST(peers["peers"][0].value("state", "") == "FAILED");
  BOOST_TEST(contains(message, "node 0: Entrypoint '/nonexistent/ml-program' not found"),
             message);
  // The SWOP itself survives a failed task and takes the next one.
  BOOST_TEST(!swop.exit_code());
}

BOOST_AUTO_TEST_CASE(a_swop_killed_during_a_task_leaves_no_orphans_and_the_task_ends_in_error) {
  ops_cluster c{"127.0.96.1", 32040};
  auto swop = start_endless_task(c);
  auto sl_log = c.dir() / "swop" / "runs" / "t" / "sl0.log";
  BOOST_REQUIRE_MESSAGE(wait_until([&] {
                          return taskrunner_state(c) == "RUNNING"
                                 && contains(sl_test::read_text(sl_log), "started the ML");
                        }, 120s),
                        "the task never ran:\n" + swop->output() + sl_test::read_text(sl_log));
  // Kill it in the middle of the task: once the SN knows it runs the task
  // and its SL has joined the overlay (the next case kills it sooner).
  BOOST_REQUIRE(wait_until([&] {
    auto peers = c.get("/v1/taskrunners/defaulttaskbb.taskdb.sml.hpe/peers");
    auto nodes = c.get("/v1/nodes");
    if (!peers.is_object() || peers["peers"].size() != 1u || !nodes.is_object())
      return false;
    bool sl_active = false;
    for (const auto& n : nodes["nodes"])
      sl_active = sl_active || (n.value("type", "") == "SL" && n.value("status", "") == "ACTIVE");
    return sl_active && peers["peers"][0].value("state", "") == "RUNNING";
  }, 120s));
  auto swop_pid = swop->pid();
  ::kill(swop_pid, SIGKILL); // the SWOP only, not its children's groups
  BOOST_TEST(wait_until([&] { return other_children(c.sn().pid()).empty(); }, 60s),
             "processes of the killed SWOP are still running");
  BOOST_TEST(wait_until([&] { return taskrunner_state(c) == "ERROR"; }, 120s),
             "the taskrunner stays " + taskrunner_state(c) + "; the SN's log:\n"
               + c.sn().output());
}

BOOST_AUTO_TEST_CASE(a_swop_killed_right_after_it_took_the_run_still_ends_the_task_in_error) {
  ops_cluster c{"127.0.98.1", 32060};
  auto swop = start_endless_task(c);
  auto sl_log = c.dir() / "swop" / "runs" / "t" / "sl0.log";
  // Killed as soon as its ML starts: the SN may never see its entry RUNNING,
  // nor its SL join. The run is lost all the same once the SWOP is dead.
  BOOST_REQUIRE_MESSAGE(wait_until([&] {
                          return contains(sl_test::read_text(sl_log), "started the ML");
                        }, 120s),
                        "the task never ran:\n" + swop->output() + sl_test::read_text(sl_log));
  ::kill(swop->pid(), SIGKILL); // the SWOP only, not its children's groups
  BOOST_TEST(wait_until([&] { return other_children(c.sn().pid()).empty(); }, 60s),
             "processes of the killed SWOP are still running");
  // Within the silence limit (35 s after its last refresh, every 10 s);
  // SWIM's verdict usually comes within seconds.
  BOOST_TEST(wait_until([&] { return taskrunner_state(c) == "ERROR"; }, 90s),
             "the taskrunner stays " + taskrunner_state(c) + "; the SN's log:\n"
               + c.sn().output());
  auto info = taskrunner_info(c);
  auto message = info.is_object() ? info.value("message", "") : std::string{};
  BOOST_TEST(contains(message, "SWOP '"), message);
  BOOST_TEST(contains(message, "can no longer be reached"), message);
  // WAIT FOR TASKRUNNER ends, with the error, instead of hanging.
  auto waited = c.run_swci(c.context() + "WAIT FOR TASKRUNNER defaulttaskbb.taskdb.sml.hpe\n"
                                           "EXIT\n",
                           fast_polls);
  BOOST_TEST(waited.exit_code != 0, waited.output);
  BOOST_TEST(contains(waited.output, "ERROR"), waited.output);
}

BOOST_AUTO_TEST_CASE(swci_against_a_down_sn_says_so_and_wait_for_ip_retries_until_it_is_up) {
  ops_cluster c{"127.0.97.1", 32050};
  auto down = c.run_swci(c.context() + "LIST TASKS\nEXIT\n");
  BOOST_TEST(down.exit_code != 0, down.output);
  BOOST_TEST(contains(down.output, "cannot reach SN at 127.0.97.1:32051"), down.output);

  auto gave_up = c.run_swci("EXIT ON FAILURE\nWAIT FOR IP 127.0.97.1 32051 2\nEXIT\n",
                            fast_polls);
  BOOST_TEST(gave_up.exit_code != 0, gave_up.output);
  BOOST_TEST(contains(gave_up.output, "not ready after 3 attempts"), gave_up.output);

  // Started before the SN: it keeps retrying, then goes on once it is up.
  process_group swci{c.swci_argv("EXIT ON FAILURE\nWAIT FOR IP 127.0.97.1 32051 1000\n"
                                 + c.context() + "LIST NODES\nEXIT\n"),
                     fast_polls, c.dir() / "swci.log"};
  BOOST_REQUIRE_MESSAGE(swci.wait_for_output("Waiting for SN at 127.0.97.1:32051", 60s),
                        swci.output());
  c.start_sn();
  BOOST_TEST(swci.wait_exit(120s) == 0, swci.output());
  BOOST_TEST(contains(swci.output(), "SN at 127.0.97.1:32051 is up"), swci.output());
  BOOST_TEST(contains(swci.output(), "SENTINEL"), swci.output());
}
