#define BOOST_TEST_MODULE swci contexts
#include <boost/test/unit_test.hpp>

#include "fakes.hpp"

using namespace swci_test;

BOOST_AUTO_TEST_CASE(a_context_with_ip_defaults_to_port_30304_and_is_used_once_switched_to) {
  harness h;
  h.sn->on("GET /v1/nodes", {{"nodes", json::array()}});
  auto outcome = h.run("EXIT ON FAILURE\n"
                       "CREATE CONTEXT a WITH IP 127.0.1.1\n"
                       "CREATE CONTEXT b WITH IP 127.0.2.1 31000\n"
                       "SWITCH CONTEXT b\n"
                       "LIST NODES\n");
  BOOST_REQUIRE_MESSAGE(outcome.exit_code == 0, h.err.str());
  BOOST_REQUIRE_EQUAL(h.dialled.size(), 1u);
  BOOST_CHECK_EQUAL(h.dialled[0].to_string(), "127.0.2.1:31000");
  BOOST_CHECK(h.out.str().find("Context a created: SN API at 127.0.1.1:30304")
              != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_context_with_service_takes_the_port_from_the_name) {
  harness h;
  auto outcome = h.run("EXIT ON FAILURE\n"
                       "CREATE CONTEXT s WITH SERVICE sn.example.org:443\n"
                       "CREATE CONTEXT t WITH SERVICE sn.example.org\n");
  BOOST_REQUIRE_MESSAGE(outcome.exit_code == 0, h.err.str());
  BOOST_CHECK_EQUAL((*h.s.contexts().find("s"))->api.to_string(), "sn.example.org:443");
  BOOST_CHECK_EQUAL((*h.s.contexts().find("t"))->api.to_string(), "sn.example.org:30304");
}

BOOST_AUTO_TEST_CASE(creating_a_context_twice_or_with_a_bad_port_fails) {
  harness h;
  auto outcome = h.run("CREATE CONTEXT a WITH IP 127.0.1.1\n"
                       "CREATE CONTEXT a WITH IP 127.0.1.1\n"
                       "CREATE CONTEXT b WITH IP 127.0.1.1 99999\n");
  BOOST_CHECK_EQUAL(outcome.failures, 2u);
  BOOST_CHECK(h.err.str().find("context 'a' already exists") != std::string::npos);
  BOOST_CHECK(h.err.str().find("'99999' is not a port") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(list_contexts_marks_the_current_one) {
  harness h;
  h.run("CREATE CONTEXT a WITH IP 127.0.1.1\nCREATE CONTEXT b WITH IP 127.0.2.1\n"
        "SWITCH CONTEXT b\n");
  h.out.str("");
  h.run("LIST CONTEXTS\n");
  BOOST_CHECK_EQUAL(h.out.str(), "CURRENT  NAME  SN API           GIVEN AS\n"
                                 "         a     127.0.1.1:30304  IP\n"
                                 "*        b     127.0.2.1:30304  IP\n");
}

BOOST_AUTO_TEST_CASE(context_variables_are_set_listed_and_read) {
  harness h;
  auto outcome = h.run("EXIT ON FAILURE\n"
                       "CREATE CONTEXT a WITH IP 127.0.1.1\n"
                       "SET CONTEXT ENV a MAX_EPOCHS 2\n"
                       "GET CONTEXT ENV a MAX_EPOCHS\n"
                       "LIST CONTEXT ENV a\n");
  BOOST_REQUIRE_MESSAGE(outcome.exit_code == 0, h.err.str());
  BOOST_CHECK(h.out.str().find("\n2\nNAME        VALUE\nMAX_EPOCHS  2\n") != std::string::npos);
  h.run("GET CONTEXT ENV a NOPE\n");
  BOOST_CHECK(h.err.str().find("context 'a' has no variable 'NOPE'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(get_context_info_shows_the_current_context_by_default) {
  harness h;
  h.connect();
  h.run("GET CONTEXT INFO\n");
  BOOST_CHECK(h.out.str().find("Name      : c\nSN API    : 127.0.1.1:30304\n")
              != std::string::npos);
}
