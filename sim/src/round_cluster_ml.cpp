// The fake ML of each simulated node: it trains by perturbing its model,
// checks in at each sync point, applies committed models and finishes
// after its epochs (round_cluster.hpp).

#include <cassert>

#include "round_cluster_impl.hpp"

namespace swarm::sim {

namespace {

// "Training": a seeded step away from the model the ML last received.
merge::model_ptr perturb(const merge::tensor_bundle& base, membership::prng& rng) {
  auto next = base;
  for (auto& x : next.values)
    x += static_cast<float>((rng.uniform() - 0.5) * 0.2);
  return std::make_shared<const merge::tensor_bundle>(std::move(next));
}

} // namespace

void round_cluster::schedule_training(size_t i) {
  auto& s = *slots_[i];
  s.training = true;
  auto ms = s.rng.between(opts_.train_min_ms, opts_.train_max_ms);
  if (opts_.slow.contains(i))
    ms *= opts_.slow_factor;
  queue_->push(now_ms_ + ms, {sim_event::trained, i, s.life});
}

void round_cluster::trained(size_t i) {
  auto& s = *slots_[i];
  s.training = false;
  if (s.over || !s.model)
    return;
  merge::checkin_info info;
  // HPE's nodeWeightage differs per node, so the weighted mean matters.
  info.weight = 1.0 + static_cast<double>(i % 3);
  info.samples = static_cast<uint64_t>(s.rng.between(32, 256));
  info.loss = static_cast<float>(s.rng.uniform());
  info.metric = static_cast<float>(s.rng.uniform());
  info.epochs_done = s.syncs;
  info.total_epochs = s.epochs;
  info.eligible = !opts_.ineligible.contains(i);
  auto model = perturb(*s.model, s.rng);
  if (s.syncs < s.epochs) {
    // A sync point: check in and wait for the round's commit.
    ++s.syncs;
    info.epochs_done = s.syncs;
    auto round = s.coord->committed_round() + 1;
    if (!s.coord->training_over() && !s.coord->waiting())
      checkins_[{s.name, round}].emplace_back(info, model);
    s.waiting = true;
    s.coord->check_in(info, model, now_ms_);
  } else {
    // The batches after the last sync point, then train end.
    info.done = true;
    finishes_[s.name].emplace_back(info, model);
    s.finished = true;
    s.coord->finish(opts_.end_mode, info, model, now_ms_);
  }
  after_step(i);
}

void round_cluster::on_event(size_t i, const merge::round_event& ev) {
  auto& s = *slots_[i];
  events_.push_back(observed_event{now_ms_, i, s.name, ev});
  if (ev.kind == merge::round_event::refused) {
    if (!opts_.misshaped.contains(i))
      violation(s.name + " was refused in round " + std::to_string(ev.round) + " by "
                + ev.leader + ": " + ev.reason);
    // Its ML cannot use the swarm's model: it gives up and leaves.
    crash(i);
    s.quit = true;
    return;
  }
  check_commit(i, ev);
  ml_apply(i, ev);
}

void round_cluster::ml_apply(size_t i, const merge::round_event& ev) {
  auto& s = *slots_[i];
  if (s.model && ev.round <= s.model_round)
    return;
  if (s.needs_first_model) {
    s.needs_first_model = false;
    if (ev.round < s.latest_at_boot)
      violation(s.name + " started from round " + std::to_string(ev.round)
                + ", but round " + std::to_string(s.latest_at_boot)
                + " was committed when it booted");
  }
  // A misshaped ML cannot load the swarm's model: it trains on its own
  // until the leader refuses it.
  if (!opts_.misshaped.contains(i))
    s.model = ev.model;
  s.model_round = ev.round;
  if (ev.final) {
    s.over = true;
    return;
  }
  if (s.waiting || (!s.training && !s.finished)) {
    // The round this ML waited for (or a newer one it skipped to), or the
    // first model of a late node: train on from it.
    s.waiting = false;
    schedule_training(i);
  }
}

} // namespace swarm::sim
