#include "progress.hpp"

#include <cmath>
#include <cstdio>

namespace swarm::examples::mnist {

namespace {

constexpr size_t bar_width = 30;

std::string fixed(double x, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, x);
  return buf;
}

std::string step_counter(size_t step, size_t steps) {
  auto total = std::to_string(steps);
  auto done = std::to_string(step);
  return std::string(total.size() - std::min(total.size(), done.size()), ' ') + done
         + "/" + total;
}

} // namespace

epoch_progress::epoch_progress(std::ostream& out, bool interactive, int epoch,
                               int epochs, size_t steps)
  : out_(out),
    interactive_(interactive),
    steps_(steps),
    start_(std::chrono::steady_clock::now()),
    last_draw_() {
  out_ << "Epoch " << epoch << '/' << epochs << '\n' << std::flush;
}

std::string epoch_progress::bar(size_t step, size_t steps) {
  std::string result = "[";
  size_t filled = steps == 0 ? bar_width : step * bar_width / steps;
  for (size_t i = 0; i < bar_width; ++i) {
    if (i < filled)
      result += '=';
    else if (i == filled && step < steps)
      result += '>';
    else
      result += '.';
  }
  return result + "]";
}

void epoch_progress::update(size_t step, double loss, double accuracy) {
  if (!interactive_)
    return;
  auto now = std::chrono::steady_clock::now();
  if (step < steps_ && now - last_draw_ < std::chrono::milliseconds{50})
    return;
  last_draw_ = now;
  double elapsed = std::chrono::duration<double>(now - start_).count();
  double eta = step == 0 ? 0.0 : elapsed / static_cast<double>(step)
                                   * static_cast<double>(steps_ - step);
  out_ << '\r' << step_counter(step, steps_) << ' ' << bar(step, steps_)
       << " - ETA: " << static_cast<long>(std::lround(eta)) << "s - loss: "
       << fixed(loss, 4) << " - accuracy: " << fixed(accuracy, 4) << std::flush;
}

void epoch_progress::finish(const epoch_stats& s) {
  double ms_per_step = s.train_seconds * 1000.0 / static_cast<double>(std::max<size_t>(steps_, 1));
  if (interactive_)
    out_ << '\r';
  out_ << step_counter(steps_, steps_) << ' ' << bar(steps_, steps_) << " - "
       << static_cast<long>(std::lround(s.train_seconds)) << "s "
       << static_cast<long>(std::lround(ms_per_step)) << "ms/step - loss: "
       << fixed(s.loss, 4) << " - accuracy: " << fixed(s.accuracy, 4)
       << " - val_loss: " << fixed(s.val_loss, 4)
       << " - val_accuracy: " << fixed(s.val_accuracy, 4) << " - "
       << static_cast<long>(std::lround(s.samples_per_second)) << " samples/s\n"
       << std::flush;
}

} // namespace swarm::examples::mnist
