#define BOOST_TEST_MODULE swci script
#include <boost/test/unit_test.hpp>

#include "fakes.hpp"

using namespace swci_test;

BOOST_AUTO_TEST_CASE(exit_on_failure_stops_at_the_failing_line_and_names_it) {
  harness h;
  auto outcome = h.run("EXIT ON FAILURE\n"
                       "CREATE CONTEXT c WITH IP 127.0.1.1\n"
                       "\n"
                       "SWITCH CONTEXT nope\n"
                       "SWITCH CONTEXT c\n");
  BOOST_CHECK_EQUAL(outcome.exit_code, 1);
  BOOST_CHECK(outcome.stopped);
  BOOST_CHECK_EQUAL(h.err.str(), "swci-init:4: SWITCH CONTEXT nope: no context 'nope' "
                                 "(CREATE CONTEXT defines one)\n");
  BOOST_CHECK_EQUAL(h.s.contexts().current_name(), "");
}

BOOST_AUTO_TEST_CASE(exit_on_failure_off_reports_each_failure_and_goes_on_to_exit_zero) {
  harness h;
  h.connect();
  h.sn->on("GET /v1/tasks", {{"tasks", json::array()}});
  auto outcome = h.run("EXIT ON FAILURE\n"
                       "EXIT ON FAILURE OFF\n"
                       "FINALIZE TASK missing\n"
                       "LST TASKS\n"
                       "LIST TASKS\n");
  BOOST_CHECK_EQUAL(outcome.exit_code, 0);
  BOOST_CHECK(!outcome.stopped);
  BOOST_CHECK_EQUAL(outcome.failures, 2u);
  BOOST_CHECK_EQUAL(h.err.str(),
                    "swci-init:3: FINALIZE TASK missing: no route for POST "
                    "/v1/tasks/missing/finalize (HTTP 404)\n"
                    "swci-init:4: LST TASKS: unknown command 'LST TASKS': did you mean "
                    "'LIST TASKS'?\n");
  BOOST_CHECK_EQUAL(h.sn->count("GET /v1/tasks"), 1u);
}

BOOST_AUTO_TEST_CASE(exit_ends_the_script_successfully) {
  harness h;
  auto outcome = h.run("EXIT\nSWITCH CONTEXT never-run\n");
  BOOST_CHECK_EQUAL(outcome.exit_code, 0);
  BOOST_CHECK(outcome.stopped);
  BOOST_CHECK_EQUAL(outcome.failures, 0u);
  BOOST_CHECK(h.s.exit_requested());
}

BOOST_AUTO_TEST_CASE(comments_and_blank_lines_are_skipped_but_counted) {
  harness h;
  auto outcome = h.run("# the walkthrough\n"
                       "   \n"
                       "  # indented comment\n"
                       "EXIT ON FAILURE ON\n"
                       "pwd extra\n");
  BOOST_CHECK_EQUAL(outcome.exit_code, 1);
  BOOST_CHECK_EQUAL(h.err.str(), "swci-init:5: pwd extra: wrong arguments; usage: pwd\n");
}

BOOST_AUTO_TEST_CASE(commands_for_an_sn_without_a_current_context_say_how_to_get_one) {
  harness h;
  auto outcome = h.run("LIST TASKS\n");
  BOOST_CHECK_EQUAL(outcome.failures, 1u);
  BOOST_CHECK(h.err.str().find("no current context: CREATE CONTEXT") != std::string::npos);
  BOOST_CHECK(h.sn->requests.empty());
}

BOOST_AUTO_TEST_CASE(interactive_failures_are_printed_without_stopping) {
  harness h;
  h.s.set_exit_on_failure(true);
  std::vector<std::string> lines = {"SWITCH CONTEXT nope", "EXIT"};
  size_t i = 0;
  auto next = [&]() -> std::optional<std::string> {
    if (i == lines.size())
      return std::nullopt;
    return lines[i++];
  };
  auto outcome = run_lines(h.s, next, "<terminal>", h.err, true);
  BOOST_CHECK_EQUAL(outcome.exit_code, 0);
  BOOST_CHECK_EQUAL(i, 2u);
  BOOST_CHECK_EQUAL(h.err.str(), "ERROR: no context 'nope' (CREATE CONTEXT defines one)\n");
}
