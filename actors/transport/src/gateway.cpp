#include "gateway.hpp"

#include <spdlog/spdlog.h>

#include "caf/all.hpp"

#include "caf_atoms.hpp"

namespace swarm::transport::detail {

caf::behavior gateway(caf::event_based_actor* self, caf::actor node,
                      std::shared_ptr<spdlog::logger> log) {
  self->monitor(node);
  self->set_down_handler([self, node](caf::down_msg& dm) {
    if (dm.source == node.address())
      self->quit(dm.reason);
  });
  // A peer may send exit messages (trapped here; reason `kill` cannot be
  // trapped in CAF 0.17, and the node actor reports that as fatal) and
  // error messages (whose default handler would quit).
  self->set_exit_handler([log](caf::exit_msg& em) {
    log->warn("ignored an exit message from a peer ({})", to_string(em.reason));
  });
  self->set_error_handler([log](caf::error& err) {
    log->debug("ignored an error message from a peer ({})", to_string(err));
  });
  self->set_default_handler(
    [log](caf::scheduled_actor*, caf::message_view& x) -> caf::result<caf::message> {
      log->debug("dropped a CAF message that is not the transport's: {}",
                 to_string(x.copy_content_to_message()).substr(0, 200));
      return caf::sec::unexpected_message;
    });
  // delegate() keeps the peer as the sender, which is how the node actor
  // tells peers apart.
  return {
    [self, node](wire_atom atm, std::string& bytes) {
      self->delegate(node, atm, std::move(bytes));
    },
    [self, node](flush_atom atm, uint64_t token) { self->delegate(node, atm, token); },
    [self, node](flushed_atom atm, uint64_t token) { self->delegate(node, atm, token); },
  };
}

} // namespace swarm::transport::detail
