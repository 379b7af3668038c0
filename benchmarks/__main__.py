"""`python -m benchmarks`: the engine and the loader at scale, each beside a baseline measured in the same run.

Builds the synthetic case (default 10,000 units × 150 leaves × 3 stages, every feature of the
language), writes it as a dataset folder, then measures (wall time, time.perf_counter; median of
`--repeats` runs after a warm-up; peak memory by tracemalloc, which numpy reports to):
  score        engine.score(rulebook, inputs): stage selection, leaf points, tree, index, bands,
               quotas, ranks (compiled rulebook cached; numba's compiled pass,
               and the numpy path beside it)
  openfisca    the independent OpenFisca-Core model of the same leaves, tree and index
               (benchmarks/openfisca_model.py; simulation.calculate("index"), no bands or ranks),
               beside the same part of the engine
  bandwidth    a numpy copy of the bytes the engine reads (the stage-major values and statuses):
               the memory-bandwidth floor
  load         data.load.load_dataset on the CSV folder, beside a minimal typed pyarrow read of
               the same assessments.csv (the reader's speed)
  reference    benchmarks/reference_scorer.py, per unit in Python, on a subsample (extrapolated)
  scaling      score at 1k, 10k, 100k and 1M units (time, peak memory); the inputs for the rows
               above the generated case are the generated units repeated (new ids), built in memory,
               because loading 100k units takes minutes and 1M cannot be loaded yet
Prints a table and writes benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cchc_rules.data.load import load_dataset, write_dataset
from cchc_rules.data.model import Inputs
from cchc_rules.data.parse import inputs_for
from cchc_rules.data.synthetic import synthesize, synthetic_rulebook
from cchc_rules.engine import fused
from cchc_rules.engine.compile import compile_rulebook, compiled_for
from cchc_rules.engine.score import (
    aggregate,
    group_codes,
    index_from,
    index_points,
    leaf_points,
    score,
    select_stage,
)
from cchc_rules.engine.select import adjustments_at

RESULTS = Path(__file__).with_name("RESULTS.md")
TARGET_SCORE_MS = 13.0
TARGET_LOAD_S = 0.5
TARGET_1M_SCORE_S = 3.0
BEFORE = "74–99 ms"  # score() at 10k before the kernel rewrite (issue 15, same machine)
BEFORE_FUSED = "38.1 ms"  # score() at 10k with the first compiled pass (leaf arrays and units table eager)


@dataclass
class Row:
    name: str
    ms: float | None
    peak_mb: float | None = None
    note: str = ""


def median_ms(fn: Callable[[], Any], repeats: int, before: Callable[[], None] | None = None) -> float:
    """The median of `repeats` runs after one warm-up, in milliseconds."""
    fn()
    times = []
    for _ in range(repeats):
        if before:
            before()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def peak(fn: Callable[[], Any], before: Callable[[], None] | None = None) -> float:
    """Peak memory allocated while `fn` runs, in MB (tracemalloc)."""
    if before:
        before()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def numpy_kernel() -> Any:
    """Context: the numpy path instead of the compiled pass."""

    class Env:
        def __enter__(self) -> None:
            self.old = os.environ.get("CCHC_KERNEL")
            os.environ["CCHC_KERNEL"] = "numpy"

        def __exit__(self, *exc: object) -> None:
            if self.old is None:
                os.environ.pop("CCHC_KERNEL", None)
            else:
                os.environ["CCHC_KERNEL"] = self.old

    return Env()


def repeated(inputs: Inputs, n: int) -> Inputs:
    """`inputs` with its units repeated to `n` units (new ids), in the engine's layout, built in memory."""
    times = -(-n // len(inputs.units))

    def tile(a: np.ndarray) -> np.ndarray:  # units × … × stages, stored stage-major
        return np.tile(a.T, (1,) * (a.ndim - 1) + (times,))[..., :n].T

    units = pd.concat([inputs.units] * times, ignore_index=True).iloc[:n].copy()
    units["unit_id"] = [f"R{i:07d}" for i in range(n)]
    survey_n = np.tile(inputs.survey_n, (times, 1))[:n]
    return Inputs(units, inputs.leaf_ids, inputs.stages, tile(inputs.value), tile(inputs.status), inputs.adjustment_ids,
                  tile(inputs.adjustment), survey_n)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=10_000)
    ap.add_argument("--leaves", type=int, default=150)
    ap.add_argument("--repeats", type=int, default=9)
    ap.add_argument("--reference-units", type=int, default=1000, help="run the per-unit reference on this many units")
    ap.add_argument("--scaling", default="1000,10000,100000,1000000", help="unit counts of the scaling table")
    ap.add_argument("--no-openfisca", action="store_true")
    ap.add_argument("--no-write", action="store_true", help="do not write benchmarks/RESULTS.md")
    args = ap.parse_args(argv)

    t = time.perf_counter()
    rulebook = synthetic_rulebook(args.leaves, seed=0)
    dataset = synthesize(rulebook, args.units, seed=2024)
    made = time.perf_counter() - t
    n_cells = args.units * len(rulebook.leaves()) * len(rulebook.stages)
    print(f"synthetic case: {args.units:,} units × {len(rulebook.leaves())} leaves × {len(rulebook.stages)} stages "
          f"({len(dataset.assessments):,} assessment rows), generated in {made:.1f} s", flush=True)

    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_dataset(dataset, Path(tmp) / "case")
        rows += _load(rulebook, folder, args.repeats)
    inputs = inputs_for(dataset, rulebook)
    t = time.perf_counter()
    compiled = compile_rulebook(rulebook)
    compile_ms = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    score(rulebook, inputs)  # first call: compiles the rulebook, loads (or compiles) the numba pass
    first_ms = (time.perf_counter() - t) * 1000
    compiled = compiled_for(rulebook)

    kernel = "numba compiled pass" if fused.available() else "numpy path (numba not installed)"
    score_ms = median_ms(lambda: score(rulebook, inputs), args.repeats)
    score_mb = peak(lambda: score(rulebook, inputs))
    rows.append(Row("score()", score_ms, score_mb, f"{kernel}, {_threads(len(inputs.units))}; index, bands, quotas, "
                    f"ranks, every node summed (kept: those grading reads); target ≤ {TARGET_SCORE_MS:g} ms"))
    rows.append(Row("score() + units table", median_ms(lambda: score(rulebook, inputs).units, args.repeats),
                    peak(lambda: score(rulebook, inputs).units), "Result.units, built on first use"))
    rows.append(Row("score() + leaf arrays", median_ms(lambda: score(rulebook, inputs).leaves, args.repeats),
                    peak(lambda: score(rulebook, inputs).leaves),
                    "Result.selected and Result.leaves (values, reasons per leaf), built on first use"))
    with numpy_kernel():
        rows.append(Row("score() on the numpy path", median_ms(lambda: score(rulebook, inputs), args.repeats),
                        peak(lambda: score(rulebook, inputs)),
                        "CCHC_KERNEL=numpy (identical results, tested); computes the leaf arrays too"))
    result = score(rulebook, inputs)

    def nodes_table() -> Any:
        result.__dict__.pop("nodes", None)  # the cached table: build it again
        return result.nodes

    def units_table() -> Any:
        result.__dict__.pop("units", None)
        return result.units

    rows.append(Row("units table (built on first use)", median_ms(units_table, args.repeats)))
    rows.append(Row("nodes table (built on first use)", median_ms(nodes_table, args.repeats)))
    rows.append(Row("first score() in a process", first_ms, None, "compile the rulebook, load the numba pass"))
    rows.append(Row("compile the rulebook (once per rulebook)", compile_ms))

    rows.append(Row("engine: leaf points, tree, index from final values",
                    median_ms(lambda: _same_as_openfisca(compiled, inputs), args.repeats),
                    peak(lambda: _same_as_openfisca(compiled, inputs)), "the part OpenFisca computes"))
    of_rows, of_note = ([], "skipped (--no-openfisca)") if args.no_openfisca else _openfisca(
        rulebook, inputs, result, args.repeats)
    rows.extend(of_rows)
    rows.append(_bandwidth(inputs, args.repeats))
    rows.extend(_reference(rulebook, dataset, min(args.reference_units, args.units), args.units, score_ms))
    scaling = _scaling(rulebook, inputs, [int(x) for x in args.scaling.split(",") if x], args.repeats)

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    text = _report(rows, scaling, args, n_cells, made, rss, of_note)
    print(text)
    if not args.no_write:  # the other benchmarks' sections (`## ...`) after this report are kept
        before = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
        others = before[before.index("\n## ") + 1:] if "\n## " in before else ""
        RESULTS.write_text(text + "\n" + ("\n" + others if others else ""), encoding="utf-8")
        print(f"written to {RESULTS}")
    return 0


def _same_as_openfisca(compiled: Any, inputs: Inputs) -> Any:
    """Stage selection, leaf points, tree and index (no bands, quotas, ranks, tables): what the OpenFisca model does."""
    groups = group_codes(compiled, inputs)
    s = len(compiled.rulebook.stages) - 1
    if fused.available():
        nodes, _ = fused.score_nodes(compiled, inputs, s, groups)
        return index_from(compiled, nodes, adjustments_at(inputs, s)[0])
    selected = select_stage(compiled, inputs)
    nodes = aggregate(compiled, leaf_points(compiled, selected, groups, inputs))
    return index_points(compiled, nodes, selected, inputs)


def _threads(n_units: int) -> str:
    """How the compiled pass runs for this many units."""
    if not fused.available():
        return "one thread"
    if (n := fused.threads(n_units)) > 1:
        return f"{n} threads"
    return f"one thread (threads from {fused.PARALLEL_FROM:,} units)"


def _load(rulebook: Any, folder: Path, repeats: int) -> list[Row]:
    size_mb = sum(p.stat().st_size for p in folder.iterdir()) / 2**20
    load_ms = median_ms(lambda: load_dataset(folder, rulebook), max(1, repeats // 3))
    load_mb = peak(lambda: load_dataset(folder, rulebook))
    rows = [Row("load_dataset (read and check the CSV folder)", load_ms, load_mb,
                f"{size_mb:,.0f} MB of CSV; target ≤ {TARGET_LOAD_S * 1000:,.0f} ms, peak ≤ 3× the CSV")]
    try:
        import pyarrow as pa
        from pyarrow import csv
    except ImportError as exc:
        return [*rows, Row("pyarrow: typed read of assessments.csv", None, None, f"pyarrow not installed ({exc})")]
    path = folder / "assessments.csv"
    header = path.read_text(encoding="utf-8-sig").split("\n", 1)[0].split(",")
    types = {name: pa.string() for name in header}  # every cell as text, as the loader reads them

    def read() -> Any:
        return csv.read_csv(path, convert_options=csv.ConvertOptions(column_types=types, strings_can_be_null=True))

    rows.append(Row("pyarrow: typed read of assessments.csv", median_ms(read, repeats), peak(read),
                    "the reader's speed: no checks, no parsing"))
    return rows


def _bandwidth(inputs: Inputs, repeats: int) -> Row:
    """A numpy copy of the values and statuses the engine reads: what memory bandwidth alone costs."""
    src = (inputs.value.T, inputs.status.T)
    dst = tuple(np.empty_like(a) for a in src)

    def copy() -> None:
        for d, s in zip(dst, src):
            np.copyto(d, s)

    mb = sum(a.nbytes for a in src) / 2**20
    return Row("numpy copy of the inputs the engine reads", median_ms(copy, repeats), None,
               f"memory-bandwidth floor: {mb:,.0f} MB read and written")


def _scaling(rulebook: Any, inputs: Inputs, sizes: list[int], repeats: int) -> list[Row]:
    out = []
    for n in sizes:
        try:
            big = inputs if n == len(inputs.units) else repeated(inputs, n)
        except MemoryError:
            out.append(Row(f"{n:,}", None, None, "not enough memory to build the inputs"))
            continue
        reps = repeats if n <= 100_000 else 3
        ms = median_ms(lambda big=big: score(rulebook, big), reps)
        mb = peak(lambda big=big: score(rulebook, big))
        in_mb = (big.value.nbytes + big.status.nbytes + big.adjustment.nbytes) / 2**20
        note = "generated and parsed" if big is inputs else "units repeated, built in memory"
        out.append(Row(f"{n:,}", ms, mb, f"{note}; inputs {in_mb:,.0f} MB"))
        print(f"scaling {n:,}: {ms:,.1f} ms, peak {mb:,.0f} MB", flush=True)
        del big
    return out


def _reference(rulebook: Any, dataset: Any, n: int, total: int, score_ms: float) -> list[Row]:
    from benchmarks import reference_scorer as ref
    from cchc_rules.data.model import Dataset

    keep = set(dataset.units["unit_id"].iloc[:n])
    survey = dataset.survey[dataset.survey["unit_id"].isin(keep)] if dataset.survey is not None else None
    data = Dataset(dataset.units.iloc[:n], dataset.assessments[dataset.assessments["unit_id"].isin(keep)], survey,
                   dataset.meta)
    values = ref.read_values(rulebook, data)
    t = time.perf_counter()
    ref.score_values(rulebook, data, values)
    ms = (time.perf_counter() - t) * 1000 * total / n
    return [Row("reference: score per unit in Python", ms, None,
                f"{n:,} units, extrapolated ×{total / n:g}; score() is {ms / score_ms:,.0f}× faster")]


def _openfisca(rulebook: Any, inputs: Inputs, result: Any, repeats: int) -> tuple[list[Row], str]:
    try:
        import openfisca_core  # noqa: F401
    except ImportError as exc:
        return [], f"OpenFisca-Core is not installed ({exc}); `make bench` installs the `bench` extra"
    from benchmarks import openfisca_model as ofm

    t = time.perf_counter()
    system, names = ofm.build_system(rulebook)
    build_ms = (time.perf_counter() - t) * 1000
    values = ofm.final_inputs(rulebook, inputs, names)
    fresh: list[Any] = []

    def setup() -> None:
        fresh.append(ofm.simulate(system, values))

    setup_ms = median_ms(setup, max(2, repeats // 2))
    calc_ms = median_ms(lambda: ofm.index(fresh.pop()), repeats, setup)
    calc_mb = peak(lambda: ofm.index(fresh.pop()), setup)
    diff = float(np.max(np.abs(ofm.index(ofm.simulate(system, values)) - result.units["index"].to_numpy(float))))
    import importlib.metadata as md

    note = (f"OpenFisca-Core {md.version('OpenFisca-Core')}; largest |index difference| with the engine: {diff:.1e} "
            "(OpenFisca keeps float variables as float32, so it cannot hold the 9-decimal points the spec asks for)")
    return [
        Row("openfisca: calculate index (the same leaves, tree, index)", calc_ms, calc_mb, "no bands, quotas, ranks"),
        Row("openfisca: build simulation and set inputs", setup_ms),
        Row("openfisca: build the tax-benefit system (once)", build_ms),
    ], note


def _fmt(ms: float | None) -> str:
    if ms is None:
        return "—"
    return f"{ms:,.0f}" if ms >= 100 else f"{ms:.1f}"


def _report(rows: list[Row], scaling: list[Row], args: Any, n_cells: int, made: float, rss: float,
            of_note: str) -> str:
    by = {r.name: r for r in rows}
    machine = f"{platform.machine()}, {os.cpu_count()} CPU cores shared with other work, Linux {platform.release()}"
    lines = [
        "# Benchmarks",
        "",
        f"`python -m benchmarks` on {dt.date.today().isoformat()} ({machine}): {args.units:,} units × "
        f"{args.leaves} leaves × 3 stages ({n_cells:,} cells), synthetic rulebook using every feature; Python "
        f"{platform.python_version()}, numpy {np.__version__}. Median of {args.repeats} runs after a warm-up, "
        f"wall time; peak memory by tracemalloc. Data generated in {made:.1f} s; process peak RSS {rss:,.0f} MB.",
        "",
        "| step | time (ms) | peak memory (MB) | note |",
        "|---|---:|---:|---|",
    ]
    for r in rows:
        mb = "—" if r.peak_mb is None else f"{r.peak_mb:,.0f}"
        lines.append(f"| {r.name} | {_fmt(r.ms)} | {mb} | {r.note} |")
    lines += ["", "Scaling of `score()` (compiled pass; the leaf arrays, every node's arrays and the units table not "
              "built):", "",
              "| units | time (ms) | peak memory (MB) | note |",
              "|---:|---:|---:|---|"]
    for r in scaling:
        lines.append(f"| {r.name} | {_fmt(r.ms)} | {'—' if r.peak_mb is None else f'{r.peak_mb:,.0f}'} | {r.note} |")
    score_row = by["score()"]
    with_units = by["score() + units table"]
    of = by.get("openfisca: calculate index (the same leaves, tree, index)")
    same = by["engine: leaf points, tree, index from final values"]
    lines += [""]
    verdict = "met" if score_row.ms <= TARGET_SCORE_MS else f"NOT met, {score_row.ms / TARGET_SCORE_MS:.1f}× over"
    lines.append(f"- score() at {args.units:,} units: {_fmt(score_row.ms)} ms, {_fmt(with_units.ms)} ms with the units "
                 f"table (before the kernel rewrite: {BEFORE}; with the first compiled pass: {BEFORE_FUSED}; "
                 f"target ≤ {TARGET_SCORE_MS:g} ms: {verdict}).")
    if of is not None and of.ms:
        lines.append(f"- Beside OpenFisca-Core in the same run: the whole score() {_fmt(score_row.ms)} ms against "
                     f"OpenFisca's index {_fmt(of.ms)} ms ({of.ms / score_row.ms:.1f}× the engine's time); the same "
                     f"part of the engine (no bands, quotas, ranks, tables) {_fmt(same.ms)} ms "
                     f"({of.ms / same.ms:.1f}×). {of_note}.")
    floor = by["numpy copy of the inputs the engine reads"]
    lines.append(f"- Memory-bandwidth floor (a copy of the inputs read): {_fmt(floor.ms)} ms; score() is "
                 f"{score_row.ms / floor.ms:.1f}× the floor, the leaf-to-index part {same.ms / floor.ms:.1f}×.")
    load, arrow = by.get("load_dataset (read and check the CSV folder)"), by.get(
        "pyarrow: typed read of assessments.csv")
    if load and arrow and arrow.ms:
        lines.append(f"- load_dataset {_fmt(load.ms)} ms against a typed pyarrow read of the same CSV "
                     f"{_fmt(arrow.ms)} ms ({load.ms / arrow.ms:,.0f}×; that read is of assessments.csv alone: "
                     "`python -m benchmarks.bench_load` sets the loader beside a read of every file, each in a fresh "
                     "process).")
    big = [r for r in scaling if r.name == "1,000,000" and r.ms is not None]
    if big:
        ok = "met" if big[0].ms <= TARGET_1M_SCORE_S * 1000 else "NOT met"
        lines.append(f"- 1M units: score {big[0].ms / 1000:.2f} s (target ≤ {TARGET_1M_SCORE_S:g} s: {ok}), peak "
                     f"{big[0].peak_mb / 1024:.1f} GB beside inputs of {big[0].note.split('inputs ')[-1]}; loading 1M "
                     "units, then scoring them, within the 8 GB bound: `python -m benchmarks.bench_load` (the "
                     "size limits per file raised; the folder read in batches, `data.stream`).")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
