#include "swarm/sim/seed.hpp"

#include <cstdlib>
#include <string>

namespace swarm::sim {

std::vector<uint64_t> seeds_or_env(std::vector<uint64_t> defaults) {
  const char* value = std::getenv(seed_env_var);
  if (value == nullptr || *value == '\0')
    return defaults;
  return {std::stoull(value)};
}

} // namespace swarm::sim
