#pragma once

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace swarm::swci {

/// A value to show: its label and where it is in a JSON object, as a JSON
/// pointer (e.g. "/peers/enrolled").
struct field {
  /// Column header or label.
  std::string_view label;
  /// JSON pointer to the value.
  std::string_view pointer;
};

/// Returns the text of `value`: strings as they are, null or missing as
/// "-", arrays joined with ",", numbers under a key ending in `_ms` as UTC
/// times (e.g. "2025-01-01 00:00:00"; 0 as "-"), other values as compact JSON.
std::string to_cell(const nlohmann::json& object, std::string_view pointer);

/// Returns `object[key]` if it is an array, else an empty array (for
/// answers that lack the list or are not objects at all).
nlohmann::json array_at(const nlohmann::json& object, std::string_view key);

/// Returns `object[key]` if it is a string, else "".
std::string string_at(const nlohmann::json& object, std::string_view key);

/// Prints one "Label : value" line per field, the colons aligned.
void print_fields(std::ostream& out, const nlohmann::json& object,
                  const std::vector<field>& fields);

/// Prints `rows` (an array of objects) as a table with a header line and
/// columns padded to their widest cell; "(none)" for no rows.
void print_table(std::ostream& out, const nlohmann::json& rows,
                 const std::vector<field>& columns);

} // namespace swarm::swci
