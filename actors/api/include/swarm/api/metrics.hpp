#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/common/error.hpp"

/// The SN's HTTPS API and the Prometheus metrics it serves.
namespace swarm::api {

/// Content-Type of the Prometheus text exposition format, version 0.0.4.
inline constexpr std::string_view prometheus_content_type
  = "text/plain; version=0.0.4; charset=utf-8";

/// The values of a metric's labels, in the order of its family's label names.
using label_values = std::vector<std::string>;

/// A value that only goes up (events, bytes). Lock-free.
class counter {
public:
  /// Adds `amount`; negative and NaN amounts are ignored, because a counter
  /// that goes down reads as a process restart to Prometheus.
  void inc(double amount = 1.0) noexcept;

  /// Returns the current value.
  double value() const noexcept {
    return value_.load(std::memory_order_relaxed);
  }

private:
  std::atomic<double> value_{0.0};
};

/// A value that goes up and down (members, queue lengths). Lock-free.
class gauge {
public:
  /// Sets the value.
  void set(double value) noexcept {
    value_.store(value, std::memory_order_relaxed);
  }

  /// Adds `amount` (may be negative).
  void inc(double amount = 1.0) noexcept {
    value_.fetch_add(amount, std::memory_order_relaxed);
  }

  /// Subtracts `amount`.
  void dec(double amount = 1.0) noexcept {
    inc(-amount);
  }

  /// Returns the current value.
  double value() const noexcept {
    return value_.load(std::memory_order_relaxed);
  }

private:
  std::atomic<double> value_{0.0};
};

/// Observations counted into fixed buckets (round-trip times, sizes).
class histogram {
public:
  /// What a scrape sees: one consistent view of the buckets.
  struct snapshot {
    /// Upper bounds of the finite buckets, ascending.
    std::vector<double> upper_bounds;
    /// Cumulative counts: entry i counts observations <= upper_bounds[i];
    /// one extra last entry counts all (the +Inf bucket).
    std::vector<uint64_t> cumulative_counts;
    /// Sum of all observations.
    double sum = 0.0;
    /// Number of observations; equals `cumulative_counts.back()`.
    uint64_t count = 0;
  };

  /// Creates a histogram over `upper_bounds`; the registry checks them
  /// (finite, strictly ascending) before it calls this.
  explicit histogram(std::shared_ptr<const std::vector<double>> upper_bounds);

  /// Counts `value` into the first bucket whose bound is >= `value`
  /// (Prometheus buckets are "less or equal"). NaN is ignored.
  void observe(double value) noexcept;

  /// Returns a consistent view; observations never block a scrape for long.
  snapshot collect() const;

private:
  std::shared_ptr<const std::vector<double>> bounds_;
  mutable std::mutex mutex_;
  // Per-bucket (not cumulative) counts, plus the +Inf bucket last.
  std::vector<uint64_t> counts_;
  double sum_ = 0.0;
};

/// What kind of metric a family holds; names as in the TYPE line.
enum class metric_type : uint8_t {
  /// Monotonic.
  counter,
  /// Up and down.
  gauge,
  /// Bucketed observations.
  histogram,
};

/// Returns "counter", "gauge" or "histogram".
std::string_view to_string(metric_type x) noexcept;

/// The part of a family that does not depend on the metric kind.
class family_base {
public:
  virtual ~family_base() = default;

  /// Returns the metric name, e.g. "swarm_members".
  const std::string& name() const {
    return name_;
  }

  /// Returns the HELP text.
  const std::string& help() const {
    return help_;
  }

  /// Returns the label names, in the order `with` expects values.
  const std::vector<std::string>& label_names() const {
    return label_names_;
  }

  /// Returns the kind of metric.
  virtual metric_type type() const noexcept = 0;

  /// Appends the HELP and TYPE lines and one sample block per label set,
  /// ordered by label values, to `out`.
  virtual void render(std::string& out) const = 0;

protected:
  family_base(std::string name, std::string help, std::vector<std::string> label_names);

  /// Returns `values` with exactly one value per label name: a caller that
  /// passes the wrong number gets its list padded with "" or cut, rather
  /// than undefined behaviour in a production process.
  label_values fit(label_values values) const;

private:
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
};

/// All metrics of one name, one per label set; created on first use.
/// References returned by `with` stay valid as long as the registry, so hot
/// paths look a metric up once and keep the reference.
template <class Metric>
class family final : public family_base {
public:
  /// Makes a fresh metric for a new label set.
  using factory = std::function<std::unique_ptr<Metric>()>;

  /// Creates a family; use `metrics_registry::add_*` instead.
  family(std::string name, std::string help, std::vector<std::string> label_names,
         factory make)
    : family_base(std::move(name), std::move(help), std::move(label_names)),
      make_(std::move(make)) {
    // A metric without labels exists (and reads 0) from the start, so
    // dashboards see it before the first event.
    if (this->label_names().empty())
      with({});
  }

  /// Returns the metric for `values` (one per label name), creating it.
  Metric& with(label_values values) {
    auto key = fit(std::move(values));
    std::lock_guard guard{mutex_};
    auto& slot = children_[std::move(key)];
    if (!slot)
      slot = make_();
    return *slot;
  }

  /// Drops the metric for `values`, so a label set that no longer exists
  /// (e.g. a contract whose rounds were deleted) stops being exported.
  /// Invalidates references to that metric; returns whether it existed.
  bool remove(const label_values& values) {
    std::lock_guard guard{mutex_};
    return children_.erase(values) > 0;
  }

  /// Returns the label sets that currently have a metric, sorted.
  std::vector<label_values> label_sets() const {
    std::lock_guard guard{mutex_};
    std::vector<label_values> result;
    result.reserve(children_.size());
    for (const auto& [values, metric] : children_)
      result.push_back(values);
    return result;
  }

  /// Returns the metric of a family without labels.
  Metric& get() {
    return with({});
  }

  /// Returns the kind of metric.
  metric_type type() const noexcept override;

  /// Appends the exposition text of this family to `out`.
  void render(std::string& out) const override;

private:
  factory make_;
  mutable std::mutex mutex_;
  std::map<label_values, std::unique_ptr<Metric>> children_;
};

extern template class family<counter>;
extern template class family<gauge>;
extern template class family<histogram>;

/// A set of metric families rendered together, in name order. Thread-safe.
class metrics_registry {
public:
  /// Adds a counter family. Fails (`errc::invalid_argument`) for a name that
  /// is not a valid Prometheus metric name, an invalid or duplicate label
  /// name, or a name that is already registered.
  expected<family<counter>*> add_counter(std::string name, std::string help,
                                         std::vector<std::string> label_names = {});

  /// Adds a gauge family; fails like `add_counter`.
  expected<family<gauge>*> add_gauge(std::string name, std::string help,
                                     std::vector<std::string> label_names = {});

  /// Adds a histogram family with buckets `upper_bounds` (finite, strictly
  /// ascending, at least one; the +Inf bucket is implicit). Fails like
  /// `add_counter`, for bad bounds, and for a label named "le".
  expected<family<histogram>*> add_histogram(std::string name, std::string help,
                                             std::vector<double> upper_bounds,
                                             std::vector<std::string> label_names = {});

  /// Returns the text exposition format 0.0.4 of every family, ordered by
  /// name: deterministic, so it can be compared against golden text.
  std::string render() const;

private:
  status check_new(const std::string& name, const std::vector<std::string>& label_names,
                   bool histogram) const;

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<family_base>> families_;
};

/// Returns `value` the way the text format writes numbers: the shortest
/// decimal that reads back exactly, and "+Inf", "-Inf", "NaN".
std::string format_sample_value(double value);

/// Escapes a label value: backslash, double quote and newline.
std::string escape_label_value(std::string_view value);

/// Escapes HELP text: backslash and newline.
std::string escape_help(std::string_view text);

/// Returns whether `name` matches [a-zA-Z_:][a-zA-Z0-9_:]*.
bool is_valid_metric_name(std::string_view name) noexcept;

/// Returns whether `name` matches [a-zA-Z_][a-zA-Z0-9_]* and does not start
/// with "__" (reserved for Prometheus itself).
bool is_valid_label_name(std::string_view name) noexcept;

} // namespace swarm::api
