#define BOOST_TEST_MODULE transport.two_nodes
#include <boost/test/unit_test.hpp>

// Two nodes in one process (two actor systems, real TLS over loopback, each
// on its own loopback address): the handshake, envelopes both ways, a
// graceful stop, reconnection, simultaneous dials, and one identity used by
// two nodes at once.

#include "fixture.hpp"

using namespace fixture;
using swarm::transport::tls_node;

namespace {

// Answers every ping with an ack of the same sequence number.
void answer_pings(recorder& r) {
  r.on_message_hook = [](node_context& ctx, const recorder::message& m) {
    if (m.env.swim().has_ping())
      ctx.send_to_name(m.from, ack(m.env.swim().ping().seq_no()));
  };
}

bool is_ack(const swarm::wire::SwimMessage& x, uint32_t seq) {
  return x.has_ack() && x.ack().seq_no() == seq;
}

bool is_ping(const swarm::wire::SwimMessage& x, uint32_t seq) {
  return x.has_ping() && x.ping().seq_no() == seq;
}

} // namespace

BOOST_AUTO_TEST_CASE(two_nodes_verify_each_other_and_exchange_envelopes_both_ways) {
  pki certs;
  running_node a{pki::files(certs.host1), "127.0.1.1", "SN-1", answer_pings};
  running_node b{pki::files(certs.host2), "127.0.2.1", "SN-2", answer_pings};
  BOOST_TEST(a.node->name() == "SN-1");
  BOOST_TEST(a.node->address() == "127.0.1.1:" + std::to_string(a.node->port()));
  // B dials A by address; the ping waits for the handshake, then goes out.
  auto a_address = a.node->address();
  b.post([a_address](node_context& ctx) { ctx.send_to_address(a_address, ping(1, "SN-1")); });
  BOOST_REQUIRE(b.rec->wait_for([](const recorder& r) {
    return r.count_swim("SN-1", [](const auto& x) { return is_ack(x, 1); }) == 1;
  }));
  BOOST_TEST(a.rec->with([](recorder& r) {
    return r.count_swim("SN-2", [](const auto& x) { return is_ping(x, 1); });
  }) == 1u);
  // Each side knows the other by name and by its listening address.
  auto b_address = b.node->address();
  a.rec->with([&](recorder& r) {
    BOOST_REQUIRE_EQUAL(r.verified.size(), 1u);
    BOOST_TEST(r.verified[0].name == "SN-2");
    BOOST_TEST(r.verified[0].address == b_address); // announced in the Hello
    BOOST_TEST(r.verified[0].fingerprint.size() == 64u);
    return 0;
  });
  b.rec->with([&](recorder& r) {
    BOOST_REQUIRE_EQUAL(r.verified.size(), 1u);
    BOOST_TEST(r.verified[0].address == a_address); // the one dialed
    return 0;
  });
  // The other direction, by name and by address, over the same connection.
  a.post([b_address](node_context& ctx) {
    BOOST_TEST(ctx.is_verified("SN-2"));
    BOOST_TEST(ctx.send_to_name("SN-2", ping(2, "SN-2")));
    ctx.send_to_address(b_address, ping(3, "SN-2"));
    BOOST_TEST(!ctx.send_to_name("SN-7", ping(4, "SN-7")));
  });
  BOOST_REQUIRE(a.rec->wait_for([](const recorder& r) {
    return r.count_swim("SN-2", [](const auto& x) { return is_ack(x, 2) || is_ack(x, 3); })
           == 2;
  }));
  BOOST_TEST(a.log->contains({"verified peer SN-2", "127.0.2.1"}));
  BOOST_TEST(b.log->contains({"verified peer SN-1"}));
  BOOST_TEST(static_cast<bool>(b.node->stop()));
  BOOST_TEST(static_cast<bool>(a.node->stop()));
}

BOOST_AUTO_TEST_CASE(a_graceful_stop_delivers_the_last_message_and_the_peer_can_return) {
  pki certs;
  running_node a{pki::files(certs.host1), "127.0.1.1", "SN-1", answer_pings};
  auto say_goodbye = [](recorder& r) {
    r.on_stop_hook = [](node_context& ctx) { ctx.send_to_name("SN-1", leave(5)); };
  };
  auto b = std::make_unique<running_node>(pki::files(certs.host2), "127.0.2.1", "SN-2",
                                          say_goodbye);
  auto a_address = a.node->address();
  b->post([a_address](node_context& ctx) { ctx.dial(a_address); });
  BOOST_REQUIRE(a.rec->wait_for([](const recorder& r) { return r.has_verified("SN-2"); }));
  BOOST_REQUIRE(b->rec->wait_for([](const recorder& r) { return r.has_verified("SN-1"); }));
  BOOST_TEST(static_cast<bool>(b->node->stop()));
  BOOST_TEST(b->rec->with([](recorder& r) { return r.stopped; }));
  // The leave arrived before the connection closed, then A saw it go.
  BOOST_REQUIRE(a.rec->wait_for([](const recorder& r) {
    return r.count_swim("SN-2", [](const auto& x) { return x.has_leave(); }) == 1
           && r.downs.size() == 1;
  }));
  BOOST_TEST(a.rec->with([](recorder& r) { return r.downs[0]; }) == "SN-2");
  b.reset();
  // SN-2 comes back (a new process would look the same: a new CAF node on
  // a new port) and dials again; A verifies it again.
  running_node b2{pki::files(certs.host2), "127.0.2.1", "SN-2b", answer_pings};
  b2.post([a_address](node_context& ctx) { ctx.send_to_address(a_address, ping(9, "SN-1")); });
  BOOST_REQUIRE(b2.rec->wait_for([](const recorder& r) {
    return r.count_swim("SN-1", [](const auto& x) { return is_ack(x, 9); }) == 1;
  }));
  BOOST_TEST(a.rec->with([](recorder& r) { return r.verified.size(); }) == 2u);
  // A re-dials on demand, by the new address: the connection exists, so the
  // dial resolves to the same verified peer.
  auto b2_address = b2.node->address();
  a.post([b2_address](node_context& ctx) { ctx.send_to_address(b2_address, ping(10, "SN-2")); });
  BOOST_REQUIRE(a.rec->wait_for([](const recorder& r) {
    return r.count_swim("SN-2", [](const auto& x) { return is_ack(x, 10); }) == 1;
  }));
}

BOOST_AUTO_TEST_CASE(two_nodes_with_one_identity_are_reported_and_only_the_newer_is_heard) {
  // An operator's mistake: host 2's SN certificate and key on two machines.
  pki certs;
  running_node a{pki::files(certs.host1), "127.0.1.1", "SN-1", answer_pings};
  running_node first{pki::files(certs.host2), "127.0.2.1", "SN-2", answer_pings};
  running_node second{pki::files(certs.host2), "127.0.4.1", "SN-2", answer_pings};
  auto a_address = a.node->address();
  first.post([a_address](node_context& ctx) { ctx.send_to_address(a_address, ping(1, "SN-1")); });
  BOOST_REQUIRE(a.rec->wait_for([](const recorder& r) { return r.verified.size() == 1; }));
  second.post([a_address](node_context& ctx) { ctx.send_to_address(a_address, ping(2, "SN-1")); });
  BOOST_REQUIRE(a.rec->wait_for([](const recorder& r) { return r.verified.size() == 2; }));
  // The first still talks on its connection, now superseded.
  first.post([](node_context& ctx) { ctx.send_to_name("SN-1", ping(3, "SN-1")); });
  BOOST_REQUIRE(a.log->wait_for(
    {"two nodes prove the name SN-2", first.node->address(), second.node->address()}));
  BOOST_TEST(a.rec->with([](recorder& r) {
    return r.count_swim("SN-2", [](const auto& x) { return is_ping(x, 3); });
  }) == 0u);
}

BOOST_AUTO_TEST_CASE(nodes_that_reach_for_each_other_at_once_connect_once) {
  // Both learn of each other at the same moment (as after gossip) and send
  // by name and address: the later name yields, the earlier one dials, and
  // nothing is lost.
  pki certs;
  running_node a{pki::files(certs.host1), "127.0.1.1", "SN-1", answer_pings};
  running_node b{pki::files(certs.host2), "127.0.2.1", "SN-2", answer_pings};
  auto a_address = a.node->address();
  auto b_address = b.node->address();
  a.post([b_address](node_context& ctx) { ctx.send("SN-2", b_address, ping(1, "SN-2")); });
  b.post([a_address](node_context& ctx) { ctx.send("SN-1", a_address, ping(1, "SN-1")); });
  auto acked = [](const std::string& from) {
    return [from](const recorder& r) {
      return r.count_swim(from, [](const auto& x) { return is_ack(x, 1); }) == 1;
    };
  };
  BOOST_REQUIRE(a.rec->wait_for(acked("SN-2")));
  BOOST_REQUIRE(b.rec->wait_for(acked("SN-1")));
  BOOST_TEST(a.rec->with([](recorder& r) { return r.verified.size(); }) == 1u);
  BOOST_TEST(b.rec->with([](recorder& r) { return r.verified.size(); }) == 1u);
}

BOOST_AUTO_TEST_CASE(nodes_that_dial_each_other_at_once_end_up_connected) {
  // Raw dials from both sides at once: CAF 0.17 may break both connections;
  // the transport retries, and a sender that retries as SWIM does (a new
  // probe each period) gets through.
  pki certs;
  running_node a{pki::files(certs.host1), "127.0.1.1", "SN-1", answer_pings};
  running_node b{pki::files(certs.host2), "127.0.2.1", "SN-2", answer_pings};
  auto a_address = a.node->address();
  auto b_address = b.node->address();
  a.post([b_address](node_context& ctx) { ctx.send_to_address(b_address, ping(1, "SN-2")); });
  b.post([a_address](node_context& ctx) { ctx.send_to_address(a_address, ping(1, "SN-1")); });
  auto acked = [](const std::string& from) {
    return [from](const recorder& r) {
      return r.count_swim(from, [](const auto&) { return true; }) > 0;
    };
  };
  for (uint32_t seq = 2; seq < 40; ++seq) {
    if (a.rec->wait_for(acked("SN-2"), 500ms) && b.rec->wait_for(acked("SN-1"), 500ms))
      break;
    a.post([b_address, seq](node_context& ctx) {
      ctx.send_to_address(b_address, ping(seq, "SN-2"));
    });
    b.post([a_address, seq](node_context& ctx) {
      ctx.send_to_address(a_address, ping(seq, "SN-1"));
    });
  }
  BOOST_TEST(a.rec->wait_for(acked("SN-2")));
  BOOST_TEST(b.rec->wait_for(acked("SN-1")));
}

BOOST_AUTO_TEST_CASE(an_idle_connection_stays_up_on_heartbeats) {
  // CAF closes a connection that is silent for connection_timeout_ms; its
  // heartbeats must keep a healthy but idle one open.
  auto fast = [](swarm::transport::tls_node_config& cfg) {
    cfg.heartbeat_interval_ms = 100;
    cfg.connection_timeout_ms = 500;
  };
  pki certs;
  running_node a{pki::files(certs.host1), "127.0.1.1", "SN-1", answer_pings, fast};
  running_node b{pki::files(certs.host2), "127.0.2.1", "SN-2", answer_pings, fast};
  auto a_address = a.node->address();
  b.post([a_address](node_context& ctx) { ctx.send_to_address(a_address, ping(1, "SN-1")); });
  BOOST_REQUIRE(b.rec->wait_for([](const recorder& r) {
    return r.count_swim("SN-1", [](const auto& x) { return is_ack(x, 1); }) == 1;
  }));
  // Four connection timeouts of silence: nobody may see the other go.
  auto someone_down = [](const recorder& r) { return !r.downs.empty(); };
  BOOST_TEST(!a.rec->wait_for(someone_down, 2000ms));
  BOOST_TEST(!b.rec->wait_for(someone_down, 10ms));
  b.post([](node_context& ctx) { ctx.send_to_name("SN-1", ping(2, "SN-1")); });
  BOOST_TEST(b.rec->wait_for([](const recorder& r) {
    return r.count_swim("SN-1", [](const auto& x) { return is_ack(x, 2); }) == 1;
  }));
}

BOOST_AUTO_TEST_CASE(a_dial_to_nobody_fails_and_is_reported) {
  pki certs;
  running_node a{pki::files(certs.host1), "127.0.1.1", "SN-1"};
  // Nothing listens on port 9 of 127.0.9.1.
  a.post([](node_context& ctx) { ctx.send_to_address("127.0.9.1:9", ping(1, "SN-9")); });
  BOOST_REQUIRE(a.rec->wait_for([](const recorder& r) { return !r.dial_failures.empty(); }));
  BOOST_TEST(a.rec->with([](recorder& r) { return r.dial_failures[0].first; })
             == "127.0.9.1:9");
  BOOST_TEST(a.log->contains({"WARNING", "dial 127.0.9.1:9 failed", "dropped 1 queued envelope"}));
  // Redials of a dead address (every send until SWIM buries the peer) are
  // counted, and only the first failure is a warning.
  a.post([](node_context& ctx) { ctx.send_to_address("127.0.9.1:9", ping(2, "SN-9")); });
  BOOST_REQUIRE(a.rec->wait_for([](const recorder& r) { return r.dial_failures.size() == 2; }));
  BOOST_TEST(a.log->contains({"DEBUG", "dial 127.0.9.1:9 failed", "(2 failures in a row)"}));
  BOOST_TEST(!a.log->contains({"WARNING", "dial 127.0.9.1:9 failed", "(2 failures in a row)"}));
  // And an address that does not parse fails the same way.
  a.post([](node_context& ctx) { ctx.dial("no-port"); });
  BOOST_REQUIRE(a.rec->wait_for([](const recorder& r) { return r.dial_failures.size() == 3; }));
  BOOST_TEST(a.log->contains({"WARNING", "dial no-port failed"}));
}
