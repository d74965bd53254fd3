#!/usr/bin/env python3
"""Writes the peers' exact W2 data (bench_common.load_workload('w2')) as 200,000 rows of
33 little-endian float32 (32 features, then the target), for `bench --w2-data FILE`.

    python w2_dump.py OUT.f32
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "peers"))
import bench_common as bc  # noqa: E402
import numpy as np  # noqa: E402

d = bc.load_workload("w2")
x = np.concatenate([d["x_train"], d["x_val"]])
y = np.concatenate([d["y_train"], d["y_val"]])
table = np.ascontiguousarray(np.concatenate([x, y], axis=1), dtype="<f4")
assert table.shape == (200000, 33)
table.tofile(sys.argv[1])
