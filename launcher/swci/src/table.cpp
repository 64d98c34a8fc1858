#include "swarm/swci/table.hpp"

#include <algorithm>
#include <ctime>
#include <ostream>

namespace swarm::swci {

namespace {

using json = nlohmann::json;

std::string utc_time(uint64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string scalar_text(const json& value, bool is_time) {
  if (value.is_null())
    return "-";
  if (value.is_string())
    return value.get<std::string>();
  // A time of 0 means "never" (e.g. the default contract's creation).
  if (is_time && value.is_number_integer())
    return value.get<int64_t>() > 0 ? utc_time(value.get<uint64_t>()) : "-";
  if (value.is_array()) {
    std::string out;
    for (const auto& item : value)
      out += (out.empty() ? "" : ",") + scalar_text(item, false);
    return out.empty() ? "-" : out;
  }
  return value.dump();
}

} // namespace

std::string to_cell(const json& object, std::string_view pointer) {
  json::json_pointer ptr{std::string{pointer}};
  if (!object.is_object() || !object.contains(ptr))
    return "-";
  return scalar_text(object.at(ptr), pointer.ends_with("_ms"));
}

json array_at(const json& object, std::string_view key) {
  if (!object.is_object())
    return json::array();
  auto i = object.find(std::string{key});
  return i != object.end() && i->is_array() ? *i : json::array();
}

std::string string_at(const json& object, std::string_view key) {
  if (!object.is_object())
    return {};
  auto i = object.find(std::string{key});
  return i != object.end() && i->is_string() ? i->get<std::string>() : std::string{};
}

void print_fields(std::ostream& out, const json& object, const std::vector<field>& fields) {
  size_t width = 0;
  for (const auto& f : fields)
    width = std::max(width, f.label.size());
  for (const auto& f : fields)
    out << f.label << std::string(width - f.label.size(), ' ') << " : "
        << to_cell(object, f.pointer) << '\n';
}

void print_table(std::ostream& out, const json& rows, const std::vector<field>& columns) {
  std::vector<std::vector<std::string>> cells;
  std::vector<size_t> widths;
  for (const auto& c : columns)
    widths.push_back(c.label.size());
  if (rows.is_array()) {
    for (const auto& row : rows) {
      auto& line = cells.emplace_back();
      for (size_t i = 0; i < columns.size(); ++i) {
        line.push_back(to_cell(row, columns[i].pointer));
        widths[i] = std::max(widths[i], line.back().size());
      }
    }
  }
  auto print_line = [&](const std::vector<std::string>& line) {
    std::string text;
    for (size_t i = 0; i < line.size(); ++i) {
      text += line[i];
      if (i + 1 < line.size())
        text += std::string(widths[i] - line[i].size() + 2, ' ');
    }
    out << text << '\n';
  };
  std::vector<std::string> header;
  for (const auto& c : columns)
    header.emplace_back(c.label);
  print_line(header);
  for (const auto& line : cells)
    print_line(line);
  if (cells.empty())
    out << "(none)\n";
}

} // namespace swarm::swci
