"""`python -m benchmarks.bench_load`: loading a dataset folder, beside the readers it is built on.

Case: `synthetic_rulebook(150 leaves)`, `synthesize(N units)` written as a dataset folder (units,
assessments with 3 stages, survey). Each row runs in a fresh Python process, so its time and its
peak memory (the process's peak resident set, which Arrow's and numpy's allocations count in) are
its own. Rows:
  cchc-rules   `load_dataset(folder, rulebook)`: read, check every cell against the rulebook and
               parse into the engine's arrays (the columnar path);
  plain path   the same through the cell-by-cell reader (`read_csv_plain`) and parsing that hashes
               every cell (what `load_dataset` did before the columnar reader);
  pyarrow      a typed columnar read of the same CSV files (every column declared text), nothing
               checked or parsed: the floor for reading;
  pandas       `pandas.read_csv` of the same files with inferred types, nothing checked.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

RUN = {
    "cchc-rules": """
from cchc_rules.data.load import load_dataset
load_dataset(folder, rulebook)
""",
    "plain path": """
from cchc_rules.data.model import Dataset
from cchc_rules.data.parse import parse
from cchc_rules.data.read import read_csv_plain, read_meta, shape
from cchc_rules.problems import Problems
p = Problems()
tables = {k: shape(k, read_csv_plain(folder / f"{k}.csv", p)) for k in ("units", "assessments", "survey")}
parse(Dataset(tables["units"], tables["assessments"], tables["survey"], read_meta(folder, p)), rulebook, p)
assert not p.errors
""",
    "pyarrow": """
import pyarrow as pa
from pyarrow import csv
for name in ("units", "assessments", "survey"):
    path = folder / f"{name}.csv"
    header = path.read_text(encoding="utf-8-sig").split("\\n", 1)[0].split(",")
    csv.read_csv(path, convert_options=csv.ConvertOptions(column_types={c: pa.string() for c in header}))
""",
    "pandas": """
import pandas as pd
for name in ("units", "assessments", "survey"):
    pd.read_csv(folder / f"{name}.csv")
""",
}

CHILD = """
import resource, sys, time
from pathlib import Path
from cchc_rules.data.synthetic import synthetic_rulebook
folder = Path(sys.argv[1]); rulebook = synthetic_rulebook(150, seed=0)
best = float("inf")
for _ in range(int(sys.argv[2])):
    t = time.perf_counter()
{body}
    best = min(best, time.perf_counter() - t)
print(best, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def make_case(units: int, folder: Path) -> float:
    """Write the synthetic dataset; its CSV size in MB."""
    from cchc_rules.data.load import write_dataset
    from cchc_rules.data.synthetic import synthesize, synthetic_rulebook

    write_dataset(synthesize(synthetic_rulebook(150, seed=0), units, seed=2024), folder)
    return sum(p.stat().st_size for p in folder.glob("*.csv")) / 2**20


def measure(name: str, folder: Path, repeats: int) -> tuple[float, float]:
    """Best seconds and peak MB of one row, in a process of its own."""
    body = "\n".join("    " + line for line in RUN[name].strip().splitlines())
    out = subprocess.run([sys.executable, "-c", CHILD.format(body=body), str(folder), str(repeats)],
                         check=True, capture_output=True, text=True).stdout.split()
    return float(out[0]), float(out[1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_load", description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, nargs="+", default=[1_000, 10_000])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    rows = []
    for units in args.units:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "data"
            size = make_case(units, folder)
            for name in RUN:
                seconds, peak = measure(name, folder, args.repeats)
                rows.append({"units": units, "csv_mb": size, "what": name, "seconds": seconds, "peak_mb": peak})
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    print(f"load a dataset folder; {platform.python_version()}, best of {args.repeats}, peak RSS of the process")
    print("| units | CSV MB | what | time (s) | peak RSS (MB) | peak ÷ CSV |")
    print("|---:|---:|---|---:|---:|---:|")
    for r in rows:
        print(f"| {r['units']:,} | {r['csv_mb']:.0f} | {r['what']} | {r['seconds']:.2f} | {r['peak_mb']:,.0f} "
              f"| {r['peak_mb'] / r['csv_mb']:.1f}× |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
