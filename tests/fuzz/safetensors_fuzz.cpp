// libFuzzer target for the safetensors parser: it must never crash or hang,
// and every file it accepts must survive a write and re-read bit for bit.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "swarm/ml/safetensors.hpp"

namespace {

bool same(const swarm::ml::safetensors_contents& a,
          const swarm::ml::safetensors_contents& b) {
  if (a.metadata != b.metadata || a.tensors.size() != b.tensors.size())
    return false;
  for (size_t i = 0; i < a.tensors.size(); ++i) {
    auto& x = a.tensors[i];
    auto& y = b.tensors[i];
    if (x.name != y.name || x.shape != y.shape || x.values.size() != y.values.size()
        || (!x.values.empty()
            && std::memcmp(x.values.data(), y.values.data(), x.values.size() * 4) != 0))
      return false;
  }
  return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace swarm::ml;
  auto parsed = parse_safetensors(std::as_bytes(std::span{data, size}), "fuzz");
  if (!parsed)
    return 0;
  std::vector<tensor_view> views;
  for (auto& t : parsed->tensors) {
    if (t.values.size() != t.view().size())
      __builtin_trap();
    // The writer refuses empty names (the format does not), so stop here.
    if (t.name.empty())
      return 0;
    views.push_back(t.view());
  }
  auto written = serialize_safetensors(views, parsed->metadata);
  if (!written)
    __builtin_trap();
  auto reread = parse_safetensors(*written, "fuzz-rewritten");
  if (!reread || !same(*parsed, *reread))
    __builtin_trap();
  return 0;
}
