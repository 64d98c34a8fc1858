#pragma once

// CAF 0.17's TLS leaves OpenSSL errors on its thread's error queue; this
// process clears the queue before each TLS I/O call instead. No CAF.

namespace swarm::transport::detail {

/// Returns whether this executable's wrappers of SSL_read, SSL_write,
/// SSL_accept and SSL_connect are the ones the process calls (they clear
/// the thread's OpenSSL error queue first, as OpenSSL requires; CAF 0.17
/// does not).
///
/// Why: OpenSSL 3 reports a peer that died (EOF without close_notify, or a
/// reset) by pushing an error onto the thread's queue, and CAF pops it only
/// for some failures. CAF's one multiplexer thread serves every connection,
/// so the next healthy connection that merely had to wait for data got
/// that stale error from SSL_get_error, and CAF closed it too: each peer
/// that died took this node's other connections down a millisecond later
/// (transport.peer_loss_test).
///
/// The wrappers take effect because the executable exports them (the
/// transport's link options), which puts them ahead of libssl for CAF.
bool ssl_error_queue_guarded() noexcept;

} // namespace swarm::transport::detail
