#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/common/error.hpp"

namespace swarm::identity {

/// Clock used for certificate validity everywhere in this module.
using clock = std::chrono::system_clock;

/// A private key and its certificate, both PEM-encoded. The key is PKCS#8.
struct key_and_cert {
  /// The private key ("-----BEGIN PRIVATE KEY-----"): secret, never log it.
  std::string key_pem;
  /// The certificate ("-----BEGIN CERTIFICATE-----").
  std::string cert_pem;
};

/// What to put into a new certificate.
struct cert_spec {
  /// Subject common name, e.g. "SN-1" or "CA-1".
  std::string common_name;
  /// Subject organizational unit; HPE's trees use "Swarm-Learning".
  std::string organizational_unit = "Swarm-Learning";
  /// subjectAltName entries, each "DNS:<name>" or "IP:<address>".
  std::vector<std::string> sans;
  /// Start of validity.
  clock::time_point not_before;
  /// End of validity.
  clock::time_point not_after;
};

/// Creates a fresh EC P-256 key and a self-signed CA certificate for it:
/// basicConstraints critical CA:TRUE, keyUsage critical keyCertSign, cRLSign
/// and digitalSignature, subject and authority key identifiers, a random
/// 128-bit serial, signed with ECDSA-SHA256.
///
/// EC P-256 rather than HPE's RSA-2048: key generation takes microseconds
/// instead of tens of milliseconds, signatures are small, and the TLS stacks
/// we talk to (OpenSSL under CAF, cpp-httplib, browsers) all support it.
/// Keys of HPE trees (RSA) are still accepted everywhere else in this module.
expected<key_and_cert> make_ca(const cert_spec& spec);

/// Creates a fresh EC P-256 key and a certificate for it issued by `ca`:
/// basicConstraints critical CA:FALSE, keyUsage critical digitalSignature and
/// keyEncipherment, extendedKeyUsage serverAuth and clientAuth (every role is
/// both TLS client and server), subject and authority key identifiers, a
/// random 128-bit serial. Fails if `ca` does not parse or the key does not
/// belong to the certificate. The validity is taken as given, even outside
/// the CA's (tests issue expired certificates that way); verification judges.
expected<key_and_cert> issue_cert(const cert_spec& spec, const key_and_cert& ca);

/// Returns `key_pem` re-encoded as an AES-256-CBC encrypted PKCS#8 key that
/// opens with `passphrase` (what `openssl pkcs8 -topk8 -v2 aes256` writes).
expected<std::string> encrypt_key(std::string_view key_pem, std::string_view passphrase);

/// Checks that `entry` is a subjectAltName entry we can write: "DNS:<name>"
/// or "IP:<v4 or v6 address>". A bare value gets "IP:" if it parses as an
/// address and "DNS:" otherwise. Returns the normalized entry.
expected<std::string> normalize_san(std::string_view entry);

} // namespace swarm::identity
