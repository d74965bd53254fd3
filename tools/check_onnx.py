#!/usr/bin/env python3
"""Checks an ONNX file exported by `kerust export` against `kerust predict` on a CSV.

    python tools/check_onnx.py --model RUN/model.kerust --onnx model.onnx --csv data.csv \
        [--kerust target/release/kerust]

1. `onnx.checker.check_model` (full check, with shape inference);
2. onnxruntime on the CSV's raw columns (each graph input fed by the column of its name:
   float32 for numeric inputs, NaN for a gap; strings for categorical ones);
3. `kerust predict --model ... CSV --out ...`, and the two compared: values within
   1e-5*|x| + 1e-6, labels identical. Exit 0 when all agree, 1 otherwise.
Needs `pip install onnx onnxruntime numpy`. Not run by CI.
"""

import argparse
import csv
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort

MISSING = {"", "NA", "N/A", "NaN", "nan", "null", "NULL"}


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    return {name: [r[i] for r in body] for i, name in enumerate(header)}, len(body)


def feed(session, columns, n):
    inputs = {}
    for arg in session.get_inputs():
        cells = columns[arg.name]
        if arg.type == "tensor(string)":
            inputs[arg.name] = np.array(cells, dtype=object).reshape(n, 1)
        else:
            values = [np.nan if c.strip() in MISSING else float(c) for c in cells]
            inputs[arg.name] = np.array(values, dtype=np.float32).reshape(n, 1)
    return inputs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--onnx", required=True)
    parser.add_argument("--csv", required=True)
    parser.add_argument("--kerust", default="kerust")
    args = parser.parse_args()

    model = onnx.load(args.onnx)
    onnx.checker.check_model(model, full_check=True)
    meta = {p.key: p.value for p in model.metadata_props}
    print(f"{args.onnx}: onnx.checker OK (opset {[(o.domain or 'ai.onnx', o.version) for o in model.opset_import]})")

    columns, n = read_csv(args.csv)
    session = ort.InferenceSession(args.onnx, providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    outputs = dict(zip(names, session.run(None, feed(session, columns, n))))

    with tempfile.NamedTemporaryFile(suffix=".csv") as out:
        subprocess.run([args.kerust, "predict", "--model", args.model, args.csv, "--out", out.name],
                       check=True, stderr=subprocess.DEVNULL)
        kerust, _ = read_csv(out.name)

    target = meta["target"]
    predicted = kerust[f"predicted_{target}"]
    ok = True
    if "prediction" in outputs:
        got = outputs["prediction"][:, 0].astype(np.float64)
        want = np.array(predicted, dtype=np.float64)
        bad = np.abs(got - want) > 1e-5 * np.abs(want) + 1e-6
        print(f"  {n} rows, regression: max |onnx - kerust| = {np.max(np.abs(got - want)):.3g}, "
              f"{bad.sum()} outside 1e-5*|x| + 1e-6")
        ok = not bad.any()
    else:
        import json
        classes = json.loads(meta["labels"])
        got = outputs["probabilities"].astype(np.float64)
        want = np.array([[float(v) for v in kerust[f"p_{c}"]] for c in classes]).T
        bad = np.abs(got - want) > 1e-5 * np.abs(want) + 1e-6
        labels = [str(v) for v in outputs["label"]]
        same = sum(a == b for a, b in zip(labels, predicted))
        print(f"  {n} rows, {len(classes)} classes: max |onnx - kerust| probability = "
              f"{np.max(np.abs(got - want)):.3g}, {bad.sum()} outside the bound; labels identical: {same}/{n}")
        ok = not bad.any() and same == n
    print("  PASS" if ok else "  FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
