#pragma once

#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>

namespace swarm::examples::mnist {

/// Statistics of one finished epoch, as Keras prints them.
struct epoch_stats {
  /// Mean training loss over the epoch's batches.
  double loss = 0;
  /// Training accuracy over the epoch's samples.
  double accuracy = 0;
  /// Loss on the validation (test) set after the epoch.
  double val_loss = 0;
  /// Accuracy on the validation (test) set after the epoch.
  double val_accuracy = 0;
  /// Wall time of the training part of the epoch.
  double train_seconds = 0;
  /// Training samples per second.
  double samples_per_second = 0;
};

/// Prints Keras-like epoch lines; on a terminal also a live progress bar.
class epoch_progress {
public:
  /// Starts epoch `epoch` (1-based) of `epochs` with `steps` batches.
  epoch_progress(std::ostream& out, bool interactive, int epoch, int epochs,
                 size_t steps);

  /// Reports that `step` batches are done; redraws the bar at most 20 times
  /// a second, and only when interactive.
  void update(size_t step, double loss, double accuracy);

  /// Prints the epoch's final line.
  void finish(const epoch_stats& stats);

  /// Returns the bar for `step` of `steps`, e.g. "[=====>....]" (30 wide).
  static std::string bar(size_t step, size_t steps);

private:
  std::ostream& out_;
  bool interactive_;
  size_t steps_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

} // namespace swarm::examples::mnist
