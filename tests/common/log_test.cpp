#define BOOST_TEST_MODULE common.log
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <regex>
#include <sstream>

#include <spdlog/sinks/ostream_sink.h>

#include "swarm/common/log.hpp"

namespace {

std::string log_one_line(spdlog::level::level_enum level, const std::string& text) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  auto logger = swarm::log::make("swarm.SN", sink);
  logger->set_level(spdlog::level::trace);
  logger->log(level, text);
  logger->flush();
  return out.str();
}

} // namespace

BOOST_AUTO_TEST_CASE(lines_follow_hpe_format_with_milliseconds_after_a_comma) {
  auto line = log_one_line(spdlog::level::info, "Starting SWARM-API-SERVER on port: 30304");
  std::regex hpe{R"(^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} : swarm\.SN : INFO : )"
                 R"(Starting SWARM-API-SERVER on port: 30304\r?\n$)"};
  BOOST_TEST(std::regex_match(line, hpe), "line was: " << line);
}

BOOST_AUTO_TEST_CASE(levels_are_printed_with_python_logging_names) {
  BOOST_TEST(log_one_line(spdlog::level::warn, "x").find(" : WARNING : x") != std::string::npos);
  BOOST_TEST(log_one_line(spdlog::level::err, "x").find(" : ERROR : x") != std::string::npos);
  BOOST_TEST(log_one_line(spdlog::level::debug, "x").find(" : DEBUG : x") != std::string::npos);
  BOOST_TEST(log_one_line(spdlog::level::critical, "x").find(" : CRITICAL : x") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(level_names_parse_in_any_case_and_unknown_names_are_errors) {
  BOOST_TEST(*swarm::log::parse_level("debug") == spdlog::level::debug);
  BOOST_TEST(*swarm::log::parse_level("Warning") == spdlog::level::warn);
  BOOST_TEST(*swarm::log::parse_level("WARN") == spdlog::level::warn);
  auto bad = swarm::log::parse_level("LOUD");
  BOOST_REQUIRE(!bad);
  BOOST_TEST(bad.error().message.find("LOUD") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_environment_sets_the_level_unless_a_flag_does) {
  ::setenv(swarm::log::level_env_var, "ERROR", 1);
  BOOST_REQUIRE(swarm::log::init());
  BOOST_TEST(spdlog::get_level() == spdlog::level::err);
  BOOST_REQUIRE(swarm::log::init(std::string_view{"DEBUG"}));
  BOOST_TEST(spdlog::get_level() == spdlog::level::debug);
  ::setenv(swarm::log::level_env_var, "NOISY", 1);
  auto st = swarm::log::init();
  BOOST_REQUIRE(!st);
  BOOST_TEST(st.error().message.find("SWARM_LOG_LEVEL") != std::string::npos);
  ::unsetenv(swarm::log::level_env_var);
  BOOST_REQUIRE(swarm::log::init());
  BOOST_TEST(spdlog::get_level() == spdlog::level::info);
}
