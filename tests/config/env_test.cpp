#define BOOST_TEST_MODULE config.env
#include <boost/test/unit_test.hpp>

#include "swarm/config/env.hpp"

using namespace swarm::config;

BOOST_AUTO_TEST_CASE(merge_keeps_lower_order_and_takes_higher_values) {
  env_list lower{{"A", "1"}, {"B", "2"}, {"C", std::nullopt}};
  env_list higher{{"C", "3"}, {"D", "4"}, {"A", "5"}};
  auto merged = merge_env(lower, higher);
  env_list expected{{"A", "5"}, {"B", "2"}, {"C", "3"}, {"D", "4"}};
  BOOST_TEST((merged == expected));
}

BOOST_AUTO_TEST_CASE(a_null_in_the_higher_list_overrides_a_value) {
  auto merged = merge_env({{"http_proxy", "http://proxy:3128"}}, {{"http_proxy", std::nullopt}});
  BOOST_TEST_REQUIRE(merged.size() == 1u);
  BOOST_TEST(!merged[0].second.has_value());
}

BOOST_AUTO_TEST_CASE(find_env_tells_absent_from_null) {
  env_list vars{{"SET", "x"}, {"PASS", std::nullopt}};
  BOOST_TEST(find_env(vars, "MISSING") == nullptr);
  BOOST_TEST_REQUIRE(find_env(vars, "PASS") != nullptr);
  BOOST_TEST(!find_env(vars, "PASS")->has_value());
  BOOST_TEST_REQUIRE(find_env(vars, "SET") != nullptr);
  BOOST_TEST(**find_env(vars, "SET") == "x");
}
