#!/usr/bin/env bash
# Streaming against in-memory training, alternated in one run: peak RSS of
# `kerust train --stream` on 1M and 4M rows (diamonds-like, 10 columns, 26 features once
# encoded), and the training throughput of --stream against the same file read whole
# (`--test-selection hash`: the same rows train). Peak RSS from /usr/bin/time -v; train
# seconds from each run's run.json (wall_seconds.train, the epochs alone).
#
#   bench/stream.sh [OUTDIR]          # default bench/results/stream-<date>
#
#   ROUNDS=3  EPOCHS=5  SIZES="1000000 4000000"  DATA=/tmp/kerust-stream-data
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-$ROOT/bench/results/stream-$(date +%Y%m%d-%H%M%S)}"
ROUNDS="${ROUNDS:-3}"
EPOCHS="${EPOCHS:-5}"
SIZES="${SIZES:-1000000 4000000}"
DATA="${DATA:-/tmp/kerust-stream-data}"
mkdir -p "$OUT" "$DATA"
(cd "$ROOT" && cargo build --release --quiet)
K="$ROOT/target/release/kerust"
for rows in $SIZES; do
  [ -f "$DATA/d$rows.csv" ] || python3 "$ROOT/bench/diamonds_like.py" "$DATA/d$rows.csv" --rows "$rows" --seed 1
done
SMALL="${SIZES%% *}"
RESULTS="$OUT/results.tsv"
printf 'round\tmode\trows\tmax_rss_kb\twall_s\ttrain_s\tpreprocess_s\n' > "$RESULTS"
run() { # round mode rows flags...
  local round=$1 mode=$2 rows=$3; shift 3
  local dir="$DATA/runs/$mode-$rows-$round"
  rm -rf "$dir"
  /usr/bin/time -f '%M %e' -o "$DATA/time.txt" "$K" train "$DATA/d$rows.csv" --target price \
    --epochs "$EPOCHS" --seed 1 --quiet --out "$dir" "$@" > /dev/null
  read -r rss wall < "$DATA/time.txt"
  python3 - "$dir/run.json" "$round" "$mode" "$rows" "$rss" "$wall" >> "$RESULTS" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["wall_seconds"]
print("\t".join(sys.argv[2:7] + [f"{w['train']:.3f}", f"{w['preprocess']:.3f}"]))
PY
}
for round in $(seq 1 "$ROUNDS"); do
  for rows in $SIZES; do run "$round" stream "$rows" --stream; done
  run "$round" memory "$SMALL" --test-selection hash
done
python3 - "$RESULTS" <<'PY' | tee "$OUT/summary.md"
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
def med(mode, n, key):
    return statistics.median(float(r[key]) for r in rows if r["mode"] == mode and r["rows"] == n)
sizes = sorted({r["rows"] for r in rows if r["mode"] == "stream"}, key=int)
print("| run | rows | peak RSS (MB) | train s | preprocess s | wall s |")
print("|---|---:|---:|---:|---:|---:|")
for mode in ("stream", "memory"):
    for n in sizes:
        if any(r["mode"] == mode and r["rows"] == n for r in rows):
            print(f"| {mode} | {int(n):,} | {med(mode, n, 'max_rss_kb') / 1024:.1f} | {med(mode, n, 'train_s'):.2f} | "
                  f"{med(mode, n, 'preprocess_s'):.2f} | {med(mode, n, 'wall_s'):.2f} |")
lo, hi = sizes[0], sizes[-1]
print(f"\nPeak RSS, --stream, {int(hi):,} vs {int(lo):,} rows: {med('stream', hi, 'max_rss_kb') / med('stream', lo, 'max_rss_kb'):.3f}x")
print(f"Training throughput, --stream / in memory ({int(lo):,} rows): {med('memory', lo, 'train_s') / med('stream', lo, 'train_s'):.2f}")
PY
