#pragma once

// Clients below the level of httplib, for what httplib cannot do: speak
// plain TCP to a TLS port, pin a TLS version, or just sit on a connection.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "tcp_socket.hpp"

namespace api_test {

using swarm::test::tcp_socket;

/// What a raw TLS exchange produced.
struct tls_outcome {
  /// Whether SSL_connect succeeded (in TLS 1.3 a client may finish its side
  /// of the handshake before the server rejects its certificate).
  bool handshake_ok = false;
  /// What the server sent back after the request, decrypted.
  std::string received;
};

/// Connects with OpenSSL directly, offering at most TLS version
/// `max_version` (e.g. TLS1_1_VERSION), presenting `cert`/`key` and
/// trusting `ca` for the server; sends `http_request` and reads the answer.
inline tls_outcome raw_tls_exchange(const std::string& host, uint16_t port,
                                    const std::filesystem::path& cert,
                                    const std::filesystem::path& key,
                                    const std::filesystem::path& ca, int max_version,
                                    const std::string& http_request) {
  tls_outcome result;
  tcp_socket sock{host, port};
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx{SSL_CTX_new(TLS_client_method()),
                                                        SSL_CTX_free};
  // Old versions are disabled at OpenSSL 3's default security level; lower
  // it so the client really offers them and the server is what refuses.
  SSL_CTX_set_security_level(ctx.get(), 0);
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_VERSION);
  SSL_CTX_set_max_proto_version(ctx.get(), max_version);
  SSL_CTX_use_certificate_file(ctx.get(), cert.c_str(), SSL_FILETYPE_PEM);
  SSL_CTX_use_PrivateKey_file(ctx.get(), key.c_str(), SSL_FILETYPE_PEM);
  SSL_CTX_load_verify_locations(ctx.get(), ca.c_str(), nullptr);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl{SSL_new(ctx.get()), SSL_free};
  SSL_set_fd(ssl.get(), sock.fd());
  result.handshake_ok = SSL_connect(ssl.get()) == 1;
  if (result.handshake_ok) {
    SSL_write(ssl.get(), http_request.data(), static_cast<int>(http_request.size()));
    char buf[4096];
    for (;;) {
      int n = SSL_read(ssl.get(), buf, sizeof(buf));
      if (n <= 0)
        break;
      result.received.append(buf, static_cast<size_t>(n));
    }
  }
  ERR_clear_error();
  return result;
}

} // namespace api_test
