#pragma once

#include <memory>

#include "caf/actor.hpp"
#include "caf/behavior.hpp"
#include "caf/event_based_actor.hpp"

namespace spdlog {
class logger;
} // namespace spdlog

namespace swarm::transport::detail {

/// The actor published on the listening port: the only actor of this node
/// whose address peers ever see. CAF 0.17 delivers any message a connected
/// node sends, including exit and error messages that would make an
/// actor quit by default; so the gateway forwards only the transport's own
/// messages to `node` (keeping the peer as the sender) and ignores the rest.
/// It ends when `node` does.
caf::behavior gateway(caf::event_based_actor* self, caf::actor node,
                      std::shared_ptr<spdlog::logger> log);

} // namespace swarm::transport::detail
