#pragma once

#include <cassert>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/common/sha256.hpp"
#include "swarm/membership/crdt_map.hpp"
#include "swarm/membership/crdt_typed_map.hpp"
#include "swarm/membership/state_node_record.hpp"
#include "swarm/membership/state_registry.hpp"

namespace swarm::membership {

/// One entry of one map: the unit the overlay gossips and anti-entropy ships.
struct state_update {
  /// Name of the map (a `map_descriptor::name`).
  std::string map;
  /// The entry.
  crdt_entry entry;

  /// Equal map and entry.
  friend bool operator==(const state_update&, const state_update&) = default;
};

/// The replicated swarm state: one `crdt_map` per registered record type
/// (node registry now; tasks, taskrunners, contracts and round records later).
/// A pure value: no I/O, no clock, no notion of which node owns it, so the
/// writer of local changes is passed in. Everything entering from outside
/// (`merge`, `load_state`) is validated against the map's record type.
class swarm_state {
public:
  /// Creates a state with every registered map, empty.
  swarm_state();

  /// Returns typed read and write access to the map of `T`.
  template <replicated_record T>
  typed_map<T> map_of() {
    auto map = find_mutable(T::map_name);
    assert(map != nullptr); // T must be in registered_maps()
    return typed_map<T>{*map};
  }

  /// Returns typed read access to the map of `T`.
  template <replicated_record T>
  typed_view<T> map_of() const {
    auto map = find_map(T::map_name);
    assert(map != nullptr); // T must be in registered_maps()
    return typed_view<T>{*map};
  }

  /// Returns the node registry.
  typed_map<node_record> nodes() {
    return map_of<node_record>();
  }

  /// Returns the node registry.
  typed_view<node_record> nodes() const {
    return map_of<node_record>();
  }

  /// Returns the map called `name`, or null if no such map is registered.
  const crdt_map* find_map(std::string_view name) const;

  /// Returns the names of all maps, sorted.
  std::vector<std::string_view> map_names() const;

  /// Checks that `x` could be merged: known map, entry within limits, value
  /// decoding as the map's record type under the right key.
  status check(const state_update& x) const;

  /// Validates and merges one update; returns whether it changed the state
  /// (news to pass on), or why it was rejected (nothing changed then).
  expected<bool> merge(const state_update& x);

  /// Validates every update first and, only if all pass, merges them all;
  /// returns those that changed the state. A batch with one bad update is
  /// rejected whole, so a faulty peer's message changes nothing.
  expected<std::vector<state_update>> merge_all(std::span<const state_update> xs);

  /// Raises the clock of every map to at least `version`, e.g. to
  /// `hlc_floor(now)` after loading an old snapshot.
  void observe(uint64_t version) noexcept;

  /// Returns a SHA-256 over the map names and map digests: equal on two
  /// replicas exactly when they hold the same entries.
  sha256_digest digest() const;

  /// Returns the number of entries in all maps, tombstones included.
  size_t entry_count() const noexcept;

private:
  friend expected<swarm_state> parse_state(std::span<const std::byte>, std::string_view);

  struct slot {
    map_descriptor descriptor;
    crdt_map map;
  };

  crdt_map* find_mutable(std::string_view name);

  std::map<std::string, slot, std::less<>> maps_;
};

/// Returns whether `a` and `b` hold the same entries (compares digests).
bool same_contents(const swarm_state& a, const swarm_state& b);

} // namespace swarm::membership
