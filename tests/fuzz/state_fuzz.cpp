// libFuzzer target for the decoders of the replicated swarm state: node
// records, round records, task, taskrunner, taskrunner peer and contract
// records, gossip update batches, anti-entropy summaries, state files and
// identity files. The first input byte picks the decoder; the rest is its
// input. Beyond "never crash", whatever decodes must survive a round trip.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

#include "swarm/common/sha256.hpp"
#include "swarm/membership/state_contract_record.hpp"
#include "swarm/membership/state_file.hpp"
#include "swarm/membership/state_identity.hpp"
#include "swarm/membership/state_node_record.hpp"
#include "swarm/membership/state_round_record.hpp"
#include "swarm/membership/state_sync.hpp"
#include "swarm/membership/state_task_record.hpp"
#include "swarm/membership/state_taskrunner_record.hpp"

using namespace swarm::membership;

namespace {

void check(bool condition) {
  if (!condition)
    std::abort();
}

void fuzz_node_record(std::span<const std::byte> in) {
  auto x = node_record::decode(in);
  if (!x)
    return;
  byte_writer out;
  x->encode(out);
  auto again = node_record::decode(out.bytes());
  check(again && *again == *x);
}

void fuzz_round_record(std::span<const std::byte> in) {
  auto x = round_record::decode(in);
  if (!x)
    return;
  check(static_cast<bool>(x->check()));
  // Compared as bytes: a NaN loss is valid but never equal to itself.
  byte_writer out;
  x->encode(out);
  auto again = round_record::decode(out.bytes());
  check(static_cast<bool>(again));
  byte_writer twice;
  again->encode(twice);
  check(std::ranges::equal(out.bytes(), twice.bytes()));
  check(record_hash(*again) == record_hash(*x));
  check_chain(std::span{&*x, 1});
}

// Whatever a record decoder accepts passes `check` and re-encodes to a value
// that decodes equal.
template <class T>
void fuzz_record(std::span<const std::byte> in) {
  auto x = T::decode(in);
  if (!x)
    return;
  check(static_cast<bool>(x->check()));
  byte_writer out;
  x->encode(out);
  auto again = T::decode(out.bytes());
  check(again && *again == *x);
}

void fuzz_updates(std::span<const std::byte> in) {
  auto xs = decode_updates(in);
  if (!xs)
    return;
  // Every field has a single encoding, so re-encoding reproduces the input.
  byte_writer out;
  encode_updates(out, *xs);
  check(std::ranges::equal(out.bytes(), in));
  swarm_state s;
  if (auto news = s.merge_all(*xs))
    check(news->size() <= xs->size());
}

void fuzz_summary(std::span<const std::byte> in) {
  auto x = decode_state_summary(in);
  if (!x)
    return;
  byte_writer out;
  encode_state_summary(out, *x);
  check(std::ranges::equal(out.bytes(), in));
  swarm_state s;
  delta_for(s, *x);
}

void round_trip_state(std::span<const std::byte> in) {
  auto s = parse_state(in, "fuzz");
  if (!s)
    return;
  auto image = encode_state(*s);
  auto again = parse_state(image, "fuzz");
  check(again && same_contents(*again, *s));
}

// Wraps the input in a valid header and checksum: random bytes almost never
// pass the SHA-256 check, and the body parser is what needs the fuzzing.
void fuzz_state_body(std::span<const std::byte> body) {
  byte_writer out;
  out.raw(std::as_bytes(std::span{state_file_magic}));
  out.u32(state_file_version);
  out.u64(body.size());
  out.raw(body);
  auto digest = swarm::sha256_of(out.bytes().data(), out.bytes().size());
  out.raw(std::as_bytes(std::span{digest}));
  round_trip_state(out.bytes());
}

void fuzz_identity(std::span<const std::byte> in) {
  std::string_view text{reinterpret_cast<const char*>(in.data()), in.size()};
  auto x = parse_identity(text, "fuzz");
  if (!x)
    return;
  auto again = parse_identity(format_identity(*x), "fuzz");
  check(again && *again == *x);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  auto in = std::as_bytes(std::span{data + 1, size - 1});
  // New decoders take new selector values, so existing corpus files keep
  // reaching the decoder they were written for.
  switch (data[0] % 11) {
    case 0:
      fuzz_node_record(in);
      break;
    case 1:
      fuzz_updates(in);
      break;
    case 2:
      fuzz_summary(in);
      break;
    case 3:
      round_trip_state(in);
      break;
    case 4:
      fuzz_state_body(in);
      break;
    case 5:
      fuzz_identity(in);
      break;
    case 7:
      fuzz_record<task_record>(in);
      break;
    case 8:
      fuzz_record<taskrunner_record>(in);
      break;
    case 9:
      fuzz_record<taskrunner_peer_record>(in);
      break;
    case 10:
      fuzz_record<contract_record>(in);
      break;
    default:
      fuzz_round_record(in);
      break;
  }
  return 0;
}
