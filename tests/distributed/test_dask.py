"""Dask: `--dask` specs and their errors, and a LocalCluster of two worker processes giving exactly what the
local path gives (Monte Carlo, sweep, Sobol, a scenario batch with a failing scenario among good ones)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd
import pytest

from cchc_rules.analysis.sobol import sobol
from cchc_rules.analysis.sweep import sweep
from cchc_rules.analysis.uncertainty import uncertainty
from cchc_rules.cli import main
from cchc_rules.cluster import DaskSpec, dask_client, parse_spec, ranges
from cchc_rules.data.synthetic import synthesize, synthetic_rulebook
from cchc_rules.problems import CchcError
from cchc_rules.scenarios.runner import run_scenarios

SCENARIOS = Path(__file__).parents[1] / "scenarios" / "fixtures"


# ---------------------------------------------------------------- the option, without a cluster
def test_specs_are_read():
    assert parse_spec("local") == DaskSpec("local")
    assert parse_spec("local:2") == DaskSpec("local", 2)
    assert parse_spec("tcp://10.0.0.5:8786") == DaskSpec("tcp", address="tcp://10.0.0.5:8786")
    assert parse_spec("tcp://scheduler.example:8786/") == DaskSpec("tcp", address="tcp://scheduler.example:8786")


@pytest.mark.parametrize("spec", ["local:0", "local:x", "local:-1", "tcp://host", "tcp://host:99999", "http://h:1",
                                  "", "Local"])
def test_bad_specs_are_located_errors_in_both_languages(spec):
    with pytest.raises(CchcError) as caught:
        parse_spec(spec)
    (problem,) = caught.value.problems
    assert problem.code == "A920" and problem.path == "--dask"
    assert "local:N" in problem.fix("en") and "tcp://máy:cổng" in problem.fix("vi")


def test_a_bad_spec_on_the_command_line_fails_before_anything_runs(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["run", str(SCENARIOS / "sweep.yaml"), "--out", str(out), "--dask", "local:none", "--lang", "en"])
    assert code == 1
    assert "A920" in capsys.readouterr().err
    assert not (out / "tiny-sweep").exists()


def test_an_unreachable_scheduler_is_an_error_within_the_timeout(monkeypatch):
    monkeypatch.setenv("CCHC_DASK_TIMEOUT", "2")
    start = time.monotonic()
    with pytest.raises(CchcError) as caught:
        with dask_client("tcp://127.0.0.1:9"):  # the discard port: nothing listens
            pass
    assert time.monotonic() - start < 30
    (problem,) = caught.value.problems
    assert problem.code == "A921" and "tcp://127.0.0.1:9" in problem.what("en")


def test_ranges_cover_every_draw_once_in_whole_chunks():
    assert ranges(10, 3, 1) == [range(0, 3), range(3, 6), range(6, 10)]
    assert ranges(23, 4, 5) == [range(0, 5), range(5, 10), range(10, 15), range(15, 23)]
    assert ranges(3, 8, 5) == [range(0, 3)]
    assert ranges(0, 4, 5) == []


# ---------------------------------------------------------------- a cluster of two worker processes
@pytest.fixture(scope="module")
def client():
    with dask_client("local:2") as c:
        yield c


@pytest.fixture(scope="module")
def synthetic():
    rulebook = synthetic_rulebook(40, seed=3)
    return rulebook, synthesize(rulebook, 30, seed=4)


MC = {"draws": 24, "seed": 5, "weight_spread": 0.2, "threshold_shift": 1.0, "appraisal_noise": "calibrated",
      "survey_bootstrap": True}


@pytest.mark.slow
def test_monte_carlo_on_two_workers_equals_the_local_run(client, synthetic):
    rulebook, data = synthetic
    local = uncertainty(rulebook, data, **MC)
    assert local["rank_p95"].gt(local["rank_p05"]).any()  # the draws do move ranks: the comparison means something
    pd.testing.assert_frame_equal(uncertainty(rulebook, data, client=client, **MC), local)
    pd.testing.assert_frame_equal(uncertainty(rulebook, data, chunk=7, **MC), local)  # chunking changes nothing
    assert uncertainty(rulebook, data, client=client, **{**MC, "seed": 6}).attrs["seed"] == 6


@pytest.mark.slow
def test_sweep_on_two_workers_equals_the_local_run(client, synthetic):
    rulebook = SCENARIOS / "tiny.yaml"
    data = SCENARIOS / "data-2023"
    values = {"bands/good/min": [65, 70, 80, 95]}
    local = sweep(rulebook, data, values)
    assert local.groupby("variant")["band"].apply(tuple).nunique() > 1  # the variants differ
    pd.testing.assert_frame_equal(sweep(rulebook, data, values, client=client), local)


@pytest.mark.slow
def test_sobol_on_two_workers_equals_the_local_run(client, synthetic):
    rulebook, data = synthetic
    kw = {"samples": 16, "seed": 2, "weight_spread": 0.2, "threshold_shift": 1.0}
    pd.testing.assert_frame_equal(sobol(rulebook, data, client=client, **kw), sobol(rulebook, data, **kw))


def _tables(out: Path, name: str) -> dict[str, str]:
    folder = out / name
    return {str(p.relative_to(folder)): p.read_text(encoding="utf-8-sig") for p in sorted(folder.rglob("*.csv"))}


@pytest.mark.slow
def test_a_scenario_batch_on_two_workers_equals_the_local_run_and_a_failure_stays_one(client, tmp_path):
    files = [SCENARIOS / "sweep.yaml", SCENARIOS / "bad-data.yaml", SCENARIOS / "year-on-year.yaml"]
    local = run_scenarios(files, tmp_path / "local", progress=False, lang="en")
    dist = run_scenarios(files, tmp_path / "dask", progress=False, lang="en", client=client)
    assert [o.status for o in dist] == [o.status for o in local] == ["ok", "failed", "ok"]
    assert dist[1].error == local[1].error and "D" in (dist[1].error or "")
    for o in local:
        if o.ok:
            assert _tables(tmp_path / "dask", o.name) == _tables(tmp_path / "local", o.name)
            assert _tables(tmp_path / "local", o.name)  # tables were written
            a, b = (json.loads((tmp_path / side / o.name / "summary.json").read_text(encoding="utf-8"))
                    for side in ("local", "dask"))
            a.pop("seconds"), b.pop("seconds")
            assert a == b
    assert (tmp_path / "dask" / "index.html").is_file()
