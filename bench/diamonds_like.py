#!/usr/bin/env python3
"""Writes a diamonds-sized CSV (53,940 rows; 6 numeric and 3 categorical columns, 26
features once one-hot encoded, like ggplot2's diamonds) for the thread benchmark.
Standard library only; the same seed gives the same file.

    python3 bench/diamonds_like.py OUT.csv [--rows 53940] [--seed 0]
"""
import argparse
import math
import random

CUTS = ["Fair", "Good", "Very Good", "Premium", "Ideal"]
COLORS = ["D", "E", "F", "G", "H", "I", "J"]
CLARITIES = ["I1", "SI2", "SI1", "VS2", "VS1", "VVS2", "VVS1", "IF"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--rows", type=int, default=53940)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    rng = random.Random(a.seed)
    with open(a.out, "w") as f:
        f.write("carat,cut,color,clarity,depth,table,x,y,z,price\n")
        for _ in range(a.rows):
            carat = round(min(5.0, rng.lognormvariate(-0.4, 0.55)), 2)
            cut, color, clarity = rng.randrange(5), rng.randrange(7), rng.randrange(8)
            depth = round(rng.gauss(61.7, 1.4), 1)
            table = round(rng.gauss(57.5, 2.2), 1)
            x = round(6.4 * carat ** (1 / 3) + rng.gauss(0, 0.05), 2)
            y = round(x + rng.gauss(0, 0.05), 2)
            z = round(x * depth / 100, 2)
            log_price = 8.4 + 1.7 * math.log(carat) + 0.05 * cut - 0.08 * color + 0.09 * clarity + rng.gauss(0, 0.15)
            price = int(math.exp(log_price))
            f.write(f"{carat},{CUTS[cut]},{COLORS[color]},{CLARITIES[clarity]},{depth},{table},{x},{y},{z},{price}\n")


if __name__ == "__main__":
    main()
