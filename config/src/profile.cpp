#include "swarm/config/profile.hpp"

#include <map>

#include "document.hpp"
#include "env_lists.hpp"
#include "kind_names.hpp"
#include "profile_parts.hpp"
#include "scalars.hpp"
#include "walk.hpp"

namespace swarm::config {

namespace detail {

namespace {

constexpr text_limits name_text{1, 253};
constexpr text_limits uri_text{1, 2048};

constexpr auto req = presence::required;
constexpr auto opt = presence::optional;

bool read_resource_manager(context& ctx, const field& f, resource_manager& out) {
  map_reader m{ctx, f, {"mgrtype", "accessinfo"}};
  if (!m.ok())
    return false;
  bool ok = m.read("mgrtype", req, [&](const field& v) {
    return read_enum(ctx, v, out.mgr_type, resource_manager_names);
  });
  // Our PROCESS manager starts no Docker client, so it needs no accessinfo.
  auto need = ok && out.mgr_type == resource_manager_kind::process ? opt : req;
  ok &= m.read("accessinfo", need, [&](const field& v) {
    if (v.node.IsNull() && need == opt)
      return true;
    map_reader access{ctx, v, {"accesstype"}};
    if (!access.ok())
      return false;
    return access.read("accesstype", req, [&](const field& type) {
      access_kind kind{};
      if (!read_enum(ctx, type, kind, access_names))
        return false;
      out.access_type = kind;
      return true;
    });
  });
  return ok;
}

// Reads `{locator: {...}}`. `with_service` selects apisrv's shape (host and
// service required, both nullable) over apls's (host required).
bool read_locator(context& ctx, const field& f, locator& out, bool with_service) {
  map_reader outer{ctx, f, {"locator"}};
  if (!outer.ok())
    return false;
  return outer.read("locator", req, [&](const field& v) {
    map_reader m = with_service ? map_reader{ctx, v, {"host", "port", "service"}}
                                : map_reader{ctx, v, {"host", "port"}};
    if (!m.ok())
      return false;
    // HPE requires apls.locator.host to be text; we also take `~` because
    // we run no license server.
    bool ok = m.read("host", req, [&](const field& x) {
      return read_text(ctx, x, out.host, name_text);
    });
    ok &= m.read("port", opt, [&](const field& x) {
      return read_port(ctx, x, out.port);
    });
    if (with_service)
      ok &= m.read("service", req, [&](const field& x) {
        return read_text(ctx, x, out.service, name_text);
      });
    return ok;
  });
}

bool read_nodes(context& ctx, const field& f, std::vector<sl_node_def>& out) {
  bool ok = true;
  std::map<uint32_t, size_t> seen; // idx -> position in `out`
  bool list_ok = read_list(ctx, f, 0, SIZE_MAX, false, [&](const field& item, size_t i) {
    auto node = read_node(ctx, item);
    if (!node) {
      ok = false;
      return;
    }
    if (auto [pos, added] = seen.emplace(node->idx, i); !added) {
      ctx.report(item, "idx " + std::to_string(node->idx) + " is already used by "
                         + item_path(f.path, pos->second));
      ok = false;
      return;
    }
    out.push_back(std::move(*node));
  });
  return list_ok && ok;
}

bool read_top_level(context& ctx, map_reader& m, swop_profile& out) {
  bool ok = m.read("groupname", req, [&](const field& v) {
    return read_text(ctx, v, out.group_name, name_text);
  });
  ok &= m.read("taskrunner", req, [&](const field& v) {
    return read_text(ctx, v, out.task_runner, name_text);
  });
  ok &= m.read("policyuri", req, [&](const field& v) {
    return read_text(ctx, v, out.policy_uri, uri_text);
  });
  ok &= m.read("resourcemgr", req, [&](const field& v) {
    return read_resource_manager(ctx, v, out.resource_mgr);
  });
  ok &= m.read("network", req, [&](const field& v) {
    return read_text(ctx, v, out.network, name_text);
  });
  ok &= m.read("apls", req, [&](const field& v) {
    return read_locator(ctx, v, out.apls, false);
  });
  ok &= m.read("apisrv", req, [&](const field& v) {
    return read_locator(ctx, v, out.api_server, true);
  });
  ok &= m.read("envvars", req, [&](const field& v) {
    return read_env_list(ctx, v, out.env_vars);
  });
  ok &= m.read("dns", opt, [&](const field& v) {
    bool items_ok = true;
    bool list_ok = read_list(ctx, v, 0, SIZE_MAX, true, [&](const field& item, size_t) {
      std::string server;
      if (read_text(ctx, item, server, name_text))
        out.dns.push_back(std::move(server));
      else
        items_ok = false;
    });
    return list_ok && items_ok;
  });
  ok &= m.read("nodes", req, [&](const field& v) {
    return read_nodes(ctx, v, out.nodes);
  });
  return ok;
}

} // namespace

} // namespace detail

checked<swop_profile> check_profile(std::string_view text,
                                    std::string_view source_name) {
  detail::context ctx{source_name};
  swop_profile result;
  if (auto root = detail::load_document(ctx, text)) {
    detail::map_reader m{ctx, *root,
                         {"groupname", "taskrunner", "policyuri", "resourcemgr",
                          "network", "apls", "apisrv", "envvars", "dns", "nodes"}};
    if (m.ok())
      detail::read_top_level(ctx, m, result);
  }
  return detail::finish(ctx, std::move(result));
}

expected<swop_profile> parse_profile(std::string_view text,
                                     std::string_view source_name) {
  return to_expected(check_profile(text, source_name));
}

expected<swop_profile> load_profile(const std::filesystem::path& path) {
  auto text = detail::read_document(path);
  if (!text)
    return text.error();
  return parse_profile(*text, path.string());
}

env_list sl_environment(const swop_profile& profile, const sl_node_def& node) {
  return merge_env(profile.env_vars, node.sl_env_vars);
}

} // namespace swarm::config
