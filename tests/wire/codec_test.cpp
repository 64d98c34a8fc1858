#define BOOST_TEST_MODULE wire.codec
#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include "swarm/wire/check.hpp"
#include "swarm/wire/codec.hpp"

using namespace swarm::wire;

namespace {

std::string why(const swarm::expected<Envelope>& x) {
  return x ? std::string{"ok"} : x.error().to_string();
}

// Returns the reason `err` carries; an out-of-range value (printed as
// "unknown rejection") if none, so a failed comparison prints something.
reject_reason reason_in(const swarm::error& err) {
  return reject_reason_of(err).value_or(static_cast<reject_reason>(255));
}

// Decodes `bytes` and requires a rejection for `want`.
void expect_reject(const std::string& bytes, reject_reason want,
                   size_t max_bytes = max_envelope_bytes) {
  auto result = decode_envelope(bytes, max_bytes);
  BOOST_REQUIRE_MESSAGE(!result, "expected " << want << ", but it decoded");
  BOOST_TEST(reason_in(result.error()) == want, result.error().message);
}

Envelope hello(std::string name = "SN-1") {
  auto env = make_envelope();
  auto& h = *env.mutable_hello();
  h.set_node_name(std::move(name));
  h.set_nonce(std::string(32, '\x01'));
  h.set_listen_address("127.0.1.1:30303");
  return env;
}

Envelope round_trip(const Envelope& x) {
  auto decoded = decode_envelope(encode(x));
  BOOST_REQUIRE_MESSAGE(decoded, why(decoded));
  return *decoded;
}

} // namespace

BOOST_AUTO_TEST_CASE(every_body_survives_a_round_trip) {
  auto h = round_trip(hello());
  BOOST_TEST(h.hello().node_name() == "SN-1");
  BOOST_TEST(h.hello().nonce() == std::string(32, '\x01'));
  BOOST_TEST(h.hello().listen_address() == "127.0.1.1:30303");

  auto proof = make_envelope();
  auto& p = *proof.mutable_proof();
  p.set_node_name("SN-2");
  p.set_certificate_pem("-----BEGIN CERTIFICATE-----\n...");
  p.set_signature(std::string(72, '\x30'));
  p.set_nonce(std::string(32, '\x02'));
  p.set_answered_nonce(std::string(32, '\x01'));
  p.set_role(HANDSHAKE_ROLE_ACCEPTOR);
  auto p2 = round_trip(proof).proof();
  BOOST_TEST(p2.role() == HANDSHAKE_ROLE_ACCEPTOR);
  BOOST_TEST(p2.answered_nonce() == p.answered_nonce());
  BOOST_TEST(p2.signature() == p.signature());

  auto refusal = make_envelope();
  refusal.mutable_refusal()->set_reason("certificate name does not match");
  BOOST_TEST(round_trip(refusal).refusal().reason() == "certificate name does not match");

  auto state = make_envelope();
  state.mutable_state()->set_reply(true);
  state.mutable_state()->set_summary_bytes(std::string("\x00\x01\x02", 3));
  state.mutable_state()->set_updates_bytes(std::string(1000, '\xff'));
  auto s2 = round_trip(state).state();
  BOOST_TEST(s2.reply());
  BOOST_TEST(s2.summary_bytes() == std::string("\x00\x01\x02", 3));
  BOOST_TEST(s2.updates_bytes().size() == 1000u);
}

BOOST_AUTO_TEST_CASE(the_byte_span_overload_decodes_the_same) {
  auto bytes = encode(hello());
  std::vector<std::byte> buf(bytes.size());
  std::memcpy(buf.data(), bytes.data(), bytes.size());
  auto decoded = decode_envelope(std::span<const std::byte>{buf});
  BOOST_REQUIRE_MESSAGE(decoded, why(decoded));
  BOOST_TEST(decoded->hello().node_name() == "SN-1");
}

BOOST_AUTO_TEST_CASE(oversized_input_is_refused_before_parsing) {
  // Garbage that would also fail to parse: the size check must come first.
  expect_reject(std::string(max_envelope_bytes + 1, '\xff'), reject_reason::oversized);
  // A valid envelope over a caller's smaller limit.
  auto bytes = encode(hello());
  expect_reject(bytes, reject_reason::oversized, bytes.size() - 1);
  BOOST_TEST(static_cast<bool>(decode_envelope(bytes, bytes.size())));
}

BOOST_AUTO_TEST_CASE(garbage_is_malformed) {
  expect_reject(std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 11),
                reject_reason::malformed);
  // A length prefix that runs past the end.
  expect_reject(std::string("\x52\x7f\x0a", 3), reject_reason::malformed);
  // Invalid UTF-8 in a proto3 string field.
  auto env = hello("SN-\xc3");
  expect_reject(encode(env), reject_reason::malformed);
}

BOOST_AUTO_TEST_CASE(unset_and_newer_versions_are_refused) {
  auto env = hello();
  env.set_version(0);
  expect_reject(encode(env), reject_reason::unsupported_version);
  env.set_version(wire_version + 1);
  expect_reject(encode(env), reject_reason::unsupported_version);
}

BOOST_AUTO_TEST_CASE(an_envelope_without_body_is_refused) {
  expect_reject(encode(make_envelope()), reject_reason::empty_body);
  // The empty input parses as an envelope with nothing set.
  expect_reject("", reject_reason::unsupported_version);
  // A body a newer sender added (field 99) parses as an unknown field.
  auto bytes = encode(make_envelope());
  bytes += std::string("\x9a\x06\x00", 3); // field 99, length-delimited, empty
  expect_reject(bytes, reject_reason::empty_body);
}

BOOST_AUTO_TEST_CASE(over_limit_fields_are_refused) {
  expect_reject(encode(hello(std::string(max_name_bytes + 1, 'a'))), reject_reason::over_limit);
  auto env = hello();
  env.mutable_hello()->set_nonce(std::string(max_nonce_bytes + 1, 'n'));
  expect_reject(encode(env), reject_reason::over_limit);

  auto proof = make_envelope();
  proof.mutable_proof()->set_node_name("SN-2");
  proof.mutable_proof()->set_role(HANDSHAKE_ROLE_INITIATOR);
  proof.mutable_proof()->set_certificate_pem(std::string(max_certificate_pem_bytes + 1, 'c'));
  expect_reject(encode(proof), reject_reason::over_limit);

  auto swim = make_envelope();
  swim.mutable_swim()->set_version(1);
  swim.mutable_swim()->mutable_gossip();
  for (size_t i = 0; i <= max_swim_updates; ++i) {
    auto& u = *swim.mutable_swim()->add_updates();
    u.set_node("n");
  }
  expect_reject(encode(swim), reject_reason::over_limit);

  auto refusal = make_envelope();
  refusal.mutable_refusal()->set_reason(std::string(max_reason_bytes + 1, 'r'));
  expect_reject(encode(refusal), reject_reason::over_limit);
}

BOOST_AUTO_TEST_CASE(invalid_values_are_refused) {
  expect_reject(encode(hello("")), reject_reason::invalid_value);
  expect_reject(encode(hello("SN-1\nfake log line")), reject_reason::invalid_value);
  expect_reject(encode(hello("SN 1")), reject_reason::invalid_value);

  auto proof = make_envelope();
  proof.mutable_proof()->set_node_name("SN-2");
  expect_reject(encode(proof), reject_reason::invalid_value); // role unset
  proof.mutable_proof()->set_role(static_cast<HandshakeRole>(7));
  expect_reject(encode(proof), reject_reason::invalid_value);
}

BOOST_AUTO_TEST_CASE(check_envelope_names_the_field) {
  auto env = hello(std::string(300, 'a'));
  auto st = check_envelope(env);
  BOOST_REQUIRE(!st);
  BOOST_TEST(st.error().message.find("hello.node_name") != std::string::npos,
             st.error().message);
}

BOOST_AUTO_TEST_CASE(reject_reason_of_ignores_foreign_errors) {
  auto foreign = swarm::make_error(swarm::errc::io_error, "malformed messages everywhere");
  BOOST_TEST(!reject_reason_of(foreign).has_value());
  BOOST_TEST(reason_in(make_error(reject_reason::malformed, "x")) == reject_reason::malformed);
}
