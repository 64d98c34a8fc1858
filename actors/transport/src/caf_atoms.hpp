#pragma once

// The CAF messages of the transport. Only `(wire_atom, std::string)` and the
// flush pair ever cross the network; everything else is local to one actor
// system. Payloads are bytes, never floats: CAF 0.17's float serialization
// is slow and wrong (caf-0.17-notes.md section 3). Private to
// actors/transport (and its tests, which play peers).

#include <memory>
#include <vector>

#include "caf/allowed_unsafe_message_type.hpp"
#include "caf/atom.hpp"
#include "lane_frame.hpp"
#include "swarm/wire/attachment.hpp"
#include "swarm/wire.pb.h"

namespace swarm::transport::detail {

/// An envelope the model lane parsed, with the values that came beside it
/// (moved out by the actor, hence not const).
struct lane_delivery {
  /// The envelope.
  wire::Envelope env;
  /// The values attached to it (lane_frame.hpp); empty if none came.
  wire::received_values values;
};

/// A lane delivery; shared, never serialized (so it cannot arrive from the
/// network either).
using lane_envelope = std::shared_ptr<lane_delivery>;

/// A frame the model lane could not send, back to the actor; never
/// serialized.
using lane_returned = std::shared_ptr<lane_frame>;

/// `(wire_atom, std::string)`: one serialized wire::Envelope, between nodes.
using wire_atom = caf::atom_constant<caf::atom("swarm_wire")>;

/// `(flush_atom, uint64_t token)`: asks a peer to confirm it processed
/// everything sent before; BASP keeps order per connection, so its
/// `(flushed_atom, token)` proves our last messages arrived.
using flush_atom = caf::atom_constant<caf::atom("swarm_fls")>;

/// `(flushed_atom, uint64_t token)`: the answer to a flush.
using flushed_atom = caf::atom_constant<caf::atom("swarm_flsd")>;

/// `(start_atom, std::string address, caf::actor gateway)`: the owner tells
/// the node actor its announced address and its published gateway once the
/// listener is bound (local).
using start_atom = caf::atom_constant<caf::atom("sw_start")>;

/// `(tick_atom)`: the node actor's periodic timer (local).
using tick_atom = caf::atom_constant<caf::atom("sw_tick")>;

/// `(post_atom)`: closures wait in node_shared (local).
using post_atom = caf::atom_constant<caf::atom("sw_post")>;

/// `(stop_atom)`: begin a graceful stop (local).
using stop_atom = caf::atom_constant<caf::atom("sw_stop")>;

/// `(stop_deadline_atom)`: the flush on stop took too long (local).
using stop_deadline_atom = caf::atom_constant<caf::atom("sw_stopdl")>;

/// `(handshake_timeout_atom, actor_addr, uint64_t epoch)`: a peer's
/// handshake deadline (local).
using handshake_timeout_atom = caf::atom_constant<caf::atom("sw_hs_to")>;

/// `(lane_frame_atom, std::string name, lane_envelope)`: an envelope the
/// peer `name` sent on the model lane, parsed (local, from a lane thread).
using lane_frame_atom = caf::atom_constant<caf::atom("sw_lane_in")>;

/// `(lane_undelivered_atom, std::string name, lane_returned)`: a frame the
/// model lane could not send; CAF takes its envelope (local).
using lane_undelivered_atom = caf::atom_constant<caf::atom("sw_lane_un")>;

/// `(redial_atom, std::string address)`: retry a dial whose connection died
/// during the handshake (local).
using redial_atom = caf::atom_constant<caf::atom("sw_redial")>;

} // namespace swarm::transport::detail

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(swarm::transport::detail::lane_envelope)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(swarm::transport::detail::lane_returned)
