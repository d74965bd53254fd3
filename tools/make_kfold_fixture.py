#!/usr/bin/env python3
"""Write tests/fixtures/kfold.json: scikit-learn's KFold and StratifiedKFold (shuffle=False)
folds, replayed index for index by tests/kfold.rs.

    python3 tools/make_kfold_fixture.py   # needs numpy and scikit-learn==1.9.1

* `kfold`: KFold(k) on n rows, n in {2, 3, 5, 7, 10, 11, 101, 506}, k in {2, 3, 5, 10}, k <= n.
* `stratified`: StratifiedKFold(k), k in {2, 3, 5, 10}, on label vectors stored as given
  (strings or integers): the class columns of data/iris.csv, data/breast_cancer.csv and
  data/wine.csv, iris's labels in a seeded random order, an imbalanced seeded random vector,
  labels whose first-appearance order differs from their sorted order (strings and integers),
  a class with fewer members than k, and a single class. A (labels, k) pair for which
  scikit-learn raises is skipped here and listed under `errors` instead.
* `errors`: the arguments for which scikit-learn raises, with its message.

Every fold is `{"train": [...], "test": [...]}` (row indices, ascending, as scikit-learn gives
them). The generator also checks the rule tests/kfold.rs relies on: the folds depend on the
order in which the classes first appear, so numbering the classes in sorted order instead
(kerust's LabelMap order) and skipping the re-encoding would give other folds for some cases.
"""
import csv
import json
import pathlib
import warnings

import numpy as np
import sklearn
from sklearn.model_selection import KFold, StratifiedKFold

ROOT = pathlib.Path(__file__).resolve().parent.parent
KS = [2, 3, 5, 10]


def column(file, name):
    """A column of one of the embedded CSVs, as text tokens (integers become int)."""
    with open(ROOT / "data" / file, newline="") as f:
        values = [row[name] for row in csv.DictReader(f)]
    return [int(v) for v in values] if all(v.lstrip("-").isdigit() for v in values) else values


def folds(splitter, n, y=None):
    x = np.zeros((n, 1))
    return [{"train": [int(i) for i in tr], "test": [int(i) for i in te]} for tr, te in splitter.split(x, y)]


def sorted_numbering_folds(labels, k):
    """`_make_test_folds` with the classes numbered in sorted order (no first-appearance
    re-encoding): what a port that skipped that step would produce."""
    _, y = np.unique(np.asarray(labels), return_inverse=True)
    n_classes = y.max() + 1
    y_order = np.sort(y)
    allocation = np.asarray([np.bincount(y_order[i::k], minlength=n_classes) for i in range(k)])
    test_folds = np.empty(len(y), dtype=int)
    for c in range(n_classes):
        test_folds[y == c] = np.arange(k).repeat(allocation[:, c])
    return [[int(i) for i in np.flatnonzero(test_folds == i)] for i in range(k)]


def label_vectors():
    rng = np.random.default_rng(20261202)
    iris = column("iris.csv", "species")
    imbalanced = rng.choice(4, size=200, p=[0.6, 0.25, 0.1, 0.05])
    letters = np.array(["d", "b", "a", "c"])[rng.choice(4, size=61, p=[0.4, 0.3, 0.2, 0.1])]
    letters[:4] = ["b", "a", "d", "c"]  # first appearance b, a, d, c; sorted a, b, c, d
    return [
        ("iris", "iris.csv", "species", iris),
        ("breast_cancer", "breast_cancer.csv", "target", column("breast_cancer.csv", "target")),
        ("wine", "wine.csv", "target", column("wine.csv", "target")),
        ("iris_permuted", None, None, [iris[i] for i in rng.permutation(len(iris))]),
        ("imbalanced_random", None, None, [int(v) for v in imbalanced]),
        ("first_appearance_strings", None, None, [str(v) for v in letters]),
        ("first_appearance_ints", None, None, [2, 0, 1, 0, 0, 2, 1, 1, 0, 2, 0, 0, 1, 2, 0, 1, 0]),
        # Class "rare" has 2 members, fewer than every k > 2 (scikit-learn warns, no error).
        ("rare_class", None, None, ["z"] * 6 + ["rare"] + ["a"] * 7 + ["rare"] + ["z"] * 5 + ["a"] * 3),
        ("one_class", None, None, ["only"] * 12),
    ]


def main():
    kfold = []
    for n in [2, 3, 5, 7, 10, 11, 101, 506]:
        for k in KS:
            if k <= n:
                kfold.append({"n": n, "n_splits": k, "folds": folds(KFold(k), n)})
    stratified, errors, numbering_matters = [], [], []
    for name, file, col, labels in label_vectors():
        for k in KS:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    got = folds(StratifiedKFold(k), len(labels), labels)
                except ValueError as e:
                    errors.append({"splitter": "StratifiedKFold", "case": name, "n_splits": k,
                                   "labels": labels, "sklearn_error": str(e)})
                    continue
            if sorted_numbering_folds(labels, k) != [f["test"] for f in got]:
                numbering_matters.append(f"{name} k={k}")
            stratified.append({
                "name": name,
                "data_file": file,
                "column": col,
                "n_splits": k,
                "sklearn_warning": str(caught[0].message) if caught else None,
                "labels": labels,
                "folds": got,
            })
    assert numbering_matters, "expected some case where the class numbering changes the folds"
    for splitter, k, n in [("KFold", 1, 5), ("KFold", 0, 5), ("KFold", 6, 5), ("StratifiedKFold", 1, 5),
                           ("StratifiedKFold", 6, 5)]:
        cls = KFold if splitter == "KFold" else StratifiedKFold
        try:
            list(cls(k).split(np.zeros((n, 1)), [0, 1, 0, 1, 0]))
        except ValueError as e:
            errors.append({"splitter": splitter, "n_rows": n, "n_splits": k, "sklearn_error": str(e)})
        else:
            raise AssertionError(f"{splitter}({k}) on {n} rows did not raise")
    doc = {
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "numbering_matters": numbering_matters,
        "kfold": kfold,
        "stratified": stratified,
        "errors": errors,
    }
    out = ROOT / "tests" / "fixtures" / "kfold.json"
    # One case per line: the index lists are long, and a case per line keeps diffs readable.
    lines = ["{"]
    for i, (key, value) in enumerate(doc.items()):
        comma = "," if i + 1 < len(doc) else ""
        if isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f" {json.dumps(key)}: [")
            lines += [f"  {json.dumps(c, separators=(',', ':'))}{',' if j + 1 < len(value) else ''}"
                      for j, c in enumerate(value)]
            lines.append(f" ]{comma}")
        else:
            lines.append(f" {json.dumps(key)}: {json.dumps(value)}{comma}")
    lines.append("}")
    out.write_text("\n".join(lines) + "\n")
    assert json.loads(out.read_text()) == doc
    print(f"wrote {out} (scikit-learn {sklearn.__version__}): {len(kfold)} KFold, {len(stratified)} "
          f"StratifiedKFold, {len(errors)} error cases; numbering matters in {len(numbering_matters)}")


if __name__ == "__main__":
    main()
