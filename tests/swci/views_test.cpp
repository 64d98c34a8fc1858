#define BOOST_TEST_MODULE swci views
#include <boost/test/unit_test.hpp>

#include "fakes.hpp"

using namespace swci_test;

namespace {

json peers() {
  return {{"peers",
           {{{"index", 0}, {"uuid", "u0"}, {"name", "SWOP-1"}, {"host", "127.0.1.1"},
             {"state", "COMPLETE"}, {"nodes", 1}, {"nodes_done", 1}, {"alive", true},
             {"message", nullptr}},
            {{"index", 1}, {"uuid", "u1"}, {"name", "SWOP-2"}, {"host", "127.0.2.1"},
             {"state", "RUNNING"}, {"nodes", 1}, {"nodes_done", 0}, {"alive", true},
             {"message", "training"}}}}};
}

} // namespace

BOOST_AUTO_TEST_CASE(a_taskrunner_peer_is_found_by_index_or_by_uid) {
  harness h;
  h.connect();
  h.sn->on("GET /v1/taskrunners/tr/peers", peers());
  auto outcome = h.run("GET TASKRUNNER PEER STATUS tr 1\nGET TASKRUNNER PEER STATUS tr u0\n"
                       "GET TASKRUNNER PEER STATUS tr u9\n");
  BOOST_CHECK_EQUAL(outcome.failures, 1u);
  auto out = h.out.str();
  BOOST_CHECK(out.find("Name       : SWOP-2\n") != std::string::npos);
  BOOST_CHECK(out.find("Name       : SWOP-1\n") != std::string::npos);
  BOOST_CHECK(out.find("Message    : -\n") != std::string::npos);
  BOOST_CHECK(h.err.str().find("taskrunner 'tr' has no peer 'u9'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(taskrunner_peers_are_listed_as_a_table) {
  harness h;
  h.connect();
  h.sn->on("GET /v1/taskrunners/tr/peers", peers());
  h.run("LIST TASKRUNNER PEERS tr\n");
  BOOST_CHECK_EQUAL(h.out.str(),
                    "INDEX  UID  NAME    HOST       STATE     NODES  DONE  ALIVE  MESSAGE\n"
                    "0      u0   SWOP-1  127.0.1.1  COMPLETE  1      1     true   -\n"
                    "1      u1   SWOP-2  127.0.2.1  RUNNING   1      0     true   training\n");
}

BOOST_AUTO_TEST_CASE(list_nodes_shows_ports_and_utc_times) {
  harness h;
  h.connect();
  h.sn->on("GET /v1/nodes",
           {{"nodes",
             {{{"type", "SENTINEL"},
               {"host", "127.0.1.1"},
               {"ports", {{"p2p", 30303}, {"api", 30304}}},
               {"name", "SN-1"}, {"uuid", "a"}, {"parent_uuid", nullptr}, {"status", "ACTIVE"},
               {"last_seen_ms", 1735689600123ull}}}}});
  h.run("LIST NODES\n");
  BOOST_CHECK(h.out.str().find("SENTINEL  127.0.1.1  30303     30304     -        SN-1  a     -"
                               "            ACTIVE  2025-01-01 00:00:00")
              != std::string::npos);
}

BOOST_AUTO_TEST_CASE(contract_commands_use_the_contract_routes) {
  harness h;
  h.connect();
  const std::string c = "/v1/contracts/defaultbb.cqdb.sml.hpe";
  h.sn->on("POST /v1/contracts", {{"name", "k"}}, 201);
  h.sn->on("GET " + c,
           {{"name", "defaultbb.cqdb.sml.hpe"}, {"state", "ACTIVE"}, {"created_ms", 0}});
  h.sn->on("GET " + c + "/status", {{"name", "defaultbb.cqdb.sml.hpe"}, {"last_leader", "SL-1"}});
  h.sn->on("GET " + c + "/perfdata",
           {{"peers", {{{"uid", "u"}, {"node", "SL-1"}, {"loss", 0.25}, {"total_epochs", 2}}}}});
  auto outcome = h.run("EXIT ON FAILURE\nCREATE CONTRACT k\n"
                       "GET CONTRACT INFO defaultbb.cqdb.sml.hpe\n"
                       "GET CONTRACT STATUS defaultbb.cqdb.sml.hpe\n"
                       "PERFDATA defaultbb.cqdb.sml.hpe\n");
  BOOST_REQUIRE_MESSAGE(outcome.exit_code == 0, h.err.str());
  BOOST_CHECK_EQUAL(h.sn->requests[0].body, json({{"name", "k"}}));
  auto out = h.out.str();
  BOOST_CHECK(out.find("State            : ACTIVE\n") != std::string::npos);
  BOOST_CHECK(out.find("Created          : -\n") != std::string::npos);
  BOOST_CHECK(out.find("Last leader      : SL-1\n") != std::string::npos);
  BOOST_CHECK(out.find("u    SL-1  -      0.25") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(get_context_version_shows_swci_and_sn_versions) {
  harness h;
  h.connect();
  h.sn->on("GET /v1/health", {{"version", "0.1.0"}, {"name", "SN-1"}, {"role", "sentinel"}});
  h.run("GET CONTEXT VERSION\n");
  BOOST_CHECK(h.out.str().starts_with("SWCI version: "));
  BOOST_CHECK(h.out.str().ends_with("SN version: 0.1.0 (SN-1, sentinel)\n"));
}

BOOST_AUTO_TEST_CASE(names_are_percent_encoded_in_paths) {
  harness h;
  h.connect();
  h.run("GET TASK INFO a/b\n");
  BOOST_REQUIRE_EQUAL(h.sn->requests.size(), 1u);
  BOOST_CHECK_EQUAL(h.sn->requests[0].line, "GET /v1/tasks/a%2Fb");
}
