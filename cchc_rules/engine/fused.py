"""Stage selection and leaf points in one compiled pass over the stage-major inputs (numba, optional).

`select_and_score(compiled, inputs, stage, groups)` gives exactly the arrays of
`score.select_stage` followed by `score.leaf_points`: the same floating-point operations in the
same order (numba compiles without fast-math, so no operation is fused or reordered), the same
9-decimal rounding (`rint(points × 10⁹)`), the same reasons. It reads each cell of the scored
stage once (earlier stages only for empty cells) and writes each output once, where the numpy
path makes a dozen passes. Used by `score.score_inputs` when numba is installed (the `fast`
extra) unless `CCHC_KERNEL=numpy`; tests score every case both ways and compare every array.
"""

from __future__ import annotations

import os

import numpy as np

from cchc_rules.data.model import EMPTY, NA, VALUE, ZERO_TOTAL, Inputs
from cchc_rules.engine.compile import AGG_BEST, AGG_CAPPED, KIND, Compiled
from cchc_rules.engine.rounding import NANO
from cchc_rules.engine.select import adjustments_at
from cchc_rules.engine.vocabulary import LeafScores, NodeScores, Reason, Selected

try:  # the optional `fast` extra
    import numba
except ImportError:  # pragma: no cover - exercised where numba is absent
    numba = None  # type: ignore[assignment]  # checked by `available()`

_BINARY, _LADDER, _LINEAR, _RATIO, _LEVELS, _DEDUCT, _POINTS, _SURVEY, _RELATIVE = (
    KIND[k] for k in ("binary", "ladder", "linear", "ratio", "levels", "deduct", "points", "survey", "relative")
)
_OK, _STRUCTURAL = int(Reason.OK), int(Reason.STRUCTURAL)
_FULL = (int(Reason.MISSING_MAX), int(Reason.ZERO_TOTAL_MAX))
_OUT = tuple(int(r) for r in (Reason.STRUCTURAL, Reason.NA_RESCALE, Reason.ZERO_TOTAL_NA, Reason.MISSING_NA))
_EMPTY, _VALUE, _NA, _ZERO_TOTAL = int(EMPTY), int(VALUE), int(NA), int(ZERO_TOTAL)
_NANO = float(NANO)
_AGG_BEST, _AGG_CAPPED = AGG_BEST, AGG_CAPPED


def available() -> bool:
    """Whether the compiled pass is used: numba installed and `CCHC_KERNEL` not set to `numpy`."""
    return numba is not None and os.environ.get("CCHC_KERNEL", "").lower() != "numpy"


def _finish(raw, mx):
    """Clamp flag, then points clamped to [0, max] (NaN → 0) in nano-points."""
    clamped = raw < 0 or raw > mx
    if not raw > 0.0:  # fmax(raw, 0): NaN and negatives → 0
        raw = 0.0
    if raw > mx:
        raw = mx
    return clamped, np.int64(np.rint(raw * _NANO))


def _kernel(status3, value3, s, groups, applies, kind, leaf_max, leaf_max_nano, ladder_min, ladder_points,
            linear_from, linear_to, level_points, deduct_per, points_factor, lower_better, missing_reason,
            zero_total_reason, na_reason, value, status, used, pts, reason, applicable, clamped, rel_low, rel_high):
    """Per leaf: select every unit's cell and settle the cells without a usable value, then the rule's points
    for the others, in a loop specialised to the leaf's rule kind."""
    n_leaves, n_units = status3.shape[1], status3.shape[2]
    for j in range(n_leaves):
        for u in range(n_units):
            k = s
            st = status3[s, j, u]
            while st == _EMPTY and k > 0:
                k -= 1
                st = status3[k, j, u]
            if st == _EMPTY:
                used[j, u] = -1
                value[j, u] = value3[s, j, u]
            else:
                used[j, u] = k
                value[j, u] = value3[k, j, u]
            status[j, u] = st
            structural = applies[j, groups[u]]
            if st == _VALUE and structural:
                reason[j, u] = _OK
                applicable[j, u] = True
                continue
            if not structural:
                why = _STRUCTURAL
            elif st == _NA:
                why = na_reason
            elif st == _ZERO_TOTAL:
                why = zero_total_reason[j]
            else:
                why = missing_reason[j]
            reason[j, u] = why
            clamped[j, u] = False
            pts[j, u] = leaf_max_nano[j] if (why == _FULL[0] or why == _FULL[1]) else 0
            applicable[j, u] = not (why == _OUT[0] or why == _OUT[1] or why == _OUT[2] or why == _OUT[3])
        _rule_points(j, kind[j], leaf_max[j], groups, value[j], reason[j], pts[j], clamped[j], ladder_min,
                     ladder_points, linear_from, linear_to, level_points, deduct_per, points_factor, lower_better,
                     rel_low, rel_high)


def _rule_points(j, kind, mx, groups, value, reason, pts, clamped, ladder_min, ladder_points,
                 linear_from, linear_to, level_points, deduct_per, points_factor, lower_better, rel_low, rel_high):
    """Points of leaf j's units that have a usable value (reason OK), by its rule (`score._rule_points`)."""
    n = value.shape[0]
    if kind == _BINARY or kind == _RATIO or kind == _SURVEY:
        for u in range(n):
            if reason[u] == _OK:
                clamped[u], pts[u] = _finish(value[u] * mx, mx)
    elif kind == _LADDER:
        for u in range(n):
            if reason[u] == _OK:
                v = value[u]
                raw = 0.0
                for step in range(ladder_min.shape[1]):
                    if v >= ladder_min[j, step]:
                        raw = ladder_points[j, step]
                        break
                clamped[u], pts[u] = _finish(raw, mx)
    elif kind == _LINEAR:
        lo, span = linear_from[j], linear_to[j] - linear_from[j]
        for u in range(n):
            if reason[u] == _OK:
                t = min(max((value[u] - lo) / span, 0.0), 1.0)
                clamped[u], pts[u] = _finish(t * mx, mx)
    elif kind == _LEVELS:
        for u in range(n):
            if reason[u] == _OK:
                clamped[u], pts[u] = _finish(level_points[j, np.int64(value[u])], mx)
    elif kind == _DEDUCT:
        per = -deduct_per[j]
        for u in range(n):
            if reason[u] == _OK:
                clamped[u], pts[u] = _finish(value[u] * per + mx, mx)
    elif kind == _POINTS:  # entered out of `out_of` when a reweight set one
        factor = points_factor[j]
        for u in range(n):
            if reason[u] == _OK:
                clamped[u], pts[u] = _finish(value[u] * factor, mx)
    else:  # relative: the group's worst and best among the units with a usable value
        n_groups = rel_low.shape[0]
        lo = np.full(n_groups, np.inf)
        hi = np.full(n_groups, -np.inf)
        seen = np.zeros(n_groups, dtype=np.bool_)
        for u in range(n):
            if reason[u] == _OK:
                g = groups[u]
                seen[g] = True
                lo[g] = min(lo[g], value[u])
                hi[g] = max(hi[g], value[u])
        for g in range(n_groups):
            rel_low[g, j] = lo[g] if seen[g] else np.nan
            rel_high[g, j] = hi[g] if seen[g] else np.nan
        for u in range(n):
            if reason[u] == _OK:
                g = groups[u]
                gap = hi[g] - lo[g]
                frac = (((hi[g] - value[u]) if lower_better[j] else (value[u] - lo[g])) / gap) if gap > 0 else 1.0
                clamped[u], pts[u] = _finish(mx * frac, mx)


def _tree(leaf_node, leaf_max_nano, leaf_pts, leaf_app, parent_node, child_ptr, child_idx, agg, best, cap, floor,
          pts, mx, app):
    """Node points, applicable maxima and applicability (`score.aggregate`), children before parents."""
    n_units = leaf_pts.shape[1]
    for i in range(leaf_node.shape[0]):
        n = leaf_node[i]
        for u in range(n_units):
            pts[n, u] = leaf_pts[i, u]
            app[n, u] = leaf_app[i, u]
            mx[n, u] = leaf_max_nano[i] if leaf_app[i, u] else 0
    for q in range(parent_node.shape[0]):
        n = parent_node[q]
        first, last = child_ptr[q], child_ptr[q + 1]
        for u in range(n_units):
            pts[n, u] = 0
            mx[n, u] = 0
            app[n, u] = False
        for c in child_idx[first:last]:
            for u in range(n_units):
                app[n, u] = app[n, u] or app[c, u]
        if agg[q] == _AGG_BEST:
            k = best[q]
            got = np.empty(last - first, dtype=np.int64)
            top = np.empty(last - first, dtype=np.int64)
            for u in range(n_units):
                for i in range(last - first):
                    c = child_idx[first + i]
                    got[i] = pts[c, u] if app[c, u] else -1
                    top[i] = mx[c, u] if app[c, u] else -1
                pts[n, u] = _top_k_sum(got, k)
                mx[n, u] = _top_k_sum(top, k)
        else:
            for c in child_idx[first:last]:
                for u in range(n_units):
                    pts[n, u] += pts[c, u]
                    mx[n, u] += mx[c, u]
            if agg[q] == _AGG_CAPPED:
                for u in range(n_units):
                    pts[n, u] = min(pts[n, u], cap[q])
                    mx[n, u] = min(mx[n, u], cap[q])
        if floor[q] != 0:
            for u in range(n_units):
                low = min(floor[q], mx[n, u])
                pts[n, u] = min(max(pts[n, u], low), mx[n, u])


def _top_k_sum(x, k):
    """Sum of the k largest entries of x that are above 0 (x is used as scratch)."""
    total = 0
    for _ in range(min(k, x.shape[0])):
        at = 0
        for i in range(1, x.shape[0]):
            if x[i] > x[at]:
                at = i
        if x[at] > 0:
            total += x[at]
        x[at] = -1
    return total


if numba is not None:
    _rule_points = numba.njit(cache=True, nogil=True)(_rule_points)
    _finish = numba.njit(inline="always")(_finish)
    _kernel = numba.njit(cache=True, nogil=True)(_kernel)
    _top_k_sum = numba.njit(inline="always")(_top_k_sum)
    _tree = numba.njit(cache=True, nogil=True)(_tree)


def select_and_score(c: Compiled, inputs: Inputs, s: int, groups: np.ndarray) -> tuple[Selected, LeafScores]:
    """`Selected` and `LeafScores` at stage index `s` (groups: each unit's code), in one pass per cell.

    Cells under `missing: error` are found by the caller (`reason == MISSING_ERROR`).
    """
    status3, value3 = inputs.status.T, inputs.value.T  # stages × leaves × units, contiguous
    value, status, used, leaves = _run(c, status3, value3, s, groups, c.applies_by_leaf, len(c.group_ids))
    adj, adj_used = adjustments_at(inputs, s)
    return Selected(s, value.T, status.T, used.T, adj, adj_used), leaves


def score_values(c: Compiled, value: np.ndarray, status: np.ndarray, groups: np.ndarray, applies_by_leaf: np.ndarray,
                 n_groups: int) -> LeafScores:
    """Leaf points from values already selected (leaves × units, contiguous), e.g. the draws of a Monte Carlo
    stacked as extra units, with `groups` codes among `n_groups` and `applies_by_leaf` leaves × groups."""
    return _run(c, status[None], value[None], 0, groups, applies_by_leaf, n_groups)[3]


def _run(c: Compiled, status3: np.ndarray, value3: np.ndarray, s: int, groups: np.ndarray,
         applies_by_leaf: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, LeafScores]:
    shape = status3.shape[1:]
    value = np.empty(shape)
    status = np.empty(shape, dtype=np.int8)
    used = np.empty(shape, dtype=np.int8)
    pts = np.empty(shape, dtype=np.int64)
    reason = np.empty(shape, dtype=np.int8)
    applicable = np.empty(shape, dtype=bool)
    clamped = np.empty(shape, dtype=bool)
    rel_low = np.full((n_groups, shape[0]), np.nan)
    rel_high = rel_low.copy()
    na_reason = int(Reason.NA_ZERO if c.na_zero else Reason.NA_RESCALE)
    _kernel(np.ascontiguousarray(status3), np.ascontiguousarray(value3), s,
            np.ascontiguousarray(groups, dtype=np.int64), np.ascontiguousarray(applies_by_leaf), c.kind,
            c.leaf_max, c.leaf_max_nano, c.ladder_min, c.ladder_points, c.linear_from, c.linear_to, c.level_points,
            c.deduct_per, c.points_factor, c.lower_better, c.missing_reason, c.zero_total_reason, na_reason, value,
            status, used, pts, reason, applicable, clamped, rel_low, rel_high)
    return value, status, used, LeafScores(pts.T, applicable.T, reason.T, clamped.T, rel_low, rel_high)


def aggregate(c: Compiled, leaves: LeafScores) -> NodeScores:
    """`score.aggregate` in one compiled pass per parent (identical results: integer sums)."""
    t = c.tree
    shape = (len(c.node_ids), leaves.points.shape[0])
    pts = np.empty(shape, dtype=np.int64)
    mx = np.empty(shape, dtype=np.int64)
    app = np.empty(shape, dtype=bool)
    _tree(c.leaf_node, c.leaf_max_nano, leaves.points.T, leaves.applicable.T, t.node, t.child_ptr, t.child_idx,
          t.agg, t.best, t.cap, t.floor, pts, mx, app)
    return NodeScores(pts.T, mx.T, app.T)
