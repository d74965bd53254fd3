"""What kerust's Python layer adds to a fit: the W1 lesson fitted through
`kerust.keras.Sequential.fit` (argument checks, conversion, callbacks list, History) and
through the engine's own `fit` underneath it (`model._rust.fit`, the same arrays and
settings), alternated in one process, REPS times each. Prints one JSON line.

    python python_overhead.py [--reps 30] [--epochs 100] [--data data/boston_housing.csv]
"""

import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_common as bc  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("--reps", type=int, default=30)
p.add_argument("--epochs", type=int, default=100)
p.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "data", "boston_housing.csv"))
args = p.parse_args()

import numpy as np  # noqa: E402
import kerust.keras as keras  # noqa: E402

cfg = bc.WORKLOADS["w1"]
d = bc.load_workload("w1", args.data)
x = np.ascontiguousarray(np.concatenate([d["x_train"], d["x_val"]]), dtype=np.float32)
y = np.ascontiguousarray(np.concatenate([d["y_train"], d["y_val"]]), dtype=np.float32).reshape(-1, 1)


def build(seed):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=(x.shape[1],))] + [keras.layers.Dense(h, activation="relu") for h in cfg["hidden"]] + [keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=cfg["lr"]), loss="mse")
    return model


def timed(fit):
    t = time.perf_counter()
    fit()
    return time.perf_counter() - t


python, engine = [], []
for i in range(args.reps + 1):
    a, b = build(i), build(i)
    tp = timed(lambda: a.fit(x, y, epochs=args.epochs, batch_size=cfg["batch_size"], validation_split=0.2, verbose=0))
    te = timed(lambda: b._rust.fit(x, y, epochs=args.epochs, batch_size=cfg["batch_size"], shuffle=True,
                                   validation_split=0.2, callbacks=[]))
    assert a.get_weights()[0].tobytes() == b.get_weights()[0].tobytes(), "the two paths must train alike"
    if i:  # the first pair warms up
        python.append(tp)
        engine.append(te)
mp, me = statistics.median(python), statistics.median(engine)
print(json.dumps({
    "reps": args.reps, "epochs": args.epochs,
    "python_fit_ms_per_epoch": 1e3 * mp / args.epochs, "engine_fit_ms_per_epoch": 1e3 * me / args.epochs,
    "python_layer_adds_percent": 100 * (mp / me - 1),
}))
