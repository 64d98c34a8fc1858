#include "swarm/identity/tls_identity.hpp"

#include <string>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

namespace swarm::identity {

namespace {

error setup_error(std::string_view who, const std::string& what) {
  std::string message{who};
  message += ": " + what;
  if (auto err = ERR_get_error(); err != 0) {
    char buf[256] = {};
    ERR_error_string_n(err, buf, sizeof(buf));
    message += ": ";
    message += buf;
  }
  ERR_clear_error();
  return make_error(errc::invalid_argument, std::move(message));
}

} // namespace

status use_identity(SSL_CTX& ctx, const certificate& cert,
                    const std::vector<certificate>& intermediates, const private_key& key,
                    const trust_store& trust, bool announce_cas, std::string_view who) {
  if (SSL_CTX_use_certificate(&ctx, cert.native()) != 1)
    return setup_error(who, "cannot use " + cert.origin());
  for (const auto& x : intermediates)
    if (SSL_CTX_add1_chain_cert(&ctx, x.native()) != 1)
      return setup_error(who, "cannot add intermediate " + x.origin());
  if (SSL_CTX_use_PrivateKey(&ctx, key.native()) != 1)
    return setup_error(who, "cannot use the private key");
  if (SSL_CTX_check_private_key(&ctx) != 1)
    return setup_error(who, "the private key does not match the certificate");
  auto* store = X509_STORE_new();
  if (store == nullptr)
    return setup_error(who, "cannot allocate the trust store");
  // The context owns the store from here on, even if we fail below.
  SSL_CTX_set_cert_store(&ctx, store);
  for (const auto& ca : trust.cas()) {
    if (X509_STORE_add_cert(store, ca.native()) != 1)
      return setup_error(who, "cannot trust " + ca.origin());
    if (announce_cas && SSL_CTX_add_client_CA(&ctx, ca.native()) != 1)
      return setup_error(who, "cannot announce " + ca.origin());
  }
  return status::ok();
}

} // namespace swarm::identity
