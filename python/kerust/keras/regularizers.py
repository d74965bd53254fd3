"""``keras.regularizers``: weight penalties, by name (``"l2"``) or as objects."""


class Regularizer:
    """Base class; ``_kerust()`` is kerust's configuration."""

    def _kerust(self):
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}({self.get_config()})"


class L1(Regularizer):
    """``l1 * sum(|w|)``."""

    def __init__(self, l1=0.01):
        self.l1 = float(l1)

    def get_config(self):
        return {"l1": self.l1}

    def _kerust(self):
        return {"class_name": "L1", "config": {"l1": self.l1}}


class L2(Regularizer):
    """``l2 * sum(w**2)``."""

    def __init__(self, l2=0.01):
        self.l2 = float(l2)

    def get_config(self):
        return {"l2": self.l2}

    def _kerust(self):
        return {"class_name": "L2", "config": {"l2": self.l2}}


class L1L2(Regularizer):
    """``l1 * sum(|w|) + l2 * sum(w**2)``."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = float(l1), float(l2)

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}

    def _kerust(self):
        return {"class_name": "L1L2", "config": {"l1": self.l1, "l2": self.l2}}


l1, l2, l1_l2 = L1, L2, L1L2


def get(identifier):
    if identifier is None or isinstance(identifier, (str, dict)):
        return identifier
    if isinstance(identifier, Regularizer):
        return identifier._kerust()
    raise TypeError(f"Could not interpret regularizer identifier: {identifier!r}")
