#include <array>
#include <utility>

#include "swarm/merge/strategy.hpp"

namespace swarm::merge {

namespace {

constexpr std::array method_names{
  std::pair{merge_method::mean, std::string_view{"mean"}},
  std::pair{merge_method::coordmedian, std::string_view{"coordmedian"}},
  std::pair{merge_method::geomedian, std::string_view{"geomedian"}},
  std::pair{merge_method::trimmedmean, std::string_view{"trimmedmean"}},
  std::pair{merge_method::krum, std::string_view{"krum"}},
  std::pair{merge_method::multikrum, std::string_view{"multikrum"}},
};

char lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// ASCII only: method names are ASCII, and locale-dependent folding would
// make parsing depend on the environment.
bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i]))
      return false;
  return true;
}

} // namespace

std::string_view to_string(merge_method x) noexcept {
  for (const auto& [value, name] : method_names)
    if (value == x)
      return name;
  return "unknown";
}

std::optional<merge_method> parse_merge_method(std::string_view text) noexcept {
  for (const auto& [value, name] : method_names)
    if (equal_ignoring_case(text, name))
      return value;
  return std::nullopt;
}

} // namespace swarm::merge
