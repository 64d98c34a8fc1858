#define BOOST_TEST_MODULE transport.name_mismatch
#include <boost/test/unit_test.hpp>

// A peer whose certificate is good (TLS lets it in) but who claims a name
// its certificate does not carry is refused at the identity handshake,
// logged, and changes nothing; a good peer still gets through.

#include "fixture.hpp"
#include "raw_peer.hpp"

using namespace fixture;
using swarm::transport::tls_node;

BOOST_AUTO_TEST_CASE(a_peer_claiming_a_name_its_certificate_lacks_is_dropped) {
  pki certs;
  auto rec = std::make_shared<recorder>();
  auto [logger, log] = make_logger("SN-1");
  auto node = tls_node::start(config(pki::files(certs.host1), "127.0.1.1", logger), rec);
  BOOST_REQUIRE_MESSAGE(node, why(node));
  auto address = (*node)->address();

  auto files = pki::files(certs.host2);
  auto id = swarm::identity::check_identity(files, swarm::identity::clock::now());
  BOOST_REQUIRE_MESSAGE(id, why(id));
  raw_peer liar{files};
  BOOST_REQUIRE(liar.connect(address));
  // Claims "SN-9"; its certificate says SN-2.
  liar.send(raw_peer::hello("SN-9"));
  auto answer = liar.receive(deadline);
  BOOST_REQUIRE(answer.has_value());
  BOOST_REQUIRE(answer->has_proof());
  BOOST_TEST(answer->proof().node_name() == "SN-1");
  liar.send(liar.answer(answer->proof(), "SN-9", id->cert.pem(), id->key));
  auto refusal = liar.receive(deadline);
  BOOST_REQUIRE(refusal.has_value());
  BOOST_REQUIRE(refusal->has_refusal());
  BOOST_TEST(refusal->refusal().reason().find("claimed name not in certificate")
             != std::string::npos);
  BOOST_REQUIRE(log->wait_for(
    {"refused unverified peer claiming \"SN-9\"", "claimed name not in certificate"}));
  // Everything it sends now is ignored: no reply, no delegate call.
  liar.send(ping(1, "SN-1"));
  liar.send(raw_peer::hello("SN-2"));
  BOOST_TEST(!liar.receive(300ms).has_value());
  BOOST_TEST(rec->with([](recorder& r) { return r.verified.empty() && r.messages.empty(); }));

  // A peer that claims its own name passes.
  auto good_rec = std::make_shared<recorder>();
  auto [good_logger, good_log] = make_logger("SN-2");
  auto good = tls_node::start(config(files, "127.0.2.1", good_logger), good_rec);
  BOOST_REQUIRE_MESSAGE(good, why(good));
  (*good)->post([address](node_context& ctx) { ctx.send_to_address(address, ping(2, "SN-1")); });
  BOOST_REQUIRE(rec->wait_for([](const recorder& r) { return r.messages.size() == 1; }));
  BOOST_TEST(rec->with([](recorder& r) { return r.verified.at(0).name; }) == "SN-2");
}
