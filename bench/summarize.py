#!/usr/bin/env python3
"""Tables for BENCHMARKS.md from the JSON files `compare.sh` writes (one per system, workload,
thread count and round): medians over the alternated rounds, each system at its best thread
setting, ratios to kerust's best, and GFLOP/s as a fraction of the measured GEMM peak.

    python summarize.py RESULTS_DIR
"""
import glob
import json
import os
import statistics
import sys

d = sys.argv[1]
runs, gemm = {}, {}
for f in sorted(glob.glob(os.path.join(d, "*.json"))):
    r = json.load(open(f))
    if "lib" in r:
        gemm.setdefault((r["lib"], r["threads"]), []).append(r["median_gflops"])
        continue
    label = r["peer"] if r["peer"] in ("kerust", "sklearn") else f"{r['peer']}-{r['backend'].split(',')[0]}"
    runs.setdefault((label, r["workload"], r["threads"]), []).append(r)

med = statistics.median


def row(rs):
    return dict(ms=med(r["ms_per_epoch"] for r in rs), gflops=med(r["gflops"] for r in rs),
                sps=med(r["samples_per_s"] for r in rs), val=med(r["val_mse"] for r in rs),
                vals=[v for r in rs for v in r["val_mse_all"]], rounds=len(rs),
                other=max(r.get("other_cpus_busy") or 0 for r in rs),
                all_ms=[round(r["ms_per_epoch"], 3) for r in rs])


peak = {t: med(v) for (lib, t), v in gemm.items() if lib == "kerust"}
print("### Peak f32 GEMM (4096³), median of rounds\n")
print("| library | threads | median GFLOP/s (per round) |\n|---|---:|---:|")
for (lib, t), v in sorted(gemm.items()):
    print(f"| {lib} | {t} | {med(v):.1f} ({', '.join(f'{x:.0f}' for x in v)}) |")

for w in ("w1", "w2"):
    keys = sorted(k for k in runs if k[1] == w)
    if not keys:
        continue
    table = {k: row(runs[k]) for k in keys}
    best = {}
    for (label, _, t), r in table.items():
        if label not in best or r["ms"] < best[label][1]["ms"]:
            best[label] = (t, r)
    k_ms = best["kerust"][1]["ms"] if "kerust" in best else None
    print(f"\n### {w.upper()}: every system and thread count (medians over rounds; each round = "
          f"median of that run's fits)\n")
    print("| system | threads | rounds | ms/epoch (per round) | samples/s | GFLOP/s | % of kerust GEMM peak | "
          "val MSE | other CPUs busy (max) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for (label, _, t), r in table.items():
        pk = peak.get(t)
        frac = f"{100 * r['gflops'] / pk:.0f}%" if pk else "—"
        print(f"| {label} | {t} | {r['rounds']} | {r['ms']:.3f} ({', '.join(str(x) for x in r['all_ms'])}) | "
              f"{r['sps']:,.0f} | {r['gflops']:.2f} | {frac} | {r['val']:.4f} | {r['other']:.2f} |")
    print(f"\n### {w.upper()}: each system at its best thread setting, ratio to kerust\n")
    print("| system | best threads | ms/epoch | GFLOP/s | × slower than kerust | val MSE (min–max over all fits) |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, (t, r) in sorted(best.items(), key=lambda kv: kv[1][1]["ms"]):
        ratio = f"{r['ms'] / k_ms:.1f}×" if k_ms else "—"
        print(f"| {label} | {t} | {r['ms']:.3f} | {r['gflops']:.2f} | {ratio} | "
              f"{r['val']:.3f} ({min(r['vals']):.2f}–{max(r['vals']):.2f}) |")
