#include "swarm/sn/departure.hpp"

#include <future>

namespace swarm::sn {

bool leave_and_wait(transport::tls_node& node, std::shared_ptr<sn_delegate> overlay,
                    std::chrono::milliseconds cap) {
  auto departed = std::make_shared<std::promise<void>>();
  auto done = departed->get_future();
  if (!node.post([overlay, departed](transport::node_context& ctx) {
        overlay->leave(ctx, [departed] { departed->set_value(); });
      }))
    return false;
  return done.wait_for(cap) == std::future_status::ready;
}

} // namespace swarm::sn
