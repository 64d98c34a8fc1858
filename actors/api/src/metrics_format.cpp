// The Prometheus text exposition format 0.0.4: numbers, escaping, and the
// sample lines of each metric kind.

#include <charconv>
#include <cmath>

#include "swarm/api/metrics.hpp"

namespace swarm::api {

std::string format_sample_value(double value) {
  if (std::isnan(value))
    return "NaN";
  if (std::isinf(value))
    return value > 0 ? "+Inf" : "-Inf";
  // Shortest round-trip form: "3" for 3.0, "0.25", "1e-06"; all of these
  // parse with Go's ParseFloat, which is what Prometheus uses.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  if (ec != std::errc{})
    return "NaN";
  return std::string(buf, end);
}

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string escape_help(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

namespace {

/// Writes `{a="x",b="y"}` (nothing for no labels); `extra` is appended as
/// a last label, which is how histograms add `le`.
void append_labels(std::string& out, const std::vector<std::string>& names,
                   const label_values& values, std::string_view extra_name = {},
                   std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty())
    return;
  out += '{';
  bool first = true;
  auto one = [&](std::string_view name, std::string_view value) {
    if (!first)
      out += ',';
    first = false;
    out += name;
    out += "=\"";
    out += escape_label_value(value);
    out += '"';
  };
  for (size_t i = 0; i < names.size(); ++i)
    one(names[i], values[i]);
  if (!extra_name.empty())
    one(extra_name, extra_value);
  out += '}';
}

void append_sample(std::string& out, std::string_view name, std::string_view suffix,
                   const std::vector<std::string>& label_names, const label_values& values,
                   double value) {
  out += name;
  out += suffix;
  append_labels(out, label_names, values);
  out += ' ';
  out += format_sample_value(value);
  out += '\n';
}

void append_header(std::string& out, const family_base& fam) {
  out += "# HELP ";
  out += fam.name();
  out += ' ';
  out += escape_help(fam.help());
  out += "\n# TYPE ";
  out += fam.name();
  out += ' ';
  out += to_string(fam.type());
  out += '\n';
}

void append_metric(std::string& out, const family_base& fam, const label_values& values,
                   const counter& x) {
  append_sample(out, fam.name(), "", fam.label_names(), values, x.value());
}

void append_metric(std::string& out, const family_base& fam, const label_values& values,
                   const gauge& x) {
  append_sample(out, fam.name(), "", fam.label_names(), values, x.value());
}

void append_metric(std::string& out, const family_base& fam, const label_values& values,
                   const histogram& x) {
  auto snap = x.collect();
  for (size_t i = 0; i < snap.cumulative_counts.size(); ++i) {
    auto le = i < snap.upper_bounds.size() ? format_sample_value(snap.upper_bounds[i])
                                           : std::string{"+Inf"};
    out += fam.name();
    out += "_bucket";
    append_labels(out, fam.label_names(), values, "le", le);
    out += ' ';
    out += std::to_string(snap.cumulative_counts[i]);
    out += '\n';
  }
  append_sample(out, fam.name(), "_sum", fam.label_names(), values, snap.sum);
  out += fam.name();
  out += "_count";
  append_labels(out, fam.label_names(), values);
  out += ' ';
  out += std::to_string(snap.count);
  out += '\n';
}

template <class Metric>
constexpr metric_type type_of();

template <>
constexpr metric_type type_of<counter>() {
  return metric_type::counter;
}

template <>
constexpr metric_type type_of<gauge>() {
  return metric_type::gauge;
}

template <>
constexpr metric_type type_of<histogram>() {
  return metric_type::histogram;
}

} // namespace

template <class Metric>
metric_type family<Metric>::type() const noexcept {
  return type_of<Metric>();
}

template <class Metric>
void family<Metric>::render(std::string& out) const {
  append_header(out, *this);
  std::lock_guard guard{mutex_};
  for (const auto& [values, metric] : children_)
    append_metric(out, *this, values, *metric);
}

template class family<counter>;
template class family<gauge>;
template class family<histogram>;

} // namespace swarm::api
