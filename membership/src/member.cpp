#include "swarm/membership/member.hpp"

#include <ostream>

#include "swarm/membership/events.hpp"

namespace swarm::membership {

std::string_view to_string(member_state x) {
  switch (x) {
    case member_state::alive:
      return "alive";
    case member_state::suspect:
      return "suspect";
    case member_state::dead:
      return "dead";
    case member_state::left:
      return "left";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& out, member_state x) {
  return out << to_string(x);
}

std::string_view to_string(event_kind x) {
  switch (x) {
    case event_kind::joined:
      return "joined";
    case event_kind::alive:
      return "alive";
    case event_kind::suspect:
      return "suspect";
    case event_kind::dead:
      return "dead";
    case event_kind::left:
      return "left";
    case event_kind::updated:
      return "updated";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& out, event_kind x) {
  return out << to_string(x);
}

} // namespace swarm::membership
