#define BOOST_TEST_MODULE api server
#include <boost/test/unit_test.hpp>

#include <sstream>
#include <vector>

#include <spdlog/sinks/ostream_sink.h>

#include "server_fixture.hpp"
#include "swarm/common/log.hpp"
#include "tls_clients.hpp"

using namespace api_test;

BOOST_AUTO_TEST_SUITE(serving)

BOOST_AUTO_TEST_CASE(a_client_with_a_trusted_certificate_gets_health_nodes_and_metrics) {
  running_server s;
  auto client = good_client(s.port());

  auto health = client->Get("/v1/health");
  BOOST_REQUIRE_MESSAGE(health, "health: " << httplib::to_string(health.error()));
  BOOST_TEST(health->status == 200);
  BOOST_TEST(health->get_header_value("Content-Type") == "application/json");
  auto h = nlohmann::json::parse(health->body);
  BOOST_TEST(h["status"] == "ok");
  BOOST_TEST(h["name"] == "SN-1");
  BOOST_TEST(h["role"] == "sentinel");
  BOOST_TEST(h["members"]["alive"] == 2);
  BOOST_TEST(h.contains("uptime_s"));
  BOOST_TEST(h.contains("version"));

  auto nodes = client->Get("/v1/nodes");
  BOOST_REQUIRE(nodes);
  BOOST_TEST(nodes->status == 200);
  BOOST_TEST(nodes->get_header_value("Content-Type") == "application/json");
  auto n = nlohmann::json::parse(nodes->body);
  BOOST_REQUIRE(n["nodes"].size() == 1u);
  for (const char* key : {"type", "host", "ports", "name", "uuid", "parent_uuid", "status",
                          "last_seen_ms", "last_seen"})
    BOOST_TEST(n["nodes"][0].contains(key), key);
  BOOST_TEST(n["nodes"][0]["ports"]["api"] == 30304);

  auto metrics = client->Get("/metrics");
  BOOST_REQUIRE(metrics);
  BOOST_TEST(metrics->status == 200);
  BOOST_TEST(metrics->get_header_value("Content-Type").starts_with("text/plain; version=0.0.4"));
  BOOST_TEST(metrics->body.find("# TYPE swarm_members gauge\n") != std::string::npos);
  BOOST_TEST(metrics->body.find("swarm_probe_rtt_seconds_bucket{le=\"+Inf\"} 0\n")
             != std::string::npos);
  // The server counts what it answered in the same registry.
  BOOST_TEST(metrics->body.find("swarm_api_requests_total{code=\"200\"} 2\n")
             != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_tls_1_2_client_is_served_too) {
  running_server s;
  const auto& p = pki::get();
  auto out = raw_tls_exchange(server_host, s.port(), p.host2.cert("swci"), p.host2.key("swci"),
                              p.host1.ca_cert, TLS1_2_VERSION,
                              "GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  BOOST_TEST(out.handshake_ok);
  BOOST_TEST(out.received.starts_with("HTTP/1.1 200"), out.received);
}

BOOST_AUTO_TEST_CASE(unknown_routes_get_a_json_404_and_wrong_methods_a_405) {
  running_server s;
  auto client = good_client(s.port());
  auto missing = client->Get("/v1/nope");
  BOOST_REQUIRE(missing);
  BOOST_TEST(missing->status == 404);
  BOOST_TEST(missing->get_header_value("Content-Type") == "application/json");
  BOOST_TEST(nlohmann::json::parse(missing->body)["error"] == "Not Found");

  auto wrong = client->Post("/v1/nodes", "{}", "application/json");
  BOOST_REQUIRE(wrong);
  BOOST_TEST(wrong->status == 405);
  BOOST_TEST(wrong->get_header_value("Allow") == "GET, HEAD, OPTIONS");
  BOOST_TEST(nlohmann::json::parse(wrong->body)["status"] == 405);

  auto deleted = client->Delete("/metrics");
  BOOST_REQUIRE(deleted);
  BOOST_TEST(deleted->status == 405);

  auto head = client->Head("/v1/health");
  BOOST_REQUIRE(head);
  BOOST_TEST(head->status == 200);
  BOOST_TEST(head->body.empty());
}

BOOST_AUTO_TEST_CASE(request_bodies_over_the_limit_get_413) {
  running_server s{[](auto& opts) { opts.max_body_bytes = 1024; }};
  auto client = good_client(s.port());
  auto res = client->Post("/v1/nodes", std::string(4096, 'x'), "application/json");
  BOOST_REQUIRE(res);
  BOOST_TEST(res->status == 413);
  BOOST_TEST(nlohmann::json::parse(res->body)["message"].get<std::string>().find("1024")
             != std::string::npos);
}

BOOST_AUTO_TEST_CASE(access_log_lines_are_debug_and_carry_no_secrets) {
  std::ostringstream lines;
  auto logger = swarm::log::get("swarm.API");
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(lines);
  logger->sinks().push_back(sink);
  auto old_level = logger->level();
  logger->set_level(spdlog::level::debug);
  {
    running_server s;
    auto client = good_client(s.port());
    BOOST_REQUIRE(client->Get("/v1/nodes?token=s3cret"));
  }
  logger->sinks().pop_back();
  logger->set_level(old_level);
  auto text = lines.str();
  BOOST_TEST(text.find("GET /v1/nodes 200") != std::string::npos, text);
  BOOST_TEST(text.find("SWCI-2") != std::string::npos, "the client's name is logged");
  BOOST_TEST(text.find("s3cret") == std::string::npos, "query strings are not logged");
  BOOST_TEST(text.find("PRIVATE KEY") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(lifecycle)

BOOST_AUTO_TEST_CASE(a_port_in_use_is_a_clear_error_naming_host_and_port) {
  running_server first;
  auto opts = server_options();
  opts.port = first.port();
  swarm::api::api_server second{opts, swarm::api::router{}};
  auto st = second.start();
  BOOST_REQUIRE(!st);
  auto where = server_host + ":" + std::to_string(first.port());
  BOOST_TEST(st.error().message.find(where) != std::string::npos, st.error().message);
  BOOST_TEST(st.error().message.find("in use") != std::string::npos, st.error().message);
  BOOST_TEST(!second.running());
  // The first one is unaffected.
  auto res = good_client(first.port())->Get("/v1/health");
  BOOST_REQUIRE(res);
  BOOST_TEST(res->status == 200);
}

BOOST_AUTO_TEST_CASE(a_bad_identity_fails_start_before_anything_listens) {
  auto opts = server_options();
  opts.identity.key = pki::get().dir.path() / "no-such-key.pem";
  swarm::api::api_server server{opts, swarm::api::router{}};
  auto st = server.start();
  BOOST_REQUIRE(!st);
  BOOST_TEST(st.error().message.find("no-such-key.pem") != std::string::npos,
             st.error().message);
  BOOST_TEST(!server.running());
  BOOST_TEST(server.port() == 0);
}

BOOST_AUTO_TEST_CASE(stop_is_prompt_even_with_clients_that_never_speak) {
  running_server s;
  std::vector<std::unique_ptr<tcp_socket>> idle;
  // More than the workers plus the queue, with the default 10 s handshake
  // timeout: without cutting, stop would wait for every one of them.
  for (int i = 0; i < 8; ++i)
    idle.push_back(std::make_unique<tcp_socket>(server_host, s.port()));
  BOOST_REQUIRE(eventually([&] { return s.server->open_connections() >= 4; }));
  auto port = s.port();
  auto started = std::chrono::steady_clock::now();
  s.server->stop();
  auto took = std::chrono::steady_clock::now() - started;
  BOOST_TEST(took < 3s, "stop took "
                          << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                          << " ms");
  BOOST_TEST(!s.server->running());
  BOOST_TEST(s.server->port() == 0);
  BOOST_CHECK_THROW(tcp_socket(server_host, port), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(the_server_serves_again_after_stop_and_start) {
  running_server s;
  s.server->stop();
  BOOST_REQUIRE(s.server->start());
  auto res = good_client(s.port())->Get("/v1/health");
  BOOST_REQUIRE(res);
  BOOST_TEST(res->status == 200);
  BOOST_TEST(!s.server->start(), "a second start while running fails");
}

BOOST_AUTO_TEST_CASE(a_client_that_never_finishes_its_request_is_cut_at_the_connection_timeout) {
  // Per-read timeouts alone would let a client that keeps sending a little
  // hold a worker forever; the connection timeout bounds the whole visit.
  running_server s{[](auto& opts) { opts.connection_timeout = 300ms; }};
  const auto& p = pki::get();
  auto started = std::chrono::steady_clock::now();
  auto out = raw_tls_exchange(server_host, s.port(), p.host2.cert("swci"), p.host2.key("swci"),
                              p.host1.ca_cert, TLS1_3_VERSION, "GET /v1/health HTTP/1.1\r\n");
  auto took = std::chrono::steady_clock::now() - started;
  BOOST_TEST(out.handshake_ok);
  BOOST_TEST(out.received.find("200") == std::string::npos, out.received);
  // The server's read timeout is 5 s, and so is the client's: a cut comes
  // well before either.
  BOOST_TEST(took < 3s, std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                          << " ms");
}

BOOST_AUTO_TEST_CASE(idle_connections_are_cut_at_the_handshake_timeout) {
  running_server s{[](auto& opts) {
    opts.worker_threads = 2;
    opts.handshake_timeout = 300ms;
  }};
  std::vector<std::unique_ptr<tcp_socket>> idle;
  for (int i = 0; i < 4; ++i)
    idle.push_back(std::make_unique<tcp_socket>(server_host, s.port()));
  // Both workers are stuck on silent clients until the timeout frees them.
  auto res = good_client(s.port())->Get("/v1/health");
  BOOST_REQUIRE_MESSAGE(res, httplib::to_string(res.error()));
  BOOST_TEST(res->status == 200);
  for (auto& sock : idle) {
    bool closed = false;
    sock->read_until_closed(closed);
    BOOST_TEST(closed, "the server hung up on the silent client");
  }
  BOOST_TEST(eventually([&] { return s.refusals("timeout") == 4; }), s.refusals("timeout"));
}

BOOST_AUTO_TEST_SUITE_END()
