#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/config/diagnostic.hpp"
#include "swarm/config/env.hpp"
#include "swarm/config/kinds.hpp"

/// The SWOP profile: HPE's `SWOP-profile-schema.yaml`, field for field. Keys
/// keep HPE's meaning; names are HPE's split into snake_case
/// (`slhostname` -> `sl_host_name`).
namespace swarm::config {

/// Where a service is reached (`apls.locator`, `apisrv.locator`). A field
/// left `~` is empty and taken from the command line or a default.
struct locator {
  /// IP address or host name.
  std::optional<std::string> host;
  /// TCP port.
  std::optional<uint16_t> port;
  /// `FQDN[:port]` behind a reverse proxy (`apisrv` only).
  std::optional<std::string> service;
};

/// `resourcemgr`: what starts the SL and ML of each node.
struct resource_manager {
  /// `mgrtype`.
  resource_manager_kind mgr_type = resource_manager_kind::docker;
  /// `accessinfo.accesstype`; required for DOCKER, optional for PROCESS.
  std::optional<access_kind> access_type;
};

/// One `identity` attribute: a certificate item mounted into the SL.
struct identity_attr {
  /// `aType`.
  identity_kind a_type = identity_kind::key;
  /// `mType`.
  mount_kind m_type = mount_kind::bind;
  /// `src`: host path or volume name (2-240 characters).
  std::string src;
  /// `tgt`: path inside the container (2-240 characters).
  std::string tgt;
  /// `subPath`: path relative to `tgt`, if any.
  std::optional<std::string> sub_path;
};

/// `privatedata`: the node's private data store.
struct private_data_mount {
  /// `src`: host directory or volume name.
  std::string src;
  /// `mType`.
  mount_kind m_type = mount_kind::bind;
};

/// The value of one `usrcontaineropts` entry: text (`ipc: host`), a list
/// (`device: [/dev/kfd]`) or a flag (`privileged: true`).
using container_opt_value = std::variant<std::string, std::vector<std::string>, bool>;

/// One `usrcontaineropts` entry, e.g. `gpus: all`.
struct container_opt {
  /// One of gpus, device, ipc, shm-size, group-add, cap-add,
  /// security-opt, privileged.
  std::string name;
  /// The value, typed as Docker expects it.
  container_opt_value value;
};

/// `slnodedef`: one SL+ML pair this SWOP manages.
struct sl_node_def {
  /// `idx`: the node's index within this profile.
  uint32_t idx = 0;
  /// `identity`: certificate items mounted into the SL.
  std::vector<identity_attr> identity;
  /// `slhostip`: the host's address as other nodes see it.
  std::optional<std::string> sl_host_ip;
  /// `slport`: published SL file-server port; see defaults::sl_fs_port.
  std::optional<uint16_t> sl_port;
  /// `slfsservice`: `FQDN[:port]` of the file server behind a proxy.
  std::optional<std::string> sl_fs_service;
  /// `slhostname`: host name of the SL container.
  std::optional<std::string> sl_host_name;
  /// `privatedata`: mounted where the task's `PrivateContent` says.
  std::optional<private_data_mount> private_data;
  /// `slenvvars`: SL environment; overrides the profile's `envvars`.
  env_list sl_env_vars;
  /// `sllabels`: container labels (a list becomes labels without values).
  env_list sl_labels;
  /// `slnetworkopts`: e.g. `ip` for a static container address.
  env_list sl_network_opts;
  /// `usrhostname`: host name of the ML container.
  std::optional<std::string> usr_host_name;
  /// `usrenvvars`: ML environment; overrides the task's `Envvars`.
  env_list usr_env_vars;
  /// `usrlabels`: labels of the ML container.
  env_list usr_labels;
  /// `usrnetworkopts`: network options of the ML container.
  env_list usr_network_opts;
  /// `usrcontaineropts`: GPU and device options of the ML container.
  std::vector<container_opt> usr_container_opts;
};

/// A whole SWOP profile.
struct swop_profile {
  /// `groupname`.
  std::string group_name;
  /// `taskrunner`: the taskrunner this SWOP enrolls in.
  std::string task_runner;
  /// `policyuri`: empty (`~`) accepts every task.
  std::optional<std::string> policy_uri;
  /// `resourcemgr`.
  resource_manager resource_mgr;
  /// `network`: network the SL and ML containers join.
  std::string network;
  /// `apls.locator`: the license server (kept for compatibility only).
  locator apls;
  /// `apisrv.locator`: the SN this SWOP talks to.
  locator api_server;
  /// `envvars`: environment common to every SL and ML.
  env_list env_vars;
  /// `dns`: name servers for the containers (reverse-proxy setups).
  std::vector<std::string> dns;
  /// `nodes`.
  std::vector<sl_node_def> nodes;
};

/// Checks `text` against the profile schema, collecting every problem.
/// `source_name` prefixes each diagnostic (usually the file name).
checked<swop_profile> check_profile(std::string_view text,
                                    std::string_view source_name);

/// Parses a profile; the error lists every problem, one per line.
expected<swop_profile> parse_profile(std::string_view text,
                                     std::string_view source_name);

/// Reads and parses the profile at `path` (named by its file name in errors
/// as given, e.g. "swop1_profile.yaml" or "dir/swop1_profile.yaml").
expected<swop_profile> load_profile(const std::filesystem::path& path);

/// Environment of the SL of `node`: profile `envvars`, then `slenvvars`.
env_list sl_environment(const swop_profile& profile, const sl_node_def& node);

} // namespace swarm::config
