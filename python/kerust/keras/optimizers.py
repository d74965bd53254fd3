"""``keras.optimizers``: SGD, Adam, RMSprop, Adagrad with Keras's defaults and update
rules (kerust's, verified against Keras)."""

import json

import numpy as np

from kerust import _kerust


class LearningRate(float):
    """The learning rate: a float that also answers ``.numpy()``, as a Keras variable does."""

    def numpy(self):
        return np.float32(self)


class Optimizer:
    """Base: learning rate and gradient clipping (``clipnorm``, ``clipvalue``,
    ``global_clipnorm``)."""

    _class_name = None
    _defaults = {}

    def __init__(self, learning_rate, clipnorm=None, clipvalue=None, global_clipnorm=None, name=None,
                 weight_decay=None, use_ema=False, loss_scale_factor=None, gradient_accumulation_steps=None,
                 **hyper):
        unsupported = {
            "weight_decay": weight_decay,
            "use_ema": use_ema or None,
            "loss_scale_factor": loss_scale_factor,
            "gradient_accumulation_steps": gradient_accumulation_steps,
        }
        for key, value in unsupported.items():
            if value is not None:
                raise ValueError(f"kerust's {self._class_name} does not support {key} yet. Received: {key}={value!r}")
        if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float, np.floating, np.integer)):
            raise TypeError(
                f"learning_rate must be a number (kerust has no schedule objects; use "
                f"keras.callbacks.LearningRateScheduler). Received: learning_rate={learning_rate!r}"
            )
        self.learning_rate = float(learning_rate)
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
        self.name = name or self._class_name.lower()
        for key, value in hyper.items():
            setattr(self, key, value)
        self._hyper = list(hyper)
        self._kerust_json()  # checks every value now, as Keras does

    def __setattr__(self, key, value):
        if key == "learning_rate":
            value = LearningRate(value)
        object.__setattr__(self, key, value)

    def _kerust_json(self):
        config = {"learning_rate": float(self.learning_rate)}
        for key in ("clipnorm", "clipvalue", "global_clipnorm"):
            if getattr(self, key) is not None:
                config[key] = float(getattr(self, key))
        for key in self._hyper:
            config[key] = getattr(self, key)
        return _kerust.check_optimizer(json.dumps({"class_name": self._class_name, "config": config}))

    def get_config(self):
        config = {"name": self.name, "learning_rate": float(self.learning_rate)}
        for key in ("clipnorm", "clipvalue", "global_clipnorm", *self._hyper):
            config[key] = getattr(self, key)
        return config

    @classmethod
    def _from_kerust(cls, config_json):
        config = json.loads(config_json)
        kind = {"SGD": SGD, "Adam": Adam, "RMSprop": RMSprop, "Adagrad": Adagrad}[config["class_name"]]
        return kind(**config["config"])

    def __repr__(self):
        return f"<{self._class_name} learning_rate={float(self.learning_rate)}>"


class SGD(Optimizer):
    """Gradient descent with optional (Nesterov) momentum; Keras's defaults."""

    _class_name = "SGD"

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate, momentum=float(momentum), nesterov=bool(nesterov), **kwargs)


class Adam(Optimizer):
    """Adam; Keras's defaults (``learning_rate=0.001``, ``beta_1=0.9``, ``beta_2=0.999``,
    ``epsilon=1e-7``)."""

    _class_name = "Adam"

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs):
        super().__init__(learning_rate, beta_1=float(beta_1), beta_2=float(beta_2), epsilon=float(epsilon),
                         amsgrad=bool(amsgrad), **kwargs)


class RMSprop(Optimizer):
    """RMSprop; Keras's defaults (``learning_rate=0.001``, ``rho=0.9``)."""

    _class_name = "RMSprop"

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, **kwargs):
        super().__init__(learning_rate, rho=float(rho), momentum=float(momentum), epsilon=float(epsilon),
                         centered=bool(centered), **kwargs)


class Adagrad(Optimizer):
    """Adagrad; Keras's defaults."""

    _class_name = "Adagrad"

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, initial_accumulator_value=float(initial_accumulator_value),
                         epsilon=float(epsilon), **kwargs)


_NAMES = {"sgd": SGD, "adam": Adam, "rmsprop": RMSprop, "adagrad": Adagrad}


def get(identifier):
    """An optimizer object from a name (Keras's defaults) or an object."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        cls = _NAMES.get(identifier.lower())
        if cls is None:
            raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}; kerust has: {', '.join(_NAMES)}")
        return cls()
    raise TypeError(f"optimizer must be a name such as 'adam' or a keras.optimizers object. Received: optimizer={identifier!r}")
