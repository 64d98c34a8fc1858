#include "tls_context.hpp"

#include <string>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

namespace swarm::api::detail {

namespace {

constexpr const char session_context[] = "swarm-api";

// TLS 1.2 suites with forward secrecy and AEAD, for ECDSA and RSA keys
// (gen-cert makes EC keys, HPE trees hold RSA ones). TLS 1.3 suites are
// OpenSSL's defaults, all of which qualify.
constexpr const char tls12_ciphers[] = "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL";

error tls_error(std::string what) {
  auto err = ERR_get_error();
  if (err != 0) {
    char buf[256] = {};
    ERR_error_string_n(err, buf, sizeof(buf));
    what += ": ";
    what += buf;
  }
  ERR_clear_error();
  return make_error(errc::invalid_argument, "API server TLS setup: " + what);
}

status add_trust(SSL_CTX& ctx, const identity::checked_identity& id) {
  auto* store = X509_STORE_new();
  if (store == nullptr)
    return tls_error("cannot allocate the trust store");
  // The context owns the store from here on, even if we fail below.
  SSL_CTX_set_cert_store(&ctx, store);
  for (const auto& ca : id.trust.cas()) {
    if (X509_STORE_add_cert(store, ca.native()) != 1)
      return tls_error("cannot trust " + ca.origin());
    // Names the acceptable CAs in the CertificateRequest, so clients with
    // several certificates (browsers, curl) pick a fitting one.
    if (SSL_CTX_add_client_CA(&ctx, ca.native()) != 1)
      return tls_error("cannot announce " + ca.origin());
  }
  return status::ok();
}

} // namespace

status configure_tls(SSL_CTX& ctx, const identity::checked_identity& id, verify_fn verify) {
  if (SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION) != 1)
    return tls_error("cannot require TLS 1.2");
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION
                              | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
  SSL_CTX_set_session_cache_mode(&ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(&ctx, 0);
  SSL_CTX_set_session_id_context(&ctx, reinterpret_cast<const unsigned char*>(session_context),
                                 sizeof(session_context) - 1);
  if (SSL_CTX_set_cipher_list(&ctx, tls12_ciphers) != 1)
    return tls_error("cannot set the TLS 1.2 cipher suites");
  if (SSL_CTX_use_certificate(&ctx, id.cert.native()) != 1)
    return tls_error("cannot use " + id.cert.origin());
  for (const auto& cert : id.intermediates)
    if (SSL_CTX_add1_chain_cert(&ctx, cert.native()) != 1)
      return tls_error("cannot add intermediate " + cert.origin());
  if (SSL_CTX_use_PrivateKey(&ctx, id.key.native()) != 1)
    return tls_error("cannot use the private key");
  if (SSL_CTX_check_private_key(&ctx) != 1)
    return tls_error("the private key does not match the certificate");
  if (auto st = add_trust(ctx, id); !st)
    return st;
  SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verify);
  return status::ok();
}

} // namespace swarm::api::detail
