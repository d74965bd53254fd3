#!/usr/bin/env python3
"""Write tests/fixtures/simple_imputer.json: scikit-learn's SimpleImputer on small arrays with
gaps, every strategy, with and without add_indicator, replayed by tests/imputer_fixture.rs.

    python3 tools/make_imputer_fixture.py   # needs numpy and scikit-learn==1.9.1

The inputs are float32 values widened to float64, so kerust (f32 storage, f64 statistics)
and scikit-learn (float64) see the same numbers. NaN is written as null.
"""
import json
import pathlib

import numpy as np
import sklearn
from sklearn.impute import SimpleImputer


def listed(a):
    return [[None if np.isnan(v) else float(v) for v in row] for row in np.asarray(a, dtype=np.float64)]


def main():
    rng = np.random.default_rng(20261201)
    n, f = 40, 6
    x = rng.normal(3.0, 2.0, size=(n, f)).astype(np.float32).astype(np.float64)
    x[:, 2] = rng.integers(0, 4, size=n)          # small integers: most_frequent ties matter
    x[:, 3] = np.round(x[:, 3], 1).astype(np.float32).astype(np.float64)
    x[rng.random((n, f)) < 0.15] = np.nan          # ~15% gaps
    x[:, 4] = np.nan                               # a column with no value at all
    x[:, 5][[0, 7]] = np.nan
    x[:, 0][0] = 5.0                               # column 1 has no gap: no indicator for it
    x[:, 1] = np.where(np.isnan(x[:, 1]), 1.5, x[:, 1])
    # New rows, with gaps in a column that had none in fit (column 1).
    x_new = rng.normal(3.0, 2.0, size=(5, f)).astype(np.float32).astype(np.float64)
    x_new[[0, 2], 1] = np.nan
    x_new[1, 0] = np.nan
    x_new[3, 4] = np.nan
    cases = []
    for strategy in ["mean", "median", "most_frequent", "constant"]:
        for add_indicator in [False, True]:
            kwargs = {"fill_value": 2.5} if strategy == "constant" else {}
            imp = SimpleImputer(strategy=strategy, add_indicator=add_indicator, **kwargs)
            out = imp.fit_transform(x)
            cases.append({
                "strategy": strategy,
                "fill_value": kwargs.get("fill_value", 0.0),
                "add_indicator": add_indicator,
                "statistics": [None if np.isnan(v) else float(v) for v in imp.statistics_],
                "transform": listed(out),
                "transform_new": listed(imp.transform(x_new)),
            })
    doc = {"sklearn": sklearn.__version__, "x": listed(x), "x_new": listed(x_new), "cases": cases}
    out = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "simple_imputer.json"
    out.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {out} (scikit-learn {sklearn.__version__})")


if __name__ == "__main__":
    main()
