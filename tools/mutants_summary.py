#!/usr/bin/env python3
"""Summarise a tools/mutants.sh run: per group, the mutants caught, missed, timed out and
unviable, and the score caught / (caught + missed + timeout) over the viable mutants.

    python3 tools/mutants_summary.py [MUTANTS_OUT]     # default target/mutants-out

A group run again with MUTANTS_ITERATE=1 tests only the mutants not caught before; its
earlier run is in mutants.out.old (cargo-mutants keeps one); older runs may be kept beside
them as earlier-1, earlier-2, ... All are merged by mutant name, the newest outcome winning,
so the table is that of every mutant of the group. Mutants are then restricted to those
cargo-mutants lists for today's sources (`cargo mutants --list`, the groups' files as in
tools/mutants.sh), so a mutant whose line moved since an earlier run is not counted twice;
one that no run has tested yet is counted as untested. The missed ones are listed.
"""
import json
import pathlib
import re
import subprocess
import sys

KINDS = {"CaughtMutant": "caught", "MissedMutant": "missed", "Timeout": "timeout", "Unviable": "unviable"}


def outcomes(run):
    """Mutant name -> outcome kind, from one mutants.out folder (empty if absent)."""
    path = run / "outcomes.json"
    if not path.exists():
        return {}
    found = {}
    for o in json.loads(path.read_text())["outcomes"]:
        scenario = o["scenario"]
        if isinstance(scenario, dict) and "Mutant" in scenario:
            found[scenario["Mutant"]["name"]] = KINDS.get(o["summary"], o["summary"])
    return found


def current_mutants():
    """Group name -> the mutant names cargo-mutants lists for today's sources."""
    script = pathlib.Path(__file__).with_name("mutants.sh").read_text()
    listed = {}
    for group, files in re.findall(r'^\s*"(\w+)\|([^|]+)\|', script, re.M):
        args = [a for f in files.split(",") for a in ("-f", f)]
        out = subprocess.run(["cargo", "mutants", "--list", *args], capture_output=True, text=True, check=True)
        listed[group] = set(out.stdout.split("\n")) - {""}
    return listed


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/mutants-out")
    listed = current_mutants()
    total = {k: 0 for k in [*KINDS.values(), "untested"]}
    missed = []
    print("| group | mutants | caught | missed | timeout | unviable | untested | score |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for group in sorted(p for p in root.iterdir() if p.is_dir()):
        merged = {}
        runs = sorted(group.glob("earlier-*"), key=lambda p: int(p.name.split("-")[1]))
        for run in [*runs, group / "mutants.out.old", group / "mutants.out"]:
            merged.update(outcomes(run))
        if group.name in listed:
            now = listed[group.name]
            merged = {name: kind for name, kind in merged.items() if name in now}
            merged.update({name: "untested" for name in now if name not in merged})
        counts = {k: 0 for k in total}
        for name, kind in merged.items():
            counts[kind] = counts.get(kind, 0) + 1
            if kind == "missed":
                missed.append(name)
        for k in total:
            total[k] += counts.get(k, 0)
        viable = counts["caught"] + counts["missed"] + counts["timeout"]
        score = f"{100 * counts['caught'] / viable:.1f}%" if viable else "-"
        print(f"| {group.name} | {len(merged)} | {counts['caught']} | {counts['missed']} | "
              f"{counts['timeout']} | {counts['unviable']} | {counts['untested']} | {score} |")
    viable = total["caught"] + total["missed"] + total["timeout"]
    if viable:
        print(f"| **all** | {sum(total.values())} | {total['caught']} | {total['missed']} | "
              f"{total['timeout']} | {total['unviable']} | {total['untested']} | **{100 * total['caught'] / viable:.1f}%** |")
    print("\nmissed:")
    for name in sorted(missed):
        print(f"- {name}")


if __name__ == "__main__":
    main()
