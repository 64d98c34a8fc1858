#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/identity/certificate.hpp"
#include "swarm/identity/private_key.hpp"
#include "swarm/identity/trust_store.hpp"

namespace swarm::identity {

/// The files a role is started with (HPE's --key, --cert, --capath/--cacert).
struct identity_files {
  /// Private key (PEM).
  std::filesystem::path key;
  /// Certificate (PEM); further certificates in the file are intermediates.
  std::filesystem::path cert;
  /// Passphrase of an encrypted key.
  std::optional<std::string> passphrase;
  /// Directory of trusted CA certificates (may be empty if `cacert` is set).
  std::filesystem::path capath;
  /// File of trusted CA certificates (may be empty if `capath` is set).
  std::filesystem::path cacert;
};

/// A checked identity, loaded once so that nothing is re-read later.
struct checked_identity {
  /// The node's certificate.
  certificate cert;
  /// Intermediate certificates that followed it in the certificate file.
  std::vector<certificate> intermediates;
  /// The node's private key.
  private_key key;
  /// The CAs it trusts.
  trust_store trust;
  /// The names the node may claim: CN first, then SAN DNS entries.
  std::vector<std::string> names;
  /// Problems that do not stop the node, e.g. a key readable by others.
  std::vector<std::string> warnings;
};

/// Checks everything CAF 0.17 would otherwise only discover at the first
/// connection (by terminating or hanging): that each file exists, is
/// readable and parses; that the passphrase opens the key; that the key
/// belongs to the certificate; that the certificate is valid at `now` and
/// chains to the trust store; and that the trust store holds a CA. Each
/// failure is a distinct `failure` whose message names the file.
///
/// A key file readable by group or others is a warning, not an error: HPE's
/// gen-cert writes keys 0644, and refusing those trees would break every
/// migrated deployment. The warning says how to fix it.
expected<checked_identity> check_identity(const identity_files& files, clock::time_point now);

} // namespace swarm::identity
