#include "swarm/identity/private_key.hpp"

#include <cstring>

#include <openssl/pem.h>

#include "ossl.hpp"

namespace swarm::identity {

namespace {

bool has_key_block(std::string_view pem) {
  auto begin = pem.find("-----BEGIN ");
  return begin != std::string_view::npos
         && pem.find("PRIVATE KEY-----", begin) != std::string_view::npos;
}

bool is_encrypted(std::string_view pem) {
  return pem.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string_view::npos
         || pem.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos;
}

// Hands OpenSSL the passphrase we were given, or nothing: without this
// callback OpenSSL would prompt on the terminal, which hangs a daemon.
int passphrase_callback(char* buf, int size, int, void* user) {
  const auto* passphrase = static_cast<const std::optional<std::string>*>(user);
  if (!passphrase->has_value() || (*passphrase)->size() > static_cast<size_t>(size))
    return -1;
  std::memcpy(buf, (*passphrase)->data(), (*passphrase)->size());
  return static_cast<int>((*passphrase)->size());
}

// Ed25519 and Ed448 sign the message itself; everything else signs a digest.
const EVP_MD* digest_for(const EVP_PKEY* pkey) {
  auto id = EVP_PKEY_get_base_id(pkey);
  if (id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448)
    return nullptr;
  return EVP_sha256();
}

} // namespace

private_key::private_key(std::shared_ptr<EVP_PKEY> pkey) : pkey_(std::move(pkey)) {
  // nop
}

expected<private_key> private_key::from_pem(std::string_view pem,
                                            const std::optional<std::string>& passphrase,
                                            std::string_view origin) {
  auto name = std::string{origin};
  if (!has_key_block(pem))
    return make_error(failure::not_pem, name + ": no \"BEGIN ... PRIVATE KEY\" block");
  bool encrypted = is_encrypted(pem);
  if (encrypted && !passphrase)
    return make_error(failure::passphrase_required, name);
  ossl::clear_errors();
  auto bio = ossl::memory_bio(pem);
  auto* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, passphrase_callback,
                                      const_cast<std::optional<std::string>*>(&passphrase));
  if (raw == nullptr) {
    // OpenSSL cannot tell a wrong passphrase from corrupt ciphertext (both
    // end in "bad decrypt"); the wrong passphrase is by far the likelier.
    if (encrypted) {
      ossl::clear_errors();
      return make_error(failure::wrong_passphrase, name + ": the passphrase does not decrypt it");
    }
    return make_error(failure::malformed, name + ": " + ossl::drain_errors());
  }
  ossl::clear_errors();
  return private_key{std::shared_ptr<EVP_PKEY>{raw, EVP_PKEY_free}};
}

expected<private_key> private_key::load(const std::filesystem::path& path,
                                        const std::optional<std::string>& passphrase) {
  auto text = ossl::read_file(path, "key");
  if (!text)
    return text.error();
  auto result = from_pem(*text, passphrase, path.string());
  // The buffer held the key; do not leave it in freed memory.
  OPENSSL_cleanse(text->data(), text->size());
  return result;
}

bool private_key::matches(const certificate& cert) const {
  const auto* pub = X509_get0_pubkey(cert.native());
  bool result = pub != nullptr && EVP_PKEY_eq(pub, pkey_.get()) == 1;
  ossl::clear_errors();
  return result;
}

expected<std::vector<uint8_t>> private_key::sign(std::span<const uint8_t> data) const {
  ossl::evp_md_ctx_ptr ctx{EVP_MD_CTX_new()};
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, digest_for(pkey_.get()), nullptr,
                                 pkey_.get()) != 1)
    return ossl::internal_error("cannot initialize signing");
  size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, data.data(), data.size()) != 1)
    return ossl::internal_error("cannot size signature");
  std::vector<uint8_t> sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, data.data(), data.size()) != 1)
    return ossl::internal_error("cannot sign");
  sig.resize(len);
  return sig;
}

bool verify_signature(const certificate& cert, std::span<const uint8_t> data,
                      std::span<const uint8_t> signature) {
  auto* pub = X509_get0_pubkey(cert.native());
  if (pub == nullptr) {
    ossl::clear_errors();
    return false;
  }
  ossl::evp_md_ctx_ptr ctx{EVP_MD_CTX_new()};
  bool ok = ctx
            && EVP_DigestVerifyInit(ctx.get(), nullptr, digest_for(pub), nullptr, pub) == 1
            && EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), data.data(),
                                data.size())
                 == 1;
  ossl::clear_errors();
  return ok;
}

} // namespace swarm::identity
