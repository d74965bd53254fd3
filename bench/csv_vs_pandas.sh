#!/usr/bin/env bash
# CSV -> (x, y) float32: kerust (examples/load_csv.rs) vs pandas read_csv + to_numpy(float32),
# run alternately RUNS times on the same file; prints each run, the medians, the ratio, and the
# peak RSS of each (GNU time, `/usr/bin/time -v`).
#
# usage: bench/csv_vs_pandas.sh FILE.csv [TARGET] [RUNS]
#   PYTHON=/path/to/venv/bin/python (needs pandas; default: python3)
set -euo pipefail
file=${1:?usage: bench/csv_vs_pandas.sh FILE.csv [TARGET] [RUNS]}
target=${2:-}
runs=${3:-5}
python=${PYTHON:-python3}
here=$(cd "$(dirname "$0")/.." && pwd)

cargo build --release --quiet --example load_csv --manifest-path "$here/Cargo.toml"
kerust_bin=$(cargo metadata --format-version 1 --no-deps --manifest-path "$here/Cargo.toml" \
  | "$python" -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/examples/load_csv

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat "$file" > /dev/null # warm the page cache for both
for i in $(seq 1 "$runs"); do
  for tool in kerust pandas; do
    if [ "$tool" = kerust ]; then cmd=("$kerust_bin" "$file" ${target:+"$target"})
    else cmd=("$python" "$here/bench/pandas_load.py" "$file" ${target:+"$target"}); fi
    /usr/bin/time -v "${cmd[@]}" > "$tmp/out" 2> "$tmp/time"
    seconds=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' "$tmp/out")
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp/time")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time")
    echo "$tool run $i: load ${seconds}s, process wall ${wall}, peak RSS ${rss} kB | $(cat "$tmp/out")"
    echo "$tool $seconds $rss" >> "$tmp/results"
  done
done
"$python" - "$tmp/results" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
med = {t: (statistics.median(float(s) for k, s, _ in rows if k == t),
           statistics.median(int(r) for k, _, r in rows if k == t)) for t in ("kerust", "pandas")}
for t, (s, r) in med.items():
    print(f"median {t}: load {s:.3f} s, peak RSS {r / 1024:.1f} MiB")
print(f"ratio pandas/kerust load time: {med['pandas'][0] / med['kerust'][0]:.2f}x")
print(f"ratio pandas/kerust peak RSS: {med['pandas'][1] / med['kerust'][1]:.2f}x")
PY
