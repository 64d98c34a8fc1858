#!/usr/bin/env bash
# How much of the two-node MNIST swarm's wall time is spent outside
# training. Runs, in this script: (1) the baseline, one mnist-ml training
# alone (SWARM_LOOPBACK=True) on one CPU, as each swarm node gets one in
# scripts/run-swarm; (2) the two-node swarm (scripts/run-swarm). Prints per
# node: the training loop's wall time, the time inside syncs (as the
# SwarmCallback measures it: from handing over the parameters to resuming
# training, waits for the slower peer included) and its share, and the
# slowdown against the baseline. Target: <= 10% outside training.
#
# Environment: MAX_EPOCHS (default 2), SWARM_BIN (default build/bin).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${SWARM_BIN:-$PWD/build/bin}
EPOCHS=${MAX_EPOCHS:-2}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pin=()
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  pin=(taskset -c "0-$(($(nproc) / 2 - 1))")
fi

field() {  # field <file> <sed expression>
  sed -n "$2" "$1" | head -n 1
}

echo "baseline: one node alone, $EPOCHS epochs ..."
SWARM_LOOPBACK=True SCRATCH_DIR="$out/alone" MAX_EPOCHS=$EPOCHS \
  "${pin[@]}" "$BIN/mnist-ml" >"$out/alone.log" 2>&1
alone=$(field "$out/alone.log" 's/^Training wall time: \([0-9.]*\) s/\1/p')

echo "two-node swarm, $EPOCHS epochs ..."
SWARM_SKIP_SETUP=1 SWARM_BIN="$BIN" SWARM_WORK="$out/swarm" MAX_EPOCHS=$EPOCHS \
  scripts/run-swarm >"$out/swarm.log" 2>&1 || { tail -n 40 "$out/swarm.log"; exit 1; }

printf '\n%-6s %10s %10s %8s %10s %12s\n' node "wall s" "in sync s" share "alone s" "vs alone"
worst=0
for i in 1 2; do
  log="$out/swarm/sl$i.log"
  wall=$(field "$log" 's/^Training wall time: \([0-9.]*\) s/\1/p')
  sync=$(field "$log" 's/^Swarm sync: .* rounds, \([0-9.]*\) s in sync.*/\1/p')
  share=$(awk -v s="$sync" -v w="$wall" 'BEGIN { printf "%.1f", 100 * s / w }')
  slower=$(awk -v w="$wall" -v a="$alone" 'BEGIN { printf "%+.1f%%", 100 * (w - a) / a }')
  printf '%-6s %10s %10s %7s%% %10s %12s\n' "$i" "$wall" "$sync" "$share" "$alone" "$slower"
  worst=$(awk -v a="$worst" -v b="$share" 'BEGIN { print (b > a) ? b : a }')
done
verdict=$(awk -v w="$worst" 'BEGIN { print (w <= 10) ? "PASS" : "FAIL" }')
echo "target: <= 10% of wall time outside training (worst node: $worst%): $verdict"
