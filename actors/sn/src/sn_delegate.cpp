#include "swarm/sn/sn_delegate.hpp"

#include <chrono>

#include <spdlog/spdlog.h>

#include "swarm/common/log.hpp"
#include "swarm/membership/crdt_entry.hpp"
#include "swarm/wire/swim_convert.hpp"

namespace swarm::sn {

namespace {

using namespace membership;

uint64_t wall_ms() {
  using namespace std::chrono;
  return static_cast<uint64_t>(
    duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

std::shared_ptr<spdlog::logger> logger() {
  static auto result = log::get("swarm.SN");
  return result;
}

} // namespace

sn_delegate::sn_delegate(sn_options opts)
  : opts_(std::move(opts)), provider_(std::make_shared<sn_provider>()), rng_(opts_.rng_seed) {
}

bool sn_delegate::joined() const noexcept {
  return swim_ && swim_->joined();
}

void sn_delegate::on_start(transport::node_context& ctx) {
  std::array<std::byte, 16> random{};
  for (auto& b : random)
    b = static_cast<std::byte>(rng_.below(256));
  auto id = load_or_create_identity(opts_.data_dir, ctx.name(), random);
  if (!id) {
    start_error_ = id.error();
    logger()->error("cannot use data directory {}: {}", opts_.data_dir.string(),
                    id.error().message);
    ctx.request_stop();
    return;
  }
  identity_ = *id;
  // An old snapshot's versions may be ahead of a skewed clock; never write
  // below what the state already holds.
  opts_.state.observe(hlc_floor(wall_ms()));
  start_options so;
  so.self = peer{ctx.name(), ctx.address()};
  so.meta = identity_.uuid.to_string();
  // Wall time orders incarnations across restarts without persisting them.
  so.incarnation = wall_ms();
  so.seeds = opts_.seeds;
  so.rng_seed = opts_.rng_seed ^ 0x5eedULL;
  so.now_ms = ctx.now_ms();
  swim_.emplace(opts_.swim_config, std::move(so));
  started_ms_ = ctx.now_ms();
  last_save_ms_ = started_ms_;
  last_refresh_ms_ = started_ms_;
  write_own_record();
  logger()->info("{} {} (uuid {}) listening on {}",
                 opts_.sentinel ? "SENTINEL" : to_string(opts_.type),
                 ctx.name(), identity_.uuid.to_string(), ctx.address());
  if (!opts_.seeds.empty())
    logger()->info("joining the overlay through {}", opts_.seeds.front());
  flush_swim(ctx);
  publish();
}

void sn_delegate::on_tick(transport::node_context& ctx, int64_t now_ms) {
  if (!swim_)
    return;
  swim_->tick(now_ms);
  flush_swim(ctx);
  if (!join_logged_ && swim_->joined()) {
    join_logged_ = true;
    if (!opts_.seeds.empty())
      logger()->info("joined the overlay: {} live members", swim_->live_count());
  }
  bool unparented = false;
  if (opts_.type == node_type::sl || opts_.type == node_type::swop) {
    // An SL (or SWOP) names its SN as parent once the state says who that SN is.
    auto own = opts_.state.nodes().get(identity_.uuid.to_string());
    unparented = own && own->parent.is_nil() && !parent_sn().is_nil();
  }
  if (!swim_->leaving()
      && (unparented || now_ms - last_refresh_ms_ >= opts_.refresh_interval_ms)) {
    last_refresh_ms_ = now_ms;
    write_own_record();
  }
  if (now_ms - last_anti_entropy_ms_ >= opts_.anti_entropy_interval_ms) {
    last_anti_entropy_ms_ = now_ms;
    start_anti_entropy(ctx);
  }
  apply_changes(ctx);
  push_updates(ctx);
  if (now_ms - last_save_ms_ >= opts_.save_interval_ms) {
    last_save_ms_ = now_ms;
    save();
  }
  publish();
}

void sn_delegate::on_message(transport::node_context& ctx, const std::string& from,
                             const wire::Envelope& env) {
  if (!swim_)
    return;
  if (env.has_swim()) {
    auto msg = wire::from_wire(env.swim());
    if (!msg) {
      logger()->warn("dropped a malformed SWIM message from {}: {}", from, msg.error().message);
      return;
    }
    auto& m = provider_->metrics();
    m.gossip_messages_in->inc();
    m.gossip_bytes_in->inc(static_cast<double>(env.ByteSizeLong()));
    peer sender{from, {}};
    if (auto known = swim_->find(from))
      sender.address = known->address;
    else
      for (const auto& p : ctx.peers())
        if (p.name == from)
          sender.address = p.address;
    swim_->tick(ctx.now_ms());
    swim_->step(sender, *msg);
    flush_swim(ctx);
  } else if (env.has_state()) {
    on_state(ctx, from, env.state());
    push_updates(ctx);
  }
}

void sn_delegate::on_dial_failed(transport::node_context& ctx, const std::string& address,
                                 const swarm::error& reason) {
  // SWIM retries the seeds with growing pauses; say what we wait for, but
  // not on every attempt.
  if (swim_ && !swim_->joined() && ctx.now_ms() - last_dial_log_ms_ >= 5'000) {
    last_dial_log_ms_ = ctx.now_ms();
    logger()->warn("waiting for the sentinel at {} (retrying with backoff): {}", address,
                   reason.message);
  } else {
    logger()->debug("dial to {} failed: {}", address, reason.message);
  }
}

void sn_delegate::leave(transport::node_context& ctx) {
  if (!swim_ || swim_->leaving())
    return;
  logger()->info("leaving the overlay");
  mark_member(swim_->self().name, node_status::left);
  push_updates(ctx);
  swim_->tick(ctx.now_ms());
  swim_->leave();
  flush_swim(ctx);
}

void sn_delegate::leave(transport::node_context& ctx, std::function<void()> on_departed) {
  on_departed_ = std::move(on_departed);
  leave(ctx);
  // flush_swim may have called it already (nobody to tell).
  if (on_departed_ && (!swim_ || swim_->departure_confirmed()))
    std::exchange(on_departed_, {})();
}

void sn_delegate::on_stop(transport::node_context& ctx) {
  provider_->close();
  if (!swim_)
    return;
  leave(ctx);
  save();
  publish();
}

} // namespace swarm::sn
