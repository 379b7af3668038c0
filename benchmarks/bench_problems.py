"""`python -m benchmarks.bench_problems`: reporting a flood of bad rows, grouped, beside a plain baseline.

Two datasets of N bad assessment rows (default 100,000) for the 27 units of the sample province,
scored with par-province-2024:
  one id     every row names the same unknown criterion id: one group of N rows (and, as most
             rows are unknown, the D390 diagnosis first);
  many ids   every row names a different unknown id: N groups of one row, 200 listed.
For each (wall time, time.perf_counter, median of `--repeats` runs after a warm-up):
  load       data.load.load_dataset on the CSV folder until the CchcError (read, parse, group,
             diagnose), its first line and its text in Vietnamese;
  collect    data.parse.parse alone: the problems collected one per bad row (the floor the
             report stands on);
  grouped    data.mismatch.condensed + CchcError + format("vi") on the collected problems;
  plain      the baseline: the first 200 problems of each code formatted one line each, as the
             report was made before grouping (no grouping, no diagnosis);
  pickle     pickle.dumps of the error (errors cross process pools in batches), and its size.
Prints a table (Markdown) to paste into benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from cchc_rules.data.load import load_dataset
from cchc_rules.data.mismatch import condensed
from cchc_rules.data.parse import parse
from cchc_rules.data.read import read_dataset
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.dsl.models import Rulebook
from cchc_rules.problems import CchcError, Problems

ROOT = Path(__file__).resolve().parents[1]
UNITS = ROOT / "datasets" / "sample-province-2024" / "units.csv"
RULEBOOK = ROOT / "rulebooks" / "par-province-2024.yaml"


def _median_ms(fn: Callable[[], object], repeats: int) -> float:
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _folder(root: Path, name: str, n: int, same: bool) -> Path:
    folder = root / name
    folder.mkdir()
    units = pd.read_csv(UNITS, dtype=str, keep_default_na=False)
    units.to_csv(folder / "units.csv", index=False)
    rng = np.random.default_rng(0)
    ids = ["9.9"] * n if same else [f"Z.{i}" for i in range(n)]
    pd.DataFrame({"unit_id": units["unit_id"].to_numpy()[rng.integers(0, len(units), n)], "criterion_id": ids,
                  "self": "1"}).to_csv(folder / "assessments.csv", index=False)
    return folder


def _plain(problems: Problems, limit: int = 200) -> str:
    seen: dict[str, int] = {}
    lines = []
    for p in problems:
        seen[p.code] = seen.get(p.code, 0) + 1
        if seen[p.code] <= limit:
            lines.append(p.format("vi"))
    return "\n".join(lines)


def measure(n: int, repeats: int) -> list[tuple[str, str, float, str]]:
    rulebook = load_rulebook(RULEBOOK)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, same in (("one id", True), ("many ids", False)):
            rows += _measure_one(name, _folder(Path(tmp), name.replace(" ", "-"), n, same), rulebook, repeats)
    return rows


def _measure_one(name: str, folder: Path, rulebook: Rulebook, repeats: int) -> list[tuple[str, str, float, str]]:
    def load() -> str:
        try:
            load_dataset(folder, rulebook)
        except CchcError as exc:
            return exc.format("vi")
        raise AssertionError("the dataset should not load")

    dataset = read_dataset(folder, Problems())
    collected = Problems()
    parse(dataset, rulebook, collected)

    def grouped() -> str:
        return CchcError(condensed(collected, dataset, rulebook).items).format("vi")

    text = load()
    error = CchcError(condensed(collected, dataset, rulebook).items)
    plain = _plain(collected)
    return [
        (name, "load_dataset → CchcError → text (vi)", _median_ms(load, repeats),
         f"{len(text.splitlines())} lines; first: {text.splitlines()[0]}"),
        (name, "collect: parse, one problem per bad row", _median_ms(lambda: parse(dataset, rulebook, Problems()),
                                                                     repeats), f"{len(collected):,} problems"),
        (name, "grouped: condensed + CchcError + format", _median_ms(grouped, repeats),
         f"{len(error.problems)} lines listed, total {error.total:,}"),
        (name, "plain: 200 per code, one line each (baseline)", _median_ms(lambda: _plain(collected), repeats),
         f"{len(plain.splitlines())} lines, no total"),
        (name, "pickle.dumps of the error", _median_ms(lambda: pickle.dumps(error), repeats),
         f"{len(pickle.dumps(error)):,} bytes"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_problems")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"{args.rows:,} bad rows; median of {args.repeats} runs after a warm-up\n")
    print("| dataset | step | time (ms) | note |\n|---|---|---:|---|")
    for name, step, ms, note in measure(args.rows, args.repeats):
        print(f"| {name} | {step} | {ms:,.0f} | {note} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
