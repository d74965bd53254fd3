"""``keras.layers``: the layers of a ``Sequential`` model. Each is a configuration here;
the model builds the kerust layers from them. Arguments are checked when the layer is
made, as Keras does."""

import json
import re

from kerust import _kerust
from kerust.keras import backend, constraints, initializers, regularizers


def _snake(class_name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", class_name).lower()


def _activation_name(activation):
    if activation is None:
        return "linear"
    if isinstance(activation, str):
        return activation
    name = getattr(activation, "__name__", None) or getattr(activation, "name", None)
    if isinstance(name, str):
        return name
    raise TypeError(
        f"activation must be a name such as 'relu' or one of keras.activations. Received: activation={activation!r}"
    )


def _input_dim(input_shape, input_dim, owner):
    if input_shape is not None:
        shape = tuple(input_shape) if not isinstance(input_shape, int) else (input_shape,)
        if len(shape) != 1 or shape[0] is None:
            raise ValueError(
                f"{owner}: kerust's Dense models take rows of features, so input_shape must be (n_features,). "
                f"Received: input_shape={input_shape!r}"
            )
        input_dim = shape[0]
    if input_dim is not None:
        if isinstance(input_dim, bool) or not isinstance(input_dim, int) and not hasattr(input_dim, "__index__"):
            raise ValueError(f"{owner}: input_dim must be a positive integer. Received: input_dim={input_dim!r}")
        input_dim = int(input_dim)
        if input_dim < 1:
            raise ValueError(f"{owner}: the input must have at least one feature. Received: input_dim={input_dim}")
    return input_dim


class Layer:
    """Base of the layers: a name (``dense``, ``dense_1``, ... by default), an optional
    input shape, and kerust's configuration."""

    _weight_names = ()

    def __init__(self, name=None, input_shape=None, input_dim=None, trainable=True, dtype=None, **kwargs):
        if kwargs:
            raise TypeError(f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name must be a string. Received: name={name!r}")
        self.name = name or backend.unique_name(_snake(type(self).__name__))
        self._input_dim = _input_dim(input_shape, input_dim, type(self).__name__)
        self.trainable = trainable
        self._model = None
        self._index = None

    def _config(self):
        return {}

    def _kerust_config(self, input_dim=None):
        config = {"name": self.name, **self._config()}
        dim = input_dim if input_dim is not None else self._input_dim
        if dim is not None:
            config["input_dim"] = dim
        return {"class_name": self._class_name, "config": config}

    def _check(self):
        _kerust.check_layer(json.dumps(self._kerust_config()))

    @property
    def _class_name(self):
        return type(self).__name__

    def _weight_count(self):
        return len(self._weight_names)

    def get_config(self):
        """The layer's settings (Keras's names)."""
        config = {"name": self.name, "trainable": self.trainable, **self._config()}
        return config

    def get_weights(self):
        """This layer's weights as numpy arrays, Keras's order (empty before the model is built)."""
        if self._model is None or self._model._rust is None:
            return []
        start, stop = self._model._weight_slice(self._index)
        return self._model.get_weights()[start:stop]

    def set_weights(self, weights):
        """Replaces this layer's weights (count and shapes checked)."""
        if self._model is None or self._model._rust is None:
            raise ValueError(f"Layer {self.name!r} has no weights yet: build the model first")
        start, stop = self._model._weight_slice(self._index)
        all_weights = self._model.get_weights()
        weights = list(weights)
        if len(weights) != stop - start:
            raise ValueError(
                f"Layer {self.name!r} expects {stop - start} weights. Received: {len(weights)} weights"
            )
        all_weights[start:stop] = weights
        self._model.set_weights(all_weights)

    @property
    def weights(self):
        return self.get_weights()

    def count_params(self):
        return int(sum(w.size for w in self.get_weights()))

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


class Dense(Layer):
    """``output = activation(dot(input, kernel) + bias)``; Keras's defaults (linear,
    bias on, ``glorot_uniform`` kernel, ``zeros`` bias)."""

    def __init__(
        self,
        units,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if isinstance(units, bool) or not isinstance(units, int) and not hasattr(units, "__index__") or int(units) < 1:
            raise ValueError(f"Received an invalid value for `units`, expected a positive integer. Received: units={units!r}")
        self.units = int(units)
        self.activation = _activation_name(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self._check()

    def _config(self):
        config = {
            "units": self.units,
            "activation": self.activation,
            "use_bias": self.use_bias,
            "kernel_initializer": self.kernel_initializer,
            "bias_initializer": self.bias_initializer,
        }
        for key in ("kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint"):
            if getattr(self, key) is not None:
                config[key] = getattr(self, key)
        return config

    def _weight_count(self):
        return 2 if self.use_bias else 1


class Dropout(Layer):
    """Sets a fraction ``rate`` of the inputs to 0 during training (scaling the rest by
    ``1 / (1 - rate)``); does nothing at inference."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if noise_shape is not None:
            raise ValueError("kerust's Dropout has no noise_shape: it drops each input value independently")
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate < 1:
            raise ValueError(f"Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate={rate!r}")
        self.rate = float(rate)
        self.seed = seed
        self._check()

    def _config(self):
        config = {"rate": self.rate}
        if self.seed is not None:
            config["seed"] = int(self.seed)
        return config


class BatchNormalization(Layer):
    """Normalizes each feature by the batch's statistics in training and by moving
    averages at inference (Keras's defaults: momentum 0.99, epsilon 0.001)."""

    def __init__(self, axis=-1, momentum=0.99, epsilon=0.001, center=True, scale=True, **kwargs):
        super().__init__(**kwargs)
        if axis not in (-1, 1):
            raise ValueError(f"kerust's BatchNormalization normalizes the feature axis (-1). Received: axis={axis!r}")
        self.axis = axis
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self._check()

    def _config(self):
        return {"momentum": self.momentum, "epsilon": self.epsilon, "center": self.center, "scale": self.scale}

    def _weight_count(self):
        return int(self.center) + int(self.scale) + 2


class Activation(Layer):
    """Applies an activation function."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = _activation_name(activation)
        self._check()

    def _config(self):
        return {"activation": self.activation}


class InputLayer:
    """The model input: ``shape=(n_features,)``. ``keras.Input(shape=(n,))`` makes one."""

    def __init__(self, shape=None, batch_size=None, dtype=None, name=None, input_shape=None, **kwargs):
        if kwargs:
            raise TypeError(f"Unrecognized keyword arguments passed to Input: {kwargs}")
        shape = shape if shape is not None else input_shape
        if shape is None:
            raise ValueError("Input needs shape=(n_features,)")
        self.shape = (None,) + tuple(shape if not isinstance(shape, int) else (shape,))
        self.dim = _input_dim(self.shape[1:], None, "Input")
        self.name = name or backend.unique_name("input_layer")

    def __repr__(self):
        return f"<KerasTensor shape={self.shape}, name={self.name}>"


def Input(shape=None, batch_size=None, dtype=None, name=None, **kwargs):
    """The model input, for ``Sequential([keras.Input(shape=(n,)), ...])``."""
    return InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, name=name, **kwargs)


_CLASSES = {"Dense": Dense, "Dropout": Dropout, "BatchNormalization": BatchNormalization, "Activation": Activation}


def _from_kerust(config):
    """A layer object from kerust's configuration (a loaded model's)."""
    class_name, settings = config["class_name"], dict(config["config"])
    cls = _CLASSES.get(class_name)
    if cls is None:
        raise ValueError(f"unknown layer class {class_name!r} in the model file")
    layer = cls.__new__(cls)
    Layer.__init__(layer, name=settings.pop("name", None), input_dim=settings.pop("input_dim", None))
    for key, value in settings.items():
        setattr(layer, key, value)
    if cls is Dense:
        for key in ("kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint", "bias_constraint"):
            if not hasattr(layer, key):
                setattr(layer, key, None)
    if cls is Dropout and not hasattr(layer, "seed"):
        layer.seed = None
    return layer
