"""Acceptance 1: the lesson's code, verbatim but for its imports, on the Boston data."""

import io
import contextlib

import numpy as np

from conftest import boston, fixture


def test_the_lesson_runs_verbatim():
    features, target = boston()
    # The lesson's preparation: hold out 20%, MinMax-scale on the training rows only.
    rng = np.random.default_rng(0)
    order = rng.permutation(len(features))
    cut = int(0.8 * len(order))
    x_train, x_test = features.values[order[:cut]], features.values[order[cut:]]
    y_train = target.values[order[:cut]]
    low, high = x_train.min(axis=0), x_train.max(axis=0)
    x_train = (x_train - low) / (high - low)
    x_test = (x_test - low) / (high - low)
    nfeatures = x_train.shape[1]

    from kerust.keras.models import Sequential
    from kerust.keras.layers import Dense
    from kerust.keras.optimizers import Adam
    from kerust.keras.backend import clear_session

    clear_session()
    model = Sequential([Dense(1, input_shape=(nfeatures,))])
    model.summary()
    model.compile(optimizer=Adam(learning_rate=0.1), loss='mse')
    history = model.fit(x_train, y_train, epochs=20, validation_split=0.2).history
    print(history['loss'], history['val_loss'])

    assert list(history) == ["loss", "val_loss"]
    assert len(history["loss"]) == 20 and len(history["val_loss"]) == 20
    assert all(np.isfinite(history["loss"])) and all(np.isfinite(history["val_loss"]))
    # Adam at 0.1 on a perceptron: the error falls over the 20 epochs.
    assert history["loss"][-1] < history["loss"][0] / 2
    predictions = model.predict(x_test)
    assert predictions.shape == (len(x_test), 1) and predictions.dtype == np.float32


def test_import_keras_as_keras_names():
    import kerust.keras as keras

    for name in ["Sequential", "Input"]:
        assert hasattr(keras, name)
    assert keras.layers.Dense and keras.optimizers.Adam and keras.callbacks.EarlyStopping
    assert keras.utils.set_random_seed and keras.models.load_model and keras.backend.clear_session
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    assert [w.shape for w in model.get_weights()] == [(3, 2), (2,)]


def test_summary_prints_the_rust_and_keras_table():
    """The table is Rust's summary(), which equals Keras's own text (tests/fixtures/summary.txt)."""
    import kerust.keras as keras

    d = fixture("summary")
    model = keras.Sequential(
        [keras.Input(shape=(13,)), keras.layers.Dense(64, activation="relu"), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(1)]
    )
    lines = []
    model.summary(print_fn=lines.append)
    assert "\n".join(lines) == d["text"].rstrip("\n")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        model.summary()
    assert out.getvalue().rstrip("\n") == d["text"].rstrip("\n")
    assert [layer.name for layer in model.layers] == d["layer_names"]
    assert model.count_params() == d["total_params"]


def test_clear_session_resets_auto_naming():
    import kerust.keras as keras

    a, b = keras.layers.Dense(1), keras.layers.Dense(1)
    assert (a.name, b.name) == ("dense", "dense_1")
    keras.backend.clear_session()
    assert keras.layers.Dense(1).name == "dense"
    assert keras.Sequential().name == "sequential"
    assert keras.Sequential().name == "sequential_1"


def test_set_random_seed_makes_runs_identical():
    import kerust.keras as keras

    x = np.random.default_rng(1).random((64, 4))
    y = x.sum(axis=1)

    def run():
        keras.utils.set_random_seed(7)
        model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        h = model.fit(x, y, epochs=3, verbose=0).history
        return h["loss"], model.get_weights()

    (l1, w1), (l2, w2) = run(), run()
    assert l1 == l2
    assert all(np.array_equal(a, b) for a, b in zip(w1, w2))


def test_verbose_modes_write_through_sys_stdout(capsys):
    import kerust.keras as keras

    x = np.random.default_rng(2).random((40, 2))
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, x[:, 0], epochs=2, batch_size=10, verbose=2)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out and "4/4 - " in out and "loss: " in out
    model.fit(x, x[:, 0], epochs=1, batch_size=10, verbose=0)
    assert capsys.readouterr().out == ""
    model.fit(x, x[:, 0], epochs=1, batch_size=10)  # "auto": the bar
    assert "4/4 ━━━━━━━━━━━━━━━━━━━━" in capsys.readouterr().out
