#!/usr/bin/env python3
"""How far Keras's own float32 Adam trajectory is from exact arithmetic on train_l2.json.

    python tools/adam_drift.py [tests/fixtures/train_l2.json]

Replays the fixture (Dense(8, relu) -> Dense(1), L2(0.01) kernels, MSE, Adam(0.01), batch 8,
5 epochs, shuffle off, validation rows unused by the steps) with plain numpy, once in
float32 and once in float64, and prints after each epoch the worst ratio of
|a - b| to the fixture README's bound 1e-5 |b| + 1e-6 for: Keras vs float64, float32 vs
float64, float32 vs Keras. Needs only numpy. The numbers quoted in
tests/regularization_fixtures.rs came from this script.
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
PATH = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "tests", "fixtures", "train_l2.json")
d = json.load(open(PATH))
shapes = [np.array(w["value"]).shape for w in d["initial_weights"]]


def replay(F):
    x, y = np.array(d["data"]["x"], F), np.array(d["data"]["y"], F)
    W = [np.array(w["value"], F) for w in d["initial_weights"]]
    lr, b1, b2, eps, l2 = F(d["settings"]["optimizer"]["learning_rate"]), F(0.9), F(0.999), F(1e-7), F(0.01)
    m, v = [np.zeros_like(w) for w in W], [np.zeros_like(w) for w in W]
    t, epochs = 0, []
    for _ in range(d["settings"]["epochs"]):
        for s, e in d["settings"]["batches_per_epoch"]:
            k0, c0, k1, c1 = W
            z = x[s:e] @ k0 + c0
            h = np.maximum(z, 0)
            dout = F(2) * (h @ k1 + c1 - y[s:e]) / F(e - s)
            dz = (dout @ k1.T) * (z > 0)
            g = [x[s:e].T @ dz + l2 * (F(2) * k0), dz.sum(0), h.T @ dout + l2 * (F(2) * k1), dout.sum(0)]
            t += 1
            alpha = lr * np.sqrt(F(1) - b2 ** F(t)) / (F(1) - b1 ** F(t))
            for i in range(4):
                m[i] = m[i] + (g[i] - m[i]) * (F(1) - b1)
                v[i] = v[i] + (g[i] * g[i] - v[i]) * (F(1) - b2)
                W[i] = W[i] - (m[i] * alpha) / (np.sqrt(v[i]) + eps)
        epochs.append([w.astype(np.float64) for w in W])
    return epochs


def ratio(a, b):
    return max(float(np.max(np.abs(p - q) / (1e-5 * np.abs(q) + 1e-6))) for p, q in zip(a, b))


def keras_epoch(e):
    flat = np.concatenate([np.ravel(np.array(w, np.float64)) for w in d["expected"]["epochs"][e]["weights_after"]])
    out, o = [], 0
    for sh in shapes:
        n = int(np.prod(sh))
        out.append(flat[o:o + n].reshape(sh))
        o += n
    return out


p32, p64 = replay(np.float32), replay(np.float64)
for e in range(len(p32)):
    k = keras_epoch(e)
    print(f"epoch {e}: keras-f64 {ratio(k, p64[e]):.3f}  f32-f64 {ratio(p32[e], p64[e]):.3f}  "
          f"f32-keras {ratio(p32[e], k):.3f}")
