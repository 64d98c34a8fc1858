#include "connection_guard.hpp"

#include <algorithm>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "swarm/common/log.hpp"

namespace swarm::api::detail {

namespace {

using steady = std::chrono::steady_clock;

std::string peer_address(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    return "unknown peer";
  char host[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&addr);
    ::inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
    return std::string(host) + ":" + std::to_string(ntohs(in->sin_port));
  }
  if (addr.ss_family == AF_INET6) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&addr);
    ::inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
    return "[" + std::string(host) + "]:" + std::to_string(ntohs(in6->sin6_port));
  }
  return "unknown peer";
}

refusal classify_verify_error(int error) {
  switch (error) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return refusal::expired;
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return refusal::not_yet_valid;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      return refusal::untrusted;
    default:
      return refusal::bad_certificate;
  }
}

refusal classify_ssl_error(unsigned long err) {
  if (err == 0)
    return refusal::closed;
  if (ERR_GET_LIB(err) != ERR_LIB_SSL)
    return refusal::other;
  switch (ERR_GET_REASON(err)) {
    case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
      return refusal::no_certificate;
    case SSL_R_HTTP_REQUEST:
    case SSL_R_HTTPS_PROXY_REQUEST:
      return refusal::plaintext;
    case SSL_R_UNEXPECTED_EOF_WHILE_READING:
      return refusal::closed;
    case SSL_R_CERTIFICATE_VERIFY_FAILED:
      return refusal::bad_certificate;
    default:
      // Alerts the client sent us (it rejected our certificate) are not a
      // protocol mismatch.
      return ERR_GET_REASON(err) >= SSL_AD_REASON_OFFSET ? refusal::other : refusal::protocol;
  }
}

} // namespace

std::string_view to_string(refusal x) noexcept {
  switch (x) {
    case refusal::no_certificate:
      return "no_certificate";
    case refusal::expired:
      return "expired";
    case refusal::not_yet_valid:
      return "not_yet_valid";
    case refusal::untrusted:
      return "untrusted";
    case refusal::bad_certificate:
      return "bad_certificate";
    case refusal::plaintext:
      return "plaintext";
    case refusal::protocol:
      return "protocol";
    case refusal::timeout:
      return "timeout";
    case refusal::closed:
      return "closed";
    case refusal::other:
      return "other";
  }
  return "other";
}

bool is_certificate_refusal(refusal x) noexcept {
  return x == refusal::no_certificate || x == refusal::expired || x == refusal::not_yet_valid
         || x == refusal::untrusted || x == refusal::bad_certificate;
}

connection_guard::connection_guard(std::chrono::milliseconds handshake_timeout,
                                   std::chrono::milliseconds connection_timeout,
                                   refusal_hook on_refusal)
  : handshake_timeout_(handshake_timeout),
    connection_timeout_(connection_timeout),
    on_refusal_(std::move(on_refusal)) {
  watchdog_ = std::thread([this] { watch(); });
}

connection_guard::~connection_guard() {
  {
    std::lock_guard guard{mutex_};
    quit_ = true;
  }
  wakeup_.notify_all();
  watchdog_.join();
}

int connection_guard::ssl_slot() {
  // One slot per process, shared by all guards; the free callback runs for
  // every SSL object in the process (CAF's too) and ignores those without
  // a guard.
  static const int slot = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, &free_callback);
  return slot;
}

int connection_guard::ctx_slot() {
  static const int slot = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return slot;
}

void connection_guard::attach(SSL_CTX* ctx) {
  SSL_CTX_set_ex_data(ctx, ctx_slot(), this);
  SSL_CTX_set_info_callback(ctx, &info_callback);
}

void connection_guard::info_callback(const SSL* ssl, int where, int) {
  auto* self = static_cast<connection_guard*>(
    SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ctx_slot()));
  if (self == nullptr)
    return;
  // OpenSSL hands the callback a const SSL, but registering the connection
  // means attaching our ex_data to it; the object is ours to modify here
  // (its own handshake, in its own thread).
  if (where & SSL_CB_HANDSHAKE_START)
    self->on_handshake_start(const_cast<SSL*>(ssl));
  if (where & SSL_CB_HANDSHAKE_DONE)
    self->on_handshake_done(ssl);
}

int connection_guard::verify_callback(int preverify_ok, X509_STORE_CTX* store_ctx) {
  if (preverify_ok)
    return preverify_ok;
  auto* ssl = static_cast<const SSL*>(
    X509_STORE_CTX_get_ex_data(store_ctx, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* self = ssl ? static_cast<connection_guard*>(SSL_get_ex_data(ssl, ssl_slot())) : nullptr;
  if (self != nullptr) {
    std::string subject;
    if (auto* cert = X509_STORE_CTX_get_current_cert(store_ctx)) {
      char buf[256] = {};
      X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof(buf));
      subject = buf;
    }
    self->on_verify_failure(ssl, X509_STORE_CTX_get_error(store_ctx), std::move(subject));
  }
  return preverify_ok;
}

void connection_guard::free_callback(void* parent, void* ptr, CRYPTO_EX_DATA*, int, long,
                                     void*) {
  if (ptr != nullptr)
    static_cast<connection_guard*>(ptr)->on_free(static_cast<const SSL*>(parent));
}

void connection_guard::on_handshake_start(SSL* ssl) {
  {
    std::lock_guard guard{mutex_};
    if (entries_.contains(ssl))
      return;
  }
  int fd = SSL_get_fd(ssl);
  if (fd < 0)
    return;
  // httplib never clears OpenSSL's per-thread error queue; clearing it here
  // means that a failure read in on_free belongs to this handshake.
  ERR_clear_error();
  // httplib accepts without SOCK_CLOEXEC; processes the SN spawns must not
  // inherit client connections.
  ::fcntl(fd, F_SETFD, ::fcntl(fd, F_GETFD) | FD_CLOEXEC);
  entry e;
  e.fd = fd;
  e.peer = peer_address(fd);
  e.started = steady::now();
  e.deadline = e.started + handshake_timeout_;
  SSL_set_ex_data(ssl, ssl_slot(), this);
  {
    std::lock_guard guard{mutex_};
    if (cutting_) {
      e.cut = true;
      ::shutdown(fd, SHUT_RDWR);
    }
    entries_.emplace(ssl, std::move(e));
  }
  wakeup_.notify_one();
}

void connection_guard::on_handshake_done(const SSL* ssl) {
  {
    std::lock_guard guard{mutex_};
    auto i = entries_.find(ssl);
    if (i == entries_.end() || i->second.handshaken)
      return;
    i->second.handshaken = true;
    i->second.deadline = i->second.started + connection_timeout_;
  }
  // The new deadline may be earlier than the one the watchdog sleeps on.
  wakeup_.notify_one();
}

void connection_guard::on_verify_failure(const SSL* ssl, int error, std::string subject) {
  std::lock_guard guard{mutex_};
  auto i = entries_.find(ssl);
  if (i == entries_.end() || i->second.verify_error != 0)
    return;
  i->second.verify_error = error;
  i->second.rejected_subject = std::move(subject);
}

void connection_guard::on_free(const SSL* ssl) {
  entry e;
  {
    std::lock_guard guard{mutex_};
    auto i = entries_.find(ssl);
    if (i == entries_.end())
      return;
    e = std::move(i->second);
    entries_.erase(i);
  }
  if (e.handshaken || e.cut || !on_refusal_)
    return;
  on_refusal_(classify(ssl, e));
}

refusal_report connection_guard::classify(const SSL*, const entry& e) const {
  refusal_report report;
  report.peer = e.peer;
  if (e.timed_out) {
    report.reason = refusal::timeout;
    report.detail = "no TLS handshake within "
                    + std::to_string(handshake_timeout_.count()) + " ms";
    return report;
  }
  if (e.verify_error != 0) {
    report.reason = classify_verify_error(e.verify_error);
    report.detail = X509_verify_cert_error_string(e.verify_error);
    if (!e.rejected_subject.empty())
      report.detail += " (subject " + e.rejected_subject + ")";
    return report;
  }
  // The earliest error is the handshake's; later ones come from httplib's
  // SSL_shutdown on the failed connection.
  auto err = ERR_peek_error();
  report.reason = classify_ssl_error(err);
  if (err == 0) {
    report.detail = "connection closed during the TLS handshake";
  } else {
    char buf[256] = {};
    ERR_error_string_n(err, buf, sizeof(buf));
    report.detail = buf;
  }
  return report;
}

void connection_guard::cut_all() {
  std::lock_guard guard{mutex_};
  cutting_ = true;
  for (auto& [ssl, e] : entries_) {
    e.cut = true;
    ::shutdown(e.fd, SHUT_RDWR);
  }
}

size_t connection_guard::open_connections() const {
  std::lock_guard guard{mutex_};
  return entries_.size();
}

void connection_guard::watch() {
  std::unique_lock lock{mutex_};
  while (!quit_) {
    auto now = steady::now();
    auto next = steady::time_point::max();
    for (auto& [ssl, e] : entries_) {
      if (e.timed_out || e.cut)
        continue;
      if (e.deadline > now) {
        next = std::min(next, e.deadline);
        continue;
      }
      e.timed_out = true;
      ::shutdown(e.fd, SHUT_RDWR);
      if (e.handshaken)
        log::get("swarm.API")->debug("closing the connection from {}: open for more than {} ms",
                                     e.peer, connection_timeout_.count());
    }
    if (next == steady::time_point::max())
      wakeup_.wait(lock);
    else
      wakeup_.wait_until(lock, next);
  }
}

} // namespace swarm::api::detail
