#pragma once

namespace swarm {

/// The Swarm release, as "major.minor.patch".
inline constexpr const char* version = "0.1.0";

/// The HPE Swarm Learning release whose flags, formats and grammar we follow.
inline constexpr const char* hpe_compat_version = "2.3.0";

} // namespace swarm
