#!/usr/bin/env python3
"""Times one `kerust train` run (wall seconds of the whole command, and the train phase
from its run.json) and writes them as JSON; `--summarize DIR` prints the table of the JSON
files in DIR (medians over rounds, the ratio of each thread count to 1 thread).

    python3 bench/cli_run.py --json OUT.json --threads T -- kerust train DATA.csv ... --out RUN
    python3 bench/cli_run.py --summarize DIR
"""
import glob
import json
import os
import statistics
import subprocess
import sys
import time


def run(args):
    # compare.sh's `run` appends `--json OUT` after the command: take it out from anywhere.
    j = args.index("--json")
    out_json, args = args[j + 1], args[:j] + args[j + 2:]
    threads = int(args[args.index("--threads") + 1])
    cmd = args[args.index("--") + 1:]
    run_dir = cmd[cmd.index("--out") + 1]
    t0 = time.perf_counter()
    subprocess.run(cmd + ["--threads", str(threads)], check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    record = json.load(open(os.path.join(run_dir, "run.json")))
    result = {"workload": "diamonds-cli", "threads": threads, "wall_seconds": wall,
              "train_seconds": record["wall_seconds"]["train"], "split_threads": record["split_threads"]}
    json.dump(result, open(out_json, "w"), indent=1)
    print(f"kerust train (diamonds-sized) threads={threads}: {wall:.3f} s wall, train {result['train_seconds']:.3f} s")


def summarize(d):
    by = {}
    for f in sorted(glob.glob(os.path.join(d, "*.json"))):
        r = json.load(open(f))
        by.setdefault(r["threads"], []).append(r)
    med = statistics.median
    base = med(r["wall_seconds"] for r in by[1]) if 1 in by else None
    print("| threads | rounds | wall s (per round) | train phase s | batches split over | × vs 1 thread |")
    print("|---:|---:|---:|---:|---:|---:|")
    for t, rs in sorted(by.items()):
        wall = med(r["wall_seconds"] for r in rs)
        ratio = f"{base / wall:.2f}×" if base else ""
        per = ", ".join(f"{r['wall_seconds']:.3f}" for r in rs)
        print(f"| {t} | {len(rs)} | {wall:.3f} ({per}) | {med(r['train_seconds'] for r in rs):.3f} | "
              f"{rs[0]['split_threads']} | {ratio} |")


if __name__ == "__main__":
    if sys.argv[1] == "--summarize":
        summarize(sys.argv[2])
    else:
        run(sys.argv[1:])
