#define BOOST_TEST_MODULE membership.state_contract_record
#include <boost/test/unit_test.hpp>

#include <string>

#include "swarm/membership/state_contract_record.hpp"
#include "swarm/membership/state_swarm.hpp"

using namespace swarm::membership;

namespace {

contract_record sample_contract() {
  return {std::string{default_contract}, 1'764'150'000'000, 3, 1'764'150'009'000};
}

byte_buffer encoded(const contract_record& x) {
  byte_writer out;
  x.encode(out);
  return out.take();
}

} // namespace

BOOST_AUTO_TEST_CASE(a_contract_record_round_trips_with_every_field) {
  auto x = sample_contract();
  auto back = contract_record::decode(encoded(x));
  BOOST_REQUIRE(back);
  BOOST_TEST((*back == x));
  BOOST_TEST(x.key() == "defaultbb.cqdb.sml.hpe");
}

BOOST_AUTO_TEST_CASE(every_truncation_and_trailing_bytes_are_rejected) {
  auto bytes = encoded(sample_contract());
  for (size_t n = 0; n < bytes.size(); ++n)
    BOOST_TEST(!contract_record::decode(std::span{bytes}.first(n)), "length " << n);
  bytes.push_back(std::byte{0});
  BOOST_TEST(!contract_record::decode(bytes));
}

BOOST_AUTO_TEST_CASE(a_contract_with_an_invalid_name_is_rejected) {
  auto x = sample_contract();
  x.name = "con tract";
  BOOST_TEST(!x.check());
  auto back = contract_record::decode(encoded(x));
  BOOST_REQUIRE(!back);
  BOOST_TEST(back.error().message.find("contract name 'con tract' is invalid")
             != std::string::npos, back.error().message);
}

BOOST_AUTO_TEST_CASE(the_state_holds_contracts_in_their_own_map) {
  swarm_state s;
  auto w = make_uuid_v4(std::array<std::byte, 16>{std::byte{1}});
  BOOST_REQUIRE(s.map_of<contract_record>().put(sample_contract(), w));
  auto back = s.map_of<contract_record>().get("defaultbb.cqdb.sml.hpe");
  BOOST_REQUIRE(back);
  BOOST_TEST(back->resets == 3u);
}
