#!/usr/bin/env python3
"""Independent replay of the fixtures with plain numpy (float32), no Keras.

    python tools/check_fixtures.py [DIR]      # DIR defaults to tests/fixtures/

It re-computes every expected value from the inputs / initial weights stored in the
fixtures, using the update rules written in README.md, and prints the largest absolute
and relative error per fixture. A value passes when |got - expected| <= RTOL*|expected|
+ ATOL (defaults RTOL=1e-5, ATOL=1e-6; override with the environment variables RTOL/ATOL).
It is the executable form of the semantics documented in README.md and a template for
the Rust tests. Needs only numpy.
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DIR = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(HERE), "tests", "fixtures")
F = np.float32
EPS = F(1e-7)
RTOL = float(os.environ.get("RTOL", "1e-5"))
ATOL = float(os.environ.get("ATOL", "1e-6"))
worst = {}


def load(name):
    with open(os.path.join(DIR, name)) as f:
        return json.load(f)


def cmp(tag, got, exp):
    """Pass if |got-exp| <= RTOL*|exp| + ATOL elementwise; records the worst errors."""
    got = np.asarray(got, dtype=np.float64)
    exp = np.asarray(exp, dtype=np.float64)
    assert got.shape == exp.shape, (tag, got.shape, exp.shape)
    if not got.size:
        return
    diff = np.abs(got - exp)
    key = tag.split(":")[0]
    a, r = worst.get(key, (0.0, 0.0))
    worst[key] = (max(a, float(diff.max())),
                  max(r, float(np.max(diff / np.maximum(np.abs(exp), 1e-3)))))
    bad = diff > RTOL * np.abs(exp) + ATOL
    if bad.any():
        raise SystemExit(f"FAIL {tag}: {int(bad.sum())} values outside rtol={RTOL} "
                         f"atol={ATOL}; max abs err {diff.max():.3g}\n got {got}\n exp {exp}")


ACT = {
    "relu": lambda z: np.maximum(z, F(0)),
    "tanh": np.tanh,
    "sigmoid": lambda z: (F(1) / (F(1) + np.exp(-z))).astype(F),
    "linear": lambda z: z,
    "softmax": lambda z: (lambda e: e / e.sum(-1, keepdims=True))(
        np.exp(z - z.max(-1, keepdims=True))),
}
DACT = {  # derivative w.r.t. pre-activation, given z and a = act(z)
    "relu": lambda z, a: (z > 0).astype(F),
    "tanh": lambda z, a: F(1) - a * a,
    "sigmoid": lambda z, a: a * (F(1) - a),
    "linear": lambda z, a: np.ones_like(z),
}


def weights(layers):
    return [[np.array(l["kernel"], F), np.array(l["bias"], F), l["activation"]]
            for l in layers]


def forward(W, x):
    hs, zs = [x], []
    for k, b, a in W:
        z = (hs[-1] @ k + b).astype(F)
        zs.append(z)
        hs.append(ACT[a](z).astype(F))
    return hs, zs


def grads(W, x, y, loss):
    """Gradients of the mean loss over the batch (Keras sum_over_batch_size)."""
    hs, zs = forward(W, x)
    out = hs[-1]
    n = F(x.shape[0])
    if loss == "mse":
        lval = np.mean((out - y) ** 2, dtype=F)
        d = (F(2) * (out - y) / F(y.size)).astype(F)
        dz_last = d * DACT[W[-1][2]](zs[-1], out)
    elif loss == "sparse_categorical_crossentropy":
        # softmax output + CE on probabilities (Keras normalises and clips to [eps, 1-eps];
        # the clip is inactive here) -> dL/dz = (p - onehot) / n
        onehot = np.eye(out.shape[1], dtype=F)[y.ravel()]
        p = np.clip(out / out.sum(-1, keepdims=True), EPS, F(1) - EPS)
        lval = np.mean(-np.sum(onehot * np.log(p), -1), dtype=F)
        assert W[-1][2] == "softmax"
        dz_last = ((out - onehot) / n).astype(F)
    else:
        raise ValueError(loss)
    gs = [None] * len(W)
    dz = dz_last
    for i in range(len(W) - 1, -1, -1):
        gs[i] = [(hs[i].T @ dz).astype(F), dz.sum(0).astype(F)]
        if i:
            d = dz @ W[i][0].T
            dz = (d * DACT[W[i - 1][2]](zs[i - 1], hs[i])).astype(F)
    return lval, gs, out


class Opt:
    def __init__(self, cfg):
        self.c = cfg
        self.t = 0
        self.state = {}

    def step(self, W, G):
        self.t += 1
        c = self.c
        lr = F(c["learning_rate"])
        for li, (layer, g) in enumerate(zip(W, G)):
            for j in range(2):
                w, gj = layer[j], g[j]
                key = (li, j)
                if c["class"] == "SGD":
                    layer[j] = (w - lr * gj).astype(F)
                elif c["class"] == "Adam":
                    m, v = self.state.get(key, (np.zeros_like(w), np.zeros_like(w)))
                    b1, b2, eps = F(c["beta_1"]), F(c["beta_2"]), F(c["epsilon"])
                    m = m + (gj - m) * (F(1) - b1)
                    v = v + (gj * gj - v) * (F(1) - b2)
                    alpha = lr * np.sqrt(F(1) - b2 ** F(self.t)) / (F(1) - b1 ** F(self.t))
                    layer[j] = (w - (m * alpha) / (np.sqrt(v) + eps)).astype(F)
                    self.state[key] = (m, v)
                elif c["class"] == "RMSprop":
                    v = self.state.get(key, np.zeros_like(w))
                    rho, eps = F(c["rho"]), F(c["epsilon"])
                    v = rho * v + (F(1) - rho) * gj * gj
                    layer[j] = (w - lr * gj / np.sqrt(v + eps)).astype(F)
                    self.state[key] = v
                else:
                    raise ValueError(c["class"])


def check_forward():
    d = load("dense_forward.json")
    x = np.array(d["input"], F)
    hs, zs = forward(weights(d["layers"]), x)
    for i, (h, z) in enumerate(zip(hs[1:], zs)):
        cmp(f"dense_forward:pre{i}", z, d["expected"]["pre_activation"][i])
        cmp(f"dense_forward:out{i}", h, d["expected"]["layer_outputs"][i])


def check_gradients():
    d = load("gradients.json")
    x, y = np.array(d["input"], F), np.array(d["y_true"], F)
    lval, gs, _ = grads(weights(d["layers"]), x, y, "mse")
    cmp("gradients:loss", lval, d["expected"]["loss"])
    for i, (g, e) in enumerate(zip(gs, d["expected"]["gradients"])):
        cmp(f"gradients:k{i}", g[0], e["kernel_grad"])
        cmp(f"gradients:b{i}", g[1], e["bias_grad"])


def check_training(name):
    d = load(name)
    s = d["settings"]
    x = np.array(d["data"]["x"], F)
    cls = s["loss"] == "sparse_categorical_crossentropy"
    y = np.array(d["data"]["y"], np.int64 if cls else F).reshape(len(x), -1)
    W = weights(d["initial_weights"])
    opt = Opt(s["optimizer"])
    t0, t1 = s["train_rows"]
    hist = {"loss": [], "val_loss": [], "accuracy": []}
    for ep in range(s["epochs"]):
        tot, acc, cnt = 0.0, 0.0, 0
        for b0 in range(t0, t1, s["batch_size"]):
            b1 = min(b0 + s["batch_size"], t1)
            lval, gs, out = grads(W, x[b0:b1], y[b0:b1], s["loss"])
            n = b1 - b0
            tot += float(lval) * n
            cnt += n
            if cls:
                acc += float(np.sum(np.argmax(out, -1) == y[b0:b1].ravel()))
            opt.step(W, gs)
        hist["loss"].append(tot / cnt)
        hist["accuracy"].append(acc / cnt)
        if s["validation_rows"]:
            v0, v1 = s["validation_rows"]
            out = forward(W, x[v0:v1])[0][-1]
            hist["val_loss"].append(float(np.mean((out - y[v0:v1]) ** 2)))
    for k, vals in d["expected"]["history"].items():
        cmp(f"{name}:history.{k}", hist[k], vals)
    for i, (layer, e) in enumerate(zip(W, d["expected"]["final_weights"])):
        cmp(f"{name}:final_kernel{i}", layer[0], e["kernel"])
        cmp(f"{name}:final_bias{i}", layer[1], e["bias"])


def check_losses():
    d = load("losses.json")["cases"]

    def arr(c, k, dt=F):
        return np.array(c["inputs"][k], dt)

    for name, c in d.items():
        yt, yp = arr(c, "y_true", np.float64 if "sparse" not in name else np.int64), \
            arr(c, "y_pred")
        yt = yt.astype(F) if "sparse" not in name else yt
        if yt.ndim != yp.ndim and "sparse" not in name:
            yt = yt.reshape(yp.shape)
        if name.startswith("mse"):
            per = np.mean((yp - yt) ** 2, -1)
        elif name == "mae":
            per = np.mean(np.abs(yp - yt), -1)
        elif name == "huber":
            e = np.abs(yp - yt)
            per = np.mean(np.where(e <= 1, 0.5 * e * e, e - 0.5), -1)
        elif name.startswith("mean_absolute_percentage"):
            per = 100 * np.mean(np.abs((yt - yp) / np.maximum(np.abs(yt), EPS)), -1)
        elif name == "binary_crossentropy":
            p = np.clip(yp, EPS, 1 - EPS)
            per = np.mean(-(yt * np.log(p) + (1 - yt) * np.log(1 - p)), -1)
        elif name == "binary_crossentropy_from_logits":
            per = np.mean(np.maximum(yp, 0) - yp * yt + np.log1p(np.exp(-np.abs(yp))), -1)
        elif name.startswith("categorical") or name.startswith("sparse"):
            oh = np.eye(yp.shape[1], dtype=F)[yt] if "sparse" in name else yt
            if name.endswith("from_logits"):
                z = yp - yp.max(-1, keepdims=True)
                logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
            else:
                logp = np.log(np.clip(yp / yp.sum(-1, keepdims=True), EPS, 1 - EPS))
            per = -np.sum(oh * logp, -1)
        else:
            raise ValueError(name)
        cmp(f"losses:{name}.per_sample", per, c["per_sample"])
        w = np.array(c["inputs"].get("sample_weight", np.ones(len(per))), F)
        cmp(f"losses:{name}.reduced", np.sum(per * w) / per.size, c["sum_over_batch_size"])


check_forward()
check_gradients()
check_losses()
for f in sorted(os.listdir(DIR)):
    # The engine training fixtures; the regularization ones (layer specs, flat weight lists)
    # are asserted by the generator and replayed by tests/regularization_fixtures.rs.
    if f.startswith("train_") and f.endswith(".json") and "kernel" in load(f)["initial_weights"][0]:
        check_training(f)
for k, (a, r) in worst.items():
    print(f"{k:32s} max abs err {a:.2e}   max rel err (|b| floored at 1e-3) {r:.2e}")
print(f"{len(worst)} passed, 0 failed")
