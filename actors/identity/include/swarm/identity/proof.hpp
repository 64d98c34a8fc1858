#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/identity/certificate.hpp"
#include "swarm/identity/private_key.hpp"
#include "swarm/identity/trust_store.hpp"

/// Application-level identity proof. CAF 0.17's TLS verifies the peer's chain
/// but checks no name and hides the peer certificate, so after connecting
/// each side sends a fresh nonce, the other answers with its certificate and
/// a signature over that nonce and the name it claims, and the first checks
/// the answer with `verify_proof`. Both directions run, so both sides prove.
namespace swarm::identity {

/// Raw bytes as they cross the wire.
using bytes = std::vector<uint8_t>;

/// Size of a nonce in bytes.
inline constexpr size_t nonce_size = 32;

/// Which end of the connection made a proof. It is signed, and each side
/// insists the peer's proof carries the other role: otherwise a peer could
/// send us our own nonce as its challenge and replay our answer back to us
/// (a reflection attack), passing as us.
enum class handshake_role : uint8_t {
  /// The side that opened the connection.
  initiator = 1,
  /// The side that accepted it.
  acceptor = 2,
};

/// Returns the other role.
constexpr handshake_role peer_of(handshake_role x) {
  return x == handshake_role::initiator ? handshake_role::acceptor
                                        : handshake_role::initiator;
}

/// An answer to a challenge.
struct identity_proof {
  /// The prover's certificate (PEM).
  std::string cert_pem;
  /// The nonce the prover answers (echoed so a stale answer is recognized).
  bytes nonce;
  /// The prover's end of the connection.
  handshake_role role = handshake_role::initiator;
  /// Signature over `proof_message(role, nonce, claimed name)`.
  bytes signature;
};

/// What a successful verification establishes about the peer.
struct verified_peer {
  /// The node name it claimed and proved.
  std::string name;
  /// Lower-case hex SHA-256 of its certificate's DER encoding.
  std::string fingerprint;
  /// When its certificate expires.
  clock::time_point not_after;
};

/// Returns `nonce_size` bytes from OpenSSL's CSPRNG. Aborts the process if
/// the CSPRNG fails (it cannot on a working system): a predictable nonce
/// would silently void every proof, which is worse than stopping.
bytes make_nonce();

/// Returns the exact bytes that get signed: a domain-separation prefix (so
/// the signature can never be mistaken for one of another protocol), the
/// role, and the length-prefixed nonce and name (so no two inputs collide).
bytes proof_message(handshake_role role, std::span<const uint8_t> nonce,
                    std::string_view claimed_name);

/// Answers `nonce_from_peer` as `own_role`: signs it together with
/// `claimed_name` using `own_key`. Fails early if the nonce has the wrong
/// size, the key does not belong to `own_cert_pem`, or the certificate does
/// not carry `claimed_name`, since the peer would reject such a proof.
expected<identity_proof> make_proof(std::span<const uint8_t> nonce_from_peer,
                                    std::string_view own_cert_pem,
                                    const private_key& own_key,
                                    std::string_view claimed_name,
                                    handshake_role own_role);

/// Checks a peer's answer to `nonce_we_sent`: that it is well formed, made
/// by `peer_role`, answers our nonce, that its certificate is valid at `now`
/// and chains to `trust`, that `claimed_name` is the certificate's CN or a
/// SAN DNS entry, and that the signature verifies with the certificate's
/// key. Each check has its own `failure`.
expected<verified_peer> verify_proof(const identity_proof& proof,
                                     std::span<const uint8_t> nonce_we_sent,
                                     std::string_view claimed_name,
                                     handshake_role peer_role, const trust_store& trust,
                                     clock::time_point now);

} // namespace swarm::identity
