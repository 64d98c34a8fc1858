#include "swarm/swci/parser.hpp"

#include <algorithm>
#include <cctype>

#include "pattern.hpp"
#include "swarm/swci/suggest.hpp"

namespace swarm::swci {

namespace {

using detail::compiled_pattern;
using detail::part_kind;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// The rest of `line` after word `i - 1` and the one separator that follows
// it, so that indentation in a body line survives (YAML needs it).
std::string rest_of_line(std::string_view line, const std::vector<token>& words, size_t i) {
  size_t start = i == 0 ? words[0].offset : words[i - 1].offset + words[i - 1].text.size() + 1;
  auto rest = line.substr(std::min(start, line.size()));
  while (!rest.empty() && is_space(rest.back()))
    rest.remove_suffix(1);
  return std::string{rest};
}

// Takes one argument part at word `i`; false if the line cannot match.
bool take_part(const detail::pattern_part& part, std::string_view line,
               const std::vector<token>& words, size_t& i, std::vector<std::string>& args) {
  const bool more = i < words.size();
  switch (part.kind) {
    case part_kind::keyword:
      return more && to_upper(words[i++].text) == part.word;
    case part_kind::required:
      if (!more)
        return false;
      args.push_back(words[i++].text);
      return true;
    case part_kind::optional:
      args.push_back(more ? words[i++].text : std::string{});
      return true;
    case part_kind::choice: {
      if (!more) {
        args.emplace_back();
        return true;
      }
      auto word = to_upper(words[i++].text);
      args.push_back(word);
      return std::ranges::find(part.choices, word) != part.choices.end();
    }
    case part_kind::rest:
    case part_kind::optional_rest:
      if (!more)
        args.emplace_back();
      else
        args.push_back(rest_of_line(line, words, i));
      i = words.size();
      return more || part.kind == part_kind::optional_rest;
  }
  return false;
}

std::optional<std::vector<std::string>> match(const compiled_pattern& pattern,
                                              std::string_view line,
                                              const std::vector<token>& words) {
  std::vector<std::string> args;
  size_t i = 0;
  for (const auto& part : pattern.parts)
    if (!take_part(part, line, words, i, args))
      return std::nullopt;
  if (i != words.size())
    return std::nullopt;
  return args;
}

// How many leading keywords of `pattern` the line spells out.
size_t matched_keywords(const compiled_pattern& pattern, const std::vector<token>& words) {
  size_t n = 0;
  while (n < pattern.prefix_length && n < words.size()
         && to_upper(words[n].text) == pattern.parts[n].word)
    ++n;
  return n;
}

// A line that names a command but gets its arguments wrong: the usage of
// the commands it names best. Empty if it names none.
std::string usage_of_nearest(const std::vector<token>& words) {
  size_t best = 0;
  std::vector<const compiled_pattern*> named;
  for (const auto& pattern : detail::compiled_patterns()) {
    auto n = matched_keywords(pattern, words);
    // Named: all its keywords typed, or two of them, or every typed word
    // is one of its keywords ("LIST" names every LIST command).
    bool names = n > 0 && (n == pattern.prefix_length || n >= 2 || n == words.size());
    if (!names || n < best)
      continue;
    if (n > best)
      named.clear();
    best = n;
    named.push_back(&pattern);
  }
  std::string usage;
  for (const auto* pattern : named) {
    usage += usage.empty() ? "" : " | ";
    usage += pattern->spec->pattern;
  }
  return usage;
}

} // namespace

std::vector<token> tokenize(std::string_view line) {
  std::vector<token> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_space(line[i]))
      ++i;
    size_t start = i;
    while (i < line.size() && !is_space(line[i]))
      ++i;
    if (i > start)
      out.push_back({std::string{line.substr(start, i - start)}, start});
  }
  return out;
}

expected<parsed_command> parse_command(std::string_view line) {
  auto words = tokenize(line);
  if (words.empty())
    return make_error(errc::invalid_argument, "empty command");
  for (const auto& pattern : detail::compiled_patterns())
    if (auto args = match(pattern, line, words))
      return parsed_command{pattern.spec->id, std::move(*args)};
  if (auto usage = usage_of_nearest(words); !usage.empty())
    return make_error(errc::invalid_argument, "wrong arguments; usage: " + usage);
  if (auto near = suggest_command(words))
    return make_error(errc::invalid_argument, "unknown command '" + near->typed
                                                + "': did you mean '" + near->nearest + "'?");
  std::string typed;
  for (size_t i = 0; i < words.size() && i < 3; ++i)
    typed += (i == 0 ? "" : " ") + words[i].text;
  return make_error(errc::invalid_argument,
                    "unknown command '" + typed + "' (HELP lists the commands)");
}

std::string keyword_prefix(const command_spec& spec) {
  std::string out;
  for (const auto& word : tokenize(spec.pattern)) {
    if (word.text.front() == '<' || word.text.front() == '[')
      break;
    out += (out.empty() ? "" : " ") + to_upper(word.text);
  }
  return out;
}

std::string to_upper(std::string_view text) {
  std::string out{text};
  for (auto& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool is_blank_or_comment(std::string_view line) {
  auto text = trim(line);
  return text.empty() || text.front() == '#';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_space(text.back()))
    text.remove_suffix(1);
  return text;
}

} // namespace swarm::swci
