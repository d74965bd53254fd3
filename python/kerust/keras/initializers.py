"""``keras.initializers``: the initializers a Dense layer takes, by name or as objects."""


class Initializer:
    """Base class; ``_kerust()`` is kerust's configuration of the initializer."""

    def get_config(self):
        return {}

    def _kerust(self):
        raise NotImplementedError

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _named(class_name, name):
    def init(self, seed=None):
        self.seed = seed

    return type(class_name, (Initializer,), {"__init__": init, "_kerust": lambda self: name, "__doc__": f"``{name}``."})


GlorotUniform = _named("GlorotUniform", "glorot_uniform")
GlorotNormal = _named("GlorotNormal", "glorot_normal")
HeUniform = _named("HeUniform", "he_uniform")
HeNormal = _named("HeNormal", "he_normal")
LecunUniform = _named("LecunUniform", "lecun_uniform")
LecunNormal = _named("LecunNormal", "lecun_normal")


class Zeros(Initializer):
    """All zeros."""

    def _kerust(self):
        return "zeros"


class Ones(Initializer):
    """All ones."""

    def _kerust(self):
        return "ones"


class RandomUniform(Initializer):
    """Uniform in ``[minval, maxval)``."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval, self.maxval, self.seed = float(minval), float(maxval), seed

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval}

    def _kerust(self):
        return {"random_uniform": {"minval": self.minval, "maxval": self.maxval}}


class RandomNormal(Initializer):
    """Normal with ``mean`` and ``stddev``."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = float(mean), float(stddev), seed

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev}

    def _kerust(self):
        return {"random_normal": {"mean": self.mean, "stddev": self.stddev}}


def get(identifier):
    """An initializer's kerust configuration from a name, an object or a kerust config."""
    if identifier is None or isinstance(identifier, (str, dict)):
        return identifier
    if isinstance(identifier, Initializer):
        return identifier._kerust()
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()._kerust()
    raise TypeError(f"Could not interpret initializer identifier: {identifier!r}")
