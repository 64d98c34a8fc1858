#include "swarm/swci/clock.hpp"

#include <thread>

namespace swarm::swci {

clock::time_point system_clock::now() {
  return std::chrono::steady_clock::now();
}

void system_clock::sleep_for(std::chrono::milliseconds duration) {
  std::this_thread::sleep_for(duration);
}

} // namespace swarm::swci
