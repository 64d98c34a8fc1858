#pragma once

// How a node that is done leaves the overlay before it stops: SWIM's leave,
// then a wait for the members told of it, bounded by a cap.

#include <chrono>
#include <memory>

#include "swarm/sn/sn_delegate.hpp"
#include "swarm/transport/tls_node.hpp"

namespace swarm::sn {

/// Leaves through `overlay` (on `node`'s thread) and blocks until the
/// members it told acknowledged the departure, or `cap` passed (they may
/// have died meanwhile; the others then find out by probing). Returns
/// whether the departure was confirmed. Not from the node's own thread.
bool leave_and_wait(transport::tls_node& node, std::shared_ptr<sn_delegate> overlay,
                    std::chrono::milliseconds cap);

} // namespace swarm::sn
