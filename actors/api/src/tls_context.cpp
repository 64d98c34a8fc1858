#include "tls_context.hpp"

#include <string>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "swarm/identity/tls_identity.hpp"

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
  if (auto st = identity::use_identity(ctx, id.cert, id.intermediates, id.key, id.trust, true,
                                       "API server TLS setup");
      !st)
    return st;
  SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verify);
  return status::ok();
}

} // namespace swarm::api::detail
