#!/usr/bin/env bash
# How much of the two-node MNIST swarm's wall time is spent outside
# training. Each of RUNS runs (default 3) measures, in this script:
#  (1) baselines without a swarm (SWARM_LOOPBACK=True): one mnist-ml alone on
#      one CPU, then two at once, each on its own CPU, as the swarm's two
#      nodes get them in scripts/run-swarm;
#  (2) the two-node swarm (scripts/run-swarm).
# Per node it prints the training loop's wall time, the time inside syncs (as
# the SwarmCallback measures it: from handing over the parameters to resuming
# training) and its share. A node's sync time also holds its waits for the
# slower peer, and two trainers sharing one machine drift apart even with no
# swarm at all (compare the two baselines). So the run's figure lines the
# nodes' syncs up: in each round the node that arrived last waited for
# nobody, and its sync time is what the round cost the run. Their sum over
# the slower node's wall time is the run's share outside training.
# Target: <= 10%, judged on the median of the runs.
#
# Environment: MAX_EPOCHS (default 2), RUNS (default 3), SWARM_BIN (default
# build/bin), KEEP_LOGS (a directory that keeps every run's logs).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${SWARM_BIN:-$PWD/build/bin}
EPOCHS=${MAX_EPOCHS:-2}
RUNS=${RUNS:-3}
if [ -n "${KEEP_LOGS:-}" ]; then
  out=$KEEP_LOGS
  mkdir -p "$out"
else
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
cpus=$(nproc)
pin() {  # pin <node 1|2> -> the taskset prefix run-swarm gives that node
  if [ "$cpus" -ge 2 ] && command -v taskset >/dev/null; then
    echo taskset -c "$((($1 - 1) * cpus / 2))-$(($1 * cpus / 2 - 1))"
  fi
}

field() {  # field <file> <sed expression>
  sed -n "$2" "$1" | head -n 1
}
wall_of() { field "$1" 's/^Training wall time: \([0-9.]*\) s/\1/p'; }

alone() {  # alone <name> <node>: one loopback training, in the background
  # shellcheck disable=SC2046
  SWARM_LOOPBACK=True SCRATCH_DIR="$out/$1" MAX_EPOCHS=$EPOCHS \
    $(pin "$2") "$BIN/mnist-ml" >"$out/$1.log" 2>&1 &
}

shares=()
for run in $(seq 1 "$RUNS"); do
  echo "== run $run of $RUNS ($EPOCHS epochs): one node alone, two alone at once, the swarm"
  alone alone 1
  wait
  alone pair1 1
  alone pair2 2
  wait
  SWARM_SKIP_SETUP=1 SWARM_BIN="$BIN" SWARM_WORK="$out/swarm$run" MAX_EPOCHS=$EPOCHS \
    scripts/run-swarm >"$out/swarm$run.log" 2>&1 || { tail -n 40 "$out/swarm$run.log"; exit 1; }

  printf '%-6s %10s %10s %8s\n' node "wall s" "in sync s" share
  for i in 1 2; do
    log="$out/swarm$run/sl$i.log"
    wall=$(wall_of "$log")
    sync=$(field "$log" 's/^Swarm sync: .* round, \([0-9.]*\) s in sync.*/\1/p')
    printf '%-6s %10s %10s %7s%%\n' "$i" "$wall" "$sync" \
      "$(awk -v s="$sync" -v w="$wall" 'BEGIN { printf "%.1f", 100 * s / w }')"
  done
  share=$(scripts/run-share "$out/swarm$run/sl1.log" "$out/swarm$run/sl2.log")
  read -r pct syncs cost wall <<<"$share"
  printf 'run    %10s %10s %7s%%  (the last arrival'"'"'s time in each of %s syncs)\n' \
    "$wall" "$cost" "$pct" "$syncs"
  pair=$(printf '%s\n' "$(wall_of "$out/pair1.log")" "$(wall_of "$out/pair2.log")" | sort -n | tail -n 1)
  printf 'without a swarm: alone %s s; two at once %s s and %s s (the swarm run: %s)\n\n' \
    "$(wall_of "$out/alone.log")" "$(wall_of "$out/pair1.log")" "$(wall_of "$out/pair2.log")" \
    "$(awk -v w="$wall" -v p="$pair" 'BEGIN { printf "%+.1f%% against the slower", 100 * (w - p) / p }')"
  shares+=("$pct")
done

median=$(printf '%s\n' "${shares[@]}" | sort -n | awk '{ v[NR] = $1 }
  END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
verdict=$(awk -v m="$median" 'BEGIN { print (m <= 10) ? "PASS" : "FAIL" }')
echo "runs: ${shares[*]} (% of the run outside training)"
echo "target: <= 10% of the run's wall time outside training (median of $RUNS: $median%): $verdict"
