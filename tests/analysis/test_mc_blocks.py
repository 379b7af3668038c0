"""The Monte Carlo's block kernel: every draw of a block graded at once, the compiled passes (numba) and the numpy
path giving the same arrays, the engine's draw-by-draw grading giving them too, and small cases worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cchc_rules import compiled
from cchc_rules.analysis import mc_kernels
from cchc_rules.analysis.block_grade import BlockGrader, needed_columns, supported
from cchc_rules.analysis.uncertainty import MonteCarlo
from cchc_rules.data.load import dataset_from_frames
from cchc_rules.data.synthetic import synthesize, synthetic_rulebook

from .rulebooks import build_rulebook

NUMBA = pytest.mark.skipif(compiled.numba is None, reason="numba (the `fast` extra) is not installed")
EVERYTHING = dict(weight_spread=0.1, threshold_shift=1.0, appraisal_noise="calibrated", survey_bootstrap=True)


@pytest.fixture(scope="module")
def synthetic():
    # every feature of the language: quotas (drop_all, keep_all, `of`), the four gates, tie-breaks, groups,
    # exclusions, survey leaves pooled and by form, relative leaves
    rulebook = synthetic_rulebook(40, seed=3)
    return rulebook, synthesize(rulebook, 60, seed=4)


def study(rulebook, data, seed=9, **kwargs):
    args = {**dict(weight_spread=0.0, threshold_shift=0.0, appraisal_noise=0.0, survey_bootstrap=False), **kwargs}
    return MonteCarlo(rulebook, data, seed, args["weight_spread"], args["threshold_shift"], args["appraisal_noise"],
                      args["survey_bootstrap"], None)


def build(criteria: list[dict], bands: list[dict] | None = None) -> object:
    return build_rulebook(criteria, rulebook_id="mc-blocks", bands=bands)


# ---------------------------------------------------------------- the block equals the engine, draw by draw
@pytest.mark.parametrize("kernel", ["numpy", pytest.param("numba", marks=NUMBA)])
@pytest.mark.parametrize("vary", [EVERYTHING, dict(weight_spread=0.3, threshold_shift=3.0),
                                  dict(appraisal_noise=2.0), dict(survey_bootstrap=True)],
                         ids=["everything", "weights+thresholds", "noise", "bootstrap"])
def test_a_block_equals_the_engines_grading_draw_by_draw(synthetic, monkeypatch, kernel, vary):
    monkeypatch.setenv("CCHC_KERNEL", kernel)
    rulebook, data = synthetic
    mc = study(rulebook, data, **vary)
    assert mc.grader is not None and supported(mc.c)
    block = mc.block(range(10, 34))
    fast = mc.run_block(block)
    slow = mc._run_each(block)  # the engine's `grade` on every node, one draw at a time
    for got, want in zip(fast, slow, strict=True):
        assert np.array_equal(got, want)
    # and the draws did move something: ranks and bands are not all the baseline's
    assert (fast[2] != mc.base.graded.rank).any()


@NUMBA
def test_compiled_passes_equal_the_numpy_path(synthetic, monkeypatch):
    rulebook, data = synthetic
    mc = study(rulebook, data, **EVERYTHING)
    assert mc._linear and mc._survey_args is not None  # survey leaves under plain sums: passed up as changes
    monkeypatch.setenv("CCHC_KERNEL", "numba")
    compiled = mc.run(range(0, 40))
    monkeypatch.setenv("CCHC_KERNEL", "numpy")
    assert not mc_kernels.available()
    plain = mc.run(range(0, 40))
    for got, want in zip(compiled, plain, strict=True):
        assert np.array_equal(got, want)


def test_the_same_draws_whatever_the_block(synthetic):
    rulebook, data = synthetic
    mc = study(rulebook, data, **EVERYTHING)
    whole = mc.run(range(0, 12))
    parts = [mc.run(range(0, 5)), mc.run(range(5, 6)), mc.run(range(6, 12))]  # pairs split across blocks too
    for j in range(3):
        assert np.array_equal(whole[j], np.concatenate([p[j] for p in parts]))
    # the draws given one by one (`run_draws`, as Sobol does) give the same too
    one_by_one = mc.run_draws([mc.draw(d) for d in range(0, 12)])
    for j in range(3):
        assert np.array_equal(whole[j], one_by_one[j])


# ---------------------------------------------------------------- hand-worked cases
@pytest.mark.parametrize("kernel", ["numpy", pytest.param("numba", marks=NUMBA)])
def test_ranks_with_ties_and_tie_breaks_hand_worked(monkeypatch, kernel):
    monkeypatch.setenv("CCHC_KERNEL", kernel)
    # Five units, one pool; keys 70, 90, 90, 90, 50 and the tie-break column 3, 5, 5, 4, 9 (points of node 0).
    # U1, U2 tie on the key and on the tie-break: they share 1st; U3 (key 90, tie-break 4) is 3rd; U0 4th, U4 5th.
    # Second draw, every key 60: the tie-break alone: 9 (U4) 1st, 5 and 5 (U1, U2) 2nd, 4 (U3) 4th, 3 (U0) 5th.
    rulebook = build([{"id": "A", "name": "A", "max": 100, "rule": {"points": {}}}])
    data = dataset_from_frames(pd.DataFrame({"unit_id": [f"U{i}" for i in range(5)], "name": "x",
                                             "group": "department"}),
                               pd.DataFrame([{"unit_id": f"U{i}", "criterion_id": "A", "appraisal": 1}
                                             for i in range(5)]))
    mc = study(rulebook, data)
    grader = BlockGrader(mc.c, np.array([0]), mc.base.group_codes, mc.flags, mc.base.unscored, mc.top_of)
    grader.tie = [0]
    key = np.array([[70, 90, 90, 90, 50], [60, 60, 60, 60, 60]], dtype=np.int64)
    pts = np.array([[3, 5, 5, 4, 9]] * 2, dtype=np.int64)[:, :, None]
    assert grader.rank(key, pts).tolist() == [[4, 1, 1, 3, 5], [5, 2, 2, 4, 1]]


@pytest.mark.parametrize("kernel", ["numpy", pytest.param("numba", marks=NUMBA)])
def test_survey_leaf_changes_hand_worked(monkeypatch, kernel):
    monkeypatch.setenv("CCHC_KERNEL", kernel)
    # One unit; A (points, 40 of 50) and S (survey, max 50) with R1 answering A (1.0) and R2 answering B (0.5):
    # baseline mean 0.75 → S = 37.5 points. Resampled {R1, R1} → mean 1 → 50 points: +12.5 on S and on the
    # top level; {R1, R2} → 0 change; {R2, R2} → 0.5 → 25 points: −12.5. The maximum never changes.
    rulebook = build([{"id": "A", "name": "A", "max": 50, "rule": {"points": {}}},
                      {"id": "S", "name": "S", "max": 50, "rule": {"survey": {"options": {"A": 1, "B": 0.5}}}}])
    units = pd.DataFrame({"unit_id": ["U1"], "name": ["1"], "group": "department"})
    cells = pd.DataFrame([{"unit_id": "U1", "criterion_id": "A", "appraisal": 40}])
    survey = pd.DataFrame([{"respondent_id": "R1", "form": "F", "unit_id": "U1", "criterion_id": "S", "answer": "A"},
                           {"respondent_id": "R2", "form": "F", "unit_id": "U1", "criterion_id": "S", "answer": "B"}])
    mc = study(rulebook, dataset_from_frames(units, cells, survey), survey_bootstrap=True)
    assert mc._linear
    times = np.array([[2, 1, 0], [0, 1, 2]])  # respondents × draws
    dp, dm, count = mc._survey_moves(times)
    assert dp[:, 0, :].tolist() == [[12_500_000_000], [0], [-12_500_000_000]]
    assert dm[:, 0, :].tolist() == [[0], [0], [0]]
    assert count[:, 0, :].tolist() == [[0], [0], [0]]
    # the index of the three draws: (40 + 50) / 100, (40 + 37.5) / 100, (40 + 25) / 100
    from cchc_rules.analysis.uncertainty import Block

    block = Block(None, np.zeros(3, dtype=np.int64), None, None, None, times)
    index, band, _ = mc.run_block(block)
    assert index[:, 0].tolist() == [90_000_000_000, 77_500_000_000, 65_000_000_000]
    assert band[:, 0].tolist() == [0, 1, 1]  # Good from 80


def _ladder_and_points() -> MonteCarlo:
    """One unit; leaves L0 (ladder in whole steps of 1 point; 80 → 1 point) and P (points, max 3; 1 point), both
    top-level; appraisal noise σ = 0.4."""
    rulebook = build([
        {"id": "L0", "name": "L0", "max": 2, "rule": {"ladder": [{"min": 90, "points": 2}, {"min": 50, "points": 1},
                                                                {"points": 0}]}},
        {"id": "P", "name": "P", "max": 3, "rule": {"points": {}}},
    ])
    data = dataset_from_frames(pd.DataFrame({"unit_id": ["U"], "name": ["U"], "group": "department"}),
                               pd.DataFrame([{"unit_id": "U", "criterion_id": "L0", "appraisal": 80},
                                             {"unit_id": "U", "criterion_id": "P", "appraisal": 1}]))
    return study(rulebook, data, appraisal_noise=0.4)


@pytest.mark.parametrize("kernel", ["numpy", pytest.param("numba", marks=NUMBA)])
def test_noise_moves_on_the_needed_columns_hand_worked(monkeypatch, kernel):
    monkeypatch.setenv("CCHC_KERNEL", kernel)
    # Leaves L0 (ladder in whole steps of 1 point) and P (points, max 3), both top-level, σ = 0.4.
    # z = (2.0, 1.0): L0 moves 0.8 → one step, +1 point; P moves +0.4. z = (1.0, 0.0): 0.4 → 0 steps; P 0.
    mc = _ladder_and_points()
    assert mc.needed.tolist() == [0, 1] and mc._noise_cols.tolist() == [0, 1]
    moved = mc._noise_moves(np.array([[2.0, 1.0], [1.0, 0.0]], dtype=np.float32))
    assert moved[:, 0].tolist() == [[1_000_000_000, 400_000_000], [0, 0]]


def test_needed_columns_are_the_top_level_tie_breaks_and_gates(synthetic):
    mc_c = study(*synthetic).c
    cols = set(needed_columns(mc_c).tolist())
    assert set(mc_c.top.tolist()) <= cols and set(mc_c.tie_break.tolist()) <= cols
    for table in mc_c.band_tables:
        for band in table:
            for g in band.gates:
                if g.kind != "flag":
                    assert g.node in cols
                if g.kind == "max_zero_leaves":
                    assert set(g.leaves.tolist()) <= cols


@pytest.mark.parametrize("kernel", ["numpy", pytest.param("numba", marks=NUMBA)])
@pytest.mark.parametrize("dtype", [np.uint16, np.uint32])
def test_tally_counts_hand_worked(monkeypatch, kernel, dtype):
    from cchc_rules.analysis.tally import _count

    monkeypatch.setenv("CCHC_KERNEL", kernel)
    hist = np.zeros((2, 3), dtype=dtype)
    # three draws of two units: unit 0 lands in bins 0, 0, 2; unit 1 in bins 2, 1, 2
    _count(hist, np.array([[0, 2], [0, 1], [2, 2]]))
    assert hist.tolist() == [[2, 0, 1], [0, 1, 2]]


@pytest.mark.parametrize("kernel", ["numpy", pytest.param("numba", marks=NUMBA)])
def test_a_survey_leaf_leaving_the_maximum_hand_worked(monkeypatch, kernel):
    monkeypatch.setenv("CCHC_KERNEL", kernel)
    # A (points, 40 of 50) and S (survey, max 50, at least 2 answers, else `missing: na`: out of the maximum).
    # R1 answers A (1.0) for U1 and U2; R2 answers B (0.5) for U1 and U2; R3 answers A for U1 only.
    # Baseline: U1 mean (1 + 0.5 + 1) / 3 → 41.67 points; U2 mean 0.75 → 37.5, index 77.5.
    # Drawing one respondent three times: R1 → U1 and U2 at 1.0: 90 and 90; R2 → 0.5: 65 and 65;
    # R3 → U1 at 1.0: 90, U2 without answers → S out of its maximum: 40 / 50 = 80.
    rulebook = build([{"id": "A", "name": "A", "max": 50, "rule": {"points": {}}},
                      {"id": "S", "name": "S", "max": 50, "missing": "na",
                       "rule": {"survey": {"options": {"A": 1, "B": 0.5}, "min_respondents": 2}}}])
    units = pd.DataFrame({"unit_id": ["U1", "U2"], "name": ["1", "2"], "group": "department"})
    cells = pd.DataFrame([{"unit_id": u, "criterion_id": "A", "appraisal": 40} for u in ("U1", "U2")])
    answers = [("R1", "U1", "A"), ("R1", "U2", "A"), ("R2", "U1", "B"), ("R2", "U2", "B"), ("R3", "U1", "A")]
    survey = pd.DataFrame([{"respondent_id": r, "form": "F", "unit_id": u, "criterion_id": "S", "answer": a}
                           for r, u, a in answers])
    mc = study(rulebook, dataset_from_frames(units, cells, survey), survey_bootstrap=True)
    assert mc._linear
    assert mc.base.totals.index[1] == 77_500_000_000
    from cchc_rules.analysis.uncertainty import Block

    times = 3 * np.eye(3, dtype=np.int64)  # respondents × draws: each respondent alone, three times
    block = Block(None, np.zeros(3, dtype=np.int64), None, None, None, times)
    index, band, rank = mc.run_block(block)
    got = {(int(index[d, 0]), int(index[d, 1])) for d in range(3)}
    assert got == {(90_000_000_000, 90_000_000_000), (65_000_000_000, 65_000_000_000),
                   (90_000_000_000, 80_000_000_000)}
    for fast, slow in zip((index, band, rank), mc._run_each(block), strict=True):  # the engine, draw by draw
        assert np.array_equal(fast, slow)


# ---------------------------------------------------------------- the draws' random numbers drawn ahead
def test_a_range_with_blocks_drawn_ahead_equals_its_blocks_run_one_after_another(synthetic):
    from cchc_rules.analysis.tally import Tally
    from cchc_rules.analysis.uncertainty import tally_range

    rulebook, data = synthetic
    mc = study(rulebook, data, **EVERYTHING)
    ahead = tally_range(mc, range(3, 40), 7, 40)  # blocks 3–9, 10–16, …, 38–39: antithetic pairs split across them
    one_by_one = Tally(mc.c, mc.base, 40)
    for start in range(3, 40, 7):
        one_by_one.add(*mc.run_block(mc.block(range(start, min(start + 7, 40)))))
    assert ahead.draws == one_by_one.draws == 37
    for name in ("ranks", "bands", "hist", "low", "high"):
        assert np.array_equal(getattr(ahead, name), getattr(one_by_one, name)), name
    assert ahead.ranks.sum() == 37 * mc.base.units.shape[0]  # every unit counted once per draw


def test_an_error_while_drawing_ahead_reaches_the_caller(synthetic, monkeypatch):
    from cchc_rules.analysis.uncertainty import tally_range

    rulebook, data = synthetic
    mc = study(rulebook, data, weight_spread=0.1)
    drawn = []
    real = mc.block

    def block(ds):
        drawn.append(ds.start)
        if ds.start == 20:
            raise MemoryError("no room for block 20")
        return real(ds)

    monkeypatch.setattr(mc, "block", block)
    with pytest.raises(MemoryError, match="block 20"):
        tally_range(mc, range(0, 50), 10, 50)
    assert drawn == [0, 10, 20]  # nothing drawn past the failing block


@pytest.mark.parametrize("kernel", ["numpy", pytest.param("numba", marks=NUMBA)])
def test_each_draw_moves_by_its_streams_noise_or_its_opposite_hand_worked(monkeypatch, kernel):
    monkeypatch.setenv("CCHC_KERNEL", kernel)
    # As above: L0 (ladder, whole steps of 1 point; 80 → 1 point) and P (points; 1 point), σ = 0.4. Stream 0,
    # z = (2.0, 1.0): L0 +1 point, P +0.4; stream 1, z = (1.0, 0.0): no move. Draws: stream 0 with +, stream 0
    # with −, stream 1 with + and −: L0 2, 0, 1, 1 and P 1.4, 0.6, 1, 1 (points of the two top-level columns).
    from cchc_rules.analysis.uncertainty import Block

    mc = _ladder_and_points()
    z = np.array([[2.0, 1.0], [1.0, 0.0]], dtype=np.float32)
    block = Block(None, np.zeros(4, dtype=np.int64), z, np.array([0, 0, 1, 1]), np.array([1, -1, 1, -1]), None)
    pts, _, _ = mc._narrow(block)
    g = 1_000_000_000
    assert pts[:, 0, :].tolist() == [[2 * g, 1_400_000_000], [0, 600_000_000], [g, g], [g, g]]
    index, _, _ = mc.run_block(block)  # (L0 + P) / 5 of 100
    assert index[:, 0].tolist() == [68 * g, 12 * g, 40 * g, 40 * g]


@NUMBA
@pytest.mark.parametrize("ds", [range(7, 20), range(5, 6), range(0, 2)], ids=["odd start", "one draw", "one pair"])
def test_compiled_passes_equal_the_numpy_path_on_any_block(synthetic, monkeypatch, ds):
    rulebook, data = synthetic
    mc = study(rulebook, data, seed=3, **EVERYTHING)
    block = mc.block(ds)
    monkeypatch.setenv("CCHC_KERNEL", "numba")
    compiled = mc.run_block(block)
    monkeypatch.setenv("CCHC_KERNEL", "numpy")
    plain = mc.run_block(block)
    for got, want in zip(compiled, plain, strict=True):
        assert np.array_equal(got, want)


@NUMBA
@pytest.mark.parametrize("span", [100, 2**58], ids=["packed sort", "argsort (the pair does not fit in 62 bits)"])
def test_compiled_ranks_in_two_pools_hand_worked(span):
    # Pool 0: units 0, 2, 4 with keys 70, 90, 90 and tie-breaks 1, 5, 5 → ranks 3, 1, 1. Pool 1: units 1, 3, 5 with
    # keys 90, 90, 10 and tie-breaks 2, 7, 0 → ranks 2, 1, 3. Unit 6 is not ranked (0).
    key = np.array([[70, 90, 90, 90, 90, 10, 100]], dtype=np.int64)
    ties = np.array([[1, 2, 5, 7, 5, 0, 9]], dtype=np.int64)[:, :, None]
    sel = np.arange(6)
    pool = np.array([0, 1, 0, 1, 0, 1])
    assert mc_kernels.ranks(key, ties, sel, pool, span).tolist() == [[3, 2, 1, 1, 1, 3, 0]]


@pytest.mark.parametrize("kernel", ["numpy", pytest.param("numba", marks=NUMBA)])
def test_zero_leaves_gate_counts_hand_worked(monkeypatch, kernel):
    monkeypatch.setenv("CCHC_KERNEL", kernel)
    # Columns: 0 the gate's node, 1–3 its leaves. Draw 0: unit 0 has leaves at 0, 0, 5 (all applicable) → 2 zeros;
    # unit 1 at 0, 0, 0 with the last not applicable → 2. Draw 1: unit 0 at 4, 0, 5 → 1; unit 1 at 0, 3, 0 → 1
    # (not applicable). A gate allowing at most 1 zero holds for both units in draw 1 only.
    from cchc_rules.engine.compile import CompiledGate

    pts = np.array([[[9, 0, 0, 5], [9, 0, 0, 0]], [[9, 4, 0, 5], [9, 0, 3, 0]]], dtype=np.int64)
    app = np.ones_like(pts, dtype=bool)
    app[:, 1, 3] = False
    grader = BlockGrader.__new__(BlockGrader)
    grader.col = {10: 0, 11: 1, 12: 2, 13: 3}
    gate = CompiledGate(None, "max_zero_leaves", node=10, threshold=1, leaves=np.array([11, 12, 13]))
    rows = np.array([0, 1])
    assert grader._gate(gate, rows, pts, pts.astype(float), app, None).tolist() == [[False, False], [True, True]]
