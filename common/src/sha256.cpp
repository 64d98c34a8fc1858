#include "swarm/common/sha256.hpp"

#include <cstdio>
#include <fstream>
#include <vector>

#include <openssl/evp.h>

namespace swarm {

sha256::sha256() : ctx_(EVP_MD_CTX_new()) {
  auto ok = EVP_DigestInit_ex(static_cast<EVP_MD_CTX*>(ctx_), EVP_sha256(),
                              nullptr);
  assert(ok == 1);
  (void) ok;
}

sha256::~sha256() {
  EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_));
}

void sha256::update(const void* data, size_t size) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data, size);
}

void sha256::update(std::span<const std::byte> bytes) {
  update(bytes.data(), bytes.size());
}

sha256_digest sha256::finish() {
  sha256_digest result{};
  unsigned int len = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), result.data(), &len);
  assert(len == result.size());
  return result;
}

std::string to_hex(const sha256_digest& digest) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string result;
  result.reserve(digest.size() * 2);
  for (auto byte : digest) {
    result += hex[byte >> 4];
    result += hex[byte & 0x0f];
  }
  return result;
}

sha256_digest sha256_of(const void* data, size_t size) {
  sha256 hasher;
  hasher.update(data, size);
  return hasher.finish();
}

expected<sha256_digest> sha256_of_file(const std::filesystem::path& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return make_error(errc::io_error, path.string() + ": cannot open for reading");
  sha256 hasher;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    hasher.update(buf.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad())
    return make_error(errc::io_error, path.string() + ": read failed");
  return hasher.finish();
}

} // namespace swarm
