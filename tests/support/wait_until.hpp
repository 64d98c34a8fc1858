#pragma once
// Waiting in process tests for what another process or thread makes true
// (a log line, an API answer, an exit), where there is no event to wait on.

#include <algorithm>
#include <chrono>
#include <thread>

namespace swarm::test {

/// Checks `done` until it holds or `timeout` passes; returns whether it held.
/// The pause between checks grows from 1 ms to 50 ms: a nearly met
/// condition is seen at once, a long wait costs little.
template <class Pred>
bool wait_until(Pred&& done, std::chrono::milliseconds timeout = std::chrono::seconds{60}) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds{1};
  for (;;) {
    if (done())
      return true;
    if (std::chrono::steady_clock::now() >= until)
      return false;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds{50});
  }
}

} // namespace swarm::test
