#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include <openssl/types.h>

namespace swarm::api::detail {

/// Why the server refused a TLS connection, in few enough kinds to be a
/// metric label.
enum class refusal : uint8_t {
  /// The client sent no certificate.
  no_certificate,
  /// The client's certificate (or a CA above it) has expired.
  expired,
  /// The client's certificate is not valid yet.
  not_yet_valid,
  /// The client's certificate does not chain to a trusted CA.
  untrusted,
  /// The certificate was rejected for another reason (signature, purpose).
  bad_certificate,
  /// The client spoke plain HTTP to the TLS port.
  plaintext,
  /// No common protocol version or cipher, or a malformed handshake.
  protocol,
  /// The handshake did not finish within the handshake timeout.
  timeout,
  /// The client closed the connection during the handshake.
  closed,
  /// Anything else.
  other,
};

/// Returns the label value of `x`, e.g. "no_certificate".
std::string_view to_string(refusal x) noexcept;

/// Returns whether `x` is about the client's certificate: those are worth
/// an INFO line (a misconfigured peer), the rest only DEBUG (scanners).
bool is_certificate_refusal(refusal x) noexcept;

/// What the guard knows about a refused connection.
struct refusal_report {
  /// Why.
  refusal reason = refusal::other;
  /// "address:port" of the client.
  std::string peer;
  /// OpenSSL's explanation, and the subject of the rejected certificate
  /// when there was one.
  std::string detail;
};

/// Watches every TLS connection of one server from the start of its
/// handshake until OpenSSL frees it. It gives each connection a deadline
/// (short until the handshake completes, then a longer one), shuts down the
/// socket of a connection that outlives it, cuts every connection at once
/// on `stop`, and reports failed handshakes with their reason.
///
/// cpp-httplib 0.11 has only per-read timeouts, so a client sending one
/// byte every few seconds would hold a worker forever; and it never hands
/// out accepted sockets. The guard sees them through OpenSSL's callbacks
/// (handshake start, alerts, verification, and the free of ex_data), which
/// run in the worker thread that owns the connection. The socket is shut
/// down, never closed, and only while the SSL object is alive: httplib
/// closes the descriptor after freeing it, so the guard never touches a
/// reused descriptor.
class connection_guard {
public:
  /// Called for each failed handshake, from the worker thread.
  using refusal_hook = std::function<void(const refusal_report&)>;

  /// Starts the watchdog thread.
  connection_guard(std::chrono::milliseconds handshake_timeout,
                   std::chrono::milliseconds connection_timeout, refusal_hook on_refusal);

  /// Stops the watchdog; the SSL_CTX it was attached to must be freed, or
  /// have no live connections, by then.
  ~connection_guard();

  connection_guard(const connection_guard&) = delete;
  connection_guard& operator=(const connection_guard&) = delete;

  /// Installs the info callback on `ctx` and makes the guard findable from
  /// its connections. Call once, while configuring the context.
  void attach(SSL_CTX* ctx);

  /// Verification callback for `SSL_CTX_set_verify`: keeps the outcome
  /// unchanged, but remembers why a certificate was rejected.
  static int verify_callback(int preverify_ok, X509_STORE_CTX* store_ctx);

  /// Shuts down every tracked connection and every one that starts from
  /// now on, so that workers finish at once. Irreversible.
  void cut_all();

  /// Returns the number of connections currently tracked.
  size_t open_connections() const;

private:
  struct entry {
    int fd = -1;
    std::string peer;
    std::chrono::steady_clock::time_point started;
    std::chrono::steady_clock::time_point deadline;
    bool handshaken = false;
    bool timed_out = false;
    bool cut = false;
    int verify_error = 0;
    std::string rejected_subject;
  };

  static int ssl_slot();
  static int ctx_slot();
  static void info_callback(const SSL* ssl, int where, int ret);
  static void free_callback(void* parent, void* ptr, CRYPTO_EX_DATA* ad, int idx, long argl,
                            void* argp);

  void on_handshake_start(SSL* ssl);
  void on_handshake_done(const SSL* ssl);
  void on_verify_failure(const SSL* ssl, int error, std::string subject);
  void on_free(const SSL* ssl);
  refusal_report classify(const SSL* ssl, const entry& e) const;
  void watch();

  std::chrono::milliseconds handshake_timeout_;
  std::chrono::milliseconds connection_timeout_;
  refusal_hook on_refusal_;
  mutable std::mutex mutex_;
  std::condition_variable wakeup_;
  std::unordered_map<const SSL*, entry> entries_;
  bool cutting_ = false;
  bool quit_ = false;
  std::thread watchdog_;
};

} // namespace swarm::api::detail
