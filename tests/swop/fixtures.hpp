#pragma once

// Profiles and tasks for the SWOP tests, written as the YAML users write.

#include <filesystem>
#include <fstream>
#include <string>

#include "swarm/config/profile.hpp"
#include "swarm/config/task.hpp"

namespace swarm::test {

/// Writes `text` to `path`, creating directories; returns the path.
inline std::filesystem::path write_file(const std::filesystem::path& path,
                                        const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream{path} << text;
  return path;
}

/// A PROCESS profile with `nodes` nodes whose privatedata is `<dir>/data`
/// and identity files under `<dir>/cert`, plus `extra_envvars` (YAML list).
inline std::string profile_yaml(const std::filesystem::path& dir, int nodes,
                                const std::string& mgrtype = "PROCESS",
                                const std::string& envvars = "[SL_LOG_LEVEL: INFO]") {
  std::string text = "groupname: demo\ntaskrunner: defaulttaskbb.taskdb.sml.hpe\n"
                     "policyuri: ~\nresourcemgr:\n  mgrtype: " + mgrtype
                     + "\n  accessinfo:\n    accesstype: FROMENV\nnetwork: host-1-net\n"
                       "apls:\n  locator:\n    host: ~\n    port: ~\n"
                       "apisrv:\n  locator:\n    host: 127.0.0.1\n    port: ~\n    service: ~\n"
                       "envvars: " + envvars + "\nnodes:\n";
  for (int i = 0; i < nodes; ++i) {
    auto c = (dir / "cert").string();
    text += "  - slnodedef:\n      idx: " + std::to_string(i) + "\n      identity:\n";
    for (auto [type, file] : {std::pair{"KEY", "/sl-key.pem"}, std::pair{"CERT", "/sl-cert.pem"},
                              std::pair{"CAPATH", "/capath"}})
      text += std::string{"        - attribute:\n            aType: "} + type
              + "\n            mType: BIND\n            src: " + c + file
              + "\n            tgt: /swarm-cert" + file + "\n";
    text += "      slhostname: sl" + std::to_string(i) + "\n      slhostip: 127.0.0.1\n"
            "      slport: " + std::to_string(16000 + i) + "\n      usrhostname: user"
            + std::to_string(i) + "\n      privatedata:\n        src: " + (dir / "data").string()
            + "\n        mType: BIND\n      slenvvars: [SL_MIN_PEERS: 2]\n"
              "      usrenvvars: [SCRATCH_DIR: user" + std::to_string(i) + "]\n";
  }
  return text;
}

/// Parses a profile or fails the test.
inline config::swop_profile parse_profile_or_die(const std::string& text) {
  auto p = config::parse_profile(text, "profile.yaml");
  if (!p)
    throw std::runtime_error(p.error().message);
  return std::move(*p);
}

/// A RUN_SWARM task like the seed's, with the model at `model_dir`.
inline std::string run_task_yaml(const std::string& entrypoint, const std::string& command,
                                 const std::filesystem::path& model_dir,
                                 const std::string& prereq = "ROOTTASK") {
  return "Name: swarm_task\nTaskType: RUN_SWARM\nAuthor: test\nPrereq: " + prereq
         + "\nOutcome: swarm_task\nBody:\n  Command: " + command + "\n  Entrypoint: " + entrypoint
         + "\n  WorkingDir: /tmp/test\n  Envvars: [MODEL_DIR: model, MAX_EPOCHS: 2, "
           "DATA_DIR: /tmp/test/data]\n  PrivateContent: /tmp/test/\n  SharedContent:\n"
           "  - Src: " + model_dir.string() + "\n    Tgt: /tmp/test/model\n    MType: BIND\n";
}

/// Parses a task or fails the test.
inline config::task_def parse_task_or_die(const std::string& text) {
  auto t = config::parse_task(text, "task.yaml");
  if (!t)
    throw std::runtime_error(t.error().message);
  return std::move(*t);
}

/// A stand-in for `swarm`: records its arguments (`args`, one a line) and
/// pid (`pid`) in its working directory, then does what FAKE_SL_MODE says:
/// `ok` exits 0, `fail` logs an HPE-format ERROR line and exits 1, anything
/// else sleeps (an SL whose training never ends).
inline const char* fake_swarm_script =
  "#!/bin/sh\n"
  "printf '%s\\n' \"$@\" > args.tmp && mv args.tmp args\n"
  "env > env.txt\n"
  "echo $$ > pid.tmp && mv pid.tmp pid\n"
  "case \"$FAKE_SL_MODE\" in\n"
  "  ok) exit 0 ;;\n"
  "  fail) echo '2026-11-26 10:00:00,000 : swarm.SL : ERROR : ML session lost: no ML "
  "connected to ml.sock within 1 s'; exit 1 ;;\n"
  "  *) exec sleep 600 ;;\n"
  "esac\n";

/// Fills `dir` for a RUN_SWARM run: private data, a model directory,
/// placeholder identity files and `fake-swarm`; returns the fake's path.
inline std::filesystem::path make_workspace(const std::filesystem::path& dir) {
  write_file(dir / "data" / "train.csv", "1,2\n");
  write_file(dir / "model" / "train.sh", "echo training\n");
  write_file(dir / "cert" / "sl-key.pem", "key");
  write_file(dir / "cert" / "sl-cert.pem", "cert");
  std::filesystem::create_directories(dir / "cert" / "capath");
  auto fake = write_file(dir / "fake-swarm", fake_swarm_script);
  std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
  return fake;
}

} // namespace swarm::test
