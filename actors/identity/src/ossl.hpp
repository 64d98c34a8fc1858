#pragma once

// Ownership of OpenSSL objects: one unique_ptr alias per type, so that every
// early return frees what it allocated.

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "swarm/common/error.hpp"
#include "swarm/identity/failure.hpp"

namespace swarm::identity::ossl {

template <class T, void (*Free)(T*)>
struct deleter {
  void operator()(T* ptr) const noexcept {
    Free(ptr);
  }
};

template <class T, void (*Free)(T*)>
using owned = std::unique_ptr<T, deleter<T, Free>>;

inline void free_x509_stack(STACK_OF(X509) * ptr) {
  sk_X509_pop_free(ptr, X509_free);
}

inline void free_general_names(GENERAL_NAMES* ptr) {
  GENERAL_NAMES_free(ptr);
}

inline void free_openssl_string(char* ptr) {
  OPENSSL_free(ptr);
}

using bio_ptr = owned<BIO, BIO_free_all>;
using bignum_ptr = owned<BIGNUM, BN_free>;
using asn1_integer_ptr = owned<ASN1_INTEGER, ASN1_INTEGER_free>;
using evp_pkey_ptr = owned<EVP_PKEY, EVP_PKEY_free>;
using evp_md_ctx_ptr = owned<EVP_MD_CTX, EVP_MD_CTX_free>;
using x509_ptr = owned<X509, X509_free>;
using x509_extension_ptr = owned<X509_EXTENSION, X509_EXTENSION_free>;
using x509_store_ctx_ptr = owned<X509_STORE_CTX, X509_STORE_CTX_free>;
using x509_stack_ptr = owned<STACK_OF(X509), free_x509_stack>;
using general_names_ptr = owned<GENERAL_NAMES, free_general_names>;
using openssl_string_ptr = owned<char, free_openssl_string>;

/// Pops every entry of OpenSSL's thread-local error queue and returns them
/// joined by "; ", or `fallback` if the queue was empty. Draining matters:
/// a stale entry would otherwise surface in an unrelated later message.
std::string drain_errors(std::string_view fallback = "unknown OpenSSL error");

/// Discards OpenSSL's error queue.
void clear_errors();

/// Returns a read-only memory BIO over `data` (valid while `data` lives).
bio_ptr memory_bio(std::string_view data);

/// Returns the contents of a memory BIO.
std::string bio_contents(BIO* bio);

/// Builds an error of category `failure::internal` naming `what` and
/// OpenSSL's reason.
swarm::error internal_error(std::string_view what);

/// Takes ownership of `x509` as a shared_ptr.
std::shared_ptr<X509> adopt(x509_ptr x509);

/// Reads a whole file, failing with `failure::file_missing` or
/// `failure::file_unreadable` (naming `path` and what it is, e.g. "key").
expected<std::string> read_file(const std::filesystem::path& path, std::string_view what);

} // namespace swarm::identity::ossl
