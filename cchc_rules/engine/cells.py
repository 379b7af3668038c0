"""One cell of the compiled pass (`fused`): its rule, its stage selection, what it writes (numba, inlined).

`leaf_nodes` scores one leaf over one block of units straight into its node's rows: first every
cell as if it had a usable value at the stage, in one loop per rule kind without a branch (so that
it compiles to vector instructions), then the few others cell by cell. The helpers are plain
functions, compiled (inlined into their callers) when numba is installed; `fused` runs them.
"""

from __future__ import annotations

import numpy as np

from cchc_rules.compiled import compiled, inlined
from cchc_rules.data.model import EMPTY, NA, VALUE, ZERO_TOTAL
from cchc_rules.engine.compile import KIND
from cchc_rules.engine.rounding import NANO
from cchc_rules.engine.vocabulary import FILLED, Reason

# Codes as plain ints (numba folds them): K_ rule kinds (`compile.KIND`), R_ reasons, S_ cell statuses.
K_BINARY, K_LADDER, K_LINEAR, K_RATIO, K_LEVELS, K_DEDUCT, K_POINTS, K_SURVEY, K_RELATIVE = (
    KIND[k] for k in ("binary", "ladder", "linear", "ratio", "levels", "deduct", "points", "survey", "relative")
)
R_OK, R_STRUCTURAL = int(Reason.OK), int(Reason.STRUCTURAL)
R_FULL = (int(Reason.MISSING_MAX), int(Reason.ZERO_TOTAL_MAX))
R_OUT = tuple(int(r) for r in (Reason.STRUCTURAL, Reason.NA_RESCALE, Reason.ZERO_TOTAL_NA, Reason.MISSING_NA))
S_EMPTY, S_VALUE, S_NA, S_ZERO_TOTAL = int(EMPTY), int(VALUE), int(NA), int(ZERO_TOTAL)
R_FILLED = tuple(int(r) for r in FILLED)
R_ERROR = int(Reason.MISSING_ERROR)
NANO_F = float(NANO)


def finish(raw, mx):
    """Clamp flag, then points clamped to [0, max] (NaN → 0) in nano-points."""
    clamped = raw < 0 or raw > mx
    if not raw > 0.0:  # fmax(raw, 0): NaN and negatives → 0
        raw = 0.0
    if raw > mx:
        raw = mx
    return clamped, np.int64(np.rint(raw * NANO_F))


def last_stage(s, stj, i):
    """Unit i of a block (`stj`: stages × block): the last stage at or before `s` with a cell that is not empty
    (`s` when none) and that cell's status (`select.select_at`)."""
    k = s
    st = stj[s, i]
    while st == S_EMPTY and k > 0:
        k -= 1
        st = stj[k, i]
    return k, st


def reason_of(st, applies, missing_r, zero_total_r, na_reason):
    """The reason a cell of status `st` gives (OK for a value), STRUCTURAL when the leaf is out of the unit's group."""
    why = R_OK if st == S_VALUE else (na_reason if st == S_NA else (zero_total_r if st == S_ZERO_TOTAL else missing_r))
    return why if applies else R_STRUCTURAL


def gives_max(why):
    """The reason gives the leaf's maximum (missing or zero total: `max`)."""
    return (why == R_FULL[0]) | (why == R_FULL[1])


def out_of_max(why):
    """The reason takes the leaf out of the unit's maximum (out of the group, NA rescaled, `na` policies)."""
    return (why == R_OUT[0]) | (why == R_OUT[1]) | (why == R_OUT[2]) | (why == R_OUT[3])


def pick_cell(s, stj, vj, i, applies, missing_r, zero_total_r, na_reason):
    """Unit i of a block: the value of the last stage with one and its reason (`_select`, one cell)."""
    k, st = last_stage(s, stj, i)
    return vj[k, i], reason_of(st, applies, missing_r, zero_total_r, na_reason)


def emit(i, why, raw, mx, max_nano, node_p, node_x, node_a, filled):
    """Cell i's points, applicable maximum and applicability into its node's rows (`_select`, `_rule_points`,
    `_leaf_rows`): the rule's `raw` when the reason is OK, else the reason's; returns 1 for `missing: error`."""
    ok = why == R_OK
    out = out_of_max(why)
    p = finish(raw, mx)[1]
    node_p[i] = p if ok else (max_nano if gives_max(why) else 0)
    node_x[i] = 0 if out else max_nano
    node_a[i] = not out
    filled[i] += (why == R_FILLED[0]) | (why == R_FILLED[1]) | (why == R_FILLED[2])
    return np.int64(why == R_ERROR)


def rule_raw(kind, j, v, g, usable, mx, ladder_min, ladder_points, linear_from, linear_to, level_points, deduct_per,
         points_factor, lower_better, rel_low, rel_high):
    """Leaf j's rule on value v of a unit of group g, before clamping (`_rule_points`, one cell); meaningless
    unless `usable` (the levels and relative rules read their tables only then). Without a branch per cell but
    the kind's: the ladder takes its steps last to first, each that the value reaches replacing the points, so
    the first such step wins as in `_rule_points`."""
    if kind == K_BINARY or kind == K_RATIO or kind == K_SURVEY:
        return v * mx
    if kind == K_LADDER:
        raw = 0.0
        for step in range(ladder_min.shape[1] - 1, -1, -1):
            raw = ladder_points[j, step] if v >= ladder_min[j, step] else raw
        return raw
    if kind == K_LINEAR:
        lo = linear_from[j]
        return min(max((v - lo) / (linear_to[j] - lo), 0.0), 1.0) * mx
    if kind == K_LEVELS:
        return level_points[j, np.int64(v if usable else 0.0)]
    if kind == K_DEDUCT:
        return v * -deduct_per[j] + mx
    if kind == K_POINTS:
        return v * points_factor[j]
    lo, hi = rel_low[g, j], rel_high[g, j]  # relative (`_bounds`, computed before)
    if not usable:
        return 0.0
    gap = hi - lo
    return mx * ((((hi - v) if lower_better[j] else (v - lo)) / gap) if gap > 0 else 1.0)


def in_groups(groups_in, g):
    """Whether bit g of `groups_in` is set (bits past 63 are bit g mod 64: every bit is set when they occur)."""
    return ((groups_in >> (g & 63)) & 1) != 0


def as_usable(i, st, inside, raw, mx, max_nano, node_p, node_x, node_a):
    """Cell i as if its value at the stage (status `st`) were usable: its points, maximum and applicability;
    returns 1 when it is not (not a VALUE, or the leaf is out of the unit's group: `inside` False, which
    gives what it gives here, out of the maximum). Without a branch, so that the loop over a block runs in
    vector instructions."""
    ok = (st == S_VALUE) & inside
    p = finish(raw, mx)[1]
    node_p[i] = p if ok else 0
    node_x[i] = max_nano if ok else 0
    node_a[i] = ok
    return np.int64(not ok)


def leaf_nodes(j, s, st, vs, stj, vj, grp, applies_j, missing_r, zero_total_r, na_reason, max_nano, kind, mx, node_p,
                node_x, node_a, filled, ladder_min, ladder_points, linear_from, linear_to, level_points, deduct_per,
                points_factor, lower_better, rel_low, rel_high, todo, raws):
    """Leaf j for one block of units straight into its node's rows (`_leaf`, `_leaf_rows` and the `filled` count
    in one): first every cell as if it had a usable value at the stage, one loop per rule kind without branches
    (a cell out of the leaf's groups is out of the maximum there already); then the others (an earlier stage's
    value, NA, zero total, missing) cell by cell.
    `st`, `vs`: the statuses and values at the stage (contiguous: the loops over them compile to vector
    instructions); `stj`, `vj` every stage's; `todo`, `raws`: scratch space of the block's size. Returns the
    cells under `missing: error`."""
    n = grp.shape[0]
    wide = applies_j.shape[0] > 62  # more groups than bits: the groups are looked up cell by cell, when redone
    groups_in = np.int64(-1)  # bit g: the leaf applies to group g (every bit: to every group, or `wide`)
    if not wide:
        groups_in = np.int64(0)
        for g in range(applies_j.shape[0]):
            groups_in |= np.int64(applies_j[g]) << g
    bad = 0
    if kind == K_BINARY or kind == K_RATIO or kind == K_SURVEY:
        for i in range(n):
            bad += as_usable(i, st[i], in_groups(groups_in, grp[i]), vs[i] * mx, mx, max_nano, node_p, node_x, node_a)
    elif kind == K_LADDER:  # step by step over the block (`rule_raw`'s order), so that each loop has no inner loop
        for i in range(n):
            raws[i] = 0.0
        for step in range(ladder_min.shape[1] - 1, -1, -1):
            low, amount = ladder_min[j, step], ladder_points[j, step]
            for i in range(n):
                raws[i] = amount if vs[i] >= low else raws[i]
        for i in range(n):
            bad += as_usable(i, st[i], in_groups(groups_in, grp[i]), raws[i], mx, max_nano, node_p, node_x, node_a)
    elif kind == K_LINEAR:  # `rule_raw`'s min(max(…)) as selects: the same points (a NaN gives 0 either way)
        lo = linear_from[j]
        span = linear_to[j] - lo
        for i in range(n):
            f = (vs[i] - lo) / span
            f = f if f > 0.0 else 0.0
            f = f if f < 1.0 else 1.0
            bad += as_usable(i, st[i], in_groups(groups_in, grp[i]), f * mx, mx, max_nano, node_p, node_x, node_a)
    elif kind == K_LEVELS:
        for i in range(n):
            ok = (st[i] == S_VALUE) & (in_groups(groups_in, grp[i]))
            raw = rule_raw(K_LEVELS, j, vs[i], 0, ok, mx, ladder_min, ladder_points, linear_from, linear_to,
                           level_points, deduct_per, points_factor, lower_better, rel_low, rel_high)
            bad += as_usable(i, st[i], in_groups(groups_in, grp[i]), raw, mx, max_nano, node_p, node_x, node_a)
    elif kind == K_DEDUCT:
        for i in range(n):
            raw = rule_raw(K_DEDUCT, j, vs[i], 0, True, mx, ladder_min, ladder_points, linear_from, linear_to,
                           level_points, deduct_per, points_factor, lower_better, rel_low, rel_high)
            bad += as_usable(i, st[i], in_groups(groups_in, grp[i]), raw, mx, max_nano, node_p, node_x, node_a)
    elif kind == K_POINTS:
        for i in range(n):
            raw = rule_raw(K_POINTS, j, vs[i], 0, True, mx, ladder_min, ladder_points, linear_from, linear_to,
                           level_points, deduct_per, points_factor, lower_better, rel_low, rel_high)
            bad += as_usable(i, st[i], in_groups(groups_in, grp[i]), raw, mx, max_nano, node_p, node_x, node_a)
    else:
        for i in range(n):
            ok = (st[i] == S_VALUE) & (in_groups(groups_in, grp[i]))
            raw = rule_raw(K_RELATIVE, j, vs[i], grp[i], ok, mx, ladder_min, ladder_points, linear_from, linear_to,
                           level_points, deduct_per, points_factor, lower_better, rel_low, rel_high)
            bad += as_usable(i, st[i], in_groups(groups_in, grp[i]), raw, mx, max_nano, node_p, node_x, node_a)
    if bad == 0 and not wide:
        return 0
    redo = 0  # the cells to redo, listed without a branch: those in the leaf's groups without a VALUE (`wide`:
    # and those out of its groups)
    if wide:
        for i in range(n):
            todo[redo] = i
            redo += (st[i] != S_VALUE) | (not applies_j[grp[i]])
    else:
        for i in range(n):
            todo[redo] = i
            redo += (st[i] != S_VALUE) & (in_groups(groups_in, grp[i]))
    errors = 0
    for r in range(redo):
        i = todo[r]
        v, why = pick_cell(s, stj, vj, i, applies_j[grp[i]], missing_r, zero_total_r, na_reason)
        raw = rule_raw(kind, j, v, grp[i], why == R_OK, mx, ladder_min, ladder_points, linear_from, linear_to,
                       level_points, deduct_per, points_factor, lower_better, rel_low, rel_high)
        errors += emit(i, why, raw, mx, max_nano, node_p, node_x, node_a, filled)
    return errors


finish = inlined(finish)
last_stage = inlined(last_stage)
reason_of = inlined(reason_of)
gives_max = inlined(gives_max)
out_of_max = inlined(out_of_max)
pick_cell = inlined(pick_cell)
emit = inlined(emit)
rule_raw = inlined(rule_raw)
as_usable = inlined(as_usable)
in_groups = inlined(in_groups)
leaf_nodes = compiled(leaf_nodes)
