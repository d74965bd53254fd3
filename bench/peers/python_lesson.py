#!/usr/bin/env python3
"""The W1 lesson through the Keras Python API, on Keras 3 (JAX) or on kerust's Python package.

Usage:
  python python_lesson.py --impl keras  [--fits 3] [--epochs 100] [--threads 2] [--seed 0]
  python python_lesson.py --impl kerust [...]            # import kerust.keras as keras

Everything after the import is one code path for both implementations, and it uses only the
Keras API that kerust.keras mirrors: Sequential, Input, layers.Dense, optimizers.Adam,
utils.set_random_seed, fit(x, y, epochs, batch_size, validation_split, verbose=0) -> History.

W1 as in keras_bench.py / bench_common.py: Boston housing (data/boston_housing.csv, 506 rows,
13 features), features MinMax-scaled with the min/max of the first 404 rows,
Dense(64, relu) -> Dense(32, relu) -> Dense(1), Adam(lr 0.01), mse, batch 32, 100 epochs.
keras_bench.py passes validation_data=(last 102 rows); here the 506 rows go to fit with
validation_split=0.2, which both Keras and kerust cut at floor(506 * 0.8) = 404, so the
train / validation rows are the same ones (train reshuffled every epoch, val every epoch).

In one process: one warm-up fit (for Keras it includes tracing and XLA compilation; it is
reported apart, as first_fit_*), then --fits timed fits of fresh models with seeds
seed+1, seed+2, ...; only the model.fit call is timed. Prints ONE JSON line on stdout
(anything the libraries print goes to stderr), optionally also written to --json.
"""
import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_common as bc  # noqa: E402

VALIDATION_SPLIT = 0.2

p = argparse.ArgumentParser(description="W1 lesson via the Keras API (keras or kerust.keras)")
p.add_argument("--impl", choices=["keras", "kerust"], required=True)
p.add_argument("--fits", type=int, default=3, help="timed fits after the warm-up (median reported)")
p.add_argument("--epochs", type=int, default=bc.WORKLOADS["w1"]["epochs"])
p.add_argument("--threads", type=int, default=2)
p.add_argument("--seed", type=int, default=0)
p.add_argument("--data", default=os.environ.get("BOSTON_CSV", bc.DEFAULT_BOSTON),
               help="Boston housing CSV (header row, 13 features, MEDV last)")
p.add_argument("--json", default=None, help="also write the JSON line to this file")
args = p.parse_args()
if args.fits < 1 or args.epochs < 1:
    sys.exit("--fits and --epochs must be >= 1")
if not os.path.exists(args.data):
    # bench_common would silently fall back to sklearn's diabetes data; a comparison on
    # other data than W1 would be meaningless, so refuse instead.
    sys.exit(f"{args.data}: not found")

# The JSON line must be the only thing on stdout, but native code (XLA, Rust) may print to
# fd 1. Point fd 1 at stderr until the result is ready; keep the real stdout in `real_out`.
sys.stdout.flush()
real_out = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)

# Thread pinning and thread-count variables before numpy or a framework starts its pools.
bc.setup_threads(args.threads, xla=(args.impl == "keras"))
if args.impl == "keras":
    os.environ["KERAS_BACKEND"] = "jax"
    # TensorFlow is in the venv for the keras-tensorflow peer; keras.utils.set_random_seed
    # imports it (only to call tf.random.set_seed) when it can, ~2 s of start-up that has
    # nothing to do with JAX. Unimportable -> Keras skips it (as in kerastuner_bench.py).
    sys.modules["tensorflow"] = None

T0 = time.perf_counter()
import numpy as np  # noqa: E402

if args.impl == "keras":
    import keras  # noqa: E402
else:
    import kerust.keras as keras  # noqa: E402
T_IMPORTED = time.perf_counter()

cfg = bc.WORKLOADS["w1"]
d = bc.load_workload("w1", args.data)
# bench_common scales with the first 404 rows' min/max and splits 404 / 102; glue the rows
# back together in their original order and let validation_split cut at the same place.
x = np.ascontiguousarray(np.concatenate([d["x_train"], d["x_val"]]), dtype=np.float32)
y = np.ascontiguousarray(np.concatenate([d["y_train"], d["y_val"]]), dtype=np.float32)
n_train = int(np.floor(len(x) * (1.0 - VALIDATION_SPLIT)))
assert n_train == d["x_train"].shape[0], (n_train, d["x_train"].shape)


def build():
    model = keras.Sequential(
        [keras.Input(shape=(x.shape[1],))]
        + [keras.layers.Dense(h, activation="relu") for h in cfg["hidden"]]
        + [keras.layers.Dense(1)]
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=cfg["lr"]), loss="mse")
    return model


def one_fit(seed):
    keras.utils.set_random_seed(seed)
    model = build()
    t0 = time.perf_counter()
    hist = model.fit(x, y, epochs=args.epochs, batch_size=cfg["batch_size"],
                     validation_split=VALIDATION_SPLIT, verbose=0)
    dt = time.perf_counter() - t0
    h = hist.history
    if len(h["loss"]) != args.epochs or len(h["val_loss"]) != args.epochs:
        sys.exit(f"history has {len(h['loss'])} loss / {len(h['val_loss'])} val_loss entries, "
                 f"expected {args.epochs}")
    return dict(seconds=dt, loss=float(h["loss"][-1]), val_loss=float(h["val_loss"][-1]))


def versions():
    v = {"python": sys.version.split()[0], "numpy": np.__version__}
    if args.impl == "keras":
        import jax
        import jaxlib
        v.update(keras=keras.__version__, jax=jax.__version__, jaxlib=jaxlib.__version__)
    else:
        import importlib.metadata as md
        import kerust
        v["kerust"] = getattr(kerust, "__version__", None)
        v["kerust.keras"] = getattr(keras, "__version__", None)
        try:
            v["kerust_dist"] = md.version("kerust")
        except md.PackageNotFoundError:
            v["kerust_dist"] = None
    return v


s0 = bc.cpu_snapshot()
first = one_fit(args.seed)
fits = [one_fit(args.seed + 1 + i) for i in range(args.fits)]
other = bc.other_load(s0, bc.cpu_snapshot())

secs = [f["seconds"] for f in fits]
med = statistics.median(secs)
# val_loss of the fit whose time is the median (even count: the upper middle one)
med_idx = sorted(range(len(secs)), key=lambda i: secs[i])[len(secs) // 2]
ep = args.epochs
res = dict(
    impl=args.impl,
    lesson="w1",
    ms_per_epoch_median=1000.0 * med / ep,
    ms_per_epoch_all=[1000.0 * s / ep for s in secs],
    fits=len(fits),
    epochs=ep,
    batch_size=cfg["batch_size"],
    learning_rate=cfg["lr"],
    hidden=list(cfg["hidden"]),
    validation_split=VALIDATION_SPLIT,
    n_train=n_train,
    n_val=int(len(x) - n_train),
    val_loss=fits[med_idx]["val_loss"],
    val_loss_all=[f["val_loss"] for f in fits],
    loss_all=[f["loss"] for f in fits],
    first_fit_ms_per_epoch=1000.0 * first["seconds"] / ep,
    first_fit_val_loss=first["val_loss"],
    import_seconds=T_IMPORTED - T0,
    seeds=[args.seed + i for i in range(1 + args.fits)],
    threads=args.threads,
    affinity=sorted(os.sched_getaffinity(0)),
    other_cpus_busy=other,
    loadavg_at_end=open("/proc/loadavg").read().split()[:3],
    versions=versions(),
    cpu=bc.cpu_model(),
    data=os.path.relpath(args.data, os.path.join(bc.HERE, "..", "..")),
    timestamp=time.strftime("%Y-%m-%dT%H:%M:%S"),
)
line = json.dumps(res)
if args.json:
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w") as f:
        f.write(line + "\n")
sys.stdout.flush()
real_out.write(line + "\n")
real_out.flush()
print(f"{args.impl} w1: {res['ms_per_epoch_median']:.2f} ms/epoch (median of {len(fits)}: "
      f"{', '.join(f'{m:.2f}' for m in res['ms_per_epoch_all'])}), val_loss {res['val_loss']:.4f}; "
      f"warm-up fit {res['first_fit_ms_per_epoch']:.1f} ms/epoch; other processes kept "
      f"{other:.2f} CPUs busy", file=sys.stderr)
