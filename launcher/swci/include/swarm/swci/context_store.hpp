#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "swarm/common/error.hpp"
#include "swarm/swci/sn_client.hpp"

namespace swarm::swci {

/// A named SN to talk to, with its variables (HPE's context).
struct context {
  /// The context's name.
  std::string name;
  /// The SN API it addresses.
  endpoint api;
  /// Whether it was given as a service name (`WITH SERVICE`).
  bool service = false;
  /// Variables set with SET CONTEXT ENV.
  std::map<std::string, std::string> env;
};

/// The contexts of one SWCI process, kept in memory as HPE does.
class context_store {
public:
  /// Adds `ctx`; fails if a context of that name exists.
  status create(context ctx);

  /// Makes `name` the current context.
  status switch_to(std::string_view name);

  /// Returns the current context, if one was switched to.
  const context* current() const;

  /// Returns the context called `name`, or an error naming it.
  expected<context*> find(std::string_view name);

  /// Returns every context, sorted by name.
  std::vector<const context*> all() const;

  /// Returns the current context's name ("" if none).
  const std::string& current_name() const {
    return current_;
  }

private:
  std::map<std::string, context, std::less<>> contexts_;
  std::string current_;
};

/// Parses `fqdn[:port]` (port default 30304).
expected<endpoint> parse_service(std::string_view text);

/// Parses a port number (1-65535).
expected<uint16_t> parse_port(std::string_view text);

} // namespace swarm::swci
