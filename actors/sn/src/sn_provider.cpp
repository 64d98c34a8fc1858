#include "swarm/sn/sn_provider.hpp"

#include <stdexcept>

namespace swarm::sn {

sn_provider::sn_provider() {
  health_.ready = false;
  auto metrics = api::sn_metrics::add_to(registry_);
  // A fresh registry has no names taken: failing here is a programming error.
  if (!metrics)
    throw std::logic_error("cannot register SN metrics: " + metrics.error().message);
  metrics_ = *metrics;
}

void sn_provider::publish(api::health_info health, std::vector<api::node_view> nodes) {
  std::lock_guard guard{mutex_};
  health_ = std::move(health);
  nodes_ = std::move(nodes);
}

void sn_provider::publish_rounds(std::shared_ptr<const api::round_table> table) {
  // Metrics first: they are lock-free for scrapes and need no snapshot lock.
  metrics_.set_round_metrics(*table);
  std::lock_guard guard{mutex_};
  rounds_ = std::move(table);
}

api::health_info sn_provider::health() {
  std::lock_guard guard{mutex_};
  return health_;
}

std::vector<api::node_view> sn_provider::nodes() {
  std::lock_guard guard{mutex_};
  return nodes_;
}

std::string sn_provider::metrics_text() {
  return registry_.render();
}

std::shared_ptr<const api::round_table> sn_provider::rounds() {
  std::lock_guard guard{mutex_};
  return rounds_;
}

} // namespace swarm::sn
