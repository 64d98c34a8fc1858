#include "lane_tls.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "swarm/identity/certificate.hpp"
#include "swarm/identity/tls_identity.hpp"

namespace swarm::transport::detail {

namespace {

constexpr const char session_context[] = "swarm-lane";

error lane_setup_error(std::string what) {
  return make_error(errc::invalid_config,
                    "model lane TLS setup: " + what + ": " + last_tls_error());
}

/// The peer's certificate, through PEM: `certificate` owns its own parse.
expected<identity::certificate> peer_certificate(SSL* ssl) {
  X509* x = SSL_get0_peer_certificate(ssl);
  if (x == nullptr)
    return make_error(errc::invalid_argument, "the peer presented no certificate");
  std::unique_ptr<BIO, decltype(&BIO_free)> bio{BIO_new(BIO_s_mem()), &BIO_free};
  if (!bio || PEM_write_bio_X509(bio.get(), x) != 1)
    return make_error(errc::io_error, "cannot encode the peer certificate: " + last_tls_error());
  char* data = nullptr;
  auto size = BIO_get_mem_data(bio.get(), &data);
  return identity::certificate::from_pem(std::string_view{data, static_cast<size_t>(size)},
                                         "peer certificate");
}

} // namespace

void ssl_ctx_free::operator()(SSL_CTX* x) const { SSL_CTX_free(x); }

void ssl_free::operator()(SSL* x) const { SSL_free(x); }

std::string last_tls_error() {
  auto err = ERR_get_error();
  ERR_clear_error();
  if (err == 0)
    return "no OpenSSL error";
  char buf[256] = {};
  ERR_error_string_n(err, buf, sizeof(buf));
  return buf;
}

expected<ssl_ctx_ptr> make_lane_context(const local_identity& self) {
  ssl_ctx_ptr ctx{SSL_CTX_new(TLS_method())};
  if (!ctx)
    return lane_setup_error("cannot allocate a context");
  // Only our own nodes speak on the lane: TLS 1.3, no tickets or resumption
  // (each connection proves its certificate afresh), no renegotiation.
  if (SSL_CTX_set_min_proto_version(ctx.get(), TLS1_3_VERSION) != 1)
    return lane_setup_error("cannot require TLS 1.3");
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION
                                   | SSL_OP_NO_TICKET | SSL_OP_CIPHER_SERVER_PREFERENCE);
  // AES-128-GCM first: TLS 1.3's mandatory suite, at 128-bit security, and
  // a fifth faster than AES-256-GCM on AES-NI (3.4 against 2.7 GB/s here),
  // which a model's bytes pay twice per round (sealed, then opened). The
  // others of OpenSSL's default set follow, for peers that lack it.
  if (SSL_CTX_set_ciphersuites(ctx.get(), "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:"
                                          "TLS_CHACHA20_POLY1305_SHA256")
      != 1)
    return lane_setup_error("cannot set the TLS 1.3 cipher suites");
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(ctx.get(), 0);
  SSL_CTX_set_session_id_context(ctx.get(), reinterpret_cast<const unsigned char*>(session_context),
                                 sizeof(session_context) - 1);
  auto own = identity::certificate::from_pem(self.cert_pem, "own certificate");
  if (!own)
    return own.error();
  if (auto st = identity::use_identity(*ctx, *own, self.intermediates, self.key, self.trust, false,
                                       "model lane TLS setup");
      !st)
    return st.error();
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  return ctx;
}

status attach_socket(SSL* ssl, int fd) {
  // TLS cuts a model into 16 KiB records: written one by one, each is a
  // system call and a loopback segment. Gathered in a buffer, a model
  // leaves in a few writes of up to lane_write_buffer_bytes, at flush_writes
  // after each frame (build/bin/lane_bench: 1.95 against 2.69 ms and 3.1
  // against 4.6 ms of CPU per MNIST model, with AES-128-GCM). Reads stay
  // direct: OpenSSL's read ahead moves the rest of its buffer forward at
  // every record, and a 128 KiB read buffer, though it took lane_bench to
  // 1.63 ms, made two-node rounds slower (round_bench, 5 alternated pairs:
  // 9.69 against 8.99 ms).
  BIO* socket = BIO_new_socket(fd, BIO_NOCLOSE);
  BIO* buffer = BIO_new(BIO_f_buffer());
  if (socket == nullptr || buffer == nullptr
      || BIO_set_write_buffer_size(buffer, lane_write_buffer_bytes) != 1
      || BIO_up_ref(socket) != 1) {
    BIO_free(buffer);
    BIO_free(socket);
    return make_error(errc::io_error, "cannot set up TLS buffers: " + last_tls_error());
  }
  // The socket BIO is read directly and written through the buffer: one
  // reference each, both released by SSL_free.
  BIO_push(buffer, socket);
  SSL_set_bio(ssl, socket, buffer);
  return status::ok();
}

status flush_writes(SSL* ssl) {
  ERR_clear_error();
  if (BIO_flush(SSL_get_wbio(ssl)) != 1)
    return make_error(errc::io_error, "TLS write failed: " + last_tls_error());
  return status::ok();
}

status check_peer_name(SSL* ssl, std::string_view name) {
  if (SSL_get_verify_result(ssl) != X509_V_OK)
    return make_error(errc::invalid_argument, "the peer certificate did not verify");
  auto cert = peer_certificate(ssl);
  if (!cert)
    return cert.error();
  if (cert->has_name(name))
    return status::ok();
  std::string names;
  for (const auto& n : cert->names())
    names += (names.empty() ? "" : ", ") + n;
  return make_error(errc::invalid_argument,
                    "the peer certificate names " + names + ", not " + std::string{name});
}

status write_all(SSL* ssl, const void* data, size_t size) {
  const auto* at = static_cast<const char*>(data);
  while (size > 0) {
    // SSL_write takes an int; frames are bounded far below, but stay safe.
    int chunk = static_cast<int>(std::min<size_t>(size, size_t{1} << 30));
    // OpenSSL judges a failure by the thread's error queue: start clean.
    ERR_clear_error();
    int n = SSL_write(ssl, at, chunk);
    if (n <= 0)
      return make_error(errc::io_error, "TLS write failed: " + last_tls_error());
    at += n;
    size -= static_cast<size_t>(n);
  }
  return status::ok();
}

status read_exact(SSL* ssl, void* data, size_t size) {
  auto* at = static_cast<char*>(data);
  while (size > 0) {
    int chunk = static_cast<int>(std::min<size_t>(size, size_t{1} << 30));
    ERR_clear_error();
    int n = SSL_read(ssl, at, chunk);
    if (n <= 0) {
      auto code = SSL_get_error(ssl, n);
      if (code == SSL_ERROR_ZERO_RETURN)
        return make_error(errc::io_error, "closed");
      return make_error(errc::io_error, "TLS read failed: " + last_tls_error());
    }
    at += n;
    size -= static_cast<size_t>(n);
  }
  return status::ok();
}

} // namespace swarm::transport::detail
