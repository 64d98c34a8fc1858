#define BOOST_TEST_MODULE swci https client
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server_fixture.hpp"
#include "swarm/swci/https_client.hpp"
#include "swarm/swci/session.hpp"

using namespace swarm::swci;
using namespace std::chrono_literals;

namespace {

// SWCI of host 2: its certificate from CA-2, trusting CA-1 and CA-2.
https_options swci_options() {
  const auto& p = api_test::pki::get();
  https_options opts;
  opts.identity.key = p.host2.key("swci");
  opts.identity.cert = p.host2.cert("swci");
  opts.identity.capath = p.host2.capath;
  opts.connect_timeout = 1s;
  opts.io_timeout = 2s;
  return opts;
}

std::shared_ptr<sn_client> client_of(uint16_t port) {
  auto factory = make_https_factory(swci_options());
  BOOST_REQUIRE_MESSAGE(factory, (factory ? "" : factory.error().message));
  auto client = (*factory)({api_test::server_host, port});
  BOOST_REQUIRE(client);
  return *client;
}

// A TCP socket that listens but never accepts: the kernel completes the
// connection, nothing ever speaks TLS on it.
struct silent_listener {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  uint16_t port = 0;

  silent_listener() {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    ::inet_pton(AF_INET, api_test::server_host.c_str(), &addr.sin_addr);
    BOOST_REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    BOOST_REQUIRE(::listen(fd, 4) == 0);
    socklen_t len = sizeof(addr);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
  }

  ~silent_listener() {
    ::close(fd);
  }
};

} // namespace

BOOST_AUTO_TEST_CASE(the_client_talks_to_a_trusted_sn_with_mutual_tls) {
  api_test::running_server server;
  auto client = client_of(server.port());
  auto reply = client->send(http_verb::get, "/v1/health");
  BOOST_REQUIRE_MESSAGE(reply, (reply ? "" : reply.error().message));
  BOOST_CHECK_EQUAL(reply->status, 200);
  BOOST_CHECK_EQUAL(reply->body["name"], "SN-1");
  auto missing = client->send(http_verb::get, "/v1/tasks/none");
  BOOST_REQUIRE(missing);
  BOOST_CHECK_EQUAL(missing->status, 404);
  BOOST_CHECK(!to_status(*missing));
}

BOOST_AUTO_TEST_CASE(list_nodes_runs_end_to_end_through_a_session) {
  api_test::running_server server;
  auto factory = make_https_factory(swci_options());
  BOOST_REQUIRE(factory);
  system_clock time;
  std::ostringstream out;
  session s{{}, *factory, time, out};
  auto port = std::to_string(server.port());
  BOOST_REQUIRE(s.execute("CREATE CONTEXT c WITH IP 127.0.1.1 " + port));
  BOOST_REQUIRE(s.execute("SWITCH CONTEXT c"));
  auto st = s.execute("LIST NODES");
  BOOST_REQUIRE_MESSAGE(st, (st ? "" : st.error().message));
  BOOST_CHECK(out.str().find("SENTINEL  127.0.1.1  30303") != std::string::npos);
  BOOST_CHECK(out.str().find("SN-1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_sn_that_is_down_is_reported_clearly_and_quickly) {
  uint16_t port = 0;
  {
    api_test::running_server server;
    port = server.port();
  }
  auto client = client_of(port);
  auto start = std::chrono::steady_clock::now();
  auto reply = client->send(http_verb::get, "/v1/health");
  BOOST_REQUIRE(!reply);
  BOOST_CHECK_EQUAL(reply.error().message, "cannot reach SN at 127.0.1.1:" + std::to_string(port)
                                             + ": connection refused");
  BOOST_CHECK(reply.error().code == swarm::errc::io_error);
  BOOST_CHECK(std::chrono::steady_clock::now() - start < 3s);
}

BOOST_AUTO_TEST_CASE(an_sn_that_never_answers_times_out) {
  silent_listener silent;
  auto client = client_of(silent.port);
  auto start = std::chrono::steady_clock::now();
  auto reply = client->send(http_verb::get, "/v1/health");
  BOOST_REQUIRE(!reply);
  BOOST_CHECK(reply.error().message.find("SN at 127.0.1.1:" + std::to_string(silent.port))
              != std::string::npos);
  BOOST_CHECK(std::chrono::steady_clock::now() - start < 10s);
}

BOOST_AUTO_TEST_CASE(an_sn_whose_certificate_is_from_another_ca_is_refused) {
  const auto& p = api_test::pki::get();
  // The stranger SN trusts its own CA and ours, so only our own check can
  // refuse it.
  swarm::test::temp_dir dir;
  auto bundle = dir.path() / "trusted.pem";
  api_test::write_text(bundle, api_test::read_text(p.stranger.ca_cert)
                                 + api_test::read_text(p.host2.ca_cert));
  api_test::running_server server{[&](swarm::api::api_server_options& opts) {
    opts.identity.key = p.stranger.key("sn");
    opts.identity.cert = p.stranger.cert("sn");
    opts.identity.capath.clear();
    opts.identity.cacert = bundle;
  }};
  auto client = client_of(server.port());
  auto reply = client->send(http_verb::get, "/v1/health");
  BOOST_REQUIRE(!reply);
  BOOST_CHECK_MESSAGE(reply.error().message.starts_with(
                        "refusing SN at 127.0.1.1:" + std::to_string(server.port())
                        + ": its certificate does not verify against the trusted CAs ("),
                      reply.error().message);
  BOOST_CHECK(server.sample("swarm_api_requests_total{code=\"200\"}") == 0);
}

BOOST_AUTO_TEST_CASE(unusable_identity_files_are_refused_up_front) {
  auto opts = swci_options();
  opts.identity.key = "/nonexistent/key.pem";
  auto factory = make_https_factory(opts);
  BOOST_REQUIRE(!factory);
  BOOST_CHECK(factory.error().message.find("/nonexistent/key.pem") != std::string::npos);
}
