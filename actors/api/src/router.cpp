#include "swarm/api/router.hpp"

#include <algorithm>
#include <exception>

#include "swarm/common/log.hpp"

namespace swarm::api {

namespace {

constexpr http_method all_methods[] = {http_method::get, http_method::post, http_method::put,
                                       http_method::patch, http_method::del};

/// Splits "/a/b" into {"a", "b"}; "/" gives {}, and "/a/" gives {"a", ""}
/// so that a trailing slash never matches a route without one.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> result;
  if (path.empty() || path == "/")
    return result;
  if (path.front() == '/')
    path.remove_prefix(1);
  for (;;) {
    auto slash = path.find('/');
    result.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos)
      break;
    path.remove_prefix(slash + 1);
  }
  return result;
}

bool is_param_name(std::string_view name) {
  if (name.empty())
    return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || c == '_';
  });
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty())
      out += ", ";
    out += item;
  }
  return out;
}

} // namespace

std::string_view to_string(http_method x) noexcept {
  switch (x) {
    case http_method::get:
      return "GET";
    case http_method::post:
      return "POST";
    case http_method::put:
      return "PUT";
    case http_method::patch:
      return "PATCH";
    case http_method::del:
      return "DELETE";
  }
  return "GET";
}

std::optional<http_method> parse_http_method(std::string_view text) noexcept {
  for (auto m : all_methods)
    if (to_string(m) == text)
      return m;
  return std::nullopt;
}

std::string_view request::param(std::string_view name) const {
  auto i = path_params.find(std::string(name));
  return i == path_params.end() ? std::string_view{} : std::string_view{i->second};
}

std::optional<std::string> request::query_value(std::string_view name) const {
  auto i = query.find(std::string(name));
  if (i == query.end())
    return std::nullopt;
  return i->second;
}

status router::add(http_method method, std::string_view pattern, handler fn) {
  auto fail = [&](std::string why) {
    return make_error(errc::invalid_argument,
                      "route " + std::string(to_string(method)) + " " + std::string(pattern)
                        + ": " + std::move(why));
  };
  if (!pattern.starts_with('/'))
    return fail("pattern must start with '/'");
  if (!fn)
    return fail("no handler");
  route r{method, std::string(pattern), {}, std::move(fn)};
  for (auto seg : split_path(pattern)) {
    if (seg.empty())
      return fail("empty path segment");
    bool param = seg.starts_with('{');
    if (param) {
      if (!seg.ends_with('}') || !is_param_name(seg.substr(1, seg.size() - 2)))
        return fail("parameter segments look like {name} with name in [A-Za-z0-9_]");
      seg = seg.substr(1, seg.size() - 2);
    } else if (seg.find_first_of("{}") != std::string_view::npos) {
      return fail("braces only around a whole segment");
    }
    r.segments.emplace_back(std::string(seg), param);
  }
  // Same method and same shape would make one route unreachable.
  auto same_shape = [&](const route& other) {
    if (other.method != method || other.segments.size() != r.segments.size())
      return false;
    for (size_t i = 0; i < r.segments.size(); ++i) {
      const auto& [a, a_param] = r.segments[i];
      const auto& [b, b_param] = other.segments[i];
      if (a_param != b_param || (!a_param && a != b))
        return false;
    }
    return true;
  };
  if (std::any_of(routes_.begin(), routes_.end(), same_shape))
    return fail("already registered");
  routes_.push_back(std::move(r));
  return status::ok();
}

bool router::matches(const route& r, const std::vector<std::string_view>& segments) {
  if (r.segments.size() != segments.size())
    return false;
  for (size_t i = 0; i < segments.size(); ++i) {
    const auto& [text, param] = r.segments[i];
    if (param ? segments[i].empty() : text != segments[i])
      return false;
  }
  return true;
}

const router::route* router::find(http_method method,
                                  const std::vector<std::string_view>& segments) const {
  const route* best = nullptr;
  // Compares parameter positions left to right: a literal where the other
  // has a parameter makes a route more specific.
  auto more_specific = [](const route& a, const route& b) {
    for (size_t i = 0; i < a.segments.size(); ++i)
      if (a.segments[i].second != b.segments[i].second)
        return !a.segments[i].second;
    return false;
  };
  for (const auto& r : routes_)
    if (r.method == method && matches(r, segments) && (!best || more_specific(r, *best)))
      best = &r;
  return best;
}

std::vector<std::string> router::allowed_methods(std::string_view path) const {
  auto segments = split_path(path);
  std::vector<std::string> result;
  for (auto m : all_methods) {
    if (!find(m, segments))
      continue;
    result.emplace_back(to_string(m));
    if (m == http_method::get)
      result.emplace_back("HEAD");
  }
  if (!result.empty())
    result.emplace_back("OPTIONS");
  return result;
}

response router::dispatch(request& req) const {
  auto segments = split_path(req.path);
  auto method = req.method == "HEAD" ? std::optional{http_method::get}
                                     : parse_http_method(req.method);
  const route* r = method ? find(*method, segments) : nullptr;
  if (!r) {
    auto allowed = allowed_methods(req.path);
    if (allowed.empty())
      return response::error(404, "no route for " + req.method + " " + req.path);
    response result;
    if (req.method == "OPTIONS") {
      result.status = 204;
      result.content_type.clear();
    } else {
      result = response::error(405, req.method + " is not allowed on " + req.path
                                      + " (allowed: " + join(allowed) + ")");
    }
    result.headers.emplace_back("Allow", join(allowed));
    return result;
  }
  req.path_params.clear();
  for (size_t i = 0; i < segments.size(); ++i)
    if (r->segments[i].second)
      req.path_params.emplace(r->segments[i].first, std::string(segments[i]));
  try {
    return r->fn(req);
  } catch (const std::exception& e) {
    log::get("swarm.API")->warn("handler of {} {} failed: {}", req.method, r->pattern, e.what());
  } catch (...) {
    log::get("swarm.API")->warn("handler of {} {} failed with an unknown exception",
                                req.method, r->pattern);
  }
  return response::error(500, "internal error while answering " + req.method + " " + req.path);
}

} // namespace swarm::api
