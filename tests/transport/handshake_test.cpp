#define BOOST_TEST_MODULE transport.handshake
#include <boost/test/unit_test.hpp>

#include <memory>
#include <string>

#include "swarm/identity/failure.hpp"
#include "swarm/identity/pki.hpp"
#include "swarm/transport/handshake.hpp"

using namespace swarm;
using namespace swarm::transport;
using sys_clock = identity::clock;
using identity::failure;

namespace {

constexpr auto day = std::chrono::hours{24};

identity::cert_spec spec(std::string cn, std::vector<std::string> sans = {}) {
  identity::cert_spec result;
  result.common_name = std::move(cn);
  result.sans = std::move(sans);
  result.not_before = sys_clock::now() - day;
  result.not_after = sys_clock::now() + 30 * day;
  return result;
}

// A swarm of one CA with two nodes, plus a stranger from another CA.
struct swarm_pki {
  identity::key_and_cert ca = *identity::make_ca(spec("CA-1", {"DNS:CA-1"}));
  identity::key_and_cert other_ca = *identity::make_ca(spec("CA-9", {"DNS:CA-9"}));
  identity::key_and_cert sn1 = *identity::issue_cert(spec("SN-1", {"DNS:SN-1"}), ca);
  identity::key_and_cert sn2 = *identity::issue_cert(spec("SN-2", {"DNS:SN-2"}), ca);
  identity::key_and_cert stranger = *identity::issue_cert(spec("SN-3", {"DNS:SN-3"}), other_ca);

  std::shared_ptr<const local_identity> node(const identity::key_and_cert& kc, std::string name,
                                             std::string lane_address = "") const {
    return std::make_shared<const local_identity>(local_identity{
      std::move(name), "127.0.0.1:30303", kc.cert_pem,
      *identity::private_key::from_pem(kc.key_pem, std::nullopt),
      *identity::trust_store::from_pem(ca.cert_pem), {}, std::move(lane_address)});
  }
};

failure failure_in(const handshake_result& r) {
  BOOST_REQUIRE(r.refused.has_value());
  return identity::failure_of(*r.refused).value_or(failure::internal);
}

// Runs initiator `a` against acceptor `b` to the end; returns the last
// result of each side.
std::pair<handshake_result, handshake_result> run(handshake& a, handshake& b) {
  auto hello = a.initiate();
  auto b1 = b.on_hello(hello.hello());
  if (b1.refused)
    return {{}, std::move(b1)};
  auto a1 = a.on_proof(b1.replies.at(0).proof(), sys_clock::now());
  if (a1.refused)
    return {std::move(a1), {}};
  auto b2 = b.on_proof(a1.replies.at(0).proof(), sys_clock::now());
  return {std::move(a1), std::move(b2)};
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(handshake_suite, swarm_pki)

BOOST_AUTO_TEST_CASE(two_nodes_of_one_ca_verify_each_other) {
  handshake a{node(sn1, "SN-1")};
  handshake b{node(sn2, "SN-2")};
  auto [ra, rb] = run(a, b);
  BOOST_REQUIRE(ra.verified.has_value());
  BOOST_REQUIRE(rb.verified.has_value());
  BOOST_TEST(ra.verified->name == "SN-2");
  BOOST_TEST(rb.verified->name == "SN-1");
  BOOST_TEST(a.verified());
  BOOST_TEST(b.verified());
  BOOST_TEST(b.peer_listen_address() == "127.0.0.1:30303");
  BOOST_TEST(!rb.refused.has_value());
}

BOOST_AUTO_TEST_CASE(each_side_learns_the_model_lane_address_from_the_others_proof) {
  handshake a{node(sn1, "SN-1", "127.0.0.1:40001")};
  handshake b{node(sn2, "SN-2")};
  auto [ra, rb] = run(a, b);
  BOOST_REQUIRE(ra.verified.has_value());
  BOOST_REQUIRE(rb.verified.has_value());
  // The acceptor announced none, the initiator its own.
  BOOST_TEST(a.peer_lane_address() == "");
  BOOST_TEST(b.peer_lane_address() == "127.0.0.1:40001");
}

BOOST_AUTO_TEST_CASE(simultaneous_handshakes_in_both_directions_verify) {
  handshake a{node(sn1, "SN-1")};
  handshake b{node(sn2, "SN-2")};
  auto hello_a = a.initiate();
  auto hello_b = b.initiate();
  auto b_answers = b.on_hello(hello_a.hello());
  auto a_answers = a.on_hello(hello_b.hello());
  auto a_done = a.on_proof(b_answers.replies.at(0).proof(), sys_clock::now());
  auto b_done = b.on_proof(a_answers.replies.at(0).proof(), sys_clock::now());
  BOOST_TEST(a_done.verified.has_value());
  BOOST_TEST(b_done.verified.has_value());
  // The initiator proofs that follow are ignored, not refused.
  auto late_b = b.on_proof(a_done.replies.at(0).proof(), sys_clock::now());
  auto late_a = a.on_proof(b_done.replies.at(0).proof(), sys_clock::now());
  BOOST_TEST(!late_b.refused.has_value());
  BOOST_TEST(!late_a.refused.has_value());
  BOOST_TEST(!late_b.verified.has_value());
}

BOOST_AUTO_TEST_CASE(a_certificate_from_an_unknown_ca_is_refused) {
  handshake a{node(sn1, "SN-1")};
  // The stranger trusts CA-1 (so it could connect) but CA-1 nodes do not
  // trust CA-9.
  handshake s{node(stranger, "SN-3")};
  auto [ra, rs] = run(a, s);
  BOOST_TEST(failure_in(ra) == failure::untrusted);
  BOOST_TEST(!a.verified());
  BOOST_REQUIRE(!ra.replies.empty());
  BOOST_TEST(ra.replies.back().has_refusal());
  // The refusal names the check, not our details.
  BOOST_TEST(ra.replies.back().refusal().reason().find("not issued by a trusted CA")
             != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_name_the_certificate_does_not_carry_is_refused) {
  handshake a{node(sn1, "SN-1")};
  auto liar_id = node(sn2, "SN-2");
  auto hello = handshake{liar_id}.initiate();
  hello.mutable_hello()->set_node_name("SN-9");
  auto answer = a.on_hello(hello.hello());
  BOOST_REQUIRE(answer.replies.at(0).has_proof());
  // The liar signs the counter-nonce with its real key but the false name.
  const auto& counter = answer.replies.at(0).proof().nonce();
  identity::bytes nonce(counter.begin(), counter.end());
  auto sig = liar_id->key.sign(
    identity::proof_message(identity::handshake_role::initiator, nonce, "SN-9"));
  BOOST_REQUIRE(sig);
  wire::Proof lie;
  lie.set_node_name("SN-9");
  lie.set_certificate_pem(sn2.cert_pem);
  lie.set_signature(std::string(sig->begin(), sig->end()));
  lie.set_role(wire::HANDSHAKE_ROLE_INITIATOR);
  lie.set_answered_nonce(counter);
  auto result = a.on_proof(lie, sys_clock::now());
  BOOST_TEST(failure_in(result) == failure::name_mismatch);
  BOOST_TEST(!a.verified());
}

BOOST_AUTO_TEST_CASE(a_proof_reflected_back_is_refused) {
  // The peer echoes our own acceptor proof back as its initiator proof.
  handshake a{node(sn1, "SN-1")};
  handshake b{node(sn2, "SN-2")};
  auto hello = b.initiate();
  auto answer = a.on_hello(hello.hello());
  auto reflected = answer.replies.at(0).proof();
  reflected.set_role(wire::HANDSHAKE_ROLE_INITIATOR);
  reflected.set_answered_nonce(reflected.nonce());
  reflected.set_node_name("SN-2");
  auto result = a.on_proof(reflected, sys_clock::now());
  BOOST_REQUIRE(result.refused.has_value());
  BOOST_TEST(!a.verified());
}

BOOST_AUTO_TEST_CASE(switching_names_between_hello_and_proof_is_refused) {
  auto sn2_two_names = *identity::issue_cert(spec("SN-2", {"DNS:SN-2", "DNS:alias"}), ca);
  handshake a{node(sn1, "SN-1")};
  handshake b{node(sn2_two_names, "SN-2")};
  auto hello = b.initiate();
  auto answer = a.on_hello(hello.hello());
  auto b1 = b.on_proof(answer.replies.at(0).proof(), sys_clock::now());
  auto proof = b1.replies.at(0).proof();
  proof.set_node_name("alias"); // in the certificate, but not what the Hello said
  auto result = a.on_proof(proof, sys_clock::now());
  BOOST_TEST(failure_in(result) == failure::name_mismatch);
}

BOOST_AUTO_TEST_CASE(claiming_our_own_name_is_refused) {
  handshake a{node(sn1, "SN-1")};
  handshake b{node(sn2, "SN-2")};
  auto hello = b.initiate();
  hello.mutable_hello()->set_node_name("SN-1");
  BOOST_TEST(failure_in(a.on_hello(hello.hello())) == failure::name_mismatch);
}

BOOST_AUTO_TEST_CASE(unsolicited_proofs_are_ignored_and_bad_nonces_refused) {
  handshake a{node(sn1, "SN-1")};
  handshake b{node(sn2, "SN-2")};
  // B answers a Hello A never sent: A ignores it.
  auto foreign = handshake{node(sn1, "SN-1")}.initiate();
  auto answer = b.on_hello(foreign.hello());
  auto ignored = a.on_proof(answer.replies.at(0).proof(), sys_clock::now());
  BOOST_TEST(!ignored.refused.has_value());
  BOOST_TEST(!ignored.verified.has_value());
  BOOST_TEST(ignored.replies.empty());
  // An answer to a nonce other than the one A sent is refused.
  a.initiate();
  auto stale = a.on_proof(answer.replies.at(0).proof(), sys_clock::now());
  BOOST_TEST(failure_in(stale) == failure::nonce_mismatch);
  // A Hello with a short nonce is refused.
  auto hello = handshake{node(sn2, "SN-2")}.initiate();
  hello.mutable_hello()->set_nonce("short");
  BOOST_TEST(failure_in(handshake{node(sn1, "SN-1")}.on_hello(hello.hello()))
             == failure::malformed_proof);
}

BOOST_AUTO_TEST_CASE(too_many_hellos_are_refused) {
  handshake a{node(sn1, "SN-1")};
  auto hello = handshake{node(sn2, "SN-2")}.initiate();
  for (size_t i = 0; i < handshake::max_hellos; ++i)
    BOOST_TEST(!a.on_hello(hello.hello()).refused.has_value());
  BOOST_TEST(a.on_hello(hello.hello()).refused.has_value());
}

BOOST_AUTO_TEST_SUITE_END()
