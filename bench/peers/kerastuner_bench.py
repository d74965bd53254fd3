#!/usr/bin/env python3
"""KerasTuner RandomSearch peer benchmark for `kerust tune` (Keras 3 on JAX).

Usage:
  KERAS_BACKEND=jax python kerastuner_bench.py --trials 20 --epochs 100 --seed 1 --threads 2 --json out.json

Same search as `kerust tune` with its default space on Boston housing:
  * rows split 80/20 into train/test first (scikit-learn `train_test_split`, seeded; the test
    rows are not used by the search), MinMaxScaler fitted on the train rows;
  * Sequential: num_layers = Int(1, 3) x [Dense(units_i = Int(16, 256), relu),
    Dropout(dropout = Float(0, 0.5))], Dense(1); Adam(lr = Float(1e-4, 1e-1, log)); loss mse;
  * batch_size = Choice(16, 32, 64), tuned in HyperModel.fit();
  * fit(epochs, validation_split=0.2), objective val_loss (KerasTuner takes the best epoch),
    RandomSearch(max_trials, executions_per_trial=1, overwrite=True) in a temporary directory.

All hyperparameters are declared up front (HyperModel.declare_hyperparameters), so every trial,
the first one included, samples all of them at random. Without that, KerasTuner discovers the
space while running: batch_size (registered in fit(), which the initial space discovery does
not call) would take its default 16 in trial 1, and units_1 / units_2 their default 16 in the
first trial that uses them.

Timed: `tuner.search(...)` (headline, seconds_per_trial = search seconds / trials), plus, apart,
the tuner construction (it builds the hypermodel once to discover the space) and each trial's
`model.fit` call. The process start-up and imports are not inside any of these; the caller
(bench/tune_compare.sh) times the whole command as well.
"""
import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_common as bc  # noqa: E402

T_START = time.perf_counter()

p = argparse.ArgumentParser(description="KerasTuner RandomSearch peer benchmark")
p.add_argument("--trials", type=int, default=20)
p.add_argument("--epochs", type=int, default=100)
p.add_argument("--seed", type=int, default=1,
               help="oracle seed, split seed and Keras seed; must be >= 1 (KerasTuner's "
                    "oracle treats seed 0 as 'no seed' and draws a random one)")
p.add_argument("--threads", type=int, default=2)
p.add_argument("--json", default=None, help="write the result object to this file")
p.add_argument("--data", default=os.environ.get("BOSTON_CSV", bc.DEFAULT_BOSTON),
               help="Boston housing CSV (header row, 13 features, MEDV last)")
p.add_argument("--target", default="MEDV")
args = p.parse_args()
if args.seed < 1:
    sys.exit("--seed must be >= 1: KerasTuner's oracle does `seed or random.randint(1, 10000)`, "
             "so seed 0 would not be reproducible")
if args.trials < 1 or args.epochs < 1:
    sys.exit("--trials and --epochs must be >= 1")

os.environ["KERAS_BACKEND"] = "jax"
bc.setup_threads(args.threads, xla=True)
# TensorFlow is in the venv for the keras-tensorflow peer; on the JAX backend nothing here needs
# it, but keras.utils.set_random_seed imports it (only to call tf.random.set_seed) when it can,
# which costs ~2 s of start-up. Make it unimportable (ImportError -> Keras skips it).
sys.modules["tensorflow"] = None

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.preprocessing import MinMaxScaler  # noqa: E402

import keras  # noqa: E402
import keras_tuner as kt  # noqa: E402

T_IMPORTED = time.perf_counter()

df = pd.read_csv(args.data)
if args.target not in df.columns:
    sys.exit(f"{args.data}: no column {args.target!r}")
X = df.drop(columns=[args.target]).to_numpy(dtype=np.float64)
y = df[[args.target]].to_numpy(dtype=np.float32)
x_train, x_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=args.seed)
scaler = MinMaxScaler().fit(x_train)
x_train = scaler.transform(x_train).astype(np.float32)
N_FEATURES = x_train.shape[1]


class BostonHyperModel(kt.HyperModel):
    def __init__(self):
        super().__init__(name="boston_mlp")
        self.fits = []  # one dict per model.fit call (i.e. per trial here)

    def declare_hyperparameters(self, hp):
        hp.Int("num_layers", 1, 3)
        for i in range(3):
            hp.Int(f"units_{i}", 16, 256)
        hp.Float("dropout", 0.0, 0.5)
        hp.Float("lr", 1e-4, 1e-1, sampling="log")
        hp.Choice("batch_size", [16, 32, 64])

    def build(self, hp):
        # One Sequential([...]) call rather than model.add() per layer: add() rebuilds the model
        # (and re-runs the JAX weight initialisers) after every layer.
        layers = [keras.Input(shape=(N_FEATURES,))]
        for i in range(hp.Int("num_layers", 1, 3)):
            layers.append(keras.layers.Dense(hp.Int(f"units_{i}", 16, 256), activation="relu"))
            layers.append(keras.layers.Dropout(hp.Float("dropout", 0.0, 0.5)))
        layers.append(keras.layers.Dense(1))
        model = keras.Sequential(layers)
        lr = hp.Float("lr", 1e-4, 1e-1, sampling="log")
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr), loss="mse")
        return model

    def fit(self, hp, model, *fit_args, **fit_kwargs):
        fit_kwargs["batch_size"] = hp.Choice("batch_size", [16, 32, 64])
        t0 = time.perf_counter()
        hist = model.fit(*fit_args, **fit_kwargs)
        dt = time.perf_counter() - t0
        vl = hist.history["val_loss"]
        self.fits.append(dict(fit_seconds=dt, epochs=len(vl),
                              best_val_loss=float(min(vl)), best_epoch=int(np.argmin(vl)) + 1,
                              params=dict(hp.values)))
        return hist


keras.utils.set_random_seed(args.seed)
workdir = tempfile.mkdtemp(prefix="kerastuner_bench_")
hypermodel = BostonHyperModel()
s0 = bc.cpu_snapshot()
cpu0 = os.times()
t0 = time.perf_counter()
tuner = kt.RandomSearch(
    hypermodel,
    objective="val_loss",
    max_trials=args.trials,
    executions_per_trial=1,
    seed=args.seed,
    overwrite=True,
    directory=workdir,
    project_name="boston",
)
t1 = time.perf_counter()
tuner.search(x_train, y_train, epochs=args.epochs, validation_split=0.2, verbose=0)
t2 = time.perf_counter()
cpu1 = os.times()
other = bc.other_load(s0, bc.cpu_snapshot())

trials = sorted(tuner.oracle.trials.values(), key=lambda t: int(t.trial_id))
completed = [t for t in trials if t.status == "COMPLETED"]
best = tuner.oracle.get_best_trials(1)[0]
shutil.rmtree(workdir, ignore_errors=True)

search_seconds = t2 - t1
n_done = len(completed)
fit_secs = [f["fit_seconds"] for f in hypermodel.fits]

import jax  # noqa: E402
import jaxlib  # noqa: E402
import sklearn  # noqa: E402

res = dict(
    peer="kerastuner",
    backend=keras.backend.backend(),
    sampler="random",
    threads=args.threads,
    seed=args.seed,
    trials_requested=args.trials,
    trials_completed=n_done,
    trial_states={s: sum(t.status == s for t in trials) for s in sorted({t.status for t in trials})},
    epochs=args.epochs,
    validation_split=0.2,
    n_rows=int(len(df)),
    n_train=int(x_train.shape[0]),
    n_test=int(x_test.shape[0]),
    n_features=int(N_FEATURES),
    data=os.path.abspath(args.data),
    search_seconds=search_seconds,
    seconds_per_trial=search_seconds / max(n_done, 1),
    trials_per_s=n_done / search_seconds,
    tuner_init_seconds=t1 - t0,
    startup_seconds=T_IMPORTED - T_START,
    fit_seconds=fit_secs,
    median_fit_seconds=statistics.median(fit_secs) if fit_secs else None,
    overhead_seconds=search_seconds - sum(fit_secs),
    cpu_seconds=(cpu1.user + cpu1.system) - (cpu0.user + cpu0.system),
    best_val_loss=float(best.score),
    best_trial=best.trial_id,
    best_params=dict(best.hyperparameters.values),
    trials=[dict(trial_id=t.trial_id, status=t.status, score=t.score,
                 params=dict(t.hyperparameters.values)) for t in trials],
    fits=hypermodel.fits,
    versions=dict(keras=keras.__version__, keras_tuner=kt.__version__, jax=jax.__version__,
                  jaxlib=jaxlib.__version__, numpy=np.__version__, pandas=pd.__version__,
                  sklearn=sklearn.__version__),
    cpu=bc.cpu_model(),
    affinity=sorted(os.sched_getaffinity(0)),
    env={k: os.environ.get(k) for k in ("XLA_FLAGS", "OMP_NUM_THREADS", "KERAS_BACKEND")},
    tensorflow_imported=sys.modules.get("tensorflow") is not None,
    python=sys.version.split()[0],
    other_cpus_busy=other,
    loadavg_at_end=open("/proc/loadavg").read().split()[:3],
    timestamp=time.strftime("%Y-%m-%dT%H:%M:%S"),
    note="seconds_per_trial = tuner.search wall seconds / completed trials (imports, data "
         "loading and the tuner construction excluded); fit_seconds = each trial's model.fit; "
         "overhead_seconds = search - sum(fit) (clear_session, model building, oracle and trial "
         "files); JAX tracing / XLA compilation and KerasTuner's best-epoch weight "
         "checkpoints (a callback) happen inside fit",
)
txt = json.dumps(res, indent=1)
if args.json:
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w") as f:
        f.write(txt + "\n")
print(f"kerastuner/{res['backend']} RandomSearch {n_done}/{args.trials} trials x {args.epochs} "
      f"epochs, threads={args.threads}: search {search_seconds:.2f}s = "
      f"{res['seconds_per_trial']:.3f} s/trial (median fit {res['median_fit_seconds']:.3f}s), "
      f"best val_loss {res['best_val_loss']:.4f} (trial {best.trial_id}); tuner init "
      f"{res['tuner_init_seconds']:.2f}s, start-up {res['startup_seconds']:.2f}s; other processes "
      f"kept {other:.2f} CPUs busy")
