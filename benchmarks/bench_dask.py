"""`python -m benchmarks.bench_dask`: the national panel on Dask (1 and 2 local workers) beside the plain local path.

On the 2024 communes of the national synthetic panel (about 3,400 communes, `cchc_rules.data.national`;
written to out/national when missing), each beside the plain local path (no Dask, this process):
  monte_carlo   `uncertainty(..., draws=D)` (weights ±10 %, thresholds ±1, calibrated appraisal noise): local,
                then `client=` on a LocalCluster of 1 and of 2 worker processes (one thread each); also the
                size of what is scattered to each worker (the prepared study, pickled)
  sweep         `sweep(...)` of the Excellent threshold over 5 values
  grid          `run_scenarios(scenarios/national/*.yaml)`: `jobs=1`, then on the clusters (`--no-grid` skips it)
Wall clock (time.perf_counter), after one warm-up call on each cluster (the workers import the package
and, with numba, compile the kernel once); starting a cluster is timed apart. Each Dask result is
checked identical to the local one. The machine may be shared: figures from one run, beside each other.
"""

from __future__ import annotations

import argparse
import os
import pickle
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
PANEL = ROOT / "out" / "national"


def _timed(fn: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def _same_batch(a: list[Any], b: list[Any]) -> bool:
    return [o.status for o in a] == [o.status for o in b]


def run(draws: int = 200, grid: bool = True) -> dict[str, Any]:
    from cchc_rules.analysis.sweep import sweep
    from cchc_rules.analysis.uncertainty import uncertainty
    from cchc_rules.cluster import dask_client
    from cchc_rules.data.load import load_dataset
    from cchc_rules.data.national import write_panel
    from cchc_rules.dsl.load import load_rulebook
    from cchc_rules.scenarios.runner import run_scenarios

    if not (PANEL / "2024" / "communes").is_dir():
        write_panel(PANEL)
    rulebook = load_rulebook(ROOT / "rulebooks" / "par-communes-2024.yaml")
    data = load_dataset(PANEL / "2024" / "communes", rulebook)
    mc = {"draws": draws, "seed": 7, "weight_spread": 0.1, "threshold_shift": 1.0, "appraisal_noise": "calibrated"}
    values = {"bands/excellent/min": [86, 88, 90, 92, 94]}
    files = sorted((ROOT / "scenarios" / "national").glob("*.yaml"))
    out: dict[str, Any] = {"units": len(data.units), "draws": draws, "cores": os.cpu_count(),
                           "load_average_1min": round(os.getloadavg()[0], 1)}
    uncertainty(rulebook, data, **{**mc, "draws": 2})  # warm-up (numba compiles once)
    out["monte_carlo_local_s"], base_mc = _timed(lambda: uncertainty(rulebook, data, **mc))
    from cchc_rules.analysis.uncertainty import MonteCarlo

    prepared = MonteCarlo(rulebook, data, 7, 0.1, 1.0, "calibrated", False, None)
    out["scattered_study_mb"] = round(len(pickle.dumps(prepared)) / 1e6, 1)
    out["sweep_local_s"], base_sweep = _timed(lambda: sweep(rulebook, data, values))
    tmp = Path(tempfile.mkdtemp(prefix="bench-dask-"))
    if grid:
        out["grid_local_s"], base_grid = _timed(lambda: run_scenarios(files, tmp / "local", progress=False))
    for n in (1, 2):
        start = time.perf_counter()
        with dask_client(f"local:{n}") as client:
            out[f"cluster_start_{n}_s"] = time.perf_counter() - start
            uncertainty(rulebook, data, client=client, **{**mc, "draws": 2})  # warm-up on the workers
            out[f"monte_carlo_dask{n}_s"], got = _timed(lambda c=client: uncertainty(rulebook, data, client=c, **mc))
            out[f"monte_carlo_dask{n}_identical"] = got.equals(base_mc)
            out[f"sweep_dask{n}_s"], got = _timed(lambda c=client: sweep(rulebook, data, values, client=c))
            out[f"sweep_dask{n}_identical"] = got.equals(base_sweep)
            if grid:
                out[f"grid_dask{n}_s"], got = _timed(
                    lambda c=client, n=n: run_scenarios(files, tmp / f"dask{n}", progress=False, client=c))
                out[f"grid_dask{n}_same_outcomes"] = _same_batch(got, base_grid)
    out["load_average_1min_after"] = round(os.getloadavg()[0], 1)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_dask", description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--no-grid", action="store_true", help="skip the scenario grid (minutes)")
    args = parser.parse_args(argv)
    figures = run(args.draws, not args.no_grid)
    print(pd.Series(figures).to_string())


if __name__ == "__main__":
    main()
