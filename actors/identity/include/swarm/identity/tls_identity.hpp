#pragma once

#include <string_view>
#include <vector>

#include <openssl/types.h>

#include "swarm/common/error.hpp"
#include "swarm/identity/certificate.hpp"
#include "swarm/identity/private_key.hpp"
#include "swarm/identity/trust_store.hpp"

namespace swarm::identity {

/// Loads a node's identity into an OpenSSL context, for mutual TLS: its
/// certificate, the intermediates that followed it in its file, its key
/// (checked against the certificate), and a trust store of exactly
/// `trust`'s CAs, so nothing is re-read from disk and capath hash links do
/// not matter. With `announce_cas`, a server also names those CAs in its
/// CertificateRequest (clients with several certificates pick a fitting
/// one). Errors start with `who` (e.g. "API server TLS setup").
status use_identity(SSL_CTX& ctx, const certificate& cert,
                    const std::vector<certificate>& intermediates, const private_key& key,
                    const trust_store& trust, bool announce_cas, std::string_view who);

} // namespace swarm::identity
