#pragma once

#include <cstdint>
#include <vector>

namespace swarm::sim {

/// Environment variable that replays one seed: `SWARM_SEED=<n>`.
inline constexpr const char* seed_env_var = "SWARM_SEED";

/// Returns the seeds to run: the one in `$SWARM_SEED` if set (to replay a
/// failure), else `defaults`.
std::vector<uint64_t> seeds_or_env(std::vector<uint64_t> defaults);

} // namespace swarm::sim
