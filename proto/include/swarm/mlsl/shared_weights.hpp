#pragma once

#include <cstddef>
#include <cstdint>

#include "swarm/common/error.hpp"

namespace swarm::mlsl {

/// A memory region an ML shares with its SL for model values, so that a
/// sync moves them with one copy each way instead of through protobuf and
/// the socket (HPE's "zero-copy or file-based weight hand-off").
///
/// The ML creates it (a memfd sealed against shrinking and growing, so the
/// SL can never fault on a truncated mapping) and attaches it to its
/// OpenSessionRequest; the SL adopts it if it can. Two halves of
/// `model_bytes` each: `to_sl` holds the ML's parameters at each sync,
/// `to_ml` each merged model the SL offers. The protocol orders access:
/// the ML writes `to_sl` only before a SyncRequest or CloseSessionRequest
/// (the SL copies it before answering), and the SL writes `to_ml` only
/// before a LossRequest (the ML reads it before its LossResponse).
class shared_weights {
public:
  /// Creates and maps a sealed region for models of `model_bytes` (the
  /// ML's side).
  static expected<shared_weights> create(size_t model_bytes);

  /// Maps the region `fd` (received from the ML) that claims
  /// `region_bytes`. Refuses a descriptor that is not sealed against
  /// shrinking and growing, is smaller than claimed, or is not a whole
  /// number of halves. `fd` stays owned by the caller.
  static expected<shared_weights> adopt(int fd, uint64_t region_bytes);

  /// Unmaps the region (and closes the ML's descriptor).
  ~shared_weights();

  /// Takes over `other`'s mapping.
  shared_weights(shared_weights&& other) noexcept;
  /// Unmaps this region and takes over `other`'s.
  shared_weights& operator=(shared_weights&& other) noexcept;
  shared_weights(const shared_weights&) = delete;
  shared_weights& operator=(const shared_weights&) = delete;

  /// Returns the descriptor to attach (the creator's side only; else -1).
  int fd() const noexcept {
    return fd_;
  }

  /// Returns the size of the whole region.
  uint64_t region_bytes() const noexcept {
    return 2 * half_bytes_;
  }

  /// Returns the size of each half: the largest model it carries.
  size_t model_bytes() const noexcept {
    return half_bytes_;
  }

  /// The ML's parameters at each sync.
  char* to_sl() const noexcept {
    return base_;
  }

  /// The merged models the SL offers.
  char* to_ml() const noexcept {
    return base_ + half_bytes_;
  }

private:
  shared_weights(char* base, size_t half_bytes, int fd) noexcept
    : base_(base), half_bytes_(half_bytes), fd_(fd) {
  }
  void release() noexcept;

  char* base_ = nullptr;
  size_t half_bytes_ = 0;
  int fd_ = -1;
};

} // namespace swarm::mlsl
