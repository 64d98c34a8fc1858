#!/usr/bin/env bash
# Compares the training throughput of the reference trainer with PyTorch on
# this machine: the seed's MNIST model, Adam, batch 128, 2 threads each.
#
#   bench/train_bench.sh [BUILD_DIR]     (default: build/)
#
# Needs build/bin/train_bench (cmake --build BUILD_DIR --target train_bench)
# and Debian's python3-torch. Prints one summary line, e.g.
#   swarm: 45000 samples/s  pytorch: 12000 samples/s  ratio: 3.75x
# Both figures are wall-clock rates: run it on an otherwise idle machine.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
build="${1:-$root/build}"
bench="$build/bin/train_bench"
threads="${SWARM_BENCH_THREADS:-2}"

if [[ ! -x "$bench" ]]; then
  echo "train_bench.sh: $bench not found; build it with" >&2
  echo "  cmake --build $build --target train_bench" >&2
  exit 1
fi
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "train_bench.sh: /usr/bin/python3 cannot import torch (apt-get install python3-torch)" >&2
  exit 1
fi

swarm_line="$("$bench" --threads "$threads")"
echo "$swarm_line"
torch_line="$(/usr/bin/python3 "$here/pytorch_train_bench.py" --threads "$threads")"
echo "$torch_line"

swarm_rate="$(awk '{print $2}' <<<"$swarm_line")"
torch_rate="$(awk '{print $2}' <<<"$torch_line")"
awk -v s="$swarm_rate" -v t="$torch_rate" \
  'BEGIN { printf "swarm: %d samples/s  pytorch: %d samples/s  ratio: %.2fx\n", s, t, s / t }'
