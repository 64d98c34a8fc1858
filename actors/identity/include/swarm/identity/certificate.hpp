#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/types.h>

#include "swarm/common/error.hpp"
#include "swarm/identity/pki.hpp"

namespace swarm::identity {

/// A parsed X.509 certificate; cheap to copy (shares the OpenSSL object,
/// which is never modified after parsing).
class certificate {
public:
  /// Parses the first certificate of `pem`; `origin` names the source in
  /// error messages (a path, or "peer certificate").
  static expected<certificate> from_pem(std::string_view pem,
                                        std::string_view origin = "certificate");

  /// Parses every certificate of `pem`, in order; fails if there is none.
  static expected<std::vector<certificate>> all_from_pem(std::string_view pem,
                                                         std::string_view origin);

  /// Reads and parses the first certificate of the file at `path`, with
  /// distinct failures for a missing, unreadable, non-PEM or corrupt file.
  static expected<certificate> load(const std::filesystem::path& path);

  /// Like `load`, but returns every certificate of the file (a leaf and
  /// the intermediates that follow it).
  static expected<std::vector<certificate>> load_all(const std::filesystem::path& path);

  /// Returns the PEM encoding.
  std::string pem() const;

  /// Returns where the certificate came from (for messages).
  const std::string& origin() const {
    return origin_;
  }

  /// Returns the subject's common name, or "" if it has none.
  std::string common_name() const;

  /// Returns the subject in OpenSSL's one-line form, e.g.
  /// "/OU=Swarm-Learning/CN=SN-1".
  std::string subject() const;

  /// Returns the DNS entries of the subjectAltName extension.
  std::vector<std::string> dns_names() const;

  /// Returns the names a node may claim: the CN, then the SAN DNS entries,
  /// without duplicates.
  std::vector<std::string> names() const;

  /// Returns whether `name` is the CN or a SAN DNS entry (exact match:
  /// node names are identifiers, not host patterns, so no wildcards).
  bool has_name(std::string_view name) const;

  /// Returns the lower-case hex SHA-256 of the DER encoding.
  std::string fingerprint() const;

  /// Returns the start of validity.
  clock::time_point not_before() const;

  /// Returns the end of validity.
  clock::time_point not_after() const;

  /// Returns whether basicConstraints says CA:TRUE.
  bool is_ca() const;

  /// Fails with `failure::expired` or `failure::not_yet_valid`, saying when,
  /// unless `now` lies within the validity period.
  status check_validity(clock::time_point now) const;

  /// Returns the OpenSSL object; owned by this certificate.
  X509* native() const {
    return x509_.get();
  }

private:
  certificate(std::shared_ptr<X509> x509, std::string origin);

  std::shared_ptr<X509> x509_;
  std::string origin_;
};

/// Formats `t` as "2025-01-31 12:00:00 UTC" for messages.
std::string format_time(clock::time_point t);

} // namespace swarm::identity
