"""The pandas side of bench/csv_vs_pandas.sh: read_csv, then x, y as float32 arrays."""
import sys
import time

import pandas as pd

path = sys.argv[1]
start = time.perf_counter()
df = pd.read_csv(path)
target = sys.argv[2] if len(sys.argv) > 2 else df.columns[-1]
x = df.drop(columns=[target]).to_numpy(dtype="float32")
y = df[[target]].to_numpy(dtype="float32")
seconds = time.perf_counter() - start
checksum = float(x.sum(dtype="float64") + y.sum(dtype="float64"))
print(f"pandas x={x.shape} y={y.shape} seconds={seconds:.4f} f32_bytes={(x.size + y.size) * 4} checksum={checksum:.3f}")
