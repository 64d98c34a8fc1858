#pragma once

// A misbehaving peer for tests: a CAF actor system with the same TLS setup
// as a real node (so CAF's TLS lets it in), driven by hand from the test
// thread through a scoped actor. It can claim any name, sign anything, and
// send any bytes or CAF messages, which a real tls_node never would.

#include <chrono>
#include <optional>
#include <string>

#include "caf/all.hpp"
#include "caf/io/all.hpp"
#include "caf/openssl/all.hpp"

#include "caf_atoms.hpp"
#include "swarm/identity/preflight.hpp"
#include "swarm/identity/private_key.hpp"
#include "swarm/identity/proof.hpp"
#include "swarm/transport/address.hpp"
#include "swarm/transport/tls_node_config.hpp"
#include "swarm/wire/codec.hpp"
#include "system_config.hpp"

namespace fixture {

class raw_peer {
public:
  /// A raw peer with the identity `files` (pre-flighted by the caller);
  /// `app_id`, if set, replaces the BASP application identifier.
  explicit raw_peer(const swarm::identity::identity_files& files, std::string app_id = "")
    : cfg_(make_config(files, app_id)), sys_(*cfg_), self_(sys_) {
    // nop
  }

  /// Connects to the node at `address` ("host:port"); blocking is fine here.
  bool connect(const std::string& address) {
    auto ep = swarm::transport::parse_address(address);
    if (!ep)
      return false;
    auto node = caf::openssl::remote_actor(sys_, ep->host, ep->port);
    if (!node)
      return false;
    node_ = *node;
    return true;
  }

  /// Sends raw bytes as the transport's wire message.
  void send_bytes(std::string bytes) {
    self_->send(node_, swarm::transport::detail::wire_atom::value, std::move(bytes));
  }

  /// Sends an envelope.
  void send(const swarm::wire::Envelope& env) {
    send_bytes(swarm::wire::encode(env));
  }

  /// Sends any CAF message.
  template <class... Ts>
  void send_raw(Ts&&... xs) {
    self_->send(node_, std::forward<Ts>(xs)...);
  }

  /// Sends an exit message to the node's published actor.
  void send_exit(caf::exit_reason reason) {
    self_->send_exit(node_, reason);
  }

  /// Returns the next envelope the node sends, if one comes in time.
  std::optional<swarm::wire::Envelope> receive(std::chrono::milliseconds timeout) {
    std::optional<swarm::wire::Envelope> result;
    bool done = false;
    while (!done) {
      self_->receive(
        [&](swarm::transport::detail::wire_atom, const std::string& bytes) {
          auto env = swarm::wire::decode_envelope(bytes);
          if (env)
            result = std::move(*env);
          done = true;
        },
        [&](swarm::transport::detail::flush_atom, uint64_t) {
          // not for this test: keep waiting
        },
        caf::after(timeout) >> [&] { done = true; });
    }
    return result;
  }

  /// Answers `proof_from_node` (the node's acceptor Proof) as the initiator,
  /// claiming `name` and signing with `key`, whatever the certificate says.
  swarm::wire::Envelope answer(const swarm::wire::Proof& proof_from_node,
                               const std::string& name, const std::string& cert_pem,
                               const swarm::identity::private_key& key) {
    const auto& counter = proof_from_node.nonce();
    swarm::identity::bytes nonce(counter.begin(), counter.end());
    auto sig = key.sign(
      swarm::identity::proof_message(swarm::identity::handshake_role::initiator, nonce, name));
    auto env = swarm::wire::make_envelope();
    auto& p = *env.mutable_proof();
    p.set_node_name(name);
    p.set_certificate_pem(cert_pem);
    if (sig)
      p.set_signature(std::string(sig->begin(), sig->end()));
    p.set_role(swarm::wire::HANDSHAKE_ROLE_INITIATOR);
    p.set_answered_nonce(counter);
    return env;
  }

  /// Returns a Hello claiming `name`.
  static swarm::wire::Envelope hello(const std::string& name) {
    auto env = swarm::wire::make_envelope();
    auto nonce = swarm::identity::make_nonce();
    env.mutable_hello()->set_node_name(name);
    env.mutable_hello()->set_nonce(std::string(nonce.begin(), nonce.end()));
    return env;
  }

private:
  static std::unique_ptr<caf::actor_system_config>
  make_config(const swarm::identity::identity_files& files, const std::string& app_id) {
    swarm::transport::tls_node_config cfg;
    cfg.identity = files;
    auto result = swarm::transport::detail::make_system_config(cfg);
    if (!app_id.empty())
      result->set("middleman.app-identifiers", std::vector<std::string>{app_id});
    return result;
  }

  std::unique_ptr<caf::actor_system_config> cfg_;
  caf::actor_system sys_;
  caf::scoped_actor self_;
  caf::actor node_;
};

} // namespace fixture
