#define BOOST_TEST_MODULE wire.attachment
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "swarm/wire/attachment.hpp"
#include "swarm/wire/bundle_convert.hpp"
#include "swarm/wire/codec.hpp"
#include "swarm/wire/round_convert.hpp"
#include "small_model.hpp"

// Model values that travel beside their envelope (the model lane): the
// envelope keeps the layout, the values go uncopied, and the receiver
// takes them without a copy, or the envelope is made whole for CAF.

using namespace swarm;
using namespace swarm::merge;
using wire_test::small_model;

namespace {

const std::string peer = "SL-2";

/// Detaches, serializes and parses the envelope, then decodes it with a
/// copy of the values as the lane would deliver them.
round_message trip(const round_message& msg) {
  wire::round_encoder enc;
  auto encoded = enc.encode_detached("mnist", "SL-1~1", msg);
  BOOST_REQUIRE(encoded.values);
  auto parsed = wire::decode_envelope(wire::encode(encoded.env), wire::max_round_envelope_bytes);
  BOOST_REQUIRE_MESSAGE(parsed, (parsed ? std::string{} : parsed.error().message));
  wire::received_values values{*encoded.values};
  auto back = wire::round_from_wire(parsed->round(), peer, &values);
  BOOST_REQUIRE_MESSAGE(back, (back ? std::string{} : back.error().message));
  return *back;
}

std::string error_of(const expected<round_message>& x) {
  return x ? std::string{} : x.error().message;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_detached_model_leaves_its_layout_in_the_envelope_and_its_values_uncopied) {
  auto model = small_model(0.5f);
  wire::round_encoder enc;
  auto encoded = enc.encode_detached("mnist", "SL-1~1", checkin_msg{4, 0, {}, model});
  const auto* bundle = wire::attached_bundle(encoded.env);
  BOOST_REQUIRE(bundle != nullptr);
  BOOST_TEST(bundle->data().empty());
  BOOST_TEST(bundle->tensors_size() == 2);
  // The very vector of the model, shared, not a copy of it.
  BOOST_TEST(encoded.values.get() == &model->values);
  BOOST_TEST(encoded.values.use_count() >= 2);
}

BOOST_AUTO_TEST_CASE(every_kind_of_message_with_a_model_comes_back_bitwise_through_attachment) {
  auto model = small_model(1.0f);
  auto d = digest(*model);
  auto in = std::get<checkin_msg>(trip(checkin_msg{4, 0, {}, model}));
  BOOST_TEST((in.model && digest(*in.model) == d));
  auto p = std::get<proposal_msg>(trip(proposal_msg{4, 1, d, model, {}, false, {}}));
  BOOST_TEST((p.model && digest(*p.model) == d));
  auto r = std::get<model_reply_msg>(trip(model_reply_msg{4, 1, {}, model}));
  BOOST_TEST((r.model && digest(*r.model) == d));
  // Votes and catch-ups keep their digest, checked against the values.
  auto v = std::get<vote_msg>(trip(vote_msg{4, 2, true, 1, d, model, {}, {}}));
  BOOST_TEST((v.accepted_model && digest(*v.accepted_model) == d));
  auto c = std::get<catch_up_msg>(trip(catch_up_msg{9, 0, "SL-3~aa", d, model, {}, true, {}}));
  BOOST_TEST((c.model && digest(*c.model) == d && c.final));
}

BOOST_AUTO_TEST_CASE(a_message_without_a_model_has_nothing_to_detach) {
  auto model = small_model(0.0f);
  wire::round_encoder enc;
  auto encoded = enc.encode_detached("mnist", "SL-1~1", commit_msg{2, 1, digest(*model)});
  BOOST_TEST(!encoded.values);
  BOOST_TEST(wire::attached_bundle(encoded.env) == nullptr);
  auto bare = enc.encode_detached("mnist", "SL-1~1", checkin_msg{2, 0, {}, nullptr});
  BOOST_TEST(!bare.values);
}

BOOST_AUTO_TEST_CASE(embedding_the_values_gives_the_bytes_of_the_whole_encoding) {
  auto model = small_model(2.0f);
  wire::round_encoder enc;
  catch_up_msg msg{9, 0, "SL-3~aa", digest(*model), model, {}, false, {"SL-4~bb"}};
  auto encoded = enc.encode_detached("mnist", "SL-1~1", msg);
  BOOST_REQUIRE(wire::embed_attachment(encoded.env, *encoded.values));
  BOOST_TEST(wire::attached_bundle(encoded.env) == nullptr);
  BOOST_TEST(wire::encode(encoded.env) == wire::encode(enc.encode("mnist", "SL-1~1", msg)));
  // Nothing left to embed a second time.
  BOOST_TEST(!wire::embed_attachment(encoded.env, *encoded.values));
}

BOOST_AUTO_TEST_CASE(a_model_marked_attached_without_values_or_values_without_one_are_refused) {
  auto model = small_model(0.0f);
  wire::round_encoder enc;
  auto encoded = enc.encode_detached("mnist", "SL-1~1", checkin_msg{3, 0, {}, model});
  // Came through CAF, say, without the values the bundle announces.
  auto missing = wire::round_from_wire(encoded.env.round(), peer);
  BOOST_REQUIRE(!missing);
  BOOST_TEST(missing.error().code == errc::corrupt_data);
  BOOST_TEST(error_of(missing).find("SL-2") != std::string::npos);
  BOOST_TEST(error_of(missing).find("none came") != std::string::npos);
  auto commit = enc.encode("mnist", "SL-1~1", commit_msg{3, 0, digest(*model)});
  wire::received_values stray{{1.0f, 2.0f}};
  auto extra = wire::round_from_wire(commit.round(), peer, &stray);
  BOOST_REQUIRE(!extra);
  BOOST_TEST(error_of(extra).find("no model marked attached") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(attached_values_of_the_wrong_count_or_not_finite_are_refused_by_name) {
  auto model = small_model(0.0f);
  wire::ModelBundle layout;
  wire::layout_to_wire(*model, layout);
  layout.set_attached(true);
  auto short_values = model->values;
  short_values.pop_back();
  auto shorter = wire::from_wire(layout, std::move(short_values), peer);
  BOOST_REQUIRE(!shorter);
  BOOST_TEST(shorter.error().code == errc::corrupt_data);
  BOOST_TEST(shorter.error().message.find("but the tensors need 36") != std::string::npos);
  auto nan_values = model->values;
  nan_values[7] = std::nanf("");
  auto nan = wire::from_wire(layout, std::move(nan_values), peer);
  BOOST_REQUIRE(!nan);
  BOOST_TEST(nan.error().message.find("SL-2") != std::string::npos);
  BOOST_TEST(nan.error().message.find("'b'") != std::string::npos);
  auto fine = wire::from_wire(layout, std::vector<float>{model->values}, peer);
  BOOST_REQUIRE(fine);
  BOOST_TEST((digest(*fine) == digest(*model)));
}

BOOST_AUTO_TEST_CASE(values_their_reader_found_finite_are_not_scanned_again_but_others_are) {
  auto model = small_model(0.0f);
  wire::ModelBundle layout;
  wire::layout_to_wire(*model, layout);
  layout.set_attached(true);
  // The lane's mark is trusted: it comes from this process's own reader,
  // never from the peer. (A NaN under a wrong mark passing shows that the
  // second scan is really skipped.)
  auto nan_values = model->values;
  nan_values[7] = std::nanf("");
  BOOST_TEST(!!wire::from_wire(layout, std::vector<float>{nan_values}, peer,
                               wire::max_model_bytes, true));
  // Unmarked, the same values are refused by name.
  auto refused = wire::from_wire(layout, std::move(nan_values), peer, wire::max_model_bytes,
                                 false);
  BOOST_REQUIRE(!refused);
  BOOST_TEST(refused.error().message.find("'b'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(values_both_inside_and_beside_a_bundle_are_refused) {
  auto model = small_model(0.0f);
  wire::ModelBundle whole;
  wire::to_wire(*model, whole);
  auto both = wire::from_wire(whole, std::vector<float>{model->values}, peer);
  BOOST_REQUIRE(!both);
  BOOST_TEST(both.error().message.find("both in the message and attached") != std::string::npos);
  // Marked attached, but read as a whole bundle (no values came beside it).
  whole.set_attached(true);
  auto marked = wire::from_wire(whole, peer);
  BOOST_REQUIRE(!marked);
  BOOST_TEST(marked.error().message.find("announced as attached") != std::string::npos);
}
