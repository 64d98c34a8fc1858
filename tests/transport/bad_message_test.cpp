#define BOOST_TEST_MODULE transport.bad_message
#include <boost/test/unit_test.hpp>

// Oversized, malformed and otherwise wrong messages, and CAF messages that
// are not the transport's, are dropped with a log line naming the peer; the
// node keeps working.

#include "fixture.hpp"
#include "raw_peer.hpp"

using namespace fixture;
using swarm::transport::tls_node;

namespace {

constexpr size_t small_limit = 64 * 1024;

struct node_under_test {
  pki certs;
  std::shared_ptr<recorder> rec = std::make_shared<recorder>();
  std::shared_ptr<capture_sink> log;
  std::unique_ptr<tls_node> node;
  swarm::identity::identity_files peer_files = pki::files(certs.host2);

  node_under_test() {
    auto [logger, sink] = make_logger("SN-1");
    log = sink;
    rec->on_message_hook = [](node_context& ctx, const recorder::message& m) {
      if (m.env.has_swim() && m.env.swim().has_ping())
        ctx.send_to_name(m.from, ack(m.env.swim().ping().seq_no()));
    };
    auto cfg = config(pki::files(certs.host1), "127.0.1.1", logger);
    cfg.max_envelope_bytes = small_limit;
    auto started = tls_node::start(cfg, rec);
    BOOST_REQUIRE_MESSAGE(started, why(started));
    node = std::move(started).value();
  }
};

// Completes the handshake honestly as SN-2.
void handshake_as_sn2(raw_peer& peer, const swarm::identity::identity_files& files) {
  auto id = swarm::identity::check_identity(files, swarm::identity::clock::now());
  BOOST_REQUIRE_MESSAGE(id, why(id));
  peer.send(raw_peer::hello("SN-2"));
  auto answer = peer.receive(deadline);
  BOOST_REQUIRE(answer && answer->has_proof());
  peer.send(peer.answer(answer->proof(), "SN-2", id->cert.pem(), id->key));
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(bad_messages, node_under_test)

BOOST_AUTO_TEST_CASE(garbage_before_the_handshake_gets_the_peer_refused) {
  raw_peer peer{peer_files};
  BOOST_REQUIRE(peer.connect(node->address()));
  peer.send_bytes(std::string("\xff\xfe\xfd garbage", 12));
  auto refusal = peer.receive(deadline);
  BOOST_REQUIRE(refusal.has_value());
  BOOST_TEST(refusal->has_refusal());
  BOOST_TEST(log->wait_for({"refused unverified peer", "malformed message"}));
  // A SWIM message before the handshake is not even looked at now.
  peer.send(ping(1, "SN-1"));
  BOOST_TEST(!peer.receive(300ms).has_value());
  BOOST_TEST(rec->with([](recorder& r) { return r.messages.empty(); }));
}

BOOST_AUTO_TEST_CASE(swim_before_the_handshake_is_dropped) {
  raw_peer peer{peer_files};
  BOOST_REQUIRE(peer.connect(node->address()));
  peer.send(ping(1, "SN-1"));
  BOOST_TEST(log->wait_for({"dropped a message from unverified peer",
                            "SWIM message before the identity handshake completed"}));
  BOOST_TEST(rec->with([](recorder& r) { return r.messages.empty(); }));
}

BOOST_AUTO_TEST_CASE(bad_messages_from_a_verified_peer_are_dropped_and_logged) {
  raw_peer peer{peer_files};
  BOOST_REQUIRE(peer.connect(node->address()));
  handshake_as_sn2(peer, peer_files);
  BOOST_REQUIRE(rec->wait_for([](const recorder& r) { return r.has_verified("SN-2"); }));

  peer.send_bytes(std::string("\x0a\xff\xff\xff", 4));
  BOOST_TEST(log->wait_for({"dropped a message from peer SN-2", "malformed message"}));

  peer.send_bytes(std::string(small_limit + 1, '\x0a'));
  BOOST_TEST(log->wait_for({"dropped a message from peer SN-2",
                            "oversized message: " + std::to_string(small_limit + 1)}));

  auto bad_enum = ping(2, "SN-1");
  auto& update = *bad_enum.mutable_swim()->add_updates();
  update.set_node("SN-3");
  update.set_kind(9);
  peer.send(bad_enum);
  BOOST_TEST(log->wait_for({"dropped a message from peer SN-2", "invalid field value",
                            "swim.updates[0].kind"}));

  auto newer = ping(3, "SN-1");
  newer.set_version(swarm::wire::wire_version + 1);
  peer.send(newer);
  BOOST_TEST(log->wait_for({"dropped a message from peer SN-2", "unsupported wire version"}));

  // CAF messages that are not the transport's, and exit messages, which by
  // default would make the receiving actor quit.
  peer.send_raw(int32_t{42});
  peer.send_raw(std::string{"not an envelope"});
  peer.send_exit(caf::exit_reason::user_shutdown);
  BOOST_TEST(log->wait_for({"ignored an exit message from a peer"}));

  // Still working: a good ping gets its ack.
  peer.send(ping(4, "SN-1"));
  auto reply = peer.receive(deadline);
  BOOST_REQUIRE(reply.has_value());
  BOOST_REQUIRE(reply->has_swim());
  BOOST_TEST(reply->swim().ack().seq_no() == 4u);
  BOOST_TEST(rec->with([](recorder& r) { return r.messages.size(); }) == 1u);
}

BOOST_AUTO_TEST_CASE(an_oversized_envelope_is_not_sent) {
  raw_peer peer{peer_files};
  BOOST_REQUIRE(peer.connect(node->address()));
  handshake_as_sn2(peer, peer_files);
  BOOST_REQUIRE(rec->wait_for([](const recorder& r) { return r.has_verified("SN-2"); }));
  auto big = swarm::wire::make_envelope();
  big.mutable_state()->set_updates_bytes(std::string(small_limit, 'x'));
  node->post([big](node_context& ctx) { BOOST_TEST(!ctx.send_to_name("SN-2", big)); });
  BOOST_TEST(log->wait_for({"not sending", "bytes to SN-2", "max_envelope_bytes"}));
  BOOST_TEST(!peer.receive(300ms).has_value());
}

BOOST_AUTO_TEST_CASE(a_caf_node_of_another_application_cannot_connect) {
  // Same CA, same TLS, but not a Swarm transport: BASP refuses it.
  raw_peer other{peer_files, "some-other-caf-app"};
  BOOST_TEST(!other.connect(node->address()));
  raw_peer same{peer_files};
  BOOST_TEST(same.connect(node->address()));
}

BOOST_AUTO_TEST_CASE(a_peer_that_kills_the_gateway_stops_the_node_with_an_error) {
  // CAF 0.17 cannot trap exit messages with reason `kill`, and any connected
  // node can send one to the published actor. The node must not linger
  // half-dead: it stops and says why.
  raw_peer peer{peer_files};
  BOOST_REQUIRE(peer.connect(node->address()));
  peer.send_exit(caf::exit_reason::kill);
  auto st = node->wait();
  BOOST_REQUIRE(!st);
  BOOST_TEST(st.error().message.find("gateway actor terminated") != std::string::npos,
             st.error().message);
  BOOST_TEST(log->contains({"ERROR", "gateway actor terminated"}));
  BOOST_TEST(!node->post([](node_context&) {}));
}

BOOST_AUTO_TEST_SUITE_END()
