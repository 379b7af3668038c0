"""`python -m benchmarks.bench_batch`: a batch of 8 scenarios through papermill at --jobs 1 and --jobs 2.

The 8 scenarios are written to a temporary folder: each compares the 2024 rulebook on the 2023
sample data (27 units) with one variant (the Excellent threshold at 88, 89, ..., 95), so every
scenario does the same work. Measured (wall clock, time.perf_counter, one run each):
  jobs1, jobs2     run_scenarios on the 8 scenarios (reports, tables, index), 1 or 2 at a time
  in_process_cold  the same work without papermill: execute() + write() of one scenario, in this
                   process, first call (imports included, as a fresh kernel pays them)
  in_process_warm  the same again, imports done
  empty_notebook   papermill on a notebook holding only a parameters cell: the kernel's start and stop
  overhead         jobs1 ÷ 8 − in_process_cold: what papermill and the worker's check add per scenario
`run()` returns the figures as a dict; the command prints them as a table.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = 8


def write_scenarios(folder: Path, n: int = SCENARIOS) -> list[Path]:
    """n scenarios of equal weight, each the baseline against one Excellent threshold."""
    files = []
    for i in range(n):
        threshold = 88 + i
        file = folder / f"bench-{i + 1}.yaml"
        file.write_text(
            f"dsl: 1\nid: bench-{i + 1}\n"
            f'title: {{vi: "Ngưỡng Xuất sắc {threshold}", en: "Excellent at {threshold}"}}\n'
            f"data: {ROOT / 'datasets' / 'sample-province-2023'}\n"
            f"baseline: {ROOT / 'rulebooks' / 'par-province-2024.yaml'}\n"
            f"variants:\n  excellent-{threshold}:\n    changes:\n"
            f"      - {{set: bands/excellent/min, to: {threshold}}}\n"
            "outputs: [html, xlsx, csv]\n",
            encoding="utf-8",
        )
        files.append(file)
    return files


def _timed(fn: Any, *args: Any, **kwargs: Any) -> float:
    start = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - start


def _empty_notebook(folder: Path) -> float:
    import nbformat
    import papermill
    from nbformat.v4 import new_code_cell, new_notebook

    cell = new_code_cell('scenario = ""\nout_dir = ""\nlang = "vi"', metadata={"tags": ["parameters"]})
    nb = new_notebook(cells=[cell],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    source = folder / "empty.ipynb"
    nbformat.write(nb, source)
    return _timed(papermill.execute_notebook, str(source), str(folder / "empty-out.ipynb"),
                  parameters={"scenario": "x"}, kernel_name="python3", progress_bar=False)


def run(n: int = SCENARIOS) -> dict[str, float]:
    """Time the batch at jobs 1 and 2 and the per-notebook overhead; figures in seconds."""
    from cchc_rules.scenarios.execute import execute
    from cchc_rules.scenarios.runner import run_scenarios

    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        folder = Path(tmp)
        files = write_scenarios(folder, n)
        cold = _timed(lambda: execute(files[0]).write(folder / "in-process", "vi"))
        warm = _timed(lambda: execute(files[1]).write(folder / "in-process-2", "vi"))
        empty = _empty_notebook(folder)
        jobs1 = _timed(run_scenarios, files, folder / "jobs1", jobs=1, progress=False)
        jobs2 = _timed(run_scenarios, files, folder / "jobs2", jobs=2, progress=False)
    return {
        "scenarios": n,
        "jobs1_s": jobs1,
        "jobs2_s": jobs2,
        "speedup": jobs1 / jobs2,
        "per_scenario_jobs1_s": jobs1 / n,
        "in_process_cold_s": cold,
        "in_process_warm_s": warm,
        "empty_notebook_s": empty,
        "overhead_per_scenario_s": jobs1 / n - cold,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=SCENARIOS)
    figures = run(parser.parse_args(argv).scenarios)
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key.ljust(width)}  {value:.2f}" if isinstance(value, float) else f"{key.ljust(width)}  {value}")


if __name__ == "__main__":
    main()
