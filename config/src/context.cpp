#include "context.hpp"

#include <algorithm>

namespace swarm::config::detail {

namespace {

// Keys and values from the document end up in paths and messages; escape
// control bytes so each problem stays on its own line.
std::string one_line(std::string text) {
  if (std::none_of(text.begin(), text.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20;
      }))
    return text;
  static constexpr char hex[] = "0123456789abcdef";
  std::string result;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20) {
      result += "\\x";
      result += hex[byte >> 4];
      result += hex[byte & 0xf];
    } else {
      result += c;
    }
  }
  return result;
}

int one_based(int zero_based) {
  // yaml-cpp uses -1 for "no position"; point at the document start then.
  return zero_based < 0 ? 1 : zero_based + 1;
}

} // namespace

context::context(std::string_view source) : source_(one_line(std::string{source})) {
  // nop
}

void context::report(const YAML::Mark& mark, std::string path,
                     std::string message) {
  if (problems_.size() >= max_diagnostics) {
    ++dropped_;
    return;
  }
  problems_.push_back(diagnostic{source_, one_based(mark.line),
                                 one_based(mark.column), one_line(std::move(path)),
                                 one_line(std::move(message))});
}

void context::report_always(std::string message) {
  problems_.push_back(diagnostic{source_, 1, 1, std::string{}, one_line(std::move(message))});
}

void context::report_syntax(const YAML::Mark& mark, std::string message) {
  syntax_error_ = true;
  report(mark, std::string{}, std::move(message));
}

bool context::visit() {
  if (++visits_ <= max_visits)
    return true;
  // Past the cap on diagnostics this must still show, or the reader would
  // not learn why checking stopped.
  if (visits_ == max_visits + 1)
    report_always("document too large to check: more than "
                  + std::to_string(max_visits)
                  + " nodes to visit (many aliases to large anchors?)");
  return false;
}

std::vector<diagnostic> context::take() {
  // Problems are found in schema order (a missing key only when the walk
  // asks for it); sorting gives the reader document order.
  std::stable_sort(problems_.begin(), problems_.end(),
                   [](const diagnostic& a, const diagnostic& b) {
                     return a.line != b.line ? a.line < b.line
                                             : a.column < b.column;
                   });
  if (dropped_ > 0)
    problems_.push_back(diagnostic{source_, problems_.back().line,
                                   problems_.back().column, std::string{},
                                   "... and " + std::to_string(dropped_)
                                     + " more problems"});
  return std::move(problems_);
}

} // namespace swarm::config::detail
