#define BOOST_TEST_MODULE config.profile
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "swarm/config/profile.hpp"
#include "test_util.hpp"

using namespace swarm::config;
using namespace swarm::config::test;

namespace {

// The filled-in MNIST profile of host 1: valid, so every edit below breaks
// exactly what the test is about.
std::string valid_profile() {
  return read_data("filled/swop1_profile.yaml");
}

// Checks that `problems` holds exactly one diagnostic for `path`, at the
// first occurrence of `anchor` in `text`, containing `message`.
void expect_problem(const std::vector<diagnostic>& problems, std::string_view text,
                    std::string_view path, std::string_view anchor,
                    std::string_view message) {
  auto found = about(problems, path);
  BOOST_TEST_REQUIRE(found.size() == 1u, "no single problem at " << path << " in:\n"
                                                                  << dump(problems));
  auto where = position_of(text, anchor);
  BOOST_TEST_REQUIRE(where.line > 0, "anchor not in text: " << anchor);
  BOOST_TEST(found[0].line == where.line);
  BOOST_TEST(found[0].column == where.column);
  BOOST_TEST(found[0].message.find(message) != std::string::npos,
             found[0].message << " lacks " << message);
}

} // namespace

BOOST_AUTO_TEST_CASE(filled_mnist_profile_loads_every_field) {
  auto profile = load_profile(data_path("filled/swop1_profile.yaml"));
  BOOST_TEST_REQUIRE(static_cast<bool>(profile),
                     (profile ? "" : profile.error().message));
  BOOST_TEST(profile->group_name == "demo");
  BOOST_TEST(profile->task_runner == "defaulttaskbb.taskdb.sml.hpe");
  BOOST_TEST(!profile->policy_uri.has_value());
  BOOST_TEST(profile->resource_mgr.mgr_type == resource_manager_kind::docker);
  BOOST_TEST((profile->resource_mgr.access_type == access_kind::from_env));
  BOOST_TEST(profile->network == "host-1-net");
  BOOST_TEST((profile->apls.host == std::optional<std::string>{"172.1.1.1"}));
  BOOST_TEST(!profile->apls.port.has_value());
  BOOST_TEST(!profile->api_server.host.has_value());
  BOOST_TEST(!profile->api_server.service.has_value());
  BOOST_TEST_REQUIRE(profile->env_vars.size() == 7u);
  BOOST_TEST(profile->env_vars[0].first == "SL_LOG_LEVEL");
  BOOST_TEST((profile->env_vars[0].second == std::optional<std::string>{"INFO"}));
  BOOST_TEST(profile->env_vars[1].first == "http_proxy");
  BOOST_TEST(!profile->env_vars[1].second.has_value());
  BOOST_TEST(profile->env_vars[6].first == "NO_PROXY");
  BOOST_TEST_REQUIRE(profile->nodes.size() == 1u);
  const auto& node = profile->nodes[0];
  BOOST_TEST(node.idx == 0u);
  BOOST_TEST_REQUIRE(node.identity.size() == 3u);
  BOOST_TEST(node.identity[0].a_type == identity_kind::key);
  BOOST_TEST(node.identity[1].a_type == identity_kind::cert);
  BOOST_TEST(node.identity[2].a_type == identity_kind::capath);
  BOOST_TEST(node.identity[0].m_type == mount_kind::bind);
  BOOST_TEST(node.identity[0].src == "/opt/swarm/mnist/cert/sl-1-key.pem");
  BOOST_TEST(node.identity[0].tgt == "/swarm-cert/sl-1-key.pem");
  BOOST_TEST(!node.identity[0].sub_path.has_value());
  BOOST_TEST((node.sl_host_name == std::optional<std::string>{"sl1"}));
  BOOST_TEST((node.sl_host_ip == std::optional<std::string>{"172.1.1.1"}));
  BOOST_TEST((node.sl_port == std::optional<uint16_t>{16000}));
  BOOST_TEST((node.usr_host_name == std::optional<std::string>{"user1"}));
  BOOST_TEST_REQUIRE(node.private_data.has_value());
  BOOST_TEST(node.private_data->src == "/opt/swarm/mnist");
  BOOST_TEST(node.sl_env_vars.empty());
  BOOST_TEST_REQUIRE(node.usr_env_vars.size() == 1u);
  BOOST_TEST(node.usr_env_vars[0].first == "SCRATCH_DIR");
  BOOST_TEST((node.usr_env_vars[0].second == std::optional<std::string>{"user1"}));
}

BOOST_AUTO_TEST_CASE(filled_profile_of_the_second_host_loads) {
  auto profile = load_profile(data_path("filled/swop2_profile.yaml"));
  BOOST_TEST_REQUIRE(static_cast<bool>(profile),
                     (profile ? "" : profile.error().message));
  BOOST_TEST(profile->network == "host-2-net");
  BOOST_TEST_REQUIRE(profile->nodes.size() == 1u);
  BOOST_TEST((profile->nodes[0].sl_port == std::optional<uint16_t>{18000}));
  BOOST_TEST((profile->nodes[0].sl_host_ip == std::optional<std::string>{"172.2.2.2"}));
}

BOOST_AUTO_TEST_CASE(seed_profile_reports_exactly_its_unreplaced_placeholders) {
  auto text = read_data("swop1_profile.yaml");
  auto result = check_profile(text, "swop1_profile.yaml");
  BOOST_TEST(!result.value.has_value());
  BOOST_TEST(!result.syntax_error);
  BOOST_TEST(result.problems.size() == 6u, dump(result.problems));
  expect_problem(result.problems, text, "apls.locator.host", "<LICENSE-SERVER-ADDRESS>",
                 "placeholder <LICENSE-SERVER-ADDRESS> was not replaced");
  expect_problem(result.problems, text, "nodes[0].identity[0].src",
                 "\"<PROJECT-CERTS>/sl-1-key.pem",
                 "placeholder <PROJECT-CERTS> was not replaced");
  expect_problem(result.problems, text, "nodes[0].identity[1].src",
                 "\"<PROJECT-CERTS>/sl-1-cert.pem",
                 "placeholder <PROJECT-CERTS> was not replaced");
  expect_problem(result.problems, text, "nodes[0].identity[2].src",
                 "\"<PROJECT-CACERTS>", "placeholder <PROJECT-CACERTS> was not replaced");
  expect_problem(result.problems, text, "nodes[0].slhostip", "<HOST_ADDRESS>",
                 "placeholder <HOST_ADDRESS> was not replaced");
  expect_problem(result.problems, text, "nodes[0].privatedata.src", "\"<PROJECT>\"",
                 "placeholder <PROJECT> was not replaced");
}

BOOST_AUTO_TEST_CASE(load_profile_names_the_file_line_column_and_key_in_its_error) {
  auto path = data_path("swop2_profile.yaml");
  auto profile = load_profile(path);
  BOOST_TEST_REQUIRE(!profile);
  BOOST_TEST(profile.error().code == swarm::errc::invalid_config);
  auto where = position_of(read_data("swop2_profile.yaml"), "<HOST_ADDRESS>");
  auto expected = path + ":" + std::to_string(where.line) + ":"
                  + std::to_string(where.column)
                  + ": nodes[0].slhostip: placeholder <HOST_ADDRESS> was not replaced";
  const auto& message = profile.error().message;
  BOOST_TEST(message.find(expected) != std::string::npos, message);
  // One line per problem, all six of them.
  BOOST_TEST(std::count(message.begin(), message.end(), '\n') == 5);
}

BOOST_AUTO_TEST_CASE(missing_required_key_is_reported_at_its_mapping) {
  auto text = edit(valid_profile(), "      slhostname: sl1\n", "");
  auto result = check_profile(text, "p.yaml");
  expect_problem(result.problems, text, "nodes[0].slhostname", "idx: 0",
                 "required key is missing");
  BOOST_TEST(result.problems.size() == 1u, dump(result.problems));
}

BOOST_AUTO_TEST_CASE(missing_top_level_key_is_reported) {
  auto text = edit(valid_profile(), "network: host-1-net\n", "");
  auto result = check_profile(text, "p.yaml");
  BOOST_TEST_REQUIRE(about(result.problems, "network").size() == 1u, dump(result.problems));
  BOOST_TEST(about(result.problems, "network")[0].message == "required key is missing");
}

BOOST_AUTO_TEST_CASE(non_numeric_port_is_reported_with_the_expected_range) {
  auto text = edit(valid_profile(), "slport: 16000", "slport: abc");
  auto profile = parse_profile(text, "swop1_profile.yaml");
  BOOST_TEST_REQUIRE(!profile);
  auto where = position_of(text, "abc");
  auto expected = "swop1_profile.yaml:" + std::to_string(where.line) + ":"
                  + std::to_string(where.column)
                  + ": nodes[0].slport: expected an integer port 1-65535, got \"abc\"";
  BOOST_TEST(profile.error().message == expected);
}

BOOST_AUTO_TEST_CASE(ports_outside_1_to_65535_are_rejected) {
  for (auto bad : {"0", "65536", "-1", "1.5", "99999999999999999999"}) {
    auto text = edit(valid_profile(), "slport: 16000", std::string{"slport: "} + bad);
    auto result = check_profile(text, "p.yaml");
    BOOST_TEST(about(result.problems, "nodes[0].slport").size() == 1u, bad);
  }
  auto text = edit(valid_profile(), "slport: 16000", "slport: 65535");
  BOOST_TEST(check_profile(text, "p.yaml").problems.empty());
}

BOOST_AUTO_TEST_CASE(text_where_a_mapping_is_expected_is_a_type_error) {
  auto text = edit(valid_profile(), "groupname: demo", "groupname: [a, b]");
  auto result = check_profile(text, "p.yaml");
  expect_problem(result.problems, text, "groupname", "[a, b]",
                 "expected text of 1-253 characters, got a list");
  text = edit(valid_profile(), "      privatedata:\n        src: \"/opt/swarm/mnist\"\n"
                               "        mType: BIND\n",
              "      privatedata: /opt/swarm/mnist\n");
  result = check_profile(text, "p.yaml");
  expect_problem(result.problems, text, "nodes[0].privatedata", "/opt/swarm/mnist\n",
                 "expected a mapping with keys src, mType");
}

BOOST_AUTO_TEST_CASE(bad_enum_value_lists_the_allowed_spellings) {
  auto text = edit(valid_profile(), "aType: CERT", "aType: PASSWORD");
  auto result = check_profile(text, "p.yaml");
  expect_problem(result.problems, text, "nodes[0].identity[1].aType", "PASSWORD",
                 "expected one of KEY, CERT, CACERT, CAPATH, SPIFFE_SOCKETPATH, "
                 "got \"PASSWORD\"");
  text = edit(valid_profile(), "mgrtype: DOCKER", "mgrtype: KUBERNETES");
  result = check_profile(text, "p.yaml");
  expect_problem(result.problems, text, "resourcemgr.mgrtype", "KUBERNETES",
                 "expected one of DOCKER, PROCESS");
  text = edit(valid_profile(), "accesstype: FROMENV", "accesstype: SSH");
  result = check_profile(text, "p.yaml");
  expect_problem(result.problems, text, "resourcemgr.accessinfo.accesstype", "SSH",
                 "expected FROMENV, got \"SSH\"");
  text = edit(valid_profile(), "\"/opt/swarm/mnist\"\n        mType: BIND",
              "\"/opt/swarm/mnist\"\n        mType: TMPFS");
  result = check_profile(text, "p.yaml");
  expect_problem(result.problems, text, "nodes[0].privatedata.mType", "TMPFS",
                 "expected one of BIND, VOLUME");
}

BOOST_AUTO_TEST_CASE(process_resource_manager_needs_no_accessinfo) {
  auto text = edit(valid_profile(),
                   "  mgrtype: DOCKER\n  accessinfo:\n    accesstype: FROMENV\n",
                   "  mgrtype: PROCESS\n");
  auto profile = parse_profile(text, "p.yaml");
  BOOST_TEST_REQUIRE(static_cast<bool>(profile), (profile ? "" : profile.error().message));
  BOOST_TEST(profile->resource_mgr.mgr_type == resource_manager_kind::process);
  BOOST_TEST(!profile->resource_mgr.access_type.has_value());
  // DOCKER still needs it.
  text = edit(valid_profile(), "  accessinfo:\n    accesstype: FROMENV\n", "");
  auto result = check_profile(text, "p.yaml");
  BOOST_TEST(about(result.problems, "resourcemgr.accessinfo").size() == 1u);
}

BOOST_AUTO_TEST_CASE(identity_paths_must_have_2_to_240_characters) {
  auto long_path = "/" + std::string(240, 'a');
  auto text = edit(valid_profile(), "\"/swarm-cert/sl-1-cert.pem\"", long_path);
  auto result = check_profile(text, "p.yaml");
  expect_problem(result.problems, text, "nodes[0].identity[1].tgt", long_path,
                 "expected text of 2-240 characters, got 241 characters");
  text = edit(valid_profile(), "\"/swarm-cert/sl-1-cert.pem\"", "/");
  result = check_profile(text, "p.yaml");
  BOOST_TEST(about(result.problems, "nodes[0].identity[1].tgt").size() == 1u);
  text = edit(valid_profile(), "\"/swarm-cert/sl-1-cert.pem\"", long_path.substr(1));
  BOOST_TEST(check_profile(text, "p.yaml").problems.empty());
}

BOOST_AUTO_TEST_CASE(unknown_key_in_a_node_is_rejected_with_its_line) {
  auto text = edit(valid_profile(), "      slport: 16000\n",
                   "      slport: 16000\n      slprot: 16001\n");
  auto result = check_profile(text, "p.yaml");
  expect_problem(result.problems, text, "nodes[0].slprot", "slprot",
                 "unknown key \"slprot\"; expected one of: idx, identity");
  BOOST_TEST(result.problems.size() == 1u, dump(result.problems));
}

BOOST_AUTO_TEST_CASE(unknown_keys_are_rejected_at_every_level) {
  auto text = edit(valid_profile(), "groupname: demo", "groupname: demo\ncolour: blue");
  BOOST_TEST(about(check_profile(text, "p.yaml").problems, "colour").size() == 1u);
  text = edit(valid_profile(), "    port: ~\napisrv", "    port: ~\n    tls: true\napisrv");
  BOOST_TEST(about(check_profile(text, "p.yaml").problems, "apls.locator.tls").size() == 1u);
  text = edit(valid_profile(), "            subPath: null\n",
              "            subPath: null\n            mode: ro\n");
  BOOST_TEST(about(check_profile(text, "p.yaml").problems,
                   "nodes[0].identity[0].mode").size() == 1u);
}

BOOST_AUTO_TEST_CASE(key_given_twice_is_rejected) {
  auto text = edit(valid_profile(), "network: host-1-net", "network: a\nnetwork: b");
  auto result = check_profile(text, "p.yaml");
  expect_problem(result.problems, text, "network", "network: b", "key given twice");
}

BOOST_AUTO_TEST_CASE(node_without_slnodedef_wrapper_is_explained) {
  auto text = edit(valid_profile(), "  - slnodedef:\n      idx: 0",
                   "  - idx: 0\n    slnodedef:");
  auto result = check_profile(text, "p.yaml");
  auto found = about(result.problems, "nodes[0]");
  BOOST_TEST_REQUIRE(found.size() == 1u, dump(result.problems));
  BOOST_TEST(found[0].message.find("single key 'slnodedef'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(negative_or_textual_idx_is_rejected) {
  auto text = edit(valid_profile(), "idx: 0", "idx: -1");
  auto result = check_profile(text, "p.yaml");
  expect_problem(result.problems, text, "nodes[0].idx", "-1\n",
                 "expected an integer >= 0, got \"-1\"");
  text = edit(valid_profile(), "idx: 0", "idx: first");
  BOOST_TEST(about(check_profile(text, "p.yaml").problems, "nodes[0].idx").size() == 1u);
}

BOOST_AUTO_TEST_CASE(two_nodes_with_the_same_idx_are_rejected) {
  auto base = valid_profile();
  auto node = base.substr(base.find("  - slnodedef:"));
  auto text = base + edit(edit(node, "sl1", "sl9"), "user1", "user9");
  auto result = check_profile(text, "p.yaml");
  auto found = about(result.problems, "nodes[1]");
  BOOST_TEST_REQUIRE(found.size() == 1u, dump(result.problems));
  BOOST_TEST(found[0].message == "idx 0 is already used by nodes[0]");
  text = base + edit(node, "idx: 0", "idx: 1");
  auto profile = parse_profile(text, "p.yaml");
  BOOST_TEST_REQUIRE(static_cast<bool>(profile), (profile ? "" : profile.error().message));
  BOOST_TEST(profile->nodes.size() == 2u);
}

BOOST_AUTO_TEST_CASE(envvars_must_be_null_or_a_list_of_one_entry_mappings) {
  auto text = edit(valid_profile(), "usrenvvars: [SCRATCH_DIR: \"user1\"]",
                   "usrenvvars: {SCRATCH_DIR: user1}");
  auto result = check_profile(text, "p.yaml");
  expect_problem(result.problems, text, "nodes[0].usrenvvars", "{SCRATCH_DIR",
                 "expected ~ or a list of one-entry mappings");
  text = edit(valid_profile(), "  - SL_LOG_LEVEL: INFO\n",
              "  - SL_LOG_LEVEL: INFO\n    OTHER: 1\n");
  result = check_profile(text, "p.yaml");
  expect_problem(result.problems, text, "envvars[0]", "SL_LOG_LEVEL",
                 "expected a one-entry mapping `NAME: value`, got a mapping with 2 keys");
  text = edit(valid_profile(), "SL_LOG_LEVEL: INFO", "SL_LOG_LEVEL: [INFO]");
  result = check_profile(text, "p.yaml");
  expect_problem(result.problems, text, "envvars[0].SL_LOG_LEVEL", "[INFO]",
                 "got a list");
  text = edit(valid_profile(), "  - NO_PROXY: ~\n", "  - NO_PROXY: ~\n  - http_proxy: x\n");
  result = check_profile(text, "p.yaml");
  BOOST_TEST_REQUIRE(about(result.problems, "envvars[7]").size() == 1u, dump(result.problems));
  BOOST_TEST(about(result.problems, "envvars[7]")[0].message
             == "'http_proxy' is set twice in this list");
}

BOOST_AUTO_TEST_CASE(container_options_labels_and_network_options_are_typed) {
  auto text = edit(valid_profile(), "      usrenvvars:",
                   "      usrcontaineropts:\n"
                   "        - gpus: all\n"
                   "        - device: [/dev/kfd, /dev/dri]\n"
                   "        - privileged: true\n"
                   "      sllabels: [spiffe-sl]\n"
                   "      usrlabels: {team: vision, tier: ~}\n"
                   "      slnetworkopts: [ip: 10.0.0.5]\n"
                   "      usrenvvars:");
  auto profile = parse_profile(text, "p.yaml");
  BOOST_TEST_REQUIRE(static_cast<bool>(profile), (profile ? "" : profile.error().message));
  const auto& node = profile->nodes[0];
  BOOST_TEST_REQUIRE(node.usr_container_opts.size() == 3u);
  BOOST_TEST(std::get<std::string>(node.usr_container_opts[0].value) == "all");
  BOOST_TEST((std::get<std::vector<std::string>>(node.usr_container_opts[1].value)
              == std::vector<std::string>{"/dev/kfd", "/dev/dri"}));
  BOOST_TEST(std::get<bool>(node.usr_container_opts[2].value));
  BOOST_TEST_REQUIRE(node.sl_labels.size() == 1u);
  BOOST_TEST(node.sl_labels[0].first == "spiffe-sl");
  BOOST_TEST(!node.sl_labels[0].second.has_value());
  BOOST_TEST_REQUIRE(node.usr_labels.size() == 2u);
  BOOST_TEST((node.usr_labels[0].second == std::optional<std::string>{"vision"}));
  BOOST_TEST_REQUIRE(node.sl_network_opts.size() == 1u);
  BOOST_TEST((node.sl_network_opts[0].second == std::optional<std::string>{"10.0.0.5"}));
  text = edit(valid_profile(), "      usrenvvars:",
              "      usrcontaineropts: [runtime: nvidia, privileged: sometimes]\n"
              "      usrenvvars:");
  auto result = check_profile(text, "p.yaml");
  BOOST_TEST(about(result.problems, "nodes[0].usrcontaineropts[0]").size() == 1u,
             dump(result.problems));
  BOOST_TEST(about(result.problems, "nodes[0].usrcontaineropts[1].privileged").size() == 1u,
             dump(result.problems));
}

BOOST_AUTO_TEST_CASE(a_profile_with_several_errors_reports_all_of_them) {
  auto text = valid_profile();
  text = edit(text, "groupname: demo", "groupname: ~");
  text = edit(text, "network: host-1-net", "network: host-1-net\nnetwrok: x");
  text = edit(text, "aType: KEY", "aType: KEYS");
  text = edit(text, "slport: 16000", "slport: 70000");
  text = edit(text, "      usrhostname: user1\n", "");
  auto profile = parse_profile(text, "many.yaml");
  BOOST_TEST_REQUIRE(!profile);
  const auto& message = profile.error().message;
  auto where = position_of(text, "groupname: ~");
  auto first = "many.yaml:" + std::to_string(where.line) + ":"
               + std::to_string(where.column + 11) + ": groupname: expected text";
  for (auto path : {first.c_str(), "netwrok:", "nodes[0].identity[0].aType:",
                    "nodes[0].slport:", "nodes[0].usrhostname:"})
    BOOST_TEST(message.find(path) != std::string::npos, path << " not in\n" << message);
  BOOST_TEST(std::count(message.begin(), message.end(), '\n') == 4);
  // Reported in document order.
  auto result = check_profile(text, "many.yaml");
  for (size_t i = 1; i < result.problems.size(); ++i)
    BOOST_TEST(result.problems[i - 1].line <= result.problems[i].line);
}

BOOST_AUTO_TEST_CASE(sl_environment_lets_slenvvars_override_global_envvars) {
  auto text = edit(valid_profile(), "slenvvars: null",
                   "slenvvars: [SL_LOG_LEVEL: DEBUG, SL_EXTRA: 1]");
  auto profile = parse_profile(text, "p.yaml");
  BOOST_TEST_REQUIRE(static_cast<bool>(profile), (profile ? "" : profile.error().message));
  auto env = sl_environment(*profile, profile->nodes[0]);
  BOOST_TEST_REQUIRE(env.size() == 8u);
  BOOST_TEST(env[0].first == "SL_LOG_LEVEL");
  BOOST_TEST((env[0].second == std::optional<std::string>{"DEBUG"}));
  BOOST_TEST(env[7].first == "SL_EXTRA");
}
