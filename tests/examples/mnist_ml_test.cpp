#define BOOST_TEST_MODULE examples.mnist_ml
#include <boost/test/unit_test.hpp>

// Runs the real mnist-ml binary on the bundled MNIST data, then checks the
// saved model with an independent NumPy implementation of the forward pass.

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "process.hpp"

namespace fs = std::filesystem;
using swarm::test::process_options;
using swarm::test::run_process;

namespace {

process_options mnist_ml(const fs::path& scratch) {
  process_options opts;
  opts.argv = {(swarm::test::bin_dir() / "mnist-ml").string()};
  opts.env = {{"SWARM_LOOPBACK", "True"},
              {"MAX_EPOCHS", "1"},
              {"SCRATCH_DIR", scratch.string()},
              {"SWARM_LOG_LEVEL", std::nullopt},
              {"DATA_DIR", std::nullopt}};
  return opts;
}

double reported_accuracy(const std::string& output) {
  std::smatch m;
  std::regex re{R"(Test accuracy: ([0-9.]+))"};
  BOOST_REQUIRE_MESSAGE(std::regex_search(output, m, re), "output was:\n" << output);
  return std::stod(m[1]);
}

void copy_data(const fs::path& to) {
  fs::create_directories(to);
  for (auto& entry : fs::directory_iterator{swarm::test::source_dir() / "examples/mnist/data"})
    if (entry.path().extension() == ".gz")
      fs::copy_file(entry.path(), to / entry.path().filename());
}

} // namespace

BOOST_AUTO_TEST_CASE(one_epoch_trains_saves_and_numpy_reproduces_the_accuracy) {
  swarm::test::temp_dir dir;
  auto result = run_process(mnist_ml(dir.path() / "scratch"));
  BOOST_REQUIRE_MESSAGE(result.exit_code == 0, result.output);
  BOOST_TEST(result.output.find("Epoch 1/1") != std::string::npos);
  std::regex epoch_line{R"(469/469 \[=+\] - \d+s \d+ms/step - loss: 0\.\d{4} - accuracy: 0\.\d{4})"
                        R"( - val_loss: 0\.\d{4} - val_accuracy: 0\.\d{4} - \d+ samples/s)"};
  BOOST_TEST(std::regex_search(result.output, epoch_line), result.output);
  double accuracy = reported_accuracy(result.output);
  BOOST_TEST(accuracy > 0.95);
  auto model = dir.path() / "scratch" / "mnist.safetensors";
  BOOST_REQUIRE(fs::exists(model));
  process_options check;
  check.argv = {"/usr/bin/python3",
                (swarm::test::source_dir() / "scripts/check_model.py").string(),
                model.string(), "--expect-accuracy", std::to_string(accuracy),
                "--tolerance", "0.0001"};
  auto checked = run_process(check);
  BOOST_TEST(checked.exit_code == 0, checked.output);
}

BOOST_AUTO_TEST_CASE(a_truncated_data_file_is_reported_by_name_and_nothing_is_saved) {
  swarm::test::temp_dir dir;
  auto data = dir.path() / "data";
  copy_data(data);
  auto victim = data / "t10k-images-idx3-ubyte.gz";
  fs::resize_file(victim, fs::file_size(victim) / 2);
  auto opts = mnist_ml(dir.path() / "scratch");
  opts.env["DATA_DIR"] = data.string();
  auto result = run_process(opts);
  BOOST_TEST(result.exit_code != 0);
  BOOST_TEST(result.output.find("t10k-images-idx3-ubyte.gz") != std::string::npos,
             result.output);
  BOOST_TEST(!fs::exists(dir.path() / "scratch" / "mnist.safetensors"));
}

BOOST_AUTO_TEST_CASE(a_missing_data_directory_and_a_bad_variable_are_clear_errors) {
  swarm::test::temp_dir dir;
  auto opts = mnist_ml(dir.path() / "scratch");
  opts.env["DATA_DIR"] = (dir.path() / "nowhere").string();
  auto missing = run_process(opts);
  BOOST_TEST(missing.exit_code != 0);
  BOOST_TEST(missing.output.find("nowhere") != std::string::npos, missing.output);
  opts = mnist_ml(dir.path() / "scratch");
  opts.env["MAX_EPOCHS"] = "lots";
  auto bad = run_process(opts);
  BOOST_TEST(bad.exit_code == 2);
  BOOST_TEST(bad.output.find("MAX_EPOCHS='lots'") != std::string::npos, bad.output);
}
