#define BOOST_TEST_MODULE sl.round_store
#include <boost/test/unit_test.hpp>

// The SL's saved round state on a real file system: what a save keeps,
// what a torn or tampered file does to a load, and that a save never
// overwrites what the previous record names.

#include <filesystem>
#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

#include "process.hpp"
#include "swarm/merge/bundle.hpp"
#include "swarm/sl/round_store.hpp"

using namespace swarm;
using namespace swarm::sl;
namespace fs = std::filesystem;

namespace {

merge::model_ptr model_of(float x) {
  merge::tensor_bundle b;
  std::vector<float> w(12, x), bias(4, -x);
  b.add("w", {3, 4}, w.data());
  b.add("b", {4}, bias.data());
  return std::make_shared<const merge::tensor_bundle>(std::move(b));
}

merge::round_value value_of(float x, uint64_t term) {
  auto m = model_of(x);
  merge::checkin_info info;
  info.weight = 2.0;
  info.samples = 128;
  info.loss = 0.25f;
  return merge::round_value{term,  merge::digest(*m), m, {{"SL-1~a", info}, {"SL-2~b", info}},
                            false, {"SL-3~c"}};
}

// A state with commit `round` (model x) and, if `accepted`, a value for the
// next round (model x + 0.5).
merge::round_hard_state state_of(uint64_t round, float x, bool accepted) {
  merge::round_hard_state s;
  s.committed_round = round;
  s.committed_leader = "SL-1~a";
  s.committed = value_of(x, 1);
  s.term = 2;
  s.voted_for = "SL-2~b";
  if (accepted)
    s.accepted = value_of(x + 0.5f, 2);
  s.seen = {"SL-2~b", "SL-3~c"};
  return s;
}

round_store open_store(const fs::path& dir, std::string boot = "boot-1") {
  auto store = round_store::open(dir, "defaultbb.cqdb.sml.hpe", false, std::move(boot));
  if (!store)
    BOOST_FAIL(store.error().message);
  return std::move(*store);
}

std::optional<round_store::saved> load_fresh(const fs::path& dir) {
  auto store = open_store(dir);
  auto loaded = store.load();
  if (!loaded)
    BOOST_FAIL(loaded.error().message);
  return std::move(*loaded);
}

void require_same(const merge::round_hard_state& a, const merge::round_hard_state& b) {
  BOOST_TEST(a.committed_round == b.committed_round);
  BOOST_TEST(a.committed_leader == b.committed_leader);
  BOOST_TEST(a.committed.digest == b.committed.digest);
  BOOST_TEST((a.committed.participants == b.committed.participants));
  BOOST_TEST((a.committed.electors == b.committed.electors));
  BOOST_TEST(a.term == b.term);
  BOOST_TEST(a.voted_for == b.voted_for);
  BOOST_TEST((a.seen == b.seen));
  BOOST_TEST_REQUIRE(a.accepted.has_value() == b.accepted.has_value());
  if (a.accepted) {
    BOOST_TEST(a.accepted->digest == b.accepted->digest);
    BOOST_TEST(a.accepted->term == b.accepted->term);
  }
  if (b.committed.model) {
    BOOST_TEST_REQUIRE(a.committed.model != nullptr);
    BOOST_TEST(merge::digest(*a.committed.model) == b.committed.digest);
  }
}

void flip_byte(const fs::path& file, std::streamoff offset) {
  std::fstream f{file, std::ios::in | std::ios::out | std::ios::binary};
  f.seekg(offset);
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x5a);
  f.seekp(offset);
  f.write(&c, 1);
}

} // namespace

BOOST_AUTO_TEST_CASE(an_empty_directory_has_no_saved_state) {
  test::temp_dir tmp;
  BOOST_TEST(!load_fresh(tmp.path()).has_value());
}

BOOST_AUTO_TEST_CASE(a_saved_state_loads_back_with_its_identity_votes_and_models) {
  test::temp_dir tmp;
  auto state = state_of(3, 1.0f, true);
  auto store = open_store(tmp.path());
  BOOST_TEST_REQUIRE(static_cast<bool>(store.save("SL-2~b", state)));
  auto loaded = load_fresh(tmp.path());
  BOOST_TEST_REQUIRE(loaded.has_value());
  BOOST_TEST(loaded->self == "SL-2~b");
  require_same(loaded->state, state);
  BOOST_TEST((*loaded->state.accepted->model == *state.accepted->model));
}

BOOST_AUTO_TEST_CASE(files_are_readable_by_the_owner_only) {
  test::temp_dir tmp;
  auto store = open_store(tmp.path());
  BOOST_TEST_REQUIRE(static_cast<bool>(store.save("SL-2~b", state_of(1, 1.0f, true))));
  for (const auto& entry : fs::directory_iterator(store.dir())) {
    struct stat st {};
    BOOST_TEST_REQUIRE(::stat(entry.path().c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 0777) == 0600u, entry.path());
  }
  struct stat st {};
  BOOST_TEST_REQUIRE(::stat(store.dir().c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0700u);
}

BOOST_AUTO_TEST_CASE(a_torn_newest_record_falls_back_to_the_one_before) {
  test::temp_dir tmp;
  auto store = open_store(tmp.path());
  auto first = state_of(1, 1.0f, false);
  auto second = state_of(2, 2.0f, true);
  BOOST_TEST_REQUIRE(static_cast<bool>(store.save("SL-2~b", first)));
  BOOST_TEST_REQUIRE(static_cast<bool>(store.save("SL-2~b", second)));
  // The second record went to state.0 (sequence 2); tear its payload.
  flip_byte(store.dir() / "state.0", 80);
  auto loaded = load_fresh(tmp.path());
  BOOST_TEST_REQUIRE(loaded.has_value());
  require_same(loaded->state, first);
}

BOOST_AUTO_TEST_CASE(a_model_that_does_not_match_its_digest_is_refused_naming_the_file) {
  test::temp_dir tmp;
  auto store = open_store(tmp.path());
  BOOST_TEST_REQUIRE(static_cast<bool>(store.save("SL-2~b", state_of(1, 1.0f, false))));
  flip_byte(store.dir() / "model.0", 60);
  auto again = open_store(tmp.path());
  auto loaded = again.load();
  BOOST_TEST_REQUIRE(!loaded);
  auto message = loaded.error().message;
  BOOST_TEST(message.find("model.0") != std::string::npos, message);
}

BOOST_AUTO_TEST_CASE(a_state_saved_before_the_host_restarted_is_trusted_only_if_fsynced) {
  test::temp_dir tmp;
  for (bool fsync : {false, true}) {
    auto store = round_store::open(tmp.path(), "c", fsync, "boot-1");
    BOOST_TEST_REQUIRE(static_cast<bool>(store));
    BOOST_TEST_REQUIRE(static_cast<bool>(store->save("SL-2~b", state_of(1, 1.0f, false))));
    auto after = round_store::open(tmp.path(), "c", fsync, "boot-2");
    BOOST_TEST_REQUIRE(static_cast<bool>(after));
    auto loaded = after->load();
    BOOST_TEST(static_cast<bool>(loaded) == fsync);
    if (!loaded)
      BOOST_TEST(loaded.error().message.find("host restarted") != std::string::npos);
    BOOST_TEST_REQUIRE(static_cast<bool>(after->clear()));
  }
}

BOOST_AUTO_TEST_CASE(a_save_cut_before_its_record_leaves_the_previous_one_intact) {
  // Whatever models a save wrote, the previous record's stay as they were:
  // a crash between the models and the record loses only the new save.
  test::temp_dir tmp;
  auto store = open_store(tmp.path());
  merge::round_hard_state previous;
  float x = 1.0f;
  for (uint64_t round = 1; round <= 12; ++round) {
    // Rounds alternate between an accept then its commit, and a catch-up
    // to a model never seen (two new models in one save).
    auto next = state_of(round, x, round % 3 != 0);
    x += round % 3 == 0 ? 3.0f : 0.5f;
    if (round > 1) {
      auto record0 = fs::temp_directory_path() / (tmp.path().filename().string() + ".s0");
      auto record1 = fs::temp_directory_path() / (tmp.path().filename().string() + ".s1");
      fs::copy_file(store.dir() / "state.0", record0, fs::copy_options::overwrite_existing);
      fs::copy_file(store.dir() / "state.1", record1, fs::copy_options::overwrite_existing);
      BOOST_TEST_REQUIRE(static_cast<bool>(store.save("SL-2~b", next)));
      // The cut: the records as they were before this save.
      fs::copy_file(store.dir() / "state.0", record0.string() + ".new",
                    fs::copy_options::overwrite_existing);
      fs::copy_file(store.dir() / "state.1", record1.string() + ".new",
                    fs::copy_options::overwrite_existing);
      fs::copy_file(record0, store.dir() / "state.0", fs::copy_options::overwrite_existing);
      fs::copy_file(record1, store.dir() / "state.1", fs::copy_options::overwrite_existing);
      auto cut = load_fresh(tmp.path());
      BOOST_TEST_REQUIRE(cut.has_value(), "round " << round);
      require_same(cut->state, previous);
      // And the save itself, once its record is there.
      fs::copy_file(record0.string() + ".new", store.dir() / "state.0",
                    fs::copy_options::overwrite_existing);
      fs::copy_file(record1.string() + ".new", store.dir() / "state.1",
                    fs::copy_options::overwrite_existing);
      for (const auto& f : {record0, record1})
        for (const auto& g : {f, fs::path{f.string() + ".new"}})
          fs::remove(g);
    } else {
      BOOST_TEST_REQUIRE(static_cast<bool>(store.save("SL-2~b", next)));
    }
    auto loaded = load_fresh(tmp.path());
    BOOST_TEST_REQUIRE(loaded.has_value(), "round " << round);
    require_same(loaded->state, next);
    previous = next;
  }
}

BOOST_AUTO_TEST_CASE(prewritten_models_never_touch_what_the_last_record_names) {
  // An acceptor stores its speculative merges while it waits; any number
  // of them (some never named) must leave the saved state whole.
  test::temp_dir tmp;
  auto store = open_store(tmp.path());
  auto saved = state_of(4, 1.0f, true);
  BOOST_TEST_REQUIRE(static_cast<bool>(store.save("SL-2~b", saved)));
  for (float x : {7.0f, 8.0f, 9.0f, 10.0f, 11.0f}) {
    auto m = model_of(x);
    BOOST_TEST_REQUIRE(static_cast<bool>(store.prewrite(merge::digest(*m), *m)));
  }
  auto loaded = load_fresh(tmp.path());
  BOOST_TEST_REQUIRE(loaded.has_value());
  require_same(loaded->state, saved);
}

BOOST_AUTO_TEST_CASE(the_save_that_names_a_prewritten_model_takes_it_from_its_slot) {
  test::temp_dir tmp;
  auto store = open_store(tmp.path());
  BOOST_TEST_REQUIRE(static_cast<bool>(store.save("SL-2~b", state_of(4, 1.0f, false))));
  auto accepting = state_of(4, 1.0f, true);
  const auto& model = *accepting.accepted->model;
  BOOST_TEST_REQUIRE(static_cast<bool>(store.prewrite(accepting.accepted->digest, model)));
  // Which slot took it: the one whose file holds its values.
  std::optional<fs::path> slot;
  for (int i = 0; i < 4; ++i) {
    auto path = store.dir() / ("model." + std::to_string(i));
    std::ifstream in{path, std::ios::binary};
    std::string bytes{std::istreambuf_iterator<char>{in}, {}};
    std::string values(reinterpret_cast<const char*>(model.values.data()), model.size_bytes());
    if (bytes.size() >= values.size()
        && bytes.compare(bytes.size() - values.size(), values.size(), values) == 0)
      slot = path;
  }
  BOOST_TEST_REQUIRE(slot.has_value());
  auto written = fs::last_write_time(*slot);
  fs::last_write_time(*slot, written - std::chrono::hours{1});
  BOOST_TEST_REQUIRE(static_cast<bool>(store.save("SL-2~b", accepting)));
  // Not written again (the critical path's saving), and what the record
  // names.
  BOOST_TEST((fs::last_write_time(*slot) == written - std::chrono::hours{1}));
  auto loaded = load_fresh(tmp.path());
  BOOST_TEST_REQUIRE(loaded.has_value());
  require_same(loaded->state, accepting);
}
