"""`python -m benchmarks.bench_batch`: the 7 shipped scenarios, `--jobs 2`, in-process against papermill.

Both ways run in the same process, one after the other, on the same files, into fresh folders:
  in_process   `run_scenarios(..., jobs=2)`: each scenario computed and published in a worker
               process (the HTML report, tables and workbooks, charts rendered once), no kernel;
               what `cchc run --jobs 2` does now
  papermill    `run_scenarios(..., jobs=2, notebooks=True)`: each scenario through its report
               notebook in a fresh kernel (the baseline: what `cchc run` did before, and what
               `cchc run --notebooks` still does)
Wall clock (time.perf_counter), best of `--repeat` runs each (default 1: the papermill side takes
about a minute). The target for the in-process batch is 20 s on 2 cores (it was 56–61 s).
`run()` returns the figures as a dict; the command prints them as a table.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 20.0


def shipped() -> list[Path]:
    return sorted((ROOT / "scenarios").glob("*.yaml"))


def _timed_batch(files: list[Path], out: Path, notebooks: bool) -> tuple[float, int]:
    from cchc_rules.scenarios.runner import run_scenarios

    start = time.perf_counter()
    outcomes = run_scenarios(files, out, jobs=2, progress=False, lang="vi", notebooks=notebooks)
    return time.perf_counter() - start, sum(o.ok for o in outcomes)


def run(repeat: int = 1) -> dict[str, float | int | str]:
    """Time both ways; figures in seconds."""
    files = shipped()
    best: dict[str, float] = {}
    ok: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        for i in range(repeat):
            for name, notebooks in (("in_process", False), ("papermill", True)):
                seconds, done = _timed_batch(files, Path(tmp) / f"{name}-{i}", notebooks)
                best[name] = min(best.get(name, seconds), seconds)
                ok[name] = done
    return {
        "scenarios": len(files),
        "jobs": 2,
        "in_process_s": best["in_process"],
        "papermill_s": best["papermill"],
        "speedup": best["papermill"] / best["in_process"],
        "in_process_ok": ok["in_process"],
        "papermill_ok": ok["papermill"],
        "target_s": TARGET_S,
        "target_met": "yes" if best["in_process"] <= TARGET_S else "no",
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    figures = run(parser.parse_args(argv).repeat)
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key.ljust(width)}  {value:.2f}" if isinstance(value, float) else f"{key.ljust(width)}  {value}")


if __name__ == "__main__":
    main()
