#include <algorithm>
#include <cstring>
#include <map>
#include <string>

#include "safetensors_header.hpp"
#include "swarm/ml/safetensors.hpp"

namespace swarm::ml {

namespace {

error mismatch(const std::string& what) {
  return make_error(errc::shape_mismatch, what);
}

/// Checks every pairing before anything is written, so a mismatch leaves the
/// targets (a live model) untouched.
expected<std::vector<const tensor*>> match(std::span<const tensor> source,
                                           std::span<tensor_view> targets,
                                           const std::string& origin) {
  std::map<std::string_view, const tensor*> by_name;
  for (auto& t : source)
    if (!by_name.emplace(t.name, &t).second)
      return mismatch(origin + ": duplicate tensor '" + t.name + "'");
  std::vector<const tensor*> result;
  result.reserve(targets.size());
  std::map<std::string_view, bool> seen;
  for (auto& view : targets) {
    if (!seen.emplace(view.name, true).second)
      return mismatch("target lists tensor '" + view.name + "' twice");
    auto i = by_name.find(view.name);
    if (i == by_name.end())
      return mismatch(origin + ": no tensor '" + view.name + "' (target has shape "
                      + detail::shape_string(view.shape) + ")");
    auto& src = *i->second;
    if (src.shape != view.shape)
      return mismatch("tensor '" + view.name + "': shape " + detail::shape_string(src.shape)
                      + " in " + origin + ", " + detail::shape_string(view.shape)
                      + " in the target");
    if (src.values.size() != view.size())
      return mismatch(origin + ": tensor '" + view.name + "' holds "
                      + std::to_string(src.values.size()) + " values, its shape "
                      + detail::shape_string(src.shape) + " needs "
                      + std::to_string(view.size()));
    if (view.size() > 0 && view.data == nullptr)
      return make_error(errc::invalid_argument,
                        "target tensor '" + view.name + "' has no buffer");
    result.push_back(&src);
  }
  if (by_name.size() != targets.size())
    for (auto& [name, t] : by_name)
      if (!seen.count(name))
        return mismatch(origin + ": tensor '" + std::string{name} + "' (shape "
                        + detail::shape_string(t->shape) + ") is not in the target");
  return result;
}

} // namespace

status copy_into(std::span<const tensor> source, std::span<tensor_view> targets,
                 std::string_view origin) {
  auto pairs = match(source, targets, std::string{origin});
  if (!pairs)
    return pairs.error();
  for (size_t i = 0; i < targets.size(); ++i)
    if (targets[i].size() > 0)
      std::memcpy(targets[i].data, (*pairs)[i]->values.data(), targets[i].size_bytes());
  return status::ok();
}

status load_into(const std::filesystem::path& path, std::span<tensor_view> targets) {
  auto contents = read_safetensors(path);
  if (!contents)
    return contents.error();
  return copy_into(contents->tensors, targets, path.string());
}

} // namespace swarm::ml
