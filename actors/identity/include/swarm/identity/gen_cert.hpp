#pragma once

#include <array>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/identity/pki.hpp"

namespace swarm::identity {

/// The components that get a key and a certificate per host, in HPE's order.
inline constexpr std::array<std::string_view, 4> gen_cert_components = {"sn", "sl", "swop",
                                                                        "swci"};

/// Default validity of generated certificates (HPE's script leaves openssl's
/// 30 days, after which every SN becomes unreachable).
inline constexpr int default_validity_days = 365;

/// Options of `swarm gen-cert`.
struct gen_cert_options {
  /// Workspace root; the tree goes to `<root>/<example>/cert/`.
  std::filesystem::path root = "workspace";
  /// Example name, e.g. "mnist"; a single path component.
  std::string example;
  /// Host index I (positive); names are CA-I, SN-I, SL-I, SWOP-I, SWCI-I.
  int host_index = 0;
  /// Validity in days, counted from `now`.
  int days = default_validity_days;
  /// Replace existing keys instead of refusing.
  bool force = false;
  /// Extra subjectAltName entries for every component certificate.
  std::vector<std::string> extra_sans;
  /// Issue time; empty means the current time.
  std::optional<clock::time_point> now;
};

/// The paths of one host's tree, as HPE's gen-cert lays it out.
struct cert_tree {
  /// `<root>/<example>/cert`.
  std::filesystem::path dir;
  /// `cert/ca/capath`: the trust store to pass as `--capath`.
  std::filesystem::path capath;
  /// `cert/ca/capath/ca-I-cert.pem`.
  std::filesystem::path ca_cert;
  /// `cert/ca/ca-I-key.pem`.
  std::filesystem::path ca_key;

  /// Returns `cert/<component>-I-key.pem`.
  std::filesystem::path key(std::string_view component) const;

  /// Returns `cert/<component>-I-cert.pem`.
  std::filesystem::path cert(std::string_view component) const;

  /// Returns the paths for host `host_index` of `example` under `root`.
  static cert_tree of(const std::filesystem::path& root, std::string_view example,
                      int host_index);

private:
  std::string suffix_;
};

/// Slack subtracted from notBefore so that a certificate issued on one host
/// is already valid on a host whose clock is a little behind.
inline constexpr std::chrono::minutes clock_skew_allowance{5};

/// Writes one host's tree: a fresh CA and a key and certificate for each of
/// `gen_cert_components`, with subjects `/OU=Swarm-Learning/CN=<COMP>-I`,
/// SANs `DNS:<COMP>-I` plus `extra_sans`, keys 0600 and certificates 0644
/// (each written atomically), then rehashes the capath. Checks every option
/// and every existing key before writing anything, so a refusal leaves the
/// tree untouched. Returns the tree's paths.
expected<cert_tree> gen_cert(const gen_cert_options& opts);

} // namespace swarm::identity
