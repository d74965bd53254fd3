"""Acceptance 5: save -> load_model -> predict gives identical arrays; a model saved by the
kerust CLI loads in Python and predicts as `kerust predict` does."""

import csv
import subprocess

import numpy as np
import pytest

from conftest import DATA


def test_save_load_predict_identical(tmp_path):
    import kerust.keras as keras

    x = np.random.default_rng(0).random((30, 5))
    y = (x.sum(axis=1) > 2.5).astype(int)
    model = keras.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(8, activation="tanh"),
                              keras.layers.Dropout(0.2), keras.layers.BatchNormalization(),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=3, verbose=0)
    path = tmp_path / "model.kerust"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert np.array_equal(model.predict(x, verbose=0), loaded.predict(x, verbose=0))
    assert [l.name for l in loaded.layers] == [l.name for l in model.layers]
    assert type(loaded.optimizer).__name__ == "RMSprop" and float(loaded.optimizer.learning_rate) == pytest.approx(0.01)
    assert loaded.evaluate(x, y, verbose=0) == model.evaluate(x, y, verbose=0)
    # Layers of a loaded model give their own weights.
    assert loaded.layers[0].get_weights()[0].shape == (5, 8)


def test_a_loaded_model_trains_on_as_the_original(tmp_path):
    """The optimizer state is in the file: continuing after load equals continuing (no
    Dropout here: its masks' generator starts afresh on load)."""
    import kerust.keras as keras

    x = np.random.default_rng(1).random((40, 3))
    y = x.sum(axis=1)
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(6, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    model.fit(x, y, epochs=3, verbose=0)
    model.save(tmp_path / "m.kerust")
    loaded = keras.models.load_model(tmp_path / "m.kerust")
    a = model.fit(x, y, epochs=2, shuffle=False, verbose=0).history["loss"]
    b = loaded.fit(x, y, epochs=2, shuffle=False, verbose=0).history["loss"]
    assert a == b


def test_a_broken_file_is_a_clear_error(tmp_path):
    import kerust.keras as keras

    bad = tmp_path / "bad.kerust"
    bad.write_bytes(b"not a model")
    with pytest.raises(ValueError, match="bad.kerust"):
        keras.models.load_model(bad)
    with pytest.raises(FileNotFoundError):
        keras.models.load_model(tmp_path / "missing.kerust")


def read_predictions(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return rows


def test_a_cli_model_predicts_in_python_as_kerust_predict(tmp_path, kerust_bin):
    import pandas as pd
    import kerust.keras as keras
    from kerust.tabular import TabularModel

    data = DATA / "carseats.csv"
    run = tmp_path / "run"
    subprocess.run([kerust_bin, "train", str(data), "--target", "Sales", "--epochs", "5", "--layers", "8",
                    "--seed", "3", "--out", str(run)], check=True, capture_output=True)
    model_file = run / "model.kerust"
    out = tmp_path / "pred.csv"
    subprocess.run([kerust_bin, "predict", "--model", str(model_file), str(data), "--out", str(out)], check=True, capture_output=True)
    cli = read_predictions(out)
    column = [k for k in cli[0] if k != "row"][-1]
    cli_values = np.array([float(r[column]) for r in cli], dtype=np.float32)

    df = pd.read_csv(data)
    tabular = TabularModel.load(model_file)
    np.testing.assert_array_equal(tabular.predict(df).astype(np.float32), cli_values)
    # The network alone, through Keras's load_model, on the inputs the preprocessing makes.
    network = keras.models.load_model(model_file)
    np.testing.assert_array_equal(network.predict(tabular.transform(df), verbose=0)[:, 0], cli_values)
