#pragma once

#include <cstddef>
#include <filesystem>

#include "swarm/common/error.hpp"

namespace swarm::identity {

/// Creates the `<subject hash>.<n>` symbolic links that OpenSSL's capath
/// lookup needs (what `openssl rehash` does), for every certificate file
/// (*.pem, *.crt, *.cer) in `dir`, and removes links that no longer point to
/// one. Call it after copying a peer's CA certificate into a capath.
///
/// Safe while TLS endpoints are reading the directory (CAF re-reads it on
/// every connection): links are replaced by rename, and stale ones removed
/// only after the new set is in place. Identical certificates get one link.
/// Files holding no certificate or several are skipped, as openssl does.
/// Returns the number of links the directory holds afterwards.
expected<size_t> rehash_capath(const std::filesystem::path& dir);

} // namespace swarm::identity
