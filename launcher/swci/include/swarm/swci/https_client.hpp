#pragma once

#include <chrono>

#include "swarm/common/error.hpp"
#include "swarm/identity/preflight.hpp"
#include "swarm/swci/sn_client.hpp"

namespace swarm::swci {

/// How the SWCI reaches SNs: its identity and its patience.
struct https_options {
  /// `--key`, `--cert`, `--capath` / `--cacert`: the certificate SWCI
  /// presents, and the CAs an SN's certificate must chain to.
  identity::identity_files identity;
  /// Longest wait for the TCP connection and the TLS handshake.
  std::chrono::milliseconds connect_timeout{5'000};
  /// Longest wait for the next bytes of an answer (or of sending a request).
  std::chrono::milliseconds io_timeout{30'000};
};

/// Checks the identity files once (`identity::check_identity`) and returns
/// a factory of HTTPS clients with mutual TLS.
///
/// Unlike HPE's client (which passes `verify=False`), ours verifies the SN's
/// certificate chain against the trusted CAs and refuses the connection
/// otherwise. It does not match the certificate's names against the address:
/// HPE's and our gen-cert name components (`SN-1`), not hosts. Every
/// failure to get an answer is an `errc::io_error` naming the SN, e.g.
/// "cannot reach SN at 127.0.1.1:30304: connection refused".
expected<client_factory> make_https_factory(const https_options& options);

} // namespace swarm::swci
