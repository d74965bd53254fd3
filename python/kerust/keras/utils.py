"""``keras.utils``: seeding and label helpers."""

import random as _random

import numpy as np

from kerust.keras import backend


def set_random_seed(seed):
    """Seeds Python's, numpy's and kerust's generators: the same script gives the same
    initial weights, shuffling and Dropout masks (``keras.utils.set_random_seed``)."""
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise ValueError(f"seed must be an integer. Received: seed={seed!r}")
    _random.seed(int(seed))
    np.random.seed(int(seed) % (2**32))
    backend.set_seed(int(seed))


def to_categorical(x, num_classes=None):
    """Class indices to one-hot rows (``keras.utils.to_categorical``)."""
    x = np.asarray(x)
    if x.ndim > 1 and x.shape[-1] == 1:
        x = x.reshape(x.shape[:-1])
    if x.size and (np.any(x < 0) or np.any(x != np.floor(x))):
        raise ValueError("to_categorical takes non-negative integer class indices")
    x = x.astype(np.int64)
    if num_classes is None:
        num_classes = int(x.max()) + 1 if x.size else 0
    if x.size and int(x.max()) >= num_classes:
        raise ValueError(f"num_classes={num_classes} is too small for class index {int(x.max())}")
    out = np.zeros(x.shape + (num_classes,), dtype=np.float32)
    np.put_along_axis(out, x[..., None], 1.0, axis=-1)
    return out
