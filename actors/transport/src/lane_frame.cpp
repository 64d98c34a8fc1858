#include "lane_frame.hpp"

#include <array>
#include <cstdint>
#include <cstring>

#include "lane_tls.hpp"

namespace swarm::transport::detail {

namespace {

constexpr std::array<char, 4> hello_magic{'S', 'W', 'L', '1'};

} // namespace

status write_hello(SSL* ssl, const std::string& name) {
  if (name.empty() || name.size() > max_lane_name_bytes)
    return make_error(errc::invalid_argument,
                      "model lane: a node name of " + std::to_string(name.size()) + " bytes");
  std::string hello{hello_magic.data(), hello_magic.size()};
  hello += static_cast<char>(name.size());
  hello += name;
  return write_all(ssl, hello.data(), hello.size());
}

expected<std::string> read_hello(SSL* ssl) {
  std::array<char, 5> head{};
  if (auto st = read_exact(ssl, head.data(), head.size()); !st)
    return st.error();
  if (std::memcmp(head.data(), hello_magic.data(), hello_magic.size()) != 0)
    return make_error(errc::parse_error, "not a model-lane hello");
  auto size = static_cast<uint8_t>(head[4]);
  if (size == 0)
    return make_error(errc::parse_error, "a hello without a name");
  std::string name(size, '\0');
  if (auto st = read_exact(ssl, name.data(), name.size()); !st)
    return st.error();
  return name;
}

status write_frame(SSL* ssl, const std::string& bytes) {
  if (bytes.empty() || bytes.size() > UINT32_MAX)
    return make_error(errc::invalid_argument,
                      "model lane: a frame of " + std::to_string(bytes.size()) + " bytes");
  auto size = static_cast<uint32_t>(bytes.size());
  std::array<unsigned char, 4> head{
    static_cast<unsigned char>(size >> 24), static_cast<unsigned char>(size >> 16),
    static_cast<unsigned char>(size >> 8), static_cast<unsigned char>(size)};
  if (auto st = write_all(ssl, head.data(), head.size()); !st)
    return st;
  return write_all(ssl, bytes.data(), bytes.size());
}

expected<std::string> read_frame(SSL* ssl, size_t max_bytes) {
  std::array<unsigned char, 4> head{};
  if (auto st = read_exact(ssl, head.data(), head.size()); !st)
    return st.error();
  size_t size =
    (size_t{head[0]} << 24) | (size_t{head[1]} << 16) | (size_t{head[2]} << 8) | size_t{head[3]};
  if (size == 0 || size > max_bytes)
    return make_error(errc::corrupt_data, "a frame of " + std::to_string(size) + " bytes (at most "
                                            + std::to_string(max_bytes) + ")");
  std::string bytes(size, '\0');
  if (auto st = read_exact(ssl, bytes.data(), bytes.size()); !st)
    return st.error();
  return bytes;
}

} // namespace swarm::transport::detail
