#include "stop_signals.hpp"

#include <pthread.h>

namespace swarm::launcher {

sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

bool stop_signalled(const sigset_t& set, int timeout_ms) {
  timespec timeout{timeout_ms / 1000, static_cast<long>(timeout_ms % 1000) * 1'000'000L};
  return sigtimedwait(&set, nullptr, &timeout) > 0;
}

} // namespace swarm::launcher
