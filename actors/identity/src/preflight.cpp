#include "swarm/identity/preflight.hpp"

#include <cstdio>

#include <sys/stat.h>

#include "swarm/identity/failure.hpp"

namespace swarm::identity {

namespace {

std::string octal_mode(unsigned mode) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "%04o", mode & 07777);
  return buf;
}

// A key others can read is a warning (see check_identity's documentation).
void check_key_mode(const std::filesystem::path& key, std::vector<std::string>& warnings) {
  struct stat st {};
  if (::stat(key.c_str(), &st) != 0 || (st.st_mode & 077) == 0)
    return;
  warnings.push_back("key " + key.string() + " is accessible by group or others (mode "
                     + octal_mode(st.st_mode) + "); run: chmod 600 " + key.string());
}

void check_capath_links(const trust_store& trust, std::vector<std::string>& warnings) {
  for (const auto& file : trust.unlinked())
    warnings.push_back("CA certificate " + file.string()
                       + " has no hash link, so TLS connections will not trust it;"
                         " the launcher rehashes the capath, or run: openssl rehash "
                       + file.parent_path().string());
}

} // namespace

expected<checked_identity> check_identity(const identity_files& files, clock::time_point now) {
  // Files first, in the order a user would fix them: each message names one.
  if (files.cert.empty())
    return make_error(failure::file_missing, "no certificate given (--cert)");
  if (files.key.empty())
    return make_error(failure::file_missing, "no key given (--key)");
  auto chain = certificate::load_all(files.cert);
  if (!chain)
    return chain.error();
  auto key = private_key::load(files.key, files.passphrase);
  if (!key)
    return key.error();
  auto trust = trust_store::load(files.capath, files.cacert);
  if (!trust)
    return trust.error();
  auto cert = chain->front();
  // Certificates after the leaf are intermediates: they help build the
  // chain but are not trusted.
  std::vector<certificate> intermediates(chain->begin() + 1, chain->end());
  if (!key->matches(cert))
    return make_error(failure::key_mismatch, "key " + files.key.string() + " does not belong to "
                                               + files.cert.string() + " (" + cert.subject()
                                               + ")");
  if (auto st = trust->verify(cert, now, intermediates); !st)
    return st.error();
  checked_identity result{cert, std::move(intermediates), std::move(*key), std::move(*trust),
                          cert.names(), {}};
  check_key_mode(files.key, result.warnings);
  check_capath_links(result.trust, result.warnings);
  return result;
}

} // namespace swarm::identity
