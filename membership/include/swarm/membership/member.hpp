#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

namespace swarm::membership {

/// The liveness of a member as one node sees it. The numeric values reach
/// the wire: only append.
enum class member_state : uint8_t {
  /// Answers probes, or refuted the last suspicion.
  alive = 0,
  /// Missed a probe; declared dead unless it refutes before the timeout.
  suspect = 1,
  /// Declared dead: a suspicion timed out, or a peer said so.
  dead = 2,
  /// Left gracefully; not probed and not revived by suspicion.
  left = 3,
};

/// Returns the stable name of `x`, e.g. "suspect".
std::string_view to_string(member_state x);

/// Prints the name of `x`.
std::ostream& operator<<(std::ostream& out, member_state x);

/// Returns whether members in state `x` are probed and count towards the
/// cluster size (alive or suspect).
constexpr bool is_live(member_state x) noexcept {
  return x == member_state::alive || x == member_state::suspect;
}

/// Names a peer on the wire: its unique member name and the opaque transport
/// address to reach it. The name may be empty for a seed known only by
/// address.
struct peer {
  /// Unique member name (the certificate's node name in production).
  std::string name;
  /// Opaque transport address, e.g. "10.0.0.5:30303".
  std::string address;
};

/// One entry of a node's membership view.
struct member {
  /// Unique member name; the key of the view.
  std::string name;
  /// Opaque transport address.
  std::string address;
  /// Small opaque metadata carried with alive messages (node registry data).
  std::string meta;
  /// Version of the member's own claims; only the member itself raises it.
  uint64_t incarnation = 0;
  /// Liveness as this node sees it.
  member_state state = member_state::alive;
  /// Local time of the last state change, from the machine's clock input.
  int64_t state_change_ms = 0;
};

} // namespace swarm::membership
