#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "swarm/common/error.hpp"
#include "swarm/membership/state_uuid.hpp"

namespace swarm::membership {

/// Name of the identity file inside `--data-dir`.
inline constexpr std::string_view identity_file_name = "node.id";

/// Who a node is across restarts: its uuid and its name.
struct node_identity {
  /// The node's uuid, the key of its node record and the writer of its entries.
  node_uuid uuid;
  /// The node's name (e.g. its container or host name).
  std::string name;

  /// Equal uuid and name.
  friend bool operator==(const node_identity&, const node_identity&) = default;
};

/// Returns the text of an identity file:
///   # comment line
///   uuid=<canonical uuid>
///   name=<name>
std::string format_identity(const node_identity& x);

/// Parses the text of an identity file; `file` prefixes errors. Requires
/// `uuid` and `name` exactly once each, a valid non-nil uuid and a name of
/// 1 to 255 printable characters; rejects unknown keys.
expected<node_identity> parse_identity(std::string_view text, std::string_view file);

/// Returns the identity stored in `dir`/node.id or, if there is none, creates
/// one from `name` and a version-4 uuid built from `random_bytes` and stores it
/// atomically (creating `dir`). An existing file must name the same node: a
/// different `name` is an error (two nodes must not share a data directory);
/// pass an empty `name` to accept whatever the file holds. The random bytes
/// are a parameter so that tests are deterministic and this module needs no
/// random source; production passes 16 bytes from the OS.
expected<node_identity> load_or_create_identity(const std::filesystem::path& dir,
                                                std::string_view name,
                                                std::span<const std::byte, 16> random_bytes);

} // namespace swarm::membership
