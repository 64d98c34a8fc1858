#pragma once

#include <cstdint>
#include <string_view>

/// Defaults that apply when a profile leaves a value as `~`. Each is defined
/// here once; the numbers are HPE's.
namespace swarm::config::defaults {

/// SL file-server port used when `slport` is `~` or absent.
inline constexpr uint16_t sl_fs_port = 30305;

/// SN API port used when `apisrv.locator.port` is `~`.
inline constexpr uint16_t sn_api_port = 30304;

/// License-server port used when `apls.locator.port` is `~`. We run no
/// license server; the value is kept so HPE profiles round-trip.
inline constexpr uint16_t apls_port = 5814;

/// Taskrunner contract HPE's examples use.
inline constexpr std::string_view taskrunner = "defaulttaskbb.taskdb.sml.hpe";

} // namespace swarm::config::defaults
