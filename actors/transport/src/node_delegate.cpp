#include "swarm/transport/node_delegate.hpp"

namespace swarm::transport {

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
