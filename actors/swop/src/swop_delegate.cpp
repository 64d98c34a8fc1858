// The SWOP's watch of its taskrunner: enrolment, taking runs, reporting
// progress, stopping on RESET (swop_delegate.hpp; docs/task-api.md).

#include "swarm/swop/swop_delegate.hpp"

#include <chrono>

#include <spdlog/spdlog.h>

#include "swarm/common/log.hpp"
#include "swarm/config/task.hpp"
#include "swarm/membership/crdt_entry.hpp"
#include "swarm/membership/state_task_record.hpp"

namespace swarm::swop {

using membership::peer_state;
using membership::taskrunner_peer_record;
using membership::taskrunner_record;

namespace {

std::shared_ptr<spdlog::logger> logger() {
  static auto result = log::get("swarm.SWOP");
  return result;
}

uint64_t wall_ms() {
  using namespace std::chrono;
  return static_cast<uint64_t>(
    duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

// The limit `taskrunner_peer_record::check` enforces.
constexpr size_t max_message = 1000;

} // namespace

swop_delegate::swop_delegate(swop_options opts)
  : opts_(std::move(opts)), overlay_([this] {
      auto o = std::move(opts_.overlay);
      o.type = membership::node_type::swop;
      return o;
    }()),
    executor_(std::make_unique<task_executor>(opts_.executor)) {
}

void swop_delegate::on_start(transport::node_context& ctx) {
  overlay_.on_start(ctx);
}

void swop_delegate::on_tick(transport::node_context& ctx, int64_t now_ms) {
  overlay_.on_tick(ctx, now_ms);
  if (overlay_.start_error() || shutting_down_ || !overlay_.joined())
    return;
  if (!enrolled_)
    enroll(now_ms);
  if (executor_)
    for (const auto& p : executor_->take_progress())
      apply(p);
  watch(now_ms);
  if (now_ms - last_write_ms_ >= opts_.peer_refresh_ms)
    write_entry(now_ms);
}

void swop_delegate::on_message(transport::node_context& ctx, const std::string& from,
                               const wire::Envelope& env) {
  overlay_.on_message(ctx, from, env);
}

void swop_delegate::on_peer_down(transport::node_context& ctx, const std::string& name) {
  overlay_.on_peer_down(ctx, name);
}

void swop_delegate::on_dial_failed(transport::node_context& ctx, const std::string& address,
                                   const swarm::error& reason) {
  overlay_.on_dial_failed(ctx, address, reason);
}

void swop_delegate::on_stop(transport::node_context& ctx) {
  overlay_.on_stop(ctx);
}

void swop_delegate::begin_shutdown(transport::node_context& ctx) {
  shutting_down_ = true;
  if (executor_)
    executor_->cancel();
  if (enrolled_ && entry_.state == peer_state::running) {
    entry_.state = peer_state::failed;
    entry_.message = "the SWOP stopped during the task";
    entry_.ended_ms = wall_ms();
    write_entry(ctx.now_ms());
  }
}

void swop_delegate::join_executor() {
  // Destroying the executor stops the job and reaps its children.
  executor_.reset();
}

void swop_delegate::enroll(int64_t now_ms) {
  enrolled_ = true;
  const auto& id = overlay_.identity();
  auto peers = overlay_.state().map_of<taskrunner_peer_record>();
  auto key = opts_.executor.profile.task_runner + "/" + id.uuid.to_string();
  if (auto previous = peers.get(key)) {
    entry_ = *previous;
    // Children of an earlier life of this SWOP died with it.
    if (entry_.state == peer_state::running) {
      entry_.state = peer_state::failed;
      entry_.message = "the SWOP restarted during the task";
      entry_.ended_ms = wall_ms();
    }
  }
  entry_.taskrunner = opts_.executor.profile.task_runner;
  entry_.swop_uuid = id.uuid.to_string();
  entry_.swop_name = id.name;
  entry_.host = opts_.executor.host_ip; // opts_.overlay moved into overlay_
  entry_.nodes = static_cast<uint32_t>(opts_.executor.profile.nodes.size());
  entry_.enrolled_ms = wall_ms();
  if (auto runner = overlay_.state().map_of<taskrunner_record>().get(entry_.taskrunner);
      runner && entry_.run_id == runner->run_id && entry_.run_id != 0)
    tracker_.is_new(*runner); // decided in an earlier life: not again
  write_entry(now_ms);
  logger()->info("SWOPExecutor: ENROLL TO taskrunner {} (uuid {})", entry_.taskrunner,
                 entry_.swop_uuid);
  logger()->info("SWOPExecutor : Ready for Task Execution!");
}

void swop_delegate::watch(int64_t now_ms) {
  auto runner = overlay_.state().map_of<taskrunner_record>().get(entry_.taskrunner);
  if (!runner)
    return;
  if (active_run_ != 0 && runner->run_id != active_run_) {
    logger()->info("taskrunner {}: run {} is over (reset or reassigned); stopping its task",
                   runner->name, active_run_);
    if (executor_)
      executor_->cancel();
    pending_.reset();
    active_run_ = 0;
  }
  if (tracker_.is_new(*runner))
    consider(*runner, now_ms);
  if (pending_)
    start_pending(now_ms);
}

void swop_delegate::consider(const taskrunner_record& runner, int64_t now_ms) {
  std::vector<taskrunner_peer_record> peers;
  overlay_.state().map_of<taskrunner_peer_record>().for_each(
    [&](const taskrunner_peer_record& x) {
      if (x.taskrunner == runner.name)
        peers.push_back(x);
    });
  auto v = decide(runner, peers, entry_.swop_uuid, entry_.nodes);
  logger()->info("taskrunner {}: run {} task '{}': {}", runner.name, runner.run_id,
                 runner.task, to_string(v));
  if (v == verdict::take) {
    if (active_run_ == runner.run_id && executor_ && executor_->busy())
      return; // already executing this run (a TARGET naming it again)
    pending_ = runner;
    pending_since_ms_ = now_ms;
    active_run_ = runner.run_id;
    return;
  }
  if (v == verdict::idle && entry_.run_id != runner.run_id) {
    // After a RESET: idle again, for everyone to see.
    entry_.run_id = runner.run_id;
    entry_.state = peer_state::enrolled;
    entry_.message.clear();
    entry_.nodes_done = 0;
    entry_.started_ms = entry_.ended_ms = 0;
    write_entry(now_ms);
  }
}

void swop_delegate::start_pending(int64_t now_ms) {
  auto runner = *pending_;
  auto fail = [&](const std::string& why) {
    pending_.reset();
    apply(progress{runner.run_id, peer_state::failed, why, entry_.nodes, 0});
    logger()->error("task {} (run {}) failed: {}", runner.task, runner.run_id, why);
  };
  auto record = overlay_.state().map_of<membership::task_record>().get(runner.task);
  if (!record || !record->finalized) {
    if (now_ms - pending_since_ms_ > opts_.task_wait_ms)
      fail("task '" + runner.task + "' is not in this SWOP's state (or not finalized)");
    return;
  }
  pending_.reset();
  auto task = config::parse_task(record->to_yaml(), "task " + runner.task);
  if (!task)
    return fail("task '" + runner.task + "' is invalid: " + task.error().message);
  logger()->info("taskrunner {}: executing {} task {} (run {})", runner.name,
                 config::to_string(task->task_type), task->name, runner.run_id);
  entry_.started_ms = wall_ms();
  entry_.ended_ms = 0;
  apply(progress{runner.run_id, peer_state::running, "starting", entry_.nodes, 0});
  if (executor_)
    executor_->submit(job{runner.run_id, std::move(*task)});
}

void swop_delegate::apply(const progress& p) {
  if (p.run_id != active_run_)
    return; // a stopped run's last words
  entry_.run_id = p.run_id;
  entry_.state = p.state;
  entry_.message = p.message.substr(0, max_message);
  entry_.nodes_done = p.nodes_done;
  if (p.state == peer_state::complete || p.state == peer_state::failed) {
    entry_.ended_ms = wall_ms();
    if (p.state == peer_state::complete)
      entry_.nodes_done = entry_.nodes;
  }
  write_entry(last_write_ms_);
}

void swop_delegate::write_entry(int64_t now_ms) {
  last_write_ms_ = now_ms;
  auto peers = overlay_.state().map_of<taskrunner_peer_record>();
  if (auto st = entry_.check(); !st) {
    logger()->error("not writing an invalid taskrunner entry: {}", st.error().message);
    return;
  }
  auto entry = peers.put(entry_, overlay_.identity().uuid, membership::hlc_floor(wall_ms()));
  if (!entry) {
    logger()->error("cannot write the taskrunner entry: {}", entry.error().message);
    return;
  }
  overlay_.share(membership::state_update{std::string{taskrunner_peer_record::map_name},
                                          *entry});
}

} // namespace swarm::swop
