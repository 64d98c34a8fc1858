#pragma once

#include <csignal>

namespace swarm::launcher {

/// Blocks SIGTERM and SIGINT in the calling thread and every thread it
/// starts afterwards (CAF's, the API server's), so that only
/// `stop_signalled` sees them. Call before starting any thread.
sigset_t block_stop_signals();

/// Waits up to `timeout_ms` for SIGTERM or SIGINT; returns whether one came.
bool stop_signalled(const sigset_t& set, int timeout_ms);

} // namespace swarm::launcher
