// The sn_delegate's state side: the node registry, anti-entropy, the
// snapshot for the API (the round records' part is in sn_rounds.cpp), and
// turning SWIM's output into envelopes.

#include <chrono>

#include <spdlog/spdlog.h>

#include "swarm/common/log.hpp"
#include "swarm/membership/crdt_entry.hpp"
#include "swarm/membership/state_file.hpp"
#include "swarm/membership/state_sync.hpp"
#include "swarm/sn/sn_delegate.hpp"
#include "swarm/wire/swim_convert.hpp"

namespace swarm::sn {

namespace {

using namespace membership;

uint64_t wall_ms() {
  using namespace std::chrono;
  return static_cast<uint64_t>(
    duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

std::span<const std::byte> as_bytes(const std::string& x) {
  return std::as_bytes(std::span{x.data(), x.size()});
}

std::string to_text(const byte_buffer& x) {
  return std::string{reinterpret_cast<const char*>(x.data()), x.size()};
}

std::shared_ptr<spdlog::logger> logger() {
  static auto result = log::get("swarm.SN");
  return result;
}

bool is_sn(node_type x) {
  return x == node_type::sn || x == node_type::sentinel;
}

api::node_view to_view(const node_record& x) {
  api::node_view result;
  result.type = std::string{to_string(x.type)};
  result.host = x.host;
  result.p2p_port = x.p2p_port;
  result.api_port = x.api_port;
  result.fs_port = x.fs_port;
  result.name = x.name;
  result.uuid = x.uuid.to_string();
  if (!x.parent.is_nil())
    result.parent_uuid = x.parent.to_string();
  result.status = std::string{to_string(x.status)};
  result.last_seen_ms = x.last_seen_ms;
  return result;
}

} // namespace

void sn_delegate::flush_swim(transport::node_context& ctx) {
  auto batch = swim_->take_ready();
  auto& m = provider_->metrics();
  for (auto& out : batch.messages) {
    auto env = wire::make_swim_envelope(out.msg);
    m.gossip_messages_out->inc();
    m.gossip_bytes_out->inc(static_cast<double>(env.ByteSizeLong()));
    ctx.send(out.to.name, out.to.address, std::move(env));
  }
  for (const auto& ev : batch.events)
    on_swim_event(ev);
  if (on_departed_ && swim_->departure_confirmed())
    std::exchange(on_departed_, {})();
}

void sn_delegate::on_swim_event(const membership_event& ev) {
  const auto& who = ev.subject;
  if (who.name == swim_->self().name)
    return;
  switch (ev.kind) {
    case event_kind::joined:
      logger()->info("member {} at {} joined", who.name, who.address);
      break;
    case event_kind::dead:
      logger()->warn("member {} at {} is dead", who.name, who.address);
      mark_member(who.name, node_status::dead);
      break;
    case event_kind::left:
      logger()->info("member {} at {} left", who.name, who.address);
      mark_member(who.name, node_status::left);
      break;
    case event_kind::suspect:
      logger()->info("member {} at {} is suspected", who.name, who.address);
      break;
    default:
      logger()->debug("member {}: {}", who.name, to_string(ev.kind));
      break;
  }
}

void sn_delegate::write_own_record() {
  node_record self;
  self.type = opts_.sentinel ? node_type::sentinel : opts_.type;
  self.host = opts_.host;
  if (is_sn(self.type)) {
    self.p2p_port = opts_.p2p_port;
    self.api_port = opts_.api_port;
  } else {
    self.fs_port = opts_.fs_port;
    self.parent = parent_sn();
  }
  self.name = identity_.name;
  self.uuid = identity_.uuid;
  self.status = node_status::active;
  self.last_seen_ms = wall_ms();
  auto entry = opts_.state.nodes().put(self, identity_.uuid, hlc_floor(wall_ms()));
  if (!entry) {
    logger()->error("cannot write the own node record: {}", entry.error().message);
    return;
  }
  outbox_.push_back(state_update{std::string{node_record::map_name}, *entry});
}

void sn_delegate::mark_member(const std::string& name, node_status status) {
  std::vector<node_record> hits;
  opts_.state.nodes().for_each([&](const node_record& x) {
    if ((is_sn(x.type) || x.type == node_type::sl || x.type == node_type::swop)
        && x.name == name && x.status != status)
      hits.push_back(x);
  });
  for (auto& x : hits) {
    x.status = status;
    auto entry = opts_.state.nodes().put(x, identity_.uuid, hlc_floor(wall_ms()));
    if (entry)
      outbox_.push_back(state_update{std::string{node_record::map_name}, *entry});
  }
}

node_uuid sn_delegate::parent_sn() const {
  // The SN this node joined through: the seed's address names it.
  node_uuid result;
  if (opts_.seeds.empty())
    return result;
  opts_.state.nodes().for_each([&](const node_record& x) {
    if (is_sn(x.type) && x.host + ":" + std::to_string(x.p2p_port) == opts_.seeds.front())
      result = x.uuid;
  });
  return result;
}

std::vector<peer> sn_delegate::live_members() const {
  std::vector<peer> result;
  const auto& view = swim_->view();
  for (member_slot slot = 0; slot < view.slot_count(); ++slot) {
    const auto& x = view.at(slot);
    if (!x.name.empty() && x.name != swim_->self().name
        && (x.state == member_state::alive || x.state == member_state::suspect))
      result.push_back(peer{x.name, x.address});
  }
  return result;
}

void sn_delegate::push_updates(transport::node_context& ctx) {
  if (outbox_.empty())
    return;
  // Before the join completes there is nobody to tell: keep the changes
  // (e.g. the own record) for the first members rather than wait for
  // anti-entropy.
  if (live_members().empty())
    return;
  spread(ctx, outbox_, {});
  // Peers missed now catch up from those told, or through anti-entropy.
  outbox_.clear();
}

void sn_delegate::spread(transport::node_context& ctx,
                         const std::vector<membership::state_update>& news,
                         const std::string& except) {
  auto targets = live_members();
  std::erase_if(targets, [&](const peer& x) { return x.name == except; });
  shuffle(targets.begin(), targets.end(), rng_);
  if (targets.size() > opts_.push_fanout)
    targets.resize(opts_.push_fanout);
  for (const auto& to : targets)
    send_state(ctx, to, true, nullptr, news, true);
}

void sn_delegate::start_anti_entropy(transport::node_context& ctx) {
  auto targets = live_members();
  if (targets.empty())
    return;
  const auto& to = targets[rng_.below(targets.size())];
  auto summary = summarize(opts_.state);
  send_state(ctx, to, false, &summary, {});
}

void sn_delegate::send_state(transport::node_context& ctx, const peer& to, bool reply,
                             const state_summary* summary,
                             const std::vector<state_update>& updates, bool rumor) {
  wire::Envelope env;
  auto* body = env.mutable_state();
  body->set_reply(reply);
  body->set_rumor(rumor);
  if (summary) {
    byte_writer out;
    encode_state_summary(out, *summary);
    body->set_summary_bytes(to_text(out.bytes()));
  }
  if (!updates.empty()) {
    byte_writer out;
    encode_updates(out, updates);
    body->set_updates_bytes(to_text(out.bytes()));
  }
  ctx.send(to.name, to.address, std::move(env));
}

void sn_delegate::on_state(transport::node_context& ctx, const std::string& from,
                           const wire::StateSync& msg) {
  if (!msg.updates_bytes().empty()) {
    auto updates = decode_updates(as_bytes(msg.updates_bytes()));
    if (!updates) {
      logger()->warn("dropped malformed state updates from {}: {}", from,
                     updates.error().message);
      return;
    }
    auto merged = opts_.state.merge_all(*updates);
    if (!merged) {
      logger()->warn("rejected state updates from {}: {}", from, merged.error().message);
      return;
    }
    if (!merged->empty()) {
      logger()->debug("merged {} state updates from {}", merged->size(), from);
      // Each node passes news on once, when it first learns it, so the
      // relaying ends by itself.
      if (msg.rumor())
        spread(ctx, *merged, from);
    }
  }
  if (msg.summary_bytes().empty())
    return;
  auto remote = decode_state_summary(as_bytes(msg.summary_bytes()));
  if (!remote) {
    logger()->warn("dropped a malformed state summary from {}: {}", from,
                   remote.error().message);
    return;
  }
  peer to{from, {}};
  if (auto known = swim_->find(from))
    to.address = known->address;
  auto delta = delta_for(opts_.state, *remote);
  if (msg.reply()) {
    // Step 3 of push-pull: the initiator returns what the replier lacks.
    if (!delta.empty())
      send_state(ctx, to, true, nullptr, delta);
    return;
  }
  auto mine = summarize(opts_.state);
  send_state(ctx, to, true, &mine, delta);
}

void sn_delegate::save() {
  if (opts_.data_dir.empty())
    return;
  if (auto st = save_state(opts_.data_dir, opts_.state); !st)
    logger()->error("cannot save the state: {}", st.error().message);
}

void sn_delegate::publish() {
  api::health_info health;
  health.ready = swim_ && swim_->joined();
  health.name = identity_.name;
  health.uuid = identity_.uuid.to_string();
  health.role = opts_.sentinel ? "sentinel" : "sn";
  if (swim_) {
    health.uptime_s = static_cast<double>(swim_->now_ms() - started_ms_) / 1000.0;
    const auto& view = swim_->view();
    health.members.alive = static_cast<uint32_t>(view.count(member_state::alive));
    health.members.suspect = static_cast<uint32_t>(view.count(member_state::suspect));
    health.members.dead = static_cast<uint32_t>(view.count(member_state::dead));
    health.members.left = static_cast<uint32_t>(view.count(member_state::left));
    auto& m = provider_->metrics();
    m.members_alive->set(health.members.alive);
    m.members_suspect->set(health.members.suspect);
    m.members_dead->set(health.members.dead);
    m.members_left->set(health.members.left);
    const auto& st = swim_->stats();
    m.suspicions->inc(static_cast<double>(st.suspicions_raised - seen_stats_.suspicions_raised));
    m.refutations->inc(static_cast<double>(st.refutations - seen_stats_.refutations));
    seen_stats_ = st;
    for (auto rtt_ms : swim_->take_rtt_samples_ms())
      m.probe_rtt_s->observe(static_cast<double>(rtt_ms) / 1000.0);
  }
  std::vector<api::node_view> nodes;
  opts_.state.nodes().for_each([&](const node_record& x) { nodes.push_back(to_view(x)); });
  provider_->publish(std::move(health), std::move(nodes));
  rounds_.refresh(opts_.state, *provider_);
  // Only an SN serves the task routes; an SL or SWOP need not copy its state.
  if (is_sn(opts_.type))
    states_.refresh(opts_.state, *provider_);
}

} // namespace swarm::sn
