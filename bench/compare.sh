#!/usr/bin/env bash
# kerust against Keras 3 (JAX; TensorFlow optional), PyTorch and scikit-learn on W1 / W2,
# alternated in one run: every round runs each system once per workload and thread count,
# so machine noise hits all of them alike. Then the GEMM peak, then the tables.
#
#   bench/compare.sh [OUTDIR]        # default bench/results/<date>
#
# Environment knobs:
#   ROUNDS=3            alternated rounds (medians over rounds are reported)
#   REPEATS=3           timed fits per run (each run also does one first fit, reported apart)
#   WORKLOADS="w1 w2"   THREADS="1 2"
#   PEERS="keras-jax torch sklearn"   (add keras-tensorflow to include it; PEERS="" runs kerust alone)
#   PEERS_VENV=/tmp/kerust-peers-venv  TORCH_VENV=/tmp/kerust-torch-venv
#       created from bench/peers/requirements*.txt when absent (torch: ~5 GB of wheels)
#   SKIP_TORCH=1        do not install / run torch
#   CLI_RUN=1           also `kerust train` on a diamonds-sized CSV (53,940 rows, 26 features
#                       once encoded; bench/diamonds_like.py), 20 epochs, per thread count
#                       and round (0 leaves it out)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-$ROOT/bench/results/$(date +%Y%m%d-%H%M%S)}"
ROUNDS="${ROUNDS:-3}"
REPEATS="${REPEATS:-3}"
WORKLOADS="${WORKLOADS:-w1 w2}"
THREADS="${THREADS:-1 2}"
PEERS="${PEERS-keras-jax torch sklearn}"
PEERS_VENV="${PEERS_VENV:-/tmp/kerust-peers-venv}"
TORCH_VENV="${TORCH_VENV:-/tmp/kerust-torch-venv}"
PY="${PYTHON:-$(command -v python3.11 || command -v python3)}"
export TF_CPP_MIN_LOG_LEVEL=3
mkdir -p "$OUT"

make_venv() {  # dir, requirements file
  if [ ! -x "$1/bin/python" ] || ! "$1/bin/python" -c 'import numpy' 2>/dev/null; then
    echo "== creating $1 from $2" >&2
    "$PY" -m venv "$1"
    "$1/bin/pip" install -q -r "$2"
  fi
}
make_venv "$PEERS_VENV" "$ROOT/bench/peers/requirements.txt"
if [ "${SKIP_TORCH:-0}" != 1 ] && [[ " $PEERS " == *" torch "* ]]; then
  make_venv "$TORCH_VENV" "$ROOT/bench/peers/requirements-torch.txt"
else
  PEERS="${PEERS//torch/}"
fi

(cd "$ROOT" && cargo build --release --example bench && cargo build --release)
CLI_RUN="${CLI_RUN:-1}"
if [ "$CLI_RUN" = 1 ]; then
  mkdir -p "$OUT/cli"
  DIAMONDS="$OUT/diamonds_like.csv"
  [ -s "$DIAMONDS" ] || "$PY" "$ROOT/bench/diamonds_like.py" "$DIAMONDS"
fi
KERUST="$ROOT/target/release/examples/bench"
W2DATA="$OUT/w2.f32"
[ -s "$W2DATA" ] || "$PEERS_VENV/bin/python" "$ROOT/bench/w2_dump.py" "$W2DATA"

cpus() { echo "0-$(($1 - 1))"; }   # the peers pin to the first T CPUs; so does kerust
run() {  # label, json, command...
  local label="$1" json="$2"; shift 2
  echo "== $label" | tee -a "$OUT/log.txt"
  "$@" --json "$json" 2>>"$OUT/stderr.txt" | tee -a "$OUT/log.txt" || echo "   FAILED: $label" | tee -a "$OUT/log.txt"
}
P="$ROOT/bench/peers"
for r in $(seq 1 "$ROUNDS"); do
  for w in $WORKLOADS; do
    for t in $THREADS; do
      common=(--workload "$w" --repeats "$REPEATS" --threads "$t")
      run "round $r kerust $w t$t" "$OUT/kerust_${w}_t${t}_r$r.json" \
        taskset -c "$(cpus "$t")" "$KERUST" "${common[@]}" --w2-data "$W2DATA"
      for peer in $PEERS; do
        case "$peer" in
          keras-*) run "round $r $peer $w t$t" "$OUT/${peer}_${w}_t${t}_r$r.json" \
                     env KERAS_BACKEND="${peer#keras-}" "$PEERS_VENV/bin/python" "$P/keras_bench.py" "${common[@]}" ;;
          torch)   run "round $r torch $w t$t" "$OUT/torch_${w}_t${t}_r$r.json" \
                     "$TORCH_VENV/bin/python" "$P/torch_bench.py" "${common[@]}" ;;
          sklearn) run "round $r sklearn $w t$t" "$OUT/sklearn_${w}_t${t}_r$r.json" \
                     "$PEERS_VENV/bin/python" "$P/sklearn_bench.py" "${common[@]}" ;;
        esac
      done
    done
  done
  if [ "$CLI_RUN" = 1 ]; then
    for t in $THREADS; do
      run "round $r kerust-cli diamonds t$t" "$OUT/cli/diamonds_t${t}_r$r.json" \
        taskset -c "$(cpus "$t")" "$PY" "$ROOT/bench/cli_run.py" --threads "$t" -- \
        "$ROOT/target/release/kerust" train "$DIAMONDS" --target price --epochs 20 --seed 1 --out "$OUT/cli/run_t${t}_r$r"
    done
  fi
done
for t in $THREADS; do
  for r in $(seq 1 "$ROUNDS"); do
    run "gemm kerust t$t" "$OUT/gemm_kerust_t${t}_r$r.json" taskset -c "$(cpus "$t")" "$KERUST" --workload gemm --threads "$t"
    run "gemm numpy t$t" "$OUT/gemm_numpy_t${t}_r$r.json" \
      env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PEERS_VENV/bin/python" "$P/gemm_bench.py" --lib numpy --threads "$t"
  done
done
rm -f "$W2DATA" "${DIAMONDS:-}"
if [ "$CLI_RUN" = 1 ]; then
  rm -rf "$OUT"/cli/run_t*
  "$PY" "$ROOT/bench/cli_run.py" --summarize "$OUT/cli" | tee "$OUT/cli_tables.md"
fi
"$PEERS_VENV/bin/python" "$ROOT/bench/summarize.py" "$OUT" | tee "$OUT/tables.md"
