"""Shared paths and helpers: the repository's datasets and Keras fixtures (made by Keras
3.15.1 on JAX, see tests/fixtures/README.md), and the `kerust` binary for the CLI
round trips."""

import json
import os
import pathlib
import shutil

import numpy as np
import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
DATA = REPO / "data"
FIXTURES = REPO / "tests" / "fixtures"


def fixture(name):
    with open(FIXTURES / f"{name}.json", encoding="utf-8") as f:
        return json.load(f)


def boston():
    """The lesson's data: features and MEDV, as the lesson loads them."""
    import pandas as pd

    df = pd.read_csv(DATA / "boston_housing.csv")
    return df.drop(columns=["MEDV"]), df["MEDV"]


def assert_close_train(got, expected, what):
    """The fixtures' training tolerance: |got - exp| <= 1e-5 |exp| + 1e-6."""
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    assert got.shape == expected.shape, f"{what}: shape {got.shape} != {expected.shape}"
    bad = np.abs(got - expected) > 1e-5 * np.abs(expected) + 1e-6
    assert not bad.any(), f"{what}: {got[bad][:5]} != {expected[bad][:5]}"


@pytest.fixture
def kerust_bin():
    """The command-line program: $KERUST_BIN, or the workspace's build of it."""
    candidates = [os.environ.get("KERUST_BIN"), REPO / "target" / "release" / "kerust", REPO / "target" / "debug" / "kerust", shutil.which("kerust")]
    for c in candidates:
        if c and pathlib.Path(c).is_file():
            return str(c)
    pytest.fail("no kerust binary: build it with `cargo build --release` or set KERUST_BIN")


@pytest.fixture(autouse=True)
def fresh_session():
    from kerust.keras.backend import clear_session

    clear_session()
    yield
