// Cost of moving a model over the model lane: two lanes in this process on
// loopback (127.0.1.1 and 127.0.2.1, mutual TLS with certificates from
// gen-cert), one sending MNIST-sized models (values beside a small
// envelope, as a check-in travels) to the other. First one model at a time
// (the next leaves once the last arrived: a round's crossing), then all
// in flight at once (throughput). Prints per model the wall time, the CPU
// time of the whole process (writer and reader threads: TLS both ways and
// loopback TCP), the bandwidth, and the wall time as a multiple of a memcpy
// of the model in the same run.
//
// Usage: lane_bench [--models N] [--floats N]

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include "identity_setup.hpp"
#include "model_lane.hpp"
#include "swarm/identity/capath.hpp"
#include "swarm/identity/gen_cert.hpp"
#include "swarm/transport/address.hpp"

namespace {

namespace fs = std::filesystem;
using namespace swarm::transport::detail;
using clock_type = std::chrono::steady_clock;

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "lane_bench: %s\n", what.c_str());
  std::exit(1);
}

/// Seconds of CPU this process used so far, all threads.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto s = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

/// Host `index`'s certificates under `root`, from gen-cert.
swarm::identity::cert_tree make_host(const fs::path& root, int index) {
  swarm::identity::gen_cert_options opts;
  opts.root = root / ("h" + std::to_string(index));
  opts.example = "bench";
  opts.host_index = index;
  auto tree = swarm::identity::gen_cert(opts);
  if (!tree)
    die(tree.error().to_string());
  return *tree;
}

/// Puts `from`'s CA into `into`'s trust store.
void trust(const swarm::identity::cert_tree& from, const swarm::identity::cert_tree& into) {
  fs::copy_file(from.ca_cert, into.capath / from.ca_cert.filename(),
                fs::copy_options::overwrite_existing);
  if (auto links = swarm::identity::rehash_capath(into.capath); !links)
    die(links.error().to_string());
}

/// What the receiving lane saw.
struct inbox {
  std::mutex mutex;
  std::condition_variable cv;
  size_t frames = 0;
  bool whole = true;

  void wait_for(size_t n) {
    std::unique_lock<std::mutex> lock{mutex};
    if (!cv.wait_for(lock, std::chrono::seconds{60}, [&] { return frames >= n; }))
      die("models stopped arriving");
  }
};

/// A lane on `host` that presents `tree`'s SL certificate.
std::unique_ptr<model_lane> start_lane(const swarm::identity::cert_tree& tree,
                                       const std::string& host, size_t floats,
                                       std::shared_ptr<inbox> in) {
  auto log =
    std::make_shared<spdlog::logger>("lane_bench", std::make_shared<spdlog::sinks::null_sink_mt>());
  swarm::transport::tls_node_config node;
  node.identity.key = tree.key("sl");
  node.identity.cert = tree.cert("sl");
  node.identity.capath = tree.capath;
  node.bind_host = host;
  node.logger = log;
  auto prepared = prepare_identity(node, swarm::identity::clock::now());
  if (!prepared)
    die(prepared.error().to_string());
  lane_config cfg;
  cfg.bind_host = host;
  cfg.max_frame_bytes = floats * sizeof(float) + (1 << 20);
  cfg.log = log;
  cfg.on_frame = [in, floats](std::string, lane_frame_in frame) -> swarm::status {
    std::lock_guard<std::mutex> guard{in->mutex};
    in->whole = in->whole && frame.values.size() == floats && frame.values_finite;
    ++in->frames;
    in->cv.notify_all();
    return swarm::status::ok();
  };
  cfg.on_undelivered = [](std::string, lane_frame) { die("a model came back undelivered"); };
  auto lane = model_lane::start(
    std::make_shared<const swarm::transport::local_identity>(prepared->self), std::move(cfg));
  if (!lane)
    die(lane.error().to_string());
  return std::move(*lane);
}

/// Best of 20 copies of `values`, in ms.
double memcpy_ms(const std::vector<float>& values) {
  std::vector<float> to(values.size());
  double best = 1e30;
  for (int i = 0; i < 20; ++i) {
    auto t0 = clock_type::now();
    std::memcpy(to.data(), values.data(), values.size() * sizeof(float));
    best =
      std::min(best, std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
  }
  if (to[values.size() / 2] != values[values.size() / 2])
    die("memcpy lost a value");
  return best;
}

/// One result row.
void report(const char* mode, size_t models, double wall_s, double cpu_s, size_t bytes,
            double copy_ms) {
  double wall_ms = wall_s * 1e3 / double(models);
  std::printf("%-10s %8zu %10.3f %10.3f %10.2f %12.1f\n", mode, models, wall_ms,
              cpu_s * 1e3 / double(models), double(bytes) / (wall_ms * 1e6), wall_ms / copy_ms);
}

} // namespace

int main(int argc, char** argv) {
  size_t models = 300;
  size_t floats = 407050; // the seed's MLP: 784 x 512 + 512 + 512 x 10 + 10
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view arg = argv[i];
    if (arg == "--models")
      models = std::strtoull(argv[i + 1], nullptr, 10);
    else if (arg == "--floats")
      floats = std::strtoull(argv[i + 1], nullptr, 10);
    else
      die("usage: lane_bench [--models N] [--floats N]");
  }
  if (models == 0 || floats == 0)
    die("--models and --floats must be positive");
  char pattern[] = "/tmp/swarm-lane-bench-XXXXXX";
  if (mkdtemp(pattern) == nullptr)
    die("cannot make a temporary directory");
  fs::path root{pattern};
  auto h1 = make_host(root, 1);
  auto h2 = make_host(root, 2);
  trust(h1, h2);
  trust(h2, h1);
  auto in = std::make_shared<inbox>();
  auto sender = start_lane(h1, "127.0.1.1", floats, std::make_shared<inbox>());
  auto receiver = start_lane(h2, "127.0.2.1", floats, in);
  auto address = swarm::transport::format_address("127.0.2.1", receiver->port());
  auto values = std::make_shared<std::vector<float>>(floats);
  for (size_t i = 0; i < floats; ++i)
    (*values)[i] = float(i % 1000) * 0.001f;
  const std::string name = "SL-2";
  auto send = [&] {
    lane_frame frame{std::string(64, 'e'), values};
    auto until = clock_type::now() + std::chrono::seconds{30};
    while (!sender->send(name, address, frame))
      if (clock_type::now() > until)
        die("the lane to " + address + " did not connect");
  };
  // The connection and the first model, untimed.
  send();
  in->wait_for(1);
  auto copy_ms = memcpy_ms(*values);
  size_t bytes = floats * sizeof(float);
  std::printf("model lane, %zu-byte models (TLS 1.3, loopback); per model:\n", bytes);
  std::printf("%-10s %8s %10s %10s %10s %12s\n", "mode", "models", "wall_ms", "cpu_ms", "GB/s",
              "vs_memcpy");
  auto t0 = clock_type::now();
  auto c0 = cpu_seconds();
  for (size_t i = 0; i < models; ++i) {
    send();
    in->wait_for(2 + i);
  }
  report("one-by-one", models, std::chrono::duration<double>(clock_type::now() - t0).count(),
         cpu_seconds() - c0, bytes, copy_ms);
  t0 = clock_type::now();
  c0 = cpu_seconds();
  for (size_t i = 0; i < models; ++i)
    send();
  in->wait_for(1 + 2 * models);
  report("in-flight", models, std::chrono::duration<double>(clock_type::now() - t0).count(),
         cpu_seconds() - c0, bytes, copy_ms);
  std::printf("memcpy of one model: %.3f ms\n", copy_ms);
  sender->stop();
  receiver->stop();
  std::error_code ignored;
  fs::remove_all(root, ignored);
  if (!in->whole)
    die("a model arrived cut short or not finite");
  return 0;
}
