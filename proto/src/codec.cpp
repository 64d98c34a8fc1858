#include "swarm/wire/codec.hpp"

#include <climits>
#include <mutex>

#include <google/protobuf/stubs/logging.h>

#include "swarm/common/log.hpp"
#include "swarm/wire/check.hpp"

namespace swarm::wire {

namespace {

void log_protobuf(google::protobuf::LogLevel level, const char* file, int line,
                  const std::string& message) {
  static auto logger = log::get("swarm.wire");
  // FATAL aborts the process right after this call: say why, loudly.
  auto spd_level = level >= google::protobuf::LOGLEVEL_FATAL   ? spdlog::level::critical
                   : level >= google::protobuf::LOGLEVEL_ERROR ? spdlog::level::debug
                                                               : spdlog::level::trace;
  logger->log(spd_level, "protobuf {}:{}: {}", file, line, message);
}

} // namespace

expected<Envelope> decode_envelope(std::span<const std::byte> bytes, size_t max_bytes) {
  return decode_envelope(std::string_view{reinterpret_cast<const char*>(bytes.data()),
                                          bytes.size()},
                         max_bytes);
}

expected<Envelope> decode_envelope(std::string_view bytes, size_t max_bytes) {
  // Size first: parsing allocates in proportion to the input.
  if (bytes.size() > max_bytes)
    return make_error(reject_reason::oversized, std::to_string(bytes.size())
                                                  + " bytes, at most "
                                                  + std::to_string(max_bytes));
  // ParseFromArray takes an int; the limit above keeps sizes far below, but
  // a caller may pass a larger limit.
  if (bytes.size() > static_cast<size_t>(INT_MAX))
    return make_error(reject_reason::oversized, "more than INT_MAX bytes");
  Envelope result;
  if (!result.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return make_error(reject_reason::malformed,
                      "not a swarm.wire.Envelope (" + std::to_string(bytes.size()) + " bytes)");
  if (auto st = check_envelope(result); !st)
    return st.error();
  return result;
}

std::string encode(const Envelope& x) {
  return x.SerializeAsString();
}

Envelope make_envelope() {
  Envelope result;
  result.set_version(wire_version);
  return result;
}

void route_protobuf_logs() {
  static std::once_flag once;
  std::call_once(once, [] { google::protobuf::SetLogHandler(&log_protobuf); });
}

} // namespace swarm::wire
