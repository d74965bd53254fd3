#!/usr/bin/env python3
"""Helper of bench/tune_compare.sh (standard library only).

  tune_compare.py wait-idle [--max-busy 0.10] [--timeout 900]
      wait until the other processes keep < max-busy CPUs busy over 3 s (gives up after timeout)
  tune_compare.py run --system S --json OUT.json [--workers W] [--seed N] [--study DIR]
                      [--peer-json P.json] [--log LOG] -- COMMAND...
      run COMMAND, time its wall clock (process start to exit) and CPU time (user+sys of the
      child), then write OUT.json: for kerust the study DIR's trials.csv is read (trials done,
      per-trial seconds, best objective); for kerastuner its own JSON (P.json) is embedded
  tune_compare.py meta OUTDIR key=value...
      merge facts about the run into OUTDIR/meta.json
  tune_compare.py summarize OUTDIR
      the run JSONs of OUTDIR -> markdown (results.md)
"""
import argparse
import csv
import glob
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time


def busy_cpu_seconds():
    with open("/proc/stat") as f:
        vals = [int(v) for v in f.readline().split()[1:9]]
    return (sum(vals) - vals[3] - vals[4]) / os.sysconf("SC_CLK_TCK")


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def wait_idle(args):
    t_end = time.time() + args.timeout
    while True:
        b0, t0 = busy_cpu_seconds(), time.perf_counter()
        time.sleep(3)
        busy = (busy_cpu_seconds() - b0) / (time.perf_counter() - t0)
        if busy < args.max_busy:
            return 0
        if time.time() > t_end:
            print(f"wait-idle: still {busy:.2f} CPUs busy after {args.timeout:.0f} s; going on",
                  file=sys.stderr)
            return 0


def _col(fields, *words):
    """First column whose lower-cased name contains all `words`."""
    for f in fields:
        if all(w in f.lower() for w in words):
            return f
    return None


def _float(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def read_study(study):
    """Reads DIR/trials.csv as written by `kerust tune` (lenient about column names)."""
    path = os.path.join(study, "trials.csv")
    if not os.path.exists(path):
        return dict(study=study, trials_csv=False)
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    fields = list(rows[0].keys()) if rows else []
    state = _col(fields, "state")
    secs = _col(fields, "second")
    obj = _col(fields, "objective", "mean") or _col(fields, "objective") or _col(fields, "value")
    done = [r for r in rows
            if state is None or r[state].strip().lower() in ("complete", "completed", "ok", "done")]
    tsecs = [s for s in (_float(r[secs]) for r in done) if s is not None] if secs else []
    objs = [o for o in (_float(r[obj]) for r in done) if o is not None] if obj else []
    return dict(
        study=study,
        trials_csv=True,
        columns=fields,
        trials_listed=len(rows),
        trials_completed=len(done),
        states={s: sum(r[state] == s for r in rows) for s in sorted({r[state] for r in rows})}
        if state else None,
        trial_seconds=tsecs,
        sum_trial_seconds=sum(tsecs) if tsecs else None,
        median_trial_seconds=statistics.median(tsecs) if tsecs else None,
        best_objective=min(objs) if objs else None,
        summary_txt=os.path.exists(os.path.join(study, "summary.txt")),
    )


def run(args):
    cmd = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not cmd:
        sys.exit("run: no command given (after --)")
    log = open(args.log, "w") if args.log else subprocess.DEVNULL
    b0 = busy_cpu_seconds()
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    b1 = busy_cpu_seconds()
    if args.log:
        log.close()
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    res = dict(
        system=args.system,
        workers=args.workers,
        seed=args.seed,
        round=args.round,
        command=cmd,
        exit_code=proc.returncode,
        wall_seconds=wall,
        cpu_seconds=cpu,
        cores_used=cpu / wall if wall > 0 else None,
        max_rss_mib=r1.ru_maxrss / 1024.0,  # largest child so far (Linux: KiB)
        other_cpus_busy=max(0.0, (b1 - b0 - cpu) / wall) if wall > 0 else None,
        loadavg_at_end=open("/proc/loadavg").read().split()[:3],
        timestamp=time.strftime("%Y-%m-%dT%H:%M:%S"),
    )
    if args.log:
        with open(args.log) as f:
            lines = f.read().splitlines()
        res["log"] = args.log
        res["log_lines"] = len(lines)
        res["log_tail"] = lines[-3:]
    trials = None
    if args.study:
        st = read_study(args.study)
        res["study"] = st
        trials = st.get("trials_completed")
    if args.peer_json:
        try:
            with open(args.peer_json) as f:
                peer = json.load(f)
        except (OSError, ValueError) as e:
            peer = None
            res["peer_json_error"] = str(e)
        res["peer"] = peer
        if peer:
            trials = peer.get("trials_completed")
            res["search_seconds"] = peer.get("search_seconds")
            res["search_seconds_per_trial"] = peer.get("seconds_per_trial")
            res["best_objective"] = peer.get("best_val_loss")
    if trials:
        res["trials"] = trials
        res["seconds_per_trial"] = wall / trials
        res["trials_per_s"] = trials / wall
    ok = proc.returncode == 0 and bool(trials)
    res["ok"] = ok
    if args.study and res.get("study", {}).get("best_objective") is not None:
        res["best_objective"] = res["study"]["best_objective"]
    with open(args.json, "w") as f:
        f.write(json.dumps(res, indent=1) + "\n")
    extra = ""
    if res.get("search_seconds_per_trial"):
        extra = f", in-process search {res['search_seconds_per_trial']:.3f} s/trial"
    if ok:
        print(f"   {args.system}: {trials} trials in {wall:.2f} s wall = "
              f"{res['seconds_per_trial']:.4f} s/trial, {res['trials_per_s']:.2f} trials/s, "
              f"{res['cores_used']:.2f} cores used{extra}, best objective "
              f"{res.get('best_objective')}, other processes {res['other_cpus_busy']:.2f} CPUs")
    else:
        print(f"   {args.system}: FAILED (exit code {proc.returncode}, trials {trials}); "
              f"see {args.log or 'the log'}")
    return 0 if ok else 1


def meta(args):
    """Merges key=value pairs into OUTDIR/meta.json (cpu and nproc added on creation)."""
    path = os.path.join(args.outdir, "meta.json")
    m = {}
    if os.path.exists(path):
        with open(path) as f:
            m = json.load(f)
    else:
        m.update(cpu=cpu_model(), nproc=len(os.sched_getaffinity(0)))
    for kv in args.pairs:
        k, _, v = kv.partition("=")
        m[k] = json.loads(v) if v[:1] in "[{" else v
    with open(path, "w") as f:
        f.write(json.dumps(m, indent=1) + "\n")
    return 0


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, nd=3):
    if x is None:
        return "–"
    if abs(x) >= 100:
        return f"{x:.0f}" if nd <= 3 else f"{x:.1f}"
    return f"{x:.{nd}f}"


def summarize(args):
    runs = []
    for p in sorted(glob.glob(os.path.join(args.outdir, "*.json"))):
        if os.path.basename(p).startswith("peer_"):
            continue
        with open(p) as f:
            d = json.load(f)
        if "system" in d:
            d["file"] = os.path.basename(p)
            runs.append(d)
    meta = {}
    mp = os.path.join(args.outdir, "meta.json")
    if os.path.exists(mp):
        with open(mp) as f:
            meta = json.load(f)

    def key(d):
        return "kerastuner" if d["system"] == "kerastuner" else f"kerust-w{d['workers']}"

    groups = {}
    for d in runs:
        groups.setdefault(key(d), []).append(d)
    order = [k for k in ("kerust-w1", "kerust-w2", "kerastuner") if k in groups]
    out = []
    w = out.append
    w("# `kerust tune` vs KerasTuner RandomSearch (alternated run)")
    w("")
    if meta:
        w(f"- {meta.get('trials')} trials x {meta.get('epochs')} epochs, random sampler, "
          f"Boston housing ({meta.get('data')}), validation_split 0.2, {meta.get('rounds')} "
          f"rounds, seeds {meta.get('seeds')}")
        w(f"- machine: {meta.get('cpu')}, {meta.get('nproc')} CPUs; started "
          f"{meta.get('started')}, finished {meta.get('finished', '?')}")
        w(f"- kerust: `{meta.get('kerust_bin')}` ({meta.get('kerust_version')}, git "
          f"{meta.get('git_commit')}); `--workers 1` pinned to CPUs "
          f"`{meta.get('kerust_w1_cpus') or 'not pinned'}`, `--workers 2` to "
          f"`{meta.get('kerust_w2_cpus') or 'not pinned'}`")
        w(f"- KerasTuner: `kerastuner_bench.py --threads {meta.get('kt_threads')}` "
          f"(pinned to the first {meta.get('kt_threads')} CPUs)")
    kt_vers = next((d["peer"]["versions"] for d in groups.get("kerastuner", [])
                    if d.get("peer")), None)
    if kt_vers:
        w("- versions: " + ", ".join(f"{k} {v}" for k, v in kt_vers.items()))
    w("- wall = the whole command, process start to exit, timed by tune_compare.py; "
      "per trial = wall / completed trials; cores used = (user+sys CPU seconds) / wall")
    w("")
    w("| system | runs ok | median wall | median wall per trial | range per trial | "
      "median trials/s | cores used | median best val_loss | other CPUs busy |")
    w("|---|---|---|---|---|---|---|---|---|")
    stats = {}
    for k in order:
        g = groups[k]
        ok = [d for d in g if d.get("ok")]
        spt = [d["seconds_per_trial"] for d in ok]
        st = dict(
            wall=med([d["wall_seconds"] for d in ok]),
            spt=med(spt),
            tps=med([d["trials_per_s"] for d in ok]),
            cores=med([d["cores_used"] for d in ok]),
            best=med([d.get("best_objective") for d in ok]),
            other=med([d.get("other_cpus_busy") for d in ok]),
            search_spt=med([d.get("search_seconds_per_trial") for d in ok]),
        )
        stats[k] = st
        rng = f"{fmt(min(spt), 4)} – {fmt(max(spt), 4)} s" if spt else "–"
        w(f"| {k} | {len(ok)}/{len(g)} | {fmt(st['wall'], 2)} s | {fmt(st['spt'], 4)} s | {rng} | "
          f"{fmt(st['tps'], 2)} | {fmt(st['cores'], 2)} | {fmt(st['best'], 3)} | "
          f"{fmt(st['other'], 2)} |")
    w("")
    kt, k1, k2 = stats.get("kerastuner"), stats.get("kerust-w1"), stats.get("kerust-w2")
    if kt and kt["search_spt"] is not None:
        w(f"KerasTuner inside its process (only `tuner.search`, without Python start-up, imports "
          f"and the tuner construction): median {fmt(kt['search_spt'], 4)} s per trial.")
        w("")
    w("| ratio | value | target |")
    w("|---|---|---|")
    if kt and k1 and kt["spt"] and k1["spt"]:
        w(f"| KerasTuner / kerust --workers 1, wall per trial (whole commands) | "
          f"**{kt['spt'] / k1['spt']:.1f}×** | ≥ 150× |")
        if kt["search_spt"]:
            w(f"| KerasTuner `search` only / kerust --workers 1 whole command, per trial | "
              f"{kt['search_spt'] / k1['spt']:.1f}× | (conservative) |")
    if k1 and k2 and k1["tps"] and k2["tps"]:
        w(f"| trials/s, kerust --workers 2 / --workers 1 | **{k2['tps'] / k1['tps']:.2f}×** | "
          f"≥ 1.8× |")
    w("")
    # per-round ratios (same round = same machine state)
    by_round = {}
    for d in runs:
        r = d.get("round")
        if r is not None and d.get("ok"):
            by_round.setdefault(r, {})[key(d)] = d
    if by_round:
        w("Per round:")
        w("")
        w("| round | seed | kerust w1 s/trial | kerust w2 s/trial | KerasTuner s/trial | "
          "KT / w1 | w2 / w1 trials/s |")
        w("|---|---|---|---|---|---|---|")
        for r in sorted(by_round):
            g = by_round[r]
            a, b, c = g.get("kerust-w1"), g.get("kerust-w2"), g.get("kerastuner")
            seed = next((x.get("seed") for x in (a, b, c) if x), None)
            ratio = f"{c['seconds_per_trial'] / a['seconds_per_trial']:.1f}×" if a and c else "–"
            scal = f"{b['trials_per_s'] / a['trials_per_s']:.2f}×" if a and b else "–"
            w(f"| {r} | {seed} | {fmt(a and a['seconds_per_trial'], 4)} | "
              f"{fmt(b and b['seconds_per_trial'], 4)} | {fmt(c and c['seconds_per_trial'], 4)} | "
              f"{ratio} | {scal} |")
        w("")
    failed = [d["file"] for d in runs if not d.get("ok")]
    if failed:
        w("Failed runs: " + ", ".join(failed))
        w("")
    print("\n".join(out))
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    q = sub.add_parser("wait-idle")
    q.add_argument("--max-busy", type=float, default=0.10)
    q.add_argument("--timeout", type=float, default=900)
    q = sub.add_parser("run")
    q.add_argument("--system", required=True)
    q.add_argument("--json", required=True)
    q.add_argument("--workers", type=int)
    q.add_argument("--seed", type=int)
    q.add_argument("--round", type=int)
    q.add_argument("--study")
    q.add_argument("--peer-json")
    q.add_argument("--log")
    q.add_argument("command", nargs=argparse.REMAINDER)
    q = sub.add_parser("meta")
    q.add_argument("outdir")
    q.add_argument("pairs", nargs="*", help="key=value (a value in [...] or {...} is JSON)")
    q = sub.add_parser("summarize")
    q.add_argument("outdir")
    args = p.parse_args()
    if args.cmd == "wait-idle":
        return wait_idle(args)
    if args.cmd == "run":
        return run(args)
    if args.cmd == "meta":
        return meta(args)
    return summarize(args)


if __name__ == "__main__":
    sys.exit(main())
