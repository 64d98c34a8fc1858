#define BOOST_TEST_MODULE api refusals
#include <boost/test/unit_test.hpp>

#include "server_fixture.hpp"
#include "tls_clients.hpp"

// Each refused client must fail before any handler runs: the server counts
// no request for it, and records the reason it refused the handshake.

using namespace api_test;

namespace {

const char* const http_get = "GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

/// Returns whether a request from `client` failed without an HTTP answer.
bool refused(httplib::SSLClient& client) {
  auto res = client.Get("/v1/health");
  return !res;
}

bool no_request_counted(const running_server& s) {
  return s.registry.render().find("swarm_api_requests_total{") == std::string::npos;
}

void refuse_without_certificate(running_server& s) {
  auto client = https_client(s.port());
  BOOST_TEST(refused(*client));
}

void refuse_other_ca(running_server& s) {
  const auto& p = pki::get();
  auto client = https_client(s.port(), p.stranger.cert("swci"), p.stranger.key("swci"));
  BOOST_TEST(refused(*client));
}

void refuse_expired(running_server& s) {
  const auto& p = pki::get();
  auto client = https_client(s.port(), p.expired_cert, p.expired_key);
  BOOST_TEST(refused(*client));
}

void refuse_plaintext(running_server& s) {
  tcp_socket sock{server_host, s.port()};
  sock.send_all(http_get);
  bool closed = false;
  auto answer = sock.read_until_closed(closed);
  BOOST_TEST(closed, "the server hung up");
  BOOST_TEST(answer.find("HTTP/") == std::string::npos, "no HTTP answer: " << answer);
}

void refuse_tls_1_1(running_server& s) {
  const auto& p = pki::get();
  auto out = raw_tls_exchange(server_host, s.port(), p.host2.cert("swci"), p.host2.key("swci"),
                              p.host1.ca_cert, TLS1_1_VERSION, http_get);
  BOOST_TEST(!out.handshake_ok);
  BOOST_TEST(out.received.empty());
}

} // namespace

BOOST_AUTO_TEST_CASE(a_client_without_a_certificate_is_refused_at_the_handshake) {
  running_server s;
  refuse_without_certificate(s);
  BOOST_TEST(eventually([&] { return s.refusals("no_certificate") == 1; }));
  BOOST_TEST(no_request_counted(s));
}

BOOST_AUTO_TEST_CASE(a_client_with_a_certificate_from_another_ca_is_refused) {
  running_server s;
  refuse_other_ca(s);
  BOOST_TEST(eventually([&] { return s.refusals("untrusted") == 1; }));
  BOOST_TEST(no_request_counted(s));
}

BOOST_AUTO_TEST_CASE(a_client_with_an_expired_certificate_is_refused) {
  running_server s;
  refuse_expired(s);
  BOOST_TEST(eventually([&] { return s.refusals("expired") == 1; }));
  BOOST_TEST(no_request_counted(s));
}

BOOST_AUTO_TEST_CASE(a_plaintext_http_client_is_refused_and_gets_no_http_answer) {
  running_server s;
  refuse_plaintext(s);
  BOOST_TEST(eventually([&] { return s.refusals("plaintext") == 1; }));
  BOOST_TEST(no_request_counted(s));
}

BOOST_AUTO_TEST_CASE(a_client_offering_at_most_tls_1_1_is_refused) {
  running_server s;
  refuse_tls_1_1(s);
  BOOST_TEST(eventually([&] { return s.refusals("protocol") == 1; }));
  BOOST_TEST(no_request_counted(s));
}

BOOST_AUTO_TEST_CASE(the_server_keeps_serving_after_every_kind_of_refusal) {
  running_server s;
  for (int round = 0; round < 2; ++round) {
    refuse_without_certificate(s);
    refuse_other_ca(s);
    refuse_expired(s);
    refuse_plaintext(s);
    refuse_tls_1_1(s);
  }
  auto client = good_client(s.port());
  for (const char* path : {"/v1/health", "/v1/nodes", "/metrics"}) {
    auto res = client->Get(path);
    BOOST_REQUIRE_MESSAGE(res, path << ": " << httplib::to_string(res.error()));
    BOOST_TEST(res->status == 200, path);
  }
  BOOST_TEST(eventually([&] {
    return s.refusals("no_certificate") == 2 && s.refusals("untrusted") == 2
           && s.refusals("expired") == 2 && s.refusals("plaintext") == 2
           && s.refusals("protocol") == 2;
  }), s.registry.render());
  BOOST_TEST(eventually([&] { return s.sample("swarm_api_requests_total{code=\"200\"}") == 3; }));
}
