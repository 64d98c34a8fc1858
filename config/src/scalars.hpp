#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "context.hpp"
#include "kind_names.hpp"

/// Reading scalar values. Each reader reports what it expected and what it
/// got, and returns false when `f` does not hold a valid value.
namespace swarm::config::detail {

/// Bounds on a text value, in characters (UTF-8 code points, as HPE's JSON
/// schema counts them).
struct text_limits {
  /// Fewest characters.
  size_t min_chars;
  /// Most characters.
  size_t max_chars;
};

/// Returns the first `<PLACEHOLDER>` in `text` (a `<`, one or more of
/// `A-Z 0-9 _ -`, a `>`), or an empty view.
std::string_view find_placeholder(std::string_view text);

/// Reports `f` if its text still holds a placeholder from HPE's examples.
/// Returns false then.
bool check_placeholder(context& ctx, const field& f);

/// Reads text within `limits`. Numbers and booleans count as text (HPE's
/// Python would need quotes for them; requiring that only annoys).
bool read_text(context& ctx, const field& f, std::string& out, text_limits limits);

/// Reads text within `limits`, or `~` as an empty optional.
bool read_text(context& ctx, const field& f, std::optional<std::string>& out,
               text_limits limits);

/// Reads a decimal integer in [0, 2^32).
bool read_index(context& ctx, const field& f, uint32_t& out);

/// Reads a TCP port, 1-65535, or `~` as an empty optional.
bool read_port(context& ctx, const field& f, std::optional<uint16_t>& out);

/// Reads a YAML boolean (true/false, yes/no, on/off in any common case).
bool read_bool(context& ctx, const field& f, bool& out);

/// Reports that `f` should be one of `names`.
void report_enum(context& ctx, const field& f, std::span<const std::string_view> names);

/// Reads one of the spellings in `table`.
template <class E, size_t N>
bool read_enum(context& ctx, const field& f, E& out,
               const std::array<named<E>, N>& table) {
  if (f.node.IsScalar()) {
    for (const auto& entry : table) {
      if (f.node.Scalar() == entry.name) {
        out = entry.value;
        return true;
      }
    }
  }
  std::array<std::string_view, N> names;
  for (size_t i = 0; i < N; ++i)
    names[i] = table[i].name;
  report_enum(ctx, f, names);
  return false;
}

} // namespace swarm::config::detail
