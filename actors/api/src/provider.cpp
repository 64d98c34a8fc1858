#include "swarm/api/provider.hpp"

#include <cstdio>
#include <ctime>

#include "swarm/common/version.hpp"

namespace swarm::api {

std::string format_utc_ms(uint64_t ms_since_epoch) {
  auto seconds = static_cast<std::time_t>(ms_since_epoch / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<unsigned>(ms_since_epoch % 1000));
  return buf;
}

nlohmann::json to_json(const health_info& x) {
  return {
    {"status", x.ready ? "ok" : "starting"},
    {"name", x.name},
    {"uuid", x.uuid},
    {"role", x.role},
    {"version", x.version.empty() ? std::string{swarm::version} : x.version},
    {"uptime_s", x.uptime_s},
    {"members",
     {{"alive", x.members.alive},
      {"suspect", x.members.suspect},
      {"dead", x.members.dead},
      {"left", x.members.left}}},
  };
}

nlohmann::json to_json(const node_view& x) {
  auto ports = nlohmann::json::object();
  if (x.p2p_port != 0)
    ports["p2p"] = x.p2p_port;
  if (x.api_port != 0)
    ports["api"] = x.api_port;
  if (x.fs_port != 0)
    ports["fs"] = x.fs_port;
  nlohmann::json never = nullptr;
  return {
    {"type", x.type},
    {"host", x.host},
    {"ports", std::move(ports)},
    {"name", x.name},
    {"uuid", x.uuid},
    {"parent_uuid", x.parent_uuid.empty() ? never : nlohmann::json(x.parent_uuid)},
    {"status", x.status},
    {"last_seen_ms", x.last_seen_ms == 0 ? never : nlohmann::json(x.last_seen_ms)},
    {"last_seen", x.last_seen_ms == 0 ? never : nlohmann::json(format_utc_ms(x.last_seen_ms))},
  };
}

nlohmann::json to_json(const std::vector<node_view>& xs) {
  auto rows = nlohmann::json::array();
  for (const auto& x : xs)
    rows.push_back(to_json(x));
  return {{"nodes", std::move(rows)}};
}

} // namespace swarm::api
