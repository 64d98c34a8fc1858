// libFuzzer target for the wire codec: the envelope decoder (size limit,
// protobuf parse, version, body and per-field checks), the SWIM converters
// and the merge-round converters (models, digests). Beyond "never crash": whatever decodes must encode and decode
// again to the same bytes, and a SWIM body that converts must convert back
// to the same message.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <google/protobuf/stubs/logging.h>

#include "swarm/wire/check.hpp"
#include "swarm/wire/codec.hpp"
#include "swarm/wire/round_convert.hpp"
#include "swarm/wire/swim_convert.hpp"

using namespace swarm::wire;

namespace {

void check(bool condition) {
  if (!condition)
    std::abort();
}

void fuzz_swim(const SwimMessage& x) {
  auto msg = from_wire(x);
  if (!msg)
    return;
  // from_wire accepted it, so to_wire must produce something it accepts
  // again, and the two conversions must agree byte for byte.
  auto first = to_wire(*msg);
  check(static_cast<bool>(check_swim_message(first)));
  auto again = from_wire(first);
  check(static_cast<bool>(again));
  check(to_wire(*again).SerializeAsString() == first.SerializeAsString());
}

void fuzz_round(const RoundMessage& x) {
  if (x.has_enroll())
    return;
  auto msg = round_from_wire(x, "fuzz");
  if (!msg)
    return;
  // What decoded (digests and models verified) must encode to something
  // that decodes again to the same kind of message.
  round_encoder enc;
  auto env = enc.encode(x.contract(), x.sender(), *msg);
  auto again = round_from_wire(env.round(), "fuzz");
  check(static_cast<bool>(again));
  check(again->index() == msg->index());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // protobuf logs invalid UTF-8 before failing a parse; that is expected
  // here and would only slow the fuzzer down.
  static const bool quiet = [] {
    google::protobuf::SetLogHandler(nullptr);
    return true;
  }();
  (void) quiet;
  std::string_view input{reinterpret_cast<const char*>(data), size};
  auto env = decode_envelope(input);
  if (!env)
    return 0;
  auto bytes = encode(*env);
  // Re-encoding may only shrink non-canonical input (overlong varints),
  // never grow it past the limit the input already met.
  check(bytes.size() <= max_envelope_bytes);
  auto again = decode_envelope(bytes);
  check(static_cast<bool>(again));
  check(encode(*again) == bytes);
  if (env->has_swim())
    fuzz_swim(env->swim());
  if (env->has_round())
    fuzz_round(env->round());
  return 0;
}
