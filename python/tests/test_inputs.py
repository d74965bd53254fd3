"""Acceptance 3: inputs as Keras takes them (float64, ints, pandas, lists, 1-D y) give the
same training as float32 arrays; wrong shapes raise ValueError naming the argument."""

import numpy as np
import pandas as pd
import pytest


def model_and_data(seed=3):
    import kerust.keras as keras

    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    x = np.random.default_rng(seed).integers(0, 10, size=(50, 3))
    y = (x @ np.array([1, -2, 3])).astype(np.int64)
    return model, x, y


def losses_for(x, y):
    model, _, _ = model_and_data()
    return model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0).history["loss"]


def test_every_input_kind_trains_the_same():
    _, x, y = model_and_data()
    reference = losses_for(x.astype(np.float32), y.astype(np.float32).reshape(-1, 1))
    kinds = {
        "float64": (x.astype(np.float64), y.astype(np.float64)),
        "int": (x, y),
        "int32": (x.astype(np.int32), y.astype(np.int32)),
        "pandas": (pd.DataFrame(x, columns=["a", "b", "c"]), pd.Series(y, name="y")),
        "lists": (x.tolist(), y.tolist()),
        "1-D y": (x, y.reshape(-1)),
        "column y": (x, y.reshape(-1, 1)),
        "fortran": (np.asfortranarray(x.astype(np.float64)), y),
        "bool": (x.astype(bool).astype(np.float32), y),
    }
    for kind, (kx, ky) in kinds.items():
        got = losses_for(kx, ky)
        if kind == "bool":
            assert np.all(np.isfinite(got))
        else:
            assert got == reference, kind


def test_outputs_are_float32_numpy():
    model, x, y = model_and_data()
    out = model.predict(pd.DataFrame(x))
    assert isinstance(out, np.ndarray) and out.dtype == np.float32 and out.shape == (50, 1)
    assert isinstance(model.evaluate(x, y, verbose=0), float)
    assert all(isinstance(w, np.ndarray) and w.dtype == np.float32 for w in model.get_weights())


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda m, x, y: m.fit(x[:, :2], y, verbose=0), ["x", "3", "2"]),
        (lambda m, x, y: m.fit(x, y[:10], verbose=0), ["x", "y", "rows"]),
        (lambda m, x, y: m.fit(x.reshape(50, 3, 1), y, verbose=0), ["x", "2-D"]),
        (lambda m, x, y: m.fit(x, np.ones((50, 2)), verbose=0), ["y"]),
        (lambda m, x, y: m.predict(x[:, :1], verbose=0), ["x"]),
        (lambda m, x, y: m.predict(np.array(["a", "b"]), verbose=0), ["x", "numbers"]),
        (lambda m, x, y: m.fit(pd.DataFrame({"a": ["u", "v"], "b": [1, 2], "c": [1, 2]}), [1, 2], verbose=0), ["x", "non-numeric", "'a'"]),
        (lambda m, x, y: m.fit(x, y, epochs=0, verbose=0), ["epochs"]),
        (lambda m, x, y: m.fit(x, y, batch_size=0, verbose=0), ["batch_size"]),
        (lambda m, x, y: m.fit(x, y, validation_split=1.5, verbose=0), ["validation_split"]),
        (lambda m, x, y: m.fit(x, y, verbose=7), ["verbose"]),
        (lambda m, x, y: m.fit(x, y, sample_weight=np.ones(3), verbose=0), ["sample_weight"]),
        (lambda m, x, y: m.fit(x, y, validation_data=(x, y[:5]), verbose=0), ["validation_data"]),
        (lambda m, x, y: m.fit(np.full((50, 3), np.nan), y, verbose=0), ["x", "NaN"]),
        (lambda m, x, y: m.set_weights([np.ones((2, 2))]), ["weight"]),
        (lambda m, x, y: m.fit(x, y, steps_per_epoch=3, verbose=0), ["steps_per_epoch"]),
    ],
)
def test_bad_inputs_raise_value_error_naming_the_argument(call, words):
    model, x, y = model_and_data()
    with pytest.raises(ValueError) as e:
        call(model, x, y)
    for word in words:
        assert word in str(e.value), (word, str(e.value))


@pytest.mark.parametrize(
    "make, error, words",
    [
        (lambda k: k.layers.Dense(0), ValueError, ["units"]),
        (lambda k: k.layers.Dense(3, activation="nope"), ValueError, ["activation", "nope", "relu"]),
        (lambda k: k.layers.Dense(3, kernel_initializer="nope"), ValueError, ["kernel_initializer", "nope"]),
        (lambda k: k.layers.Dense(3, input_shape=(2, 2)), ValueError, ["input_shape"]),
        (lambda k: k.layers.Dense(3, foo=1), TypeError, ["foo"]),
        (lambda k: k.layers.Dropout(1.5), ValueError, ["rate"]),
        (lambda k: k.optimizers.Adam(learning_rate=-1), ValueError, ["learning_rate"]),
        (lambda k: k.optimizers.Adam(beta_1=2.0), ValueError, ["beta_1"]),
        (lambda k: k.Sequential([k.Input(shape=(2,)), k.layers.Dense(1)]).compile(loss="nope"), ValueError, ["loss", "nope", "mse"]),
        (lambda k: k.Sequential([k.Input(shape=(2,)), k.layers.Dense(1)]).compile(optimizer="nope", loss="mse"), ValueError, ["optimizer", "nope"]),
        (lambda k: k.Sequential([k.Input(shape=(2,)), k.layers.Dense(1)]).compile(loss="mse", metrics=["nope"]), ValueError, ["metric", "nope"]),
        (lambda k: k.Sequential([k.Input(shape=(2,)), k.layers.Dense(1)]).fit(np.ones((4, 2)), np.ones(4)), RuntimeError, ["compile"]),
        (lambda k: k.Sequential(["dense"]), TypeError, ["Layer"]),
        (lambda k: k.callbacks.EarlyStopping(mode="up"), ValueError, ["mode", "up"]),
        (lambda k: k.callbacks.ReduceLROnPlateau(factor=1.5), ValueError, ["factor"]),
    ],
)
def test_bad_settings_raise_where_keras_does(make, error, words):
    import kerust.keras as keras

    with pytest.raises(error) as e:
        make(keras)
    for word in words:
        assert word in str(e.value), (word, str(e.value))


def test_an_unknown_monitor_stops_fit_with_a_value_error():
    import kerust.keras as keras

    model, x, y = model_and_data()
    with pytest.raises(ValueError, match="val_nope"):
        model.fit(x, y, epochs=2, verbose=0, validation_split=0.2, callbacks=[keras.callbacks.EarlyStopping(monitor="val_nope")])
    # The model is still usable after the error.
    assert model.fit(x, y, epochs=1, verbose=0).history["loss"]
