#pragma once

#include <openssl/types.h>

#include "swarm/common/error.hpp"
#include "swarm/identity/preflight.hpp"

namespace swarm::api::detail {

/// Verification callback type of `SSL_CTX_set_verify`.
using verify_fn = int (*)(int, X509_STORE_CTX*);

/// Configures `ctx` as a mutual-TLS server for `id`: TLS 1.2 or later, AEAD
/// ciphers with forward secrecy, no compression, renegotiation, session
/// tickets or session cache (each connection presents and proves its
/// certificate afresh); the node's certificate, intermediates and key; and a
/// client-certificate requirement against exactly the CAs the pre-flight
/// loaded, so nothing is re-read from disk and capath hash links do not
/// matter. `verify` observes verification results.
status configure_tls(SSL_CTX& ctx, const identity::checked_identity& id, verify_fn verify);

} // namespace swarm::api::detail
