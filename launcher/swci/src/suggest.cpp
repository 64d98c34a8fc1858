#include "swarm/swci/suggest.hpp"

#include <algorithm>
#include <numeric>

#include "pattern.hpp"

namespace swarm::swci {

namespace {

using detail::compiled_pattern;

std::string join_upper(const std::vector<token>& words, size_t count) {
  std::string out;
  for (size_t i = 0; i < count && i < words.size(); ++i)
    out += (i == 0 ? "" : " ") + to_upper(words[i].text);
  return out;
}

// Whether the topic's words are the first keywords of `pattern`.
bool starts_with_words(const compiled_pattern& pattern, const std::vector<token>& words) {
  if (words.size() > pattern.prefix_length)
    return false;
  for (size_t i = 0; i < words.size(); ++i)
    if (to_upper(words[i].text) != pattern.parts[i].word)
      return false;
  return true;
}

// The first keywords of a command (as many as `words` has) nearest to
// `words`, for a HELP topic; ties go to the earlier command.
std::optional<std::string> nearest_words(const std::vector<token>& words);

} // namespace

size_t edit_distance(std::string_view a, std::string_view b) {
  // One row of the classic dynamic programme: row[j] is the distance
  // between the first i characters of a and the first j of b.
  std::vector<size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), size_t{0});
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitute});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<suggestion> suggest_command(const std::vector<token>& words) {
  std::optional<suggestion> best;
  size_t best_distance = 0;
  size_t best_length = 0;
  for (const auto& pattern : detail::compiled_patterns()) {
    auto nearest = keyword_prefix(*pattern.spec);
    auto typed = join_upper(words, pattern.prefix_length);
    auto distance = edit_distance(typed, nearest);
    if (distance > std::max<size_t>(2, nearest.size() / 4))
      continue;
    bool better = !best || distance < best_distance
                  || (distance == best_distance && pattern.prefix_length > best_length);
    if (!better)
      continue;
    best = suggestion{typed, nearest};
    best_distance = distance;
    best_length = pattern.prefix_length;
  }
  return best;
}

expected<std::string> help_text(std::string_view topic) {
  auto words = tokenize(topic);
  std::vector<const command_spec*> chosen;
  for (const auto& pattern : detail::compiled_patterns())
    if (starts_with_words(pattern, words))
      chosen.push_back(pattern.spec);
  if (chosen.empty()) {
    std::string message = "no command starts with '" + std::string{trim(topic)} + "'";
    if (auto near = nearest_words(words))
      message += ": did you mean '" + *near + "'?";
    return make_error(errc::invalid_argument, message);
  }
  size_t width = 0;
  for (const auto* spec : chosen)
    width = std::max(width, spec->pattern.size());
  std::string out;
  for (const auto* spec : chosen) {
    out += spec->pattern;
    out.append(width + 2 - spec->pattern.size(), ' ');
    out += spec->summary;
    out += '\n';
  }
  if (words.empty())
    out += "\nKeywords are case-insensitive. In a script, lines starting with # are comments.\n";
  return out;
}

} // namespace swarm::swci

namespace swarm::swci {

namespace {

std::optional<std::string> nearest_words(const std::vector<token>& words) {
  auto typed = join_upper(words, words.size());
  std::optional<std::string> best;
  size_t best_distance = 0;
  for (const auto& pattern : detail::compiled_patterns()) {
    if (pattern.prefix_length < words.size())
      continue;
    std::string candidate;
    for (size_t i = 0; i < words.size(); ++i)
      candidate += (i == 0 ? "" : " ") + pattern.parts[i].word;
    auto distance = edit_distance(typed, candidate);
    if (distance > std::max<size_t>(2, candidate.size() / 4))
      continue;
    if (!best || distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

} // namespace

} // namespace swarm::swci
