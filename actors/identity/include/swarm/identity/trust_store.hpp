#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/types.h>

#include "swarm/common/error.hpp"
#include "swarm/identity/certificate.hpp"

namespace swarm::identity {

/// The CA certificates a node trusts, loaded once from a capath directory or
/// a cacert bundle. Cheap to copy; verification is safe from many threads.
class trust_store {
public:
  /// Loads every CA certificate from the certificate files (*.pem, *.crt,
  /// *.cer and OpenSSL's `<hash>.<n>` links) of directory `dir`, so that a
  /// capath works for our own checks even before it was rehashed. Fails if
  /// `dir` is missing, if a certificate file does not parse, or if no CA
  /// certificate is found (`failure::empty_trust_store`). Non-CA
  /// certificates are ignored: they could never be issuers.
  static expected<trust_store> load_capath(const std::filesystem::path& dir);

  /// Loads every CA certificate of the PEM bundle at `file`.
  static expected<trust_store> load_cacert(const std::filesystem::path& file);

  /// Loads from `capath` and/or `cacert` (whichever is non-empty; both
  /// means their union, like OpenSSL). Fails with `failure::no_trust_store`
  /// if both are empty.
  static expected<trust_store> load(const std::filesystem::path& capath,
                                    const std::filesystem::path& cacert);

  /// Builds a store from the CA certificates of an in-memory PEM bundle.
  static expected<trust_store> from_pem(std::string_view pem,
                                        std::string_view origin = "trust store");

  /// Returns the number of distinct CA certificates.
  size_t size() const {
    return cas_.size();
  }

  /// Returns the CA certificates.
  const std::vector<certificate>& cas() const {
    return cas_;
  }

  /// Returns where the store came from, e.g. "capath /w/cert/ca/capath".
  const std::string& origin() const {
    return origin_;
  }

  /// Returns the capath files whose CA certificate has no `<hash>.<n>` link:
  /// we trust them, but OpenSSL's own capath lookup (and so CAF's TLS) will
  /// not find them until `rehash_capath` runs.
  const std::vector<std::filesystem::path>& unlinked() const {
    return unlinked_;
  }

  /// Checks that `cert` is valid at `now` (`failure::expired`,
  /// `failure::not_yet_valid`) and chains to one of our CAs at `now`
  /// (`failure::untrusted`, with OpenSSL's reason). `intermediates` may help
  /// build the chain but are not trusted themselves.
  status verify(const certificate& cert, clock::time_point now,
                const std::vector<certificate>& intermediates = {}) const;

private:
  struct builder;

  trust_store() = default;

  std::shared_ptr<X509_STORE> store_;
  std::vector<certificate> cas_;
  std::string origin_;
  std::vector<std::filesystem::path> unlinked_;
};

} // namespace swarm::identity
