#!/usr/bin/env python3
"""Regenerate the Keras 3 / scikit-learn reference fixtures in this folder.

    python tools/make_fixtures.py                 # every fixture, into tests/fixtures/
    python tools/make_fixtures.py --only-new      # only the regularization fixtures (issue 4)
    python tools/make_fixtures.py --only references   # activations, loss gradients, initializers (issue 20)
    python tools/make_fixtures.py --out DIR       # elsewhere
    python tools/make_fixtures.py --config C.json --out DIR   # another variant (seed/architecture)

Copied from ../shared/reference/make_fixtures.py; everything above the "regularization"
section is unchanged, so the engine fixtures it writes stay byte-identical. The
regularization section (Dropout, BatchNormalization, L1/L2 penalties, constraints,
class_weight / sample_weight, the summary with non-trainable params) takes its settings
from REGULARIZATION_CONFIG (or the "regularization" key of --config) and records them in
config_regularization_used.json, leaving config_used.json as it was.

Runs Keras 3 on the JAX backend, float32, CPU, single-threaded XLA (for bit-for-bit
reproducibility), seeded with keras.utils.set_random_seed(seed). Running it twice gives
identical files on the same machine / package versions (checked); see README.md for the
versions used and the meaning of every field.

Every JSON fixture is self-contained: inputs, initial weights (kernel as [in][out],
bias as [out]), settings and expected outputs. Floats are the exact float32 values
written as the shortest decimal that round-trips the float64 widening of the float32
(parse as f64 then cast to f32, or parse directly as f32: both give the same bits).
"""
import argparse
import copy
import io
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(os.path.dirname(HERE), "tests", "fixtures")

# --------------------------------------------------------------------------- config
PUBLIC_CONFIG = {
    "variant": "public",
    "seed": 0,
    "forward": {"rows": 5, "features": 3,
                "layers": [[4, "relu"], [3, "tanh"], [2, "sigmoid"], [1, "linear"]]},
    "regression_train": {
        "rows": 40, "features": 3,
        "layers": [[8, "relu"], [1, "linear"]],
        "batch_size": 8, "epochs": 5,
        "optimizers": {
            "sgd": {"class": "SGD", "learning_rate": 0.05},
            "adam": {"class": "Adam", "learning_rate": 0.01},
            "rmsprop": {"class": "RMSprop", "learning_rate": 0.01},
        },
        "validation_split": {"value": 0.25, "optimizer": "adam"},
        # extra case: 40 rows with batch 12 -> batches of 12, 12, 12, 4
        "partial_batch": {"batch_size": 12, "optimizer": "adam"},
    },
    "classification": {
        "rows": 30, "features": 4, "classes": 3,
        "layers": [[8, "relu"], [3, "softmax"]],
        "batch_size": 10, "epochs": 4,
        "optimizer": {"class": "Adam", "learning_rate": 0.01},
    },
    "summary": {"input": 13, "layers": [[64, "relu"], [32, "relu"], [1, "linear"]]},
}

parser = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--out", default=FIXTURES)
parser.add_argument("--config", default=None, help="JSON config overriding PUBLIC_CONFIG")
parser.add_argument("--only-new", action="store_true",
                    help="write only the regularization fixtures (same as --only regularization)")
parser.add_argument("--only", choices=["regularization", "references"], default=None,
                    help="write only one section: the regularization fixtures, or the "
                         "element-wise references (activations, loss gradients, initializers)")
args = parser.parse_args()

CFG = copy.deepcopy(PUBLIC_CONFIG)
if args.config:
    with open(args.config) as f:
        CFG = json.load(f)

# Backend / determinism settings: must precede the keras import.
os.environ["KERAS_BACKEND"] = "jax"
os.environ["JAX_PLATFORMS"] = "cpu"
os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                           " --xla_cpu_multi_thread_eigen=false"
                           " intra_op_parallelism_threads=1").strip()
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ["COLUMNS"] = "200"  # wide console for model.summary()

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import jaxlib  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn import metrics as skm  # noqa: E402
from sklearn.preprocessing import MinMaxScaler, StandardScaler  # noqa: E402

try:
    import tensorflow as _tf  # only to report its version (not used as backend)
    TF_VERSION = _tf.__version__
except Exception:  # pragma: no cover
    TF_VERSION = None

assert keras.backend.backend() == "jax"
keras.config.set_floatx("float32")

VERSIONS = {
    "keras": keras.__version__,
    "keras_backend": keras.backend.backend(),
    "jax": jax.__version__,
    "jaxlib": jaxlib.__version__,
    "tensorflow_installed": TF_VERSION,
    "scikit-learn": sklearn.__version__,
    "numpy": np.__version__,
    "python": sys.version.split()[0],
    "floatx": keras.config.floatx(),
    "epsilon": keras.config.epsilon(),
}
SEED = int(CFG["seed"])
OUT = args.out
os.makedirs(OUT, exist_ok=True)


# --------------------------------------------------------------------------- helpers
def f32(a):
    """float32 array / scalar -> nested Python floats (exact float32 values)."""
    a = np.asarray(a, dtype=np.float32)
    return a.astype(np.float64).tolist()


def f64(a):
    return np.asarray(a, dtype=np.float64).tolist()


def write(name, obj):
    obj = {"fixture": name.rsplit(".", 1)[0], "variant": CFG["variant"], "seed": SEED,
           "versions": VERSIONS, **obj}
    path = os.path.join(OUT, name)
    txt = json.dumps(obj, indent=1)
    with open(path + ".tmp", "w") as f:
        f.write(txt + "\n")
    os.replace(path + ".tmp", path)
    size = os.path.getsize(path)
    assert size < 200_000, (name, size)
    print(f"wrote {path} ({size} bytes)")


def make_rng(offset):
    return np.random.default_rng(SEED * 1000 + offset)


def build_model(n_in, layers):
    model = keras.Sequential(
        [keras.Input(shape=(n_in,))]
        + [keras.layers.Dense(u, activation=a) for u, a in layers])
    return model


def layer_weights(model):
    out = []
    for layer in model.layers:
        k, b = layer.get_weights()
        out.append({"name": layer.name, "units": int(layer.units),
                    "activation": layer.get_config()["activation"],
                    "kernel": f32(k), "bias": f32(b)})
    return out


def weights_list(model):
    """Compact form: [[kernel, bias], ...] per layer."""
    return [[f32(w) for w in layer.get_weights()] for layer in model.layers]


def arch(layers):
    return [{"units": u, "activation": a, "kernel_initializer": "glorot_uniform",
             "bias_initializer": "zeros", "use_bias": True} for u, a in layers]


def make_optimizer(spec):
    cls = getattr(keras.optimizers, spec["class"])
    return cls(learning_rate=spec["learning_rate"])


def opt_config(opt):
    cfg = opt.get_config()
    keep = {}
    for k, v in cfg.items():
        if isinstance(v, (int, float, str, bool)) or v is None:
            keep[k] = v
    return keep


# --------------------------------------------------------------------------- 1 forward
def fixture_forward():
    c = CFG["forward"]
    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED)
    rng = make_rng(1)
    model = build_model(c["features"], c["layers"])
    # Replace the (zero) default biases with small random values so that the bias
    # addition is exercised; kernels keep their glorot_uniform initial values.
    for layer in model.layers:
        k, b = layer.get_weights()
        layer.set_weights([k, rng.normal(0.0, 0.5, size=b.shape).astype(np.float32)])
    x = rng.normal(0.0, 1.0, size=(c["rows"], c["features"])).astype(np.float32)

    outs, pre = [], []
    h = keras.ops.convert_to_tensor(x)
    for layer in model.layers:
        k, b = layer.kernel, layer.bias
        z = keras.ops.add(keras.ops.matmul(h, k), b)
        pre.append(f32(z))
        h = layer(h)
        outs.append(f32(h))
    full = np.asarray(model.predict(x, verbose=0))
    direct = np.asarray(model(x))
    assert np.array_equal(np.asarray(outs[-1], dtype=np.float32), direct)
    return model, x, {
        "description": "Sequential Dense stack; forward pass of x through every layer. "
                       "Biases were overwritten with N(0, 0.5) values (Keras default is "
                       "zeros) so that bias addition is tested.",
        "architecture": arch(c["layers"]),
        "input": f32(x),
        "layers": layer_weights(model),
        "expected": {
            "pre_activation": pre,
            "layer_outputs": outs,
            "output": outs[-1],
            "predict_output": f32(full),
        },
        "notes": "pre_activation[i] = input_i @ kernel_i + bias_i (Keras ops); "
                 "layer_outputs[i] = layer_i(input_i) = activation(pre_activation[i]). "
                 "predict_output = model.predict(x) (batched, batch_size 32).",
    }


# --------------------------------------------------------------------------- 2 losses
def fixture_losses():
    rng = make_rng(2)
    L = keras.losses
    res = {}

    def case(name, fn_obj, fn_per_sample, y_true, y_pred, inputs, sample_weight=None,
             settings=None):
        if sample_weight is None:
            red = fn_obj(y_true, y_pred)
        else:
            red = fn_obj(y_true, y_pred, sample_weight=sample_weight)
        per = fn_per_sample(y_true, y_pred)
        entry = {"inputs": inputs, "settings": settings or {},
                 "per_sample": f32(per), "sum_over_batch_size": f32(red)}
        if sample_weight is not None:
            entry["inputs"]["sample_weight"] = f32(sample_weight)
        res[name] = entry

    # regression (4 samples x 3 outputs)
    yt = rng.normal(0.0, 2.0, size=(4, 3)).astype(np.float32)
    yp = (yt + rng.normal(0.0, 1.5, size=(4, 3))).astype(np.float32)
    reg_in = lambda: {"y_true": f32(yt), "y_pred": f32(yp)}  # noqa: E731
    case("mse", L.MeanSquaredError(), L.mean_squared_error, yt, yp, reg_in())
    case("mae", L.MeanAbsoluteError(), L.mean_absolute_error, yt, yp, reg_in())
    case("huber", L.Huber(delta=1.0), lambda a, b: L.huber(a, b, delta=1.0), yt, yp,
         reg_in(), settings={"delta": 1.0})
    case("mean_absolute_percentage_error", L.MeanAbsolutePercentageError(),
         L.mean_absolute_percentage_error, yt, yp, reg_in())
    yt0 = yt.copy()
    yt0[0, 0] = 0.0
    yt0[2, 1] = 0.0
    case("mean_absolute_percentage_error_zero_true", L.MeanAbsolutePercentageError(),
         L.mean_absolute_percentage_error, yt0, yp, {"y_true": f32(yt0), "y_pred": f32(yp)},
         settings={"note": "y_true has exact zeros: Keras divides by max(|y_true|, 1e-7)"})
    sw = np.array([1.0, 0.5, 2.0, 0.0], dtype=np.float32)
    case("mse_sample_weight", L.MeanSquaredError(), L.mean_squared_error, yt, yp, reg_in(),
         sample_weight=sw,
         settings={"note": "sum(per_sample*w) / number_of_samples (NOT / sum(w))"})
    # rank mismatch: y_true (n,), y_pred (n,1) -> Keras squeezes, no broadcasting
    yt1 = rng.normal(0.0, 1.0, size=(5,)).astype(np.float32)
    yp1 = rng.normal(0.0, 1.0, size=(5, 1)).astype(np.float32)
    case("mse_rank_mismatch", L.MeanSquaredError(), L.mean_squared_error, yt1, yp1,
         {"y_true": f32(yt1), "y_pred": f32(yp1)},
         settings={"note": "y_true shape (5,), y_pred shape (5,1): Keras aligns ranks "
                           "(expand/squeeze), it does not broadcast to (5,5)"})

    # binary (4 x 2)
    bt = rng.integers(0, 2, size=(4, 2)).astype(np.float32)
    bp = rng.uniform(0.02, 0.98, size=(4, 2)).astype(np.float32)
    bp[0, 0], bp[3, 1] = 0.0, 1.0  # exercise the [eps, 1-eps] clipping
    bt[0, 0], bt[3, 1] = 1.0, 0.0
    bl = rng.normal(0.0, 3.0, size=(4, 2)).astype(np.float32)
    bl[1, 0] = 40.0
    bl[2, 1] = -40.0
    case("binary_crossentropy", L.BinaryCrossentropy(), L.binary_crossentropy, bt, bp,
         {"y_true": f32(bt), "y_pred": f32(bp)},
         settings={"from_logits": False, "label_smoothing": 0.0,
                   "note": "y_pred clipped to [1e-7, 1-1e-7]; mean over last axis"})
    case("binary_crossentropy_from_logits", L.BinaryCrossentropy(from_logits=True),
         lambda a, b: L.binary_crossentropy(a, b, from_logits=True), bt, bl,
         {"y_true": f32(bt), "y_pred": f32(bl)}, settings={"from_logits": True})

    # categorical (4 x 3)
    labels = np.array([0, 2, 1, 2])
    ct = np.eye(3, dtype=np.float32)[labels]
    raw = rng.uniform(0.05, 1.0, size=(4, 3)).astype(np.float32)
    cp = (raw / raw.sum(axis=1, keepdims=True)).astype(np.float32)
    cl = rng.normal(0.0, 2.0, size=(4, 3)).astype(np.float32)
    case("categorical_crossentropy", L.CategoricalCrossentropy(),
         L.categorical_crossentropy, ct, cp, {"y_true": f32(ct), "y_pred": f32(cp)},
         settings={"from_logits": False})
    case("categorical_crossentropy_unnormalized", L.CategoricalCrossentropy(),
         L.categorical_crossentropy, ct, raw, {"y_true": f32(ct), "y_pred": f32(raw)},
         settings={"from_logits": False,
                   "note": "rows of y_pred do not sum to 1: Keras first divides by the "
                           "row sum, then clips to [1e-7, 1-1e-7]"})
    case("categorical_crossentropy_from_logits", L.CategoricalCrossentropy(from_logits=True),
         lambda a, b: L.categorical_crossentropy(a, b, from_logits=True), ct, cl,
         {"y_true": f32(ct), "y_pred": f32(cl)}, settings={"from_logits": True})
    st = labels.astype(np.int32)
    case("sparse_categorical_crossentropy", L.SparseCategoricalCrossentropy(),
         L.sparse_categorical_crossentropy, st, cp,
         {"y_true": st.tolist(), "y_pred": f32(cp)}, settings={"from_logits": False})
    case("sparse_categorical_crossentropy_from_logits",
         L.SparseCategoricalCrossentropy(from_logits=True),
         lambda a, b: L.sparse_categorical_crossentropy(a, b, from_logits=True), st, cl,
         {"y_true": st.tolist(), "y_pred": f32(cl)}, settings={"from_logits": True})
    return {
        "description": "Keras loss values for fixed y_true / y_pred. per_sample = the "
                       "functional form (keras.losses.<fn>, mean over the last axis, one "
                       "value per row); sum_over_batch_size = the loss class called with "
                       "its default reduction (sum of per-sample values / number of "
                       "per-sample values).",
        "reduction": "sum_over_batch_size",
        "cases": res,
    }


# --------------------------------------------------------------------------- 3 gradients
def fixture_gradients(model, x):
    rng = make_rng(3)
    y = rng.normal(0.0, 1.0, size=(x.shape[0], 1)).astype(np.float32)
    loss_obj = keras.losses.MeanSquaredError()
    tv = [v.value for v in model.trainable_variables]
    ntv = [v.value for v in model.non_trainable_variables]

    def loss_fn(tv_):
        y_pred, _ = model.stateless_call(tv_, ntv, x, training=True)
        return loss_obj(y, y_pred)

    loss, grads = jax.value_and_grad(loss_fn)(tv)
    grads = [np.asarray(g) for g in grads]

    # independent float64 numpy check of the gradient (fails loudly if wrong)
    acts = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh,
            "sigmoid": lambda z: 1 / (1 + np.exp(-z)), "linear": lambda z: z}
    dacts = {"relu": lambda z, a: (z > 0).astype(np.float64), "tanh": lambda z, a: 1 - a * a,
             "sigmoid": lambda z, a: a * (1 - a), "linear": lambda z, a: np.ones_like(z)}
    Ws = [[np.asarray(w, np.float64) for w in layer.get_weights()] for layer in model.layers]
    names = [a for _, a in CFG["forward"]["layers"]]
    hs, zs = [x.astype(np.float64)], []
    for (k, b), a in zip(Ws, names):
        z = hs[-1] @ k + b
        zs.append(z)
        hs.append(acts[a](z))
    d = 2.0 * (hs[-1] - y) / y.size
    ref = []
    for i in range(len(Ws) - 1, -1, -1):
        dz = d * dacts[names[i]](zs[i], hs[i + 1])
        ref.insert(0, [hs[i].T @ dz, dz.sum(0)])
        d = dz @ Ws[i][0].T
    flat_ref = [g for pair in ref for g in pair]
    for g, r in zip(grads, flat_ref):
        assert np.allclose(g, r, rtol=1e-4, atol=1e-6), (g, r)

    per_layer = []
    for i, layer in enumerate(model.layers):
        per_layer.append({"name": layer.name, "kernel_grad": f32(grads[2 * i]),
                          "bias_grad": f32(grads[2 * i + 1])})
    return {
        "description": "Gradient of the mean-squared-error loss (keras.losses."
                       "MeanSquaredError(), reduction sum_over_batch_size) w.r.t. every "
                       "kernel and bias of the dense_forward model, for one batch. "
                       "Computed with jax.value_and_grad over model.stateless_call "
                       "(Keras 3, JAX backend); cross-checked in float64 numpy.",
        "method": "jax.value_and_grad(lambda tv: MeanSquaredError()(y, "
                  "model.stateless_call(tv, ntv, x, training=True)[0]))",
        "architecture": arch(CFG["forward"]["layers"]),
        "loss": "mse",
        "input": f32(x),
        "y_true": f32(y),
        "layers": layer_weights(model),
        "expected": {"loss": f32(loss), "gradients": per_layer},
        "notes": "d loss / d y_pred = 2 (y_pred - y_true) / (batch * outputs).",
    }


# --------------------------------------------------------------------------- 4/5 training
class Recorder(keras.callbacks.Callback):
    """Records, with the real fit loop: weights after every step and every epoch, the
    batch logs (running means), and the loss of each batch evaluated with the weights
    used for that step (i.e. before its update)."""

    def __init__(self, x_train, y_train, batch_size, loss_fn, classification=False):
        super().__init__()
        self.x, self.y, self.bs = x_train, y_train, batch_size
        self.loss_fn = loss_fn
        self.cls = classification
        self.epoch = 0
        self.steps = []
        self.epochs = []

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        m = self.model  # property access syncs the JAX state
        s, e = batch * self.bs, min((batch + 1) * self.bs, len(self.x))
        pred = m(self.x[s:e])
        rec = {"epoch": self.epoch, "batch": batch, "rows": [s, e],
               "batch_loss_before_update": f32(
                   keras.ops.mean(self.loss_fn(self.y[s:e], pred)))}
        if self.cls:
            acc = np.mean(np.argmax(np.asarray(pred), axis=-1) == self.y[s:e].ravel())
            rec["batch_accuracy_before_update"] = float(acc)
        self.steps.append(rec)

    def on_train_batch_end(self, batch, logs=None):
        m = self.model
        rec = self.steps[-1]
        rec["logs"] = {k: float(v) for k, v in (logs or {}).items()}
        rec["weights_after"] = weights_list(m)

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append({"epoch": epoch,
                            "logs": {k: float(v) for k, v in (logs or {}).items()},
                            "weights_after": weights_list(self.model)})


def regression_data(c, offset):
    rng = make_rng(offset)
    x = rng.normal(0.0, 1.0, size=(c["rows"], c["features"])).astype(np.float32)
    w = rng.normal(0.0, 1.0, size=(c["features"],))
    y = (x @ w + 0.5 * np.sin(3.0 * x[:, 0]) + 0.1 * rng.normal(size=c["rows"]))
    return x, y.astype(np.float32).reshape(-1, 1)


def run_training(kind, c, x, y, opt_spec, batch_size, epochs, validation_split=0.0,
                 loss="mse", metrics=None, classification=False, description=""):
    keras.backend.clear_session()  # default names (dense, dense_1, adam, ...)
    keras.utils.set_random_seed(SEED + 7)
    model = build_model(c["features"], c["layers"])
    init = layer_weights(model)
    opt = make_optimizer(opt_spec)
    model.compile(optimizer=opt, loss=loss, metrics=metrics)
    n = len(x)
    split_at = int(math.floor(n * (1.0 - validation_split))) if validation_split else n
    loss_obj = keras.losses.get(loss)
    rec = Recorder(x[:split_at], y[:split_at], batch_size, loss_obj, classification)
    hist = model.fit(x, y, batch_size=batch_size, epochs=epochs, shuffle=False, verbose=0,
                     validation_split=validation_split, callbacks=[rec])
    history = {k: [float(v) for v in vals] for k, vals in hist.history.items()}

    # ---- checks of the semantics this fixture documents
    steps_per_epoch = math.ceil(split_at / batch_size)
    assert len(rec.steps) == steps_per_epoch * epochs
    for ep in range(epochs):
        st = rec.steps[ep * steps_per_epoch:(ep + 1) * steps_per_epoch]
        sizes = np.array([s["rows"][1] - s["rows"][0] for s in st], dtype=np.float64)
        bl = np.array([s["batch_loss_before_update"] for s in st], dtype=np.float64)
        weighted = float((bl * sizes).sum() / sizes.sum())
        assert abs(weighted - history["loss"][ep]) <= 1e-5 * max(1.0, abs(weighted)), (
            weighted, history["loss"][ep])
        assert abs(st[-1]["logs"]["loss"] - history["loss"][ep]) <= 1e-6 * max(
            1.0, abs(weighted))
        if classification:
            ba = np.array([s["batch_accuracy_before_update"] for s in st])
            wacc = float((ba * sizes).sum() / sizes.sum())
            assert abs(wacc - history["accuracy"][ep]) <= 1e-6, (wacc, history["accuracy"])
    if validation_split:
        # val_loss == loss of the LAST (n - split_at) rows with the end-of-epoch weights
        vm = build_model(c["features"], c["layers"])
        for ep in range(epochs):
            ws = rec.epochs[ep]["weights_after"]
            vm.set_weights([np.asarray(w, np.float32) for pair in ws for w in pair])
            vl = float(keras.ops.mean(loss_obj(y[split_at:], vm(x[split_at:]))))
            assert abs(vl - history["val_loss"][ep]) <= 1e-5 * max(1.0, abs(vl)), (
                vl, history["val_loss"][ep])

    batches = [[s, min(s + batch_size, split_at)] for s in range(0, split_at, batch_size)]
    fx = {
        "description": description,
        "architecture": arch(c["layers"]),
        "data": {"x": f32(x), "y": (y.ravel().astype(int).tolist() if classification
                                    else f32(y))},
        "settings": {
            "loss": loss, "metrics": metrics or [],
            "optimizer": {"class": opt_spec["class"],
                          "learning_rate_requested": opt_spec["learning_rate"],
                          **opt_config(opt)},
            "batch_size": batch_size, "epochs": epochs, "shuffle": False,
            "validation_split": validation_split,
            "train_rows": [0, split_at],
            "validation_rows": [split_at, n] if validation_split else None,
            "steps_per_epoch": steps_per_epoch,
            "batches_per_epoch": batches,
            "jit_compile": bool(model.jit_compile),
        },
        "initial_weights": init,
        "expected": {
            "history": history,
            "final_weights": layer_weights(model),
            "epochs": rec.epochs,
            "steps": rec.steps,
        },
    }
    return fx


def fixture_regression_training():
    c = CFG["regression_train"]
    x, y = regression_data(c, 4)
    out = {}
    for key, spec in c["optimizers"].items():
        out[f"train_{key}.json"] = run_training(
            key, c, x, y, spec, c["batch_size"], c["epochs"],
            description=f"model.fit of Dense stack with {spec['class']}"
                        f"(learning_rate={spec['learning_rate']}), loss mse, shuffle=False, "
                        "no validation.")
    vs = c["validation_split"]
    out["train_validation_split.json"] = run_training(
        "vsplit", c, x, y, c["optimizers"][vs["optimizer"]], c["batch_size"], c["epochs"],
        validation_split=vs["value"],
        description=f"model.fit with validation_split={vs['value']}: the LAST "
                    "floor-complement rows are the validation set (see settings."
                    "validation_rows); val_loss is evaluated after each epoch with the "
                    "end-of-epoch weights.")
    if c.get("partial_batch"):
        pb = c["partial_batch"]
        out["train_partial_batch.json"] = run_training(
            "partial", c, x, y, c["optimizers"][pb["optimizer"]], pb["batch_size"],
            c["epochs"],
            description=f"model.fit with batch_size={pb['batch_size']} so the last batch of "
                        "each epoch is partial (kept, not dropped); History loss is the "
                        "sample-count-weighted mean of the per-batch losses.")
    return out


def fixture_classification():
    c = CFG["classification"]
    rng = make_rng(5)
    x = rng.normal(0.0, 1.0, size=(c["rows"], c["features"])).astype(np.float32)
    w = rng.normal(0.0, 1.0, size=(c["features"], c["classes"]))
    logits = x @ w + 0.3 * rng.normal(size=(c["rows"], c["classes"]))
    y = np.argmax(logits, axis=1).astype(np.int32).reshape(-1, 1)
    return run_training(
        "cls", c, x, y, c["optimizer"], c["batch_size"], c["epochs"],
        loss="sparse_categorical_crossentropy", metrics=["accuracy"], classification=True,
        description="Classification: softmax output, sparse_categorical_crossentropy, "
                    "metrics=['accuracy'] (resolved by Keras to sparse_categorical_accuracy)"
                    ", shuffle=False. data.y holds integer class labels.")


# --------------------------------------------------------------------------- 6 sklearn
def fixture_scalers_metrics():
    rng = make_rng(6)
    a = np.round(rng.normal(5.0, 3.0, size=(6, 3)), 3)
    a[:, 1] = 7.25  # constant column
    b = np.round(rng.normal(5.0, 4.0, size=(4, 3)), 3)
    mm = MinMaxScaler().fit(a)
    ss = StandardScaler().fit(a)
    scalers = {
        "fit_data": f64(a), "transform_data": f64(b),
        "MinMaxScaler": {
            "settings": {"feature_range": [0, 1], "clip": False},
            "data_min_": f64(mm.data_min_), "data_max_": f64(mm.data_max_),
            "data_range_": f64(mm.data_range_), "scale_": f64(mm.scale_),
            "min_": f64(mm.min_),
            "fit_transform": f64(mm.transform(a)), "transform": f64(mm.transform(b)),
            "inverse_transform_of_transform": f64(mm.inverse_transform(mm.transform(b))),
            "inverse_transform_of_fit_data_transform": f64(
                mm.inverse_transform(mm.transform(a))),
        },
        "StandardScaler": {
            "settings": {"with_mean": True, "with_std": True, "ddof": 0},
            "mean_": f64(ss.mean_), "var_": f64(ss.var_), "scale_": f64(ss.scale_),
            "fit_transform": f64(ss.transform(a)), "transform": f64(ss.transform(b)),
            "inverse_transform_of_transform": f64(ss.inverse_transform(ss.transform(b))),
        },
        "notes": "Column 1 of fit_data is constant (zero range / zero variance): "
                 "scikit-learn replaces a zero range/std by 1, so that column maps to "
                 "x - min (MinMax) or x - mean (Standard). StandardScaler uses the "
                 "population variance (ddof=0).",
    }
    # regression metrics
    yt = np.round(rng.normal(10.0, 5.0, size=8), 3)
    yp = np.round(yt + rng.normal(0.0, 2.0, size=8), 3)
    reg = {
        "y_true": f64(yt), "y_pred": f64(yp),
        "mean_squared_error": float(skm.mean_squared_error(yt, yp)),
        "root_mean_squared_error": float(skm.root_mean_squared_error(yt, yp)),
        "mean_absolute_error": float(skm.mean_absolute_error(yt, yp)),
        "r2_score": float(skm.r2_score(yt, yp)),
        "mean_absolute_percentage_error": float(
            skm.mean_absolute_percentage_error(yt, yp)),
        "notes": "scikit-learn MAPE is a fraction (not percent, unlike Keras) and divides "
                 "by max(|y_true|, float64 eps).",
    }
    # multi-output regression (uniform_average across outputs)
    yt2 = np.round(rng.normal(0.0, 2.0, size=(6, 2)), 3)
    yp2 = np.round(yt2 + rng.normal(0.0, 1.0, size=(6, 2)), 3)
    reg2 = {
        "y_true": f64(yt2), "y_pred": f64(yp2),
        "mean_squared_error": float(skm.mean_squared_error(yt2, yp2)),
        "root_mean_squared_error": float(skm.root_mean_squared_error(yt2, yp2)),
        "mean_absolute_error": float(skm.mean_absolute_error(yt2, yp2)),
        "r2_score": float(skm.r2_score(yt2, yp2)),
        "r2_score_raw_values": f64(skm.r2_score(yt2, yp2, multioutput="raw_values")),
        "notes": "multioutput='uniform_average' (default): metric per column, then mean. "
                 "RMSE is the mean of per-column RMSEs, not sqrt of the overall MSE.",
    }
    # classification metrics
    ct = rng.integers(0, 3, size=12)
    cp = ct.copy()
    flip = rng.choice(12, size=4, replace=False)
    cp[flip] = (cp[flip] + rng.integers(1, 3, size=4)) % 3
    cls = {
        "y_true": ct.tolist(), "y_pred": cp.tolist(), "labels": [0, 1, 2],
        "accuracy_score": float(skm.accuracy_score(ct, cp)),
        "confusion_matrix": skm.confusion_matrix(ct, cp).tolist(),
        "precision_macro": float(skm.precision_score(ct, cp, average="macro")),
        "recall_macro": float(skm.recall_score(ct, cp, average="macro")),
        "f1_macro": float(skm.f1_score(ct, cp, average="macro")),
        "precision_per_class": f64(skm.precision_score(ct, cp, average=None)),
        "recall_per_class": f64(skm.recall_score(ct, cp, average=None)),
        "f1_per_class": f64(skm.f1_score(ct, cp, average=None)),
        "notes": "confusion_matrix[i][j] = count of true label i predicted as j.",
    }
    # a class that is never predicted -> zero_division
    zt = [0, 1, 2, 2, 1, 0, 2]
    zp = [0, 1, 1, 1, 1, 0, 0]
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        zd = {
            "y_true": zt, "y_pred": zp, "labels": [0, 1, 2],
            "accuracy_score": float(skm.accuracy_score(zt, zp)),
            "confusion_matrix": skm.confusion_matrix(zt, zp).tolist(),
            "precision_macro": float(skm.precision_score(zt, zp, average="macro")),
            "recall_macro": float(skm.recall_score(zt, zp, average="macro")),
            "f1_macro": float(skm.f1_score(zt, zp, average="macro")),
            "precision_per_class": f64(skm.precision_score(zt, zp, average=None)),
            "notes": "class 2 is never predicted: its precision is 0/0, which scikit-learn "
                     "reports as 0.0 (zero_division='warn' default, with a warning) and "
                     "includes in the macro mean.",
        }
    # binary
    bt = [1, 0, 1, 1, 0, 0, 1, 0, 1, 1]
    bp = [1, 0, 0, 1, 0, 1, 1, 0, 1, 0]
    binary = {
        "y_true": bt, "y_pred": bp,
        "accuracy_score": float(skm.accuracy_score(bt, bp)),
        "confusion_matrix": skm.confusion_matrix(bt, bp).tolist(),
        "precision_binary": float(skm.precision_score(bt, bp)),
        "recall_binary": float(skm.recall_score(bt, bp)),
        "f1_binary": float(skm.f1_score(bt, bp)),
        "precision_macro": float(skm.precision_score(bt, bp, average="macro")),
        "recall_macro": float(skm.recall_score(bt, bp, average="macro")),
        "f1_macro": float(skm.f1_score(bt, bp, average="macro")),
        "notes": "scikit-learn's default average='binary' scores class 1 only.",
    }
    return {
        "description": "scikit-learn reference values (float64) for scalers and metrics.",
        "dtype": "float64",
        "scalers": scalers,
        "regression_metrics": reg,
        "regression_metrics_multioutput": reg2,
        "classification_metrics": cls,
        "classification_metrics_zero_division": zd,
        "binary_classification_metrics": binary,
    }


# --------------------------------------------------------------------------- 7 summary
def fixture_summary():
    c = CFG["summary"]
    keras.backend.clear_session()  # default layer names as in a fresh process
    keras.utils.set_random_seed(SEED)
    model = build_model(c["input"], c["layers"])
    chunks = []
    model.summary(print_fn=lambda s, **kw: chunks.append(s))
    text = "".join(chunks)
    with open(os.path.join(OUT, "summary.txt"), "w") as f:
        f.write(text)
    params = [int(np.prod(w.shape)) for layer in model.layers for w in layer.weights]
    return text, {
        "description": "model.summary() of a freshly built (not compiled) Sequential "
                       "model, printed by Keras through rich with print_fn (no "
                       "colours), console width from COLUMNS=200 -> table width 88 "
                       "(Keras default for "
                       "sequential-like models). The exact text is in summary.txt "
                       "(and in 'text' here).",
        "architecture": {"input_shape": [None, c["input"]], "layers": arch(c["layers"])},
        "layer_names": [layer.name for layer in model.layers],
        "model_name": model.name,
        "param_counts_per_weight": params,
        "total_params": int(model.count_params()),
        "text": text,
        "text_lines": text.split("\n"),
    }


# --------------------------------------------------------------------------- 8 regularization
# Issue 4: Dropout, BatchNormalization, L1/L2/L1L2 penalties, MaxNorm/NonNeg constraints,
# class_weight and sample_weight. Layers are described by small JSON specs (the same
# specs the Rust tests rebuild), weights are stored flat in model.get_weights() order with
# each array's layer and variable name.
REGULARIZATION_CONFIG = {
    "batchnorm_forward": {"rows": 6, "features": 4},
    "batchnorm_train": {
        "rows": 40, "features": 3, "batch_size": 8, "epochs": 3, "validation_split": 0.25,
        "layers": [{"class_name": "Dense", "units": 8, "activation": "relu"},
                   {"class_name": "BatchNormalization"},
                   {"class_name": "Dense", "units": 1}],
        "optimizer": {"class": "Adam", "learning_rate": 0.01},
    },
    "l2_train": {
        "rows": 40, "features": 3, "batch_size": 8, "epochs": 5, "validation_split": 0.25,
        "layers": [{"class_name": "Dense", "units": 8, "activation": "relu",
                    "kernel_regularizer": {"class_name": "L2", "config": {"l2": 0.01}}},
                   {"class_name": "Dense", "units": 1,
                    "kernel_regularizer": {"class_name": "L2", "config": {"l2": 0.01}}}],
        "optimizer": {"class": "Adam", "learning_rate": 0.01},
    },
    "regularizers_train": {
        "rows": 40, "features": 3, "batch_size": 12, "epochs": 4, "validation_split": 0.2,
        "layers": [{"class_name": "Dense", "units": 6, "activation": "tanh",
                    "kernel_regularizer": {"class_name": "L1", "config": {"l1": 0.01}},
                    "bias_regularizer": {"class_name": "L1L2",
                                         "config": {"l1": 0.005, "l2": 0.02}},
                    "activity_regularizer": {"class_name": "L2", "config": {"l2": 0.01}}},
                   {"class_name": "Dense", "units": 1,
                    "kernel_regularizer": {"class_name": "L1L2",
                                           "config": {"l1": 0.01, "l2": 0.01}},
                    "activity_regularizer": {"class_name": "L1", "config": {"l1": 0.02}}}],
        "optimizer": {"class": "SGD", "learning_rate": 0.05},
    },
    "constraints_train": {
        "rows": 40, "features": 3, "batch_size": 8, "epochs": 3, "validation_split": 0.0,
        "layers": [{"class_name": "Dense", "units": 8, "activation": "relu",
                    "kernel_constraint": {"class_name": "MaxNorm",
                                          "config": {"max_value": 0.5, "axis": 0}}},
                   {"class_name": "Dense", "units": 1,
                    "kernel_constraint": {"class_name": "NonNeg", "config": {}},
                    "bias_constraint": {"class_name": "NonNeg", "config": {}}}],
        "optimizer": {"class": "SGD", "learning_rate": 0.1},
    },
    "class_weight_train": {
        "rows": 48, "features": 4, "batch_size": 8, "epochs": 4, "validation_split": 0.25,
        "positive_fraction": 0.25,
        "layers": [{"class_name": "Dense", "units": 8, "activation": "relu"},
                   {"class_name": "Dense", "units": 1, "activation": "sigmoid"}],
        "optimizer": {"class": "Adam", "learning_rate": 0.01},
    },
    "sample_weight_train": {
        "rows": 40, "features": 3, "batch_size": 8, "epochs": 3, "validation_split": 0.25,
        "layers": [{"class_name": "Dense", "units": 8, "activation": "relu"},
                   {"class_name": "Dense", "units": 1}],
        "optimizer": {"class": "SGD", "learning_rate": 0.05},
    },
    "dropout_inference": {
        "rows": 10, "features": 3, "rate": 0.5, "dropout_seed": 3,
        "layers": [{"class_name": "Dense", "units": 16, "activation": "relu"},
                   {"class_name": "Dropout", "rate": 0.5, "seed": 3},
                   {"class_name": "Dense", "units": 1}],
        "mask_rows": 200, "mask_cols": 50,
    },
    "summary": {
        "input": 13,
        "layers": [{"class_name": "Dense", "units": 64, "activation": "relu"},
                   {"class_name": "BatchNormalization"},
                   {"class_name": "Dropout", "rate": 0.3},
                   {"class_name": "Dense", "units": 32},
                   {"class_name": "Activation", "activation": "relu"},
                   {"class_name": "Dense", "units": 1}],
    },
}
REG = CFG.get("regularization", REGULARIZATION_CONFIG)


def reg_layer(spec):
    """A Keras layer from a JSON spec (class_name + Keras arguments)."""
    spec = dict(spec)
    cls = spec.pop("class_name")
    for key in ("kernel_regularizer", "bias_regularizer", "activity_regularizer"):
        if key in spec:
            spec[key] = keras.regularizers.deserialize(spec[key])
    for key in ("kernel_constraint", "bias_constraint"):
        if key in spec:
            spec[key] = keras.constraints.deserialize(spec[key])
    return getattr(keras.layers, cls)(**spec)


def reg_model(n_in, specs):
    return keras.Sequential([keras.Input(shape=(n_in,))] + [reg_layer(s) for s in specs])


def flat_weights(model):
    """model.get_weights() order, each array named by its layer and variable."""
    return [{"layer": layer.name, "name": v.name, "shape": list(v.shape),
             "trainable": bool(v.trainable), "value": f32(v.numpy())}
            for layer in model.layers for v in layer.weights]


def np_penalty(spec, w):
    """Keras penalty of a regularizer spec, written out (no 1/2 factor)."""
    if spec is None:
        return 0.0
    c = spec["config"]
    w = np.asarray(w, np.float64)
    return c.get("l1", 0.0) * np.abs(w).sum() + c.get("l2", 0.0) * np.square(w).sum()


def np_forward_with_penalties(specs, weights, x):
    """float64 numpy forward of a Dense-only model: (output, weight penalty, activity
    penalty). The activity penalty is divided by the number of rows in x (Keras divides
    each layer's activity penalty by the batch size)."""
    acts = {None: lambda z: z, "linear": lambda z: z, "relu": lambda z: np.maximum(z, 0),
            "tanh": np.tanh, "sigmoid": lambda z: 1 / (1 + np.exp(-z))}
    h = np.asarray(x, np.float64)
    weight_pen, act_pen = 0.0, 0.0
    for spec, (k, b) in zip(specs, weights):
        weight_pen += np_penalty(spec.get("kernel_regularizer"), k)
        weight_pen += np_penalty(spec.get("bias_regularizer"), b)
        h = acts[spec.get("activation")](h @ np.asarray(k, np.float64) + b)
        act_pen += np_penalty(spec.get("activity_regularizer"), h) / len(x)
    return h, weight_pen, act_pen


class StepRecorder(keras.callbacks.Callback):
    """Weights (flat get_weights order) before every step, logs and weights per epoch."""

    def __init__(self):
        super().__init__()
        self.before = []
        self.epochs = []

    def on_train_batch_begin(self, batch, logs=None):
        self.before.append([np.asarray(w) for w in self.model.get_weights()])

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append({"epoch": epoch,
                            "logs": {k: float(v) for k, v in (logs or {}).items()},
                            "weights_after": [f32(w) for w in self.model.get_weights()]})


def reg_train(key, x, y, loss="mse", metrics=None, class_weight=None, sample_weight=None,
              description="", check_dense_penalties=True):
    c = REG[key]
    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED + 11)
    model = reg_model(c["features"], c["layers"])
    init = flat_weights(model)
    opt = make_optimizer(c["optimizer"])
    model.compile(optimizer=opt, loss=loss, metrics=metrics)
    rec = StepRecorder()
    bs, epochs, vs = c["batch_size"], c["epochs"], c["validation_split"]
    hist = model.fit(x, y, batch_size=bs, epochs=epochs, shuffle=False, verbose=0,
                     validation_split=vs, class_weight=class_weight,
                     sample_weight=sample_weight, callbacks=[rec])
    history = {k: [float(v) for v in vals] for k, vals in hist.history.items()}
    n = len(x)
    split_at = int(math.floor(n * (1.0 - vs))) if vs else n
    batches = [[s, min(s + bs, split_at)] for s in range(0, split_at, bs)]
    loss_obj = {"mse": keras.losses.MeanSquaredError(),
                "binary_crossentropy": keras.losses.BinaryCrossentropy()}[loss]

    # Sample weights of the training rows as Keras applies them.
    if class_weight is not None:
        yi = np.round(np.asarray(y[:split_at]).ravel()).astype(int)
        sw_train = np.array([class_weight.get(int(v), 1.0) for v in yi], np.float32)
    elif sample_weight is not None:
        sw_train = np.asarray(sample_weight[:split_at], np.float32)
    else:
        sw_train = np.ones(split_at, np.float32)
    sw_val = (np.asarray(sample_weight[split_at:], np.float32) if sample_weight is not None
              else np.ones(n - split_at, np.float32))

    def data_loss(ws, rows, sw):
        vm = reg_model(c["features"], c["layers"])
        vm.set_weights(ws)
        pred = vm(x[rows[0]:rows[1]], training=False)
        return float(loss_obj(y[rows[0]:rows[1]], pred, sample_weight=sw))

    if check_dense_penalties:
        # History loss = batch-size-weighted mean over the epoch of
        #   (sum(per_sample * w) / batch + weight penalties + activity penalties / batch),
        # each term with the weights before that batch's update.
        steps = len(batches)
        for ep in range(epochs):
            tot = 0.0
            for b, rows in enumerate(batches):
                ws = rec.before[ep * steps + b]
                pairs = [ws[i:i + 2] for i in range(0, len(ws), 2)]
                _, wp, ap = np_forward_with_penalties(c["layers"], pairs, x[rows[0]:rows[1]])
                dl = data_loss(ws, rows, sw_train[rows[0]:rows[1]])
                tot += (dl + wp + ap) * (rows[1] - rows[0])
            want = tot / split_at
            assert abs(want - history["loss"][ep]) <= 2e-5 * max(1.0, abs(want)), (
                key, ep, want, history["loss"][ep])
            # compile(metrics=...) ignores sample/class weights: plain mean over the rows.
            for metric in metrics or []:
                vals = []
                for b, rows in enumerate(batches):
                    ws = rec.before[ep * steps + b]
                    pairs = [ws[i:i + 2] for i in range(0, len(ws), 2)]
                    out, _, _ = np_forward_with_penalties(c["layers"], pairs,
                                                          x[rows[0]:rows[1]])
                    yt = np.asarray(y[rows[0]:rows[1]], np.float64)
                    if metric == "accuracy":
                        vals.extend(((out > 0.5) == (yt > 0.5)).ravel().tolist())
                    else:
                        vals.extend(np.abs(out - yt).mean(axis=1).tolist())
                got = history[metric][ep]
                assert abs(np.mean(vals) - got) <= 2e-5 * max(1.0, abs(got)), (
                    key, metric, ep, np.mean(vals), got)
            if vs:
                # val_loss includes the penalties too (Keras 3 test_step calls compute_loss,
                # which adds model.losses); class_weight does not apply to validation rows.
                ws = [np.asarray(w, np.float32) for w in rec.epochs[ep]["weights_after"]]
                pairs = [ws[i:i + 2] for i in range(0, len(ws), 2)]
                tot = 0.0
                for s in range(split_at, n, bs):
                    rows = [s, min(s + bs, n)]
                    _, wp, ap = np_forward_with_penalties(c["layers"], pairs,
                                                          x[rows[0]:rows[1]])
                    dl = data_loss(ws, rows, sw_val[s - split_at:rows[1] - split_at])
                    tot += (dl + wp + ap) * (rows[1] - rows[0])
                want = tot / (n - split_at)
                assert abs(want - history["val_loss"][ep]) <= 2e-5 * max(1.0, abs(want)), (
                    key, ep, want, history["val_loss"][ep])

    return model, {
        "description": description,
        "layers": c["layers"],
        "data": {"x": f32(x), "y": f32(y)},
        "settings": {
            "loss": loss, "metrics": metrics or [],
            "optimizer": {"class": c["optimizer"]["class"],
                          "learning_rate_requested": c["optimizer"]["learning_rate"],
                          **opt_config(opt)},
            "batch_size": bs, "epochs": epochs, "shuffle": False, "validation_split": vs,
            "train_rows": [0, split_at],
            "validation_rows": [split_at, n] if vs else None,
            "batches_per_epoch": batches,
            "class_weight": ({str(k): float(v) for k, v in class_weight.items()}
                             if class_weight is not None else None),
            "sample_weight": f32(sample_weight) if sample_weight is not None else None,
        },
        "initial_weights": init,
        "expected": {
            "history": history,
            "final_weights": flat_weights(model),
            "epochs": rec.epochs,
        },
    }


def fixture_batchnorm_forward():
    """One BatchNormalization layer: inference output with given moving statistics,
    training output and the updated moving statistics, and the gradients of
    sum(output * r) with respect to x, gamma and beta in training mode."""
    c = REG["batchnorm_forward"]
    keras.backend.clear_session()
    rng = make_rng(21)
    n, f = c["rows"], c["features"]
    x = rng.normal(1.0, 2.0, size=(n, f)).astype(np.float32)
    r = rng.normal(0.0, 1.0, size=(n, f)).astype(np.float32)
    gamma = rng.normal(1.0, 0.3, size=f).astype(np.float32)
    beta = rng.normal(0.0, 0.5, size=f).astype(np.float32)
    mm = rng.normal(0.5, 0.5, size=f).astype(np.float32)
    mv = rng.uniform(0.5, 3.0, size=f).astype(np.float32)
    model = reg_model(f, [{"class_name": "BatchNormalization"}])
    bn = model.layers[0]
    bn.set_weights([gamma, beta, mm, mv])
    inference = np.asarray(bn(x, training=False))
    tv = [v.value for v in model.trainable_variables]
    ntv = [v.value for v in model.non_trainable_variables]

    def probe(tv_, x_):
        out, new_ntv = model.stateless_call(tv_, ntv, x_, training=True)
        return jnp.sum(out * r), (out, new_ntv)

    (_, (train_out, new_ntv)), (dtv, dx) = jax.value_and_grad(
        probe, argnums=(0, 1), has_aux=True)(tv, jnp.asarray(x))
    # float64 reference of the training-mode forward (population variance)
    mean, var = x.astype(np.float64).mean(0), x.astype(np.float64).var(0)
    ref = gamma * (x - mean) / np.sqrt(var + 1e-3) + beta
    assert np.allclose(np.asarray(train_out), ref, rtol=1e-4, atol=1e-5)
    names = [v.name for v in model.non_trainable_variables]
    assert names == ["moving_mean", "moving_variance"], names
    assert np.allclose(np.asarray(new_ntv[0]), 0.99 * mm + 0.01 * mean, rtol=1e-5, atol=1e-6)
    assert np.allclose(np.asarray(new_ntv[1]), 0.99 * mv + 0.01 * var, rtol=1e-5, atol=1e-6)
    return {
        "description": "BatchNormalization (axis -1, momentum 0.99, epsilon 1e-3) on one "
                       "batch: inference output uses the moving statistics; training "
                       "output uses the batch mean and the population (biased) variance, "
                       "and updates moving = moving * momentum + batch * (1 - momentum). "
                       "Gradients of sum(output * r) in training mode, via jax.grad over "
                       "model.stateless_call.",
        "config": bn.get_config() | {"dtype": None},
        "input": f32(x), "r": f32(r),
        "weights": {"gamma": f32(gamma), "beta": f32(beta), "moving_mean": f32(mm),
                    "moving_variance": f32(mv)},
        "expected": {
            "inference_output": f32(inference),
            "training_output": f32(train_out),
            "moving_mean_after_training_call": f32(new_ntv[0]),
            "moving_variance_after_training_call": f32(new_ntv[1]),
            "dx": f32(dx), "dgamma": f32(dtv[0]), "dbeta": f32(dtv[1]),
        },
    }


def fixture_batchnorm_train():
    c = REG["batchnorm_train"]
    x, y = regression_data(c, 22)
    model, fx = reg_train(
        "batchnorm_train", x, y, check_dense_penalties=False,
        description="model.fit of Dense(8, relu) -> BatchNormalization -> Dense(1), mse, "
                    "shuffle=False, validation_split: the moving statistics after the "
                    "epochs (final_weights, Keras order gamma, beta, moving_mean, "
                    "moving_variance), and the inference output (predict) of all rows.")
    fx["expected"]["predict_output"] = f32(model.predict(x, verbose=0))
    return fx


def fixture_l2_train():
    c = REG["l2_train"]
    x, y = regression_data(c, 23)
    _, fx = reg_train(
        "l2_train", x, y,
        description="model.fit with kernel_regularizer=L2(0.01) on both Dense layers: "
                    "History loss (and val_loss) = mse + sum of l2 * sum(kernel^2) "
                    "(no 1/2 factor), the penalty taken with the weights before each "
                    "step (asserted in the generator with a numpy formula).")
    return fx


def fixture_regularizers_train():
    c = REG["regularizers_train"]
    x, y = regression_data(c, 24)
    _, fx = reg_train(
        "regularizers_train", x, y,
        description="model.fit with L1 / L1L2 kernel, L1L2 bias and L2 / L1 activity "
                    "regularizers, SGD, batch 12 with a partial last batch: every penalty "
                    "is added to the training loss (History loss) and to val_loss; an "
                    "activity penalty is divided by the number of rows of the batch "
                    "(asserted in the generator with a numpy formula).")
    return fx


def fixture_constraints_train():
    c = REG["constraints_train"]
    x, y = regression_data(c, 25)
    _, fx = reg_train(
        "constraints_train", x, y,
        description="model.fit with kernel_constraint=MaxNorm(0.5, axis=0) on the hidden "
                    "layer and NonNeg kernel and bias constraints on the output layer: "
                    "each constraint is applied to its variable after every optimizer "
                    "step (MaxNorm: w * clip(norm, 0, max) / (1e-7 + norm), norms over "
                    "axis 0; NonNeg: max(w, 0)).")
    return fx


def binary_data(c, offset):
    rng = make_rng(offset)
    x = rng.normal(0.0, 1.0, size=(c["rows"], c["features"])).astype(np.float32)
    w = rng.normal(0.0, 1.0, size=(c["features"],))
    score = x @ w + 0.5 * rng.normal(size=c["rows"])
    cut = np.quantile(score, 1.0 - c["positive_fraction"])
    y = (score > cut).astype(np.float32).reshape(-1, 1)
    return x, y


def fixture_class_weight_train():
    from sklearn.utils.class_weight import compute_class_weight
    c = REG["class_weight_train"]
    x, y = binary_data(c, 26)
    split_at = int(math.floor(len(x) * (1.0 - c["validation_split"])))
    labels = y[:split_at].ravel().astype(int)
    classes = np.unique(labels)
    balanced = compute_class_weight("balanced", classes=classes, y=labels)
    class_weight = {int(k): float(v) for k, v in zip(classes, balanced)}
    _, fx = reg_train(
        "class_weight_train", x, y, loss="binary_crossentropy", metrics=["accuracy"],
        class_weight=class_weight,
        description="Binary classification with class_weight = scikit-learn's 'balanced' "
                    "weights of the training rows (n_samples / (n_classes * bincount)). "
                    "Keras turns class_weight into per-row sample weights; the batch loss "
                    "is sum(per_sample * w) / batch_rows; metrics=['accuracy'] stays "
                    "unweighted (only compile(weighted_metrics=...) sees the weights). "
                    "Validation rows are not weighted.")
    fx["sklearn_balanced"] = {"classes": classes.tolist(), "weights": f64(balanced),
                              "train_labels": labels.tolist()}
    return fx


def fixture_sample_weight_train():
    c = REG["sample_weight_train"]
    x, y = regression_data(c, 27)
    rng = make_rng(28)
    sw = rng.uniform(0.0, 2.0, size=len(x)).astype(np.float32)
    sw[[3, 17, 35]] = 0.0
    _, fx = reg_train(
        "sample_weight_train", x, y, metrics=["mae"], sample_weight=sw,
        description="model.fit with sample_weight (some zeros) and validation_split: the "
                    "weights are split with the rows; the loss is sum(per_sample * w) / "
                    "batch_rows; metrics=['mae'] stays unweighted (only weighted_metrics "
                    "see the weights); val_loss uses the validation rows' weights.")
    return fx


def fixture_dropout_inference():
    c = REG["dropout_inference"]
    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED + 13)
    rng = make_rng(29)
    x = rng.normal(0.0, 1.0, size=(c["rows"], c["features"])).astype(np.float32)
    y = rng.normal(0.0, 1.0, size=(c["rows"], 1)).astype(np.float32)
    model = reg_model(c["features"], c["layers"])
    model.compile(optimizer="sgd", loss="mse")
    plain = reg_model(c["features"], [s for s in c["layers"] if s["class_name"] != "Dropout"])
    plain.set_weights(model.get_weights())
    pred = model.predict(x, verbose=0)
    call = np.asarray(model(x, training=False))
    assert np.array_equal(call, np.asarray(plain(x))), "Dropout is the identity at inference"
    ev = model.evaluate(x, y, verbose=0)
    drop = keras.layers.Dropout(c["rate"], seed=c["dropout_seed"])
    ones = np.ones((c["mask_rows"], c["mask_cols"]), np.float32)
    trained = np.asarray(drop(ones, training=True))
    values = sorted(set(np.round(trained.ravel().astype(np.float64), 6).tolist()))
    return {
        "description": "Dropout(rate) is the identity in inference mode (predict, evaluate, "
                       "model(x, training=False)); in training it zeroes each value with "
                       "probability rate and scales the kept ones by 1 / (1 - rate) "
                       "(inverted dropout). Keras's masks come from JAX's PRNG and cannot "
                       "be reproduced bit for bit: only their statistics are recorded.",
        "layers": c["layers"],
        "input": f32(x), "y": f32(y),
        "weights": flat_weights(model),
        "expected": {
            "predict_output": f32(pred),
            "call_training_false": f32(call),
            "evaluate_mse": float(ev),
            "training_mask": {"rate": c["rate"], "shape": [c["mask_rows"], c["mask_cols"]],
                              "distinct_values": values,
                              "kept_fraction": float((trained != 0).mean()),
                              "mean": float(trained.astype(np.float64).mean())},
        },
    }


def fixture_reg_summary():
    c = REG["summary"]
    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED)
    model = reg_model(c["input"], c["layers"])
    chunks = []
    model.summary(print_fn=lambda s, **kw: chunks.append(s))
    text = "".join(chunks)
    with open(os.path.join(OUT, "summary_regularization.txt"), "w") as f:
        f.write(text)
    return {
        "description": "model.summary() of a freshly built Sequential with "
                       "BatchNormalization (non-trainable moving statistics), Dropout and "
                       "a standalone Activation layer; same capture as summary.json. The "
                       "exact text is in summary_regularization.txt.",
        "input_dim": c["input"],
        "layers": c["layers"],
        "layer_names": [layer.name for layer in model.layers],
        "model_name": model.name,
        "param_counts_per_weight": [int(np.prod(w.shape)) for layer in model.layers
                                    for w in layer.weights],
        "trainable_params": int(sum(np.prod(w.shape) for w in model.trainable_weights)),
        "non_trainable_params": int(sum(np.prod(w.shape)
                                        for w in model.non_trainable_weights)),
        "total_params": int(model.count_params()),
        "text": text,
        "text_lines": text.split("\n"),
    }


def regularization_fixtures():
    write("batchnorm_forward.json", fixture_batchnorm_forward())
    write("train_batchnorm.json", fixture_batchnorm_train())
    write("train_l2.json", fixture_l2_train())
    write("train_regularizers.json", fixture_regularizers_train())
    write("train_constraints.json", fixture_constraints_train())
    write("train_class_weight.json", fixture_class_weight_train())
    write("train_sample_weight.json", fixture_sample_weight_train())
    write("dropout_inference.json", fixture_dropout_inference())
    write("summary_regularization.json", fixture_reg_summary())
    with open(os.path.join(OUT, "config_regularization_used.json"), "w") as f:
        json.dump(REG, f, indent=1)
        f.write("\n")


# --------------------------------------------------------------------------- references (issue 20)
# Element-wise reference values, independent of any model: every activation and its
# derivative, the gradient of every loss with respect to y_pred, and the statistics of
# every initializer. Written by `--only references` (and by a full run).
REFERENCES_CONFIG = {
    # Points where the functions change form or overflow, and a regular grid.
    "activation_points": [0.0, 1e-3, -1e-3, 0.25, -0.25, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0,
                          3.5, -3.5, 10.0, -10.0, 20.0, -20.0, 40.0, -40.0, 88.0, -88.0],
    "activation_grid": [-6.0, 6.0, 49],
    "softmax_rows": 6, "softmax_units": 4,
    "loss_rows": 5, "loss_outputs": 3, "loss_classes": 4,
    "huber_deltas": [1.0, 0.3],
    "initializer_shapes": [[200, 300], [20000], [4, 100, 60]],
}
REF = CFG.get("references", REFERENCES_CONFIG)

# kerust name -> how Keras 3 spells the call (keras.activations.get(name) resolves each).
ACTIVATIONS = ["linear", "relu", "sigmoid", "tanh", "softmax", "elu", "selu", "gelu",
               "leaky_relu", "softplus", "swish", "silu"]


def fixture_activations():
    rng = make_rng(20)
    lo, hi, n = REF["activation_grid"]
    z = np.concatenate([np.array(REF["activation_points"]),
                        np.linspace(lo, hi, int(n))]).astype(np.float32)
    cases = {}
    for name in ACTIVATIONS:
        fn = keras.activations.get(name)
        if name == "softmax":
            continue
        value = np.asarray(fn(jnp.asarray(z)))
        # Element-wise: the gradient of sum(f(z)) is f'(z) at every point.
        deriv = np.asarray(jax.grad(lambda v: jnp.sum(fn(v)))(jnp.asarray(z)))
        cases[name] = {"keras_function": f"keras.activations.{fn.__name__}",
                       "value": f32(value), "derivative": f32(deriv)}
    # Softmax works on rows: the vector-Jacobian product with a random dout.
    r, u = REF["softmax_rows"], REF["softmax_units"]
    zs = rng.normal(0.0, 2.0, size=(r, u)).astype(np.float32)
    zs[0] = [1000.0, 1000.0, -1000.0, 0.0]  # stability: the max is subtracted
    zs[1] = [0.0, 0.0, 0.0, 0.0]
    dout = rng.normal(0.0, 1.0, size=(r, u)).astype(np.float32)
    sm = keras.activations.get("softmax")
    value, vjp = jax.vjp(sm, jnp.asarray(zs))
    (dz,) = vjp(jnp.asarray(dout))
    # Cross-check of jax.grad by central differences (step 1e-2, divided by the step
    # actually taken in float32), away from the kinks at 0.
    for name, c in cases.items():
        fn = keras.activations.get(name)
        up, down = (z + np.float32(1e-2)).astype(np.float32), (z - np.float32(1e-2)).astype(np.float32)
        num = ((np.asarray(fn(jnp.asarray(up)), np.float64)
                - np.asarray(fn(jnp.asarray(down)), np.float64))
               / (up.astype(np.float64) - down.astype(np.float64)))
        smooth = np.abs(z) > 0.05
        assert np.allclose(np.array(c["derivative"])[smooth], num[smooth], rtol=1e-3,
                           atol=1e-3), name
    return {
        "description": "Every activation of kerust, by its Keras name: keras.activations."
                       "get(name)(z) and its derivative jax.grad(lambda z: sum(f(z)))(z) "
                       "(element-wise, so the gradient of the sum is f'(z) at each point), "
                       "on special points and a grid; softmax on rows, with its "
                       "vector-Jacobian product jax.vjp for a given dout.",
        "method": "jax.grad / jax.vjp of keras.activations.get(name) (Keras 3, JAX backend)",
        "z": f32(z),
        "cases": cases,
        "softmax": {"z": f32(zs), "value": f32(value), "dout": f32(dout), "dz": f32(dz)},
        "notes": "relu'(0) = 0 (jax.nn.relu's custom gradient); leaky_relu'(0) = 1 "
                 "(where(x >= 0, ..)); elu'(0) = alpha = 1, selu'(0) = scale * alpha; "
                 "softplus'(0) = 0.5; gelu is the exact (erf) form, Keras's default "
                 "approximate=False; leaky_relu's negative_slope is 0.2 (the function's "
                 "default; the LeakyReLU layer's is 0.3).",
    }


def fixture_loss_gradients():
    rng = make_rng(21)
    L = keras.losses
    n, k, c = REF["loss_rows"], REF["loss_outputs"], REF["loss_classes"]
    cases = {}

    def case(name, loss_obj, y_true, y_pred, settings):
        yt, yp = jnp.asarray(y_true), jnp.asarray(y_pred)
        value, grad = jax.value_and_grad(lambda p: loss_obj(yt, p))(yp)
        cases[name] = {"keras_class": type(loss_obj).__name__, "settings": settings,
                       "y_true": y_true.tolist() if y_true.dtype.kind == "i" else f32(y_true),
                       "y_pred": f32(y_pred), "loss": f32(value), "gradient": f32(grad)}

    yt = rng.normal(0.0, 2.0, size=(n, k)).astype(np.float32)
    yp = (yt + rng.normal(0.0, 1.5, size=(n, k))).astype(np.float32)
    yp[0, 0] = yt[0, 0]  # a zero error: JAX's d|e|/de is sign(0) = 0
    case("mse", L.MeanSquaredError(), yt, yp, {})
    case("mae", L.MeanAbsoluteError(), yt, yp, {})
    for delta in REF["huber_deltas"]:
        case(f"huber_delta_{delta}", L.Huber(delta=delta), yt, yp, {"delta": delta})
    yt0 = yt.copy()
    yt0[1, 1] = 0.0  # divides by max(|y|, 1e-7)
    case("mean_absolute_percentage_error", L.MeanAbsolutePercentageError(), yt0, yp, {})

    bt = rng.integers(0, 2, size=(n, k)).astype(np.float32)
    bp = rng.uniform(0.02, 0.98, size=(n, k)).astype(np.float32)
    bp[0, 0], bp[1, 1] = 0.0, 1.0  # outside [1e-7, 1 - 1e-7]: the clip passes no gradient
    bl = rng.normal(0.0, 3.0, size=(n, k)).astype(np.float32)
    bl[2, 0], bl[3, 1] = 40.0, -40.0
    case("binary_crossentropy", L.BinaryCrossentropy(), bt, bp, {"from_logits": False})
    case("binary_crossentropy_from_logits", L.BinaryCrossentropy(from_logits=True), bt, bl,
         {"from_logits": True})

    labels = rng.integers(0, c, size=n)
    ct = np.eye(c, dtype=np.float32)[labels]
    raw = rng.uniform(0.05, 1.0, size=(n, c)).astype(np.float32)  # rows not summing to 1
    cl = rng.normal(0.0, 2.0, size=(n, c)).astype(np.float32)
    case("categorical_crossentropy", L.CategoricalCrossentropy(), ct, raw,
         {"from_logits": False})
    case("categorical_crossentropy_from_logits", L.CategoricalCrossentropy(from_logits=True),
         ct, cl, {"from_logits": True})
    st = labels.astype(np.int32).reshape(-1, 1)
    case("sparse_categorical_crossentropy", L.SparseCategoricalCrossentropy(), st, raw,
         {"from_logits": False})
    case("sparse_categorical_crossentropy_from_logits",
         L.SparseCategoricalCrossentropy(from_logits=True), st, cl, {"from_logits": True})
    # float64 cross-check: mse's gradient is 2 (p - y) / (rows * outputs)
    g = np.array(cases["mse"]["gradient"])
    assert np.allclose(g, 2.0 * (yp.astype(np.float64) - yt) / yt.size, rtol=1e-5, atol=1e-8)
    return {
        "description": "Gradient of every loss class (default reduction "
                       "sum_over_batch_size) with respect to y_pred: "
                       "jax.value_and_grad(lambda p: loss(y_true, p))(y_pred).",
        "method": "jax.value_and_grad over the keras.losses class (Keras 3, JAX backend)",
        "cases": cases,
        "notes": "sparse y_true is one column of int32 labels; the probabilities of the "
                 "categorical cases are unnormalised (Keras divides by the row sum, and "
                 "the gradient flows through that division).",
    }


INITIALIZERS = ["glorot_uniform", "glorot_normal", "he_uniform", "he_normal",
                "lecun_uniform", "lecun_normal", "zeros", "ones", "random_uniform",
                "random_normal"]


def fixture_initializers():
    from keras.src.initializers.random_initializers import compute_fans
    keras.utils.set_random_seed(SEED)
    cases = {}
    for name in INITIALIZERS:
        init = keras.initializers.get(name)
        per_shape = []
        for shape in REF["initializer_shapes"]:
            w = np.asarray(init(shape=tuple(shape), dtype="float32"), np.float64)
            fan_in, fan_out = compute_fans(shape)
            per_shape.append({"shape": shape, "fan_in": fan_in, "fan_out": fan_out,
                              "count": int(w.size), "mean": float(w.mean()),
                              "std": float(w.std()), "min": float(w.min()),
                              "max": float(w.max()), "max_abs": float(np.abs(w).max())})
        cfg = {k: v for k, v in init.get_config().items()
               if isinstance(v, (int, float, str)) and k != "seed"}
        cases[name] = {"keras_class": type(init).__name__, "config": cfg,
                       "samples": per_shape}
    return {
        "description": "Statistics of one seeded draw of every initializer (Keras 3 "
                       "keras.initializers.get(name), float32) for several shapes: mean, "
                       "population std, min, max, max |w|, with Keras's fans "
                       "(compute_fans).",
        "method": "keras.initializers.get(name)(shape, dtype='float32') after "
                  "keras.utils.set_random_seed(seed)",
        "cases": cases,
        "notes": "The *_normal variance-scaling initializers draw from a normal with "
                 "std sqrt(scale / fan) / 0.87962566, truncated at 2 of its own std, so "
                 "the std of the draw is sqrt(scale / fan) and max |w| is just under "
                 "2 sqrt(scale / fan) / 0.87962566. random_normal is not truncated.",
    }


def reference_fixtures():
    write("activations.json", fixture_activations())
    write("loss_gradients.json", fixture_loss_gradients())
    write("initializers.json", fixture_initializers())
    with open(os.path.join(OUT, "config_references_used.json"), "w") as f:
        json.dump(REF, f, indent=1)
        f.write("\n")


# --------------------------------------------------------------------------- main
def main():
    only = "regularization" if args.only_new else args.only
    if only == "regularization":
        regularization_fixtures()
        return
    if only == "references":
        reference_fixtures()
        return
    model, x, fwd = fixture_forward()
    write("dense_forward.json", fwd)
    write("gradients.json", fixture_gradients(model, x))
    write("losses.json", fixture_losses())
    for name, fx in fixture_regression_training().items():
        write(name, fx)
    write("train_classification.json", fixture_classification())
    write("scalers_metrics.json", fixture_scalers_metrics())
    _, summ = fixture_summary()
    write("summary.json", summ)
    with open(os.path.join(OUT, "config_used.json"), "w") as f:
        json.dump(CFG, f, indent=1)
        f.write("\n")
    regularization_fixtures()
    reference_fixtures()


if __name__ == "__main__":
    main()
