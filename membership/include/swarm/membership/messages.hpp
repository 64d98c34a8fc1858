#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "swarm/membership/member.hpp"

/// The SWIM wire vocabulary as plain structs. A transport maps them to
/// versioned protobuf messages; fields are only ever appended, and enum values
/// are part of the protocol.
namespace swarm::membership {

/// The protocol version this implementation speaks.
inline constexpr uint8_t protocol_version = 1;

/// What a piggybacked update claims. Values reach the wire: only append.
enum class update_kind : uint8_t {
  /// The node is alive at this incarnation (carries address and meta).
  alive = 0,
  /// `from` suspects the node at this incarnation.
  suspect = 1,
  /// `from` declared the node dead at this incarnation.
  dead = 2,
  /// The node left gracefully at this incarnation.
  left = 3,
};

/// Returns the stable name of `x`, e.g. "suspect".
std::string_view to_string(update_kind x);

/// Prints the name of `x`.
std::ostream& operator<<(std::ostream& out, update_kind x);

/// A membership claim disseminated by piggybacking on other messages.
struct update {
  /// What is claimed.
  update_kind kind = update_kind::alive;
  /// The member the claim is about.
  std::string node;
  /// The incarnation the claim refers to.
  uint64_t incarnation = 0;
  /// Who makes the claim (the suspecter, the declarer, or `node` itself).
  std::string from;
  /// The member's address (alive only).
  std::string address;
  /// The member's metadata (alive only).
  std::string meta;
};

/// One member's entry in a full-state exchange (push-pull, join reply).
struct member_record {
  /// Unique member name.
  std::string name;
  /// Opaque transport address.
  std::string address;
  /// Opaque metadata.
  std::string meta;
  /// The member's incarnation.
  uint64_t incarnation = 0;
  /// The member's state as the sender sees it.
  member_state state = member_state::alive;
};

/// Direct probe; the receiver answers with `ack` if it is `target`.
struct ping {
  /// Matches the answer to the probe.
  uint32_t seq_no = 0;
  /// Intended receiver; guards against a reused address.
  std::string target;
};

/// Asks the receiver to probe `target` on the sender's behalf.
struct ping_req {
  /// The requester's sequence number, echoed in the relayed ack or nack.
  uint32_t seq_no = 0;
  /// The member to probe.
  std::string target;
  /// Where to reach it.
  std::string target_address;
};

/// Answer to a ping, or a relayed answer to a ping_req.
struct ack {
  /// The sequence number of the probe being answered.
  uint32_t seq_no = 0;
};

/// Lifeguard: a relay could not reach the target in time. Tells the
/// requester its own links work, so a missing ack is not its own fault.
struct nack {
  /// The requester's sequence number.
  uint32_t seq_no = 0;
};

/// Carries only piggybacked updates (periodic gossip).
struct gossip {};

/// Full-state anti-entropy exchange; the receiver merges and, unless this is
/// a reply, answers with its own state.
struct push_pull {
  /// Whether this answers a push_pull or a join.
  bool reply = false;
  /// Every member the sender knows, itself included.
  std::vector<member_record> members;
};

/// Asks a seed to admit the sender; answered by a push_pull reply.
struct join {
  /// The joiner's address.
  std::string address;
  /// The joiner's metadata.
  std::string meta;
  /// The joiner's incarnation.
  uint64_t incarnation = 0;
};

/// The sender leaves the cluster gracefully.
struct leave {
  /// The sender's incarnation.
  uint64_t incarnation = 0;
};

/// The body of a message. Alternatives are only ever appended.
using message_body = std::variant<ping, ping_req, ack, nack, gossip, push_pull, join, leave>;

/// Returns the name of the body's alternative, e.g. "ping_req".
std::string_view type_name(const message_body& x);

/// One datagram of the protocol: a body plus piggybacked updates.
struct message {
  /// Protocol version of the sender.
  uint8_t version = protocol_version;
  /// What the message asks or answers.
  message_body body;
  /// Updates disseminated along with it, most urgent first.
  std::vector<update> updates;
};

/// A message with its destination, as the machine hands it out.
struct outbound {
  /// Destination; `to.name` is empty for a seed known only by address.
  peer to;
  /// The message.
  message msg;
};

// -- size estimates -----------------------------------------------------------

/// Estimated encoded size of `x` as a protobuf field body: each present
/// field costs a one-byte tag plus a varint or length-prefixed payload, and
/// `from` is omitted when it equals `node`.
size_t encoded_size(const update& x);

/// Estimated encoded size of one full-state record (same rules).
size_t encoded_size(const member_record& x);

/// Estimated encoded size of a whole message, without transport framing.
size_t encoded_size(const message& x);

/// Cost of one repeated field of `payload_bytes` inside a message.
size_t embedded_size(size_t payload_bytes);

} // namespace swarm::membership
