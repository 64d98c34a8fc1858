#pragma once

#include <cstdint>
#include <string_view>

/// The enumerations of HPE's profile and task schemas. Each `to_string`
/// returns the exact spelling the YAML uses, so values round-trip.
namespace swarm::config {

/// `resourcemgr.mgrtype`: who starts the SL and ML containers or processes.
enum class resource_manager_kind : uint8_t {
  /// `DOCKER`: HPE's only value; SWOP drives the Docker daemon.
  docker,
  /// `PROCESS`: our extension; SWOP starts SL and ML as plain child
  /// processes, so no Docker daemon is needed. `accessinfo` is optional then.
  process,
};

/// `resourcemgr.accessinfo.accesstype`: how the Docker client is configured.
enum class access_kind : uint8_t {
  /// `FROMENV`: from DOCKER_HOST and friends, like the docker CLI.
  from_env,
};

/// `mType` / `MType`: how a host path or volume is mounted.
enum class mount_kind : uint8_t {
  /// `BIND`: a host path.
  bind,
  /// `VOLUME`: a named Docker volume.
  volume,
};

/// `aType`: which identity item an attribute mounts.
enum class identity_kind : uint8_t {
  /// `KEY`: the node's private key.
  key,
  /// `CERT`: the node's certificate.
  cert,
  /// `CACERT`: a CA bundle file.
  cacert,
  /// `CAPATH`: a directory of CA certificates.
  capath,
  /// `SPIFFE_SOCKETPATH`: a SPIRE agent's workload API socket.
  spiffe_socketpath,
};

/// `TaskType`: what a task makes SWOP do.
enum class task_kind : uint8_t {
  /// `RUN_SWARM`: start SL+ML pairs and train.
  run_swarm,
  /// `MAKE_SWARM_USER_CONTENT`: download or extract content into volumes.
  make_swarm_user_content,
  /// `MAKE_USER_CONTAINER`: build the user's ML image.
  make_user_container,
  /// `PULL_IMAGE`: pull an image from a registry.
  pull_image,
};

/// `BuildType` of a MAKE_USER_CONTAINER task.
enum class build_kind : uint8_t {
  /// `INLINE`: `BuildSteps` are the Dockerfile lines.
  inline_steps,
  /// `REMOTE`: `BuildSteps` hold a URL of a Dockerfile (HPE never
  /// implemented this; accepted by the schema, refused when executed).
  remote,
};

/// `ContentType` of a MAKE_SWARM_USER_CONTENT task.
enum class content_kind : uint8_t {
  /// `BUILDCONTENT`: one copy, used as a build context.
  build_content,
  /// `SWARMCONTENT`: one copy per node of the profile.
  swarm_content,
};

/// `Operation` of an `OpsList` entry.
enum class operation_kind : uint8_t {
  /// `DOWNLOAD`: fetch `Target`.
  download,
  /// `EXTRACT`: unpack `Target`.
  extract,
};

/// Returns the YAML spelling, e.g. "DOCKER".
std::string_view to_string(resource_manager_kind x);

/// Returns the YAML spelling, e.g. "FROMENV".
std::string_view to_string(access_kind x);

/// Returns the YAML spelling, e.g. "BIND".
std::string_view to_string(mount_kind x);

/// Returns the YAML spelling, e.g. "SPIFFE_SOCKETPATH".
std::string_view to_string(identity_kind x);

/// Returns the YAML spelling, e.g. "RUN_SWARM".
std::string_view to_string(task_kind x);

/// Returns the YAML spelling, e.g. "INLINE".
std::string_view to_string(build_kind x);

/// Returns the YAML spelling, e.g. "SWARMCONTENT".
std::string_view to_string(content_kind x);

/// Returns the YAML spelling, e.g. "DOWNLOAD".
std::string_view to_string(operation_kind x);

} // namespace swarm::config
