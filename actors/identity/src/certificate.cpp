#include "swarm/identity/certificate.hpp"

#include <algorithm>
#include <ctime>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "ossl.hpp"
#include "swarm/common/sha256.hpp"

namespace swarm::identity {

namespace {

// Text that starts a PEM certificate block (OpenSSL also reads the two
// older labels).
bool has_certificate_block(std::string_view pem) {
  return pem.find("-----BEGIN CERTIFICATE-----") != std::string_view::npos
         || pem.find("-----BEGIN X509 CERTIFICATE-----") != std::string_view::npos
         || pem.find("-----BEGIN TRUSTED CERTIFICATE-----") != std::string_view::npos;
}

clock::time_point to_time_point(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1)
    return {};
  return clock::from_time_t(::timegm(&tm));
}

std::string asn1_to_utf8(const ASN1_STRING* str) {
  unsigned char* out = nullptr;
  int len = ASN1_STRING_to_UTF8(&out, str);
  if (len < 0)
    return {};
  std::string result{reinterpret_cast<char*>(out), static_cast<size_t>(len)};
  OPENSSL_free(out);
  // A NUL inside a name is the classic trick to make "good.example\0.evil"
  // compare equal to a prefix; such a name matches nothing.
  if (result.find('\0') != std::string::npos)
    return {};
  return result;
}

} // namespace

certificate::certificate(std::shared_ptr<X509> x509, std::string origin)
  : x509_(std::move(x509)), origin_(std::move(origin)) {
  // nop
}

expected<std::vector<certificate>> certificate::all_from_pem(std::string_view pem,
                                                             std::string_view origin) {
  if (!has_certificate_block(pem))
    return make_error(failure::not_pem,
                      std::string{origin} + ": no \"BEGIN CERTIFICATE\" block");
  ossl::clear_errors();
  auto bio = ossl::memory_bio(pem);
  std::vector<certificate> result;
  for (;;) {
    ossl::x509_ptr x509{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)};
    if (!x509)
      break;
    result.push_back(certificate{ossl::adopt(std::move(x509)), std::string{origin}});
  }
  // Running out of blocks ends the loop with "no start line"; anything else
  // is a block whose base64 or DER is broken.
  auto last = ERR_peek_last_error();
  bool clean_end = ERR_GET_LIB(last) == ERR_LIB_PEM
                   && ERR_GET_REASON(last) == PEM_R_NO_START_LINE;
  if (result.empty() || (last != 0 && !clean_end))
    return make_error(failure::malformed, std::string{origin} + ": " + ossl::drain_errors());
  ossl::clear_errors();
  return result;
}

expected<certificate> certificate::from_pem(std::string_view pem, std::string_view origin) {
  auto all = all_from_pem(pem, origin);
  if (!all)
    return all.error();
  return std::move(all->front());
}

expected<certificate> certificate::load(const std::filesystem::path& path) {
  auto text = ossl::read_file(path, "certificate");
  if (!text)
    return text.error();
  return from_pem(*text, path.string());
}

expected<std::vector<certificate>> certificate::load_all(const std::filesystem::path& path) {
  auto text = ossl::read_file(path, "certificate");
  if (!text)
    return text.error();
  return all_from_pem(*text, path.string());
}

std::string certificate::pem() const {
  ossl::bio_ptr bio{BIO_new(BIO_s_mem())};
  if (!bio || PEM_write_bio_X509(bio.get(), x509_.get()) != 1) {
    ossl::clear_errors();
    return {};
  }
  return ossl::bio_contents(bio.get());
}

std::string certificate::common_name() const {
  auto* name = X509_get_subject_name(x509_.get());
  int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (idx < 0)
    return {};
  return asn1_to_utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx)));
}

std::string certificate::subject() const {
  ossl::openssl_string_ptr str{
    X509_NAME_oneline(X509_get_subject_name(x509_.get()), nullptr, 0)};
  return str ? std::string{str.get()} : std::string{};
}

std::vector<std::string> certificate::dns_names() const {
  std::vector<std::string> result;
  ossl::general_names_ptr sans{static_cast<GENERAL_NAMES*>(
    X509_get_ext_d2i(x509_.get(), NID_subject_alt_name, nullptr, nullptr))};
  if (!sans)
    return result;
  for (int i = 0; i < sk_GENERAL_NAME_num(sans.get()); ++i) {
    const auto* gen = sk_GENERAL_NAME_value(sans.get(), i);
    if (gen->type != GEN_DNS)
      continue;
    if (auto name = asn1_to_utf8(gen->d.dNSName); !name.empty())
      result.push_back(std::move(name));
  }
  return result;
}

std::vector<std::string> certificate::names() const {
  std::vector<std::string> result;
  if (auto cn = common_name(); !cn.empty())
    result.push_back(std::move(cn));
  for (auto& name : dns_names())
    if (std::find(result.begin(), result.end(), name) == result.end())
      result.push_back(std::move(name));
  return result;
}

bool certificate::has_name(std::string_view name) const {
  if (name.empty())
    return false;
  auto all = names();
  return std::find(all.begin(), all.end(), name) != all.end();
}

std::string certificate::fingerprint() const {
  sha256_digest digest{};
  unsigned int len = 0;
  if (X509_digest(x509_.get(), EVP_sha256(), digest.data(), &len) != 1
      || len != digest.size()) {
    ossl::clear_errors();
    return {};
  }
  return to_hex(digest);
}

clock::time_point certificate::not_before() const {
  return to_time_point(X509_get0_notBefore(x509_.get()));
}

clock::time_point certificate::not_after() const {
  return to_time_point(X509_get0_notAfter(x509_.get()));
}

bool certificate::is_ca() const {
  return X509_check_ca(x509_.get()) != 0;
}

status certificate::check_validity(clock::time_point now) const {
  auto from = not_before();
  auto until = not_after();
  if (now < from)
    return make_error(failure::not_yet_valid, origin_ + " (" + subject() + "): valid from "
                                                + format_time(from) + ", now is "
                                                + format_time(now));
  if (now > until)
    return make_error(failure::expired, origin_ + " (" + subject() + "): expired "
                                          + format_time(until) + ", now is "
                                          + format_time(now));
  return status::ok();
}

std::string format_time(clock::time_point t) {
  auto secs = clock::to_time_t(t);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

} // namespace swarm::identity
