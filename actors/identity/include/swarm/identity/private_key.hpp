#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/types.h>

#include "swarm/common/error.hpp"
#include "swarm/identity/certificate.hpp"

namespace swarm::identity {

/// A parsed private key (RSA, EC or Ed25519); cheap to copy. Never printed:
/// there is deliberately no accessor for the key material.
class private_key {
public:
  /// Parses a PEM private key (PKCS#8, encrypted PKCS#8 or traditional).
  /// An encrypted key needs `passphrase`; OpenSSL's terminal prompt is never
  /// used. `origin` names the source in error messages.
  static expected<private_key> from_pem(std::string_view pem,
                                        const std::optional<std::string>& passphrase,
                                        std::string_view origin = "private key");

  /// Reads and parses the key file at `path`, with distinct failures for a
  /// missing, unreadable, non-PEM or corrupt file, a missing passphrase and
  /// a wrong one.
  static expected<private_key> load(const std::filesystem::path& path,
                                    const std::optional<std::string>& passphrase);

  /// Returns whether this is the key of `cert`.
  bool matches(const certificate& cert) const;

  /// Signs `data` (SHA-256 for RSA and EC; pure EdDSA for Ed25519).
  expected<std::vector<uint8_t>> sign(std::span<const uint8_t> data) const;

  /// Returns the OpenSSL object; owned by this key.
  EVP_PKEY* native() const {
    return pkey_.get();
  }

private:
  explicit private_key(std::shared_ptr<EVP_PKEY> pkey);

  std::shared_ptr<EVP_PKEY> pkey_;
};

/// Returns whether `signature` over `data` verifies with `cert`'s public key,
/// using the same digest choice as `private_key::sign`.
bool verify_signature(const certificate& cert, std::span<const uint8_t> data,
                      std::span<const uint8_t> signature);

} // namespace swarm::identity
