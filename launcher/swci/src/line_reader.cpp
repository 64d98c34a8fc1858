#include "swarm/swci/line_reader.hpp"

#include <cstdio>
#include <cstdlib>
#include <memory>

#include <editline/readline.h>

#include "swarm/swci/parser.hpp"

namespace swarm::swci {

namespace {

// Lines kept in the history file.
constexpr int history_lines = 1000;

} // namespace

line_reader::line_reader(std::filesystem::path history_file)
  : history_file_(std::move(history_file)) {
  using_history();
  stifle_history(history_lines);
  if (!history_file_.empty())
    read_history(history_file_.c_str());
}

line_reader::~line_reader() {
  if (!history_file_.empty())
    write_history(history_file_.c_str());
}

std::optional<std::string> line_reader::read(const std::string& prompt) {
  std::unique_ptr<char, decltype(&std::free)> line{readline(prompt.c_str()), &std::free};
  if (!line)
    return std::nullopt;
  std::string text{line.get()};
  if (!trim(text).empty())
    add_history(text.c_str());
  return text;
}

std::filesystem::path default_history_file() {
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0')
    return {};
  return std::filesystem::path{home} / ".swarm_swci_history";
}

} // namespace swarm::swci
