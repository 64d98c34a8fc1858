#include "lane_frame.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "lane_tls.hpp"
#include "swarm/wire/bundle_convert.hpp"

namespace swarm::transport::detail {

namespace {

// "SWL2": frames with attached values. A lane of the older format ("SWL1")
// fails the hello, and its peer sends through CAF instead.
constexpr std::array<char, 4> hello_magic{'S', 'W', 'L', '2'};

void put_u32(unsigned char* at, uint32_t x) {
  at[0] = static_cast<unsigned char>(x >> 24);
  at[1] = static_cast<unsigned char>(x >> 16);
  at[2] = static_cast<unsigned char>(x >> 8);
  at[3] = static_cast<unsigned char>(x);
}

size_t get_u32(const unsigned char* at) {
  return (size_t{at[0]} << 24) | (size_t{at[1]} << 16) | (size_t{at[2]} << 8) | size_t{at[3]};
}

} // namespace

status write_hello(SSL* ssl, const std::string& name) {
  if (name.empty() || name.size() > max_lane_name_bytes)
    return make_error(errc::invalid_argument,
                      "model lane: a node name of " + std::to_string(name.size()) + " bytes");
  std::string hello{hello_magic.data(), hello_magic.size()};
  hello += static_cast<char>(name.size());
  hello += name;
  if (auto st = write_all(ssl, hello.data(), hello.size()); !st)
    return st;
  return flush_writes(ssl);
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

status write_frame(SSL* ssl, const lane_frame& frame) {
  size_t values_bytes = frame.values ? frame.values->size() * sizeof(float) : 0;
  if (frame.head.empty() || frame.size_bytes() > UINT32_MAX)
    return make_error(errc::invalid_argument, "model lane: a frame of "
                                                + std::to_string(frame.head.size()) + " + "
                                                + std::to_string(values_bytes) + " bytes");
  // The lengths and the envelope in one record (the envelope is small when
  // values are attached); the values straight from the model.
  std::string first(8, '\0');
  auto* at = reinterpret_cast<unsigned char*>(first.data());
  put_u32(at, static_cast<uint32_t>(frame.head.size()));
  put_u32(at + 4, static_cast<uint32_t>(values_bytes));
  first += frame.head;
  if (auto st = write_all(ssl, first.data(), first.size()); !st)
    return st;
  if (values_bytes == 0)
    return flush_writes(ssl);
  if (auto st = write_all(ssl, frame.values->data(), values_bytes); !st)
    return st;
  return flush_writes(ssl);
}

expected<lane_frame_in> read_frame(SSL* ssl, size_t max_bytes) {
  std::array<unsigned char, 8> lengths{};
  if (auto st = read_exact(ssl, lengths.data(), lengths.size()); !st)
    return st.error();
  size_t head_size = get_u32(lengths.data());
  size_t values_bytes = get_u32(lengths.data() + 4);
  if (head_size == 0 || head_size > max_bytes || values_bytes > max_bytes - head_size
      || values_bytes % sizeof(float) != 0)
    return make_error(errc::corrupt_data, "a frame of " + std::to_string(head_size) + " + "
                                            + std::to_string(values_bytes)
                                            + " bytes (at most " + std::to_string(max_bytes)
                                            + " in all, whole floats)");
  lane_frame_in frame;
  frame.head.resize(head_size);
  if (auto st = read_exact(ssl, frame.head.data(), head_size); !st)
    return st.error();
  // Piece by piece: growing the vector zero-fills only a piece, which the
  // read then overwrites in cache, and the finiteness check reads it there
  // (a whole-model fill and a second pass cost 0.2 ms each per model).
  constexpr size_t piece_floats = 16 * 1024;
  auto count = values_bytes / sizeof(float);
  frame.values.reserve(count);
  for (size_t done = 0; done < count;) {
    auto n = std::min(piece_floats, count - done);
    frame.values.resize(done + n);
    float* at = frame.values.data() + done;
    if (auto st = read_exact(ssl, at, n * sizeof(float)); !st)
      return st.error();
    frame.values_finite = wire::all_finite(at, n) && frame.values_finite;
    done += n;
  }
  return frame;
}

} // namespace swarm::transport::detail
