#!/usr/bin/env bash
# The two-node MNIST swarm's test accuracy over several seeds: one
# scripts/run-swarm per seed (SWARM_SEED), each with its own model
# initialization, shards and shuffles. One run's accuracy moves by about
# 0.1 percentage point from seed to seed, so a target set from one reference
# run is judged here on the mean, and every seed's figure is printed,
# including those below the target.
#
# Environment: DATA_SPLIT (default iid), MAX_EPOCHS (default 5), SEEDS
# (default "1 2 3 4 5 6 7 8"), TARGET in percent (default 97.5, issue 4's
# target for IID halves and 5 epochs), SWARM_BIN (default build/bin).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${SWARM_BIN:-$PWD/build/bin}
SPLIT=${DATA_SPLIT:-iid}
EPOCHS=${MAX_EPOCHS:-5}
SEEDS=${SEEDS:-1 2 3 4 5 6 7 8}
TARGET=${TARGET:-97.5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== DATA_SPLIT=$SPLIT MAX_EPOCHS=$EPOCHS, seeds: $SEEDS"
results=()
for seed in $SEEDS; do
  if ! SWARM_SKIP_SETUP=1 SWARM_BIN="$BIN" SWARM_WORK="$work/run" SWARM_SEED="$seed" \
    DATA_SPLIT="$SPLIT" MAX_EPOCHS="$EPOCHS" scripts/run-swarm >"$work/log" 2>&1; then
    echo "swarm_accuracy: the run with seed $seed failed:" >&2
    tail -n 30 "$work/log" >&2
    exit 1
  fi
  acc=$(sed -n 's/^node 1: Test accuracy: \([0-9.]*\),.*/\1/p' "$work/log")
  pct=$(awk -v a="$acc" 'BEGIN { printf "%.2f", 100 * a }')
  echo "seed $seed: $pct%"
  results+=("$pct")
done
printf '%s\n' "${results[@]}" | awk -v t="$TARGET" '
  { x[NR] = $1; sum += $1; if ($1 < t) below++ }
  END {
    mean = sum / NR
    for (i = 1; i <= NR; i++) ss += (x[i] - mean) ^ 2
    sd = NR > 1 ? sqrt(ss / (NR - 1)) : 0
    printf "mean %.2f%% (standard deviation %.2f, standard error %.2f) over %d seeds; " \
           "%d below %.2f%%\n", mean, sd, sd / sqrt(NR), NR, below, t
    printf "target: mean >= %.2f%%: %s\n", t, (mean >= t) ? "PASS" : "FAIL"
  }'
