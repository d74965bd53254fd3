"""``keras.callbacks``: hooks into ``fit``. Subclass ``Callback`` (its hooks get
``(epoch, logs)`` as in Keras; ``self.model.stop_training = True`` stops training). The
built-ins (``EarlyStopping``, ``ReduceLROnPlateau``, ``ModelCheckpoint``, ``CSVLogger``,
``TerminateOnNaN``) run kerust's own callbacks inside the Rust loop."""

import sys
import time

from kerust import _kerust


class Callback:
    """Base class of callbacks (Keras's hooks and attributes)."""

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_batch_begin(self, batch, logs=None):
        pass

    def on_batch_end(self, batch, logs=None):
        pass

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs=logs)

    # Never called by kerust's evaluate/predict (they have no callbacks); kept so that
    # Keras callbacks which define them still load.
    def on_test_begin(self, logs=None):
        pass

    def on_test_end(self, logs=None):
        pass

    def on_predict_begin(self, logs=None):
        pass

    def on_predict_end(self, logs=None):
        pass

    def _batch_hooks(self):
        """Whether a batch hook is overridden (only then do batches call into Python)."""
        cls = type(self)
        return any(
            getattr(cls, hook) is not getattr(Callback, hook)
            for hook in ("on_batch_begin", "on_batch_end", "on_train_batch_begin", "on_train_batch_end")
        )


class History(Callback):
    """What ``fit`` returns: ``history`` (a dict of lists of floats, one per epoch),
    ``epoch`` (the epoch indices) and ``params``."""

    def __init__(self, history=None, epoch=None, params=None, model=None):
        super().__init__()
        self.history = history or {}
        self.epoch = epoch or []
        self.params = params or {}
        self.model = model

    def __repr__(self):
        return f"<History epochs={len(self.epoch)} keys={list(self.history)}>"


class _Native(Callback):
    """A built-in whose logic is kerust's (in ``self._native``)."""

    _native = None


class EarlyStopping(_Native):
    """Stops training when ``monitor`` has stopped improving (Keras's defaults)."""

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto", baseline=None,
                 restore_best_weights=False, start_from_epoch=0):
        super().__init__()
        self.monitor, self.min_delta, self.patience, self.verbose = monitor, min_delta, patience, verbose
        self.mode, self.baseline, self.restore_best_weights = mode, baseline, restore_best_weights
        self.start_from_epoch = start_from_epoch
        self._native = _kerust.EarlyStopping(monitor, float(min_delta), int(patience), int(verbose), mode,
                                             None if baseline is None else float(baseline),
                                             bool(restore_best_weights), int(start_from_epoch))

    @property
    def stopped_epoch(self):
        return self._native.stopped_epoch

    @property
    def best(self):
        return self._native.best

    @property
    def best_epoch(self):
        return self._native.best_epoch


class ReduceLROnPlateau(_Native):
    """Multiplies the learning rate by ``factor`` when ``monitor`` has stopped improving."""

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto", min_delta=1e-4,
                 cooldown=0, min_lr=0.0, **kwargs):
        super().__init__()
        if "epsilon" in kwargs:
            min_delta = kwargs.pop("epsilon")
        if kwargs:
            raise TypeError(f"Unrecognized keyword arguments passed to ReduceLROnPlateau: {kwargs}")
        self.monitor, self.factor, self.patience, self.verbose = monitor, factor, patience, verbose
        self.mode, self.min_delta, self.cooldown, self.min_lr = mode, min_delta, cooldown, min_lr
        self._native = _kerust.ReduceLROnPlateau(monitor, float(factor), int(patience), int(verbose), mode,
                                                 float(min_delta), int(cooldown), float(min_lr))


class ModelCheckpoint(_Native):
    """Saves the model (a ``.kerust`` file) after epochs; ``filepath`` may hold
    ``{epoch:02d}`` and ``{val_loss:.2f}`` fields."""

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False, save_weights_only=False,
                 mode="auto", save_freq="epoch", initial_value_threshold=None):
        super().__init__()
        if save_freq != "epoch":
            raise ValueError(f"kerust's ModelCheckpoint saves at epoch ends only. Received: save_freq={save_freq!r}")
        if initial_value_threshold is not None:
            raise ValueError("kerust's ModelCheckpoint has no initial_value_threshold yet")
        self.filepath = str(filepath)
        self.monitor, self.verbose, self.save_best_only = monitor, verbose, save_best_only
        self.save_weights_only, self.mode = save_weights_only, mode
        self._native = _kerust.ModelCheckpoint(self.filepath, monitor, int(verbose), bool(save_best_only),
                                               bool(save_weights_only), mode)


class CSVLogger(_Native):
    """Writes each epoch's logs to a CSV file."""

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename, self.separator, self.append = str(filename), separator, append
        self._native = _kerust.CSVLogger(self.filename, separator, bool(append))


class TerminateOnNaN(_Native):
    """Stops training when the loss becomes NaN or infinite."""

    def __init__(self):
        super().__init__()
        self._native = _kerust.TerminateOnNaN()


class LearningRateScheduler(Callback):
    """Sets the learning rate at each epoch's start to ``schedule(epoch, lr)`` (or
    ``schedule(epoch)``), and logs it as ``learning_rate``."""

    def __init__(self, schedule, verbose=0):
        super().__init__()
        if not callable(schedule):
            raise TypeError(f"schedule must be a function of (epoch, lr). Received: schedule={schedule!r}")
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        lr = float(self.model.optimizer.learning_rate)
        try:
            lr = self.schedule(epoch, lr)
        except TypeError:  # the older one-argument form, as Keras accepts it
            lr = self.schedule(epoch)
        try:
            lr = float(lr)
        except (TypeError, ValueError):
            raise ValueError(f'The output of the "schedule" function should be a float. Got: {lr!r}') from None
        self.model.optimizer.learning_rate = lr
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr}.", file=sys.stdout)

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)


def _format_value(v):
    return f"{v:.4f}" if abs(v) > 1e-3 or v == 0 or v != v or abs(v) == float("inf") else f"{v:.4e}"


def _format_logs(logs):
    return "".join(f" - {k}: {_format_value(v)}" for k, v in logs.items())


def _per_step(seconds):
    if seconds >= 1:
        return f"{seconds:.0f}s/step"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/step"
    return f"{seconds * 1e6:.0f}us/step"


def _dynamic():
    """Whether the output can be redrawn in place (a terminal or a notebook), as Keras asks."""
    isatty = getattr(sys.stdout, "isatty", lambda: False)
    return bool(isatty()) or "ipykernel" in sys.modules


class ProgbarLogger(Callback):
    """Keras's progress output, written through ``sys.stdout`` (so it shows in Jupyter):
    ``verbose=1`` a bar per epoch, ``verbose=2`` one line per epoch."""

    def __init__(self, verbose=1, epochs=1, steps=1):
        super().__init__()
        self.verbose, self.epochs, self.steps = verbose, epochs, steps
        self.dynamic = _dynamic()
        self._start = time.perf_counter()

    def _batch_hooks(self):
        return self.verbose == 1 and self.dynamic

    def _bar(self, step):
        filled = 20 * step // max(self.steps, 1)
        return f"{step}/{self.steps} " + "━" * filled + " " * (20 - filled)

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()
        sys.stdout.write(f"Epoch {epoch + 1}/{self.epochs}\n")
        sys.stdout.flush()

    def on_train_batch_end(self, batch, logs=None):
        step = batch + 1
        elapsed = time.perf_counter() - self._start
        eta = elapsed / step * (self.steps - step)
        sys.stdout.write(f"\r{self._bar(step)} {eta:.0f}s{_format_logs(logs or {})}\x1b[K")
        sys.stdout.flush()

    def on_epoch_end(self, epoch, logs=None):
        elapsed = time.perf_counter() - self._start
        per_step = _per_step(elapsed / max(self.steps, 1))
        if self.verbose == 1:
            line = f"{self._bar(self.steps)} {elapsed:.0f}s {per_step}{_format_logs(logs or {})}"
            sys.stdout.write(("\r" + line + "\x1b[K\n") if self.dynamic else line + "\n")
        else:
            sys.stdout.write(f"{self.steps}/{self.steps} - {elapsed:.0f}s - {per_step}{_format_logs(logs or {})}\n")
        sys.stdout.flush()
