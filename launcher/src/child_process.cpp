// The launcher's child processes are the SWOP's (actors/swop); what stays
// here is the parsing of HPE's `-e KEY=VALUE` arguments.

#include "child_process.hpp"

namespace swarm::launcher {

expected<std::pair<std::string, std::string>> parse_env_assignment(const std::string& text) {
  auto eq = text.find('=');
  if (eq == 0 || eq == std::string::npos)
    return make_error(errc::invalid_argument,
                      "'" + text + "' is not KEY=VALUE (as in docker run -e)");
  return std::pair{text.substr(0, eq), text.substr(eq + 1)};
}

} // namespace swarm::launcher
