#include "env_lists.hpp"
#include "kind_names.hpp"
#include "profile_parts.hpp"
#include "scalars.hpp"
#include "walk.hpp"

namespace swarm::config::detail {

namespace {

// HPE's limits for paths and host names in a node definition.
constexpr text_limits path_text{2, 240};
constexpr text_limits fqdn_text{2, 253};

constexpr auto req = presence::required;
constexpr auto opt = presence::optional;

std::optional<identity_attr> read_identity_attr(context& ctx, const field& item) {
  auto inner = unwrap(ctx, item, "attribute");
  if (!inner)
    return std::nullopt;
  map_reader m{ctx, *inner, {"aType", "mType", "src", "tgt", "subPath"}};
  if (!m.ok())
    return std::nullopt;
  identity_attr out;
  bool ok = m.read("aType", req, [&](const field& v) {
    return read_enum(ctx, v, out.a_type, identity_names);
  });
  ok &= m.read("mType", req, [&](const field& v) {
    return read_enum(ctx, v, out.m_type, mount_names);
  });
  ok &= m.read("src", req, [&](const field& v) {
    return read_text(ctx, v, out.src, path_text);
  });
  ok &= m.read("tgt", req, [&](const field& v) {
    return read_text(ctx, v, out.tgt, path_text);
  });
  // HPE's schema lists "subpath" as required but names the property
  // "subPath", so no file could satisfy both; HPE's own examples give
  // `subPath: null`. Treat it as optional.
  ok &= m.read("subPath", opt, [&](const field& v) {
    return read_text(ctx, v, out.sub_path, path_text);
  });
  if (!ok)
    return std::nullopt;
  return out;
}

bool read_private_data(context& ctx, const field& f,
                       std::optional<private_data_mount>& out) {
  if (f.node.IsNull())
    return true;
  map_reader m{ctx, f, {"src", "mType"}};
  if (!m.ok())
    return false;
  private_data_mount result;
  bool ok = m.read("src", req, [&](const field& v) {
    return read_text(ctx, v, result.src, path_text);
  });
  ok &= m.read("mType", req, [&](const field& v) {
    return read_enum(ctx, v, result.m_type, mount_names);
  });
  if (ok)
    out = std::move(result);
  return ok;
}

// Reads the keys that describe the SL container.
bool read_sl_side(context& ctx, map_reader& m, sl_node_def& out) {
  bool ok = m.read("identity", req, [&](const field& v) {
    bool items_ok = true;
    bool list_ok = read_list(ctx, v, 0, SIZE_MAX, false, [&](const field& item, size_t) {
      if (auto attr = read_identity_attr(ctx, item))
        out.identity.push_back(std::move(*attr));
      else
        items_ok = false;
    });
    return list_ok && items_ok;
  });
  ok &= m.read("slhostip", opt, [&](const field& v) {
    return read_text(ctx, v, out.sl_host_ip, path_text);
  });
  ok &= m.read("slport", opt, [&](const field& v) {
    return read_port(ctx, v, out.sl_port);
  });
  ok &= m.read("slfsservice", opt, [&](const field& v) {
    return read_text(ctx, v, out.sl_fs_service, fqdn_text);
  });
  ok &= m.read("slhostname", req, [&](const field& v) {
    return read_text(ctx, v, out.sl_host_name, path_text);
  });
  ok &= m.read("privatedata", req, [&](const field& v) {
    return read_private_data(ctx, v, out.private_data);
  });
  ok &= m.read("slenvvars", req, [&](const field& v) {
    return read_env_list(ctx, v, out.sl_env_vars);
  });
  ok &= m.read("sllabels", opt, [&](const field& v) {
    return read_labels(ctx, v, out.sl_labels);
  });
  ok &= m.read("slnetworkopts", opt, [&](const field& v) {
    return read_env_list(ctx, v, out.sl_network_opts);
  });
  return ok;
}

// Reads the keys that describe the user's ML container.
bool read_usr_side(context& ctx, map_reader& m, sl_node_def& out) {
  bool ok = m.read("usrhostname", req, [&](const field& v) {
    return read_text(ctx, v, out.usr_host_name, path_text);
  });
  ok &= m.read("usrenvvars", req, [&](const field& v) {
    return read_env_list(ctx, v, out.usr_env_vars);
  });
  ok &= m.read("usrlabels", opt, [&](const field& v) {
    return read_labels(ctx, v, out.usr_labels);
  });
  ok &= m.read("usrnetworkopts", opt, [&](const field& v) {
    return read_env_list(ctx, v, out.usr_network_opts);
  });
  ok &= m.read("usrcontaineropts", opt, [&](const field& v) {
    return read_container_opts(ctx, v, out.usr_container_opts);
  });
  return ok;
}

} // namespace

std::optional<sl_node_def> read_node(context& ctx, const field& item) {
  auto inner = unwrap(ctx, item, "slnodedef");
  if (!inner)
    return std::nullopt;
  map_reader m{ctx, *inner,
               {"idx", "identity", "slhostip", "slport", "slfsservice",
                "slhostname", "privatedata", "slenvvars", "sllabels",
                "slnetworkopts", "usrhostname", "usrenvvars", "usrlabels",
                "usrnetworkopts", "usrcontaineropts"}};
  if (!m.ok())
    return std::nullopt;
  sl_node_def out;
  bool ok = m.read("idx", req, [&](const field& v) {
    return read_index(ctx, v, out.idx);
  });
  ok &= read_sl_side(ctx, m, out);
  ok &= read_usr_side(ctx, m, out);
  if (!ok)
    return std::nullopt;
  return out;
}

} // namespace swarm::config::detail
