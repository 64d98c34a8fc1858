#define BOOST_TEST_MODULE transport.peer_loss
#include <boost/test/unit_test.hpp>

// A peer process killed with SIGKILL must cost this node that peer only.
// Two children (transport_peer --stay) dial SN-1; one is killed; SN-1 then
// runs two ping round trips with the survivor over the connection it had.
// Regression: OpenSSL 3 reports the dead peer's EOF on the thread's error
// queue, CAF 0.17 never pops it, and the next healthy connection its
// multiplexer thread served failed on that stale error and was closed.

#include "../sl/swarm_process.hpp"
#include "fixture.hpp"

using namespace fixture;
using swarm::transport::tls_node;

namespace {

std::vector<std::string> stay_args(const swarm::identity::cert_tree& tree, const std::string& comp,
                                   const std::string& host, const std::string& dial, uint32_t seq) {
  auto bin = swarm::test::bin_dir().parent_path() / "tests" / "transport_peer";
  return {bin.string(),
          "--key",
          tree.key(comp).string(),
          "--cert",
          tree.cert(comp).string(),
          "--capath",
          tree.capath.string(),
          "--host",
          host,
          "--dial",
          dial,
          "--port",
          "0",
          "--seq",
          std::to_string(seq),
          "--stay"};
}

bool acked(const recorder& r, const std::string& from, uint32_t seq_no) {
  return r.count_swim(from, [&](const auto& x) {
    return x.has_ack() && x.ack().seq_no() == seq_no;
  }) == 1;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_killed_peer_costs_the_node_that_peer_only) {
  pki certs;
  auto rec = std::make_shared<recorder>();
  rec->on_message_hook = [](node_context& ctx, const recorder::message& m) {
    if (m.env.swim().has_ping())
      ctx.send_to_name(m.from, ack(m.env.swim().ping().seq_no()));
  };
  rec->on_verified_hook = [](node_context& ctx, const peer_info& peer) {
    ctx.send_to_name(peer.name, ping(8, peer.name));
  };
  auto [logger, log] = make_logger("SN-1");
  auto node = tls_node::start(config(pki::files(certs.host1), "127.0.1.1", logger), rec);
  BOOST_REQUIRE_MESSAGE(node, why(node));
  swarm::test::temp_dir logs;
  sl_test::process_group survivor{stay_args(certs.host2, "sn", "127.0.2.1", (*node)->address(), 7),
                                  {},
                                  logs.path() / "survivor.log"};
  sl_test::process_group victim{stay_args(certs.host2, "sl", "127.0.3.1", (*node)->address(), 7),
                                {},
                                logs.path() / "victim.log"};
  // Both verified, and both exchanges done (each pinged us, we pinged them).
  BOOST_REQUIRE(rec->wait_for([](const recorder& r) {
    return r.has_verified("SN-2") && r.has_verified("SL-2") && acked(r, "SN-2", 8)
           && acked(r, "SL-2", 8);
  }));
  BOOST_REQUIRE(victim.kill_all());
  BOOST_REQUIRE(rec->wait_for([](const recorder& r) { return !r.downs.empty(); }));
  // Each round trip makes SN-1's multiplexer read from the survivor's
  // connection until it would block: where a stale error would strike.
  for (uint32_t seq : {20u, 21u}) {
    BOOST_REQUIRE(
      (*node)->post([seq](node_context& ctx) { ctx.send_to_name("SN-2", ping(seq, "SN-2")); }));
    BOOST_REQUIRE_MESSAGE(rec->wait_for([seq](const recorder& r) { return acked(r, "SN-2", seq); }),
                          "no ack " << seq << " from the survivor");
  }
  rec->with([](recorder& r) {
    BOOST_TEST(r.downs == std::vector<std::string>{"SL-2"});
    auto verified = std::count_if(r.verified.begin(), r.verified.end(),
                                  [](const peer_info& p) { return p.name == "SN-2"; });
    BOOST_TEST(verified == 1, "the survivor was verified " << verified << " times (reconnected)");
    return 0;
  });
  BOOST_TEST(!log->contains({"lost peer SN-2"}));
}
