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
from cchc_rules.engine.compile import KIND, Compiled
from cchc_rules.engine.rounding import NANO
from cchc_rules.engine.select import adjustments_at
from cchc_rules.engine.vocabulary import LeafScores, Reason, Selected

try:  # the optional `fast` extra
    import numba
except ImportError:  # pragma: no cover - exercised where numba is absent
    numba = None

_BINARY, _LADDER, _LINEAR, _RATIO, _LEVELS, _DEDUCT, _POINTS, _SURVEY, _RELATIVE = (
    KIND[k] for k in ("binary", "ladder", "linear", "ratio", "levels", "deduct", "points", "survey", "relative")
)
_OK, _STRUCTURAL = int(Reason.OK), int(Reason.STRUCTURAL)
_FULL = (int(Reason.MISSING_MAX), int(Reason.ZERO_TOTAL_MAX))
_OUT = tuple(int(r) for r in (Reason.STRUCTURAL, Reason.NA_RESCALE, Reason.ZERO_TOTAL_NA, Reason.MISSING_NA))
_EMPTY, _VALUE, _NA, _ZERO_TOTAL = int(EMPTY), int(VALUE), int(NA), int(ZERO_TOTAL)
_NANO = float(NANO)


def available() -> bool:
    """Whether the compiled pass is used: numba installed and `CCHC_KERNEL` not set to `numpy`."""
    return numba is not None and os.environ.get("CCHC_KERNEL", "").lower() != "numpy"


def _rule(kind, j, v, mx, ladder_min, ladder_points, linear_from, linear_to, level_points, deduct_per):  # noqa: ANN
    """Points by leaf j's rule for value v, before clamping (`score._rule_points`, one cell)."""
    if kind == _BINARY or kind == _RATIO or kind == _SURVEY:
        return v * mx
    if kind == _LADDER:
        for step in range(ladder_min.shape[1]):
            if v >= ladder_min[j, step]:
                return ladder_points[j, step]
        return 0.0
    if kind == _LINEAR:
        t = (v - linear_from[j]) / (linear_to[j] - linear_from[j])
        t = min(max(t, 0.0), 1.0)
        return t * mx
    if kind == _LEVELS:
        return level_points[j, np.int64(v)]
    if kind == _DEDUCT:
        return v * -deduct_per[j] + mx
    return v  # points


def _finish(raw, mx):  # noqa: ANN
    """Clamp flag, then points clamped to [0, max] (NaN → 0) in nano-points."""
    clamped = raw < 0 or raw > mx
    if not raw > 0.0:  # fmax(raw, 0): NaN and negatives → 0
        raw = 0.0
    if raw > mx:
        raw = mx
    return clamped, np.int64(np.rint(raw * _NANO))


def _kernel(status3, value3, s, groups, applies, kind, leaf_max, leaf_max_nano, ladder_min, ladder_points,  # noqa: ANN
            linear_from, linear_to, level_points, deduct_per, lower_better, missing_reason, zero_total_reason,
            na_reason, value, status, used, pts, reason, applicable, clamped, rel_low, rel_high):
    n_leaves, n_units = status3.shape[1], status3.shape[2]
    n_groups = rel_low.shape[0]
    for j in range(n_leaves):
        mx = leaf_max[j]
        k_ = kind[j]
        for u in range(n_units):
            k = s
            st = status3[s, j, u]
            while st == _EMPTY and k > 0:
                k -= 1
                st = status3[k, j, u]
            if st == _EMPTY:
                used[j, u] = -1
                v = value3[s, j, u]
            else:
                used[j, u] = k
                v = value3[k, j, u]
            value[j, u] = v
            status[j, u] = st
            structural = applies[j, groups[u]]
            if st == _VALUE and structural:
                reason[j, u] = _OK
                applicable[j, u] = True
                if k_ != _RELATIVE:
                    clamped[j, u], pts[j, u] = _finish(
                        _rule(k_, j, v, mx, ladder_min, ladder_points, linear_from, linear_to, level_points,
                              deduct_per), mx)
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
        if k_ != _RELATIVE:
            continue
        lo = np.full(n_groups, np.inf)
        hi = np.full(n_groups, -np.inf)
        seen = np.zeros(n_groups, dtype=np.bool_)
        for u in range(n_units):
            if reason[j, u] == _OK:
                g = groups[u]
                seen[g] = True
                lo[g] = min(lo[g], value[j, u])
                hi[g] = max(hi[g], value[j, u])
        for g in range(n_groups):
            rel_low[g, j] = lo[g] if seen[g] else np.nan
            rel_high[g, j] = hi[g] if seen[g] else np.nan
        for u in range(n_units):
            if reason[j, u] != _OK:
                continue
            g = groups[u]
            v = value[j, u]
            span = hi[g] - lo[g]
            if span > 0:
                frac = ((hi[g] - v) if lower_better[j] else (v - lo[g])) / span
            else:
                frac = 1.0
            clamped[j, u], pts[j, u] = _finish(mx * frac, mx)


if numba is not None:
    _rule = numba.njit(cache=True, nogil=True)(_rule)
    _finish = numba.njit(cache=True, nogil=True)(_finish)
    _kernel = numba.njit(cache=True, nogil=True)(_kernel)


def select_and_score(c: Compiled, inputs: Inputs, s: int, groups: np.ndarray) -> tuple[Selected, LeafScores]:
    """`Selected` and `LeafScores` at stage index `s` (groups: each unit's code), in one pass per cell.

    Cells under `missing: error` are found by the caller (`reason == MISSING_ERROR`).
    """
    status3, value3 = inputs.status.T, inputs.value.T  # stages × leaves × units, contiguous
    shape = status3.shape[1:]
    value = np.empty(shape)
    status = np.empty(shape, dtype=np.int8)
    used = np.empty(shape, dtype=np.int8)
    pts = np.empty(shape, dtype=np.int64)
    reason = np.empty(shape, dtype=np.int8)
    applicable = np.empty(shape, dtype=bool)
    clamped = np.empty(shape, dtype=bool)
    rel_low = np.full((len(c.group_ids), shape[0]), np.nan)
    rel_high = rel_low.copy()
    na_reason = int(Reason.NA_ZERO if c.na_zero else Reason.NA_RESCALE)
    _kernel(status3, value3, s, np.ascontiguousarray(groups, dtype=np.int64), c.applies_by_leaf, c.kind,
            c.leaf_max, c.leaf_max_nano, c.ladder_min, c.ladder_points, c.linear_from, c.linear_to, c.level_points,
            c.deduct_per, c.lower_better, c.missing_reason, c.zero_total_reason, na_reason, value, status, used, pts,
            reason, applicable, clamped, rel_low, rel_high)
    adj, adj_used = adjustments_at(inputs, s)
    selected = Selected(s, value.T, status.T, used.T, adj, adj_used)
    return selected, LeafScores(pts.T, applicable.T, reason.T, clamped.T, rel_low, rel_high)
