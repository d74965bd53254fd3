"""Keras's API on kerust: ``import kerust.keras as keras``, or
``from kerust.keras.models import Sequential``; the lesson's code runs unchanged but for
its imports.

>>> import kerust.keras as keras
>>> keras.backend.clear_session()
>>> model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
>>> model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.1), loss="mse")
>>> [w.shape for w in model.get_weights()]
[(3, 1), (1,)]
"""

from kerust.keras import backend, callbacks, constraints, initializers, layers, losses, models, optimizers
from kerust.keras import regularizers, utils
from kerust.keras.layers import Input
from kerust.keras.models import Sequential, load_model

__all__ = [
    "Input",
    "Sequential",
    "backend",
    "callbacks",
    "constraints",
    "initializers",
    "layers",
    "load_model",
    "losses",
    "models",
    "optimizers",
    "regularizers",
    "utils",
]
