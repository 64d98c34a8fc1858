#!/bin/sh
# The ML node of the MNIST walkthrough (the seed's model/mnist_tf.py): the
# native trainer `mnist-ml` (source in examples/mnist/src), which the
# user_env_build_task put on PATH. It reads MAX_EPOCHS, MIN_PEERS,
# SCRATCH_DIR, DATA_DIR, SYNC_FREQUENCY, ... from the environment the SWOP
# gives it, and its SL's channel from SWARM_SL_CHANNEL.
if ! command -v mnist-ml >/dev/null 2>&1; then
  echo "mnist.sh: mnist-ml is not on PATH: run the user_env_build_task first" >&2
  exit 127
fi
exec mnist-ml "$@"
