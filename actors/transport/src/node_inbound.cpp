#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "caf_atoms.hpp"
#include "node_actor.hpp"
#include "swarm/transport/address.hpp"
#include "swarm/wire/codec.hpp"

namespace swarm::transport::detail {

namespace {

// After this many log lines about one peer's rejected messages, only every
// `reject_log_every`th is logged: a broken or hostile peer must not be able
// to flood the log.
constexpr uint64_t reject_log_first = 10;
constexpr uint64_t reject_log_every = 1000;

const char* body_name(const wire::Envelope& env) {
  switch (env.body_case()) {
    case wire::Envelope::kSwim:
      return "SWIM message";
    case wire::Envelope::kState:
      return "state sync";
    default:
      return "message";
  }
}

} // namespace

void node_actor::on_wire(std::string& bytes) {
  auto sender = current_sender();
  // Peers reach us only through the gateway, which keeps their address as
  // the sender; a message without one, or from this node, is no peer's.
  if (!sender || sender->node() == node() || stopping_)
    return;
  auto& peer = peer_for(caf::actor_cast<caf::actor>(sender));
  if (peer.superseded)
    report_twin(peer);
  if (peer.refused || peer.superseded)
    return;
  // Size before anything else (decode_envelope checks it too, but here the
  // log line can say who sent it).
  // Only a proven peer may send model-sized envelopes (an SL node raises
  // the limit); a stranger gets the small one.
  auto limit = peer.hs->verified()
                 ? setup_.cfg.max_envelope_bytes
                 : std::min(setup_.cfg.max_envelope_bytes, wire::max_envelope_bytes);
  if (bytes.size() > limit)
    return reject(peer, "oversized message: " + std::to_string(bytes.size())
                          + " bytes, at most " + std::to_string(limit));
  auto env = wire::decode_envelope(bytes, limit);
  if (!env) {
    // A peer that cannot even get the handshake right is not one of ours.
    if (!peer.hs->verified())
      return refuse(peer, env.error(), true);
    return reject(peer, env.error().message);
  }
  on_envelope(peer, *env);
}

void node_actor::on_lane_frame(const std::string& name, lane_delivery& delivery) {
  const auto& env = delivery.env;
  // The lane proved the certificate's name in TLS; the envelope must still
  // come from a peer this node verified and did not drop.
  auto i = names_.find(name);
  if (i == names_.end() || stopping_) {
    setup_.log->debug("{}: dropped a model-lane envelope from {}, not a verified peer",
                      node_name(), name);
    return;
  }
  auto& peer = peers_.at(i->second);
  if (peer.refused || peer.superseded)
    return;
  switch (env.body_case()) {
    case wire::Envelope::kHello:
    case wire::Envelope::kProof:
    case wire::Envelope::kRefusal:
      return reject(peer, "a handshake message on the model lane");
    default:
      break;
  }
  if (delivery.values.values.empty())
    return guarded("on_message", [&] { setup_.delegate->on_message(ctx_, name, env); });
  guarded("on_attached", [&] {
    setup_.delegate->on_attached(ctx_, name, env, std::move(delivery.values));
  });
}

peer_entry& node_actor::peer_for(const caf::actor& handle) {
  auto key = handle.address();
  if (auto i = peers_.find(key); i != peers_.end())
    return i->second;
  peer_entry entry;
  entry.handle = handle;
  entry.hs = std::make_unique<handshake>(identity_);
  entry.epoch = ++next_epoch_;
  // The proxy dies when the connection does: that is our disconnect signal.
  monitor(handle);
  request_endpoint(handle);
  delayed_send(this, std::chrono::milliseconds{setup_.cfg.handshake_timeout_ms},
               handshake_timeout_atom::value, key, entry.epoch);
  return peers_.emplace(key, std::move(entry)).first->second;
}

void node_actor::on_envelope(peer_entry& peer, const wire::Envelope& env) {
  if (!peer.hs->verified())
    setup_.log->debug("{}: handshake message (body {}) from {}", node_name(),
                      static_cast<int>(env.body_case()), describe(peer));
  switch (env.body_case()) {
    case wire::Envelope::kHello:
      apply(peer, peer.hs->on_hello(env.hello()));
      // Sends to the address it announces wait for this connection instead
      // of dialing a second one.
      if (!peer.refused && !env.hello().listen_address().empty())
        adopt_dial(peer, env.hello().listen_address());
      return;
    case wire::Envelope::kProof:
      return apply(peer, peer.hs->on_proof(env.proof(), identity::clock::now()));
    case wire::Envelope::kRefusal:
      return on_refusal(peer, env.refusal());
    default:
      break;
  }
  if (!peer.hs->verified())
    return reject(peer, std::string{"a "} + body_name(env)
                          + " before the identity handshake completed");
  const auto& from = peer.hs->peer().name;
  guarded("on_message", [&] { setup_.delegate->on_message(ctx_, from, env); });
}

void node_actor::apply(peer_entry& peer, handshake_result result) {
  for (const auto& reply : result.replies)
    send_bytes(peer, wire::encode(reply));
  if (result.refused)
    return refuse(peer, *result.refused, false);
  if (result.verified)
    bind_peer(peer);
}

void node_actor::bind_peer(peer_entry& peer) {
  const auto& proven = peer.hs->peer();
  auto key = peer.handle.address();
  if (auto i = names_.find(proven.name); i != names_.end() && i->second != key) {
    // Same name, new connection: the peer restarted (new CAF node) before we
    // noticed the old connection died. The newest proof wins.
    if (auto old = peers_.find(i->second); old != peers_.end()) {
      old->second.superseded = true;
      setup_.log->info("{}: {} reconnected; ignoring its older connection", node_name(),
                       proven.name);
    }
  }
  names_[proven.name] = key;
  redials_.erase(peer.dialed);
  for (const auto& alias : {peer.dialed, peer.hs->peer_listen_address()}) {
    if (alias.empty())
      continue;
    auto [i, added] = addresses_.try_emplace(alias, key);
    // An announced address is only a claim: never let it take over one that
    // a live verified peer of another name holds.
    if (!added && i->second != key) {
      auto other = peers_.find(i->second);
      if (other == peers_.end() || !other->second.hs->verified() || other->second.superseded
          || other->second.refused || other->second.hs->peer().name == proven.name)
        i->second = key;
    }
  }
  auto info = info_of(peer);
  setup_.log->info("{}: verified {} (listens on {}, certificate sha256 {})", node_name(),
                   describe(peer), info.address.empty() ? "?" : info.address,
                   info.fingerprint.substr(0, 16));
  for (auto& bytes : std::exchange(peer.queue, {}))
    send_bytes(peer, std::move(bytes));
  guarded("on_peer_verified", [&] { setup_.delegate->on_peer_verified(ctx_, info); });
}

void node_actor::report_twin(peer_entry& old) {
  // A restarted peer's old connection falls silent, and simultaneous dials
  // share one listen address; a superseded connection that still talks
  // from another address is a second node with the same identity.
  if (old.reported_twin)
    return;
  const auto& name = old.hs->peer().name;
  auto holder = names_.find(name);
  if (holder == names_.end())
    return;
  auto now = peers_.find(holder->second);
  if (now == peers_.end())
    return;
  const auto& old_address = old.hs->peer_listen_address();
  const auto& new_address = now->second.hs->peer_listen_address();
  if (old_address.empty() || new_address.empty() || old_address == new_address)
    return;
  old.reported_twin = true;
  setup_.log->warn("{}: two nodes prove the name {}: one listening on {}, one on {} (the same"
                   " certificate and key used twice?); only the newer connection is heard",
                   node_name(), name, old_address, new_address);
}

void node_actor::refuse(peer_entry& peer, const swarm::error& why, bool send_refusal) {
  setup_.log->warn("{}: refused {}: {}", node_name(), describe(peer), why.message);
  if (send_refusal) {
    auto refusal = wire::make_envelope();
    refusal.mutable_refusal()->set_reason("malformed message during the identity handshake");
    send_bytes(peer, wire::encode(refusal));
  }
  auto lost = unbind(peer);
  peer.refused = true;
  peer.queue.clear();
  if (!lost.empty())
    guarded("on_peer_down", [&] { setup_.delegate->on_peer_down(ctx_, lost); });
  else if (!peer.dialed.empty())
    on_dial_failed(peer.dialed, why);
}

void node_actor::on_refusal(peer_entry& peer, const wire::Refusal& x) {
  setup_.log->warn("{}: {} refused us: {}", node_name(), describe(peer), x.reason());
  // Keep the entry, marked, so that nothing more from it is processed until
  // its connection closes.
  auto lost = unbind(peer);
  peer.refused = true;
  peer.queue.clear();
  if (!lost.empty())
    guarded("on_peer_down", [&] { setup_.delegate->on_peer_down(ctx_, lost); });
  else if (!peer.dialed.empty())
    on_dial_failed(peer.dialed,
                   make_error(errc::invalid_argument, "refused by the peer: " + x.reason()));
}

void node_actor::on_handshake_timeout(const caf::actor_addr& key, uint64_t epoch) {
  auto i = peers_.find(key);
  if (i == peers_.end() || i->second.epoch != epoch || i->second.hs->verified()
      || i->second.refused)
    return;
  auto& peer = i->second;
  setup_.log->warn("{}: {} did not complete the identity handshake within {} ms; dropped",
                   node_name(), describe(peer), setup_.cfg.handshake_timeout_ms);
  auto refusal = wire::make_envelope();
  refusal.mutable_refusal()->set_reason("identity handshake timed out");
  send_bytes(peer, wire::encode(refusal));
  auto dialed = peer.dialed;
  // Forget rather than mark refused: a slow peer may re-dial over the same
  // connection and start afresh.
  forget(key, false);
  if (!dialed.empty())
    on_dial_failed(dialed, make_error(errc::io_error, "identity handshake timed out"));
}

void node_actor::reject(peer_entry& peer, const std::string& what) {
  auto n = ++peer.rejects;
  if (n <= reject_log_first || n % reject_log_every == 0)
    setup_.log->warn("{}: dropped a message from {}: {}{}", node_name(), describe(peer), what,
                     n == reject_log_first ? " (further drops from this peer are logged only"
                                             " every 1000th)"
                                           : "");
}

std::string node_actor::unbind(peer_entry& peer) {
  auto key = peer.handle.address();
  std::erase_if(addresses_, [&](const auto& kv) { return kv.second == key; });
  if (!peer.hs->verified() || peer.superseded || peer.refused)
    return {};
  auto n = names_.find(peer.hs->peer().name);
  if (n == names_.end() || n->second != key)
    return {};
  auto lost = n->first;
  names_.erase(n);
  return lost;
}

void node_actor::forget(const caf::actor_addr& key, bool report) {
  auto i = peers_.find(key);
  if (i == peers_.end())
    return;
  auto& peer = i->second;
  auto lost = unbind(peer);
  auto where = describe(peer);
  bool died_in_handshake = report && !peer.hs->verified() && !peer.refused
                           && !peer.superseded && !peer.dialed.empty();
  auto dialed = peer.dialed;
  auto queue = std::exchange(peer.queue, {});
  demonitor(peer.handle);
  peers_.erase(i);
  if (report && !lost.empty()) {
    setup_.log->info("{}: lost {}", node_name(), where);
    guarded("on_peer_down", [&] { setup_.delegate->on_peer_down(ctx_, lost); });
  } else if (died_in_handshake) {
    schedule_redial(dialed, std::move(queue),
                    make_error(errc::io_error, "the connection closed during the identity"
                                               " handshake (both sides dialing at once, or"
                                               " the peer went away)"));
  }
}

std::string node_actor::describe(const peer_entry& peer) const {
  std::string who;
  if (peer.hs->verified())
    who = "peer " + peer.hs->peer().name;
  else if (!peer.hs->claimed_name().empty())
    who = "unverified peer claiming \"" + peer.hs->claimed_name() + "\"";
  else
    who = "unverified peer";
  if (!peer.endpoint.empty())
    return who + " from " + peer.endpoint;
  if (!peer.dialed.empty())
    return who + " at " + peer.dialed;
  return who + " (node " + to_string(peer.handle.node()) + ")";
}

peer_info node_actor::info_of(const peer_entry& peer) const {
  peer_info result;
  result.name = peer.hs->peer().name;
  result.address = !peer.dialed.empty() ? peer.dialed : peer.hs->peer_listen_address();
  result.fingerprint = peer.hs->peer().fingerprint;
  return result;
}

std::vector<peer_info> node_actor::verified_peers() const {
  std::vector<peer_info> result;
  for (const auto& [name, key] : names_)
    if (auto i = peers_.find(key); i != peers_.end())
      result.push_back(info_of(i->second));
  return result;
}

bool node_actor::is_verified(std::string_view name) const {
  return names_.find(name) != names_.end();
}

} // namespace swarm::transport::detail
