#define BOOST_TEST_MODULE identity.failure
#include <boost/test/unit_test.hpp>

#include <set>

#include "swarm/identity/failure.hpp"

using namespace swarm::identity;

BOOST_AUTO_TEST_CASE(every_failure_has_its_own_phrase_and_is_recognized_again) {
  std::set<std::string_view> phrases;
  for (int i = 0; i <= static_cast<int>(failure::internal); ++i) {
    auto x = static_cast<failure>(i);
    BOOST_TEST_CONTEXT(to_string(x)) {
      BOOST_TEST(phrases.insert(to_string(x)).second);
      auto err = make_error(x, "/some/file.pem: detail");
      BOOST_TEST(err.message == std::string{to_string(x)} + ": /some/file.pem: detail");
      BOOST_TEST((failure_of(err) == x));
      BOOST_TEST((failure_of(make_error(x, "")) == x));
    }
  }
}

BOOST_AUTO_TEST_CASE(file_failures_are_io_errors_and_parse_failures_parse_errors) {
  BOOST_TEST(make_error(failure::file_missing, "x").code == swarm::errc::io_error);
  BOOST_TEST(make_error(failure::file_unreadable, "x").code == swarm::errc::io_error);
  BOOST_TEST(make_error(failure::not_pem, "x").code == swarm::errc::parse_error);
  BOOST_TEST(make_error(failure::empty_trust_store, "x").code == swarm::errc::invalid_config);
  BOOST_TEST(make_error(failure::expired, "x").code == swarm::errc::invalid_argument);
}

BOOST_AUTO_TEST_CASE(errors_from_elsewhere_carry_no_failure) {
  BOOST_TEST(!failure_of(swarm::make_error(swarm::errc::io_error, "disk full")));
  // A phrase in the middle of a message does not count.
  BOOST_TEST(!failure_of(swarm::make_error(swarm::errc::io_error,
                                           "x: certificate has expired: y")));
}
