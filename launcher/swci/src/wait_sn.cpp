// WAIT FOR IP / WAIT FOR SERVICE: retries GET /v1/health until the SN
// answers that it is ready, saying each time why it is not yet.
#include <ostream>

#include "handlers.hpp"

namespace swarm::swci::detail {

namespace {

// Why the SN is not ready yet, or "" if it is.
std::string not_ready_reason(session& s, const endpoint& api) {
  auto client = s.client_for(api);
  if (!client)
    return client.error().message;
  auto reply = (*client)->send(http_verb::get, "/v1/health");
  if (!reply)
    return reply.error().message;
  if (reply->status == 200)
    return {};
  if (reply->status == 503)
    return "SN at " + api.to_string() + " is starting (HTTP 503)";
  return "SN at " + api.to_string() + " answered HTTP " + std::to_string(reply->status);
}

std::string seconds_text(std::chrono::milliseconds interval) {
  auto ms = interval.count();
  if (ms % 1000 == 0)
    return std::to_string(ms / 1000) + " s";
  return std::to_string(ms) + " ms";
}

} // namespace

status wait_for_sn(session& s, const endpoint& api, std::string_view retries_text) {
  uint64_t retries = s.options().wait_for_ip_retries;
  if (!retries_text.empty()) {
    auto n = parse_count(retries_text, "the number of retries");
    if (!n)
      return n.error();
    retries = *n;
  }
  // HPE counts retries after the first attempt.
  const uint64_t attempts = retries + 1;
  std::string reason;
  for (uint64_t attempt = 1; attempt <= attempts; ++attempt) {
    reason = not_ready_reason(s, api);
    if (reason.empty()) {
      s.out() << "SN at " << api.to_string() << " is up\n";
      return status::ok();
    }
    if (attempt == attempts)
      break;
    s.out() << "Waiting for SN at " << api.to_string() << ": " << reason << " (attempt "
            << attempt << " of " << attempts << "; next in "
            << seconds_text(s.options().wait_for_ip_interval) << ")\n";
    s.time().sleep_for(s.options().wait_for_ip_interval);
  }
  return make_error(errc::io_error, "SN at " + api.to_string() + " not ready after "
                                      + std::to_string(attempts) + " attempts: " + reason);
}

} // namespace swarm::swci::detail
