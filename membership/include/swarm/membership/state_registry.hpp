#pragma once

#include <span>
#include <string>
#include <string_view>

#include "swarm/common/error.hpp"
#include "swarm/membership/crdt_entry.hpp"
#include "swarm/membership/crdt_typed_map.hpp"

namespace swarm::membership {

/// Describes one map of the swarm state: its name and how to vet an entry
/// received for it (the value must decode as the map's record type and sit
/// under the key the record derives).
struct map_descriptor {
  /// The map's name, unique in the state (e.g. "nodes").
  std::string_view name;
  /// Checks an entry that already passed `check_entry`.
  status (*validate)(const crdt_entry& x) = nullptr;

  /// Returns the descriptor of the map holding records of type `T`.
  template <replicated_record T>
  static map_descriptor of() {
    return {T::map_name, &validate_as<T>};
  }

private:
  template <replicated_record T>
  static status validate_as(const crdt_entry& x) {
    if (x.tombstone)
      return status::ok();
    auto record = T::decode(x.value);
    if (!record)
      return make_error(record.error().code, std::string{T::map_name} + "['"
                                               + x.key.substr(0, 64)
                                               + "']: " + record.error().message);
    if (record->key() != x.key)
      return make_error(errc::corrupt_data, std::string{T::map_name} + "['"
                                              + x.key.substr(0, 64)
                                              + "']: the record belongs under key '"
                                              + std::string{record->key()} + "'");
    return status::ok();
  }
};

/// Returns every map a swarm state holds. Adding a record type to the
/// replicated state is one line in state_registry.cpp.
std::span<const map_descriptor> registered_maps();

} // namespace swarm::membership
