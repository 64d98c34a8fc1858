#include "swarm/sn/sn_provider.hpp"

#include <stdexcept>
#include <utility>

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

void sn_provider::publish_state(std::shared_ptr<const membership::swarm_state> state) {
  std::lock_guard guard{mutex_};
  state_ = std::move(state);
}

std::shared_ptr<const membership::swarm_state> sn_provider::state_snapshot() {
  std::lock_guard guard{mutex_};
  return state_;
}

std::future<api::response> sn_provider::apply(api::state_change change) {
  std::promise<api::response> reply;
  auto result = reply.get_future();
  std::lock_guard guard{mutex_};
  if (closed_)
    reply.set_value(api::response::error(503, "the SN is stopping"));
  else
    changes_.push_back({std::move(change), std::move(reply)});
  return result;
}

std::vector<sn_provider::pending_change> sn_provider::take_changes() {
  std::lock_guard guard{mutex_};
  return std::exchange(changes_, {});
}

void sn_provider::close() {
  std::vector<pending_change> refused;
  {
    std::lock_guard guard{mutex_};
    closed_ = true;
    refused = std::exchange(changes_, {});
  }
  for (auto& x : refused)
    x.reply.set_value(api::response::error(503, "the SN is stopping"));
}

} // namespace swarm::sn
