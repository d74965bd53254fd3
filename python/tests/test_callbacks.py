"""Acceptance 4: callbacks, the learning-rate scheduler and Ctrl-C."""

import os
import signal
import threading

import numpy as np
import pytest


def setup(epochs_data=200):
    import kerust.keras as keras

    keras.utils.set_random_seed(5)
    x = np.random.default_rng(5).random((epochs_data, 4))
    y = x @ np.array([1.0, 2.0, -1.0, 0.5])
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    return keras, model, x, y


def test_a_callback_subclass_stops_training_from_on_epoch_end():
    keras, model, x, y = setup()
    seen = []

    class StopAtThree(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            seen.append(("begin", self.params["epochs"], self.model is model))

        def on_epoch_end(self, epoch, logs=None):
            seen.append((epoch, sorted(logs)))
            logs["extra"] = 10.0 * epoch
            if epoch == 2:
                self.model.stop_training = True

        def on_train_end(self, logs=None):
            seen.append("end")

    history = model.fit(x, y, epochs=50, validation_split=0.2, verbose=0, callbacks=[StopAtThree()])
    assert history.epoch == [0, 1, 2]
    assert len(history.history["loss"]) == 3
    assert history.history["extra"] == [0.0, 10.0, 20.0]
    assert seen[0] == ("begin", 50, True)
    assert seen[1] == (0, ["loss", "val_loss"])
    assert seen[-1] == "end"


def test_batch_hooks_run_once_per_batch():
    keras, model, x, y = setup(40)
    batches = []

    class Count(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            batches.append((batch, "loss" in logs))

    model.fit(x, y, epochs=2, batch_size=10, verbose=0, callbacks=[Count()])
    assert batches == [(i, True) for i in range(4)] * 2


def test_learning_rate_scheduler_with_a_lambda_changes_the_logged_rate():
    keras, model, x, y = setup()
    schedule = keras.callbacks.LearningRateScheduler(lambda epoch, lr: 0.01 * 0.5**epoch)
    history = model.fit(x, y, epochs=4, verbose=0, callbacks=[schedule])
    np.testing.assert_allclose(history.history["learning_rate"], [0.01, 0.005, 0.0025, 0.00125], rtol=1e-6)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.00125, rel=1e-6)
    # The rate really reached the optimizer: with lr 0 the weights do not move.
    frozen = keras.callbacks.LearningRateScheduler(lambda epoch: 0.0)
    before = model.get_weights()
    model.fit(x, y, epochs=2, verbose=0, callbacks=[frozen])
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_optimizer_learning_rate_set_between_fits_is_used():
    keras, model, x, y = setup()
    model.optimizer.learning_rate = 0.0
    before = model.get_weights()
    model.fit(x, y, epochs=1, verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_keyboard_interrupt_from_a_callback_leaves_a_usable_model():
    keras, model, x, y = setup()

    class Interrupt(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if self.epoch_now == 3 and batch == 2:
                raise KeyboardInterrupt

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch_now = epoch

    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, epochs=10, batch_size=16, verbose=0, callbacks=[Interrupt()])
    # The History of the finished epochs (0, 1, 2) is kept; epoch 3 did not finish.
    assert model.history.epoch == [0, 1, 2]
    assert len(model.history.history["loss"]) == 3
    out = model.predict(x, verbose=0)
    assert np.all(np.isfinite(out))
    # And training goes on from there.
    assert len(model.fit(x, y, epochs=1, verbose=0).history["loss"]) == 1


def test_keyboard_interrupt_at_epoch_end_keeps_that_epoch():
    keras, model, x, y = setup()

    class Interrupt(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, epochs=10, verbose=0, callbacks=[Interrupt()])
    assert model.history.epoch == [0, 1]


def test_ctrl_c_signal_stops_fit_after_the_current_batch():
    keras, model, x, y = setup(2000)
    # Python's own Ctrl-C handler, also where the test runner started with SIGINT ignored
    # (a background CI job): then Python keeps it ignored and no KeyboardInterrupt comes.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            model.fit(x, y, epochs=20000, batch_size=8, verbose=0)
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, previous)
    assert 1 <= len(model.history.epoch) < 20000
    assert np.all(np.isfinite(model.predict(x[:5], verbose=0)))


def test_a_callback_exception_propagates_unchanged():
    keras, model, x, y = setup()

    class Broken(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            raise ZeroDivisionError("from the callback")

    with pytest.raises(ZeroDivisionError, match="from the callback"):
        model.fit(x, y, epochs=3, verbose=0, callbacks=[Broken()])


def test_built_in_callbacks(tmp_path):
    keras, model, x, y = setup()
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    reduce = keras.callbacks.ReduceLROnPlateau(patience=1, factor=0.5)
    log = tmp_path / "log.csv"
    check = keras.callbacks.ModelCheckpoint(str(tmp_path / "m-{epoch:02d}.kerust"))
    model.optimizer.learning_rate = 0.5  # too large: the validation loss stops improving
    history = model.fit(x, y, epochs=200, validation_split=0.2, verbose=0,
                        callbacks=[stop, reduce, keras.callbacks.CSVLogger(str(log)), check, keras.callbacks.TerminateOnNaN()])
    epochs = len(history.epoch)
    assert epochs < 200 and stop.stopped_epoch == epochs - 1
    # ReduceLROnPlateau (patience 1) cut the rate before EarlyStopping (patience 2) stopped,
    # and the cut reached model.optimizer.
    assert float(model.optimizer.learning_rate) < 0.5
    assert log.read_text().splitlines()[0].startswith("epoch")
    assert len(log.read_text().splitlines()) == epochs + 1
    assert len(list(tmp_path.glob("m-*.kerust"))) == epochs
    restored = keras.models.load_model(tmp_path / f"m-{stop.best_epoch + 1:02d}.kerust")
    assert all(np.array_equal(a, b) for a, b in zip(restored.get_weights(), model.get_weights()))


def test_weights_from_inside_fit_are_a_clear_error():
    keras, model, x, y = setup()

    class Peek(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            self.model.get_weights()

    with pytest.raises(RuntimeError, match="cannot be called from a callback while fit is running"):
        model.fit(x, y, epochs=2, verbose=0, callbacks=[Peek()])
    assert len(model.get_weights()) == 4
