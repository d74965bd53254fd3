#!/usr/bin/env bash
# W2-size training over MPI ranks against threads, alternated in one run: `kerust train` on a
# 200,000-row, 32-feature CSV (bench/w2_csv.py), Dense 256-256-1, batch 256, 3 epochs, as
# 1 thread, 2 threads (each batch split), and `mpirun -np 1|2 ... --distributed`. Train
# seconds from each run's run.json (wall_seconds.train: the epochs alone). Needs the `mpi`
# feature and OpenMPI (Debian: openmpi-bin, libopenmpi-dev, libclang-dev).
#
#   bench/distributed.sh [OUTDIR]        # default bench/results/distributed-<date>
#
#   ROUNDS=3  DATA=/tmp/kerust-w2-data
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-$ROOT/bench/results/distributed-$(date +%Y%m%d-%H%M%S)}"
ROUNDS="${ROUNDS:-3}"
DATA="${DATA:-/tmp/kerust-w2-data}"
mkdir -p "$OUT" "$DATA"
(cd "$ROOT" && cargo build --release --quiet --features mpi)
K="$ROOT/target/release/kerust"
[ -f "$DATA/w2.csv" ] || python3 "$ROOT/bench/w2_csv.py" "$DATA/w2.csv"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
FLAGS=(--target y --layers 256,256 --batch-size 256 --epochs 3 --test-size 0.1 --seed 1 --quiet)
RESULTS="$OUT/results.tsv"
printf 'round\tmode\ttrain_s\tepochs\n' > "$RESULTS"
record() { # round mode dir
  python3 - "$3/run.json" "$1" "$2" >> "$RESULTS" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("\t".join([sys.argv[2], sys.argv[3], f"{d['wall_seconds']['train']:.3f}", str(d['epochs_run'])]))
PY
}
for round in $(seq 1 "$ROUNDS"); do
  for mode in threads-1 ranks-2 threads-2 ranks-1; do
    dir="$DATA/runs/$mode-$round"; rm -rf "$dir"
    case $mode in
      threads-*) "$K" train "$DATA/w2.csv" "${FLAGS[@]}" --threads "${mode#threads-}" --out "$dir" ;;
      ranks-*) mpirun -np "${mode#ranks-}" "$K" train "$DATA/w2.csv" "${FLAGS[@]}" --threads 1 --distributed --out "$dir" ;;
    esac
    record "$round" "$mode" "$dir"
  done
done
python3 - "$RESULTS" <<'PY' | tee "$OUT/summary.md"
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
med = {m: statistics.median(float(r["train_s"]) for r in rows if r["mode"] == m) for m in {r["mode"] for r in rows}}
# 3 epochs of 162,000 training rows (200,000 less 10% test, less 10% validation), 6 flop per
# weight per row (forward and backward).
flop = 3 * 162000 * 6 * (32 * 256 + 256 * 256 + 256)
print("| run | train s (3 epochs) | ms/epoch | GFLOP/s | vs 1 thread |")
print("|---|---:|---:|---:|---:|")
for m in ("threads-1", "ranks-1", "threads-2", "ranks-2"):
    if m in med:
        print(f"| {m} | {med[m]:.3f} | {med[m] / 3 * 1000:.0f} | {flop / med[m] / 1e9:.0f} | {med['threads-1'] / med[m]:.2f}x |")
PY
