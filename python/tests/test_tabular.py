"""kerust.tabular over DataFrames: the same workflow and files as `kerust train`."""

import numpy as np
import pandas as pd
import pytest

from conftest import DATA


def test_fit_predict_save_load_on_a_dataframe_with_categories(tmp_path):
    from kerust.tabular import TabularModel, TabularSpec

    df = pd.read_csv(DATA / "carseats.csv")
    run = TabularSpec(layers=[16], epochs=5, seed=2).fit(df, target="Sales")
    assert len(run.history["loss"]) == 5 and "val_loss" in run.history
    assert {"rmse", "mae", "r2"} <= set(run.test_metrics)
    assert any(name.startswith("ShelveLoc") for name in run.model.feature_names)
    predictions = run.model.predict(df.drop(columns=["Sales"]))
    assert predictions.shape == (len(df),)
    path = tmp_path / "model.kerust"
    run.model.save(path)
    again = TabularModel.load(path)
    np.testing.assert_array_equal(again.predict(df), predictions)
    # Columns in another order are found by name.
    np.testing.assert_array_equal(again.predict(df[df.columns[::-1]]), predictions)


def test_classification_returns_labels():
    from kerust.tabular import TabularSpec

    df = pd.read_csv(DATA / "iris.csv")
    target = df.columns[-1]
    run = TabularSpec(layers=[8], epochs=20, seed=1).fit(df, target=target)
    labels = run.model.predict(df)
    assert set(labels) <= set(df[target].astype(str))
    assert run.model.predict_proba(df).shape == (len(df), 3)


def test_bad_settings_and_columns_are_value_errors():
    from kerust.tabular import TabularSpec

    df = pd.read_csv(DATA / "carseats.csv")
    with pytest.raises(ValueError, match="nope"):
        TabularSpec(nope=1).fit(df, target="Sales")
    with pytest.raises(ValueError, match="Price2"):
        TabularSpec(epochs=1).fit(df, target="Price2")
    with pytest.raises(ValueError, match="epochs"):
        TabularSpec(epochs=0).fit(df, target="Sales")
