#include "scalars.hpp"

#include <algorithm>
#include <cctype>

#include "walk.hpp"

namespace swarm::config::detail {

namespace {

bool is_placeholder_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

size_t count_chars(std::string_view text) {
  // UTF-8 continuation bytes (10xxxxxx) do not start a character.
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::string describe_limits(text_limits limits) {
  return "text of " + std::to_string(limits.min_chars) + "-"
         + std::to_string(limits.max_chars) + " characters";
}

// Shared body of both read_text overloads once null has been handled.
bool read_present_text(context& ctx, const field& f, std::string& out,
                       text_limits limits, bool nullable) {
  if (!f.node.IsScalar()) {
    ctx.report(f, "expected " + describe_limits(limits) + (nullable ? " or ~" : "")
                    + ", got " + describe(f.node));
    return false;
  }
  if (!check_placeholder(ctx, f))
    return false;
  const auto& text = f.node.Scalar();
  auto n = count_chars(text);
  if (n < limits.min_chars || n > limits.max_chars) {
    ctx.report(f, "expected " + describe_limits(limits) + ", got "
                    + std::to_string(n) + (n == 1 ? " character" : " characters"));
    return false;
  }
  out = text;
  return true;
}

// Parses an unsigned decimal; false on anything else or past `max`.
bool parse_decimal(std::string_view text, uint64_t max, uint64_t& out) {
  if (!text.empty() && text.front() == '+')
    text.remove_prefix(1);
  if (text.empty() || text.size() > 19)
    return false;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return false;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value > max)
    return false;
  out = value;
  return true;
}

} // namespace

std::string_view find_placeholder(std::string_view text) {
  for (size_t open = text.find('<'); open != std::string_view::npos;
       open = text.find('<', open + 1)) {
    auto end = open + 1;
    while (end < text.size() && is_placeholder_char(text[end]))
      ++end;
    if (end > open + 1 && end < text.size() && text[end] == '>')
      return text.substr(open, end - open + 1);
  }
  return {};
}

bool check_placeholder(context& ctx, const field& f) {
  if (!f.node.IsScalar())
    return true;
  auto found = find_placeholder(f.node.Scalar());
  if (found.empty())
    return true;
  ctx.report(f, "placeholder " + std::string{found} + " was not replaced");
  return false;
}

bool read_text(context& ctx, const field& f, std::string& out, text_limits limits) {
  return read_present_text(ctx, f, out, limits, false);
}

bool read_text(context& ctx, const field& f, std::optional<std::string>& out,
               text_limits limits) {
  if (f.node.IsNull()) {
    out.reset();
    return true;
  }
  std::string text;
  if (!read_present_text(ctx, f, text, limits, true))
    return false;
  out = std::move(text);
  return true;
}

bool read_index(context& ctx, const field& f, uint32_t& out) {
  uint64_t value = 0;
  if (f.node.IsScalar() && parse_decimal(f.node.Scalar(), UINT32_MAX, value)) {
    out = static_cast<uint32_t>(value);
    return true;
  }
  ctx.report(f, "expected an integer >= 0, got " + describe(f.node));
  return false;
}

bool read_port(context& ctx, const field& f, std::optional<uint16_t>& out) {
  if (f.node.IsNull()) {
    out.reset();
    return true;
  }
  uint64_t value = 0;
  if (f.node.IsScalar() && parse_decimal(f.node.Scalar(), 65535, value)
      && value > 0) {
    out = static_cast<uint16_t>(value);
    return true;
  }
  if (check_placeholder(ctx, f))
    ctx.report(f, "expected an integer port 1-65535, got " + describe(f.node));
  return false;
}

bool read_bool(context& ctx, const field& f, bool& out) {
  if (f.node.IsScalar()) {
    auto text = f.node.Scalar();
    std::transform(text.begin(), text.end(), text.begin(), [](char c) {
      return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    });
    for (auto yes : {"true", "yes", "on", "y"}) {
      if (text == yes) {
        out = true;
        return true;
      }
    }
    for (auto no : {"false", "no", "off", "n"}) {
      if (text == no) {
        out = false;
        return true;
      }
    }
  }
  ctx.report(f, "expected true or false, got " + describe(f.node));
  return false;
}

void report_enum(context& ctx, const field& f,
                 std::span<const std::string_view> names) {
  if (!check_placeholder(ctx, f))
    return;
  std::string expected;
  for (auto name : names) {
    if (!expected.empty())
      expected += ", ";
    expected += name;
  }
  auto prefix = names.size() == 1 ? "expected " : "expected one of ";
  ctx.report(f, prefix + expected + ", got " + describe(f.node));
}

} // namespace swarm::config::detail
