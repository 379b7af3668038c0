"""`python -m benchmarks.bench_load`: loading a dataset folder, beside the readers it is built on.

Case: `synthetic_rulebook(150 leaves)`, `synthesize(N units)` written as a dataset folder (units,
assessments with 3 stages, survey). Each row runs in a fresh Python process, so its time and its
peak memory (the process's own peak resident set, `VmHWM`, which Arrow's and numpy's allocations
count in; `ru_maxrss` would keep the parent's across `exec`) are its own; the rise is that peak
above the process's resident set before the first repeat, once its imports are done and (for the
loader) a 100-unit folder was loaded once, so that the libraries and the compiled passes are not
counted as the data's memory. Rows:
  cchc-rules   `load_dataset(folder, rulebook)`: read, check every cell against the rulebook and
               parse into the engine's arrays (the columnar path; from 100,000 units on, the folder
               read in batches, `data.stream`);
  cchc-rules, then score()  the same, then `score()` of what it loaded (the issue's "load and
               score" within 8 GB: the time is both, the peak both's);
  plain path   the same through the cell-by-cell reader (`read_csv_plain`) and parsing that hashes
               every cell (what `load_dataset` did before the columnar reader);
  pyarrow      a typed columnar read of the same CSV files (every column declared text), nothing
               checked or parsed: the floor for reading;
  pandas       `pandas.read_csv` of the same files with inferred types, nothing checked;
  pyarrow streamed  the same typed read batch by batch (`pyarrow.csv.open_csv`, 16 MiB blocks), each
               batch dropped once read: the floor for a loader that streams (memory flat in rows).
Past 10,000 units the folder is not synthesized (far too slow) but built from the 10,000-unit case
by writing its rows again with new unit ids (`U00001` becomes `U0100001` in copy 1, and so on, in
every file), into a temporary folder deleted afterwards; there the rows that hold every cell in
memory at once (plain path, pandas, pyarrow) are skipped, and a row that fails says why.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

LARGE = 100_000  # from here on: built by copying the 10,000-unit case, only the rows that can stream
BASE = 10_000

RUN = {
    "cchc-rules": """
from cchc_rules.data.load import load_dataset
load_dataset(folder, rulebook)
""",
    "cchc-rules, then score()": """
from cchc_rules.data.load import load_dataset
from cchc_rules.engine.score import score
score(rulebook, load_dataset(folder, rulebook))
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
    with path.open(encoding="utf-8-sig") as f:
        header = f.readline().rstrip("\\n").split(",")
    csv.read_csv(path, convert_options=csv.ConvertOptions(column_types={c: pa.string() for c in header}))
""",
    "pandas": """
import pandas as pd
for name in ("units", "assessments", "survey"):
    pd.read_csv(folder / f"{name}.csv")
""",
    "pyarrow streamed": """
import pyarrow as pa
from pyarrow import csv
for name in ("units", "assessments", "survey"):
    path = folder / f"{name}.csv"
    with path.open(encoding="utf-8-sig") as f:
        header = f.readline().rstrip("\\n").split(",")
    reader = csv.open_csv(path, read_options=csv.ReadOptions(block_size=1 << 24),
                          convert_options=csv.ConvertOptions(column_types={c: pa.string() for c in header}))
    for batch in reader:
        del batch
""",
}
STREAMING = ("cchc-rules", "cchc-rules, then score()", "pyarrow streamed")  # the rows run past LARGE units

LOADER_WARM = ("from cchc_rules.data import load_kernels\nfrom cchc_rules.data.load import load_dataset\n"
               "load_kernels.COMPILED_FROM, small = 0, load_kernels.COMPILED_FROM  # compiled passes too\n"
               "load_dataset(Path(sys.argv[3]), rulebook)\nload_kernels.COMPILED_FROM = small")
WARM = {  # run once before the row's memory base is read: imports, and for the loader a 100-unit folder
    "cchc-rules": LOADER_WARM,
    "cchc-rules, then score()": LOADER_WARM + "\nfrom cchc_rules.engine.score import score\n"
                                              "score(rulebook, load_dataset(Path(sys.argv[3]), rulebook))",
    "plain path": "import cchc_rules.data.parse, cchc_rules.data.read",
    "pyarrow": "from pyarrow import csv",
    "pandas": "import pandas",
    "pyarrow streamed": "from pyarrow import csv",
}

CHILD = """
import re, resource, sys, time
from pathlib import Path
from cchc_rules.data.synthetic import synthetic_rulebook
folder = Path(sys.argv[1]); rulebook = synthetic_rulebook(150, seed=0)
{warm}
status = Path("/proc/self/status")
def vm(key):
    found = re.search(key + r":\\s+(\\d+) kB", status.read_text()) if status.exists() else None
    return int(found.group(1)) / 1024 if found else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
base = vm("VmRSS")
best = float("inf")
try:
    for _ in range(int(sys.argv[2])):
        t = time.perf_counter()
{body}
        best = min(best, time.perf_counter() - t)
except Exception as exc:  # e.g. a size limit: the row says why instead of a time
    found = getattr(exc, "errors", None)
    why = "; ".join(sorted({{f"{{p.code}} {{p.what('en')}}" for p in found}})) if found else str(exc)
    print("FAILED", type(exc).__name__ + ":", why.replace("\\n", " ")[:300])
else:
    # this process's own high-water mark (Linux: VmHWM); ru_maxrss would keep the parent's across exec
    print(best, vm("VmHWM"), base)
"""


def make_case(units: int, folder: Path, base: Path | None = None) -> float:
    """Write the synthetic dataset (copies of the `base` case past `LARGE` units); its CSV size in MB."""
    from cchc_rules.data.load import write_dataset
    from cchc_rules.data.synthetic import synthesize, synthetic_rulebook

    if units >= LARGE and base is not None:
        copy_case(base, units // BASE, folder)
    elif units == BASE and base is not None:
        shutil.copytree(base, folder)
    else:
        write_dataset(synthesize(synthetic_rulebook(150, seed=0), units, seed=2024), folder)
    return sum(p.stat().st_size for p in folder.glob("*.csv")) / 2**20


def copy_case(base: Path, copies: int, folder: Path) -> None:
    """`copies` × the units of `base` (ids `U` + 5 digits): every row of every CSV file written again per
    copy with the copy's number after the `U` of each id, so the copies are distinct units."""
    folder.mkdir(parents=True)
    shutil.copy(base / "dataset.yaml", folder / "dataset.yaml")
    for name in ("units.csv", "assessments.csv", "survey.csv"):
        data = (base / name).read_bytes()
        cut = data.index(b"\n") + 1
        header, body = data[:cut], data[cut:]
        if body.count(b"U") != len(re.findall(rb"U\d{5}", body)):  # only unit ids hold a U
            raise SystemExit(f"{name}: a U that is not a unit id; cannot copy the case")
        with (folder / name).open("wb") as out:
            out.write(header)
            for k in range(copies):
                out.write(body.replace(b"U", b"U%02d" % k) if copies <= 100 else body.replace(b"U", b"U%04d" % k))


BOUND = 8 * 2**30  # bytes: the memory bound for a million units, the child's data limit past LARGE


def _bounded() -> None:
    resource.setrlimit(resource.RLIMIT_DATA, (BOUND, BOUND))


def measure(name: str, folder: Path, repeats: int, small: Path,
            large: bool = False) -> tuple[float, float, float] | str:
    """Best seconds, peak MB and MB before the first repeat (after imports and warming up) of one row, in a
    process of its own; or why it failed. `large` (past `LARGE` units): the loader's size limits are raised to
    fit the files (`CCHC_MAX_TABLE_BYTES`, `CCHC_MAX_TABLE_ROWS`) and the process may hold at most `BOUND` bytes
    of data (`RLIMIT_DATA`): beyond, it fails with MemoryError instead of taking the machine's memory."""
    body = "\n".join("        " + line for line in RUN[name].strip().splitlines())
    env = dict(os.environ)
    if large:
        env.update(CCHC_MAX_TABLE_BYTES=str(20 * 2**30), CCHC_MAX_TABLE_ROWS=str(2**31 - 1))
    done = subprocess.run([sys.executable, "-c", CHILD.format(body=body, warm=WARM[name]), str(folder), str(repeats),
                           str(small)], capture_output=True, text=True, env=env, preexec_fn=_bounded if large else None)
    out = done.stdout.strip()
    if done.returncode or out.startswith("FAILED"):
        lines = (out or done.stderr.strip() or f"exit {done.returncode}").splitlines()
        return lines[-1].removeprefix("FAILED ")
    seconds, peak, base = out.split()
    return float(seconds), float(peak), float(base)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_load", description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, nargs="+", default=[10_000, 100_000, 1_000_000],
                    help="sizes to measure; from 100,000 on, a multiple of 10,000 built by copying "
                         "(default: 10k, 100k, 1M)")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if any(u >= LARGE and u % BASE for u in args.units):
        ap.error(f"from {LARGE:,} units on, --units must be multiples of {BASE:,}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "small"  # loaded once by each loader row before it is measured
        make_case(100, small)
        base = None
        if any(u >= LARGE for u in args.units):
            base = Path(tmp) / "base"
            make_case(BASE, base)
        for units in sorted(args.units):
            folder = Path(tmp) / f"data{units}"
            size = make_case(units, folder, base)
            for name in RUN:
                if units >= LARGE and name not in STREAMING:
                    continue
                got = measure(name, folder, args.repeats if units < LARGE else 1, small, units >= LARGE)
                seconds, peak, before = got if isinstance(got, tuple) else (None, None, None)
                rows.append({"units": units, "csv_mb": size, "what": name, "seconds": seconds, "peak_mb": peak,
                             "before_mb": before, "failed": got if isinstance(got, str) else None})
            shutil.rmtree(folder)  # a million units take 7 GB of disk: one size at a time
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    print(f"load a dataset folder; {platform.python_version()}, best of {args.repeats}; peak RSS of the process, and "
          "its rise above the process before the first repeat (imports done, the loader run once on 100 units)")
    print("| units | CSV MB | what | time (s) | peak RSS (MB) | rise (MB) | rise ÷ CSV |")
    print("|---:|---:|---|---:|---:|---:|---:|")
    for r in rows:
        if r["failed"]:
            print(f"| {r['units']:,} | {r['csv_mb']:.0f} | {r['what']} | failed: {r['failed']} | | | |")
            continue
        rise = r["peak_mb"] - r["before_mb"]
        print(f"| {r['units']:,} | {r['csv_mb']:.0f} | {r['what']} | {r['seconds']:.2f} | {r['peak_mb']:,.0f} "
              f"| {rise:,.0f} | {rise / r['csv_mb']:.1f}× |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
