#pragma once

#include <chrono>

namespace swarm::swci {

/// Time as the SWCI's waits see it, so tests can drive WAIT FOR and SLEEP
/// without sleeping.
class clock {
public:
  /// The time type.
  using time_point = std::chrono::steady_clock::time_point;

  virtual ~clock() = default;

  /// Returns the current time.
  virtual time_point now() = 0;

  /// Waits for `duration`.
  virtual void sleep_for(std::chrono::milliseconds duration) = 0;
};

/// The real clock: steady time and real sleeping.
class system_clock final : public clock {
public:
  /// Returns `std::chrono::steady_clock::now()`.
  time_point now() override;

  /// Sleeps the calling thread.
  void sleep_for(std::chrono::milliseconds duration) override;
};

} // namespace swarm::swci
