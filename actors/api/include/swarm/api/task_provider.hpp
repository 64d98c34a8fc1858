#pragma once

#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "swarm/api/router.hpp"
#include "swarm/common/error.hpp"
#include "swarm/membership/crdt_entry.hpp"
#include "swarm/membership/state_swarm.hpp"

namespace swarm::api {

/// What a change to the replicated state sees while it runs on the node's
/// thread: the live state, the writer of its entries (the SN's node uuid)
/// and the wall clock. Records written through `put` and `erase` are
/// collected in `written` for the node to gossip.
struct write_context {
  /// The node's live replica.
  membership::swarm_state& state;
  /// Whom entries are written as.
  membership::node_uuid writer;
  /// Wall time in milliseconds since the Unix epoch.
  uint64_t now_ms = 0;
  /// The entries written so far, to gossip.
  std::vector<membership::state_update> written;

  /// Writes `record` under its key (stamped at least `hlc_floor(now_ms)`).
  template <membership::replicated_record T>
  status put(const T& record) {
    auto entry = state.map_of<T>().put(record, writer, membership::hlc_floor(now_ms));
    if (!entry)
      return entry.error();
    written.push_back({std::string{T::map_name}, std::move(*entry)});
    return status::ok();
  }

  /// Deletes the record of type `T` under `key` (a tombstone).
  template <membership::replicated_record T>
  status erase(std::string key) {
    auto entry = state.map_of<T>().erase(std::move(key), writer, membership::hlc_floor(now_ms));
    if (!entry)
      return entry.error();
    written.push_back({std::string{T::map_name}, std::move(*entry)});
    return status::ok();
  }
};

/// A change to run on the node's thread; returns the HTTP response.
using state_change = std::function<response(write_context&)>;

/// Where the task, taskrunner and contract routes read and write the
/// replicated state. Like `round_provider`, called from the server's
/// worker threads concurrently. Reads use an immutable snapshot the node
/// publishes; writes run on the node's thread.
class task_provider {
public:
  virtual ~task_provider() = default;

  /// Returns the latest published snapshot of the state; never null. A
  /// snapshot published after a change that `apply` ran includes it, so a
  /// client reads its own writes from the same SN.
  virtual std::shared_ptr<const membership::swarm_state> state_snapshot() = 0;

  /// Runs `change` on the node's thread against the live state, gossips
  /// what it wrote, publishes a new snapshot, and then makes the future
  /// ready with the change's response (503 if the node is stopping).
  virtual std::future<response> apply(state_change change) = 0;
};

} // namespace swarm::api
