#include "system_config.hpp"

#include <chrono>
#include <string>
#include <vector>

#include "caf/all.hpp"
#include "caf/io/all.hpp"
#include "caf/openssl/all.hpp"

namespace swarm::transport::detail {

namespace {

caf::timespan span_ms(int64_t x) {
  return std::chrono::duration_cast<caf::timespan>(std::chrono::milliseconds{x});
}

} // namespace

std::unique_ptr<caf::actor_system_config> make_system_config(const tls_node_config& cfg) {
  auto result = std::make_unique<caf::actor_system_config>();
  // The OpenSSL manager needs the middleman loaded first (notes section 2).
  result->load<caf::io::middleman>();
  result->load<caf::openssl::manager>();
  // Quirk 1: CAF enables certificate authentication only if one of these is
  // non-empty, and silently runs anonymous TLS otherwise. They are set as
  // members (not parsed from a CLI or INI file, so quirk 7's refusal of
  // empty values never applies), all from files the pre-flight checked.
  result->openssl_certificate = cfg.identity.cert.string();
  result->openssl_key = cfg.identity.key.string();
  if (cfg.identity.passphrase)
    result->openssl_passphrase = *cfg.identity.passphrase;
  result->openssl_capath = cfg.identity.capath.string();
  result->openssl_cafile = cfg.identity.cacert.string();
  // Quirk 5: automatic connections open plaintext scribes next to the TLS
  // ones. Off by default; pinned off so no INI file can turn it on.
  result->set("middleman.enable-automatic-connections", false);
  // Only Swarm transports may complete BASP's handshake with this node.
  result->set("middleman.app-identifiers", std::vector<std::string>{"swarm.transport.v1"});
  if (cfg.heartbeat_interval_ms > 0) {
    result->set("middleman.heartbeat-interval", span_ms(cfg.heartbeat_interval_ms));
    // Not a declared option in 0.17.6 (set() would drop it), but BASP reads
    // it from the settings.
    caf::put(result->content, "middleman.connection-timeout",
             span_ms(cfg.connection_timeout_ms));
  }
  // Not CAF's "sharing" scheduler, although it would save the CPU the
  // default work-stealing workers spend polling (about a fifth of a
  // two-node round_bench): with it, an SN's node actor stopped receiving
  // its ticks for good after a peer died (all workers idle, the tick never
  // delivered; walkthrough.operator_failures_test), so we keep the default.
  // A work-stealing worker that ran out of jobs polls 500 more times with
  // 50 us sleeps before it waits on its condition variable (which a new job
  // wakes at once). Measured in the two-node MNIST swarm, that polling
  // preempted the ML training next to it 5,000 times a second and slowed
  // its training by half; without it the workers wait at once.
  result->set("work-stealing.moderate-poll-attempts", caf::config_value::integer{0});
  // The wait's timeout only paces stealing from a busy worker (a new job
  // wakes a waiting worker by itself): CAF's 10 ms still woke every idle
  // worker of every process 100 times a second.
  result->set("work-stealing.relaxed-sleep-duration", span_ms(100));
  if (cfg.worker_threads > 0)
    result->set("scheduler.max-threads",
                static_cast<caf::config_value::integer>(cfg.worker_threads));
  return result;
}

} // namespace swarm::transport::detail
