"""``keras.models``: ``Sequential`` and ``load_model``. The model holds Keras's objects
(layers, optimizer); the kerust engine model behind it is made once the input width is
known (from ``Input``, ``input_shape=``, or the first ``fit``), as Keras builds."""

import json
import os
import sys
import time

import numpy as np

from kerust import _convert, _kerust
from kerust.keras import backend, callbacks as callbacks_module, layers as layers_module
from kerust.keras import losses as losses_module, optimizers as optimizers_module


def _verbose(verbose):
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2) or isinstance(verbose, bool):
        raise ValueError(f"verbose must be 'auto', 0, 1 or 2. Received: verbose={verbose!r}")
    return int(verbose)


def _positive_int(value, name, minimum=1):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}. Received: {name}={value!r}")
    return int(value)


def _unsupported(**kwargs):
    for key, value in kwargs.items():
        if value is not None:
            raise ValueError(f"kerust's fit does not support {key} yet. Received: {key}={value!r}")


# The engine model is lent to the Rust training loop during `fit`.
_IN_FIT = (
    "model.{what}() cannot be called from a callback while fit is running: kerust's training "
    "loop holds the model. Read or change the weights after fit, or use EarlyStopping("
    "restore_best_weights=True) / ModelCheckpoint for the weights of an epoch"
)


class Sequential:
    """A linear stack of layers (``keras.Sequential``)."""

    def __init__(self, layers=None, name=None, trainable=True):
        self.name = name or backend.unique_name("sequential")
        self._layers = []
        self._input = None
        self._rust = None
        self._compile_args = None
        self.optimizer = None
        self.loss = None
        self.stop_training = False
        self.history = None
        self.trainable = trainable
        for layer in layers or []:
            self.add(layer)

    # ---- structure -------------------------------------------------------------------
    def add(self, layer):
        """Appends a layer (or, first, a ``keras.Input``)."""
        if isinstance(layer, layers_module.InputLayer):
            if self._layers or self._input is not None:
                raise ValueError("keras.Input must be the first element of a Sequential model")
            self._input = layer
            return
        if not isinstance(layer, layers_module.Layer):
            raise TypeError(
                f"Only instances of keras.layers.Layer can be added to a Sequential model. Received: {layer!r} "
                f"(of type {type(layer).__name__})"
            )
        if any(existing.name == layer.name for existing in self._layers):
            raise ValueError(f"All layers added to a Sequential model should have unique names. Name {layer.name!r} is already used")
        layer._model, layer._index = self, len(self._layers)
        self._layers.append(layer)
        self._rust = None
        self._maybe_build()

    def pop(self):
        """Removes the last layer."""
        if not self._layers:
            raise TypeError("There are no layers in the model.")
        layer = self._layers.pop()
        layer._model = None
        self._rust = None
        self._maybe_build()
        return layer

    @property
    def layers(self):
        return list(self._layers)

    @property
    def built(self):
        return self._rust is not None

    def _declared_input_dim(self):
        if self._input is not None:
            return self._input.dim
        return self._layers[0]._input_dim if self._layers else None

    def _maybe_build(self):
        if self._layers and self._declared_input_dim() is not None:
            self.build()

    def build(self, input_shape=None):
        """Makes the engine model (the weights) for inputs of ``input_shape=(None, n)``."""
        if not self._layers:
            raise ValueError("Sequential model has no layers; add one with model.add(keras.layers.Dense(units))")
        dim = self._declared_input_dim()
        if input_shape is not None:
            shape = tuple(input_shape)
            given = shape[-1]
            if dim is not None and given != dim:
                raise ValueError(f"input_shape {shape} does not match the declared input width {dim}")
            dim = given
        if dim is None:
            raise ValueError("The model has no input shape: give the first layer input_shape=(n,), start with keras.Input(shape=(n,)), or call fit")
        configs = [layer._kerust_config(dim if i == 0 else None) for i, layer in enumerate(self._layers)]
        for config in configs[1:]:
            config["config"].pop("input_dim", None)
        self._rust = _kerust.Model(json.dumps(configs), self.name, backend.next_seed())
        if self._compile_args is not None:
            self._apply_compile()

    def _engine(self, input_dim=None):
        if self._rust is None:
            if input_dim is None:
                raise ValueError(f"Model {self.name!r} has not been built yet: call fit, or declare its input shape")
            self.build((None, input_dim))
        return self._rust

    def _weight_slice(self, index):
        start = sum(layer._weight_count() for layer in self._layers[:index])
        return start, start + self._layers[index]._weight_count()

    # ---- compile ---------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None, weighted_metrics=None,
                run_eagerly=False, steps_per_execution=1, jit_compile="auto", auto_scale_loss=True):
        """Fixes the optimizer (an object or a name), the loss (a name such as ``"mse"``)
        and the metrics (names)."""
        if loss is None:
            raise ValueError("kerust needs a loss to compile, e.g. loss='mse'")
        if loss_weights is not None or weighted_metrics is not None:
            raise ValueError("kerust's compile does not support loss_weights or weighted_metrics yet")
        self.optimizer = optimizers_module.get(optimizer)
        self.loss = loss
        self._compile_args = (self.optimizer, losses_module.name(loss), [losses_module.metric_name(m) for m in (metrics or [])])
        if self._rust is not None:
            self._apply_compile()

    def _apply_compile(self):
        optimizer, loss, metrics = self._compile_args
        self._rust.compile(optimizer._kerust_json(), loss, metrics)
        self._pushed_lr = float(optimizer.learning_rate)

    def _ready(self, what):
        if self._compile_args is None:
            raise RuntimeError(f"You must call `compile()` before using the model (in {what}).")

    def _sync_learning_rate(self):
        """A learning rate the user set on ``model.optimizer`` between fits reaches the engine."""
        lr = float(self.optimizer.learning_rate)
        if lr != getattr(self, "_pushed_lr", None):
            self._rust.learning_rate = lr
            self._pushed_lr = lr

    # ---- fit -------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None, validation_split=0.0,
            validation_data=None, shuffle=True, class_weight=None, sample_weight=None, initial_epoch=0,
            steps_per_epoch=None, validation_steps=None, validation_batch_size=None, validation_freq=1):
        """Trains for ``epochs`` epochs; returns a ``History`` whose ``history`` dict holds
        ``loss``, each metric, and ``val_`` of each when validating."""
        self._ready("fit")
        _unsupported(steps_per_epoch=steps_per_epoch, validation_steps=validation_steps,
                     validation_batch_size=validation_batch_size)
        if validation_freq != 1:
            raise ValueError(f"kerust validates after every epoch. Received: validation_freq={validation_freq!r}")
        verbose = _verbose(verbose)
        x = _convert.matrix(x, "x")
        y = _convert.matrix(y, "y")
        _convert.same_rows(x, y)
        batch_size = 32 if batch_size is None else _positive_int(batch_size, "batch_size")
        epochs = _positive_int(epochs, "epochs")
        initial_epoch = _positive_int(initial_epoch, "initial_epoch", 0)
        if isinstance(validation_split, bool) or not isinstance(validation_split, (int, float)):
            raise ValueError(f"validation_split must be a float in [0, 1). Received: validation_split={validation_split!r}")
        val = None
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
                raise ValueError("validation_data must be a tuple (x_val, y_val)")
            if len(validation_data) == 3 and validation_data[2] is not None:
                raise ValueError("kerust's validation_data takes (x_val, y_val), without sample weights")
            vx = _convert.matrix(validation_data[0], "validation_data[0]")
            vy = _convert.matrix(validation_data[1], "validation_data[1]")
            _convert.same_rows(vx, vy, "validation_data[0]", "validation_data[1]")
            val = (vx, vy)
        if class_weight is not None:
            if not isinstance(class_weight, dict):
                raise ValueError(f"class_weight must be a dict of class index to weight. Received: class_weight={class_weight!r}")
            class_weight = {int(k): float(v) for k, v in class_weight.items()}
        if sample_weight is not None:
            sample_weight = _convert.vector(sample_weight, "sample_weight")
            if sample_weight.shape[0] != x.shape[0]:
                raise ValueError(f"sample_weight must have one value per row of x. Received: sample_weight.shape={sample_weight.shape}, x.shape={x.shape}")
        engine = self._engine(x.shape[1])
        self._sync_learning_rate()

        train_rows = x.shape[0] if val is not None or not validation_split else int(np.floor(x.shape[0] * (1 - validation_split)))
        steps = -(-max(train_rows, 1) // batch_size)
        params = {"verbose": verbose, "epochs": epochs, "steps": steps}
        listed = list(callbacks or [])
        if verbose:
            listed.append(callbacks_module.ProgbarLogger(verbose, epochs, steps))
        bridge = []
        for cb in listed:
            if not isinstance(cb, callbacks_module.Callback):
                raise TypeError(f"callbacks must be keras.callbacks.Callback objects. Received: {cb!r}")
            cb.set_model(self)
            cb.set_params(params)
            if isinstance(cb, callbacks_module._Native):
                bridge.append(cb._native)
            else:
                interval = 0.05 if isinstance(cb, callbacks_module.ProgbarLogger) else None
                bridge.append((cb, self, cb._batch_hooks(), interval))
        self.stop_training = False
        record, error = engine.fit(
            x, y, epochs=epochs, batch_size=batch_size, shuffle=bool(shuffle),
            validation_split=float(validation_split), validation_data=val, initial_epoch=initial_epoch,
            class_weight=class_weight, sample_weight=sample_weight, callbacks=bridge,
        )
        self.optimizer.learning_rate = engine.learning_rate
        self._pushed_lr = float(self.optimizer.learning_rate)
        history = {key: values for key, values in zip(record["keys"], record["values"])}
        self.history = callbacks_module.History(history, record["epochs"], params, self)
        if error is not None:
            raise error
        return self.history

    # ---- inference -------------------------------------------------------------------
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs for ``x``, a float32 array (rows, outputs)."""
        verbose = _verbose(verbose)
        _unsupported(steps=steps)
        x = _convert.matrix(x, "x")
        batch_size = 32 if batch_size is None else _positive_int(batch_size, "batch_size")
        engine = self._engine(x.shape[1])
        start = time.perf_counter()
        out = engine.predict(x, batch_size)
        self._progress_line(verbose, -(-x.shape[0] // batch_size), start, {})
        return out

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False):
        """The loss (a float) or ``[loss, metric, ...]`` on ``(x, y)``; a dict with
        ``return_dict=True``."""
        self._ready("evaluate")
        verbose = _verbose(verbose)
        _unsupported(steps=steps)
        x = _convert.matrix(x, "x")
        y = _convert.matrix(y, "y")
        _convert.same_rows(x, y)
        if sample_weight is not None:
            sample_weight = _convert.vector(sample_weight, "sample_weight")
        batch_size = 32 if batch_size is None else _positive_int(batch_size, "batch_size")
        engine = self._engine(x.shape[1])
        start = time.perf_counter()
        results = engine.evaluate(x, y, batch_size, sample_weight)
        self._progress_line(verbose, -(-x.shape[0] // batch_size), start, dict(results))
        if return_dict:
            return dict(results)
        values = [v for _, v in results]
        return values[0] if len(values) == 1 else values

    def _progress_line(self, verbose, steps, start, logs):
        if verbose:
            elapsed = time.perf_counter() - start
            bar = "━" * 20 if verbose == 1 else ""
            per_step = callbacks_module._per_step(elapsed / max(steps, 1))
            sep = " " if verbose == 1 else " - "
            sys.stdout.write(f"{steps}/{steps} {bar}{sep}{elapsed:.0f}s {per_step}{callbacks_module._format_logs(logs)}\n")
            sys.stdout.flush()

    def __call__(self, x, training=False):
        return self.predict(x, verbose=0)

    # ---- weights and files -----------------------------------------------------------
    def get_weights(self):
        """The weights as numpy arrays, Keras's order (kernel, bias of each Dense, ...)."""
        if self._rust is None:
            return []
        try:
            return self._rust.get_weights()
        except RuntimeError:
            raise RuntimeError(_IN_FIT.format(what="get_weights")) from None

    def set_weights(self, weights):
        """Replaces every weight (count and shapes checked; nothing changes on error)."""
        engine = self._engine()
        arrays = []
        for i, w in enumerate(weights):
            try:
                arrays.append(np.ascontiguousarray(w, dtype=np.float32))
            except (TypeError, ValueError):
                raise ValueError(f"weights[{i}] is not an array of numbers") from None
        try:
            engine.set_weights(arrays)
        except RuntimeError:
            raise RuntimeError(_IN_FIT.format(what="set_weights")) from None

    def count_params(self):
        return self._engine().count_params()

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False, show_trainable=False,
                layer_range=None):
        """Prints Keras's summary table (through ``print_fn`` if given)."""
        if self._rust is not None:
            text = self._rust.summary()
        else:
            configs = [layer._kerust_config() for layer in self._layers]
            text = _kerust.Model(json.dumps(configs), self.name, 0).summary() if self._layers else f'Model: "{self.name}"\n'
        (print_fn or print)(text.rstrip("\n"))

    def save(self, filepath, overwrite=True, **kwargs):
        """Saves architecture, weights, compile settings and optimizer state to one
        ``.kerust`` file (atomically)."""
        filepath = os.fspath(filepath)
        if not overwrite and os.path.exists(filepath):
            raise FileExistsError(f"{filepath} exists and overwrite=False")
        self._engine().save(filepath)

    def save_weights(self, filepath, overwrite=True):
        """Saves the weights (and layer configurations) only."""
        filepath = os.fspath(filepath)
        if not overwrite and os.path.exists(filepath):
            raise FileExistsError(f"{filepath} exists and overwrite=False")
        self._engine().save_weights(filepath)

    def load_weights(self, filepath):
        """Reads weights written by ``save_weights`` into this architecture."""
        self._engine().load_weights(os.fspath(filepath))

    def get_config(self):
        return {"name": self.name, "layers": [{"class_name": l._class_name, "config": l.get_config()} for l in self._layers]}

    def __repr__(self):
        return f"<Sequential name={self.name}, built={self.built}>"


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """A model from a ``.kerust`` file (written by ``save``, ``ModelCheckpoint`` or the
    ``kerust`` command line): architecture, weights and, if it was compiled, optimizer
    and loss."""
    filepath = os.fspath(filepath)
    engine = _kerust.Model.load(filepath)
    configs = json.loads(engine.layer_configs())
    model = Sequential.__new__(Sequential)
    model.name = engine.name
    model._layers, model._input, model._rust, model._compile_args = [], None, engine, None
    model.optimizer, model.loss, model.stop_training, model.history, model.trainable = None, None, False, None, True
    for i, config in enumerate(configs):
        layer = layers_module._from_kerust(config)
        layer._model, layer._index = model, i
        model._layers.append(layer)
    optimizer_json = engine.optimizer_config()
    if compile and optimizer_json is not None:
        model.optimizer = optimizers_module.Optimizer._from_kerust(optimizer_json)
        model.loss = engine.loss
        model._compile_args = (model.optimizer, engine.loss, engine.metrics)
        model._pushed_lr = float(model.optimizer.learning_rate)
    return model
