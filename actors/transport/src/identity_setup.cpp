#include "identity_setup.hpp"

#include "swarm/identity/capath.hpp"
#include "swarm/identity/failure.hpp"
#include "swarm/identity/preflight.hpp"

namespace swarm::transport::detail {

namespace {

// Picks the name to claim: the configured one, which the certificate must
// carry (peers check exactly that), or the certificate's CN.
expected<std::string> resolve_name(const tls_node_config& cfg,
                                   const identity::checked_identity& id) {
  if (cfg.node_name.empty()) {
    auto cn = id.cert.common_name();
    if (cn.empty())
      return identity::make_error(identity::failure::name_mismatch,
                                  "certificate " + cfg.identity.cert.string()
                                    + " has no CN; set the node name");
    return cn;
  }
  if (!id.cert.has_name(cfg.node_name))
    return identity::make_error(identity::failure::name_mismatch,
                                "\"" + cfg.node_name + "\" is neither the CN nor a SAN DNS"
                                  " entry of " + cfg.identity.cert.string() + " ("
                                  + id.cert.subject() + ")");
  return cfg.node_name;
}

// OpenSSL (and so CAF) looks CAs up in a capath by `<subject hash>.<n>`
// links only; a CA file without one is silently not trusted by TLS while
// our own proof checks trust it. Rehash rather than run inconsistent.
status ensure_hash_links(const tls_node_config& cfg, const identity::checked_identity& id,
                         std::vector<std::string>& warnings) {
  if (cfg.identity.capath.empty() || id.trust.unlinked().empty())
    return status::ok();
  auto links = identity::rehash_capath(cfg.identity.capath);
  if (!links)
    return swarm::error{links.error().code,
                        links.error().message + " (capath " + cfg.identity.capath.string()
                          + " lacks the hash links TLS needs and could not be rehashed;"
                            " run: openssl rehash "
                          + cfg.identity.capath.string() + ")"};
  // The warning check_identity gave about the missing links is now moot.
  std::erase_if(warnings, [](const std::string& w) {
    return w.find("has no hash link") != std::string::npos;
  });
  warnings.push_back("rehashed capath " + cfg.identity.capath.string() + " ("
                     + std::to_string(*links) + " links) so that TLS trusts every CA in it");
  return status::ok();
}

} // namespace

expected<prepared_identity> prepare_identity(const tls_node_config& cfg,
                                             identity::clock::time_point now) {
  // Errors keep identity's own message, whose leading phrase callers map
  // back with identity::failure_of (e.g. to pick an exit code); it names
  // the file, which is context enough for a person.
  auto id = identity::check_identity(cfg.identity, now);
  if (!id)
    return id.error();
  auto name = resolve_name(cfg, *id);
  if (!name)
    return name.error();
  auto warnings = id->warnings;
  if (auto st = ensure_hash_links(cfg, *id, warnings); !st)
    return st.error();
  local_identity self{std::move(*name), "", id->cert.pem(), id->key, id->trust,
                      id->intermediates, ""};
  return prepared_identity{std::move(self), std::move(warnings)};
}

status recheck_identity(const tls_node_config& cfg, identity::clock::time_point now) {
  auto id = identity::check_identity(cfg.identity, now);
  if (!id)
    return id.error();
  return status::ok();
}

} // namespace swarm::transport::detail
