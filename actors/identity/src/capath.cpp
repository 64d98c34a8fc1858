#include "swarm/identity/capath.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include <unistd.h>

#include "capath_names.hpp"
#include "ossl.hpp"
#include "swarm/identity/certificate.hpp"

namespace fs = std::filesystem;

namespace swarm::identity {

namespace {

// A certificate file that deserves a link.
struct source {
  std::string file;
  std::string hash;
  std::string fingerprint;
};

// Like `openssl rehash`: only files with exactly one certificate get a link.
std::optional<source> inspect(const fs::path& path) {
  auto text = ossl::read_file(path, "capath file");
  if (!text)
    return std::nullopt;
  auto certs = certificate::all_from_pem(*text, path.string());
  if (!certs || certs->size() != 1)
    return std::nullopt;
  const auto& cert = certs->front();
  return source{path.filename().string(), capath_names::subject_hash(cert.native()),
                cert.fingerprint()};
}

// The links the directory should hold: name -> target file name.
std::map<std::string, std::string> plan_links(const fs::path& dir,
                                              const std::set<std::string>& reserved) {
  std::vector<source> sources;
  for (const auto& entry : fs::directory_iterator{dir}) {
    auto name = entry.path().filename().string();
    if (capath_names::is_hash_link(name) || !capath_names::is_cert_file(name))
      continue;
    if (auto src = inspect(entry.path()))
      sources.push_back(std::move(*src));
  }
  // Sorted, so that the same directory always yields the same links.
  std::sort(sources.begin(), sources.end(),
            [](const source& a, const source& b) { return a.file < b.file; });
  std::map<std::string, std::string> links;
  std::set<std::string> seen;
  std::map<std::string, int> next_index;
  for (const auto& src : sources) {
    if (!seen.insert(src.fingerprint).second)
      continue;
    std::string name;
    do
      name = src.hash + "." + std::to_string(next_index[src.hash]++);
    while (reserved.contains(name));
    links[name] = src.file;
  }
  return links;
}

bool points_to(const fs::path& link, const std::string& target) {
  std::error_code ec;
  return fs::is_symlink(fs::symlink_status(link, ec)) && fs::read_symlink(link, ec) == target
         && !ec;
}

status place_link(const fs::path& dir, const std::string& name, const std::string& target) {
  auto path = dir / name;
  if (points_to(path, target))
    return status::ok();
  // Build the link under a temporary name and rename it into place, so a
  // reader never finds the name missing or half-made.
  auto tmp = dir / ("." + name + ".tmp." + std::to_string(::getpid()));
  std::error_code ec;
  fs::remove(tmp, ec);
  fs::create_symlink(target, tmp, ec);
  if (!ec)
    fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return make_error(failure::file_unreadable,
                      "capath " + dir.string() + ": cannot link " + name + " -> " + target
                        + ": " + ec.message());
  }
  return status::ok();
}

} // namespace

expected<size_t> rehash_capath(const fs::path& dir) {
  std::error_code ec;
  auto st = fs::status(dir, ec);
  if (!fs::exists(st))
    return make_error(failure::file_missing, "capath " + dir.string());
  if (!fs::is_directory(st))
    return make_error(failure::file_unreadable, "capath " + dir.string() + ": not a directory");
  try {
    // Hash-named regular files are the user's, not ours: never replace them.
    std::set<std::string> reserved;
    std::vector<fs::path> old_links;
    for (const auto& entry : fs::directory_iterator{dir}) {
      auto name = entry.path().filename().string();
      if (!capath_names::is_hash_link(name))
        continue;
      if (entry.is_symlink())
        old_links.push_back(entry.path());
      else
        reserved.insert(name);
    }
    auto links = plan_links(dir, reserved);
    for (const auto& [name, target] : links)
      if (auto placed = place_link(dir, name, target); !placed)
        return placed.error();
    for (const auto& old : old_links)
      if (!links.contains(old.filename().string()))
        fs::remove(old);
    return links.size();
  } catch (const fs::filesystem_error& e) {
    return make_error(failure::file_unreadable, "capath " + dir.string() + ": " + e.what());
  }
}

} // namespace swarm::identity
