// Gossip benchmark: SWIM + Lifeguard (membership/) on the seeded simulator
// (sim/) with 100, 1,000 and 10,000 members and the LAN profile.
//
//   gossip_bench [SIZES...]          default: 100 1000 10000
//   SWARM_SEED=<n> gossip_bench      replay with another seed (default 1)
//
// For each size it reports, against the anchor of Serf's convergence model
// (about 2.2 s for 99.99% of 1,000 members to learn a change, gossiping to 3
// members every 200 ms, at most ~330 kbit/s per member):
// - bandwidth per member per second in steady state, with push-pull
//   amortized over its scaled period;
// - the time until 99.99% of members know of a change (new metadata), and
//   the busiest member's bandwidth meanwhile;
// - crash detection: until the first suspicion, and until every member
//   declared the crashed one dead, against SWIM's bound;
// - false positives under 10% packet loss (100 and 1,000 members only: at
//   10,000 the simulated suspicion traffic alone costs minutes).
//
// Wire size. Messages are not serialized in the simulator; each one's size is
// estimated as its compact protobuf encoding (membership::encoded_size: one
// tag byte per present field, varint integers, length-prefixed strings,
// `from` omitted when it equals the subject). Names are 8 bytes ("sn-00042")
// and addresses 14 ("sn-00042:30303"). "Framed" adds a per-message transport
// overhead estimate of framing_bytes: TCP/IPv4 headers (40), a TLS 1.3 record
// (22) and CAF's BASP header and message envelope (~48).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "swarm/membership/config.hpp"
#include "swarm/membership/timeouts.hpp"
#include "swarm/sim/seed.hpp"
#include "swarm/sim/swim_cluster.hpp"

namespace {

using namespace swarm;
using namespace swarm::membership;
using namespace swarm::sim;

constexpr double framing_bytes = 110.0;
constexpr double serf_seconds_at_1000 = 2.2;
constexpr double serf_kbit_per_member = 330.0;

struct steady_result {
  double payload_bytes_per_s = 0;
  double framed_bytes_per_s = 0;
  double push_pull_bytes_per_s = 0;
};

struct spread_result {
  std::vector<double> seconds;
  double peak_kbit = 0;
};

struct detect_result {
  double first_suspect_s = -1;
  double all_dead_s = -1;
  double bound_s = 0;
};

struct loss_result {
  double sim_seconds = 0;
  uint64_t probes = 0;
  uint64_t failed_probes = 0;
  size_t false_deaths = 0;
};

double cpu_seconds() {
  return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

double kbit(double bytes_per_s) {
  return bytes_per_s * 8.0 / 1000.0;
}

cluster_options warm_cluster(uint64_t seed, size_t n) {
  cluster_options o;
  o.seed = seed;
  o.size = n;
  o.warm_start = true;
  o.config = lan_defaults();
  o.network = network_options{0.0, 1, 5, 0.0};
  o.framing_bytes = static_cast<size_t>(framing_bytes);
  return o;
}

// Bytes one full-state exchange costs at this size, as the first member
// would send it.
double push_pull_bytes(const swim_cluster& c) {
  message m;
  push_pull body;
  const auto& view = c.node(0)->view();
  for (member_slot s = 0; s < view.slot_count(); ++s) {
    const auto& x = view.at(s);
    if (!x.name.empty())
      body.members.push_back(member_record{x.name, x.address, x.meta, x.incarnation, x.state});
  }
  m.body = std::move(body);
  return static_cast<double>(encoded_size(m));
}

steady_result measure_steady(swim_cluster& c, int64_t window_ms) {
  auto n = static_cast<double>(c.size());
  auto before = c.sent_by_type();
  c.run_for(window_ms);
  const auto& after = c.sent_by_type();
  const auto pp = message_body{push_pull{}}.index();
  double bytes = 0;
  double msgs = 0;
  for (size_t t = 0; t < after.size(); ++t) {
    if (t == pp)
      continue; // amortized below instead of sampled
    bytes += static_cast<double>(after[t].bytes - before[t].bytes);
    msgs += static_cast<double>(after[t].messages - before[t].messages);
  }
  auto secs = static_cast<double>(window_ms) / 1000.0;
  // Each member starts one exchange per scaled period and answers one.
  auto period_s = static_cast<double>(push_pull_scaled_ms(lan_defaults().push_pull_interval_ms,
                                                          c.size()))
                  / 1000.0;
  steady_result r;
  r.push_pull_bytes_per_s = 2.0 * (push_pull_bytes(c) + framing_bytes) / period_s;
  r.payload_bytes_per_s = bytes / (n * secs) + 2.0 * push_pull_bytes(c) / period_s;
  r.framed_bytes_per_s = (bytes + msgs * framing_bytes) / (n * secs) + r.push_pull_bytes_per_s;
  return r;
}

// Time until ceil(99.99%) of the other members saw `subject`'s new metadata.
double measure_one_spread(swim_cluster& c, size_t subject, const std::string& meta) {
  auto target = static_cast<size_t>(std::ceil(0.9999 * static_cast<double>(c.size() - 1)));
  size_t informed = 0;
  auto handle = c.on_event([&](const observed_event& e) {
    if (e.event.kind == event_kind::updated && e.event.subject.name == c.name_of(subject)
        && e.event.subject.meta == meta)
      ++informed;
  });
  auto start = c.now_ms();
  c.update_meta(subject, meta);
  bool ok = c.run_until([&] { return informed >= target; }, start + 60000, 10);
  c.stop_observing(handle);
  return ok ? static_cast<double>(c.now_ms() - start) / 1000.0 : -1.0;
}

spread_result measure_spread(swim_cluster& c, uint64_t seed, int changes) {
  spread_result r;
  prng rng{seed ^ 0xc0ffee};
  for (int i = 0; i < changes; ++i) {
    c.reset_peak();
    auto subject = static_cast<size_t>(rng.below(c.size()));
    std::string meta = "v";
    meta += std::to_string(i + 1);
    r.seconds.push_back(measure_one_spread(c, subject, meta));
    c.run_for(5000); // let the update's retransmissions finish
    r.peak_kbit = std::max(r.peak_kbit, kbit(static_cast<double>(c.peak_bytes_per_second())));
  }
  std::sort(r.seconds.begin(), r.seconds.end());
  return r;
}

detect_result measure_detection(swim_cluster& c, size_t victim) {
  detect_result r;
  auto name = c.name_of(victim);
  auto crashed_at = c.now_ms();
  auto handle = c.on_event([&](const observed_event& e) {
    if (e.event.kind == event_kind::suspect && e.event.subject.name == name
        && r.first_suspect_s < 0)
      r.first_suspect_s = static_cast<double>(e.at_ms - crashed_at) / 1000.0;
  });
  r.bound_s = static_cast<double>(detection_bound_ms(lan_defaults(), c.size(), 10)) / 1000.0;
  c.crash(victim);
  auto nobody_sees_it = [&] {
    for (size_t j = 0; j < c.size(); ++j) {
      const auto* node = c.node(j);
      const auto* m = node ? node->find(name) : nullptr;
      if (m != nullptr && is_live(m->state))
        return false;
    }
    return true;
  };
  if (c.run_until(nobody_sees_it, crashed_at + static_cast<int64_t>(r.bound_s * 2000), 100))
    r.all_dead_s = static_cast<double>(c.now_ms() - crashed_at) / 1000.0;
  c.stop_observing(handle);
  return r;
}

loss_result measure_loss(uint64_t seed, size_t n, int64_t duration_ms) {
  auto opts = warm_cluster(seed, n);
  opts.network.loss_probability = 0.10;
  swim_cluster c{opts};
  loss_result r;
  c.on_event([&](const observed_event& e) {
    if (e.event.kind == event_kind::dead)
      ++r.false_deaths; // nobody crashed: every death is false
  });
  c.run_for(duration_ms);
  for (size_t i = 0; i < n; ++i) {
    r.probes += c.node(i)->stats().probes;
    r.failed_probes += c.node(i)->stats().probes_failed;
  }
  r.sim_seconds = static_cast<double>(duration_ms) / 1000.0;
  return r;
}

void print_spread(size_t n, const spread_result& s) {
  auto median = s.seconds[s.seconds.size() / 2];
  auto worst = s.seconds.back();
  std::printf("  99.99%% know a change: median %.2f s, worst %.2f s (%zu changes)\n", median,
              worst, s.seconds.size());
  std::printf("  busiest member during dissemination: %.1f kbit/s framed (1 s windows)\n",
              s.peak_kbit);
  if (n == 1000)
    std::printf("  vs Serf's 2.2 s at 1,000: ratio %.2f (below 1 is faster)\n",
                median / serf_seconds_at_1000);
}

void run_size(uint64_t seed, size_t n) {
  auto cpu0 = cpu_seconds();
  swim_cluster c{warm_cluster(seed, n)};
  c.run_for(5000);
  std::printf("\n%zu members (seed=%llu)\n", n, static_cast<unsigned long long>(seed));
  auto steady = measure_steady(c, 20000);
  std::printf("  steady state per member: %.0f B/s payload (%.2f kbit/s), %.0f B/s framed"
              " (%.2f kbit/s); push-pull share %.0f B/s\n",
              steady.payload_bytes_per_s, kbit(steady.payload_bytes_per_s),
              steady.framed_bytes_per_s, kbit(steady.framed_bytes_per_s),
              steady.push_pull_bytes_per_s);
  std::printf("  vs Serf's 330 kbit/s ceiling: ratio %.4f framed\n",
              kbit(steady.framed_bytes_per_s) / serf_kbit_per_member);
  auto spread = measure_spread(c, seed, n >= 10000 ? 3 : 5);
  print_spread(n, spread);
  std::printf("  busiest member vs Serf's 330 kbit/s: ratio %.3f\n",
              spread.peak_kbit / serf_kbit_per_member);
  auto d = measure_detection(c, n / 2 + 1);
  std::printf("  crash: first suspicion after %.2f s, dead for all after %.2f s (bound %.1f s)\n",
              d.first_suspect_s, d.all_dead_s, d.bound_s);
  if (n <= 1000) {
    auto l = measure_loss(seed, n, n <= 100 ? 600000 : 60000);
    std::printf("  10%% loss, %.0f s: %llu of %llu probes failed (%.3f%%), %zu false deaths"
                " (%.2f per member-hour)\n",
                l.sim_seconds, static_cast<unsigned long long>(l.failed_probes),
                static_cast<unsigned long long>(l.probes),
                100.0 * static_cast<double>(l.failed_probes) / static_cast<double>(l.probes),
                l.false_deaths,
                static_cast<double>(l.false_deaths) * 3600.0
                  / (static_cast<double>(n) * l.sim_seconds));
  }
  std::printf("  (simulated in %.1f s of CPU)\n", cpu_seconds() - cpu0);
}

} // namespace

int main(int argc, char** argv) {
  std::vector<size_t> sizes;
  for (int i = 1; i < argc; ++i)
    sizes.push_back(static_cast<size_t>(std::strtoull(argv[i], nullptr, 10)));
  if (sizes.empty())
    sizes = {100, 1000, 10000};
  auto seed = seeds_or_env({1}).front();
  std::printf("gossip_bench: SWIM + Lifeguard, LAN profile (probe 1 s, gossip 200 ms to 3,"
              " retransmit x4), seed=%llu\n",
              static_cast<unsigned long long>(seed));
  std::printf("anchor: Serf's model, 2.2 s to reach 99.99%% of 1,000 members, <= 330 kbit/s"
              " per member\n");
  for (auto n : sizes)
    run_size(seed, n);
  return 0;
}
