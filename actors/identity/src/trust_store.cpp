#include "swarm/identity/trust_store.hpp"

#include <set>
#include <system_error>

#include <openssl/x509_vfy.h>

#include "capath_names.hpp"
#include "ossl.hpp"

namespace fs = std::filesystem;

namespace swarm::identity {

// Collects CA certificates from several sources, without duplicates.
struct trust_store::builder {
  trust_store result;
  std::set<std::string> fingerprints;
  std::set<std::string> linked;
  std::vector<std::pair<fs::path, std::string>> from_files;
  size_t certificates_seen = 0;

  builder() {
    result.store_ = std::shared_ptr<X509_STORE>{X509_STORE_new(), X509_STORE_free};
  }

  status add(const certificate& cert) {
    ++certificates_seen;
    auto fp = cert.fingerprint();
    if (!cert.is_ca() || !fingerprints.insert(fp).second)
      return status::ok();
    if (X509_STORE_add_cert(result.store_.get(), cert.native()) != 1)
      return ossl::internal_error("cannot add " + cert.origin() + " to the trust store");
    result.cas_.push_back(cert);
    return status::ok();
  }

  status add_pem(std::string_view pem, const std::string& origin) {
    auto certs = certificate::all_from_pem(pem, origin);
    if (!certs)
      return certs.error();
    for (const auto& cert : *certs)
      if (auto st = add(cert); !st)
        return st;
    return status::ok();
  }

  status add_capath_entry(const fs::directory_entry& entry) {
    auto name = entry.path().filename().string();
    bool link = capath_names::is_hash_link(name);
    if (!link && !capath_names::is_cert_file(name))
      return status::ok();
    std::error_code ec;
    // A dangling hash link is a stale cache entry; OpenSSL skips it too.
    if (link && !fs::exists(entry.path(), ec))
      return status::ok();
    auto text = ossl::read_file(entry.path(), "capath file");
    if (!text)
      return text.error();
    // A CRL is a legitimate capath member; it simply adds no CA.
    if (!link && text->find("-----BEGIN X509 CRL-----") != std::string::npos
        && text->find("CERTIFICATE-----") == std::string::npos)
      return status::ok();
    auto certs = certificate::all_from_pem(*text, entry.path().string());
    if (!certs)
      return certs.error();
    for (const auto& cert : *certs) {
      if (auto st = add(cert); !st)
        return st;
      if (link && name.starts_with(capath_names::subject_hash(cert.native())))
        linked.insert(cert.fingerprint());
      else if (!link && cert.is_ca())
        from_files.emplace_back(entry.path(), cert.fingerprint());
    }
    return status::ok();
  }

  expected<trust_store> finish(std::string origin) && {
    result.origin_ = std::move(origin);
    if (result.cas_.empty())
      return make_error(failure::empty_trust_store,
                        result.origin_ + " (" + std::to_string(certificates_seen)
                          + " certificates, none of them a CA)");
    for (const auto& [path, fp] : from_files)
      if (!linked.contains(fp))
        result.unlinked_.push_back(path);
    return std::move(result);
  }
};

expected<trust_store> trust_store::load_capath(const fs::path& dir) {
  std::error_code ec;
  auto st = fs::status(dir, ec);
  if (!fs::exists(st))
    return make_error(failure::file_missing, "capath " + dir.string());
  if (!fs::is_directory(st))
    return make_error(failure::file_unreadable, "capath " + dir.string() + ": not a directory");
  builder b;
  fs::directory_iterator it{dir, ec};
  if (ec)
    return make_error(failure::file_unreadable, "capath " + dir.string() + ": " + ec.message());
  for (; it != fs::directory_iterator{}; it.increment(ec)) {
    if (auto added = b.add_capath_entry(*it); !added)
      return added.error();
  }
  if (ec)
    return make_error(failure::file_unreadable, "capath " + dir.string() + ": " + ec.message());
  return std::move(b).finish("capath " + dir.string());
}

expected<trust_store> trust_store::load_cacert(const fs::path& file) {
  auto text = ossl::read_file(file, "cacert");
  if (!text)
    return text.error();
  builder b;
  if (auto st = b.add_pem(*text, file.string()); !st)
    return st.error();
  return std::move(b).finish("cacert " + file.string());
}

expected<trust_store> trust_store::load(const fs::path& capath, const fs::path& cacert) {
  if (capath.empty() && cacert.empty())
    return make_error(failure::no_trust_store, "pass --capath or --cacert");
  if (cacert.empty())
    return load_capath(capath);
  if (capath.empty())
    return load_cacert(cacert);
  auto from_dir = load_capath(capath);
  if (!from_dir)
    return from_dir.error();
  auto from_file = load_cacert(cacert);
  if (!from_file)
    return from_file.error();
  builder b;
  for (const auto* part : {&*from_dir, &*from_file})
    for (const auto& ca : part->cas_)
      if (auto st = b.add(ca); !st)
        return st.error();
  auto result = std::move(b).finish(from_dir->origin_ + " and " + from_file->origin_);
  if (result)
    result->unlinked_ = from_dir->unlinked_;
  return result;
}

expected<trust_store> trust_store::from_pem(std::string_view pem, std::string_view origin) {
  builder b;
  if (auto st = b.add_pem(pem, std::string{origin}); !st)
    return st.error();
  return std::move(b).finish(std::string{origin});
}

status trust_store::verify(const certificate& cert, clock::time_point now,
                           const std::vector<certificate>& intermediates) const {
  if (auto st = cert.check_validity(now); !st)
    return st;
  ossl::x509_stack_ptr chain{sk_X509_new_null()};
  ossl::x509_store_ctx_ptr ctx{X509_STORE_CTX_new()};
  if (!chain || !ctx)
    return ossl::internal_error("cannot allocate a verification context");
  for (const auto& extra : intermediates) {
    if (sk_X509_push(chain.get(), extra.native()) <= 0)
      return ossl::internal_error("cannot build the chain");
    X509_up_ref(extra.native());
  }
  if (X509_STORE_CTX_init(ctx.get(), store_.get(), cert.native(), chain.get()) != 1)
    return ossl::internal_error("cannot initialize verification");
  // Verify at the caller's clock, so tests and replays are deterministic and
  // CA expiry is judged at the same instant as the leaf's.
  X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx.get()), clock::to_time_t(now));
  if (X509_verify_cert(ctx.get()) == 1) {
    ossl::clear_errors();
    return status::ok();
  }
  int err = X509_STORE_CTX_get_error(ctx.get());
  int depth = X509_STORE_CTX_get_error_depth(ctx.get());
  std::string where;
  if (auto* at = X509_STORE_CTX_get_current_cert(ctx.get()); at != nullptr && depth > 0) {
    ossl::openssl_string_ptr subj{X509_NAME_oneline(X509_get_subject_name(at), nullptr, 0)};
    where = " at " + std::string{subj ? subj.get() : "?"};
  }
  ossl::clear_errors();
  return make_error(failure::untrusted, cert.origin() + " (" + cert.subject() + "): "
                                          + X509_verify_cert_error_string(err) + where
                                          + " (trust store: " + origin_ + ")");
}

} // namespace swarm::identity
