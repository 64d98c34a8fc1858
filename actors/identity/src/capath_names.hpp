#pragma once

// How OpenSSL names things in a capath directory, shared by the loader
// (trust_store) and the writer (rehash_capath).

#include <cctype>
#include <cstdio>
#include <string>
#include <string_view>

#include <openssl/x509.h>

namespace swarm::identity::capath_names {

/// Returns whether `name` is what `openssl rehash` considers a certificate
/// file: *.pem, *.crt or *.cer.
inline bool is_cert_file(std::string_view name) {
  for (auto ext : {".pem", ".crt", ".cer"})
    if (name.size() > 4 && name.ends_with(ext))
      return true;
  return false;
}

/// Returns whether `name` looks like a certificate hash link, `<8 hex>.<n>`.
inline bool is_hash_link(std::string_view name) {
  if (name.size() < 10 || name[8] != '.')
    return false;
  for (size_t i = 0; i < 8; ++i)
    if (!std::isxdigit(static_cast<unsigned char>(name[i])) || std::isupper(name[i]))
      return false;
  for (size_t i = 9; i < name.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(name[i])))
      return false;
  return true;
}

/// Returns the 8 hex digits OpenSSL's capath lookup uses for `cert`
/// (X509_subject_name_hash, the OpenSSL >= 1.0 hash).
inline std::string subject_hash(X509* cert) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%08lx", X509_subject_name_hash(cert));
  return buf;
}

} // namespace swarm::identity::capath_names
