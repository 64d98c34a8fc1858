#include "swarm/config/diagnostic.hpp"

namespace swarm::config {

std::string diagnostic::to_string() const {
  auto result = source;
  result += ':';
  result += std::to_string(line);
  result += ':';
  result += std::to_string(column);
  result += ": ";
  if (!path.empty()) {
    result += path;
    result += ": ";
  }
  result += message;
  return result;
}

error to_error(const std::vector<diagnostic>& problems, bool syntax_error) {
  std::string message;
  for (const auto& x : problems) {
    if (!message.empty())
      message += '\n';
    message += x.to_string();
  }
  if (message.empty())
    message = "unknown problem"; // An error must say something.
  return make_error(syntax_error ? errc::parse_error : errc::invalid_config,
                    std::move(message));
}

} // namespace swarm::config
