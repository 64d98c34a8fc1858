// A stand-in for a SWOP in the SIGKILL test: executes `<dir>/task.yaml`
// for the profile `<dir>/profile.yaml` with `<dir>/fake-swarm` as the SL
// program, then waits to be killed.

#include <iostream>

#include <unistd.h>

#include "swarm/config/profile.hpp"
#include "swarm/config/task.hpp"
#include "swarm/swop/task_executor.hpp"

int main(int argc, char** argv) {
  using namespace swarm;
  if (argc != 2) {
    std::cerr << "usage: swop-kill-helper <dir>\n";
    return 2;
  }
  std::filesystem::path dir = argv[1];
  auto profile = config::load_profile(dir / "profile.yaml");
  auto task = config::load_task(dir / "task.yaml");
  if (!profile || !task) {
    std::cerr << (profile ? task.error().message : profile.error().message) << '\n';
    return 1;
  }
  swop::executor_config cfg;
  cfg.profile = std::move(*profile);
  cfg.usr_dir = dir;
  cfg.data_dir = dir / "swop";
  cfg.swarm_binary = dir / "fake-swarm";
  cfg.host_ip = "127.0.0.1";
  cfg.sn_ip = "127.0.0.1";
  swop::task_executor executor{cfg};
  executor.submit(swop::job{1, std::move(*task)});
  for (;;)
    pause();
}
