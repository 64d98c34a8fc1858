// The SL's saved round state (round_store.hpp): a session resumes its
// contract's rounds as the SL's former self, every change is saved before
// the messages that carry it leave, and a state that cannot be used gives
// way to a fresh identity.

#include <random>

#include "sl_support.hpp"
#include "swarm/sl/sl_delegate.hpp"

namespace swarm::sl {

namespace {

std::string new_boot_id() {
  std::random_device rd;
  char boot[17];
  std::snprintf(boot, sizeof(boot), "%08x%08x", rd(), rd());
  return boot;
}

} // namespace

std::string sl_delegate::new_round_id(const transport::node_context& ctx) {
  return ctx.name() + "~" + new_boot_id();
}

status sl_delegate::open_rounds(transport::node_context& ctx, const merge::round_config& cfg) {
  auto store = round_store::open(opts_.data_dir, contract_, cfg.fsync_round_state);
  if (!store)
    return store.error();
  store_.emplace(std::move(*store));
  round_cfg_ = cfg;
  resumed_ = false;
  auto loaded = store_->load();
  std::string why;
  if (!loaded)
    why = loaded.error().message;
  else if (*loaded && (*loaded)->state.committed.final)
    why = "the contract's training ended in the last run (final round "
          + std::to_string((*loaded)->state.committed_round) + ")";
  else if (*loaded && node_of((*loaded)->self) != ctx.name())
    why = "it belongs to " + (*loaded)->self + ", not to " + ctx.name();
  if (!why.empty() || !*loaded) {
    start_afresh(ctx, why);
    return {};
  }
  auto& saved = **loaded;
  self_id_ = saved.self;
  coord_.emplace(self_id_, cfg, ctx.now_ms(), saved.state);
  resumed_ = true;
  const auto& s = saved.state;
  sl_logger()->info("resuming contract {} as {} from {}: committed round {}, term {} of round {}{}",
                    contract_, self_id_, store_->dir().string(), s.committed_round, s.term,
                    s.committed_round + 1, s.accepted ? ", a value accepted" : "");
  return {};
}

void sl_delegate::start_afresh(transport::node_context& ctx, const std::string& why) {
  if (!why.empty())
    sl_logger()->warn("not resuming from the round state in {} ({}): this SL takes part in "
                      "contract {} as a new participant",
                      store_->dir().string(), why, contract_);
  if (auto st = store_->clear(); !st)
    sl_logger()->warn("{}", st.error().message);
  self_id_ = new_round_id(ctx);
  coord_.emplace(self_id_, round_cfg_, ctx.now_ms());
  resumed_ = false;
  note_members(ctx.now_ms());
}

bool sl_delegate::save_round_state(const merge::round_hard_state& state) {
  if (store_failed_)
    return false;
  if (auto st = store_->save(self_id_, state); !st) {
    // Without the record, the votes and acceptances of this batch would
    // not survive a restart: the batch must not leave, and this SL stops
    // taking part (a fresh start would be a new participant anyway).
    stop_rounds(st.error().message);
    return false;
  }
  return true;
}

void sl_delegate::prewrite_model(const merge::digested_model& x) {
  if (store_failed_ || !store_ || !x.model)
    return;
  // Only a head start: the save that names this model writes it if it is
  // not there. A failure here is the disk's, and the save would meet it.
  if (auto st = store_->prewrite(x.digest, *x.model); !st)
    stop_rounds(st.error().message);
}

void sl_delegate::stop_rounds(const std::string& why) {
  store_failed_ = true;
  fail_session("cannot save the round state: " + why, mlsl::Status::ERROR_IN_SL);
}

} // namespace swarm::sl
