#!/usr/bin/env bash
# The W1 lesson through the Keras Python API: Keras 3 on JAX against kerust's Python package
# (`import kerust.keras as keras`), one script (bench/peers/python_lesson.py) for both, so the
# only difference is the module behind `keras`. Runs are alternated in one invocation, and the
# order within a round flips every round (keras first in odd rounds, kerust first in even ones),
# so machine noise and any drift (thermal, a build starting next door) hit both alike.
#
#   bench/python_compare.sh [OUTDIR]    # default bench/measured/<date>-python
#
# Each run prints one JSON line (median ms/epoch of FITS timed fits after one warm-up fit that
# absorbs Keras's tracing / XLA compilation); the lines go to OUTDIR/<impl>_r<round>.json and
# all of them to OUTDIR/runs.jsonl; OUTDIR/summary.md gets the median over rounds per impl
# and keras / kerust (> 1 means kerust is faster).
#
# Environment knobs:
#   ROUNDS=3  FITS=3  EPOCHS=100  THREADS=2  SEED=0
#   PYTHON=/tmp/kerust-peers-venv/bin/python   must have keras/jax (requirements.txt) and kerust
#                                               (pip install python/) installed
#   WAIT_IDLE=1  IDLE_TIMEOUT=900   wait before each run until other processes keep < 10% of a
#                                   CPU busy (bench/tune_compare.py wait-idle; goes on after the
#                                   timeout); WAIT_IDLE=0 for a quick check on a busy machine
#   IMPLS="keras kerust rust"       e.g. IMPLS=keras to time the peer alone; `rust` is the same
#                                   W1 fit from Rust (target/release/examples/bench), for what
#                                   the Python layer adds: kerust (Python) / rust - 1
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-$ROOT/bench/measured/$(date +%Y-%m-%d)-python}"
ROUNDS="${ROUNDS:-3}"
FITS="${FITS:-3}"
EPOCHS="${EPOCHS:-100}"
THREADS="${THREADS:-2}"
SEED="${SEED:-0}"
PY="${PYTHON:-/tmp/kerust-peers-venv/bin/python}"
WAIT_IDLE="${WAIT_IDLE:-1}"
IDLE_TIMEOUT="${IDLE_TIMEOUT:-900}"
IMPLS="${IMPLS:-keras kerust rust}"
LESSON="$ROOT/bench/peers/python_lesson.py"
export TF_CPP_MIN_LOG_LEVEL=3

[ -x "$PY" ] || { echo "no python at $PY (set PYTHON=...)" >&2; exit 2; }
# Fail early, before any waiting, if a module is missing: a summary with one side absent
# would look like a result.
for impl in $IMPLS; do
  case "$impl" in
    keras)  mod="keras" ;;
    kerust) mod="kerust.keras" ;;
    rust)   (cd "$ROOT" && cargo build --release --example bench) >&2; continue ;;
    *) echo "unknown impl '$impl' in IMPLS (keras, kerust, rust)" >&2; exit 2 ;;
  esac
  if ! KERAS_BACKEND=jax "$PY" -c "import $mod" 2>/dev/null; then
    echo "error: \`$PY -c 'import $mod'\` fails (keras: pip install -r bench/peers/requirements.txt;" \
         "kerust: pip install ./python)" >&2
    exit 3
  fi
done

mkdir -p "$OUT"
: > "$OUT/log.txt"
: > "$OUT/runs.jsonl"
{
  echo "started $(date '+%Y-%m-%d %H:%M:%S'), git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "python $PY ($("$PY" --version 2>&1)), rounds $ROUNDS, fits $FITS, epochs $EPOCHS, threads $THREADS, seed $SEED"
} | tee -a "$OUT/log.txt"

run() {  # impl, round
  local impl="$1" r="$2" json="$OUT/$1_r$2.json"
  if [ "$WAIT_IDLE" = 1 ]; then "$PY" "$ROOT/bench/tune_compare.py" wait-idle --timeout "$IDLE_TIMEOUT"; fi
  echo "== round $r $impl" | tee -a "$OUT/log.txt"
  if [ "$impl" = rust ]; then
    taskset -c "0-$((THREADS - 1))" "$ROOT/target/release/examples/bench" --workload w1 --repeats "$FITS" \
      --threads "$THREADS" --seed "$SEED" --json "$OUT/rust_r$r.full.json" 2> "$OUT/rust_r$r.stderr.txt" | tee -a "$OUT/log.txt"
    # The same fields as python_lesson.py's line.
    "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps({"impl": "rust", "ms_per_epoch_median": d["ms_per_epoch"], "fits": d["repeats"], "epochs": d["epochs"], "val_loss": d["val_mse"], "versions": d["versions"], "other_cpus_busy": d["other_cpus_busy"]}))' \
      "$OUT/rust_r$r.full.json" > "$json"
    cat "$json" >> "$OUT/runs.jsonl"
    return
  fi
  # stdout is the JSON line only; the script's own one-line summary and any library chatter
  # are on stderr, kept per run.
  if "$PY" "$LESSON" --impl "$impl" --fits "$FITS" --epochs "$EPOCHS" --threads "$THREADS" \
       --seed "$SEED" > "$json" 2> "$OUT/$1_r$2.stderr.txt"; then
    tail -n 1 "$OUT/$1_r$2.stderr.txt" | tee -a "$OUT/log.txt"
    cat "$json" >> "$OUT/runs.jsonl"
  else
    echo "   FAILED: round $r $impl (see $OUT/$1_r$2.stderr.txt)" | tee -a "$OUT/log.txt"
    tail -n 5 "$OUT/$1_r$2.stderr.txt" | sed 's/^/   | /' | tee -a "$OUT/log.txt"
    rm -f "$json"
  fi
}

for r in $(seq 1 "$ROUNDS"); do
  order="$IMPLS"
  if [ $((r % 2)) = 0 ]; then order="$(echo "$IMPLS" | tr ' ' '\n' | tac | tr '\n' ' ')"; fi
  for impl in $order; do run "$impl" "$r"; done
done

# Summary with the standard library only (the same python; no pandas needed).
"$PY" - "$OUT" <<'EOF' | tee "$OUT/summary.md"
import json, statistics, sys
out = sys.argv[1]
runs = [json.loads(l) for l in open(f"{out}/runs.jsonl") if l.strip()]
by = {}
for r in runs:
    by.setdefault(r["impl"], []).append(r)
print("| impl | runs | median ms/epoch over runs | per run | val_loss (per run) | versions |")
print("|---|---|---|---|---|---|")
med = {}
for impl, rs in by.items():
    ms = [r["ms_per_epoch_median"] for r in rs]
    med[impl] = statistics.median(ms)
    v = ", ".join(f"{k} {val}" for k, val in rs[0]["versions"].items() if val)
    print(f"| {impl} | {len(rs)} | {med[impl]:.2f} | {', '.join(f'{m:.2f}' for m in ms)} | "
          f"{', '.join('%.3f' % r['val_loss'] for r in rs)} | {v} |")
busy = max((r.get("other_cpus_busy") or 0.0) for r in runs) if runs else 0.0
print()
if "keras" in med and "kerust" in med:
    print(f"keras / kerust (median ms/epoch): {med['keras'] / med['kerust']:.2f}x")
else:
    print("keras / kerust: n/a (runs missing for " +
          ", ".join(i for i in ("keras", "kerust") if i not in med) + ")")
if "kerust" in med and "rust" in med:
    print(f"the Python layer adds {100 * (med['kerust'] / med['rust'] - 1):.1f}% to the Rust fit time (kerust / rust)")
print(f"other processes kept up to {busy:.2f} CPUs busy during a run")
EOF
