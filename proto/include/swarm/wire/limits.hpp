#pragma once

#include <cstddef>
#include <cstdint>

/// Swarm's wire format: the versioned protobuf envelope every inter-process
/// message travels in (proto/swarm/wire.proto), its size limits, and codecs.
namespace swarm::wire {

/// The envelope version this build writes and the only one it reads.
inline constexpr uint32_t wire_version = 1;

/// Largest encoded envelope of control traffic (handshake, SWIM, state
/// sync). Checked before parsing, so an oversized message costs no
/// allocation. 4 MiB holds a push-pull of tens of thousands of members or a
/// state batch with a few maximal (1 MiB) values; larger state batches are
/// split by the sender. Model parameters will travel in their own message
/// type with its own, larger limit.
inline constexpr size_t max_envelope_bytes = size_t{4} << 20;

/// Longest node name (certificate CN/SAN), as in identity's proof checks.
inline constexpr size_t max_name_bytes = 255;

/// Longest transport address, "host:port" (a DNS name is at most 253).
inline constexpr size_t max_address_bytes = 512;

/// Longest nonce field; the handshake itself insists on exactly
/// identity::nonce_size (32) bytes.
inline constexpr size_t max_nonce_bytes = 64;

/// Largest certificate in a Proof, as in identity's proof checks.
inline constexpr size_t max_certificate_pem_bytes = size_t{64} << 10;

/// Largest signature in a Proof (RSA-4096 needs 512 bytes).
inline constexpr size_t max_signature_bytes = 1024;

/// Longest Refusal reason.
inline constexpr size_t max_reason_bytes = 1024;

/// Largest SWIM member metadata (node registry data travels in the
/// replicated state, so this stays small).
inline constexpr size_t max_meta_bytes = size_t{16} << 10;

/// Most piggybacked updates in one SWIM message. The sender's packet budget
/// (membership::config::packet_budget_bytes, 1400 by default) keeps real
/// messages far below this.
inline constexpr size_t max_swim_updates = 4096;

/// Most member records in one push-pull.
inline constexpr size_t max_push_pull_members = 100'000;

/// Most tensors in one ModelBundle. Real models have hundreds (a large
/// transformer a few thousand); the bound keeps a hostile bundle from
/// costing a metadata allocation per element.
inline constexpr size_t max_tensors = 4096;

/// Most dimensions of one tensor (NumPy allows 64; models use at most 5).
inline constexpr size_t max_tensor_rank = 8;

/// Longest tensor name. Longer than node names: framework names such as
/// "model.layers.31.self_attn.q_proj.lora_A.default.weight" nest deeply.
inline constexpr size_t max_tensor_name_bytes = 1024;

/// Largest ModelBundle.data (all tensors' bytes): 1 GiB, a 268M-parameter
/// float32 model. Bigger models need chunked transfer, not a bigger limit.
inline constexpr size_t max_model_bytes = size_t{1} << 30;

static_assert(max_name_bytes < max_address_bytes);
static_assert(max_certificate_pem_bytes < max_envelope_bytes);

/// Most participants a round message lists (a contract's SL count).
inline constexpr size_t max_round_participants = 4096;

/// Longest training-contract name (HPE's trainingContract).
inline constexpr size_t max_contract_bytes = 255;

/// Largest envelope between SLs: a model of `max_model_bytes` plus its
/// framing (the SL node raises its transport limit to this).
inline constexpr size_t max_round_envelope_bytes = max_model_bytes + (size_t{1} << 20);

} // namespace swarm::wire
