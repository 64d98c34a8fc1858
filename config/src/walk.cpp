#include "walk.hpp"

#include <algorithm>
#include <cstdint>

namespace swarm::config::detail {

namespace {

// Longest text quoted back in a message.
constexpr size_t max_quoted = 60;

std::string quote(std::string_view text) {
  std::string result = "\"";
  for (size_t i = 0; i < text.size(); ++i) {
    if (i == max_quoted) {
      result += "...";
      break;
    }
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      result += '\\';
      result += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      // Control bytes would break the one-problem-per-line output.
      static constexpr char hex[] = "0123456789abcdef";
      result += "\\x";
      result += hex[c >> 4];
      result += hex[c & 0xf];
    } else {
      result += static_cast<char>(c);
    }
  }
  result += '"';
  return result;
}

// Where a problem with a value should point. An empty value (`key:` then a
// newline) gets the position of whatever follows it, often the next line,
// so point at its key instead.
YAML::Mark value_mark(const YAML::Node& key, const YAML::Node& value) {
  auto mark = value.Mark();
  if (value.IsNull() && mark.line != key.Mark().line)
    return key.Mark();
  return mark;
}

} // namespace

std::string child_path(const std::string& parent, std::string_view key) {
  // A path names where to look, so a huge key only needs its start.
  std::string result = parent;
  if (!result.empty())
    result += '.';
  if (key.size() > max_quoted) {
    result += key.substr(0, max_quoted);
    result += "...";
  } else {
    result += key;
  }
  return result;
}

std::string item_path(const std::string& parent, size_t index) {
  return parent + '[' + std::to_string(index) + ']';
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "~";
    case YAML::NodeType::Scalar:
      return quote(node.Scalar());
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    default:
      return "nothing";
  }
}

std::string join(std::initializer_list<std::string_view> names) {
  std::string result;
  for (auto name : names) {
    if (!result.empty())
      result += ", ";
    result += name;
  }
  return result;
}

map_reader::map_reader(context& ctx, const field& self,
                       std::initializer_list<std::string_view> allowed)
  : ctx_(ctx), self_(self) {
  if (!self.node.IsMap()) {
    ctx.report(self, "expected a mapping with keys " + join(allowed) + ", got "
                       + describe(self.node));
    return;
  }
  for (const auto& kv : self.node) {
    if (!ctx.visit())
      return;
    const auto& key = kv.first;
    if (!key.IsScalar()) {
      ctx.report(key.Mark(), self.path,
                 "expected a plain key, got " + describe(key));
      continue;
    }
    const auto& name = key.Scalar();
    auto path = child_path(self.path, name);
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      ctx.report(key.Mark(), path,
                 "unknown key " + quote(name) + "; expected one of: " + join(allowed));
      continue;
    }
    auto same = [&](const entry& x) { return x.key == name; };
    if (auto i = std::find_if(entries_.begin(), entries_.end(), same);
        i != entries_.end()) {
      ctx.report(key.Mark(), path,
                 "key given twice (first at line "
                   + std::to_string(i->key_mark.line + 1) + ")");
      continue;
    }
    entries_.push_back(entry{name, key.Mark(),
                             field{kv.second, std::move(path),
                                   value_mark(key, kv.second)}});
  }
  ok_ = true;
}

std::optional<field> map_reader::required(std::string_view key) {
  if (auto result = optional(key))
    return result;
  ctx_.report(self_.mark, child_path(self_.path, key), "required key is missing");
  return std::nullopt;
}

std::optional<field> map_reader::optional(std::string_view key) const {
  for (const auto& x : entries_)
    if (x.key == key)
      return x.value;
  return std::nullopt;
}

std::optional<field> unwrap(context& ctx, const field& item, std::string_view key) {
  auto expectation = "expected a mapping with the single key '" + std::string{key}
                     + "' (HPE's `- " + std::string{key} + ":` wrapper), got ";
  if (!item.node.IsMap() || item.node.size() != 1) {
    auto got = item.node.IsMap()
                 ? "a mapping with " + std::to_string(item.node.size()) + " keys"
                 : describe(item.node);
    ctx.report(item, expectation + got);
    return std::nullopt;
  }
  auto kv = *item.node.begin();
  if (!kv.first.IsScalar() || kv.first.Scalar() != key) {
    ctx.report(item, expectation + "the key " + describe(kv.first));
    return std::nullopt;
  }
  if (!ctx.visit())
    return std::nullopt;
  return field{kv.second, item.path, value_mark(kv.first, kv.second)};
}

bool check_list(context& ctx, const field& f, size_t min_items,
                size_t max_items, bool nullable) {
  auto expectation = [&] {
    std::string result = "expected a list";
    if (max_items != SIZE_MAX)
      result += " of " + std::to_string(min_items) + "-" + std::to_string(max_items)
                + " items";
    else if (min_items > 0)
      result += " of at least " + std::to_string(min_items) + " items";
    if (nullable)
      result += " or ~";
    return result;
  };
  if (f.node.IsNull() && nullable)
    return true;
  if (!f.node.IsSequence()) {
    ctx.report(f, expectation() + ", got " + describe(f.node));
    return false;
  }
  auto n = f.node.size();
  if (n < min_items || n > max_items) {
    ctx.report(f, expectation() + ", got " + std::to_string(n) + " items");
    return false;
  }
  return true;
}

field list_item(const field& f, size_t index, const YAML::Node& node) {
  return field{node, item_path(f.path, index), node.Mark()};
}

} // namespace swarm::config::detail
