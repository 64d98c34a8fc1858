#include "pattern.hpp"

#include "swarm/swci/parser.hpp"

namespace swarm::swci::detail {

namespace {

pattern_part compile_part(std::string_view word) {
  pattern_part part;
  bool angle = word.front() == '<';
  bool square = word.front() == '[';
  if (!angle && !square) {
    part.word = to_upper(word);
    return part;
  }
  auto inner = word.substr(1, word.size() - 2);
  bool rest = inner.ends_with("...");
  // `[ON|OFF]` is a choice of keywords; `<index|uid>` is one argument that
  // may be either, so only bracketed upper-case alternatives count.
  if (square && inner.find('|') != std::string_view::npos && to_upper(inner) == inner) {
    part.kind = part_kind::choice;
    size_t start = 0;
    for (;;) {
      auto bar = inner.find('|', start);
      part.choices.push_back(std::string{inner.substr(start, bar - start)});
      if (bar == std::string_view::npos)
        break;
      start = bar + 1;
    }
    return part;
  }
  if (angle)
    part.kind = rest ? part_kind::rest : part_kind::required;
  else
    part.kind = rest ? part_kind::optional_rest : part_kind::optional;
  return part;
}

std::vector<compiled_pattern> compile_all() {
  std::vector<compiled_pattern> out;
  for (const auto& spec : command_table()) {
    compiled_pattern pattern;
    pattern.spec = &spec;
    for (const auto& word : tokenize(spec.pattern))
      pattern.parts.push_back(compile_part(word.text));
    while (pattern.prefix_length < pattern.parts.size()
           && pattern.parts[pattern.prefix_length].kind == part_kind::keyword)
      ++pattern.prefix_length;
    out.push_back(std::move(pattern));
  }
  return out;
}

} // namespace

const std::vector<compiled_pattern>& compiled_patterns() {
  static const std::vector<compiled_pattern> patterns = compile_all();
  return patterns;
}

} // namespace swarm::swci::detail
