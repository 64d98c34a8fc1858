// libFuzzer target for the IDX parser (raw and gzip input): it must never
// crash, hang or over-allocate, and whatever it accepts must be consistent.
#include <cstddef>
#include <cstdint>
#include <span>

#include "swarm/ml/idx.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace swarm::ml;
  auto bytes = std::as_bytes(std::span{data, size});
  for (auto kind : {idx_kind::labels, idx_kind::images}) {
    auto parsed = parse_idx(bytes, kind, "fuzz");
    if (!parsed)
      continue;
    size_t product = 1;
    for (auto d : parsed->dims)
      product *= d;
    if (parsed->kind != kind || parsed->dims.size() != idx_rank(kind)
        || parsed->values.size() != product || product > idx_max_payload_bytes)
      __builtin_trap();
  }
  return 0;
}
