#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/identity/pki.hpp"
#include "swarm/identity/private_key.hpp"
#include "swarm/identity/proof.hpp"
#include "swarm/identity/trust_store.hpp"
#include "swarm/wire.pb.h"

namespace swarm::transport {

/// What a node proves and checks with: loaded once at start, shared by every
/// handshake (read-only, so safe to share across threads).
struct local_identity {
  /// The node name this node claims (its certificate's CN or a SAN entry).
  std::string name;
  /// Where this node accepts connections, "host:port".
  std::string listen_address;
  /// This node's certificate, PEM.
  std::string cert_pem;
  /// This node's private key; never leaves the process.
  identity::private_key key;
  /// The CAs whose certificates this node accepts from peers.
  identity::trust_store trust;
  /// Intermediate certificates that followed this node's certificate in
  /// its file, presented on the model lane.
  std::vector<identity::certificate> intermediates;
  /// Where this node accepts envelopes on its model lane, "host:port", or
  /// "" without one; announced in Proofs.
  std::string lane_address;
};

/// What the node does after feeding one handshake message.
struct handshake_result {
  /// Envelopes to send back to the peer, in order (on refusal: a Refusal).
  std::vector<wire::Envelope> replies;
  /// Set when the peer has just proved its identity (once per handshake).
  std::optional<identity::verified_peer> verified;
  /// Set when the peer failed: the node drops it. The message names the
  /// failure and the claimed name, never key material.
  std::optional<swarm::error> refused;
};

/// The application-level identity handshake with one peer (one CAF
/// connection), as a pure state machine: envelopes in, envelopes out. CAF
/// 0.17's TLS accepts any certificate of a trusted CA and shows the
/// application none of it (caf-0.17-notes.md section 2, quirk 2), so this
/// is where a peer's name gets bound to a key:
///
///   initiator: Hello{name, N_i, listen_address}        (`initiate`)
///   acceptor:  Proof{ACCEPTOR, sig(N_i), counter-nonce N_a} (`on_hello`)
///   initiator: verifies, answers Proof{INITIATOR, sig(N_a)} (`on_proof`)
///   acceptor:  verifies                                (`on_proof`)
///
/// Both directions may run at once when two nodes dial each other; the peer
/// counts as verified when either completes, and later handshake messages
/// are answered (Hellos) or ignored (Proofs) without changing the binding.
class handshake {
public:
  /// Most Hellos answered per connection: each costs a signature, and an
  /// honest peer sends one per dial attempt.
  static constexpr size_t max_hellos = 8;

  /// Starts a handshake for `self`, which must not be null.
  explicit handshake(std::shared_ptr<const local_identity> self);

  /// Opens the handshake as the initiator; returns the Hello to send. Later
  /// calls return a fresh Hello (a re-dial), replacing the nonce.
  wire::Envelope initiate();

  /// Handles a Hello: answers with this node's Proof and a counter-nonce,
  /// or refuses a malformed Hello, one claiming this node's own name, or
  /// one Hello too many.
  handshake_result on_hello(const wire::Hello& x);

  /// Handles a Proof: verifies it against the nonce this side sent in the
  /// matching role (signature, chain to our trust store at `now`, claimed
  /// name in the certificate) and, if it answers our Hello, proves in turn.
  /// A Proof nobody asked for is ignored; a failing one refuses the peer.
  handshake_result on_proof(const wire::Proof& x, identity::clock::time_point now);

  /// Returns whether our Hello awaits its answer: a second dial over the
  /// same connection must not send another (it would replace the nonce the
  /// first answer signs).
  bool initiated() const noexcept {
    return initiator_nonce_.has_value();
  }

  /// Returns whether the peer has proved its identity.
  bool verified() const noexcept {
    return verified_.has_value();
  }

  /// Returns what the verification established; requires `verified()`.
  const identity::verified_peer& peer() const {
    return *verified_;
  }

  /// Returns the name the peer claims so far (its Hello's or Proof's), or
  /// "" if it sent neither; for log lines before verification.
  const std::string& claimed_name() const noexcept {
    return claimed_name_;
  }

  /// Returns the listen address from the peer's Hello, or "".
  const std::string& peer_listen_address() const noexcept {
    return peer_listen_address_;
  }

  /// Returns the model-lane address from the peer's verified Proof, or "".
  const std::string& peer_lane_address() const noexcept {
    return peer_lane_address_;
  }

private:
  handshake_result refuse(swarm::error why) const;
  handshake_result on_acceptor_proof(const wire::Proof& x, identity::clock::time_point now);
  handshake_result on_initiator_proof(const wire::Proof& x, identity::clock::time_point now);
  expected<wire::Envelope> make_proof_envelope(const std::string& nonce_from_peer,
                                               identity::handshake_role own_role,
                                               const identity::bytes& counter_nonce) const;

  std::shared_ptr<const local_identity> self_;
  /// Nonce of our latest Hello, while its answer is outstanding.
  std::optional<identity::bytes> initiator_nonce_;
  /// Counter-nonce of our latest acceptor Proof, while outstanding.
  std::optional<identity::bytes> acceptor_nonce_;
  /// The name the peer's latest Hello claimed; its initiator Proof must
  /// claim the same one.
  std::string hello_name_;
  std::string claimed_name_;
  std::string peer_listen_address_;
  std::string peer_lane_address_;
  size_t hellos_ = 0;
  std::optional<identity::verified_peer> verified_;
};

} // namespace swarm::transport
