#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "swarm/api/metrics.hpp"
#include "swarm/api/provider.hpp"
#include "swarm/api/round_provider.hpp"
#include "swarm/api/sn_metrics.hpp"

namespace swarm::sn {

/// The SN's answers to the API, as a snapshot the node thread refreshes.
/// The API's worker threads read it under a mutex and never touch the
/// node's live state, so a slow network never blocks an HTTP request.
/// It also answers the round routes (`api::round_provider`), which
/// `api::add_sn_routes` registers because of that.
class sn_provider : public api::api_provider, public api::round_provider {
public:
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

private:
  std::mutex mutex_;
  api::health_info health_;
  std::vector<api::node_view> nodes_;
  std::shared_ptr<const api::round_table> rounds_ = std::make_shared<api::round_table>();
  api::metrics_registry registry_;
  api::sn_metrics metrics_;
};

} // namespace swarm::sn
