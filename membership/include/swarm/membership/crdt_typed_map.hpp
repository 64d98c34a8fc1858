#pragma once

#include <cassert>
#include <concepts>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "swarm/common/error.hpp"
#include "swarm/membership/crdt_map.hpp"
#include "swarm/membership/state_bytes.hpp"

namespace swarm::membership {

/// A record type stored in a replicated map: it names its map, derives its
/// own key (so a replica can check that a received value belongs under its
/// key), and encodes to and decodes from bytes. Decoding must be safe on
/// untrusted input and consume all of it.
template <class T>
concept replicated_record = requires(const T& x, byte_writer& out,
                                     std::span<const std::byte> bytes) {
  { T::map_name } -> std::convertible_to<std::string_view>;
  { x.key() } -> std::convertible_to<std::string>;
  { x.encode(out) };
  { T::decode(bytes) } -> std::same_as<expected<T>>;
};

/// Read access to a `crdt_map` holding records of type `T`.
template <replicated_record T>
class typed_view {
public:
  /// Views `map`, which must outlive the view.
  explicit typed_view(const crdt_map& map) noexcept : map_(&map) {
    // nop
  }

  /// Returns the live record under `key`, if any.
  std::optional<T> get(std::string_view key) const {
    auto bytes = map_->get(key);
    if (bytes == nullptr)
      return std::nullopt;
    return decode_checked(*bytes);
  }

  /// Returns whether a live record exists under `key`.
  bool contains(std::string_view key) const {
    return map_->get(key) != nullptr;
  }

  /// Calls `f(record)` for every live record, in key order.
  template <class F>
  void for_each(F&& f) const {
    for (const auto& x : map_->live())
      if (auto record = decode_checked(x.value))
        f(*record);
  }

  /// Returns the underlying map.
  const crdt_map& raw() const noexcept {
    return *map_;
  }

private:
  static std::optional<T> decode_checked(std::span<const std::byte> bytes) {
    auto record = T::decode(bytes);
    // Every way into a state map validates values, so this cannot fail
    // unless a map was registered with the wrong record type.
    assert(record);
    if (!record)
      return std::nullopt;
    return std::move(*record);
  }

  const crdt_map* map_;
};

/// Read and write access to a `crdt_map` holding records of type `T`.
template <replicated_record T>
class typed_map : public typed_view<T> {
public:
  /// Wraps `map`, which must outlive the wrapper.
  explicit typed_map(crdt_map& map) noexcept : typed_view<T>(map), map_(&map) {
    // nop
  }

  /// Writes `record` under `record.key()` as `writer`; returns the entry to
  /// disseminate. `min_version` as in `crdt_map::put`.
  expected<crdt_entry> put(const T& record, const node_uuid& writer,
                           uint64_t min_version = 0) {
    byte_writer out;
    record.encode(out);
    return map_->put(std::string{record.key()}, out.take(), writer, min_version);
  }

  /// Deletes the record under `key` (a tombstone); returns the entry.
  expected<crdt_entry> erase(std::string key, const node_uuid& writer,
                             uint64_t min_version = 0) {
    return map_->erase(std::move(key), writer, min_version);
  }

private:
  crdt_map* map_;
};

} // namespace swarm::membership
