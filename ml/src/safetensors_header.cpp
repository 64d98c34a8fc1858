#include "safetensors_header.hpp"

#include <limits>
#include <set>

#include <nlohmann/json.hpp>

namespace swarm::ml::detail {

namespace {

using json = nlohmann::json;

/// A valid header nests three levels (header, tensor, shape); anything far
/// deeper is garbage and only costs memory.
constexpr int max_depth = 16;

/// Thrown from the parser callback to stop parsing early; caught below and
/// never leaves this file.
struct header_rejected {
  std::string what;
};

/// Parses JSON, rejecting duplicate keys in any object: nlohmann keeps the
/// last one silently, which would let a file say two things about a tensor.
expected<json> parse_json(std::string_view text, std::string_view name) {
  std::vector<std::set<std::string, std::less<>>> keys;
  auto on_event = [&keys](int depth, json::parse_event_t event, json& parsed) {
    using ev = json::parse_event_t;
    if (depth > max_depth)
      throw header_rejected{"nested deeper than " + std::to_string(max_depth)
                            + " levels"};
    if (event == ev::object_start) {
      keys.emplace_back();
    } else if (event == ev::object_end) {
      keys.pop_back();
    } else if (event == ev::key) {
      auto& key = parsed.get_ref<const std::string&>();
      if (!keys.back().insert(key).second)
        throw header_rejected{"duplicate key '" + key + "'"};
    }
    return true;
  };
  try {
    return json::parse(text.begin(), text.end(), on_event);
  } catch (const header_rejected& e) {
    return make_error(errc::parse_error, std::string{name} + ": header: " + e.what);
  } catch (const json::exception& e) {
    return make_error(errc::parse_error,
                      std::string{name} + ": header is not valid JSON: " + e.what());
  }
}

/// Reads a JSON integer in [0, max]; rejects floats and negatives.
bool get_unsigned(const json& x, uint64_t max, uint64_t& out) {
  if (!x.is_number_unsigned())
    return false;
  out = x.get<uint64_t>();
  return out <= max;
}

expected<safetensors_entry> parse_entry(const std::string& key, const json& info,
                                        std::string_view name) {
  auto fail = [&](errc code, const std::string& what) {
    return make_error(code, std::string{name} + ": tensor '" + key + "': " + what);
  };
  if (!info.is_object())
    return fail(errc::parse_error, "expected an object with dtype, shape and data_offsets");
  auto dtype = info.find("dtype");
  if (dtype == info.end() || !dtype->is_string())
    return fail(errc::parse_error, "missing or non-string \"dtype\"");
  if (dtype->get_ref<const std::string&>() != "F32")
    return fail(errc::shape_mismatch, "dtype " + dtype->get<std::string>()
                                        + " is not supported; only F32 is");
  safetensors_entry result{key, {}, 0, 0};
  auto shape = info.find("shape");
  if (shape == info.end() || !shape->is_array())
    return fail(errc::parse_error, "missing or non-array \"shape\"");
  uint64_t count = 1;
  for (auto& dim : *shape) {
    uint64_t d = 0;
    if (!get_unsigned(dim, std::numeric_limits<int64_t>::max(), d))
      return fail(errc::parse_error, "\"shape\" must hold non-negative integers");
    if (d != 0 && count > std::numeric_limits<uint64_t>::max() / sizeof(float) / d)
      return fail(errc::corrupt_data, "shape is too large");
    count *= d;
    result.shape.push_back(static_cast<int64_t>(d));
  }
  auto offsets = info.find("data_offsets");
  if (offsets == info.end() || !offsets->is_array() || offsets->size() != 2
      || !get_unsigned((*offsets)[0], std::numeric_limits<uint64_t>::max(), result.begin)
      || !get_unsigned((*offsets)[1], std::numeric_limits<uint64_t>::max(), result.end))
    return fail(errc::parse_error, "\"data_offsets\" must be [begin, end]");
  if (result.begin > result.end)
    return fail(errc::corrupt_data, "data_offsets [" + std::to_string(result.begin) + ", "
                                      + std::to_string(result.end) + "] end before they begin");
  if (result.end - result.begin != count * sizeof(float))
    return fail(errc::corrupt_data,
                "shape " + shape_string(result.shape) + " needs "
                  + std::to_string(count * sizeof(float)) + " bytes but data_offsets span "
                  + std::to_string(result.end - result.begin));
  return result;
}

status parse_metadata(const json& x, safetensors_metadata& out, std::string_view name) {
  if (!x.is_object())
    return make_error(errc::parse_error,
                      std::string{name} + ": \"__metadata__\" is not an object");
  for (auto& [key, value] : x.items()) {
    if (!value.is_string())
      return make_error(errc::parse_error, std::string{name} + ": \"__metadata__\" entry '"
                                             + key + "' is not a string");
    out.emplace(key, value.get<std::string>());
  }
  return status::ok();
}

} // namespace

std::string shape_string(const std::vector<int64_t>& shape) {
  std::string result = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0)
      result += ", ";
    result += std::to_string(shape[i]);
  }
  return result + "]";
}

expected<safetensors_header> parse_safetensors_header(std::string_view text,
                                                      std::string_view name) {
  // As the reference implementation: the header is an object, and the
  // format forbids leading whitespace (only trailing padding).
  if (text.empty() || text.front() != '{')
    return make_error(errc::parse_error,
                      std::string{name} + ": header does not start with '{'");
  auto doc = parse_json(text, name);
  if (!doc)
    return doc.error();
  if (!doc->is_object())
    return make_error(errc::parse_error, std::string{name} + ": header is not a JSON object");
  safetensors_header result;
  for (auto& [key, value] : doc->items()) {
    if (key == "__metadata__") {
      if (auto st = parse_metadata(value, result.metadata, name); !st)
        return st.error();
      continue;
    }
    auto entry = parse_entry(key, value, name);
    if (!entry)
      return entry.error();
    result.entries.push_back(std::move(*entry));
  }
  return result;
}

} // namespace swarm::ml::detail
