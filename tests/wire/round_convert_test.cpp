#define BOOST_TEST_MODULE wire.round_convert
#include <boost/test/unit_test.hpp>

#include <memory>

#include "swarm/wire/check.hpp"
#include "swarm/wire/codec.hpp"
#include "swarm/wire/round_convert.hpp"
#include "small_model.hpp"

using namespace swarm;
using namespace swarm::merge;
using wire_test::small_model;

namespace {

// Encodes, serializes, parses and checks, and decodes again: the full trip.
round_message trip(const round_message& msg) {
  wire::round_encoder enc;
  auto env = enc.encode("mnist", "SL-1~00ff", msg);
  auto parsed = wire::decode_envelope(wire::encode(env), wire::max_round_envelope_bytes);
  BOOST_REQUIRE_MESSAGE(parsed, (parsed ? std::string{} : parsed.error().message));
  BOOST_REQUIRE(parsed->has_round());
  BOOST_CHECK_EQUAL(parsed->round().contract(), "mnist");
  BOOST_CHECK_EQUAL(parsed->round().sender(), "SL-1~00ff");
  auto back = wire::round_from_wire(parsed->round(), "SL-1");
  BOOST_REQUIRE_MESSAGE(back, (back ? std::string{} : back.error().message));
  return *back;
}

checkin_info info() {
  checkin_info x;
  x.weight = 3;
  x.samples = 16384;
  x.loss = 0.25f;
  x.metric = 0.9f;
  x.epochs_done = 1;
  x.total_epochs = 2;
  x.done = true;
  x.eligible = false;
  return x;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_check_in_survives_the_wire_with_every_field) {
  auto back = std::get<checkin_msg>(trip(checkin_msg{4, 2, info(), nullptr}));
  BOOST_CHECK_EQUAL(back.round, 4u);
  BOOST_CHECK_EQUAL(back.term, 2u);
  BOOST_CHECK(back.info == info());
  BOOST_CHECK(!back.model);
}

BOOST_AUTO_TEST_CASE(a_check_in_for_the_leader_carries_the_model_bitwise_without_a_digest) {
  auto model = small_model(0.25f);
  wire::round_encoder enc;
  auto env = enc.encode("mnist", "SL-1~1", checkin_msg{4, 0, info(), model});
  // Integrity is TLS's job on this hop: no SHA-256 to compute or check.
  BOOST_CHECK(env.round().checkin().model().sha256().empty());
  auto back = std::get<checkin_msg>(trip(checkin_msg{4, 0, info(), model}));
  BOOST_REQUIRE(back.model);
  BOOST_CHECK(digest(*back.model) == digest(*model));
  BOOST_CHECK(back.info == info());
}

BOOST_AUTO_TEST_CASE(a_proposal_carries_its_model_bitwise_its_participants_and_electors) {
  auto model = small_model(0.5f);
  proposal_msg p{7, 1, digest(*model), model, {participant{"SL-2~01", info()}}, true,
                 {"SL-3~02"}};
  auto back = std::get<proposal_msg>(trip(p));
  BOOST_CHECK_EQUAL(back.round, 7u);
  BOOST_CHECK(back.final);
  BOOST_CHECK(back.digest == p.digest);
  BOOST_CHECK(digest(*back.model) == p.digest);
  wire::round_encoder enc;
  BOOST_CHECK(enc.encode("mnist", "SL-1~1", p).round().proposal().model().sha256().empty());
  BOOST_REQUIRE_EQUAL(back.participants.size(), 1u);
  BOOST_CHECK_EQUAL(back.participants[0].name, "SL-2~01");
  BOOST_CHECK(back.electors == std::vector<std::string>{"SL-3~02"});
}

BOOST_AUTO_TEST_CASE(a_digest_only_proposal_and_its_request_round_trip) {
  auto model = small_model(2.0f);
  proposal_msg p{5, 0, digest(*model), nullptr, {participant{"SL-1~01", info()}}, false, {}};
  auto back = std::get<proposal_msg>(trip(p));
  BOOST_CHECK(!back.model);
  BOOST_CHECK(back.digest == p.digest);
  BOOST_REQUIRE_EQUAL(back.participants.size(), 1u);
  auto req = std::get<proposal_request_msg>(trip(proposal_request_msg{5, 2}));
  BOOST_CHECK_EQUAL(req.round, 5u);
  BOOST_CHECK_EQUAL(req.term, 2u);
}

BOOST_AUTO_TEST_CASE(final_loaded_round_trips_with_its_round) {
  auto back = std::get<final_loaded_msg>(trip(final_loaded_msg{12}));
  BOOST_CHECK_EQUAL(back.round, 12u);
}

BOOST_AUTO_TEST_CASE(votes_catch_ups_and_small_messages_round_trip) {
  auto model = small_model(1.0f);
  vote_msg v{3, 2, true, 1, digest(*model), model, {participant{"a~1", info()}}, {"b~2", "c~3"}};
  auto vb = std::get<vote_msg>(trip(v));
  BOOST_CHECK(vb.accepted_electors == v.accepted_electors);
  BOOST_CHECK(vb.granted);
  BOOST_CHECK_EQUAL(vb.accepted_term, 1u);
  BOOST_CHECK(vb.accepted_model && digest(*vb.accepted_model) == v.accepted_digest);
  auto empty = std::get<vote_msg>(trip(vote_msg{3, 2, false, 0, {}, nullptr, {}, {}}));
  BOOST_CHECK(!empty.granted && !empty.accepted_model);
  catch_up_msg c{9, 0, "SL-3~aa", digest(*model), model, {}, false, {"SL-4~bb"}};
  auto cb = std::get<catch_up_msg>(trip(c));
  BOOST_CHECK_EQUAL(cb.leader, "SL-3~aa");
  BOOST_CHECK(cb.electors == c.electors);
  BOOST_CHECK_EQUAL(std::get<catch_up_request_msg>(trip(catch_up_request_msg{5})).committed_round,
                    5u);
  BOOST_CHECK_EQUAL(std::get<refusal_msg>(trip(refusal_msg{2, "wrong shape"})).reason,
                    "wrong shape");
  BOOST_CHECK(std::holds_alternative<heartbeat_msg>(trip(heartbeat_msg{2, 1})));
  BOOST_CHECK(std::holds_alternative<commit_msg>(trip(commit_msg{2, 1, digest(*model)})));
}

BOOST_AUTO_TEST_CASE(a_catch_up_whose_model_differs_from_its_digest_is_refused) {
  auto model = small_model(0.0f);
  auto other = small_model(1.0f);
  wire::round_encoder enc;
  auto env =
    enc.encode("mnist", "SL-1~1", catch_up_msg{1, 0, "SL-1~1", digest(*other), model, {}, false, {}});
  auto back = wire::round_from_wire(env.round(), "SL-1");
  BOOST_REQUIRE(!back);
  BOOST_CHECK_EQUAL(back.error().code, errc::checksum_mismatch);
  BOOST_CHECK(back.error().message.find("SL-1") != std::string::npos);
  // A catch-up must bring its digest along.
  env.mutable_round()->mutable_catch_up()->mutable_model()->clear_sha256();
  auto bare = wire::round_from_wire(env.round(), "SL-1");
  BOOST_REQUIRE(!bare);
  BOOST_CHECK(bare.error().message.find("without its SHA-256") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_empty_elector_name_is_refused_with_the_peer_named) {
  auto model = small_model(0.0f);
  wire::round_encoder enc;
  auto env = enc.encode("mnist", "SL-1~1",
                        catch_up_msg{1, 0, "SL-1~1", digest(*model), model, {}, false, {"x"}});
  env.mutable_round()->mutable_catch_up()->set_electors(0, "");
  auto back = wire::round_from_wire(env.round(), "SL-7");
  BOOST_REQUIRE(!back);
  BOOST_CHECK(back.error().message.find("SL-7") != std::string::npos);
  BOOST_CHECK(back.error().message.find("bad elector name") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_tampered_model_or_a_short_digest_is_refused) {
  auto model = small_model(0.0f);
  wire::round_encoder enc;
  auto env = enc.encode("mnist", "SL-1~1", catch_up_msg{1, 0, "SL-1~1", digest(*model), model, {}, false, {}});
  auto& data = *env.mutable_round()->mutable_catch_up()->mutable_model()->mutable_data();
  data[0] ^= 1;
  auto tampered = wire::round_from_wire(env.round(), "SL-1");
  BOOST_REQUIRE(!tampered);
  BOOST_CHECK_EQUAL(tampered.error().code, errc::checksum_mismatch);
  auto commit = enc.encode("mnist", "SL-1~1", commit_msg{1, 0, digest(*model)});
  commit.mutable_round()->mutable_commit()->set_digest("short");
  auto back = wire::round_from_wire(commit.round(), "SL-1");
  BOOST_REQUIRE(!back);
  BOOST_CHECK(back.error().message.find("32 bytes") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_envelope_without_contract_or_body_fails_the_check) {
  auto env = wire::make_enroll_envelope("", "SL-1~1", false);
  BOOST_CHECK(!wire::check_envelope(env));
  auto ok = wire::make_enroll_envelope("mnist", "SL-1~1", false);
  BOOST_CHECK(wire::check_envelope(ok));
  ok.mutable_round()->clear_enroll();
  BOOST_CHECK(!wire::check_envelope(ok));
}
