#pragma once

// The identity flags every long-running command takes (HPE's --key,
// --cert, --capath; --cacert names a bundle instead of a directory).

#include <string>

#include "swarm/identity/preflight.hpp"

namespace CLI {
class App;
} // namespace CLI

namespace swarm::launcher {

/// The values of --key, --cert, --capath and --cacert.
struct identity_flags {
  /// Private key (PEM).
  std::string key;
  /// Certificate (PEM).
  std::string cert;
  /// Directory of trusted CA certificates.
  std::string capath;
  /// Bundle of trusted CA certificates.
  std::string cacert;

  /// Returns the files the flags name.
  identity::identity_files files() const;

  /// Returns what is missing ("--capath or --cacert is required"), or an
  /// empty string if nothing is.
  std::string missing() const;
};

/// Registers the four flags on `cmd` into `flags`: --key and --cert are
/// required if `required`, and --capath excludes --cacert.
void add_identity_flags(CLI::App& cmd, identity_flags& flags, bool required = true);

} // namespace swarm::launcher
