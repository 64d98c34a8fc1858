#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "swarm/common/error.hpp"
#include "swarm/identity/preflight.hpp"
#include "swarm/merge/round_config.hpp"
#include "swarm/mlsl/channel.hpp"

namespace swarm::sl {

/// Where an SL embedded in an ML process listens and whom it joins.
struct embedded_sl_options {
  /// Key, certificate and trust store of the SL's identity.
  identity::identity_files identity;
  /// Address the SL listens on and announces (HPE's THIS_NODE_IP).
  std::string host_ip;
  /// SL file-server port (HPE's SL_FS_PORT).
  uint16_t fs_port = 30305;
  /// Port of the model lane, on which peers send models (SL_LANE_PORT; 0:
  /// any free port, announced to peers).
  uint16_t lane_port = 0;
  /// The SN to join through (HPE's SN_NODE_IP).
  std::string sn_ip;
  /// That SN's peer-to-peer port.
  uint16_t sn_p2p_port = 30303;
  /// Where the SL keeps its identity and state.
  std::filesystem::path data_dir = "sl-data";
  /// Round tunables (SL_* environment variables).
  merge::round_config rounds;
};

/// Reads an embedded SL's options from the environment: THIS_NODE_IP,
/// SN_NODE_IP, SN_P2P_PORT, SL_FS_PORT, SL_LANE_PORT, SL_KEY, SL_CERT, SL_CAPATH (or
/// SL_CACERT), SL_DATA_DIR and the SL_* round knobs. Errors name the
/// variable.
expected<embedded_sl_options>
embedded_options_from_env(const std::function<std::optional<std::string>(const char*)>& getenv);

/// An SL running inside the ML's own process (DESIGN.md, The ML side): the
/// same node as `swarm sl`, talking to the ML over an in-process channel
/// pair, so the ML<->SL bytes are exactly those of a separate SL.
class embedded_sl {
public:
  /// Starts the SL node (identity checks, listening, joining the SN).
  static expected<std::unique_ptr<embedded_sl>> start(embedded_sl_options opts);

  /// Waits until the session ended and the SL served its peers for a
  /// while after the final round (at most `linger_timeout_ms`), then
  /// leaves the overlay and stops.
  ~embedded_sl();

  embedded_sl(const embedded_sl&) = delete;
  embedded_sl& operator=(const embedded_sl&) = delete;

  /// Returns the ML's end of the channel, for `swarm_callback::create`.
  /// Only once; later calls return an error.
  expected<mlsl::ml_channel> take_ml_end();

  /// Returns the address the SL listens on.
  std::string address() const;

private:
  struct impl;
  explicit embedded_sl(std::unique_ptr<impl> ptr);
  std::unique_ptr<impl> impl_;
};

} // namespace swarm::sl
