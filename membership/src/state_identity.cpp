#include "swarm/membership/state_identity.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

#include "swarm/common/atomic_file.hpp"
#include "swarm/membership/state_bytes.hpp"

namespace swarm::membership {

namespace {

constexpr size_t max_name_bytes = 255;
constexpr uintmax_t max_file_bytes = 4096;

status check_name(std::string_view name) {
  if (name.empty() || name.size() > max_name_bytes)
    return make_error(errc::invalid_argument, "node name must have 1 to "
                                                + std::to_string(max_name_bytes)
                                                + " characters");
  // A newline would forge another line of the file; control characters would
  // garble logs and the LIST NODES table.
  auto printable = [](char c) { return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f; };
  if (!std::all_of(name.begin(), name.end(), printable))
    return make_error(errc::invalid_argument, "node name contains control characters");
  return status::ok();
}

expected<std::string> read_small_file(const std::filesystem::path& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec)
    return make_error(errc::io_error, path.string() + ": cannot stat: " + ec.message());
  if (size > max_file_bytes)
    return make_error(errc::corrupt_data, path.string() + ": " + std::to_string(size)
                                            + " bytes is too large for an identity file");
  std::ifstream in{path, std::ios::binary};
  std::ostringstream text;
  text << in.rdbuf();
  if (!in)
    return make_error(errc::io_error, path.string() + ": cannot read");
  return text.str();
}

} // namespace

std::string format_identity(const node_identity& x) {
  return "# swarm node identity: keep it with this data directory\n"
         "uuid="
         + x.uuid.to_string() + "\nname=" + x.name + "\n";
}

expected<node_identity> parse_identity(std::string_view text, std::string_view file) {
  auto fail = [&](size_t line, const std::string& what) {
    return make_error(errc::parse_error,
                      std::string{file} + ":" + std::to_string(line) + ": " + what);
  };
  node_identity result;
  bool has_uuid = false;
  bool has_name = false;
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    auto end = std::min(text.find('\n'), text.size());
    auto line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    if (line.empty() || line.front() == '#')
      continue;
    auto eq = line.find('=');
    auto key = line.substr(0, eq);
    auto value = eq == std::string_view::npos ? std::string_view{} : line.substr(eq + 1);
    if (eq == std::string_view::npos || (key != "uuid" && key != "name"))
      return fail(line_no, "expected 'uuid=...' or 'name=...'");
    if ((key == "uuid" && has_uuid) || (key == "name" && has_name))
      return fail(line_no, std::string{key}.append(" appears twice"));
    if (key == "uuid") {
      auto uuid = parse_uuid(value);
      if (!uuid || uuid->is_nil())
        return fail(line_no, uuid ? "nil uuid" : uuid.error().message);
      result.uuid = *uuid;
      has_uuid = true;
    } else {
      if (auto st = check_name(value); !st)
        return fail(line_no, st.error().message);
      result.name = std::string{value};
      has_name = true;
    }
  }
  if (!has_uuid || !has_name)
    return make_error(errc::parse_error, std::string{file} + ": missing '"
                                           + (has_uuid ? "name" : "uuid") + "'");
  return result;
}

expected<node_identity> load_or_create_identity(const std::filesystem::path& dir,
                                                std::string_view name,
                                                std::span<const std::byte, 16> random_bytes) {
  auto path = dir / identity_file_name;
  std::error_code ec;
  if (std::filesystem::exists(path, ec) || ec) {
    auto text = read_small_file(path);
    if (!text)
      return text.error();
    auto id = parse_identity(*text, path.string());
    if (!id)
      return id.error();
    if (!name.empty() && id->name != name)
      return make_error(errc::invalid_argument,
                        path.string() + ": this data directory belongs to node '" + id->name
                          + "', not '" + std::string{name}
                          + "'; use the same name or another --data-dir");
    return id;
  }
  if (auto st = check_name(name); !st)
    return make_error(st.error().code, path.string() + ": " + st.error().message);
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return make_error(errc::io_error,
                      dir.string() + ": cannot create the data directory: " + ec.message());
  node_identity id{make_uuid_v4(random_bytes), std::string{name}};
  if (auto st = write_file_atomically(path, as_byte_span(format_identity(id)), 0600); !st)
    return st.error();
  return id;
}

} // namespace swarm::membership
