"""Acceptance 2: the public Keras fixtures replayed through the Python API: the fixture's
initial weights set with set_weights, shuffle=False; History and final weights within the
fixtures' tolerance (1e-5 |x| + 1e-6)."""

import numpy as np
import pytest

from conftest import assert_close_train, fixture


def weights(layers):
    """The fixture's per-layer weights in Keras's order: kernel, bias of each layer."""
    out = []
    for layer in layers:
        out.append(np.array(layer["kernel"], dtype=np.float32))
        if "bias" in layer:
            out.append(np.array(layer["bias"], dtype=np.float32))
    return out


def optimizer(keras, cfg):
    lr = cfg["learning_rate"]
    kind = cfg["class"]
    if kind == "SGD":
        return keras.optimizers.SGD(learning_rate=lr, momentum=cfg["momentum"], nesterov=cfg["nesterov"])
    if kind == "Adam":
        return keras.optimizers.Adam(learning_rate=lr, beta_1=cfg["beta_1"], beta_2=cfg["beta_2"], epsilon=cfg["epsilon"], amsgrad=cfg["amsgrad"])
    if kind == "RMSprop":
        return keras.optimizers.RMSprop(learning_rate=lr, rho=cfg["rho"], momentum=cfg["momentum"], epsilon=cfg["epsilon"], centered=cfg["centered"])
    raise AssertionError(kind)


@pytest.mark.parametrize("name", ["train_sgd", "train_adam", "train_rmsprop", "train_validation_split", "train_classification"])
def test_fixture_replays(name):
    import kerust.keras as keras

    d = fixture(name)
    s = d["settings"]
    x = np.array(d["data"]["x"], dtype=np.float64)  # float64 on purpose: converted as Keras does
    y = np.array(d["data"]["y"])
    layers = [keras.Input(shape=(x.shape[1],))]
    for a in d["architecture"]:
        layers.append(keras.layers.Dense(a["units"], activation=a["activation"], use_bias=a["use_bias"],
                                         kernel_initializer=a["kernel_initializer"], bias_initializer=a["bias_initializer"]))
    model = keras.Sequential(layers)
    model.set_weights(weights(d["initial_weights"]))
    model.compile(optimizer=optimizer(keras, s["optimizer"]), loss=s["loss"], metrics=s["metrics"])
    history = model.fit(x, y, batch_size=s["batch_size"], epochs=s["epochs"], shuffle=False,
                        validation_split=s["validation_split"], verbose=0)
    expected = d["expected"]["history"]
    assert sorted(history.history) == sorted(expected)
    for key, values in expected.items():
        assert_close_train(history.history[key], values, f"{name}: history[{key!r}]")
    assert history.epoch == list(range(s["epochs"]))
    final = model.get_weights()
    expected_weights = weights(d["expected"]["final_weights"])
    assert len(final) == len(expected_weights)
    for i, (got, want) in enumerate(zip(final, expected_weights)):
        assert_close_train(got, want, f"{name}: final weight {i}")


def test_a_wrong_initial_weight_fails_the_comparison():
    """The tolerance check itself can fail: a perturbed start gives another History."""
    import kerust.keras as keras

    d = fixture("train_adam")
    s = d["settings"]
    x, y = np.array(d["data"]["x"]), np.array(d["data"]["y"])
    model = keras.Sequential([keras.Input(shape=(x.shape[1],)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
    start = weights(d["initial_weights"])
    start[0] = start[0] * 1.001
    model.set_weights(start)
    model.compile(optimizer=optimizer(keras, s["optimizer"]), loss="mse")
    h = model.fit(x, y, batch_size=s["batch_size"], epochs=s["epochs"], shuffle=False, verbose=0)
    with pytest.raises(AssertionError):
        assert_close_train(h.history["loss"], d["expected"]["history"]["loss"], "perturbed")
