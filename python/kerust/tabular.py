"""The tabular workflow over pandas DataFrames: name the target, and kerust one-hot
encodes the categorical columns, imputes, splits train/validation/test, scales (fitted on
the training rows only), trains and scores — the same steps, settings and ``.kerust``
files as ``kerust train``.

>>> from kerust.tabular import TabularSpec                        # doctest: +SKIP
>>> run = TabularSpec(layers=[64, 32], epochs=100, seed=1).fit(df, target="medv")
>>> run.model.predict(new_rows)                                     # doctest: +SKIP
"""

import json
import os

import numpy as np

from kerust import _kerust


def _csv(data, name):
    """A table as CSV text and a name for messages: a DataFrame, or a CSV file's path."""
    if isinstance(data, (str, os.PathLike)):
        path = os.fspath(data)
        with open(path, encoding="utf-8") as f:
            return f.read(), path
    if hasattr(data, "to_csv") and hasattr(data, "columns"):
        return data.to_csv(index=False), name
    raise TypeError(f"{name} must be a pandas DataFrame or a CSV file's path. Received: {type(data).__name__}")


class TabularSpec:
    """The settings of a run, by the names of ``kerust train``'s ``settings.toml``
    (``layers``, ``activation``, ``optimizer``, ``lr``, ``epochs``, ``batch_size``,
    ``validation_split``, ``test_size``, ``scaler``, ``early_stopping``, ``seed``, ...);
    unset settings keep kerust's defaults."""

    def __init__(self, **settings):
        self.settings = settings

    def fit(self, data, target, verbose=0):
        """Trains on a DataFrame (or CSV path) with ``target`` as the column to predict."""
        if not isinstance(target, str):
            raise TypeError(f"target must be a column name. Received: target={target!r}")
        csv, source = _csv(data, "data")
        model, history, metrics, warnings = _kerust.fit_tabular(csv, source, target, json.dumps(self.settings), verbose)
        return TabularRun(TabularModel(model), dict(zip(history["keys"], history["values"])), metrics, warnings)

    def __repr__(self):
        return f"TabularSpec({', '.join(f'{k}={v!r}' for k, v in self.settings.items())})"


class TabularRun:
    """What ``TabularSpec.fit`` returns: ``model``, ``history`` (dict of lists),
    ``test_metrics`` (on the held-out test rows) and ``warnings``."""

    def __init__(self, model, history, test_metrics, warnings):
        self.model, self.history, self.test_metrics, self.warnings = model, history, test_metrics, warnings


class TabularModel:
    """A trained model with its preprocessing: predicts from raw rows (columns by name)."""

    def __init__(self, inner):
        self._inner = inner

    @staticmethod
    def load(path):
        """A model from a ``.kerust`` file of ``kerust train`` or ``save``."""
        return TabularModel(_kerust.TabularModel.load(os.fspath(path)))

    def save(self, path):
        """Writes the ``.kerust`` file (atomically)."""
        self._inner.save(os.fspath(path))

    def predict(self, data):
        """The answers for each row: numbers (regression; one column per output) or class
        labels (classification)."""
        values, labels, _ = self._inner.predict(*_csv(data, "data"))
        if labels is not None:
            return np.array(labels, dtype=object)
        return values[:, 0] if values.shape[1] == 1 else values

    def predict_proba(self, data):
        """The model's raw outputs: class probabilities for classification."""
        values, _, _ = self._inner.predict(*_csv(data, "data"))
        return values

    def transform(self, data):
        """The network's inputs for each row (one-hot, imputation and scaling applied)."""
        x, _ = self._inner.transform(*_csv(data, "data"))
        return x

    def evaluate(self, data):
        """The test metrics on rows that have the target column."""
        return self._inner.evaluate(*_csv(data, "data"))

    def summary(self, print_fn=None):
        (print_fn or print)(self._inner.summary().rstrip("\n"))

    @property
    def target(self):
        return self._inner.target

    @property
    def task(self):
        return self._inner.task

    @property
    def feature_names(self):
        return self._inner.feature_names

    @property
    def test_metrics(self):
        return self._inner.test_metrics


def load_model(path):
    """``TabularModel.load``."""
    return TabularModel.load(path)
