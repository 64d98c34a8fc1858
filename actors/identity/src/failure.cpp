#include "swarm/identity/failure.hpp"

#include <ostream>

namespace swarm::identity {

namespace {

constexpr failure all_failures[] = {
  failure::file_missing,     failure::file_unreadable,     failure::not_pem,
  failure::malformed,        failure::passphrase_required, failure::wrong_passphrase,
  failure::key_mismatch,     failure::expired,             failure::not_yet_valid,
  failure::no_trust_store,   failure::empty_trust_store,   failure::untrusted,
  failure::malformed_proof,  failure::nonce_mismatch,      failure::role_mismatch,
  failure::name_mismatch,    failure::bad_signature,       failure::would_overwrite,
  failure::cannot_write,     failure::invalid_argument, failure::internal,
};

errc category_of(failure x) {
  switch (x) {
    case failure::file_missing:
    case failure::file_unreadable:
    case failure::cannot_write:
      return errc::io_error;
    case failure::not_pem:
    case failure::malformed:
    case failure::malformed_proof:
      return errc::parse_error;
    case failure::no_trust_store:
    case failure::empty_trust_store:
      return errc::invalid_config;
    default:
      return errc::invalid_argument;
  }
}

} // namespace

std::string_view to_string(failure x) {
  switch (x) {
    case failure::file_missing:
      return "file not found";
    case failure::file_unreadable:
      return "cannot read file";
    case failure::not_pem:
      return "not a PEM file";
    case failure::malformed:
      return "PEM content does not parse";
    case failure::passphrase_required:
      return "encrypted key needs a passphrase";
    case failure::wrong_passphrase:
      return "wrong passphrase";
    case failure::key_mismatch:
      return "private key does not match certificate";
    case failure::expired:
      return "certificate has expired";
    case failure::not_yet_valid:
      return "certificate is not yet valid";
    case failure::no_trust_store:
      return "no trust store configured";
    case failure::empty_trust_store:
      return "no CA certificate in trust store";
    case failure::untrusted:
      return "certificate not issued by a trusted CA";
    case failure::malformed_proof:
      return "malformed identity proof";
    case failure::nonce_mismatch:
      return "identity proof answers another nonce";
    case failure::role_mismatch:
      return "identity proof made for the wrong side";
    case failure::name_mismatch:
      return "claimed name not in certificate";
    case failure::bad_signature:
      return "identity proof signature does not verify";
    case failure::would_overwrite:
      return "refusing to overwrite existing key";
    case failure::cannot_write:
      return "cannot write file";
    case failure::invalid_argument:
      return "invalid argument";
    case failure::internal:
      return "OpenSSL failure";
  }
  return "identity failure";
}

std::ostream& operator<<(std::ostream& out, failure x) {
  return out << to_string(x);
}

swarm::error make_error(failure x, std::string detail) {
  auto message = std::string{to_string(x)};
  if (!detail.empty()) {
    message += ": ";
    message += detail;
  }
  return swarm::make_error(category_of(x), std::move(message));
}

std::optional<failure> failure_of(const swarm::error& err) {
  for (auto x : all_failures) {
    auto phrase = to_string(x);
    const auto& msg = err.message;
    if (msg.starts_with(phrase) && (msg.size() == phrase.size() || msg[phrase.size()] == ':'))
      return x;
  }
  return std::nullopt;
}

} // namespace swarm::identity
