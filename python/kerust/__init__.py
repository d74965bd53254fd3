"""kerust: Keras-style deep learning, backed by a Rust engine.

- ``kerust.keras``: Keras's own API (``Sequential``, ``layers.Dense``, ``optimizers.Adam``,
  ``callbacks.EarlyStopping``, ...) over numpy arrays: Keras code runs with only its imports
  changed, and gives Keras's numbers.
- ``kerust.tabular``: the tabular workflow over pandas DataFrames (one-hot, imputation,
  scaling, training, test metrics), the same model files as the ``kerust`` command line.
"""

from kerust._kerust import __version__
from kerust import keras, tabular

__all__ = ["__version__", "keras", "tabular"]
