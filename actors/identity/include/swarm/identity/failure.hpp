#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "swarm/common/error.hpp"

/// Identity and trust over OpenSSL: certificate generation, pre-flight checks
/// of key, certificate and trust store, and the application-level identity
/// proof that CAF 0.17's TLS lacks.
namespace swarm::identity {

/// Why an identity operation failed. Every failure of this module carries one,
/// so callers (and tests, and metrics) can tell the cases apart without
/// parsing free text: the error message starts with `to_string(failure)`.
enum class failure : uint8_t {
  /// A file or directory does not exist.
  file_missing,
  /// A file exists but cannot be read (permissions, a directory, I/O error).
  file_unreadable,
  /// A file holds no PEM block of the expected kind.
  not_pem,
  /// A PEM block is present but its content does not parse.
  malformed,
  /// The private key is encrypted and no passphrase was given.
  passphrase_required,
  /// The private key is encrypted and the passphrase does not open it.
  wrong_passphrase,
  /// The private key does not belong to the certificate.
  key_mismatch,
  /// The certificate's notAfter lies in the past.
  expired,
  /// The certificate's notBefore lies in the future.
  not_yet_valid,
  /// Neither a capath nor a cacert was configured.
  no_trust_store,
  /// The trust store holds no CA certificate.
  empty_trust_store,
  /// The certificate does not chain to a CA of the trust store.
  untrusted,
  /// A proof is structurally invalid (missing fields, wrong sizes).
  malformed_proof,
  /// A proof answers a nonce other than the one we sent (a replay).
  nonce_mismatch,
  /// A proof was made for the other side of the handshake (a reflection).
  role_mismatch,
  /// The claimed node name is neither the certificate's CN nor a SAN DNS name.
  name_mismatch,
  /// The signature does not verify with the certificate's public key.
  bad_signature,
  /// Refused to overwrite an existing private key (gen-cert without --force).
  would_overwrite,
  /// A file or directory could not be created or written.
  cannot_write,
  /// An argument is out of range or malformed (gen-cert options, SANs).
  invalid_argument,
  /// OpenSSL failed where it should not (allocation, RNG, signing).
  internal,
};

/// Returns the fixed phrase that starts every message of `x`, e.g.
/// "certificate has expired". No phrase is a prefix of another.
std::string_view to_string(failure x);

/// Prints the phrase of `x` (for logs and test diagnostics).
std::ostream& operator<<(std::ostream& out, failure x);

/// Builds an error whose message is "<phrase>: <detail>" and whose category
/// is the `errc` that fits `x` best (io_error for missing and unreadable
/// files, parse_error for unparsable content, invalid_argument otherwise).
swarm::error make_error(failure x, std::string detail);

/// Returns the failure that `err` carries, or nothing if it did not come from
/// this module.
std::optional<failure> failure_of(const swarm::error& err);

} // namespace swarm::identity
