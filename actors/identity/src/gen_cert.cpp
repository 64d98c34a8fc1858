#include "swarm/identity/gen_cert.hpp"

#include <algorithm>
#include <cctype>
#include <span>
#include <system_error>

#include "swarm/common/atomic_file.hpp"
#include "swarm/identity/capath.hpp"
#include "swarm/identity/failure.hpp"

namespace fs = std::filesystem;

namespace swarm::identity {

namespace {

// Beyond a century a validity is surely a typo.
constexpr int max_validity_days = 36500;

// "-I". Built by appending: GCC 12 warns (falsely) on "-" + std::string.
std::string host_suffix(int host_index) {
  std::string result{"-"};
  result += std::to_string(host_index);
  return result;
}

std::string upper(std::string_view text) {
  std::string result{text};
  for (auto& c : result)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return result;
}

status check_options(const gen_cert_options& opts) {
  const auto& ex = opts.example;
  if (ex.empty() || ex == "." || ex == ".." || ex.find('/') != std::string::npos
      || ex.find('\0') != std::string::npos)
    return make_error(failure::invalid_argument,
                      "example name \"" + ex + "\": must be a single directory name");
  if (opts.host_index <= 0)
    return make_error(failure::invalid_argument, "host index "
                                                   + std::to_string(opts.host_index)
                                                   + ": must be a positive integer");
  if (opts.days <= 0 || opts.days > max_validity_days)
    return make_error(failure::invalid_argument,
                      "validity of " + std::to_string(opts.days) + " days: must be 1 to "
                        + std::to_string(max_validity_days));
  return status::ok();
}

std::vector<fs::path> key_paths(const cert_tree& tree) {
  std::vector<fs::path> result{tree.ca_key};
  for (auto comp : gen_cert_components)
    result.push_back(tree.key(comp));
  return result;
}

// Checks every key before anything is written, so that a refusal leaves the
// tree as it was.
status check_overwrite(const cert_tree& tree) {
  for (const auto& path : key_paths(tree)) {
    std::error_code ec;
    if (fs::exists(fs::symlink_status(path, ec)))
      return make_error(failure::would_overwrite,
                        path.string() + " (pass --force to replace this host's keys)");
  }
  return status::ok();
}

status write(const fs::path& path, const std::string& content, unsigned mode) {
  auto st = write_file_atomically(path, std::as_bytes(std::span{content.data(), content.size()}),
                                  mode);
  if (!st)
    return make_error(failure::cannot_write, st.error().message);
  return status::ok();
}

struct issued {
  key_and_cert ca;
  std::vector<key_and_cert> components;
};

expected<issued> issue_all(const gen_cert_options& opts, std::vector<std::string> extra_sans) {
  auto now = opts.now.value_or(clock::now());
  auto suffix = host_suffix(opts.host_index);
  cert_spec spec;
  spec.not_before = now - clock_skew_allowance;
  spec.not_after = now + std::chrono::days{opts.days};
  spec.common_name = "CA" + suffix;
  spec.sans = {"DNS:" + spec.common_name};
  issued result;
  auto ca = make_ca(spec);
  if (!ca)
    return ca.error();
  result.ca = std::move(*ca);
  for (auto comp : gen_cert_components) {
    spec.common_name = upper(comp) + suffix;
    spec.sans = {"DNS:" + spec.common_name};
    for (const auto& san : extra_sans)
      if (std::find(spec.sans.begin(), spec.sans.end(), san) == spec.sans.end())
        spec.sans.push_back(san);
    auto leaf = issue_cert(spec, result.ca);
    if (!leaf)
      return leaf.error();
    result.components.push_back(std::move(*leaf));
  }
  return result;
}

} // namespace

fs::path cert_tree::key(std::string_view component) const {
  return dir / (std::string{component} + suffix_ + "-key.pem");
}

fs::path cert_tree::cert(std::string_view component) const {
  return dir / (std::string{component} + suffix_ + "-cert.pem");
}

cert_tree cert_tree::of(const fs::path& root, std::string_view example, int host_index) {
  cert_tree tree;
  tree.suffix_ = host_suffix(host_index);
  tree.dir = root / example / "cert";
  tree.capath = tree.dir / "ca" / "capath";
  tree.ca_cert = tree.capath / ("ca" + tree.suffix_ + "-cert.pem");
  tree.ca_key = tree.dir / "ca" / ("ca" + tree.suffix_ + "-key.pem");
  return tree;
}

expected<cert_tree> gen_cert(const gen_cert_options& opts) {
  if (auto st = check_options(opts); !st)
    return st.error();
  std::vector<std::string> extra_sans;
  for (const auto& entry : opts.extra_sans) {
    auto san = normalize_san(entry);
    if (!san)
      return san.error();
    extra_sans.push_back(std::move(*san));
  }
  auto tree = cert_tree::of(opts.root, opts.example, opts.host_index);
  if (!opts.force)
    if (auto st = check_overwrite(tree); !st)
      return st.error();
  auto certs = issue_all(opts, std::move(extra_sans));
  if (!certs)
    return certs.error();
  std::error_code ec;
  fs::create_directories(tree.capath, ec);
  if (ec)
    return make_error(failure::cannot_write, tree.capath.string() + ": " + ec.message());
  struct output {
    fs::path path;
    const std::string* content;
    unsigned mode;
  };
  std::vector<output> files{{tree.ca_key, &certs->ca.key_pem, 0600},
                            {tree.ca_cert, &certs->ca.cert_pem, 0644}};
  for (size_t i = 0; i < gen_cert_components.size(); ++i) {
    auto comp = gen_cert_components[i];
    files.push_back({tree.key(comp), &certs->components[i].key_pem, 0600});
    files.push_back({tree.cert(comp), &certs->components[i].cert_pem, 0644});
  }
  for (const auto& file : files)
    if (auto st = write(file.path, *file.content, file.mode); !st)
      return st.error();
  if (auto links = rehash_capath(tree.capath); !links)
    return links.error();
  return tree;
}

} // namespace swarm::identity
