#pragma once

// Helpers to drive one SWIM machine by hand in unit tests.

#include <functional>
#include <string>
#include <vector>

#include "swarm/membership/swim.hpp"

namespace swim_test {

using namespace swarm::membership;

/// The peer named `name`, at the address the tests use for it.
inline peer p(const std::string& name) {
  return peer{name, name + ":30303"};
}

/// A machine named `self` that already knows `others` (all alive at
/// incarnation 0); push-pull and reconnects are off unless `cfg` says so.
inline swim make_machine(const std::string& self, const std::vector<std::string>& others,
                         config cfg = [] {
                           auto c = lan_defaults();
                           c.push_pull_interval_ms = 0;
                           c.reconnect_interval_ms = 0;
                           return c;
                         }(),
                         uint64_t seed = 1, std::vector<std::string> seeds = {}) {
  std::vector<member> all;
  all.push_back(member{self, self + ":30303", {}, 0, member_state::alive, 0});
  for (const auto& o : others)
    all.push_back(member{o, o + ":30303", {}, 0, member_state::alive, 0});
  start_options so;
  so.self = p(self);
  so.known = member_snapshot::make(std::move(all));
  so.rng_seed = seed;
  so.seeds = std::move(seeds);
  return swim{cfg, std::move(so)};
}

/// A message with `body` and the given piggybacked updates.
inline message msg(message_body body, std::vector<update> updates = {}) {
  message m;
  m.body = std::move(body);
  m.updates = std::move(updates);
  return m;
}

/// Returns the messages of type T in `out`.
template <class T>
std::vector<std::pair<peer, T>> of_type(const std::vector<outbound>& out) {
  std::vector<std::pair<peer, T>> result;
  for (const auto& o : out)
    if (const auto* x = std::get_if<T>(&o.msg.body))
      result.emplace_back(o.to, *x);
  return result;
}

/// Returns the events of kind `k` about `name` in `events`.
inline size_t count_events(const std::vector<membership_event>& events, event_kind k,
                           const std::string& name) {
  size_t n = 0;
  for (const auto& e : events)
    n += e.kind == k && e.subject.name == name ? 1 : 0;
  return n;
}

/// Accumulates a machine's output across ticks and steps.
struct recorder {
  std::vector<outbound> messages;
  std::vector<membership_event> events;

  void take(swim& m) {
    auto r = m.take_ready();
    for (auto& x : r.messages)
      messages.push_back(std::move(x));
    for (auto& x : r.events)
      events.push_back(std::move(x));
  }

  void clear() {
    messages.clear();
    events.clear();
  }
};

/// Ticks `m` at each of its deadlines up to `until_ms`, recording output,
/// and stops early once `done()` holds. Returns whether `done()` held.
inline bool tick_until(swim& m, recorder& rec, int64_t until_ms,
                       const std::function<bool()>& done = [] { return false; }) {
  while (!done()) {
    auto t = m.next_deadline_ms();
    if (t > until_ms) {
      m.tick(until_ms);
      rec.take(m);
      return done();
    }
    m.tick(std::max(t, m.now_ms()));
    rec.take(m);
  }
  return true;
}

} // namespace swim_test
