// The SL's network side: overlay membership (delegated to the SN logic),
// finding the SLs of the training contract, and carrying round messages.

#include "swarm/sl/sl_delegate.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "sl_support.hpp"
#include "swarm/common/log.hpp"
#include "swarm/wire/round_convert.hpp"

namespace swarm::sl {

namespace {

// How often an SL announces its contract to SLs it has not heard from.
constexpr int64_t enroll_interval_ms = 1'000;

} // namespace

sl_delegate::sl_delegate(sl_options opts)
  : opts_(std::move(opts)), overlay_([this] {
      auto o = std::move(opts_.overlay);
      o.type = membership::node_type::sl;
      return o;
    }()) {
}

void sl_delegate::attach_ml(std::shared_ptr<mlsl::ml_channel> channel) {
  ml_ = std::move(channel);
}

bool sl_delegate::finished(int64_t now_ms) const noexcept {
  if (phase() != session_phase::ended || !ended_ms_)
    return false;
  // A failed session has nothing to serve; a finished one lingers so that
  // peers that missed the final commit can still catch up from it, unless
  // every peer said it has the final model.
  return failure_ || (coord_ && coord_->peers_have_final())
         || now_ms - *ended_ms_ >= opts_.linger_after_final_ms;
}

std::string node_of(const std::string& round_id) {
  auto tilde = round_id.rfind('~');
  return tilde == std::string::npos ? round_id : round_id.substr(0, tilde);
}

void sl_delegate::on_start(transport::node_context& ctx) {
  now_ms_ = ctx.now_ms();
  self_id_ = new_round_id(ctx);
  last_member_found_ms_ = now_ms_;
  overlay_.on_start(ctx);
}

void sl_delegate::note_members(int64_t now_ms) {
  for (const auto& member : overlay_.live_members())
    if (members_seen_.insert(member.name).second)
      last_member_found_ms_ = now_ms;
  if (coord_)
    coord_->set_last_discovery(last_member_found_ms_);
}

void sl_delegate::on_tick(transport::node_context& ctx, int64_t now_ms) {
  now_ms_ = now_ms;
  overlay_.on_tick(ctx, now_ms);
  note_members(now_ms);
  if (!coord_)
    return;
  enroll(ctx, now_ms);
  update_peers(now_ms);
  coord_->tick(now_ms);
  flush(ctx);
  report_stall(now_ms);
}

void sl_delegate::report_stall(int64_t now_ms) {
  if (!coord_->waiting()) {
    if (waiting_since_ms_ && !stall_logged_.empty())
      sl_logger()->info("no longer stalled (last committed round {})", coord_->committed_round());
    waiting_since_ms_.reset();
    stall_logged_.clear();
    return;
  }
  if (!waiting_since_ms_)
    waiting_since_ms_ = now_ms;
  auto after = opts_.rounds.stall_warning_after_ms;
  if (now_ms - *waiting_since_ms_ < after)
    return;
  auto stall = coord_->stall();
  if (stall.why == merge::round_stall::cause::none)
    return;
  stall.text += restart_hint(stall);
  // Missing nodes are a fault, said again at every interval; slower peers
  // are normal (a finished node may wait long for the others), said once.
  bool repeat = stall.text == stall_logged_;
  if (repeat && (!stall.nodes_missing() || now_ms - stall_logged_ms_ < after))
    return;
  auto waited_s = (now_ms - *waiting_since_ms_) / 1000;
  if (stall.nodes_missing())
    sl_logger()->warn("no commit for {} s: {}", waited_s, stall.text);
  else
    sl_logger()->info("no commit for {} s: {}", waited_s, stall.text);
  stall_logged_ = std::move(stall.text);
  stall_logged_ms_ = now_ms;
}

std::string sl_delegate::restart_hint(const merge::round_stall& stall) const {
  // An elector whose SL runs again under a new boot id (it lost or could
  // not use its saved round state): its vote is gone for good, which "wait
  // for it" would not say.
  std::string hint;
  for (const auto& x : stall.absent) {
    auto node = node_of(x);
    auto i = coord_of_.find(node);
    std::string now;
    if (node == node_of(self_id_))
      now = self_id_;
    else if (i != coord_of_.end())
      now = i->second;
    if (now.empty() || now == x)
      continue;
    hint += ". SL " + node + " restarted without its saved round state (now " + now
            + "): its previous run " + x
            + " will not come back, and a restarted SL does not get its vote back without that "
              "state (its data directory's rounds/ was lost or refused), so this round commits "
              "only if enough other electors return";
  }
  return hint;
}

void sl_delegate::on_message(transport::node_context& ctx, const std::string& from,
                             const wire::Envelope& env) {
  now_ms_ = ctx.now_ms();
  if (env.has_round())
    on_round(ctx, from, env.round());
  else
    overlay_.on_message(ctx, from, env);
}

void sl_delegate::on_attached(transport::node_context& ctx, const std::string& from,
                              const wire::Envelope& env, wire::received_values values) {
  now_ms_ = ctx.now_ms();
  if (!env.has_round()) {
    sl_logger()->warn("dropped a message from {}: values attached to a non-round message", from);
    return;
  }
  on_round(ctx, from, env.round(), &values);
}

void sl_delegate::on_peer_down(transport::node_context& ctx, const std::string& name) {
  // SWIM decides who is dead; a dropped connection alone is redialed.
  overlay_.on_peer_down(ctx, name);
}

void sl_delegate::on_dial_failed(transport::node_context& ctx, const std::string& address,
                                 const swarm::error& reason) {
  overlay_.on_dial_failed(ctx, address, reason);
}

void sl_delegate::on_stop(transport::node_context& ctx) {
  overlay_.on_stop(ctx);
}

void sl_delegate::on_round(transport::node_context& ctx, const std::string& from,
                           const wire::RoundMessage& msg, wire::received_values* attached) {
  if (!coord_ || msg.contract() != contract_) {
    // Not (yet) training this contract: nothing to say.
    return;
  }
  // A round identity is the proven name plus a boot id; anything else
  // would let one peer speak for another.
  const auto& sender = msg.sender();
  if (sender.size() <= from.size() + 1 || sender.compare(0, from.size(), from) != 0
      || sender[from.size()] != '~') {
    sl_logger()->warn("dropped a round message from {}: sender '{}' is not its own", from, sender);
    return;
  }
  auto& known = coord_of_[from];
  if (known != sender) {
    if (!known.empty())
      sl_logger()->info("SL {} restarted: it takes part as a new participant", from);
    else
      sl_logger()->info("SL {} trains contract {} too", from, contract_);
    known = sender;
    update_peers(ctx.now_ms());
  }
  if (msg.has_enroll()) {
    if (!msg.enroll().reply())
      ctx.send(from, address_of(from), wire::make_enroll_envelope(contract_, self_id_, true));
    flush(ctx);
    return;
  }
  auto decoded = wire::round_from_wire(msg, from, attached);
  if (!decoded) {
    sl_logger()->warn("dropped a round message from {}: {}", from, decoded.error().message);
    return;
  }
  coord_->step(sender, *decoded, ctx.now_ms());
  flush(ctx);
}

void sl_delegate::enroll(transport::node_context& ctx, int64_t now_ms) {
  // A member is asked as soon as it is seen (an SL that joins just after
  // this one opened its session would otherwise wait a whole interval, and
  // the first round with it), and asked again every interval until it
  // answers.
  if (now_ms - last_enroll_ms_ >= enroll_interval_ms) {
    last_enroll_ms_ = now_ms;
    enroll_asked_.clear();
  }
  // Every live member that is not known to be an SN may be an SL of this
  // contract; asking before its node record arrived saves a gossip round.
  std::set<std::string> sns;
  overlay_.state().nodes().for_each([&](const membership::node_record& x) {
    if (x.type == membership::node_type::sn || x.type == membership::node_type::sentinel)
      sns.insert(x.name);
  });
  for (const auto& member : overlay_.live_members())
    if (!sns.contains(member.name) && !coord_of_.contains(member.name)
        && enroll_asked_.insert(member.name).second)
      ctx.send(member.name, member.address,
               wire::make_enroll_envelope(contract_, self_id_, false));
}

void sl_delegate::update_peers(int64_t now_ms) {
  std::set<std::string> live;
  for (const auto& member : overlay_.live_members())
    if (auto i = coord_of_.find(member.name); i != coord_of_.end())
      live.insert(i->second);
  if (live == peers_given_)
    return;
  for (const auto& x : peers_given_) {
    if (live.contains(x))
      continue;
    bool restarted = std::any_of(live.begin(), live.end(),
                                 [&](const std::string& y) { return node_of(y) == node_of(x); });
    if (restarted)
      sl_logger()->info("SL {} restarted: its previous run ({}) is gone", node_of(x), x);
    else
      sl_logger()->info("SL {} of contract {} is gone", node_of(x), contract_);
  }
  peers_given_ = live;
  coord_->set_peers(live, now_ms);
}

std::string sl_delegate::address_of(const std::string& name) const {
  for (const auto& member : overlay_.live_members())
    if (member.name == name)
      return member.address;
  return {};
}

void sl_delegate::flush(transport::node_context& ctx) {
  auto ready = coord_->take_ready();
  // The promises this batch carries are saved before it leaves.
  if (ready.hard_state && !save_round_state(*ready.hard_state))
    return;
  if (store_failed_)
    return;
  for (auto& out : ready.messages) {
    auto to = node_of(out.to);
    auto address = address_of(to);
    if (address.empty()) {
      // Gone from the overlay (the coordinator learns it at the next
      // update_peers): a dial to no address would only fail, noisily.
      sl_logger()->debug("-> {} {} dropped: not a live member", to, merge::kind_name(out.msg));
      continue;
    }
    sl_logger()->debug("-> {} {} (round {})", to, merge::kind_name(out.msg),
                       coord_->committed_round() + 1);
    // A model's values go beside the envelope: on the model lane, uncopied.
    auto encoded = encoder_.encode_detached(contract_, self_id_, out.msg);
    ctx.send_attached(to, address, std::move(encoded.env), std::move(encoded.values));
  }
  for (const auto& ev : ready.events)
    on_round_event(ctx, ev);
  if (!ready.events.empty()) {
    // Handling events may have produced messages (e.g. a standing check-in).
    flush(ctx);
  }
  // After the batch: nothing waits on it but the proposal to come.
  if (ready.speculated)
    prewrite_model(*ready.speculated);
}

} // namespace swarm::sl
