"""Sobol indices: closed forms worked out by hand (a linear index; two units swapping ranks), the bounds and
errors, and `cchc sensitivity`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cchc_rules.analysis.sobol import Factor, drivers, indices, sobol
from cchc_rules.cli import main
from cchc_rules.data.load import dataset_from_frames
from cchc_rules.problems import CchcError

from .rulebooks import build_rulebook

FIXTURES = Path(__file__).parents[1] / "scenarios" / "fixtures"


def test_a_linear_index_of_two_weights_matches_the_closed_form():
    # y = 3·w1 + 1·w2, w1 ~ U(0, 1) (variance 1/12), w2 ~ U(0, 2) (variance 4/12):
    # S_i = a_i² Var(w_i) / Σ a_j² Var(w_j) → S_1 = (9/12) / (9/12 + 4/12) = 9/13, S_2 = 4/13; no interaction,
    # so the total indices equal the first-order ones.
    a = np.array([3.0, 1.0])
    found = indices(lambda x: (a[:, None] * x).sum(axis=0), [Factor("w1", 0, 1), Factor("w2", 0, 2)], 512, seed=4)
    expected = np.array([9 / 13, 4 / 13])
    for name in ("first", "total"):
        low, high = found[f"{name}_low"][0], found[f"{name}_high"][0]
        assert ((low <= expected) & (expected <= high)).all(), (name, low, high)
        assert (high - low < 0.25).all()  # an interval that says something
        assert np.allclose(found[name][0], expected, atol=0.05)


def test_indices_are_reproducible_and_nan_for_an_output_that_never_moves():
    f = [Factor("w1", 0, 1), Factor("w2", 0, 1)]

    def func(x):
        return np.stack([x[0] + x[1], np.full(x.shape[1], 7.0)])

    one, two = indices(func, f, 64, seed=1), indices(func, f, 64, seed=1)
    for key in one:
        assert np.array_equal(one[key], two[key], equal_nan=True)
    assert np.isnan(one["total"][1]).all() and np.isfinite(one["total"][0]).all()


def build(criteria: list[dict]) -> object:
    return build_rulebook(criteria, rulebook_id="sobol-test", bands=[
        {"id": "good", "label": {"vi": "Tốt", "en": "Good"}, "min": 50},
        {"id": "pass", "label": {"vi": "Đạt", "en": "Pass"}, "min": 0}])


@pytest.fixture(scope="module")
def swap():
    """Two fields of 50 points; unit x has all of A, unit y all of B: x ranks first exactly when w_A > w_B."""
    rulebook = build([{"id": "A", "name": "A", "max": 50, "rule": {"points": {}}},
                      {"id": "B", "name": "B", "max": 50, "rule": {"points": {}}}])
    units = pd.DataFrame({"unit_id": ["x", "y"], "name": ["x", "y"], "group": "department"})
    cells = pd.DataFrame([{"unit_id": "x", "criterion_id": "A", "appraisal": 50},
                          {"unit_id": "x", "criterion_id": "B", "appraisal": 0},
                          {"unit_id": "y", "criterion_id": "A", "appraisal": 0},
                          {"unit_id": "y", "criterion_id": "B", "appraisal": 50}])
    return rulebook, dataset_from_frames(units, cells)


def test_two_units_swapping_ranks_match_the_closed_form(swap):
    # rank(x) = 2 − 1[w_A > w_B], w_A, w_B iid U(0.9, 1.1): Var = 1/4. E[rank | w_A] = 2 − U with U = (w_A − 0.9)/0.2
    # uniform, so the first-order index of each weight is Var(U)/(1/4) = (1/12)/(1/4) = 1/3 and the total index
    # 1 − S_other = 2/3 (the rest is their interaction).
    rulebook, data = swap
    table = sobol(rulebook, data, samples=512, seed=3, weight_spread=0.1)
    x = table[(table["output"] == "rank") & (table["unit_id"] == "x")].set_index("factor")
    for factor in ("A", "B"):
        r = x.loc[factor]
        assert r["first_low"] <= 1 / 3 <= r["first_high"], r
        assert r["total_low"] <= 2 / 3 <= r["total_high"], r
        assert abs(r["first"] - 1 / 3) < 0.1 and abs(r["total"] - 2 / 3) < 0.1
    # every index runs over every factor and band; attrs name the factors for a reader
    assert set(table["factor"]) == {"A", "B"} and set(table.loc[table["output"] == "share", "band"]) == {"good", "pass"}
    assert table.attrs["evaluations"] == 512 * 4 and table.attrs["factor_names"]["A"]["en"] == "weight of A A"
    # the shares never move: x's index is 100·w_A/(w_A + w_B), y's 100 − that, so exactly one of them reaches 50
    # (both only at a tie, of probability 0): the share of 'good' is 1/2 in every sample, and has no index
    shares = table[table["output"] == "share"]
    assert shares["total"].isna().all() and shares["first"].isna().all()
    assert set(drivers(table)["output"]) == {"rank"}


def test_thresholds_alone_drive_the_band_shares_not_the_ranks(swap):
    rulebook, data = swap
    table = sobol(rulebook, data, samples=64, seed=1, weight_spread=0.0, threshold_shift=1.0)
    ranks = table[table["output"] == "rank"]
    assert ranks["total"].isna().all()  # ranks do not depend on the thresholds: no index
    assert list(table["factor"].unique()) == ["thresholds"]


def test_bad_parameters_are_reported_together_and_the_evaluations_are_capped(swap, monkeypatch):
    rulebook, data = swap
    with pytest.raises(CchcError) as caught:
        sobol(rulebook, data, samples=100, confidence=1.5)
    assert [p.code for p in caught.value.problems] == ["A930", "A930"]
    with pytest.raises(CchcError) as caught:
        sobol(rulebook, data, weight_spread=0.0)
    assert [p.code for p in caught.value.problems] == ["A932"]
    monkeypatch.setenv("CCHC_MAX_SOBOL_EVALUATIONS", "100")
    with pytest.raises(CchcError) as caught:
        sobol(rulebook, data, samples=32)  # 32 × (2 + 2) = 128 > 100
    (problem,) = caught.value.problems
    assert problem.code == "A931" and "128" in problem.what("en") and "CCHC_MAX_SOBOL_EVALUATIONS" in problem.fix("en")


@pytest.mark.slow  # the offline chart (vl-convert) takes seconds
def test_the_command_prints_json_and_writes_its_tables(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["sensitivity", str(FIXTURES / "tiny.yaml"), str(FIXTURES / "data-2023"), "--samples", "16",
                 "--json", "--out", str(out), "--lang", "en"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    doc = json.loads(captured.out)
    assert doc["parameters"]["samples"] == 16 and doc["parameters"]["factors"] == ["1", "2", "thresholds"]
    assert {row["factor"] for row in doc["indices"]} == {"1", "2", "thresholds"}
    assert {p.name for p in out.iterdir()} >= {"sobol.csv", "drivers.csv", "sobol.html"}
    written = pd.read_csv(out / "sobol.csv", encoding="utf-8-sig")
    assert len(written) == len(doc["indices"])


def test_the_command_refuses_a_bad_sample_count_in_vietnamese(capsys):
    code = main(["sensitivity", str(FIXTURES / "tiny.yaml"), str(FIXTURES / "data-2023"), "--samples", "10"])
    assert code == 1
    err = capsys.readouterr().err
    assert "A930" in err and "luỹ thừa của 2" in err
