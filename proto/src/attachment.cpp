#include "swarm/wire/attachment.hpp"

#include <utility>

namespace swarm::wire {

namespace {

/// The model a round message of any kind carries, or null.
const ModelBundle* model_in(const RoundMessage& x) {
  switch (x.body_case()) {
  case RoundMessage::kCheckin:
    return x.checkin().has_model() ? &x.checkin().model() : nullptr;
  case RoundMessage::kVote:
    return x.vote().has_accepted_model() ? &x.vote().accepted_model() : nullptr;
  case RoundMessage::kModelReply:
    return x.model_reply().has_model() ? &x.model_reply().model() : nullptr;
  case RoundMessage::kProposal:
    return x.proposal().has_model() ? &x.proposal().model() : nullptr;
  case RoundMessage::kCatchUp:
    return x.catch_up().has_model() ? &x.catch_up().model() : nullptr;
  default:
    return nullptr;
  }
}

} // namespace

const ModelBundle* attached_bundle(const Envelope& x) {
  if (!x.has_round())
    return nullptr;
  const auto* bundle = model_in(x.round());
  return bundle != nullptr && bundle->attached() ? bundle : nullptr;
}

ModelBundle* attached_bundle(Envelope& x) {
  // The bundle is x's own, reached through x's const accessors.
  return const_cast<ModelBundle*>(attached_bundle(std::as_const(x)));
}

status embed_attachment(Envelope& x, const std::vector<float>& values) {
  auto* bundle = attached_bundle(x);
  if (bundle == nullptr)
    return make_error(errc::invalid_argument, "the envelope has no attached model");
  bundle->set_attached(false);
  bundle->mutable_data()->assign(reinterpret_cast<const char*>(values.data()),
                                 values.size() * sizeof(float));
  return {};
}

} // namespace swarm::wire
