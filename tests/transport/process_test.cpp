#define BOOST_TEST_MODULE transport.process
#include <boost/test/unit_test.hpp>

// Two real processes: this one runs SN-1, a child (transport_peer) runs
// SN-2, dials SN-1, and they exchange envelopes both ways over mutual TLS;
// the child stops gracefully and its last message (a SWIM leave) arrives.

#include <future>

#include "fixture.hpp"

using namespace fixture;
using swarm::transport::tls_node;

namespace {

std::string peer_binary() {
  return (swarm::test::bin_dir().parent_path() / "tests" / "transport_peer").string();
}

std::vector<std::string> peer_args(const swarm::identity::cert_tree& tree,
                                   const std::string& host, const std::string& dial) {
  return {peer_binary(), "--key",  tree.key("sn").string(),   "--cert", tree.cert("sn").string(),
          "--capath",    tree.capath.string(), "--host", host, "--dial", dial, "--port", "0"};
}

} // namespace

BOOST_AUTO_TEST_CASE(a_child_process_node_exchanges_envelopes_both_ways_and_leaves) {
  pki certs;
  auto rec = std::make_shared<recorder>();
  // Acks its pings; once the child proved itself, pings it by name.
  exchange_with_children(*rec);
  auto [logger, log] = make_logger("SN-1");
  auto node = tls_node::start(config(pki::files(certs.host1), "127.0.1.1", logger), rec);
  BOOST_REQUIRE_MESSAGE(node, why(node));
  swarm::test::process_options opts;
  opts.argv = peer_args(certs.host2, "127.0.2.1", (*node)->address());
  opts.deadline = std::chrono::seconds{60};
  auto child = std::async(std::launch::async, [opts] { return swarm::test::run_process(opts); });
  BOOST_REQUIRE(rec->wait_for([](const recorder& r) {
    return r.count_swim("SN-2", [](const auto& x) { return x.has_leave(); }) == 1
           && r.downs.size() == 1;
  }));
  auto result = child.get();
  BOOST_TEST_MESSAGE(result.output);
  BOOST_TEST(result.exit_code == 0);
  BOOST_TEST(result.output.find("got ack 7 from SN-1") != std::string::npos);
  BOOST_TEST(result.output.find("answered ping 8 from SN-1") != std::string::npos);
  rec->with([](recorder& r) {
    BOOST_TEST(r.has_verified("SN-2"));
    BOOST_TEST(r.count_swim("SN-2", [](const auto& x) { return x.has_ping(); }) == 1u);
    BOOST_TEST(r.count_swim("SN-2", [](const auto& x) { return x.has_ack(); }) == 1u);
    BOOST_TEST(r.downs.at(0) == "SN-2");
    return 0;
  });
  BOOST_TEST(log->contains({"verified peer SN-2"}));
}

BOOST_AUTO_TEST_CASE(a_peer_process_that_hangs_is_detected_by_heartbeats) {
  // The child completes the exchange, then stops dead (SIGSTOP) with its
  // connection open: no FIN, no RST. CAF's heartbeats and connection
  // timeout must notice, so the delegate hears the peer is down.
  pki certs;
  auto rec = std::make_shared<recorder>();
  exchange_with_children(*rec);
  auto [logger, log] = make_logger("SN-1");
  auto cfg = config(pki::files(certs.host1), "127.0.1.1", logger);
  cfg.heartbeat_interval_ms = 200;
  cfg.connection_timeout_ms = 1000;
  auto node = tls_node::start(cfg, rec);
  BOOST_REQUIRE_MESSAGE(node, why(node));
  swarm::test::process_options opts;
  opts.argv = peer_args(certs.host2, "127.0.2.1", (*node)->address());
  opts.argv.push_back("--freeze");
  // The child never exits by itself; this is when it gets killed.
  opts.deadline = std::chrono::seconds{8};
  auto child = std::async(std::launch::async, [opts] { return swarm::test::run_process(opts); });
  // Its ping arrives before it can be done (it waits for our ack).
  BOOST_REQUIRE(rec->wait_for([](const recorder& r) {
    return r.count_swim("SN-2", [](const auto& x) { return x.has_ping(); }) == 1;
  }));
  auto frozen_at = std::chrono::steady_clock::now();
  BOOST_REQUIRE(rec->wait_for([](const recorder& r) { return r.downs.size() == 1; }, 6s));
  auto detection = std::chrono::steady_clock::now() - frozen_at;
  BOOST_TEST_MESSAGE("detected after "
                     << std::chrono::duration_cast<std::chrono::milliseconds>(detection).count()
                     << " ms");
  BOOST_TEST(rec->with([](recorder& r) { return r.downs.at(0); }) == "SN-2");
  auto result = child.get();
  BOOST_TEST(result.timed_out);
}
