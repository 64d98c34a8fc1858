#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace swarm::api {

/// Members of the SN overlay by SWIM state, as one SN sees them.
struct member_counts {
  /// Answering probes.
  uint32_t alive = 0;
  /// Suspected, not yet declared dead.
  uint32_t suspect = 0;
  /// Declared dead.
  uint32_t dead = 0;
  /// Left gracefully.
  uint32_t left = 0;
};

/// What `GET /v1/health` reports. JSON (see `to_json`):
///
///     {"status": "ok", "name": "SN-1", "uuid": "0b6f...", "role": "sentinel",
///      "version": "0.1.0", "uptime_s": 12.5,
///      "members": {"alive": 3, "suspect": 0, "dead": 1, "left": 0}}
///
/// `status` is "ok" with HTTP 200 when `ready`, else "starting" with 503, so
/// a launcher can poll one URL for readiness.
struct health_info {
  /// Whether the SN has joined the overlay and serves its state.
  bool ready = true;
  /// Node name (the certificate's CN, e.g. "SN-1").
  std::string name;
  /// Node uuid, canonical text form.
  std::string uuid;
  /// "sentinel" or "sn".
  std::string role;
  /// Swarm release; empty means this build's `swarm::version`.
  std::string version;
  /// Seconds since the SN started.
  double uptime_s = 0.0;
  /// Overlay members by state.
  member_counts members;
};

/// One row of `GET /v1/nodes`: HPE's LIST NODES columns (type, host IP,
/// port, name, UUID, parent UUID, last "i-am-alive" timestamp) plus status.
/// The response is `{"nodes": [row, ...]}` in the provider's order, each row
/// (see `to_json`):
///
///     {"type": "SN", "host": "127.0.2.1", "ports": {"p2p": 30303, "api": 30304},
///      "name": "SN-2", "uuid": "0b6f...", "parent_uuid": null, "status": "ACTIVE",
///      "last_seen_ms": 1735689600123, "last_seen": "2025-01-01T00:00:00.123Z"}
///
/// `ports` lists only the ports the node listens on ("p2p" and "api" for
/// SNs, "fs" for SLs, none for SWOPs); `parent_uuid` is null for SNs;
/// `last_seen` is UTC (RFC 3339, milliseconds) and both last_seen fields are
/// null when the node was never seen.
struct node_view {
  /// "SENTINEL", "SN", "SWOP", "SL" or "SWCI".
  std::string type;
  /// Host name or IP address the node is reachable at.
  std::string host;
  /// SN peer-to-peer port; 0 when the node has none.
  uint16_t p2p_port = 0;
  /// SN API port; 0 when the node has none.
  uint16_t api_port = 0;
  /// SL file-server port; 0 when the node has none.
  uint16_t fs_port = 0;
  /// Node name.
  std::string name;
  /// Node uuid.
  std::string uuid;
  /// Uuid of the SN an SL or SWOP registered with; empty for SNs.
  std::string parent_uuid;
  /// "ACTIVE", "LEFT" or "DEAD".
  std::string status;
  /// Last sign of life, in milliseconds since the Unix epoch; 0 if never.
  uint64_t last_seen_ms = 0;
};

/// Where the API's data comes from: the SN implements it over its state.
/// Called from the server's worker threads, concurrently: implementations
/// must be thread-safe and answer from a snapshot, without waiting on the
/// network. Later routes (tasks, taskrunners, contracts, rounds) get their
/// own provider interfaces and `add_*_routes` functions, so this one stays
/// small.
class api_provider {
public:
  virtual ~api_provider() = default;

  /// Returns the SN's health.
  virtual health_info health() = 0;

  /// Returns the node registry.
  virtual std::vector<node_view> nodes() = 0;

  /// Returns the Prometheus text exposition (e.g. `metrics_registry::render`).
  virtual std::string metrics_text() = 0;
};

/// Returns the JSON object of `x` described at `health_info`.
nlohmann::json to_json(const health_info& x);

/// Returns the JSON object of `x` described at `node_view`.
nlohmann::json to_json(const node_view& x);

/// Returns `{"nodes": [...]}`.
nlohmann::json to_json(const std::vector<node_view>& xs);

/// Formats milliseconds since the Unix epoch as "2025-01-01T00:00:00.123Z".
std::string format_utc_ms(uint64_t ms_since_epoch);

} // namespace swarm::api
