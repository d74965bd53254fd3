"""``keras.losses`` names (and the loss classes, which stand for their names)."""

class Loss:
    """A loss given as an object (``keras.losses.MeanSquaredError()``)."""

    _name = None

    def __init__(self, from_logits=False, **kwargs):
        if from_logits:
            raise ValueError("kerust takes from_logits=False only; end the model with a sigmoid/softmax Dense layer")
        self.name = self._name


def _class(name, kerust_name):
    return type(name, (Loss,), {"_name": kerust_name, "__doc__": f"The ``{kerust_name}`` loss."})


MeanSquaredError = _class("MeanSquaredError", "mse")
MeanAbsoluteError = _class("MeanAbsoluteError", "mae")
MeanAbsolutePercentageError = _class("MeanAbsolutePercentageError", "mape")
BinaryCrossentropy = _class("BinaryCrossentropy", "binary_crossentropy")
CategoricalCrossentropy = _class("CategoricalCrossentropy", "categorical_crossentropy")
SparseCategoricalCrossentropy = _class("SparseCategoricalCrossentropy", "sparse_categorical_crossentropy")


def name(loss):
    """kerust's name of a loss given by name or object (an unknown name fails in compile
    with kerust's list of names)."""
    if isinstance(loss, Loss):
        return loss._name
    if isinstance(loss, str):
        return loss
    raise TypeError(f"loss must be a name such as 'mse' or a keras.losses object. Received: loss={loss!r}")


def metric_name(metric):
    """kerust's name of a metric given by name or object with a ``name``."""
    if isinstance(metric, str):
        return metric
    candidate = getattr(metric, "name", None) or getattr(metric, "__name__", None)
    if isinstance(candidate, str):
        return candidate
    raise TypeError(f"metrics must be names such as 'mae' or 'accuracy'. Received: {metric!r}")
