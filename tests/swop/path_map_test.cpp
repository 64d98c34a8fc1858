#define BOOST_TEST_MODULE swop_path_map
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <iterator>

#include "fixtures.hpp"
#include "process.hpp"
#include "swarm/swop/path_map.hpp"

namespace fs = std::filesystem;
using namespace swarm;
using namespace swarm::swop;

namespace {

std::string read_text(const fs::path& path) {
  std::ifstream in{path};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

} // namespace

BOOST_AUTO_TEST_CASE(container_paths_are_normalized_and_the_root_is_refused) {
  BOOST_TEST(*normalize_container_path("/tmp/test/") == "/tmp/test");
  BOOST_TEST(*normalize_container_path("/tmp//x/./y") == "/tmp/x/y");
  BOOST_TEST(!normalize_container_path("tmp/test"));
  BOOST_TEST(!normalize_container_path("/"));
  BOOST_TEST(*normalize_container_path("/../etc") == "/etc"); // never above the root
}

BOOST_AUTO_TEST_CASE(private_content_and_shared_content_become_mounts_resolved_against_usr_dir) {
  test::temp_dir dir;
  auto profile = test::parse_profile_or_die(test::profile_yaml(dir.path(), 1));
  auto task = test::parse_task_or_die(test::run_task_yaml("python3", "model/x.py", "model"));
  path_context ctx{dir.path() / "usr", dir.path() / "volumes"};
  auto mounts = mounts_of(std::get<config::run_swarm_body>(task.body), profile.nodes[0], ctx);
  BOOST_REQUIRE(mounts);
  BOOST_REQUIRE_EQUAL(mounts->size(), 2u);
  BOOST_TEST((*mounts)[0].target == "/tmp/test");
  BOOST_TEST((*mounts)[0].source == dir.path() / "data");
  BOOST_TEST((*mounts)[1].target == "/tmp/test/model");
  BOOST_TEST((*mounts)[1].source == dir.path() / "usr" / "model");
}

BOOST_AUTO_TEST_CASE(a_volume_source_names_a_directory_under_the_volumes_directory) {
  path_context ctx{"/u", "/v"};
  BOOST_TEST(host_source("sl-cli-lib", config::mount_kind::volume, ctx) == fs::path{"/v/sl-cli-lib"});
  BOOST_TEST(host_source("/abs/x", config::mount_kind::bind, ctx) == fs::path{"/abs/x"});
}

BOOST_AUTO_TEST_CASE(nested_mounts_merge_into_real_directories_and_never_touch_the_sources) {
  test::temp_dir dir;
  auto data = dir.path() / "data";
  auto model = dir.path() / "model";
  test::write_file(data / "train.csv", "1,2\n");
  test::write_file(data / "model" / "stale.py", "shadowed\n");
  test::write_file(model / "mnist.py", "print(1)\n");
  auto root = dir.path() / "root";
  std::vector<mount_point> mounts{{"/tmp/test", data}, {"/tmp/test/model", model}};
  BOOST_REQUIRE(build_view(root, mounts, "/tmp/test"));
  // /tmp/test merges the private data with the nested model mount.
  BOOST_TEST(fs::is_directory(root / "tmp/test"));
  BOOST_TEST(!fs::is_symlink(root / "tmp/test"));
  BOOST_TEST(fs::is_symlink(root / "tmp/test/train.csv"));
  BOOST_TEST(fs::read_symlink(root / "tmp/test/model") == model);
  BOOST_TEST(fs::exists(root / "tmp/test/model/mnist.py"));
  BOOST_TEST(!fs::exists(root / "tmp/test/model/stale.py"));
  // Files the ML creates in the working directory stay in the view.
  test::write_file(root / "tmp/test/user0/out.txt", "x");
  BOOST_TEST(!fs::exists(data / "user0"));
  BOOST_TEST(!fs::exists(data / "model" / "mnist.py"));
}

BOOST_AUTO_TEST_CASE(entries_the_ml_created_in_a_merged_mount_are_written_back_to_its_source) {
  test::temp_dir dir;
  auto data = dir.path() / "data";
  auto model = dir.path() / "model";
  test::write_file(data / "train.csv", "1,2\n");
  test::write_file(data / "taken" / "old.txt", "mine\n");
  test::write_file(model / "mnist.py", "print(1)\n");
  auto root = dir.path() / "root";
  std::vector<mount_point> mounts{{"/tmp/test", data}, {"/tmp/test/model", model}};
  BOOST_REQUIRE(build_view(root, mounts, "/tmp/test"));
  // As through a bind mount: a new scratch directory, a write through an
  // existing entry, and a name the source meanwhile holds.
  test::write_file(root / "tmp/test/user1/model.bin", "weights");
  test::write_file(root / "tmp/test/model/extra.py", "x");
  fs::remove(root / "tmp/test/taken");
  test::write_file(root / "tmp/test/taken/new.txt", "clash");
  auto moved = write_back_view(root, mounts, "/tmp/test");
  BOOST_REQUIRE(!moved);
  BOOST_TEST(moved.error().message.find("tmp/test/taken") != std::string::npos);
  BOOST_TEST(read_text(data / "user1" / "model.bin") == "weights");
  BOOST_TEST(!fs::exists(root / "tmp/test/user1"));
  BOOST_TEST(fs::exists(model / "extra.py"));
  BOOST_TEST(!fs::exists(data / "model"));            // the nested mount is not moved
  BOOST_TEST(read_text(data / "taken" / "old.txt") == "mine\n");
  BOOST_TEST(fs::exists(root / "tmp/test/taken/new.txt")); // kept, not overwritten
  fs::remove_all(root / "tmp/test/taken");
  auto again = write_back_view(root, mounts, "/tmp/test");
  BOOST_REQUIRE(again);
  BOOST_TEST(again->empty());
}

BOOST_AUTO_TEST_CASE(a_mount_without_nested_mounts_is_one_link_and_the_working_dir_is_created) {
  test::temp_dir dir;
  auto data = dir.path() / "data";
  fs::create_directories(data);
  auto root = dir.path() / "root";
  BOOST_REQUIRE(build_view(root, {{"/data", data}}, "/work/here"));
  BOOST_TEST(fs::read_symlink(root / "data") == data);
  BOOST_TEST(fs::is_directory(root / "work/here"));
  BOOST_TEST(host_path(root, "/work/here") == root / "work/here");
}

BOOST_AUTO_TEST_CASE(a_missing_source_is_an_error_naming_it) {
  test::temp_dir dir;
  auto st = build_view(dir.path() / "root", {{"/data", dir.path() / "nope"}}, "/data");
  BOOST_REQUIRE(!st);
  BOOST_TEST(st.error().message.find("nope") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(env_values_inside_mounts_or_the_working_dir_become_host_paths) {
  std::vector<mount_point> mounts{{"/tmp/test", "/d"}, {"/opt/model", "/m"}};
  fs::path root = "/r";
  BOOST_TEST(translate_value("/tmp/test/data", root, mounts, "/work/") == "/r/tmp/test/data");
  BOOST_TEST(translate_value("/opt/model", root, mounts, "/work") == "/r/opt/model");
  BOOST_TEST(translate_value("/work/x", root, mounts, "/work/") == "/r/work/x");
  BOOST_TEST(translate_value("/tmp/testing", root, mounts, "/work") == "/tmp/testing");
  BOOST_TEST(translate_value("model", root, mounts, "/work") == "model");
  BOOST_TEST(translate_value("2", root, mounts, "/work") == "2");
}
