#!/usr/bin/env python3
"""Writes a W2-sized CSV (200,000 rows, 32 uniform features x0..x31, target y = Friedman #1
+ N(0, 1) noise, as bench/peers/README.md's W2 but from Python's own generator) for the
distributed benchmark. Standard library only; the same seed gives the same file.

    python3 bench/w2_csv.py OUT.csv [--rows 200000] [--seed 0]
"""
import argparse
import math
import random


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--rows", type=int, default=200000)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    rng = random.Random(a.seed)
    with open(a.out, "w") as f:
        f.write(",".join(f"x{i}" for i in range(32)) + ",y\n")
        for _ in range(a.rows):
            x = [rng.random() for _ in range(32)]
            y = 10 * math.sin(math.pi * x[0] * x[1]) + 20 * (x[2] - 0.5) ** 2 + 10 * x[3] + 5 * x[4] + rng.gauss(0, 1)
            f.write(",".join(f"{v:.6f}" for v in x) + f",{y:.6f}\n")


if __name__ == "__main__":
    main()
