#include "identity_flags.hpp"

#include <CLI/CLI.hpp>

namespace swarm::launcher {

identity::identity_files identity_flags::files() const {
  identity::identity_files result;
  result.key = key;
  result.cert = cert;
  result.capath = capath;
  result.cacert = cacert;
  return result;
}

std::string identity_flags::missing() const {
  if (capath.empty() && cacert.empty())
    return "--capath or --cacert is required";
  return {};
}

void add_identity_flags(CLI::App& cmd, identity_flags& flags, bool required) {
  auto* key = cmd.add_option("--key", flags.key, "Private key (PEM)");
  auto* cert = cmd.add_option("--cert", flags.cert, "Certificate (PEM)");
  if (required) {
    key->required();
    cert->required();
  }
  auto* capath = cmd.add_option("--capath", flags.capath, "Directory of trusted CA certificates");
  auto* cacert = cmd.add_option("--cacert", flags.cacert, "Bundle of trusted CA certificates");
  capath->excludes(cacert);
}

} // namespace swarm::launcher
