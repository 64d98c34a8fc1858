#include "ssl_error_queue.hpp"

#include <dlfcn.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace {

/// The next definition of `name` after this executable's: libssl's.
template <class F>
F next_definition(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

} // namespace

// Same signatures as <openssl/ssl.h>; exported by the executable, so they
// interpose on libssl for every caller in the process.
extern "C" {

int SSL_read(SSL* ssl, void* buf, int num) {
  static const auto next = next_definition<int (*)(SSL*, void*, int)>("SSL_read");
  ERR_clear_error();
  return next(ssl, buf, num);
}

int SSL_write(SSL* ssl, const void* buf, int num) {
  static const auto next = next_definition<int (*)(SSL*, const void*, int)>("SSL_write");
  ERR_clear_error();
  return next(ssl, buf, num);
}

int SSL_accept(SSL* ssl) {
  static const auto next = next_definition<int (*)(SSL*)>("SSL_accept");
  ERR_clear_error();
  return next(ssl);
}

int SSL_connect(SSL* ssl) {
  static const auto next = next_definition<int (*)(SSL*)>("SSL_connect");
  ERR_clear_error();
  return next(ssl);
}

} // extern "C"

namespace swarm::transport::detail {

bool ssl_error_queue_guarded() noexcept {
  // What the process resolves SSL_read to (as libcaf_openssl does) must be
  // this file's wrapper, and the wrapper must find libssl's function.
  auto resolved = dlsym(RTLD_DEFAULT, "SSL_read");
  return resolved == reinterpret_cast<void*>(&SSL_read) && dlsym(RTLD_NEXT, "SSL_read") != nullptr;
}

} // namespace swarm::transport::detail
