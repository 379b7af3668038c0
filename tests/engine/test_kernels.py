"""The compiled single pass (numba, `engine.fused`) and the numpy path give identical arrays.

Both are run on the same inputs and every array they hand on is compared exactly (points are
int64 nano-points, so identical means bit for bit). The rulebooks are the synthetic one that uses
every feature (every rule kind, applies_to, every missing policy, NA under both policies, zero
totals, relative leaves in several groups, several stages with empty cells carried over) and the
hand-worked engine fixtures.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from cchc_rules.data.parse import inputs_for
from cchc_rules.data.synthetic import synthesize, synthetic_rulebook
from cchc_rules.engine import fused
from cchc_rules.engine.compile import compile_rulebook
from cchc_rules.engine.grading import grade
from cchc_rules.engine.score import (
    aggregate,
    group_codes,
    index_from,
    leaf_points,
    score_inputs,
    select_stage,
    unit_flags,
)
from cchc_rules.engine.select import adjustments_at
from cchc_rules.problems import CchcError

pytestmark = pytest.mark.skipif(fused.numba is None, reason="numba (the `fast` extra) is not installed")


def _both(compiled, inputs, stage=None):
    groups = group_codes(compiled, inputs)
    selected = select_stage(compiled, inputs, stage)
    numpy_leaves = leaf_points(compiled, selected, groups, inputs)
    fused_selected, fused_leaves = fused.select_and_score(compiled, inputs, selected.stage, groups)
    return (selected, numpy_leaves), (fused_selected, fused_leaves)


def _same(a, b, fields):
    for name in fields:
        x, y = getattr(a, name), getattr(b, name)
        assert x.shape == y.shape, name
        assert x.dtype == y.dtype, name
        np.testing.assert_array_equal(x, y, err_msg=name)  # NaN equals NaN here


@pytest.fixture(scope="module")
def synthetic():
    rulebook = synthetic_rulebook(60, seed=3)
    dataset = synthesize(rulebook, 400, seed=11, na_share=0.05, empty_share=0.05)
    return compile_rulebook(rulebook), inputs_for(dataset, rulebook)


@pytest.mark.parametrize("stage_at", [0, 1, -1])
def test_identical_arrays_on_the_synthetic_rulebook(synthetic, stage_at):
    compiled, inputs = synthetic
    stage = compiled.rulebook.stages[stage_at]
    (sel, lv), (fsel, flv) = _both(compiled, inputs, stage)
    _same(sel, fsel, ["value", "status", "stage_used", "adjustment", "adjustment_stage"])
    _same(lv, flv, ["points", "applicable", "reason", "clamped", "rel_low", "rel_high"])
    # the case exercises what it claims: every reason but the error one, and clamping
    assert set(np.unique(lv.reason)) >= {0, 1, 2, 7, 8, 9}
    assert (sel.stage_used == -1).any() or stage_at == 0


def test_whole_result_identical(synthetic, monkeypatch):
    compiled, inputs = synthetic
    fast = score_inputs(compiled, inputs)
    monkeypatch.setenv("CCHC_KERNEL", "numpy")
    assert not fused.available()
    slow = score_inputs(compiled, inputs)
    np.testing.assert_array_equal(fast.totals.index, slow.totals.index)
    np.testing.assert_array_equal(fast.node_scores.points, slow.node_scores.points)
    np.testing.assert_array_equal(fast.graded.band, slow.graded.band)
    np.testing.assert_array_equal(fast.graded.rank, slow.graded.rank)


def test_hand_worked_rules_identical(eng):
    leaf = lambda lid, mx, rule: {"id": lid, "name": lid, "max": mx, "rule": rule}  # noqa: E731
    rb = eng.rulebook([{"id": "1", "name": "1", "children": [
        leaf("lad", 2, {"ladder": [{"min": 100, "points": 2}, {"min": 80, "share": 0.5}, {"points": 0}]}),
        leaf("lin", 2, {"linear": {"from": 20, "to": 90}}),
        leaf("ded", 3, {"deduct": {"per": 0.5}}),
        leaf("lev", 2, {"levels": {"low": 0, "mid": 1, "high": 2}}),
        leaf("pts", 2, {"points": {}}),
        leaf("rel", 4, {"relative": {"better": "lower"}}),
        leaf("out", 4, {"points": {"out_of": 2}}),
    ]}], not_applicable="zero")
    units = [("U", "a"), ("V", "a"), ("W", "b"), ("X", "b")]
    values = {"lad": [120, 85, 10, None], "lin": [95, 55, "NA", 20], "ded": [0, 3, 10, None],
              "lev": ["high", "mid", "low", None], "pts": [2.5, -1, 1.25, (1, None)], "rel": [3, 5, 4, "NA"],
              "out": [1.5, 2, 3, 0]}
    # pts −1 and 2.5 are clamped to [0, 2]; ded 10 × 0.5 = 5 > 3 clamps to 0; W alone in group b for rel → full
    inputs = eng.inputs(rb, units, values)
    (sel, lv), (fsel, flv) = _both(compile_rulebook(rb), inputs)
    _same(sel, fsel, ["value", "status", "stage_used"])
    _same(lv, flv, ["points", "applicable", "reason", "clamped", "rel_low", "rel_high"])
    assert lv.clamped[:, 4].tolist() == [True, True, False, False]
    assert lv.points[2, 5] == 4_000_000_000  # W: the only relative value of group b gets the max
    # out of 2 on a maximum of 4: 1.5 → 3 points, 2 → 4, 3 → 6 clamped to 4, 0 → 0
    assert (lv.points[:, 6] / 1e9).tolist() == [3, 4, 4, 0]


def test_tree_identical(synthetic, eng):
    compiled, inputs = synthetic
    (_, leaves), _ = _both(compiled, inputs)
    _same(aggregate(compiled, leaves), fused.aggregate(compiled, leaves), ["points", "max", "applicable"])
    # best of 2 and a floor, worked by hand: children 1, 2 (NA), 3 → best two applicable points 3 + 1 = 4 of 3 + 1
    leaf = lambda lid, mx: {"id": lid, "name": lid, "max": mx, "rule": {"points": {}}}  # noqa: E731
    rb = eng.rulebook([{"id": "1", "name": "1", "aggregate": {"best": 2}, "children": [
        leaf("a", 1), leaf("b", 2), leaf("c", 3)]}, {"id": "2", "name": "2", "floor": 1, "children": [leaf("d", 4)]}])
    c = compile_rulebook(rb)
    inputs = eng.inputs(rb, [("U", "a"), ("V", "a")], {"a": [1, 0], "b": ["NA", 2], "c": [3, 0], "d": [0, 2]})
    (_, leaves), _ = _both(c, inputs)
    numpy_nodes, fused_nodes = aggregate(c, leaves), fused.aggregate(c, leaves)
    _same(numpy_nodes, fused_nodes, ["points", "max", "applicable"])
    # U: node 1 = 3 + 1 = 4 of 3 + 1 = 4; node 2 = 0 raised to the floor 1. V: node 1 = 2 + 0 of 3 + 2 = 5
    assert (numpy_nodes.points[:, 0] // 10**9).tolist() == [4, 2]
    assert (numpy_nodes.max[:, 0] // 10**9).tolist() == [4, 5]
    assert (numpy_nodes.points[:, 4] // 10**9).tolist() == [1, 2]


def test_nodes_without_leaf_arrays_identical(synthetic, monkeypatch):
    """`fused.score_nodes` (each leaf scored in scratch space, straight into the tree) gives the numpy path's
    nodes, and the filled count per unit; both with the blocks in one thread and on numba's threads."""
    compiled, inputs = synthetic
    monkeypatch.setattr(fused, "BLOCK", 128)  # 400 units: blocks of 128, 128, 128 and 16
    groups = group_codes(compiled, inputs)
    selected = select_stage(compiled, inputs)
    leaves = leaf_points(compiled, selected, groups, inputs)
    want = aggregate(compiled, leaves)
    for parallel_from in (10**9, 0):
        monkeypatch.setattr(fused, "PARALLEL_FROM", parallel_from)
        nodes, tally = fused.score_nodes(compiled, inputs, selected.stage, groups)
        _same(want, nodes, ["points", "max", "applicable"])
        np.testing.assert_array_equal(tally.filled, leaves.filled.sum(axis=1))
        assert tally.errors == 0
        np.testing.assert_array_equal(tally.rel_low, leaves.rel_low)
        _same(leaves, fused.select_and_score(compiled, inputs, selected.stage, groups)[1],
              ["points", "applicable", "reason", "clamped", "rel_low", "rel_high"])
        _same(want, fused.aggregate(compiled, leaves), ["points", "max", "applicable"])


def test_result_builds_leaf_arrays_on_first_use(synthetic, monkeypatch):
    """With the compiled pass, `Result.selected`, `Result.leaves` and `Result.node_scores` are computed when first
    read, equal to the numpy path's; reading the stage or the units table does not need them."""
    compiled, inputs = synthetic
    monkeypatch.delenv("CCHC_KERNEL", raising=False)
    fast = score_inputs(compiled, inputs, compiled.rulebook.stages[1])
    assert fast.stage == compiled.rulebook.stages[1]
    units = fast.units
    assert not {"leaves", "selected", "node_scores"} & set(fast.__dict__)
    monkeypatch.setenv("CCHC_KERNEL", "numpy")
    slow = score_inputs(compiled, inputs, compiled.rulebook.stages[1])
    _same(slow.selected, fast.selected, ["value", "status", "stage_used", "adjustment", "adjustment_stage"])
    _same(slow.leaves, fast.leaves, ["points", "applicable", "reason", "clamped", "rel_low", "rel_high"])
    assert fast.selected.stage == 1
    np.testing.assert_array_equal(units["filled"].to_numpy(), slow.units["filled"].to_numpy())
    np.testing.assert_array_equal(units["filled"].to_numpy(), fast.filled.sum(axis=1))
    _same(slow.node_scores, fast.node_scores, ["points", "max", "applicable"])
    pd.testing.assert_frame_equal(units, slow.units)  # its top-level nodes' columns from the graded nodes alone
    pd.testing.assert_frame_equal(fast.nodes, slow.nodes)


def test_graded_nodes_alone_grade_as_every_node(synthetic, monkeypatch):
    """`score_nodes` keeping only `Compiled.graded` gives those columns of every node; the index, bands,
    ranks and quota demotions computed from them with the renumbered twin are those of every node."""
    compiled, inputs = synthetic
    rows, twin = compiled.graded
    gates = [g for table in compiled.band_tables for band in table for g in band.gates]
    assert {"flag", "min_share", "min", "max_zero_leaves"} <= {g.kind for g in gates}  # the case has every gate
    assert set(compiled.top) | set(compiled.tie_break) <= set(rows)
    groups = group_codes(compiled, inputs)
    every, _ = fused.score_nodes(compiled, inputs, 2, groups)
    monkeypatch.setattr(fused, "BLOCK", 128)
    for parallel_from, dynamic in ((10**9, True), (0, True), (0, False)):  # threads with blocks handed out or split
        monkeypatch.setattr(fused, "PARALLEL_FROM", parallel_from)
        monkeypatch.setattr(fused, "DYNAMIC", dynamic)
        few, _ = fused.score_nodes(compiled, inputs, 2, groups, rows)
        for name in ("points", "max", "applicable"):
            np.testing.assert_array_equal(getattr(few, name), getattr(every, name)[:, rows], err_msg=name)
    adjustment = adjustments_at(inputs, 2)[0]
    want, got = index_from(compiled, every, adjustment), index_from(twin, few, adjustment)
    np.testing.assert_array_equal(want.index, got.index)
    flags = unit_flags(compiled, inputs)
    a = grade(compiled, want.index, every.points, every.max, every.applicable, groups, flags, want.unscored)
    b = grade(twin, got.index, few.points, few.max, few.applicable, groups, flags, got.unscored)
    np.testing.assert_array_equal(a.band, b.band)
    np.testing.assert_array_equal(a.rank, b.rank)
    assert a.demotions == b.demotions
    assert len(set(a.band.tolist())) >= 3  # several bands: the gates and thresholds decide something


def test_missing_error_found_by_the_tree_pass(eng, monkeypatch):
    """A `missing: error` cell stops scoring on both paths with the same located problem (E401)."""
    leaf = lambda lid, missing=None: {"id": lid, "name": lid, "max": 1, "rule": {"binary": {}},  # noqa: E731
                                      **({"missing": missing} if missing else {})}
    rb = eng.rulebook([{"id": "1", "name": "1", "children": [leaf("x", "error"), leaf("y")]}])
    inputs = eng.inputs(rb, [("A", "a"), ("B", "a"), ("C", "b")], {"x": [None, 1, None], "y": [1, None, 0]})
    compiled = compile_rulebook(rb)
    nodes, tally = fused.score_nodes(compiled, inputs, 1, group_codes(compiled, inputs))
    assert tally.errors == 2  # A and C have no x; B's blank y is `missing: zero` (filled, no error)
    assert tally.filled.tolist() == [0, 1, 0]  # only B's y: an error cell is not filled
    paths = []
    for kernel in ("", "numpy"):
        monkeypatch.setenv("CCHC_KERNEL", kernel)
        with pytest.raises(CchcError) as err:
            score_inputs(compiled, inputs)
        paths.append(sorted((p.code, p.path) for p in err.value.problems))
    assert paths == [[("E401", "A/x"), ("E401", "C/x")]] * 2


def test_threads_says_how_the_pass_runs(monkeypatch):
    """`fused.threads`: 1 below `PARALLEL_FROM` units (the calling thread), numba's thread count from it on."""
    import numba

    monkeypatch.setattr(fused, "PARALLEL_FROM", 1000)
    assert fused.threads(999) == 1
    assert fused.threads(1000) == numba.get_num_threads()  # 1 under NUMBA_NUM_THREADS=1


def test_more_groups_than_bits(synthetic):
    """With more than 62 groups the tree pass looks each unit's group up instead of testing a bit of a mask:
    the same units in group codes 0 and 35 of 70 (the others empty) give the same nodes as in codes 0 and 1."""
    compiled, inputs = synthetic
    groups = group_codes(compiled, inputs)
    assert not compiled.applies_by_leaf.all() and set(groups.tolist()) == {0, 1}  # applies_to decides something
    wide = np.zeros((compiled.applies_by_leaf.shape[0], 70), dtype=bool)
    wide[:, [0, 35]] = compiled.applies_by_leaf
    twin = replace(compiled, applies_by_leaf=wide, group_ids=[f"g{g}" for g in range(70)])
    want, tally = fused.score_nodes(compiled, inputs, 2, groups)
    got, wide_tally = fused.score_nodes(twin, inputs, 2, groups * 35)
    _same(want, got, ["points", "max", "applicable"])
    np.testing.assert_array_equal(tally.filled, wide_tally.filled)
