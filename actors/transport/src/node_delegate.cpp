#include "swarm/transport/node_delegate.hpp"

#include <utility>

namespace swarm::transport {

void node_context::send_attached(std::string_view name, std::string_view address,
                                 wire::Envelope env, wire::attached_values values) {
  if (values)
    (void) wire::embed_attachment(env, *values);
  send(name, address, std::move(env));
}

void node_delegate::on_attached(node_context& ctx, const std::string& from,
                                const wire::Envelope& env, wire::received_values values) {
  auto whole = env;
  (void) wire::embed_attachment(whole, values.values);
  on_message(ctx, from, whole);
}

// Default callbacks: a delegate overrides only what it needs.

void node_delegate::on_start(node_context&) {
  // nop
}

void node_delegate::on_tick(node_context&, int64_t) {
  // nop
}

void node_delegate::on_peer_verified(node_context&, const peer_info&) {
  // nop
}

void node_delegate::on_peer_down(node_context&, const std::string&) {
  // nop
}

void node_delegate::on_dial_failed(node_context&, const std::string&, const swarm::error&) {
  // nop
}

void node_delegate::on_stop(node_context&) {
  // nop
}

} // namespace swarm::transport
