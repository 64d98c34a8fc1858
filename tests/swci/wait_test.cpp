#define BOOST_TEST_MODULE swci waits
#include <boost/test/unit_test.hpp>

#include "fakes.hpp"

using namespace swci_test;
using namespace std::chrono_literals;

namespace {

const std::string runner = "GET /v1/taskrunners/defaulttaskbb.taskdb.sml.hpe";
const std::string wait_line = "WAIT FOR TASKRUNNER defaulttaskbb.taskdb.sml.hpe\n";

json info(const std::string& state, const std::string& type = "RUN_SWARM") {
  return {{"name", "defaulttaskbb.taskdb.sml.hpe"},
          {"state", state},
          {"task", "swarm_mnist_task"},
          {"task_type", type},
          {"run_id", 7},
          {"peers", {{"enrolled", 2}, {"running", 0}, {"complete", 2}, {"failed", 0}}},
          {"message", state == "ERROR" ? "a peer failed" : ""}};
}

session_options quick() {
  session_options opts;
  opts.taskrunner_poll_interval = 2s;
  opts.wait_for_ip_interval = 5s;
  opts.run_task_max_wait = 1min;
  opts.generic_task_max_wait = 2min;
  return opts;
}

} // namespace

BOOST_AUTO_TEST_CASE(wait_for_taskrunner_prints_a_mark_per_poll_until_complete) {
  harness h{quick()};
  h.connect();
  h.sn->on(runner, info("RUNNING"));
  h.sn->on(runner, info("RUNNING"));
  h.sn->on(runner, info("RUNNING"));
  h.sn->on(runner, info("COMPLETE"));
  auto outcome = h.run(wait_line);
  BOOST_REQUIRE_MESSAGE(outcome.failures == 0, h.err.str());
  BOOST_CHECK_EQUAL(h.out.str(), "###\nTaskrunner defaulttaskbb.taskdb.sml.hpe: task "
                                 "swarm_mnist_task COMPLETE (2 peers complete)\n");
  BOOST_CHECK_EQUAL(h.time.sleeps.size(), 3u);
  BOOST_CHECK(h.time.sleeps.front() == 2s);
}

BOOST_AUTO_TEST_CASE(wait_for_taskrunner_fails_on_error_with_the_peers_messages) {
  harness h{quick()};
  h.connect();
  h.sn->on(runner, info("RUNNING"));
  h.sn->on(runner, info("ERROR"));
  h.sn->on(runner + "/peers",
           {{"peers",
             {{{"index", 0}, {"uuid", "u0"}, {"name", "SWOP-1"}, {"state", "COMPLETE"},
               {"run_id", 7}, {"alive", true}, {"message", ""}},
              {{"index", 1}, {"uuid", "u1"}, {"name", "SWOP-2"}, {"state", "FAILED"},
               {"run_id", 7}, {"alive", true}, {"message", "ml exited with status 1"}},
              {{"index", 2}, {"uuid", "u2"}, {"name", "SWOP-3"}, {"state", "FAILED"},
               {"run_id", 6}, {"alive", true}, {"message", "an older run"}}}}});
  auto outcome = h.run("EXIT ON FAILURE\n" + wait_line);
  BOOST_CHECK_EQUAL(outcome.exit_code, 1);
  BOOST_CHECK_EQUAL(h.err.str(),
                    "swci-init:2: WAIT FOR TASKRUNNER defaulttaskbb.taskdb.sml.hpe: task "
                    "swarm_mnist_task on taskrunner 'defaulttaskbb.taskdb.sml.hpe' ended in "
                    "ERROR: a peer failed; peer 1 SWOP-2 (u1): FAILED: ml exited with status 1\n");
  BOOST_CHECK_EQUAL(h.out.str(), "#\n");
}

BOOST_AUTO_TEST_CASE(wait_for_taskrunner_gives_up_after_the_run_task_limit) {
  harness h{quick()};
  h.connect();
  h.sn->on(runner, info("RUNNING"));
  auto outcome = h.run(wait_line);
  BOOST_CHECK_EQUAL(outcome.failures, 1u);
  BOOST_CHECK(h.err.str().find("gave up waiting for taskrunner 'defaulttaskbb.taskdb.sml.hpe' "
                               "after 1 minutes (state RUNNING)")
              != std::string::npos);
  // Polls at 0, 2, ..., 60 s: the last one at the limit.
  BOOST_CHECK_EQUAL(h.sn->count(runner), 31u);
  BOOST_CHECK(h.time.now() - clock::time_point{} == 60s);
}

BOOST_AUTO_TEST_CASE(wait_for_taskrunner_uses_the_generic_limit_for_other_task_types) {
  harness h{quick()};
  h.connect();
  h.sn->on(runner, info("RUNNING", "MAKE_USER_CONTAINER"));
  h.run(wait_line);
  BOOST_CHECK(h.err.str().find("after 2 minutes") != std::string::npos);
  BOOST_CHECK(h.time.now() - clock::time_point{} == 120s);
}

BOOST_AUTO_TEST_CASE(wait_for_taskrunner_keeps_polling_through_an_unreachable_sn) {
  harness h{quick()};
  h.connect();
  h.sn->down = true;
  auto outcome = h.run(wait_line);
  BOOST_CHECK_EQUAL(outcome.failures, 1u);
  BOOST_CHECK(h.sn->count(runner) > 10);
  // The reason is printed once, not once per poll.
  auto out = h.out.str();
  BOOST_CHECK_EQUAL(out.find("connection refused"), out.rfind("connection refused"));
  BOOST_CHECK(out.find("cannot reach SN at 127.0.1.1:30304: connection refused; still waiting")
              != std::string::npos);
}

BOOST_AUTO_TEST_CASE(wait_for_taskrunner_fails_at_once_for_an_idle_or_unknown_taskrunner) {
  harness h{quick()};
  h.connect();
  h.sn->on(runner, info("IDLE"));
  h.run(wait_line + "WAIT FOR TASKRUNNER nope\n");
  BOOST_CHECK(h.err.str().find("is IDLE: no task is assigned to it") != std::string::npos);
  BOOST_CHECK(h.err.str().find("no route for GET /v1/taskrunners/nope (HTTP 404)")
              != std::string::npos);
  BOOST_CHECK(h.time.sleeps.empty());
}

BOOST_AUTO_TEST_CASE(wait_for_ip_retries_a_down_sn_with_a_message_each_time) {
  harness h{quick()};
  h.sn->down = true;
  auto outcome = h.run("EXIT ON FAILURE\nWAIT FOR IP 127.0.1.1 30304 2\n");
  BOOST_CHECK_EQUAL(outcome.exit_code, 1);
  BOOST_CHECK_EQUAL(h.out.str(),
                    "Waiting for SN at 127.0.1.1:30304: cannot reach SN at 127.0.1.1:30304: "
                    "connection refused (attempt 1 of 3; next in 5 s)\n"
                    "Waiting for SN at 127.0.1.1:30304: cannot reach SN at 127.0.1.1:30304: "
                    "connection refused (attempt 2 of 3; next in 5 s)\n");
  BOOST_CHECK(h.err.str().find("SN at 127.0.1.1:30304 not ready after 3 attempts")
              != std::string::npos);
  BOOST_CHECK_EQUAL(h.time.sleeps.size(), 2u);
}

BOOST_AUTO_TEST_CASE(wait_for_ip_succeeds_once_the_sn_is_ready) {
  harness h{quick()};
  h.sn->on("GET /v1/health", {{"status", "starting"}}, 503);
  h.sn->on("GET /v1/health", {{"status", "ok"}}, 200);
  auto outcome = h.run("EXIT ON FAILURE\nWAIT FOR IP sn1\n");
  BOOST_REQUIRE_MESSAGE(outcome.exit_code == 0, h.err.str());
  BOOST_CHECK_EQUAL(h.dialled.at(0).to_string(), "sn1:30304");
  BOOST_CHECK(h.out.str().find("SN at sn1:30304 is starting (HTTP 503)") != std::string::npos);
  BOOST_CHECK(h.out.str().ends_with("SN at sn1:30304 is up\n"));
}

BOOST_AUTO_TEST_CASE(wait_for_service_reads_the_port_from_the_name) {
  harness h{quick()};
  h.sn->on("GET /v1/health", {{"status", "ok"}}, 200);
  auto outcome = h.run("WAIT FOR SERVICE sn.example.org:31000\n");
  BOOST_REQUIRE_MESSAGE(outcome.failures == 0, h.err.str());
  BOOST_CHECK_EQUAL(h.dialled.at(0).to_string(), "sn.example.org:31000");
}

BOOST_AUTO_TEST_CASE(sleep_waits_on_the_clock) {
  harness h{quick()};
  auto outcome = h.run("SLEEP 15\nSLEEP 0.5\nSLEEP soon\n");
  BOOST_CHECK_EQUAL(outcome.failures, 1u);
  BOOST_REQUIRE_EQUAL(h.time.sleeps.size(), 2u);
  BOOST_CHECK(h.time.sleeps[0] == 15s);
  BOOST_CHECK(h.time.sleeps[1] == 500ms);
}
