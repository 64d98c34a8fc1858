#include "swarm/identity/pki.hpp"

#include <array>

#include <arpa/inet.h>

#include <openssl/pem.h>
#include <openssl/rand.h>

#include "ossl.hpp"
#include "swarm/identity/certificate.hpp"
#include "swarm/identity/private_key.hpp"

namespace swarm::identity {

namespace {

// Extensions of a self-signed CA and of a component certificate (the
// leaves): every role is both a TLS client and a TLS server.
constexpr std::array<std::pair<int, const char*>, 4> ca_extensions = {{
  {NID_basic_constraints, "critical,CA:TRUE"},
  {NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature"},
  {NID_subject_key_identifier, "hash"},
  {NID_authority_key_identifier, "keyid:always"},
}};

constexpr std::array<std::pair<int, const char*>, 5> leaf_extensions = {{
  {NID_basic_constraints, "critical,CA:FALSE"},
  {NID_key_usage, "critical,digitalSignature,keyEncipherment"},
  {NID_ext_key_usage, "serverAuth,clientAuth"},
  {NID_subject_key_identifier, "hash"},
  {NID_authority_key_identifier, "keyid:always"},
}};

expected<ossl::evp_pkey_ptr> make_p256_key() {
  ossl::evp_pkey_ptr key{EVP_EC_gen("P-256")};
  if (!key)
    return ossl::internal_error("cannot generate an EC P-256 key");
  return key;
}

// A positive 128-bit random serial (top bit cleared so DER needs no sign
// byte): unique without any serial file, unlike HPE's ca-I-srl.srl.
status set_random_serial(X509* cert) {
  std::array<unsigned char, 16> raw{};
  ossl::bignum_ptr bn;
  do {
    if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1)
      return ossl::internal_error("cannot draw a random serial");
    raw[0] &= 0x7f;
    bn.reset(BN_bin2bn(raw.data(), static_cast<int>(raw.size()), nullptr));
    if (!bn)
      return ossl::internal_error("cannot convert the serial");
  } while (BN_is_zero(bn.get()));
  ossl::asn1_integer_ptr serial{BN_to_ASN1_INTEGER(bn.get(), nullptr)};
  if (!serial || X509_set_serialNumber(cert, serial.get()) != 1)
    return ossl::internal_error("cannot set the serial");
  return status::ok();
}

status set_subject(X509* cert, const cert_spec& spec) {
  auto* name = X509_get_subject_name(cert);
  auto add = [&](const char* field, const std::string& value) {
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char*>(value.c_str()),
                                      -1, -1, 0)
           == 1;
  };
  if ((!spec.organizational_unit.empty() && !add("OU", spec.organizational_unit))
      || !add("CN", spec.common_name))
    return ossl::internal_error("cannot set the subject");
  return status::ok();
}

status add_extension(X509* cert, X509V3_CTX* ctx, int nid, const std::string& value) {
  ossl::x509_extension_ptr ext{X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str())};
  if (!ext)
    return make_error(failure::invalid_argument, std::string{OBJ_nid2sn(nid)} + " \"" + value
                                                   + "\": " + ossl::drain_errors());
  if (X509_add_ext(cert, ext.get(), -1) != 1)
    return ossl::internal_error("cannot add extension");
  return status::ok();
}

std::string join_sans(const cert_spec& spec) {
  std::string result;
  for (const auto& san : spec.sans) {
    if (!result.empty())
      result += ',';
    result += san;
  }
  return result;
}

template <size_t N>
expected<key_and_cert> build(const cert_spec& spec, X509* issuer, EVP_PKEY* issuer_key,
                             EVP_PKEY* subject_key,
                             const std::array<std::pair<int, const char*>, N>& extensions) {
  ossl::x509_ptr cert{X509_new()};
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1)
    return ossl::internal_error("cannot create a certificate");
  if (auto st = set_random_serial(cert.get()); !st)
    return st.error();
  if (auto st = set_subject(cert.get(), spec); !st)
    return st.error();
  auto* issuer_name = issuer ? X509_get_subject_name(issuer) : X509_get_subject_name(cert.get());
  if (X509_set_issuer_name(cert.get(), issuer_name) != 1
      || !ASN1_TIME_set(X509_getm_notBefore(cert.get()), clock::to_time_t(spec.not_before))
      || !ASN1_TIME_set(X509_getm_notAfter(cert.get()), clock::to_time_t(spec.not_after))
      || X509_set_pubkey(cert.get(), subject_key) != 1)
    return ossl::internal_error("cannot fill in the certificate");
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer ? issuer : cert.get(), cert.get(), nullptr, nullptr, 0);
  // The subject key identifier goes first: a self-signed certificate's
  // authority key identifier is copied from it.
  for (const auto& [nid, value] : extensions)
    if (auto st = add_extension(cert.get(), &ctx, nid, value); !st)
      return st.error();
  if (auto sans = join_sans(spec); !sans.empty())
    if (auto st = add_extension(cert.get(), &ctx, NID_subject_alt_name, sans); !st)
      return st.error();
  if (X509_sign(cert.get(), issuer_key, EVP_sha256()) <= 0)
    return ossl::internal_error("cannot sign the certificate");
  ossl::bio_ptr key_bio{BIO_new(BIO_s_mem())};
  ossl::bio_ptr cert_bio{BIO_new(BIO_s_mem())};
  if (!key_bio || !cert_bio
      || PEM_write_bio_PrivateKey(key_bio.get(), subject_key, nullptr, nullptr, 0, nullptr,
                                  nullptr)
           != 1
      || PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1)
    return ossl::internal_error("cannot encode key and certificate");
  return key_and_cert{ossl::bio_contents(key_bio.get()), ossl::bio_contents(cert_bio.get())};
}

status check_spec(const cert_spec& spec) {
  if (spec.common_name.empty())
    return make_error(failure::invalid_argument, "certificate needs a common name");
  if (spec.not_after <= spec.not_before)
    return make_error(failure::invalid_argument,
                      "certificate for " + spec.common_name + ": notAfter "
                        + format_time(spec.not_after) + " is not after notBefore "
                        + format_time(spec.not_before));
  for (const auto& san : spec.sans)
    if (auto norm = normalize_san(san); !norm || *norm != san)
      return make_error(failure::invalid_argument, "subjectAltName entry \"" + san
                                                     + "\": use DNS:<name> or IP:<address>");
  return status::ok();
}

} // namespace

expected<key_and_cert> make_ca(const cert_spec& spec) {
  if (auto st = check_spec(spec); !st)
    return st.error();
  auto key = make_p256_key();
  if (!key)
    return key.error();
  return build(spec, nullptr, key->get(), key->get(), ca_extensions);
}

expected<key_and_cert> issue_cert(const cert_spec& spec, const key_and_cert& ca) {
  if (auto st = check_spec(spec); !st)
    return st.error();
  auto ca_cert = certificate::from_pem(ca.cert_pem, "CA certificate");
  if (!ca_cert)
    return ca_cert.error();
  auto ca_key = private_key::from_pem(ca.key_pem, std::nullopt, "CA key");
  if (!ca_key)
    return ca_key.error();
  if (!ca_key->matches(*ca_cert))
    return make_error(failure::key_mismatch, "CA key and CA certificate "
                                               + ca_cert->subject());
  auto key = make_p256_key();
  if (!key)
    return key.error();
  return build(spec, ca_cert->native(), ca_key->native(), key->get(), leaf_extensions);
}

expected<std::string> encrypt_key(std::string_view key_pem, std::string_view passphrase) {
  auto key = private_key::from_pem(key_pem, std::nullopt, "key to encrypt");
  if (!key)
    return key.error();
  ossl::bio_ptr bio{BIO_new(BIO_s_mem())};
  std::string pass{passphrase};
  if (!bio
      || PEM_write_bio_PKCS8PrivateKey(bio.get(), key->native(), EVP_aes_256_cbc(),
                                       pass.data(), static_cast<int>(pass.size()), nullptr,
                                       nullptr)
           != 1)
    return ossl::internal_error("cannot encrypt the key");
  return ossl::bio_contents(bio.get());
}

expected<std::string> normalize_san(std::string_view entry) {
  auto bad = [&](std::string_view why) {
    return make_error(failure::invalid_argument,
                      "subjectAltName entry \"" + std::string{entry} + "\": " + std::string{why});
  };
  auto is_ip = [](const std::string& text) {
    unsigned char buf[16];
    return inet_pton(AF_INET, text.c_str(), buf) == 1
           || inet_pton(AF_INET6, text.c_str(), buf) == 1;
  };
  std::string value;
  std::string kind;
  if (entry.starts_with("DNS:") || entry.starts_with("IP:")) {
    auto colon = entry.find(':');
    kind = std::string{entry.substr(0, colon)};
    value = std::string{entry.substr(colon + 1)};
  } else if (entry.find(':') != std::string_view::npos && !is_ip(std::string{entry})) {
    return bad("only DNS: and IP: entries are supported");
  } else {
    value = std::string{entry};
    kind = is_ip(value) ? "IP" : "DNS";
  }
  if (value.empty())
    return bad("empty value");
  if (kind == "IP") {
    if (!is_ip(value))
      return bad("not an IPv4 or IPv6 address");
    return "IP:" + value;
  }
  if (value.size() > 253)
    return bad("longer than 253 characters");
  for (char c : value) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
              || c == '-' || c == '.' || c == '_' || c == '*';
    if (!ok)
      return bad("a DNS name may hold only letters, digits, '-', '.', '_' and '*'");
  }
  return "DNS:" + value;
}

} // namespace swarm::identity
