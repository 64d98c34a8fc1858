#include "swarm/api/metrics.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <set>

namespace swarm::api {

void counter::inc(double amount) noexcept {
  if (!(amount >= 0.0))
    return;
  value_.fetch_add(amount, std::memory_order_relaxed);
}

histogram::histogram(std::shared_ptr<const std::vector<double>> upper_bounds)
  : bounds_(std::move(upper_bounds)), counts_(bounds_->size() + 1, 0) {
  // nop
}

void histogram::observe(double value) noexcept {
  if (std::isnan(value))
    return;
  auto i = static_cast<size_t>(std::lower_bound(bounds_->begin(), bounds_->end(), value)
                               - bounds_->begin());
  std::lock_guard guard{mutex_};
  ++counts_[i];
  sum_ += value;
}

histogram::snapshot histogram::collect() const {
  snapshot result;
  result.upper_bounds = *bounds_;
  result.cumulative_counts.reserve(counts_.size());
  {
    std::lock_guard guard{mutex_};
    uint64_t running = 0;
    for (auto n : counts_) {
      running += n;
      result.cumulative_counts.push_back(running);
    }
    result.sum = sum_;
  }
  result.count = result.cumulative_counts.back();
  return result;
}

std::string_view to_string(metric_type x) noexcept {
  switch (x) {
    case metric_type::counter:
      return "counter";
    case metric_type::gauge:
      return "gauge";
    case metric_type::histogram:
      return "histogram";
  }
  return "untyped";
}

family_base::family_base(std::string name, std::string help,
                         std::vector<std::string> label_names)
  : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {
  // nop
}

label_values family_base::fit(label_values values) const {
  assert(values.size() == label_names_.size());
  values.resize(label_names_.size());
  return values;
}

bool is_valid_metric_name(std::string_view name) noexcept {
  if (name.empty())
    return false;
  auto head = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  };
  if (!head(name.front()))
    return false;
  return std::all_of(name.begin() + 1, name.end(),
                     [&](char c) { return head(c) || (c >= '0' && c <= '9'); });
}

bool is_valid_label_name(std::string_view name) noexcept {
  if (name.empty() || name.starts_with("__"))
    return false;
  auto head = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  };
  if (!head(name.front()))
    return false;
  return std::all_of(name.begin() + 1, name.end(),
                     [&](char c) { return head(c) || (c >= '0' && c <= '9'); });
}

status metrics_registry::check_new(const std::string& name,
                                   const std::vector<std::string>& label_names,
                                   bool histogram) const {
  auto fail = [&](std::string why) {
    return make_error(errc::invalid_argument, "metric '" + name + "': " + std::move(why));
  };
  if (!is_valid_metric_name(name))
    return fail("not a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)");
  std::set<std::string_view> seen;
  for (const auto& label : label_names) {
    if (!is_valid_label_name(label))
      return fail("label '" + label + "' is not a valid label name");
    if (!seen.insert(label).second)
      return fail("label '" + label + "' appears twice");
    if (histogram && label == "le")
      return fail("a histogram cannot have a label named 'le' (it names the buckets)");
  }
  if (families_.contains(name))
    return fail("already registered");
  return status::ok();
}

expected<family<counter>*> metrics_registry::add_counter(std::string name, std::string help,
                                                         std::vector<std::string> label_names) {
  std::lock_guard guard{mutex_};
  if (auto st = check_new(name, label_names, false); !st)
    return st.error();
  auto ptr = std::make_unique<family<counter>>(name, std::move(help), std::move(label_names),
                                               [] { return std::make_unique<counter>(); });
  auto* result = ptr.get();
  families_.emplace(std::move(name), std::move(ptr));
  return result;
}

expected<family<gauge>*> metrics_registry::add_gauge(std::string name, std::string help,
                                                     std::vector<std::string> label_names) {
  std::lock_guard guard{mutex_};
  if (auto st = check_new(name, label_names, false); !st)
    return st.error();
  auto ptr = std::make_unique<family<gauge>>(name, std::move(help), std::move(label_names),
                                             [] { return std::make_unique<gauge>(); });
  auto* result = ptr.get();
  families_.emplace(std::move(name), std::move(ptr));
  return result;
}

expected<family<histogram>*>
metrics_registry::add_histogram(std::string name, std::string help,
                                std::vector<double> upper_bounds,
                                std::vector<std::string> label_names) {
  std::lock_guard guard{mutex_};
  if (auto st = check_new(name, label_names, true); !st)
    return st.error();
  auto bad_bounds = upper_bounds.empty()
                    || !std::all_of(upper_bounds.begin(), upper_bounds.end(),
                                    [](double x) { return std::isfinite(x); })
                    || std::adjacent_find(upper_bounds.begin(), upper_bounds.end(),
                                          std::greater_equal<>{})
                         != upper_bounds.end();
  if (bad_bounds)
    return make_error(errc::invalid_argument,
                      "metric '" + name
                        + "': bucket bounds must be finite and strictly ascending, "
                          "and there must be at least one");
  auto bounds = std::make_shared<const std::vector<double>>(std::move(upper_bounds));
  auto ptr = std::make_unique<family<histogram>>(
    name, std::move(help), std::move(label_names),
    [bounds] { return std::make_unique<histogram>(bounds); });
  auto* result = ptr.get();
  families_.emplace(std::move(name), std::move(ptr));
  return result;
}

std::string metrics_registry::render() const {
  std::string out;
  std::lock_guard guard{mutex_};
  for (const auto& [name, fam] : families_)
    fam->render(out);
  return out;
}

} // namespace swarm::api
