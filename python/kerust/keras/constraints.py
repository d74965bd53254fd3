"""``keras.constraints``: projections applied to a weight after every step."""


class Constraint:
    """Base class; ``_kerust()`` is kerust's configuration."""

    def _kerust(self):
        raise NotImplementedError


class MaxNorm(Constraint):
    """Each slice along ``axis`` rescaled to a norm of at most ``max_value``."""

    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = float(max_value), int(axis)

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}

    def _kerust(self):
        return {"class_name": "MaxNorm", "config": self.get_config()}


class NonNeg(Constraint):
    """``max(w, 0)``."""

    def get_config(self):
        return {}

    def _kerust(self):
        return {"class_name": "NonNeg", "config": {}}


max_norm, non_neg = MaxNorm, NonNeg


def get(identifier):
    if identifier is None or isinstance(identifier, dict):
        return identifier
    if isinstance(identifier, str):
        names = {"max_norm": MaxNorm, "maxnorm": MaxNorm, "non_neg": NonNeg, "nonneg": NonNeg}
        if identifier.lower() not in names:
            raise ValueError(f"Unknown constraint {identifier!r}; kerust has: max_norm, non_neg")
        return names[identifier.lower()]()._kerust()
    if isinstance(identifier, Constraint):
        return identifier._kerust()
    raise TypeError(f"Could not interpret constraint identifier: {identifier!r}")
