#pragma once

#include <array>
#include <span>
#include <string_view>

#include "swarm/config/kinds.hpp"

// One table per enumeration, shared by `to_string` and the parser so the
// spelling is defined once.
namespace swarm::config::detail {

/// A YAML spelling and the value it stands for.
template <class E>
struct named {
  /// The spelling in the YAML file.
  std::string_view name;
  /// The value.
  E value;
};

/// Spellings of `resourcemgr.mgrtype`.
inline constexpr std::array<named<resource_manager_kind>, 2> resource_manager_names{{
  {"DOCKER", resource_manager_kind::docker},
  {"PROCESS", resource_manager_kind::process},
}};

/// Spellings of `accesstype`.
inline constexpr std::array<named<access_kind>, 1> access_names{{
  {"FROMENV", access_kind::from_env},
}};

/// Spellings of `mType` / `MType`.
inline constexpr std::array<named<mount_kind>, 2> mount_names{{
  {"BIND", mount_kind::bind},
  {"VOLUME", mount_kind::volume},
}};

/// Spellings of `aType`.
inline constexpr std::array<named<identity_kind>, 5> identity_names{{
  {"KEY", identity_kind::key},
  {"CERT", identity_kind::cert},
  {"CACERT", identity_kind::cacert},
  {"CAPATH", identity_kind::capath},
  {"SPIFFE_SOCKETPATH", identity_kind::spiffe_socketpath},
}};

/// Spellings of `TaskType`.
inline constexpr std::array<named<task_kind>, 4> task_names{{
  {"RUN_SWARM", task_kind::run_swarm},
  {"MAKE_SWARM_USER_CONTENT", task_kind::make_swarm_user_content},
  {"MAKE_USER_CONTAINER", task_kind::make_user_container},
  {"PULL_IMAGE", task_kind::pull_image},
}};

/// Spellings of `BuildType`.
inline constexpr std::array<named<build_kind>, 2> build_names{{
  {"INLINE", build_kind::inline_steps},
  {"REMOTE", build_kind::remote},
}};

/// Spellings of `ContentType`.
inline constexpr std::array<named<content_kind>, 2> content_names{{
  {"BUILDCONTENT", content_kind::build_content},
  {"SWARMCONTENT", content_kind::swarm_content},
}};

/// Spellings of `Operation`.
inline constexpr std::array<named<operation_kind>, 2> operation_names{{
  {"DOWNLOAD", operation_kind::download},
  {"EXTRACT", operation_kind::extract},
}};

/// Returns the spelling of `x` in `table`, or "?" for a value not listed.
template <class E, size_t N>
constexpr std::string_view name_of(const std::array<named<E>, N>& table, E x) {
  for (const auto& entry : table)
    if (entry.value == x)
      return entry.name;
  return "?";
}

} // namespace swarm::config::detail
