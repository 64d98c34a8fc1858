#include "swarm/swci/context_store.hpp"

#include <charconv>

namespace swarm::swci {

status context_store::create(context ctx) {
  if (ctx.name.empty())
    return make_error(errc::invalid_argument, "a context needs a name");
  if (contexts_.contains(ctx.name))
    return make_error(errc::invalid_argument, "context '" + ctx.name + "' already exists");
  auto name = ctx.name;
  contexts_.emplace(std::move(name), std::move(ctx));
  return status::ok();
}

status context_store::switch_to(std::string_view name) {
  auto ctx = find(name);
  if (!ctx)
    return ctx.error();
  current_ = (*ctx)->name;
  return status::ok();
}

const context* context_store::current() const {
  auto i = contexts_.find(current_);
  return i == contexts_.end() ? nullptr : &i->second;
}

expected<context*> context_store::find(std::string_view name) {
  auto i = contexts_.find(name);
  if (i == contexts_.end())
    return make_error(errc::invalid_argument,
                      "no context '" + std::string{name} + "' (CREATE CONTEXT defines one)");
  return &i->second;
}

std::vector<const context*> context_store::all() const {
  std::vector<const context*> out;
  for (const auto& [name, ctx] : contexts_)
    out.push_back(&ctx);
  return out;
}

expected<uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value == 0 || value > 65535)
    return make_error(errc::invalid_argument,
                      "'" + std::string{text} + "' is not a port (1-65535)");
  return static_cast<uint16_t>(value);
}

expected<endpoint> parse_service(std::string_view text) {
  endpoint out;
  auto colon = text.rfind(':');
  out.host = std::string{text.substr(0, colon)};
  if (colon != std::string_view::npos) {
    auto port = parse_port(text.substr(colon + 1));
    if (!port)
      return port.error();
    out.port = *port;
  }
  if (out.host.empty())
    return make_error(errc::invalid_argument, "'" + std::string{text} + "' names no host");
  return out;
}

} // namespace swarm::swci
