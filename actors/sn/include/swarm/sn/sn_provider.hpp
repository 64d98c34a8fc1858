#pragma once

#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "swarm/api/metrics.hpp"
#include "swarm/api/provider.hpp"
#include "swarm/api/round_provider.hpp"
#include "swarm/api/sn_metrics.hpp"
#include "swarm/api/task_provider.hpp"
#include "swarm/membership/state_swarm.hpp"

namespace swarm::sn {

/// The SN's answers to the API, as a snapshot the node thread refreshes.
/// The API's worker threads read it under a mutex and never touch the
/// node's live state, so a slow network never blocks an HTTP request.
/// It also answers the round routes (`api::round_provider`) and the task,
/// taskrunner and contract routes (`api::task_provider`), which
/// `api::add_sn_routes` registers because of that.
class sn_provider : public api::api_provider,
                    public api::round_provider,
                    public api::task_provider {
public:
  /// A change an API thread queued for the node's thread, and its reply.
  struct pending_change {
    /// The change.
    api::state_change change;
    /// Where its response goes.
    std::promise<api::response> reply;
  };

  /// Creates an empty snapshot ("starting") with every SN metric registered.
  sn_provider();

  /// Replaces the health and node table (called from the node thread).
  void publish(api::health_info health, std::vector<api::node_view> nodes);

  /// Replaces the round records snapshot and updates the round metrics
  /// (called from the node thread, only when the records changed).
  void publish_rounds(std::shared_ptr<const api::round_table> table);

  /// Returns the metrics the node thread updates directly (lock-free).
  api::sn_metrics& metrics() noexcept {
    return metrics_;
  }

  /// Returns the latest published health.
  api::health_info health() override;

  /// Returns the latest published node table.
  std::vector<api::node_view> nodes() override;

  /// Returns the Prometheus text of the SN's metrics.
  std::string metrics_text() override;

  /// Returns the latest published round records.
  std::shared_ptr<const api::round_table> rounds() override;

  /// Replaces the state snapshot (called from the node thread).
  void publish_state(std::shared_ptr<const membership::swarm_state> state);

  /// Returns the latest published state snapshot.
  std::shared_ptr<const membership::swarm_state> state_snapshot() override;

  /// Queues `change` for the node's thread, which takes the queue on its
  /// next tick (`take_changes`); 503 at once once `close` was called.
  std::future<api::response> apply(api::state_change change) override;

  /// Takes the queued changes (called from the node thread).
  std::vector<pending_change> take_changes();

  /// Answers queued and later changes with 503: the node is stopping.
  void close();

private:
  std::mutex mutex_;
  api::health_info health_;
  std::vector<api::node_view> nodes_;
  std::shared_ptr<const api::round_table> rounds_ = std::make_shared<api::round_table>();
  std::shared_ptr<const membership::swarm_state> state_ =
    std::make_shared<membership::swarm_state>();
  std::vector<pending_change> changes_;
  bool closed_ = false;
  api::metrics_registry registry_;
  api::sn_metrics metrics_;
};

} // namespace swarm::sn
