#!/usr/bin/env bash
# `kerust tune` against KerasTuner 1.4.8 RandomSearch (Keras 3 on JAX), alternated in one run:
# every round runs kerust --workers 1, kerust --workers 2 and KerasTuner once, on the same data
# (Boston housing), search space, trials and epochs, with a seed that changes per round.
# Issue 13, acceptance point 8: KerasTuner / kerust(--workers 1) wall per trial >= 150x,
# trials/s of --workers 2 >= 1.8x those of --workers 1.
#
#   bench/tune_compare.sh [OUTDIR]     # default bench/results/<date>-tune; real runs are kept
#                                      # in bench/measured/<date>-tune/
#
# Every command is timed as a whole (process start to exit) by bench/tune_compare.py, which
# writes one JSON per run and, at the end, OUTDIR/results.md (medians over rounds, the two
# ratios, one row per round). Before each run it waits (up to IDLE_TIMEOUT s) until other
# processes keep < 10% of a CPU busy.
#
# Environment knobs:
#   ROUNDS=3  TRIALS=20  EPOCHS=100  SEED0=1   (round r uses seed SEED0 + r - 1; >= 1, because
#                                               KerasTuner treats seed 0 as "no seed")
#   KT_THREADS=2          KerasTuner pinned to the first KT_THREADS CPUs (the whole 2-core box)
#   KERUST_W1_CPUS=0      taskset list for kerust --workers 1 (single-threaded; "" = no pin)
#   KERUST_W2_CPUS=0-1    taskset list for kerust --workers 2 ("" = no pin)
#   KERUST_BIN=path       use this kerust binary instead of building one (cargo build --release;
#                         the binary is ${CARGO_TARGET_DIR:-target}/release/kerust)
#   TUNE_DATA=data/boston_housing.csv  TARGET=MEDV   (given to both tools)
#   PEERS_VENV=/tmp/kerust-peers-venv  (created from bench/peers/requirements.txt when absent)
#   WAIT_IDLE=1  IDLE_TIMEOUT=900
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-$ROOT/bench/results/$(date +%Y-%m-%d)-tune}"
ROUNDS="${ROUNDS:-3}"
TRIALS="${TRIALS:-20}"
EPOCHS="${EPOCHS:-100}"
SEED0="${SEED0:-1}"
KT_THREADS="${KT_THREADS:-2}"
KERUST_W1_CPUS="${KERUST_W1_CPUS-0}"
KERUST_W2_CPUS="${KERUST_W2_CPUS-0-1}"
TUNE_DATA="${TUNE_DATA:-$ROOT/data/boston_housing.csv}"
TARGET="${TARGET:-MEDV}"
PEERS_VENV="${PEERS_VENV:-/tmp/kerust-peers-venv}"
WAIT_IDLE="${WAIT_IDLE:-1}"
IDLE_TIMEOUT="${IDLE_TIMEOUT:-900}"
PY="${PYTHON:-$(command -v python3.11 || command -v python3)}"
HELPER="$ROOT/bench/tune_compare.py"
export TF_CPP_MIN_LOG_LEVEL=3

if [ "$SEED0" -lt 1 ]; then
  echo "SEED0 must be >= 1 (KerasTuner's oracle replaces seed 0 by a random seed)" >&2
  exit 2
fi
[ -s "$TUNE_DATA" ] || { echo "no data file $TUNE_DATA" >&2; exit 2; }

if [ ! -x "$PEERS_VENV/bin/python" ] || ! "$PEERS_VENV/bin/python" -c 'import keras_tuner' 2>/dev/null; then
  echo "== creating $PEERS_VENV from bench/peers/requirements.txt" >&2
  "$PY" -m venv "$PEERS_VENV"
  "$PEERS_VENV/bin/pip" install -q -r "$ROOT/bench/peers/requirements.txt"
fi
VPY="$PEERS_VENV/bin/python"

if [ -n "${KERUST_BIN:-}" ]; then
  KERUST="$KERUST_BIN"
else
  (cd "$ROOT" && cargo build --release)
  KERUST="${CARGO_TARGET_DIR:-$ROOT/target}/release/kerust"
fi
if ! "$KERUST" tune --help >/dev/null 2>&1; then
  echo "error: \`$KERUST tune --help\` failed: this kerust has no \`tune\` subcommand" \
       "(issue 13); build a version that has it or point KERUST_BIN at one" >&2
  exit 3
fi

mkdir -p "$OUT"
: > "$OUT/log.txt"
seeds=()
for r in $(seq 1 "$ROUNDS"); do seeds+=($((SEED0 + r - 1))); done
"$VPY" "$HELPER" meta "$OUT" trials="$TRIALS" epochs="$EPOCHS" rounds="$ROUNDS" \
  seeds="[$(IFS=,; echo "${seeds[*]}")]" data="${TUNE_DATA#"$ROOT/"}" target="$TARGET" \
  kt_threads="$KT_THREADS" kerust_w1_cpus="$KERUST_W1_CPUS" kerust_w2_cpus="$KERUST_W2_CPUS" \
  kerust_bin="$KERUST" kerust_version="$("$KERUST" --version 2>/dev/null | head -1 || echo '?')" \
  git_commit="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')" \
  rustc="$(rustc --version 2>/dev/null || echo '?')" started="$(date '+%Y-%m-%d %H:%M:%S')"

run() {  # label, then tune_compare.py run arguments (ending in -- COMMAND...)
  local label="$1"; shift
  if [ "$WAIT_IDLE" = 1 ]; then "$VPY" "$HELPER" wait-idle --timeout "$IDLE_TIMEOUT"; fi
  echo "== $label" | tee -a "$OUT/log.txt"
  "$VPY" "$HELPER" run "$@" | tee -a "$OUT/log.txt" || echo "   FAILED: $label" | tee -a "$OUT/log.txt"
}

mkdir -p "$OUT/studies" "$OUT/logs"
for r in $(seq 1 "$ROUNDS"); do
  seed=$((SEED0 + r - 1))
  for w in 1 2; do
    study="$OUT/studies/kerust_w${w}_r$r"
    rm -rf "$study"
    cpus="$KERUST_W1_CPUS"; [ "$w" = 2 ] && cpus="$KERUST_W2_CPUS"
    pin=(); [ -n "$cpus" ] && pin=(taskset -c "$cpus")
    run "round $r seed $seed kerust tune --workers $w" \
      --system kerust --workers "$w" --seed "$seed" --round "$r" --study "$study" \
      --json "$OUT/kerust_w${w}_r$r.json" --log "$OUT/logs/kerust_w${w}_r$r.txt" -- \
      "${pin[@]}" "$KERUST" tune "$TUNE_DATA" --target "$TARGET" --trials "$TRIALS" --sampler random \
      --epochs "$EPOCHS" --workers "$w" --seed "$seed" --out "$study" --pruner none
  done
  run "round $r seed $seed KerasTuner RandomSearch threads $KT_THREADS" \
    --system kerastuner --workers 1 --seed "$seed" --round "$r" \
    --peer-json "$OUT/peer_kerastuner_r$r.json" \
    --json "$OUT/kerastuner_r$r.json" --log "$OUT/logs/kerastuner_r$r.txt" -- \
    env KERAS_BACKEND=jax "$VPY" "$ROOT/bench/peers/kerastuner_bench.py" --trials "$TRIALS" \
    --epochs "$EPOCHS" --seed "$seed" --threads "$KT_THREADS" --data "$TUNE_DATA" \
    --target "$TARGET" --json "$OUT/peer_kerastuner_r$r.json"
done
"$VPY" "$HELPER" meta "$OUT" finished="$(date '+%Y-%m-%d %H:%M:%S')"
"$VPY" "$HELPER" summarize "$OUT" | tee "$OUT/results.md"
