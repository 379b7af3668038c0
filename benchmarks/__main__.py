"""`python -m benchmarks`: the engine at scale, side by side with a plain Python scorer and OpenFisca.

Builds the synthetic case (default 10,000 units × 150 leaves × 3 stages, every feature of the
language), then times, as the best of several repeats (time.perf_counter), and measures peak
memory (tracemalloc) of:
  parse        data.parse.inputs_for: text tables → arrays
  score        engine.score_inputs from parsed inputs, with the units and nodes tables (ledger lazy)
  reference    benchmarks/reference_scorer.py, its own parsing and its scoring, per unit in Python
               (run once; on a subsample extrapolated linearly when --reference-units is given)
  openfisca    OpenFisca-Core computing the same leaf points and index from final values
               (simulation.calculate("index"); no bands, quotas or ranks)
Prints a table and writes benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cchc_rules.data.parse import inputs_for
from cchc_rules.data.synthetic import synthesize, synthetic_rulebook
from cchc_rules.engine.compile import compile_rulebook
from cchc_rules.engine.score import (
    aggregate,
    group_codes,
    index_points,
    leaf_points,
    score_inputs,
    select_stage,
)

RESULTS = Path(__file__).with_name("RESULTS.md")
TARGET_MS, TARGET_MB = 100.0, 1024.0


@dataclass
class Row:
    name: str
    ms: float | None
    peak_mb: float | None = None
    note: str = ""


def best_of(fn: Callable[[], Any], repeats: int, before: Callable[[], None] | None = None) -> float:
    """The fastest of `repeats` runs, in milliseconds."""
    times = []
    for _ in range(repeats):
        if before:
            before()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times) * 1000


def peak(fn: Callable[[], Any], before: Callable[[], None] | None = None) -> float:
    """Peak memory allocated while `fn` runs, in MB (tracemalloc; numpy reports to it)."""
    if before:
        before()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def subsample(dataset: Any, n: int) -> Any:
    """The first `n` units with their rows (for a reference run extrapolated linearly)."""
    from cchc_rules.data.model import Dataset

    keep = set(dataset.units["unit_id"].iloc[:n])
    survey = dataset.survey[dataset.survey["unit_id"].isin(keep)] if dataset.survey is not None else None
    return Dataset(dataset.units.iloc[:n], dataset.assessments[dataset.assessments["unit_id"].isin(keep)],
                   survey, dataset.meta)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=10_000)
    ap.add_argument("--leaves", type=int, default=150)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--reference-units", type=int, default=None, help="run the reference on this many units")
    ap.add_argument("--no-openfisca", action="store_true")
    ap.add_argument("--no-write", action="store_true", help="do not write benchmarks/RESULTS.md")
    args = ap.parse_args(argv)

    t = time.perf_counter()
    rulebook = synthetic_rulebook(args.leaves, seed=0)
    dataset = synthesize(rulebook, args.units, seed=2024)
    made = time.perf_counter() - t
    n_cells = args.units * len(rulebook.leaves()) * len(rulebook.stages)
    print(f"synthetic case: {args.units} units × {len(rulebook.leaves())} leaves × {len(rulebook.stages)} stages "
          f"({len(dataset.assessments)} assessment rows, {0 if dataset.survey is None else len(dataset.survey)} "
          f"survey answers), generated in {made:.1f} s")

    rows: list[Row] = []
    clear = dataset._inputs.clear
    parse_ms = best_of(lambda: inputs_for(dataset, rulebook), max(2, args.repeats // 3), clear)
    parse_mb = peak(lambda: inputs_for(dataset, rulebook), clear)
    inputs = inputs_for(dataset, rulebook)
    rows.append(Row("parse (inputs_for)", parse_ms, parse_mb))

    compile_ms = best_of(lambda: compile_rulebook(rulebook), args.repeats)
    compiled = compile_rulebook(rulebook)

    def engine() -> Any:
        result = score_inputs(compiled, inputs)
        result.units, result.nodes  # noqa: B018 (the result tables are part of the measure)
        return result

    engine()  # warm up
    score_ms = best_of(engine, args.repeats)
    score_mb = peak(engine)
    result = engine()
    rows.append(Row("score from parsed inputs (+ tables)", score_ms, score_mb,
                    f"target ≤ {TARGET_MS:.0f} ms, ≤ {TARGET_MB:.0f} MB"))
    rows.append(Row("compile the rulebook (once per rulebook)", compile_ms))

    # What OpenFisca computes, and only that: leaf points, the tree and the index from final values.
    selected = select_stage(compiled, inputs)
    groups = group_codes(compiled, inputs)

    def same_as_openfisca() -> Any:
        nodes = aggregate(compiled, leaf_points(compiled, selected, groups, inputs))
        return index_points(compiled, nodes, selected, inputs)

    rows.append(Row("engine: leaf points, tree, index from final values", best_of(same_as_openfisca, args.repeats),
                    peak(same_as_openfisca), "the part OpenFisca computes"))

    rows.extend(_reference(rulebook, dataset, args.reference_units or args.units, args.units))
    of_rows, of_note = ([], "skipped (--no-openfisca)") if args.no_openfisca else _openfisca(
        rulebook, inputs, result, args.repeats)
    rows.extend(of_rows)

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    text = _report(rows, args, n_cells, made, rss, of_note)
    print(text)
    if not args.no_write:
        RESULTS.write_text(text + "\n", encoding="utf-8")
        print(f"written to {RESULTS}")
    return 0


def _reference(rulebook: Any, dataset: Any, n: int, total: int) -> list[Row]:
    from benchmarks import reference_scorer as ref

    data = dataset if n >= total else subsample(dataset, n)
    scale = total / len(data.units)
    t = time.perf_counter()
    values = ref.read_values(rulebook, data)
    read_ms = (time.perf_counter() - t) * 1000 * scale
    t = time.perf_counter()
    ref.score_values(rulebook, data, values)
    score_ms = (time.perf_counter() - t) * 1000 * scale
    note = "one run" if scale == 1 else f"{len(data.units)} units, extrapolated ×{scale:g}"
    return [Row("reference: parse (per unit, Python)", read_ms, None, note),
            Row("reference: score (per unit, Python)", score_ms, None, note)]


def _openfisca(rulebook: Any, inputs: Any, result: Any, repeats: int) -> tuple[list[Row], str]:
    try:
        import openfisca_core  # noqa: F401
    except ImportError as exc:
        return [], f"OpenFisca-Core is not installed ({exc}); `make bench` installs the `bench` extra"
    from benchmarks import openfisca_model as ofm

    t = time.perf_counter()
    system, names = ofm.build_system(rulebook)
    build_ms = (time.perf_counter() - t) * 1000
    values = ofm.final_inputs(rulebook, inputs, names)
    sims: list[Any] = []
    setup_ms = best_of(lambda: sims.append(ofm.simulate(system, values)), max(2, repeats // 2))
    fresh: list[Any] = []
    calc_ms = best_of(lambda: ofm.index(fresh.pop()), repeats, lambda: fresh.append(ofm.simulate(system, values)))
    calc_mb = peak(lambda: ofm.index(fresh.pop()), lambda: fresh.append(ofm.simulate(system, values)))
    diff = float(np.max(np.abs(ofm.index(ofm.simulate(system, values)) - result.units["index"].to_numpy(float))))
    import importlib.metadata as md

    version = md.version("OpenFisca-Core")
    note = (f"OpenFisca-Core {version}; largest |index difference| with the engine: {diff:.1e} (OpenFisca keeps "
            "float variables as float32, so it cannot hold the 9-decimal points the spec asks for)")
    return [
        Row("openfisca: calculate index (leaf points, tree, index)", calc_ms, calc_mb, "no bands, quotas, ranks"),
        Row("openfisca: build simulation and set inputs", setup_ms),
        Row("openfisca: build the tax-benefit system (once)", build_ms),
    ], note


def _fmt_ms(ms: float | None) -> str:
    if ms is None:
        return "—"
    return f"{ms:,.0f}" if ms >= 100 else f"{ms:.1f}"


def _report(rows: list[Row], args: Any, n_cells: int, made: float, rss: float, of_note: str) -> str:
    by = {r.name: r for r in rows}
    score = by["score from parsed inputs (+ tables)"]
    parse = by["parse (inputs_for)"]
    lines = [
        "# Benchmarks",
        "",
        f"`python -m benchmarks` on {dt.date.today().isoformat()}: {args.units:,} units × {args.leaves} leaves × "
        f"3 stages ({n_cells:,} cells), synthetic rulebook using every feature; Python {platform.python_version()}, "
        f"numpy {np.__version__}, {os.cpu_count()} CPU cores (shared). Best of {args.repeats} runs unless noted; "
        f"peak memory by tracemalloc. Data generated in {made:.1f} s; process peak RSS {rss:,.0f} MB.",
        "",
        "| step | time (ms) | peak memory (MB) | engine is faster by | note |",
        "|---|---:|---:|---:|---|",
    ]
    for r in rows:
        ref = None
        if r.name.startswith("reference: parse"):
            ref = r.ms / parse.ms
        elif r.name.startswith("reference: score"):
            ref = r.ms / score.ms
        elif r.name.startswith("openfisca: calculate"):
            ref = r.ms / by["engine: leaf points, tree, index from final values"].ms
        mb = "—" if r.peak_mb is None else f"{r.peak_mb:,.0f}"
        lines.append(f"| {r.name} | {_fmt_ms(r.ms)} | {mb} | {'' if ref is None else f'{ref:,.1f}×'} | {r.note} |")
    ref_total = sum(by[k].ms for k in ("reference: parse (per unit, Python)", "reference: score (per unit, Python)"))
    lines += [
        "",
        f"- Score from parsed inputs: {_fmt_ms(score.ms)} ms (target ≤ {TARGET_MS:.0f} ms: "
        f"{'met' if score.ms <= TARGET_MS else 'NOT met'}), peak {score.peak_mb:,.0f} MB (target ≤ {TARGET_MB:.0f} MB: "
        f"{'met' if score.peak_mb <= TARGET_MB else 'NOT met'}).",
        f"- Parse + score, engine {_fmt_ms(parse.ms + score.ms)} ms against the per-unit reference "
        f"{_fmt_ms(ref_total)} ms: {ref_total / (parse.ms + score.ms):,.1f}× faster end to end; scoring alone "
        f"{by['reference: score (per unit, Python)'].ms / score.ms:,.1f}× (target ≥ 50×).",
        f"- OpenFisca computes leaf points, tree and index only (no stage selection, bands, quotas, ranks, "
        f"tables): it is compared with the same part of the engine. {of_note}.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
