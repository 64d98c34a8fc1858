#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "swarm/common/error.hpp"
#include "swarm/membership/state_bytes.hpp"
#include "swarm/membership/state_uuid.hpp"

namespace swarm::membership {

/// The kind of a registered node, with HPE's LIST NODES names.
enum class node_type : uint8_t {
  /// The SN that bootstrapped the overlay.
  sentinel = 1,
  /// A network node.
  sn = 2,
  /// An operator agent.
  swop = 3,
  /// A learning node.
  sl = 4,
  /// A command interface (HPE does not list these; we may).
  swci = 5,
};

/// Returns HPE's name of `x`: "SENTINEL", "SN", "SWOP", "SL" or "SWCI".
std::string_view to_string(node_type x) noexcept;

/// Parses HPE's name of a node type (upper case, as `to_string` writes it).
std::optional<node_type> parse_node_type(std::string_view text) noexcept;

/// Where a registered node stands.
enum class node_status : uint8_t {
  /// Up, as far as its SN (or the overlay, for SNs) knows.
  active = 1,
  /// Left gracefully.
  left = 2,
  /// Declared dead by failure detection.
  dead = 3,
};

/// Returns "ACTIVE", "LEFT" or "DEAD".
std::string_view to_string(node_status x) noexcept;

/// Parses "ACTIVE", "LEFT" or "DEAD".
std::optional<node_status> parse_node_status(std::string_view text) noexcept;

/// Longest host or node name a node record accepts.
inline constexpr size_t node_record_max_text_bytes = 255;

/// One row of the node registry (HPE's LIST NODES), stored under its uuid.
struct node_record {
  /// The map that holds node records.
  static constexpr std::string_view map_name = "nodes";

  /// Encoding version written by `encode`.
  static constexpr uint8_t format_version = 1;

  /// Kind of node.
  node_type type = node_type::sn;
  /// Host name or IP address it is reachable at.
  std::string host;
  /// SN peer-to-peer port (SN, sentinel); 0 when not applicable.
  uint16_t p2p_port = 0;
  /// SN API port (SN, sentinel); 0 when not applicable.
  uint16_t api_port = 0;
  /// SL file-server port (SL); 0 when not applicable.
  uint16_t fs_port = 0;
  /// Node (container or process) name.
  std::string name;
  /// The node's identity; never nil.
  node_uuid uuid;
  /// The SN an SL or SWOP registered with; nil for SNs.
  node_uuid parent;
  /// Where the node stands.
  node_status status = node_status::active;
  /// Last sign of life ("i-am-alive"), in milliseconds since the Unix epoch.
  uint64_t last_seen_ms = 0;

  /// Returns the key this record is stored under: the canonical uuid.
  std::string key() const {
    return uuid.to_string();
  }

  /// Appends the encoding: version byte, then the fields in declaration
  /// order (strings varint-prefixed, ports u16 LE, uuids 16 raw bytes,
  /// last_seen_ms a varint).
  void encode(byte_writer& out) const;

  /// Decodes untrusted bytes; rejects truncation, trailing bytes, unknown
  /// types or statuses, over-long strings and a nil uuid. Accepts a newer
  /// format version's extra trailing fields, so older nodes keep working
  /// during an upgrade.
  static expected<node_record> decode(std::span<const std::byte> bytes);

  /// Field-wise equality.
  friend bool operator==(const node_record&, const node_record&) = default;
};

} // namespace swarm::membership
