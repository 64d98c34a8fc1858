#pragma once

#include <cstdint>
#include <iosfwd>
#include <string_view>

#include "swarm/membership/member.hpp"

namespace swarm::membership {

/// What changed about a member in this node's view.
enum class event_kind : uint8_t {
  /// A member appeared, or came back after dead or left.
  joined = 0,
  /// A suspect member refuted the suspicion.
  alive = 1,
  /// A member is suspected.
  suspect = 2,
  /// A member was declared dead.
  dead = 3,
  /// A member left gracefully.
  left = 4,
  /// An alive member changed its address or metadata.
  updated = 5,
};

/// Returns the stable name of `x`, e.g. "joined".
std::string_view to_string(event_kind x);

/// Prints the name of `x`.
std::ostream& operator<<(std::ostream& out, event_kind x);

/// A change in the view, with the member's entry after the change.
struct membership_event {
  /// What happened.
  event_kind kind = event_kind::joined;
  /// The member's entry after the change.
  member subject;
};

} // namespace swarm::membership
