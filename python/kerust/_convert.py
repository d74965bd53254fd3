"""Inputs as Keras accepts them (numpy arrays of any numeric dtype, pandas DataFrames and
Series, nested lists) turned into what the engine takes: C-ordered float32 matrices.
Every error names the argument it is about."""

import numpy as np


def _is_pandas(value):
    module = type(value).__module__
    return module.startswith("pandas")


def _array(value, name):
    if value is None:
        raise ValueError(f"{name} is required. Received: {name}=None")
    if _is_pandas(value):
        if hasattr(value, "columns"):
            from pandas.api.types import is_bool_dtype, is_numeric_dtype

            bad = [str(c) for c, t in value.dtypes.items() if not (is_numeric_dtype(t) or is_bool_dtype(t))]
            if bad:
                raise ValueError(
                    f"{name} has non-numeric columns {bad}; one-hot encode them first "
                    "(pandas.get_dummies) or train on the DataFrame with kerust.tabular"
                )
        value = value.to_numpy()
    try:
        array = np.asarray(value)
    except (ValueError, TypeError) as e:
        raise ValueError(f"{name} could not be read as an array: {e}") from None
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.bool_)):
        try:
            array = array.astype(np.float64)
        except (ValueError, TypeError):
            raise ValueError(
                f"{name} must hold numbers. Received: an array of dtype {array.dtype}"
            ) from None
    if np.issubdtype(array.dtype, np.complexfloating):
        raise ValueError(f"{name} must hold real numbers. Received: dtype {array.dtype}")
    return array


def matrix(value, name):
    """A (rows, columns) float32 array; a 1-D input is one column."""
    array = _array(value, name)
    if array.ndim == 0:
        raise ValueError(f"{name} must be an array of rows. Received: a scalar {name}={array!r}")
    if array.ndim == 1:
        array = array.reshape(-1, 1)
    if array.ndim != 2:
        raise ValueError(
            f"{name} must be 2-D (rows, features): kerust's layers are Dense layers over tabular "
            f"rows. Received: {name}.shape={array.shape}"
        )
    if array.shape[0] == 0:
        raise ValueError(f"{name} has no rows. Received: {name}.shape={array.shape}")
    return np.ascontiguousarray(array, dtype=np.float32)


def vector(value, name):
    """A 1-D float32 array (sample weights)."""
    array = _array(value, name)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D, one value per row. Received: {name}.shape={array.shape}")
    return np.ascontiguousarray(array, dtype=np.float32)


def same_rows(x, y, x_name="x", y_name="y"):
    if x.shape[0] != y.shape[0]:
        raise ValueError(
            f"{x_name} and {y_name} must have the same number of rows. "
            f"Received: {x_name}.shape={x.shape}, {y_name}.shape={y.shape}"
        )
