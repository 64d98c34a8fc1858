// Splits a task file into header fields and body lines (CREATE TASK FROM).
// The body keeps the file's own text lines, comments included, so what
// GET TASK BODY shows is what the user wrote.

#include <algorithm>

#include "swarm/config/task.hpp"
#include "swarm/membership/task_ops.hpp"

namespace swarm::membership {

namespace {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    auto end = text.find('\n');
    auto line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos)
      break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

size_t indent_of(std::string_view line) {
  auto n = line.find_first_not_of(' ');
  return n == std::string_view::npos ? line.size() : n;
}

bool is_blank_or_comment(std::string_view line) {
  auto n = line.find_first_not_of(" \t");
  return n == std::string_view::npos || line[n] == '#';
}

// Returns what follows "Body:" if `line` is the top-level Body key.
std::optional<std::string_view> body_key_rest(std::string_view line) {
  if (!line.starts_with("Body"))
    return std::nullopt;
  auto rest = line.substr(4);
  auto colon = rest.find_first_not_of(" \t");
  if (colon == std::string_view::npos || rest[colon] != ':')
    return std::nullopt;
  rest.remove_prefix(colon + 1);
  // "Body: # note" holds no value on the key's line.
  if (is_blank_or_comment(rest))
    return std::string_view{};
  return rest.substr(rest.find_first_not_of(" \t"));
}

// Returns the lines of the top-level `Body:` block, de-indented.
std::vector<std::string> body_lines(std::string_view yaml) {
  auto lines = split_lines(yaml);
  std::vector<std::string> result;
  size_t i = 0;
  std::optional<std::string_view> rest;
  for (; i < lines.size() && !rest; ++i)
    rest = body_key_rest(lines[i]);
  if (!rest)
    return result;
  std::vector<std::string_view> block;
  for (; i < lines.size(); ++i) {
    auto line = lines[i];
    // A key (or document marker) at column 0 ends the block.
    if (!line.empty() && line[0] != ' ' && line[0] != '\t' && !is_blank_or_comment(line))
      break;
    block.push_back(line);
  }
  while (!block.empty() && is_blank_or_comment(block.back()))
    block.pop_back();
  size_t indent = std::string_view::npos;
  for (auto line : block)
    if (!is_blank_or_comment(line))
      indent = std::min(indent, indent_of(line));
  if (!rest->empty())
    result.emplace_back(*rest);
  for (auto line : block)
    result.emplace_back(line.substr(std::min({indent, indent_of(line), line.size()})));
  return result;
}

} // namespace

op_result<task_record> split_task_file(std::string_view yaml, std::string_view source) {
  auto checked = config::check_task(yaml, source);
  if (!checked.problems.empty()) {
    std::string message = "task file " + quote_name(source) + " is not a valid task:";
    for (const auto& d : checked.problems)
      message += "\n" + d.to_string();
    return op_fail(op_errc::invalid, std::move(message));
  }
  const auto& def = *checked.value;
  task_record x;
  x.name = def.name;
  x.type = std::string{config::to_string(def.task_type)};
  x.author = def.author;
  x.prereq = def.prereq;
  x.outcome = def.outcome;
  x.body = body_lines(yaml);
  if (auto st = x.check(); !st)
    return op_fail(op_errc::invalid, st.error().message);
  // The split must give back the same task; a layout it cannot cut (e.g. a
  // Body spread over flow-style lines) is refused rather than mangled.
  if (auto again = config::check_task(x.to_yaml(), source); !again.problems.empty())
    return op_fail(op_errc::invalid,
                   "task file " + quote_name(source)
                     + ": cannot split its Body into lines: "
                     + again.problems.front().to_string()
                     + "; write Body as a block mapping");
  return x;
}

} // namespace swarm::membership
