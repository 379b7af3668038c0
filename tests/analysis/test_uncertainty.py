"""Monte Carlo uncertainty: reproducibility, collapse at zero spread, and probabilities worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cchc_rules.analysis.uncertainty import uncertainty
from cchc_rules.data.load import dataset_from_frames
from cchc_rules.data.synthetic import synthesize, synthetic_rulebook
from cchc_rules.problems import CchcError

from .rulebooks import build_rulebook


def build(criteria: list[dict]) -> object:
    return build_rulebook(criteria, rulebook_id="mc-test")


def points_leaf(lid: str, top: float) -> dict:
    return {"id": lid, "name": lid, "max": top, "rule": {"points": {}}}


def dataset(rows: dict[str, dict[str, object]]):
    """rows: unit id → {criterion id: appraisal value}."""
    units = pd.DataFrame({"unit_id": list(rows), "name": list(rows), "group": "department"})
    cells = [{"unit_id": u, "criterion_id": c, "appraisal": v} for u, vals in rows.items() for c, v in vals.items()]
    return dataset_from_frames(units, pd.DataFrame(cells))


@pytest.fixture(scope="module")
def two_fields():
    return build([points_leaf("A", 50), points_leaf("B", 50)])


@pytest.fixture(scope="module")
def synthetic():
    rulebook = synthetic_rulebook(40, seed=3)
    return rulebook, synthesize(rulebook, 30, seed=4)


def within_binomial(p_hat: float, p: float, n: int) -> bool:
    """|p̂ − p| within 4 binomial standard deviations sqrt(p(1 − p)/n)."""
    return abs(p_hat - p) <= 4 * math.sqrt(p * (1 - p) / n)


def test_threshold_shift_gives_a_band_with_the_hand_worked_probability(two_fields):
    # U1: 50 + 29.5 = 79.5, i.e. 0.5 below Good's 80; with the minimum moved by δ ~ U(−1, 1) it is Good
    # when 80 + δ ≤ 79.5, δ ≤ −0.5: probability (1 − 0.5) / 2 = 0.25. U2 at 80.5: δ ≤ 0.5, 0.75. U3 at 20: never.
    data = dataset({"U1": {"A": 50, "B": 29.5}, "U2": {"A": 50, "B": 30.5}, "U3": {"A": 10, "B": 10}})
    draws = 2000
    out = uncertainty(two_fields, data, draws=draws, seed=11, weight_spread=0, threshold_shift=1.0).set_index("unit_id")
    assert within_binomial(out.at["U1", "p_good"], 0.25, draws)
    assert within_binomial(out.at["U2", "p_good"], 0.75, draws)
    assert out.at["U3", "p_good"] == 0 and out.at["U3", "p_pass"] == 1
    # thresholds do not move indices or ranks
    assert (out["rank_p05"] == out["rank"]).all() and (out["rank_p95"] == out["rank"]).all()


def test_weight_spread_swaps_two_units_half_the_time(two_fields):
    # U1 has A 50, B 0: index = 100 · w_A·50 / (w_A·50 + w_B·50) = 100 · w_A / (w_A + w_B);
    # U2 has 25 and 25: index 50 whatever the weights. U1 is first exactly when w_A > w_B: probability 0.5.
    data = dataset({"U1": {"A": 50, "B": 0}, "U2": {"A": 25, "B": 25}})
    draws = 2000
    out = uncertainty(two_fields, data, draws=draws, seed=5, weight_spread=0.2).set_index("unit_id")
    assert out.at["U2", "index_p05"] == out.at["U2", "index_p95"] == 50
    assert out.at["U1", "rank_p05"] == 1 and out.at["U1", "rank_p95"] == 2
    # the median of w_A / (w_A + w_B) is 1/2 by symmetry: 50 within a bin (0.01) and sampling error
    assert abs(out.at["U1", "index_median"] - 50) < 0.5
    # w_A / (w_A + w_B) with w ~ U(0.8, 1.2) lies within [0.8/2.0, 1.2/2.0] = [0.4, 0.6]
    assert 40 <= out.at["U1", "index_p05"] <= out.at["U1", "index_p95"] <= 60
    assert out.at["U1", "p_pass"] == 1


def test_zero_spread_collapses_every_interval_to_the_baseline(synthetic):
    rulebook, data = synthetic
    out = uncertainty(rulebook, data, draws=40, seed=1, weight_spread=0)
    ranked = out["rank"].notna()
    for col in ("rank_median", "rank_p05", "rank_p95"):
        assert (out.loc[ranked, col] == out.loc[ranked, "rank"]).all()
        assert out.loc[~ranked, col].isna().all()
    for col in ("index_median", "index_p05", "index_p95"):
        assert (out[col] == out["index"]).all()
    bands = [c for c in out.columns if c.startswith("p_")]
    for _, row in out.iterrows():
        assert row[f"p_{row['band']}"] == 1
        assert sum(row[bands]) == 1


def test_same_seed_same_table_whatever_the_chunk(synthetic):
    rulebook, data = synthetic
    kwargs = dict(draws=23, weight_spread=0.1, threshold_shift=1.0, appraisal_noise="calibrated",
                  survey_bootstrap=True)
    first = uncertainty(rulebook, data, seed=7, chunk=10, **kwargs)
    pd.testing.assert_frame_equal(first, uncertainty(rulebook, data, seed=7, chunk=10, **kwargs))
    pd.testing.assert_frame_equal(first, uncertainty(rulebook, data, seed=7, chunk=1, **kwargs))
    pd.testing.assert_frame_equal(first, uncertainty(rulebook, data, seed=7, chunk=50, **kwargs))
    other = uncertainty(rulebook, data, seed=8, chunk=10, **kwargs)
    assert not first.equals(other)
    bands = [c for c in first.columns if c.startswith("p_")]
    assert np.allclose(first[bands].sum(axis=1), 1)
    assert (first["rank_p05"] <= first["rank_median"]).all() and (first["rank_median"] <= first["rank_p95"]).all()
    assert first.attrs["appraisal_sd"] > 0


def test_calibrated_noise_is_the_sd_of_self_minus_appraisal_gaps():
    rulebook = build([
        points_leaf("P", 10),
        {"id": "L", "name": "L", "max": 2,
         "rule": {"ladder": [{"min": 100, "points": 2}, {"min": 80, "points": 1}, {"points": 0}]}},
    ])
    units = pd.DataFrame({"unit_id": ["U1", "U2", "U3"], "name": ["1", "2", "3"], "group": "department"})
    cells = pd.DataFrame([
        {"unit_id": "U1", "criterion_id": "P", "self": 8, "appraisal": 7},  # gap 1 point
        {"unit_id": "U2", "criterion_id": "P", "self": 9, "appraisal": 6},  # gap 3 points
        {"unit_id": "U3", "criterion_id": "P", "self": 5, "appraisal": None},  # no appraisal value: no gap
        # ladder: value moves (100 − 80) ÷ 2 = 10 per point, so 100 − 90 = 10 is a gap of 1 point
        {"unit_id": "U1", "criterion_id": "L", "self": 100, "appraisal": 90},
        {"unit_id": "U2", "criterion_id": "L", "self": 90, "appraisal": None},
        {"unit_id": "U3", "criterion_id": "L", "self": 90, "appraisal": None},
    ])
    out = uncertainty(rulebook, dataset_from_frames(units, cells), draws=5, weight_spread=0,
                      appraisal_noise="calibrated")
    # gaps 1, 3, 1: mean 5/3, sd (ddof 1) = sqrt(((−2/3)² + (4/3)² + (−2/3)²) / 2) = sqrt(4/3)
    assert out.attrs["appraisal_sd"] == pytest.approx(math.sqrt(4 / 3), abs=1e-12)


def test_appraisal_noise_keeps_the_index_within_the_scale(two_fields):
    data = dataset({"U1": {"A": 50, "B": 50}, "U2": {"A": 0, "B": 0}})
    out = uncertainty(two_fields, data, draws=200, seed=2, weight_spread=0, appraisal_noise=5.0).set_index("unit_id")
    # The index is clamped to [0, 100]: U1 (100) shows only its losses, U2 (0) only its gains; each moves
    # up in half the draws (antithetic pairs), so U1's 95% quantile is 100 and U2's 5% quantile is 0.
    assert out.at["U1", "index_p95"] == 100 and out.at["U1", "index_p05"] < 100
    assert out.at["U2", "index_p05"] == 0 and out.at["U2", "index_p95"] > 1


def test_bootstrap_of_unanimous_answers_changes_nothing():
    rulebook = build([points_leaf("A", 50),
                      {"id": "S", "name": "S", "max": 50, "rule": {"survey": {"options": {"A": 1, "B": 0.5}}}}])
    units = pd.DataFrame({"unit_id": ["U1", "U2"], "name": ["1", "2"], "group": "department"})
    cells = pd.DataFrame([{"unit_id": u, "criterion_id": "A", "appraisal": 40} for u in ("U1", "U2")])
    survey = pd.DataFrame([
        {"respondent_id": f"R{r}", "form": "F", "unit_id": u, "criterion_id": "S", "answer": "A" if u == "U1" else "B"}
        for r in range(5) for u in ("U1", "U2")
    ])
    out = uncertainty(rulebook, dataset_from_frames(units, cells, survey), draws=30, weight_spread=0,
                      survey_bootstrap=True).set_index("unit_id")
    # U1: 40 + 50 · 1 = 90; U2: 40 + 50 · 0.5 = 65, in every resample
    assert out.at["U1", "index_p05"] == out.at["U1", "index_p95"] == 90
    assert out.at["U2", "index_p05"] == out.at["U2", "index_p95"] == 65


def test_bootstrap_of_two_respondents_gives_the_hand_worked_odds():
    rulebook = build([points_leaf("A", 50),
                      {"id": "S", "name": "S", "max": 50, "rule": {"survey": {"options": {"A": 1, "B": 0.5}}}}])
    units = pd.DataFrame({"unit_id": ["U1"], "name": ["1"], "group": "department"})
    cells = pd.DataFrame([{"unit_id": "U1", "criterion_id": "A", "appraisal": 40}])
    survey = pd.DataFrame([{"respondent_id": "R1", "form": "F", "unit_id": "U1", "criterion_id": "S", "answer": "A"},
                           {"respondent_id": "R2", "form": "F", "unit_id": "U1", "criterion_id": "S", "answer": "B"}])
    draws = 2000
    out = uncertainty(rulebook, dataset_from_frames(units, cells, survey), draws=draws, seed=3, weight_spread=0,
                      survey_bootstrap=True).set_index("unit_id")
    # two respondents drawn with replacement: {R1, R1} (1/4) → mean 1, index 40 + 50 = 90 (Good);
    # {R1, R2} (1/2) → 0.75, 77.5; {R2, R2} (1/4) → 0.5, 65. Baseline: 0.75, 77.5.
    assert out.at["U1", "index"] == 77.5
    assert within_binomial(out.at["U1", "p_good"], 0.25, draws)
    assert (out.at["U1", "index_p05"], out.at["U1", "index_median"], out.at["U1", "index_p95"]) == (65, 77.5, 90)


def test_bootstrap_aggregates_as_the_survey_function_does_on_the_resampled_answers(synthetic):
    # synthetic survey leaves alternate pooled and by_form, with form weights, skips and own-unit exclusion
    from cchc_rules.analysis.uncertainty import SurveyBootstrap
    from cchc_rules.data.parse import answers_for, inputs_for
    from cchc_rules.data.survey import aggregate

    rulebook, data = synthetic
    answers = answers_for(data, rulebook)
    inputs = inputs_for(data, rulebook)
    n, n_leaves = inputs.value.shape[:2]
    by_form = np.array([bool(leaf.rule.survey and leaf.rule.survey.aggregate == "by_form")
                        for leaf in rulebook.leaves()])
    assert by_form.any() and not by_form[[leaf.rule.kind == "survey" for leaf in rulebook.leaves()]].all()
    boot = SurveyBootstrap(answers, by_form, n, n_leaves)
    rng = np.random.default_rng(0)
    times = np.stack([boot.resample(rng) for _ in range(4)], axis=1)
    mean, count = boot.aggregate(times)
    unit, leaf = np.divmod(boot.cells, n_leaves)
    for d in range(times.shape[1]):
        rows = np.repeat(np.arange(len(answers)), times[boot.who, d])  # each answer as often as its respondent
        want_mean, want_count = aggregate(answers.take(rows), by_form, n, n_leaves)
        assert np.array_equal(count[:, d], want_count[unit, leaf])
        assert np.allclose(mean[:, d], want_mean[unit, leaf], rtol=0, atol=1e-12, equal_nan=True)
        # a cell outside `cells` (no counted answer in the data) has no counted answer in any resample
        outside = np.ones((n, n_leaves), bool)
        outside[unit, leaf] = False
        assert (want_count[outside] == 0).all()


def test_bad_parameters_are_reported_together(two_fields):
    data = dataset({"U1": {"A": 1, "B": 1}})
    with pytest.raises(CchcError) as caught:
        uncertainty(two_fields, data, draws=0, weight_spread=1.5, threshold_shift=-1, appraisal_noise="much")
    problems = caught.value.problems
    assert [p.code for p in problems] == ["A880"] * 4
    assert {p.path for p in problems} == {"uncertainty/draws", "uncertainty/weight_spread",
                                          "uncertainty/threshold_shift", "uncertainty/appraisal_noise"}
    for p in problems:  # each names its parameter and says what would be right, in both languages
        for lang in ("vi", "en"):
            assert p.params["name"] in p.what(lang) and p.fix(lang)


def test_bootstrap_without_survey_says_so(two_fields):
    data = dataset({"U1": {"A": 1, "B": 1}})
    with pytest.raises(CchcError) as caught:
        uncertainty(two_fields, data, draws=2, survey_bootstrap=True)
    assert [p.code for p in caught.value.problems] == ["A882"]
    assert "survey" in caught.value.format("en")


def _bench_module():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_uncertainty.py"
    spec = importlib.util.spec_from_file_location("bench_uncertainty", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_vectorised_draws_equal_one_score_call_per_draw(synthetic, tmp_path):
    # Each draw done the slow way: a variant rulebook (reweight every field, set every band minimum),
    # the draw's values in a copy of the inputs, then `score`. Ranks and bands must be the same.
    from cchc_rules.analysis.uncertainty import MonteCarlo

    bench = _bench_module()
    rulebook, data = synthetic
    # Appraisal noise moves points by the rule's symmetrised change, which no dataset value expresses: it has
    # its own hand-worked tests below; everything else is checked against the slow way here.
    mc = MonteCarlo(rulebook, data, 9, 0.1, 1.0, 0.0, True, None)
    index, band, rank = mc.run(range(3))
    path = bench.rulebook_file(rulebook, tmp_path)
    for d in range(3):
        i, b, r = bench.naive_draw(mc, path, d)
        assert (r == rank[d]).all() and (b == band[d]).all()
        assert np.abs(i - index[d]).max() <= 100  # nano-points: reweighted leaves are rounded one by one


@pytest.mark.parametrize("lang, title, probability", [("vi", "Độ bất định của thứ hạng", "Xác suất"),
                                                       ("en", "Rank uncertainty", "Probability")])
def test_rank_interval_chart_in_both_languages(synthetic, lang, title, probability):
    from cchc_rules.report.uncertainty_chart import rank_interval_chart

    rulebook, data = synthetic
    table = uncertainty(rulebook, data, draws=20, seed=1, threshold_shift=2.0)
    spec = rank_interval_chart(table, rulebook, lang=lang, top=5).to_dict()
    text = str(spec)
    groups = table.loc[table["rank"].notna(), "group"].nunique()
    assert len(spec["vconcat"]) == groups  # one pair of panels per group (ranks are within a group)
    assert title in text and probability in text
    excellent = {"vi": "Xuất sắc", "en": "Excellent"}[lang]
    assert excellent in text and "p_excellent" not in text  # bands by their labels, not their column names
    datasets = spec["datasets"].values()
    assert all(len(rows) <= 5 * (1 + len(rulebook.bands)) for rows in datasets)  # top 5 units per group


# ---------------------------------------------------------------- the noise keeps the baseline at the centre
SHIPPED = [("par-province-2024.yaml", "sample-province-2023"), ("par-province-2024.yaml", "sample-province-2024"),
           ("par-communes-2024.yaml", "sample-communes-2024"), ("par-province-2025.yaml", "sample-province-2025")]


@pytest.mark.parametrize("rulebook_name, data_name", SHIPPED)
@pytest.mark.parametrize("noise", [0.001, "calibrated"])
def test_noise_alone_keeps_every_median_at_the_baseline_on_the_shipped_samples(rulebook_name, data_name, noise):
    from pathlib import Path

    from cchc_rules.data.load import load_dataset
    from cchc_rules.dsl.load import load_rulebook

    root = Path(__file__).resolve().parents[2]
    rulebook = load_rulebook(root / "rulebooks" / rulebook_name)
    data = load_dataset(root / "datasets" / data_name, rulebook)
    out = uncertainty(rulebook, data, draws=200, seed=3, weight_spread=0, appraisal_noise=noise)
    scored = out["index"].notna()
    assert ((out["index_median"] - out["index"]).abs()[scored] <= 0.05).all()
    # the baseline lies within its own 5–95% interval (the one-sided noise put some above their 95th percentile),
    # to the resolution of the index quantiles (the nearest 0.01, so within 0.005)
    tol = 0.005 + 1e-9
    assert ((out["index_p05"] <= out["index"] + tol) & (out["index"] <= out["index_p95"] + tol))[scored].all()


def ladder_leaf(lid: str) -> dict:
    return {"id": lid, "name": lid, "max": 2,
            "rule": {"ladder": [{"min": 100, "points": 2}, {"min": 80, "points": 1}, {"points": 0}]}}


@pytest.mark.parametrize("sigma", [0.001, 0.3, 1.0])
def test_values_on_ladder_steps_keep_their_median(sigma):
    # Ten ladder leaves (100 % → 2 points, 80 % → 1, else 0) and 30 units whose values all sit on a step or at
    # the top of the scale (100, 80, or 50). Moving the value would let a 100 % only fall (its median at
    # σ = 0.001 was one point lower per leaf at 100 % half the time); moves of whole steps in points, as
    # likely up as down, keep every median where it was.
    rng = np.random.default_rng(0)
    rulebook = build([ladder_leaf(f"L{i}") for i in range(10)])
    rows = {f"U{u}": {f"L{i}": float(rng.choice([100, 80, 50])) for i in range(10)} for u in range(30)}
    out = uncertainty(rulebook, dataset(rows), draws=300, seed=1, weight_spread=0, appraisal_noise=sigma)
    assert ((out["index_median"] - out["index"]).abs() <= 0.05).all()
    if sigma == 0.001:  # a step is 1 point: a move of 0.001 rounds to none, so nothing moves at all
        assert (out["index_p05"] == out["index"]).all() and (out["index_p95"] == out["index"]).all()


def test_noise_moves_hand_worked():
    # One unit, leaves L0 (ladder, steps of 1 point) and P (points, max 3, any amount), σ = 0.4.
    # z = (2.0, 1.0): L0 moves 0.8 → rounded to 1 step = +1 point; P moves +0.4 points. The field above
    # them... there is none: each leaf is top-level, so the index moves by (1 + 0.4) / (2 + 3) × 100 = 28 points
    # before the clamp. Nano-points per node: L0 +1e9, P +0.4e9; the antithetic draw −z gives the opposite.
    from cchc_rules.analysis.uncertainty import MonteCarlo, noise_grain

    rulebook = build([ladder_leaf("L0"), points_leaf("P", 3)])
    data = dataset({"U": {"L0": 80, "P": 1}})
    mc = MonteCarlo(rulebook, data, 0, 0.0, 0.0, 0.4, False, None)
    moved = mc.noise_points(np.array([[2.0, 1.0], [-2.0, -1.0], [1.0, 0.0]]))
    assert moved[:, 0].tolist() == [[1_000_000_000, 400_000_000], [-1_000_000_000, -400_000_000], [0, 0]]
    assert noise_grain(mc.c).tolist() == [1.0, 0.0]
    # draws 2k and 2k + 1 are antithetic: exactly opposite moves
    assert (mc.draw(4).noise == -mc.draw(5).noise).all()


def test_noise_grain_of_uneven_ladders_and_deductions():
    from cchc_rules.analysis.uncertainty import noise_grain
    from cchc_rules.engine.compile import compile_rulebook

    rulebook = build([
        {"id": "L", "name": "L", "max": 2, "rule": {"ladder": [{"min": 90, "points": 2}, {"min": 50, "points": 1.5},
                                                              {"points": 0}]}},
        {"id": "D", "name": "D", "max": 1, "rule": {"deduct": {"per": 0.25}}},
        {"id": "N", "name": "N", "max": 4, "rule": {"linear": {"from": 0, "to": 100}}},
    ])
    # ladder points {2, 1.5, 0}: gaps 0.5 and 1.5 → 0.5; deduct: one fault, 0.25; linear: any amount
    assert noise_grain(compile_rulebook(rulebook)).tolist() == [0.5, 0.25, 0.0]
