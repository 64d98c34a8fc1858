#define BOOST_TEST_MODULE identity.proof
#include <boost/test/unit_test.hpp>

#include "pki_fixture.hpp"
#include "swarm/identity/certificate.hpp"
#include "swarm/identity/private_key.hpp"
#include "swarm/identity/proof.hpp"
#include "swarm/identity/trust_store.hpp"

using namespace fixture;
using namespace swarm::identity;

namespace {

// Two nodes of one swarm: SN-1 initiates, SN-2 accepts; both trust CA-1.
struct swarm_pair {
  key_and_cert ca = make_ca("CA-1");
  key_and_cert sn1 = make_leaf(ca, "SN-1", -day, 30 * day, {"DNS:host1.example"});
  key_and_cert sn2 = make_leaf(ca, "SN-2");
  trust_store trust = *trust_store::from_pem(ca.cert_pem);
  clock::time_point now = clock::now();

  static private_key key_of(const key_and_cert& kc) {
    return *private_key::from_pem(kc.key_pem, std::nullopt);
  }

  // SN-1 answers `nonce` (which SN-2 sent) as the initiator.
  identity_proof sn1_answers(const bytes& nonce, std::string_view name = "SN-1") {
    auto proof = make_proof(nonce, sn1.cert_pem, key_of(sn1), name, handshake_role::initiator);
    BOOST_REQUIRE_MESSAGE(proof, why(proof));
    return *proof;
  }

  void expect(const swarm::expected<verified_peer>& result, failure want) {
    BOOST_REQUIRE_MESSAGE(!result, "expected " << want << ", but the proof verified");
    BOOST_TEST(failure_in(result.error()) == want, result.error().message);
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(proof, swarm_pair)

BOOST_AUTO_TEST_CASE(nonces_are_32_fresh_random_bytes) {
  auto a = make_nonce();
  auto b = make_nonce();
  BOOST_TEST(a.size() == 32u);
  BOOST_TEST(b.size() == 32u);
  BOOST_TEST(a != b);
}

BOOST_AUTO_TEST_CASE(both_sides_prove_their_identity_to_each_other) {
  auto nonce_from_sn2 = make_nonce();
  auto nonce_from_sn1 = make_nonce();
  auto p1 = sn1_answers(nonce_from_sn2);
  auto p2 = make_proof(nonce_from_sn1, sn2.cert_pem, key_of(sn2), "SN-2",
                       handshake_role::acceptor);
  BOOST_REQUIRE(p2);
  auto peer1 = verify_proof(p1, nonce_from_sn2, "SN-1", handshake_role::initiator, trust, now);
  auto peer2 = verify_proof(*p2, nonce_from_sn1, "SN-2", handshake_role::acceptor, trust, now);
  BOOST_REQUIRE_MESSAGE(peer1, why(peer1));
  BOOST_REQUIRE_MESSAGE(peer2, why(peer2));
  BOOST_TEST(peer1->name == "SN-1");
  BOOST_TEST(peer2->name == "SN-2");
  BOOST_TEST(peer1->fingerprint == certificate::from_pem(sn1.cert_pem)->fingerprint());
  BOOST_TEST(peer1->fingerprint.size() == 64u);
  BOOST_TEST(peer1->fingerprint != peer2->fingerprint);
  BOOST_TEST((peer1->not_after == certificate::from_pem(sn1.cert_pem)->not_after()));
}

BOOST_AUTO_TEST_CASE(a_san_dns_name_may_be_claimed_as_well_as_the_cn) {
  auto nonce = make_nonce();
  auto proof = sn1_answers(nonce, "host1.example");
  auto peer = verify_proof(proof, nonce, "host1.example", handshake_role::initiator, trust, now);
  BOOST_REQUIRE_MESSAGE(peer, why(peer));
  BOOST_TEST(peer->name == "host1.example");
}

BOOST_AUTO_TEST_CASE(an_answer_to_another_nonce_is_a_replay) {
  auto proof = sn1_answers(make_nonce());
  expect(verify_proof(proof, make_nonce(), "SN-1", handshake_role::initiator, trust, now),
         failure::nonce_mismatch);
}

BOOST_AUTO_TEST_CASE(a_name_not_in_the_certificate_is_refused) {
  auto nonce = make_nonce();
  auto proof = sn1_answers(nonce);
  expect(verify_proof(proof, nonce, "SN-2", handshake_role::initiator, trust, now),
         failure::name_mismatch);
  // Case matters and no wildcards or prefixes: names are identifiers.
  expect(verify_proof(proof, nonce, "sn-1", handshake_role::initiator, trust, now),
         failure::name_mismatch);
  auto refused = make_proof(nonce, sn1.cert_pem, key_of(sn1), "SN-2", handshake_role::initiator);
  BOOST_REQUIRE(!refused);
  BOOST_TEST(failure_in(refused.error()) == failure::name_mismatch);
}

BOOST_AUTO_TEST_CASE(a_signature_over_another_name_does_not_verify) {
  // SN-1's certificate also names host1.example; a proof for one name must
  // not pass for the other.
  auto nonce = make_nonce();
  auto proof = sn1_answers(nonce, "host1.example");
  expect(verify_proof(proof, nonce, "SN-1", handshake_role::initiator, trust, now),
         failure::bad_signature);
}

BOOST_AUTO_TEST_CASE(a_tampered_signature_does_not_verify) {
  auto nonce = make_nonce();
  auto proof = sn1_answers(nonce);
  proof.signature[proof.signature.size() / 2] ^= 0x01;
  expect(verify_proof(proof, nonce, "SN-1", handshake_role::initiator, trust, now),
         failure::bad_signature);
}

BOOST_AUTO_TEST_CASE(a_signature_by_another_key_of_the_same_ca_does_not_verify) {
  // SN-2 presents SN-1's certificate with its own signature.
  auto nonce = make_nonce();
  auto proof = sn1_answers(nonce);
  auto by_sn2 = make_proof(nonce, sn2.cert_pem, key_of(sn2), "SN-2", handshake_role::initiator);
  BOOST_REQUIRE(by_sn2);
  proof.signature = by_sn2->signature;
  expect(verify_proof(proof, nonce, "SN-1", handshake_role::initiator, trust, now),
         failure::bad_signature);
}

BOOST_AUTO_TEST_CASE(a_certificate_from_another_ca_is_untrusted) {
  auto rogue_ca = make_ca("CA-1");
  auto rogue = make_leaf(rogue_ca, "SN-1");
  auto nonce = make_nonce();
  auto proof = make_proof(nonce, rogue.cert_pem, key_of(rogue), "SN-1", handshake_role::initiator);
  BOOST_REQUIRE(proof);
  expect(verify_proof(*proof, nonce, "SN-1", handshake_role::initiator, trust, now),
         failure::untrusted);
}

BOOST_AUTO_TEST_CASE(an_expired_or_not_yet_valid_certificate_is_refused) {
  auto nonce = make_nonce();
  auto proof = sn1_answers(nonce);
  expect(verify_proof(proof, nonce, "SN-1", handshake_role::initiator, trust, now + 31 * day),
         failure::expired);
  expect(verify_proof(proof, nonce, "SN-1", handshake_role::initiator, trust, now - 2 * day),
         failure::not_yet_valid);
  auto old = make_leaf(ca, "SN-1", -60 * day, -30 * day);
  auto old_proof = make_proof(nonce, old.cert_pem, key_of(old), "SN-1", handshake_role::initiator);
  BOOST_REQUIRE(old_proof);
  expect(verify_proof(*old_proof, nonce, "SN-1", handshake_role::initiator, trust, now),
         failure::expired);
}

BOOST_AUTO_TEST_CASE(a_proof_reflected_back_to_its_maker_is_refused) {
  // The attacker echoes SN-1's challenge to SN-1 and hands back SN-1's own
  // answer: the role in the signed message gives it away.
  auto nonce_from_sn1 = make_nonce();
  auto answer = make_proof(nonce_from_sn1, sn1.cert_pem, key_of(sn1), "SN-1",
                           handshake_role::initiator);
  BOOST_REQUIRE(answer);
  // SN-1 initiated, so it expects the acceptor's answer.
  expect(verify_proof(*answer, nonce_from_sn1, "SN-1", handshake_role::acceptor, trust, now),
         failure::role_mismatch);
  // Relabelling the role breaks the signature instead.
  answer->role = handshake_role::acceptor;
  expect(verify_proof(*answer, nonce_from_sn1, "SN-1", handshake_role::acceptor, trust, now),
         failure::bad_signature);
}

BOOST_AUTO_TEST_CASE(malformed_proofs_are_refused_before_any_crypto) {
  auto nonce = make_nonce();
  auto good = sn1_answers(nonce);
  auto check = [&](identity_proof proof, std::string_view name = "SN-1") {
    expect(verify_proof(proof, nonce, name, handshake_role::initiator, trust, now),
           failure::malformed_proof);
  };
  auto p = good;
  p.nonce.resize(16);
  check(p);
  p = good;
  p.signature.clear();
  check(p);
  p = good;
  p.cert_pem = "garbage";
  check(p);
  p = good;
  p.cert_pem.clear();
  check(p);
  p = good;
  p.role = static_cast<handshake_role>(7);
  check(p);
  check(good, "");
  check(good, std::string(300, 'x'));
}

BOOST_AUTO_TEST_CASE(a_proof_cannot_be_made_with_a_key_that_is_not_the_certificates) {
  auto proof = make_proof(make_nonce(), sn1.cert_pem, key_of(sn2), "SN-1",
                          handshake_role::initiator);
  BOOST_REQUIRE(!proof);
  BOOST_TEST(failure_in(proof.error()) == failure::key_mismatch);
  auto short_nonce = make_proof(bytes(8), sn1.cert_pem, key_of(sn1), "SN-1",
                                handshake_role::initiator);
  BOOST_REQUIRE(!short_nonce);
  BOOST_TEST(failure_in(short_nonce.error()) == failure::malformed_proof);
}

BOOST_AUTO_TEST_CASE(the_signed_message_separates_its_fields_unambiguously) {
  bytes n1(32, 0x01);
  auto a = proof_message(handshake_role::initiator, n1, "SN-1");
  BOOST_TEST((a != proof_message(handshake_role::acceptor, n1, "SN-1")));
  BOOST_TEST((a != proof_message(handshake_role::initiator, n1, "SN-10")));
  BOOST_TEST(std::string(a.begin(), a.begin() + 22) == "swarm identity proof v");
}

BOOST_AUTO_TEST_SUITE_END()
