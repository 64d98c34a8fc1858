#pragma once

// Shared by the task, taskrunner and contract operation tests: task files,
// writers, and applying an operation's record to a replica.

#include <array>
#include <string>

#include <boost/test/unit_test.hpp>

#include "swarm/membership/object_ops.hpp"
#include "swarm/membership/state_swarm.hpp"
#include "swarm/membership/state_uuid.hpp"

namespace ops_fixture {

using namespace swarm::membership;

/// The walkthrough's build task, as HPE's file lays it out.
inline const std::string build_task_yaml = R"(# MAKE_USER_CONTAINER task of the walkthrough
Name: user_env_tf_build_task
TaskType: MAKE_USER_CONTAINER
Author: HPESwarm
Prereq: ROOTTASK
Outcome: user-env-tf2.7.0-swop
Body:
    BuildContext: sl-cli-lib
    BuildType: INLINE
    # the Dockerfile lines
    BuildSteps:
    - FROM tensorflow/tensorflow:2.7.0

    - RUN mkdir -p /tmp/hpe-swarmcli-pkg
)";

/// The walkthrough's RUN_SWARM task, which needs the build task first.
inline const std::string mnist_task_yaml = R"(Name: swarm_mnist_task
TaskType: RUN_SWARM
Author: HPESwarm
Prereq: user_env_tf_build_task
Outcome: swarm_mnist_task
Body:
    Command: model/mnist_tf.py
    Entrypoint: python3
    WorkingDir: /tmp/test
    Envvars: ["MODEL_DIR": model, "MAX_EPOCHS": 2, "MIN_PEERS": 2]
    PrivateContent: /tmp/test/
    SharedContent:
    -   Src: /srv/model
        Tgt: /tmp/test/model
        MType: BIND
)";

/// Returns a writer uuid made from `n`.
inline node_uuid writer(uint8_t n) {
  std::array<std::byte, 16> bytes{};
  bytes[15] = std::byte{n};
  return make_uuid_v4(bytes);
}

/// Requires `x` to hold a value and returns it.
template <class T>
T ok(op_result<T> x) {
  BOOST_REQUIRE_MESSAGE(static_cast<bool>(x), (x ? std::string{} : x.error().message));
  return std::move(*x);
}

/// Requires `x` to be refused with `code` and a message holding `text`.
template <class T>
void refused(const op_result<T>& x, op_errc code, const std::string& text) {
  BOOST_REQUIRE_MESSAGE(!x, "expected a refusal holding \"" << text << "\"");
  BOOST_TEST(static_cast<int>(x.error().code) == static_cast<int>(code), x.error().message);
  BOOST_TEST(x.error().message.find(text) != std::string::npos, x.error().message);
}

/// Writes `record` into `state` as `w`; returns the update to gossip.
template <class T>
state_update put(swarm_state& state, const T& record, const node_uuid& w = writer(1)) {
  auto entry = state.map_of<T>().put(record, w);
  BOOST_REQUIRE(entry);
  return {std::string{T::map_name}, *entry};
}

} // namespace ops_fixture
