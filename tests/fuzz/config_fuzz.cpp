// libFuzzer target: arbitrary bytes as a SWOP profile and as a task
// definition. Any input must come back as a value or as diagnostics; a crash,
// an escaped exception, a hang or a sanitizer report is a finding.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include "swarm/config/profile.hpp"
#include "swarm/config/task.hpp"

namespace {

// Every diagnostic must be printable and carry a usable position.
template <class T>
void check_result(const swarm::config::checked<T>& result) {
  if (result.value.has_value() != result.problems.empty())
    std::abort();
  for (const auto& x : result.problems) {
    if (x.line < 1 || x.column < 1 || x.message.empty())
      std::abort();
    if (x.to_string().find('\n') != std::string::npos)
      std::abort();
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};
  // parse_profile and parse_task are check_* plus to_expected; calling the
  // pieces once each keeps the fuzzer fast while covering both.
  auto profile = swarm::config::check_profile(text, "fuzz.yaml");
  check_result(profile);
  auto task = swarm::config::check_task(text, "fuzz.yaml");
  check_result(task);
  auto profile_or_error = swarm::config::to_expected(std::move(profile));
  if (!profile_or_error && profile_or_error.error().message.empty())
    std::abort();
  auto task_or_error = swarm::config::to_expected(std::move(task));
  if (!task_or_error && task_or_error.error().message.empty())
    std::abort();
  return 0;
}
