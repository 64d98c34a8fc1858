#include "swarm/swci/script.hpp"

#include <fstream>
#include <istream>
#include <ostream>

namespace swarm::swci {

run_outcome run_lines(session& s, const line_source& next, std::string_view name,
                      std::ostream& err, bool interactive) {
  run_outcome outcome;
  size_t number = 0;
  while (auto line = next()) {
    ++number;
    if (is_blank_or_comment(*line))
      continue;
    auto st = s.execute(*line);
    if (!st) {
      ++outcome.failures;
      s.out() << std::flush;
      if (interactive) {
        err << "ERROR: " << st.error().message << std::endl;
        continue;
      }
      err << name << ':' << number << ": " << trim(*line) << ": " << st.error().message
          << std::endl;
      if (s.exit_on_failure()) {
        outcome.exit_code = 1;
        outcome.stopped = true;
        return outcome;
      }
    }
    if (s.exit_requested()) {
      outcome.stopped = true;
      return outcome;
    }
  }
  return outcome;
}

run_outcome run_stream(session& s, std::istream& in, std::string_view name, std::ostream& err) {
  return run_lines(
    s,
    [&in]() -> std::optional<std::string> {
      std::string line;
      if (!std::getline(in, line))
        return std::nullopt;
      return line;
    },
    name, err);
}

expected<run_outcome> run_script_file(session& s, const std::filesystem::path& path,
                                      std::ostream& err) {
  std::ifstream in{path};
  if (!in)
    return make_error(errc::io_error, "cannot open the init script " + path.string());
  return run_stream(s, in, path.filename().string(), err);
}

} // namespace swarm::swci
