#include "swarm/identity/proof.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ossl.hpp"
#include "swarm/identity/failure.hpp"

namespace swarm::identity {

namespace {

// Domain separation: a signature made for this protocol can never pass as
// one for anything else the same key signs, and vice versa.
constexpr std::string_view proof_prefix{"swarm identity proof v1\0", 24};

// A peer certificate is small; anything larger is garbage or an attack.
constexpr size_t max_cert_pem_size = 64 * 1024;
constexpr size_t max_signature_size = 1024;
constexpr size_t max_name_size = 255;

void append_length_prefixed(bytes& out, std::span<const uint8_t> data) {
  auto n = static_cast<uint32_t>(data.size());
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<uint8_t>(n >> shift));
  out.insert(out.end(), data.begin(), data.end());
}

std::span<const uint8_t> as_span(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

// The claimed name comes from the peer and ends up in logs: keep it on one
// printable line.
std::string quoted(std::string_view name) {
  std::string result{"\""};
  for (char c : name)
    result += (c >= 0x20 && c < 0x7f && c != '"') ? c : '?';
  return result + "\"";
}

status check_shape(const identity_proof& proof, std::string_view claimed_name) {
  if (proof.cert_pem.empty() || proof.cert_pem.size() > max_cert_pem_size)
    return make_error(failure::malformed_proof,
                      "certificate of " + std::to_string(proof.cert_pem.size()) + " bytes");
  if (proof.nonce.size() != nonce_size)
    return make_error(failure::malformed_proof,
                      "nonce of " + std::to_string(proof.nonce.size()) + " bytes, expected "
                        + std::to_string(nonce_size));
  if (proof.signature.empty() || proof.signature.size() > max_signature_size)
    return make_error(failure::malformed_proof,
                      "signature of " + std::to_string(proof.signature.size()) + " bytes");
  if (proof.role != handshake_role::initiator && proof.role != handshake_role::acceptor)
    return make_error(failure::malformed_proof, "unknown role "
                                                  + std::to_string(static_cast<int>(proof.role)));
  if (claimed_name.empty() || claimed_name.size() > max_name_size)
    return make_error(failure::malformed_proof, "claimed name of "
                                                  + std::to_string(claimed_name.size())
                                                  + " bytes");
  return status::ok();
}

} // namespace

bytes make_nonce() {
  bytes result(nonce_size);
  // RAND_bytes fails only if the OS entropy source is gone; continuing with
  // a predictable nonce would silently defeat the proof.
  if (RAND_bytes(result.data(), static_cast<int>(result.size())) != 1)
    OPENSSL_die("RAND_bytes failed: no entropy for an identity nonce", __FILE__, __LINE__);
  return result;
}

bytes proof_message(handshake_role role, std::span<const uint8_t> nonce,
                    std::string_view claimed_name) {
  bytes result(proof_prefix.begin(), proof_prefix.end());
  result.push_back(static_cast<uint8_t>(role));
  append_length_prefixed(result, nonce);
  append_length_prefixed(result, as_span(claimed_name));
  return result;
}

expected<identity_proof> make_proof(std::span<const uint8_t> nonce_from_peer,
                                    std::string_view own_cert_pem, const private_key& own_key,
                                    std::string_view claimed_name, handshake_role own_role) {
  if (nonce_from_peer.size() != nonce_size)
    return make_error(failure::malformed_proof,
                      "peer nonce of " + std::to_string(nonce_from_peer.size())
                        + " bytes, expected " + std::to_string(nonce_size));
  auto cert = certificate::from_pem(own_cert_pem, "own certificate");
  if (!cert)
    return cert.error();
  if (!own_key.matches(*cert))
    return make_error(failure::key_mismatch, "own key and " + cert->subject());
  if (!cert->has_name(claimed_name))
    return make_error(failure::name_mismatch, quoted(claimed_name) + " is not a name of "
                                                + cert->subject());
  auto sig = own_key.sign(proof_message(own_role, nonce_from_peer, claimed_name));
  if (!sig)
    return sig.error();
  return identity_proof{std::string{own_cert_pem},
                        bytes(nonce_from_peer.begin(), nonce_from_peer.end()), own_role,
                        std::move(*sig)};
}

expected<verified_peer> verify_proof(const identity_proof& proof,
                                     std::span<const uint8_t> nonce_we_sent,
                                     std::string_view claimed_name, handshake_role peer_role,
                                     const trust_store& trust, clock::time_point now) {
  if (auto st = check_shape(proof, claimed_name); !st)
    return st.error();
  if (proof.role != peer_role)
    return make_error(failure::role_mismatch,
                      "peer claiming " + quoted(claimed_name) + " answered as the "
                        + (proof.role == handshake_role::initiator ? "initiator" : "acceptor"));
  if (nonce_we_sent.size() != nonce_size
      || CRYPTO_memcmp(proof.nonce.data(), nonce_we_sent.data(), nonce_size) != 0)
    return make_error(failure::nonce_mismatch, "peer claiming " + quoted(claimed_name));
  auto cert = certificate::from_pem(proof.cert_pem,
                                    "certificate of peer claiming " + quoted(claimed_name));
  if (!cert)
    return make_error(failure::malformed_proof, cert.error().message);
  if (auto st = trust.verify(*cert, now); !st)
    return st.error();
  if (!cert->has_name(claimed_name))
    return make_error(failure::name_mismatch, quoted(claimed_name) + " is not a name of "
                                                + cert->subject());
  if (!verify_signature(*cert, proof_message(peer_role, proof.nonce, claimed_name),
                        proof.signature))
    return make_error(failure::bad_signature, "peer claiming " + quoted(claimed_name) + " ("
                                                + cert->subject() + ")");
  return verified_peer{std::string{claimed_name}, cert->fingerprint(), cert->not_after()};
}

} // namespace swarm::identity
