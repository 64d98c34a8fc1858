// The oracle of the merge-round simulation: it compares what coordinators
// report with what the simulator knows (who checked in what, per round).

#include <sstream>

#include "round_cluster_impl.hpp"

namespace swarm::sim {

namespace {

std::string short_hex(const sha256_digest& d) {
  return to_hex(d).substr(0, 12);
}

using recorded = std::pair<merge::checkin_info, merge::model_ptr>;

// The recorded check-in of `all` a participant took part with: a node
// restarted with its name may have checked in to one round more than once,
// with different draws (its `done` may have changed since, so it is not
// compared).
const recorded* matching(const std::vector<recorded>* all, const merge::checkin_info& info) {
  if (all != nullptr)
    for (const auto& x : *all)
      if (x.first.samples == info.samples && x.first.loss == info.loss
          && x.first.metric == info.metric)
        return &x;
  return nullptr;
}

} // namespace

void round_cluster::violation(std::string text) {
  // The first few are enough to debug; more would only flood the log.
  if (violations_.size() < 20)
    violations_.push_back("t=" + std::to_string(now_ms_) + " ms: " + std::move(text));
}

uint64_t round_cluster::latest_round() const {
  return commits_.empty() ? 0 : commits_.rbegin()->first;
}

void round_cluster::record_leadership(size_t i) {
  const auto& c = *slots_[i]->coord;
  if (!c.leading())
    return;
  auto key = std::pair{c.committed_round() + 1, c.term()};
  auto [it, fresh] = leaders_.emplace(key, c.self());
  if (!fresh && it->second != c.self() && reported_.insert(key).second)
    violation("two leaders of round " + std::to_string(key.first) + " term "
              + std::to_string(key.second) + ": " + it->second + " and " + c.self());
  if (opts_.ineligible.contains(i) && fresh)
    violation(c.self() + " leads round " + std::to_string(key.first)
              + " with SL_MAKE_ME_ADMIN=false");
}

// What the round's merge must be, from the check-ins this simulator
// recorded. A finished node's standing check-in is reconstructed from its
// train-end mode.
std::optional<sha256_digest> round_cluster::expected_digest(const merge::round_event& ev,
                                                            std::string& why) {
  std::vector<merge::contribution> inputs;
  auto previous = commits_.find(ev.round - 1);
  for (const auto& p : ev.participants) {
    merge::model_ptr model;
    double weight = 0.0;
    auto x = checkins_.find({p.name, ev.round});
    auto f = finishes_.find(p.name);
    const auto* in = matching(x == checkins_.end() ? nullptr : &x->second, p.info);
    const auto* fin = matching(f == finishes_.end() ? nullptr : &f->second, p.info);
    if (in == nullptr && fin == nullptr) {
      // No draw matches: the last of either, so that the merge names it.
      if (x != checkins_.end())
        in = &x->second.back();
      else if (f != finishes_.end())
        fin = &f->second.back();
    }
    if (in != nullptr) {
      model = in->second;
      weight = in->first.weight;
    } else if (fin != nullptr) {
      model = fin->second;
      weight = fin->first.weight;
      if (opts_.end_mode == merge::train_end_mode::inactive)
        weight = 0.0;
      else if (opts_.end_mode == merge::train_end_mode::active && previous != commits_.end())
        model = previous->second.model;
    } else {
      why = p.name + " took part in round " + std::to_string(ev.round)
            + " without having checked in to it";
      return std::nullopt;
    }
    if (p.info.weight != weight) {
      why = p.name + " took part in round " + std::to_string(ev.round) + " with weight "
            + std::to_string(p.info.weight) + ", checked in " + std::to_string(weight);
      return std::nullopt;
    }
    if (weight > 0.0)
      inputs.push_back(merge::contribution{p.name, weight, model.get()});
  }
  if (inputs.empty()) {
    if (previous == commits_.end()) {
      why = "round " + std::to_string(ev.round) + " merged nothing and has no predecessor";
      return std::nullopt;
    }
    return previous->second.digest;
  }
  auto merged = merge::merge_models(inputs, opts_.config.merge);
  if (!merged) {
    why = "the recorded check-ins of round " + std::to_string(ev.round)
          + " do not merge: " + merged.error().message;
    return std::nullopt;
  }
  return merge::digest(*merged);
}

void round_cluster::check_commit(size_t i, const merge::round_event& ev) {
  const auto& who = slots_[i]->name;
  auto round = std::to_string(ev.round);
  if (!ev.model || merge::digest(*ev.model) != ev.digest)
    violation(who + ": the model of round " + round + " does not match its digest");
  auto known = commits_.find(ev.round);
  if (known != commits_.end()) {
    if (known->second.digest != ev.digest)
      violation("round " + round + " committed twice: " + short_hex(known->second.digest)
                + " by " + known->second.leader + " (term " + std::to_string(known->second.term)
                + "), " + short_hex(ev.digest) + " at " + who + " by " + ev.leader + " (term "
                + std::to_string(ev.term) + ")");
    else if (known->second.final != ev.final)
      violation("round " + round + " is final at some nodes only");
    else if (known->second.electors != ev.electors)
      violation("round " + round + " names different electors at " + who);
    return;
  }
  if (ev.participants.size() < opts_.config.min_peers)
    violation("round " + round + " committed with " + std::to_string(ev.participants.size())
              + " participants, min_peers is " + std::to_string(opts_.config.min_peers));
  std::string why;
  auto expected = expected_digest(ev, why);
  if (!expected)
    violation(why);
  else if (*expected != ev.digest)
    violation("round " + round + " (leader " + ev.leader + ") is not the merge of its "
              + "participants' check-ins");
  commits_.emplace(ev.round, observed_commit{ev.digest, ev.model, ev.participants, ev.electors,
                                             ev.leader, ev.term, ev.final, now_ms_});
}

void round_cluster::check_end() {
  std::optional<sha256_digest> final;
  size_t live = 0;
  for (const auto& s : slots_) {
    if (!s->running)
      continue;
    ++live;
    const auto& c = *s->coord;
    if (!c.training_over() || !s->over) {
      violation(s->name + ": training is not over");
      continue;
    }
    if (final && *final != c.committed_digest())
      violation(s->name + " ended with " + short_hex(c.committed_digest()) + ", others with "
                + short_hex(*final));
    final = c.committed_digest();
    if (!s->model || merge::digest(*s->model) != c.committed_digest())
      violation(s->name + ": the ML's final model is not the final committed one");
  }
  if (live == 0)
    violation("no node is running at the end");
  if (final && (commits_.empty() || !commits_.rbegin()->second.final
                || commits_.rbegin()->second.digest != *final))
    violation("the final model is not the last committed round's");
}

std::string round_cluster::summary() const {
  std::ostringstream out;
  out << "t=" << now_ms_ << " ms, latest round " << latest_round() << ";";
  for (const auto& s : slots_) {
    out << ' ' << s->name;
    if (!s->running) {
      out << (s->quit ? "(quit)" : "(down)");
      continue;
    }
    const auto& c = *s->coord;
    out << "[r" << c.committed_round() << " t" << c.term() << (c.waiting() ? " waiting" : "")
        << (c.leading() ? " leading" : "") << (c.training_over() ? " over" : "") << " ml "
        << s->syncs << '/' << s->epochs << (s->finished ? " finished" : "")
        << (s->over ? " over" : "") << ']';
  }
  return out.str();
}

} // namespace swarm::sim
