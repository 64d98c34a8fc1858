#include "swarm/membership/crdt_entry.hpp"

#include <algorithm>
#include <cstring>

namespace swarm::membership {

bool supersedes(const crdt_entry& a, const crdt_entry& b) noexcept {
  if (a.version != b.version)
    return a.version > b.version;
  if (a.writer != b.writer)
    return a.writer > b.writer;
  if (a.tombstone != b.tombstone)
    return a.tombstone;
  return std::lexicographical_compare(b.value.begin(), b.value.end(), a.value.begin(),
                                      a.value.end());
}

status check_entry(const crdt_entry& x) {
  auto fail = [&](const std::string& what) {
    return make_error(errc::invalid_argument,
                      "entry '" + x.key.substr(0, 64) + "': " + what);
  };
  if (x.key.empty())
    return fail("empty key");
  if (x.key.size() > crdt_max_key_bytes)
    return fail("key of " + std::to_string(x.key.size()) + " bytes exceeds "
                + std::to_string(crdt_max_key_bytes));
  if (x.value.size() > crdt_max_value_bytes)
    return fail("value of " + std::to_string(x.value.size()) + " bytes exceeds "
                + std::to_string(crdt_max_value_bytes));
  if (x.version == 0 || x.version > crdt_max_version)
    return fail("version " + std::to_string(x.version) + " outside 1.."
                + std::to_string(crdt_max_version));
  if (x.writer.is_nil())
    return fail("nil writer");
  if (x.tombstone && !x.value.empty())
    return fail("tombstone with a value");
  return status::ok();
}

void encode_entry(byte_writer& out, const crdt_entry& x) {
  out.varint(x.version);
  out.raw(std::as_bytes(std::span{x.writer.bytes}));
  out.u8(x.tombstone ? 1 : 0);
  out.string(x.key);
  out.blob(x.value);
}

expected<crdt_entry> decode_entry(byte_reader& in, std::string_view context) {
  crdt_entry x;
  x.version = in.varint();
  auto writer = in.raw(x.writer.bytes.size());
  // The size test is what raw promises when the reader is ok; it also lets
  // the compiler see that the copy stays inside the id.
  if (in.ok() && writer.size() == x.writer.bytes.size())
    std::memcpy(x.writer.bytes.data(), writer.data(), writer.size());
  auto flags = in.u8();
  if (in.ok() && flags > 1)
    in.fail("unknown entry flags " + std::to_string(flags));
  x.tombstone = flags == 1;
  x.key = in.string("key", crdt_max_key_bytes);
  auto value = in.blob("value", crdt_max_value_bytes);
  if (auto st = in.result(context); !st)
    return st.error();
  x.value.assign(value.begin(), value.end());
  if (auto st = check_entry(x); !st)
    return make_error(errc::corrupt_data, std::string{context} + ": " + st.error().message);
  return x;
}

} // namespace swarm::membership
