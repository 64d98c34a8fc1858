// The SN's side of the task, taskrunner and contract API: changes queued by
// the API's threads run here, on the node's thread, against the live state;
// what they write is gossiped, and readers get a fresh snapshot before the
// writer gets its reply (so a client reads its own writes).

#include "swarm/sn/sn_tasks.hpp"

#include <chrono>
#include <exception>
#include <utility>

#include <spdlog/spdlog.h>

#include "swarm/common/log.hpp"
#include "swarm/membership/state_task_record.hpp"
#include "swarm/membership/taskrunner_ops.hpp"
#include "swarm/sn/sn_delegate.hpp"

namespace swarm::sn {

namespace {

using namespace membership;

uint64_t wall_ms() {
  using namespace std::chrono;
  return static_cast<uint64_t>(
    duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

} // namespace

bool state_publisher::refresh(const swarm_state& state, sn_provider& provider) {
  std::vector<map_mark> marks;
  for (auto name : state.map_names()) {
    const auto* map = state.find_map(name);
    marks.push_back({map->summary(), map->entries().size()});
  }
  if (published_ && marks == seen_)
    return false;
  seen_ = std::move(marks);
  published_ = true;
  auto& m = provider.metrics();
  m.tasks->set(static_cast<double>(state.map_of<task_record>().raw().size()));
  auto now_ms = wall_ms();
  size_t running = 0;
  for (const auto& r : list_taskrunners(state))
    if (!r.task.empty() && status_in(state, r, now_ms).state == runner_state::running)
      ++running;
  m.taskrunners_running->set(static_cast<double>(running));
  provider.publish_state(std::make_shared<swarm_state>(state));
  return true;
}

void sn_delegate::apply_changes(transport::node_context& ctx) {
  auto changes = provider_->take_changes();
  if (changes.empty())
    return;
  std::vector<api::response> replies;
  replies.reserve(changes.size());
  for (auto& c : changes) {
    api::write_context wc{opts_.state, identity_.uuid, wall_ms(), {}};
    try {
      replies.push_back(c.change(wc));
    } catch (const std::exception& e) {
      log::get("swarm.SN")->error("an API change failed: {}", e.what());
      replies.push_back(api::response::error(500, "internal error"));
    }
    for (auto& u : wc.written)
      share(std::move(u));
  }
  push_updates(ctx);
  states_.refresh(opts_.state, *provider_);
  for (size_t i = 0; i < changes.size(); ++i)
    changes[i].reply.set_value(std::move(replies[i]));
}

} // namespace swarm::sn
