#include "swarm/transport/handshake.hpp"

#include <cassert>
#include <utility>

#include "swarm/identity/failure.hpp"
#include "swarm/wire/codec.hpp"

namespace swarm::transport {

namespace {

using identity::failure;
using identity::handshake_role;

identity::bytes to_bytes(const std::string& x) {
  return identity::bytes(x.begin(), x.end());
}

std::string to_string_bytes(const identity::bytes& x) {
  return std::string(x.begin(), x.end());
}

wire::HandshakeRole to_wire(handshake_role x) {
  return x == handshake_role::initiator ? wire::HANDSHAKE_ROLE_INITIATOR
                                        : wire::HANDSHAKE_ROLE_ACCEPTOR;
}

// The peer learns which check failed (so an operator can fix it), but none
// of our details: no subjects, no paths.
std::string refusal_reason(const swarm::error& why) {
  if (auto f = identity::failure_of(why))
    return "identity handshake refused: " + std::string{to_string(*f)};
  return "identity handshake refused";
}

} // namespace

handshake::handshake(std::shared_ptr<const local_identity> self) : self_(std::move(self)) {
  assert(self_ != nullptr);
}

wire::Envelope handshake::initiate() {
  initiator_nonce_ = identity::make_nonce();
  auto result = wire::make_envelope();
  auto& hello = *result.mutable_hello();
  hello.set_node_name(self_->name);
  hello.set_nonce(to_string_bytes(*initiator_nonce_));
  hello.set_listen_address(self_->listen_address);
  return result;
}

handshake_result handshake::on_hello(const wire::Hello& x) {
  if (++hellos_ > max_hellos)
    return refuse(identity::make_error(failure::malformed_proof,
                                       "more than " + std::to_string(max_hellos)
                                         + " Hello messages on one connection"));
  if (x.nonce().size() != identity::nonce_size)
    return refuse(identity::make_error(failure::malformed_proof,
                                       "Hello nonce of " + std::to_string(x.nonce().size())
                                         + " bytes"));
  if (x.node_name() == self_->name)
    return refuse(identity::make_error(failure::name_mismatch,
                                       "peer claims this node's own name \"" + self_->name
                                         + "\""));
  hello_name_ = x.node_name();
  if (!verified()) {
    claimed_name_ = hello_name_;
    peer_listen_address_ = x.listen_address();
  }
  auto counter_nonce = identity::make_nonce();
  auto proof = make_proof_envelope(x.nonce(), handshake_role::acceptor, counter_nonce);
  if (!proof)
    return refuse(proof.error());
  acceptor_nonce_ = std::move(counter_nonce);
  handshake_result result;
  result.replies.push_back(std::move(*proof));
  return result;
}

handshake_result handshake::on_proof(const wire::Proof& x, identity::clock::time_point now) {
  switch (x.role()) {
    case wire::HANDSHAKE_ROLE_ACCEPTOR:
      return on_acceptor_proof(x, now);
    case wire::HANDSHAKE_ROLE_INITIATOR:
      return on_initiator_proof(x, now);
    default:
      return refuse(identity::make_error(failure::malformed_proof,
                                         "proof role " + std::to_string(x.role())));
  }
}

handshake_result handshake::on_acceptor_proof(const wire::Proof& x,
                                              identity::clock::time_point now) {
  // Not asked for (or already answered): a late duplicate after a re-dial,
  // or a peer probing us. Ignored rather than refused, since a late honest
  // answer looks exactly like this.
  if (verified() || !initiator_nonce_)
    return {};
  auto nonce = std::exchange(initiator_nonce_, std::nullopt);
  claimed_name_ = x.node_name();
  if (x.node_name() == self_->name)
    return refuse(identity::make_error(failure::name_mismatch,
                                       "peer claims this node's own name \"" + self_->name
                                         + "\""));
  identity::identity_proof proof{x.certificate_pem(), to_bytes(x.answered_nonce()),
                                 handshake_role::acceptor, to_bytes(x.signature())};
  auto peer = identity::verify_proof(proof, *nonce, x.node_name(), handshake_role::acceptor,
                                     self_->trust, now);
  if (!peer)
    return refuse(peer.error());
  if (x.nonce().size() != identity::nonce_size)
    return refuse(identity::make_error(failure::malformed_proof,
                                       "counter-nonce of " + std::to_string(x.nonce().size())
                                         + " bytes"));
  auto reply = make_proof_envelope(x.nonce(), handshake_role::initiator, {});
  if (!reply)
    return refuse(reply.error());
  verified_ = *peer;
  peer_lane_address_ = x.lane_address();
  handshake_result result;
  result.replies.push_back(std::move(*reply));
  result.verified = std::move(*peer);
  return result;
}

handshake_result handshake::on_initiator_proof(const wire::Proof& x,
                                               identity::clock::time_point now) {
  if (verified() || !acceptor_nonce_)
    return {};
  auto nonce = std::exchange(acceptor_nonce_, std::nullopt);
  // The name was announced in the Hello; switching names between Hello and
  // Proof would let a peer probe which of its names we accept.
  if (x.node_name() != hello_name_)
    return refuse(identity::make_error(failure::name_mismatch,
                                       "proof claims \"" + x.node_name()
                                         + "\" after a Hello claiming \"" + hello_name_
                                         + "\""));
  identity::identity_proof proof{x.certificate_pem(), to_bytes(x.answered_nonce()),
                                 handshake_role::initiator, to_bytes(x.signature())};
  auto peer = identity::verify_proof(proof, *nonce, x.node_name(), handshake_role::initiator,
                                     self_->trust, now);
  if (!peer)
    return refuse(peer.error());
  verified_ = *peer;
  peer_lane_address_ = x.lane_address();
  handshake_result result;
  result.verified = std::move(*peer);
  return result;
}

handshake_result handshake::refuse(swarm::error why) const {
  handshake_result result;
  auto refusal = wire::make_envelope();
  refusal.mutable_refusal()->set_reason(refusal_reason(why));
  result.replies.push_back(std::move(refusal));
  result.refused = std::move(why);
  return result;
}

expected<wire::Envelope>
handshake::make_proof_envelope(const std::string& nonce_from_peer, handshake_role own_role,
                               const identity::bytes& counter_nonce) const {
  auto proof = identity::make_proof(to_bytes(nonce_from_peer), self_->cert_pem, self_->key,
                                    self_->name, own_role);
  if (!proof)
    return proof.error();
  auto result = wire::make_envelope();
  auto& p = *result.mutable_proof();
  p.set_node_name(self_->name);
  p.set_certificate_pem(proof->cert_pem);
  p.set_signature(to_string_bytes(proof->signature));
  p.set_nonce(to_string_bytes(counter_nonce));
  p.set_role(to_wire(own_role));
  p.set_answered_nonce(nonce_from_peer);
  p.set_lane_address(self_->lane_address);
  return result;
}

} // namespace swarm::transport
