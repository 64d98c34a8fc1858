#define BOOST_TEST_MODULE transport.peer_loss
#include <boost/test/unit_test.hpp>

// A connection that fails must cost the node that connection only: a peer
// process killed with SIGKILL, or a client whose certificate is refused.
// Afterwards SN-1 runs two ping round trips with a peer that was already
// connected, over the connection it had. Regression: OpenSSL 3 reports
// such failures on the thread's error queue, CAF 0.17 does not always pop
// them, and the next healthy connection its multiplexer thread served
// failed on the stale error and was closed.

#include "../sl/swarm_process.hpp"
#include "fixture.hpp"

using namespace fixture;
using swarm::transport::tls_node;

namespace {

std::vector<std::string> stay_args(const swarm::identity::cert_tree& tree, const std::string& comp,
                                   const std::string& host, const std::string& dial, uint32_t seq) {
  auto bin = swarm::test::bin_dir().parent_path() / "tests" / "transport_peer";
  std::vector<std::string> args{bin.string(),
                                "--key",
                                tree.key(comp).string(),
                                "--cert",
                                tree.cert(comp).string(),
                                "--capath",
                                tree.capath.string()};
  for (const auto& x : {"--host", host.c_str(), "--dial", dial.c_str(), "--port", "0"})
    args.emplace_back(x);
  args.insert(args.end(), {"--seq", std::to_string(seq), "--stay"});
  return args;
}

bool acked(const recorder& r, const std::string& from, uint32_t seq_no) {
  return r.count_swim(from, [&](const auto& x) {
    return x.has_ack() && x.ack().seq_no() == seq_no;
  }) == 1;
}

/// SN-1 in this process, answering pings and pinging peers once verified.
struct listener {
  std::shared_ptr<recorder> rec = std::make_shared<recorder>();
  std::shared_ptr<capture_sink> log;
  std::unique_ptr<tls_node> node;
  swarm::test::temp_dir logs;

  explicit listener(const pki& certs) {
    exchange_with_children(*rec);
    auto [logger, sink] = make_logger("SN-1");
    log = sink;
    auto started = tls_node::start(config(pki::files(certs.host1), "127.0.1.1", logger), rec);
    BOOST_REQUIRE_MESSAGE(started, why(started));
    node = std::move(started).value();
  }

  /// Starts a child with host 2's `comp` identity on `host` that dials this
  /// node, completes the exchange and stays.
  std::unique_ptr<sl_test::process_group> start_peer(const pki& certs, const std::string& comp,
                                                     const std::string& host) {
    return std::make_unique<sl_test::process_group>(
      stay_args(certs.host2, comp, host, node->address(), 7), std::map<std::string, std::string>{},
      logs.path() / (comp + ".log"));
  }

  /// Two ping round trips with SN-2; then SN-2 must never have gone down
  /// nor verified again (a reconnection).
  void check_sn2_kept_its_connection(const std::vector<std::string>& expected_downs) {
    for (uint32_t seq : {20u, 21u}) {
      BOOST_REQUIRE(
        node->post([seq](node_context& ctx) { ctx.send_to_name("SN-2", ping(seq, "SN-2")); }));
      BOOST_REQUIRE_MESSAGE(
        rec->wait_for([seq](const recorder& r) { return acked(r, "SN-2", seq); }),
        "no ack " << seq << " from SN-2");
    }
    rec->with([&](recorder& r) {
      BOOST_TEST(r.downs == expected_downs);
      auto verified = std::count_if(r.verified.begin(), r.verified.end(),
                                    [](const peer_info& p) { return p.name == "SN-2"; });
      BOOST_TEST(verified == 1, "SN-2 was verified " << verified << " times (reconnected)");
      return 0;
    });
    BOOST_TEST(!log->contains({"lost peer SN-2"}));
  }
};

} // namespace

BOOST_AUTO_TEST_CASE(a_killed_peer_costs_the_node_that_peer_only) {
  pki certs;
  listener sn1{certs};
  auto survivor = sn1.start_peer(certs, "sn", "127.0.2.1");
  auto victim = sn1.start_peer(certs, "sl", "127.0.3.1");
  // Both verified, and both exchanges done (each pinged us, we pinged them).
  BOOST_REQUIRE(sn1.rec->wait_for([](const recorder& r) {
    return r.has_verified("SN-2") && r.has_verified("SL-2") && acked(r, "SN-2", 8)
           && acked(r, "SL-2", 8);
  }));
  BOOST_REQUIRE(victim->kill_all());
  BOOST_REQUIRE(sn1.rec->wait_for([](const recorder& r) { return !r.downs.empty(); }));
  sn1.check_sn2_kept_its_connection({"SL-2"});
}

BOOST_AUTO_TEST_CASE(a_refused_client_leaves_the_verified_peers_connected) {
  pki certs;
  listener sn1{certs};
  auto address = sn1.node->address();
  auto sn2 = sn1.start_peer(certs, "sn", "127.0.2.1");
  BOOST_REQUIRE(sn1.rec->wait_for([](const recorder& r) { return acked(r, "SN-2", 8); }));
  // Host 3's CA is not trusted here: its TLS handshake fails at SN-1.
  auto rogue_rec = std::make_shared<recorder>();
  auto [rogue_logger, rogue_log] = make_logger("SN-3");
  auto rogue =
    tls_node::start(config(pki::files(certs.host3), "127.0.3.1", rogue_logger), rogue_rec);
  BOOST_REQUIRE_MESSAGE(rogue, why(rogue));
  (*rogue)->post([to = address](node_context& ctx) { ctx.send_to_address(to, ping(1, "SN-1")); });
  BOOST_REQUIRE(rogue_rec->wait_for([](const recorder& r) { return !r.dial_failures.empty(); }));
  sn1.check_sn2_kept_its_connection({});
}
