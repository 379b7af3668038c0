"""Stage selection, leaf points and the tree in one compiled pass over the stage-major inputs (numba, optional).

`score_nodes(compiled, inputs, stage, groups)` gives exactly the nodes of `score.select_stage`,
`score.leaf_points` and `score.aggregate`, and `select_and_score` the leaf arrays: the same
floating-point operations in the same order (numba compiles without fast-math, so no operation is
fused or reordered), the same 9-decimal rounding (`rint(points × 10⁹)`), the same reasons, the
same integer sums. Units are taken in blocks (`BLOCK`, `TREE_BLOCK`): within a block every leaf is
selected and scored, then every parent summed over the block, so each input cell is read once
(earlier stages only for empty cells) and each output written once. `score_nodes` keeps no leaf
array: each leaf's block is scored (`cells.leaf_nodes`) straight into its node's rows of a
scratch space (nodes × block, one per thread, reused block after block and kept in the cache),
and only the nodes asked for are copied out: `score.score_inputs` asks for the few that the index
and grading read (`Compiled.graded`), so a call writes and faults in a few MB instead of every
node (`Result.node_scores` runs the pass again for every node when first read, `Result.leaves`
runs `select_and_score`). Relative leaves need their group's worst and best first: they are
selected and bounded in a pass of their own before the blocks.

Used by `score.score_inputs` when numba is installed (the `fast` extra) unless `CCHC_KERNEL=numpy`;
tests score every case both ways and compare every array. From `PARALLEL_FROM` units on, the blocks
run on numba's threads (`numba.prange`; `NUMBA_NUM_THREADS=1` keeps them in one). Its threading
layer here is OpenMP with GNU's runtime: a process forked after a parallel pass must not run one
itself, so the project starts its workers with `spawn` (scenario runner, Dask)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import FunctionType
from typing import cast

import numpy as np

from cchc_rules import compiled
from cchc_rules.data.model import Inputs
from cchc_rules.engine.cells import (
    K_BINARY,
    K_DEDUCT,
    K_LADDER,
    K_LEVELS,
    K_LINEAR,
    K_POINTS,
    K_RATIO,
    K_SURVEY,
    R_OK,
    S_EMPTY,
    finish,
    gives_max,
    last_stage,
    leaf_nodes,
    out_of_max,
    reason_of,
)
from cchc_rules.engine.compile import AGG_BEST, AGG_CAPPED, Compiled
from cchc_rules.engine.select import adjustments_at
from cchc_rules.engine.vocabulary import LeafScores, NodeScores, Reason, Selected

try:  # the optional `fast` extra
    import numba
    from numba import prange
except ImportError:  # pragma: no cover - exercised where numba is absent
    numba = None  # type: ignore[assignment]  # checked by `available()`
    prange = range  # type: ignore[misc]

PARALLEL_FROM = 5_000  # units: smaller inputs are scored in the calling thread (`threads`)
TREE_BLOCK = 1024  # units per block of the tree pass: its scratch (nodes × block) stays in the cache
DYNAMIC = True  # tree pass on threads: blocks handed to whichever thread is free (a thread held up does not
# hold the others up on a shared machine), each with its own scratch space
BLOCK = 8192  # units per block: long runs of each leaf's row (256 was 1.5× slower at 1M units: TLB, prefetch)

available = compiled.available  # whether the compiled pass is used: numba installed, `CCHC_KERNEL` not `numpy`


def _select(s, stj, vj, grp, applies_j, missing_r, zero_total_r, na_reason, max_nano, value, status, used, pts,
            reason, applicable, clamped):
    """One leaf, one block of units (`stj`, `vj`: stages × block; the outputs: the block's rows): the value of the
    last stage with one (`select.select_at`), and the points, reason and applicability of the cells without a
    usable value (`score.leaf_points`); reason OK marks the others, whose points `_rule_points` gives."""
    for i in range(grp.shape[0]):
        k, st = last_stage(s, stj, i)
        found = st != S_EMPTY
        used[i] = k if found else -1
        value[i] = vj[k if found else s, i]
        status[i] = st
    for i in range(grp.shape[0]):  # without branches: the reason by the status, unless the leaf is out of the group
        why = reason_of(status[i], applies_j[grp[i]], missing_r, zero_total_r, na_reason)
        reason[i] = why
        clamped[i] = False
        pts[i] = max_nano if gives_max(why) else 0
        applicable[i] = not out_of_max(why)


def _bounds(j, grp, value, reason, rel_low, rel_high):
    """A relative leaf's worst and best value per group among the units with a usable value (NaN: none)."""
    n_groups = rel_low.shape[0]
    lo = np.full(n_groups, np.inf)
    hi = np.full(n_groups, -np.inf)
    seen = np.zeros(n_groups, dtype=np.bool_)
    for i in range(value.shape[0]):
        if reason[i] == R_OK:
            g = grp[i]
            seen[g] = True
            lo[g] = min(lo[g], value[i])
            hi[g] = max(hi[g], value[i])
    for g in range(n_groups):
        rel_low[g, j] = lo[g] if seen[g] else np.nan
        rel_high[g, j] = hi[g] if seen[g] else np.nan


def _put(i, ok, raw, mx, pts, clamped):
    """Cell i's points from the rule's `raw` when it has a usable value (`ok`); else `_select`'s stay. Computed
    for every cell and kept or not without a branch (a cell without a value gives NaN, kept nowhere)."""
    c, p = finish(raw, mx)
    pts[i] = p if ok else pts[i]
    clamped[i] = c & ok


def _rule_points(j, kind, mx, grp, value, reason, pts, clamped, ladder_min, ladder_points, linear_from, linear_to,
                 level_points, deduct_per, points_factor, lower_better, rel_low, rel_high):
    """Points of leaf j's units (one block) that have a usable value (reason OK), by its rule
    (`score._rule_points`)."""
    n = value.shape[0]
    if kind == K_BINARY or kind == K_RATIO or kind == K_SURVEY:
        for i in range(n):
            _put(i, reason[i] == R_OK, value[i] * mx, mx, pts, clamped)
    elif kind == K_LADDER:
        for i in range(n):
            v = value[i]
            raw = 0.0
            for step in range(ladder_min.shape[1]):
                if v >= ladder_min[j, step]:
                    raw = ladder_points[j, step]
                    break
            _put(i, reason[i] == R_OK, raw, mx, pts, clamped)
    elif kind == K_LINEAR:
        lo, span = linear_from[j], linear_to[j] - linear_from[j]
        for i in range(n):
            _put(i, reason[i] == R_OK, min(max((value[i] - lo) / span, 0.0), 1.0) * mx, mx, pts, clamped)
    elif kind == K_LEVELS:  # the value indexes the levels: only where it is usable
        for i in range(n):
            if reason[i] == R_OK:
                _put(i, True, level_points[j, np.int64(value[i])], mx, pts, clamped)
    elif kind == K_DEDUCT:
        per = -deduct_per[j]
        for i in range(n):
            _put(i, reason[i] == R_OK, value[i] * per + mx, mx, pts, clamped)
    elif kind == K_POINTS:  # entered out of `out_of` when a reweight set one
        factor = points_factor[j]
        for i in range(n):
            _put(i, reason[i] == R_OK, value[i] * factor, mx, pts, clamped)
    else:  # relative: max × position between the group's worst and best (`_bounds`, computed before)
        lower = lower_better[j]
        for i in range(n):
            if reason[i] == R_OK:
                g = grp[i]
                lo, hi = rel_low[g, j], rel_high[g, j]
                gap = hi - lo
                frac = (((hi - value[i]) if lower else (value[i] - lo)) / gap) if gap > 0 else 1.0
                _put(i, True, mx * frac, mx, pts, clamped)


def _leaf(j, s, stj, vj, grp, applies_j, missing_r, zero_total_r, na_reason, max_nano, kind, mx, value, status,
          used, pts, reason, applicable, clamped, ladder_min, ladder_points, linear_from, linear_to, level_points,
          deduct_per, points_factor, lower_better, rel_low, rel_high):
    """Leaf j for one block of units: `_select`, then `_rule_points`."""
    _select(s, stj, vj, grp, applies_j, missing_r, zero_total_r, na_reason, max_nano, value, status, used, pts,
            reason, applicable, clamped)
    _rule_points(j, kind, mx, grp, value, reason, pts, clamped, ladder_min, ladder_points, linear_from, linear_to,
                 level_points, deduct_per, points_factor, lower_better, rel_low, rel_high)


def _leaf_rows(max_nano, p, ap, node_p, node_x, node_a):
    """A leaf's block of points and applicability into its node's rows, with the applicable maximum."""
    for i in range(p.shape[0]):
        node_p[i] = p[i]
        node_a[i] = ap[i]
        node_x[i] = max_nano if ap[i] else 0


def _parents(u0, u1, parent_node, child_ptr, child_idx, agg, best, cap, floor, pts, mx, app, got, top):
    """Every parent's points, applicable maximum and applicability (`score.aggregate`) for units u0..u1,
    children before parents; `got` and `top` are scratch space of the largest family's size."""
    m = u1 - u0
    for q in range(parent_node.shape[0]):
        n = parent_node[q]
        first, last = child_ptr[q], child_ptr[q + 1]
        p, x, a = pts[n, u0:u1], mx[n, u0:u1], app[n, u0:u1]
        p[:] = 0
        x[:] = 0
        a[:] = False
        if agg[q] == AGG_BEST:
            k = best[q]
            size = last - first
            for i in range(m):
                for r in range(size):
                    c = child_idx[first + r]
                    got[r] = pts[c, u0 + i] if app[c, u0 + i] else -1
                    top[r] = mx[c, u0 + i] if app[c, u0 + i] else -1
                p[i] = _top_k_sum(got[:size], k)
                x[i] = _top_k_sum(top[:size], k)
            for c in child_idx[first:last]:
                ca = app[c, u0:u1]
                for i in range(m):
                    a[i] |= ca[i]
        else:
            for c in child_idx[first:last]:
                cp, cx, ca = pts[c, u0:u1], mx[c, u0:u1], app[c, u0:u1]
                for i in range(m):
                    p[i] += cp[i]
                    x[i] += cx[i]
                    a[i] |= ca[i]
            if agg[q] == AGG_CAPPED:
                for i in range(m):
                    p[i] = min(p[i], cap[q])
                    x[i] = min(x[i], cap[q])
        if floor[q] != 0:
            for i in range(m):
                low = min(floor[q], x[i])
                p[i] = min(max(p[i], low), x[i])


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


def _pass(status3, value3, s, groups, applies, kind, leaf_max, leaf_max_nano, ladder_min, ladder_points,
          linear_from, linear_to, level_points, deduct_per, points_factor, lower_better, missing_reason,
          zero_total_reason, na_reason, relative, value, status, used, pts, reason, applicable, clamped, rel_low,
          rel_high, leaf_node, parent_node, child_ptr, child_idx, agg, best, cap, floor, widest, rows, npts, nmx,
          napp, filled, errors, store, block, chunks):
    """The whole pass: relative leaves' bounds first, then block by block every leaf, and (unless `store`) the tree.

    `store`: the leaf arrays (value … clamped, leaves × units) are written. Otherwise each run of blocks
    (`chunks` of them: one per thread, or one per block when `DYNAMIC`) scores every leaf and every node of
    a block in scratch space of its own (nodes × block, reused from block to block), and copies the nodes
    `rows` lists into the outputs' rows (npts, nmx, napp: one row per entry of `rows`); only `filled` (per
    unit, leaves a `missing` policy filled) and `errors` (per block, cells under `missing: error`) are kept
    of the leaves.
    """
    n_leaves, n_units = status3.shape[1], status3.shape[2]
    for r in prange(relative.shape[0]):
        j = relative[r]
        v = np.empty(n_units)
        st = np.empty(n_units, dtype=np.int8)
        us = np.empty(n_units, dtype=np.int8)
        p = np.empty(n_units, dtype=np.int64)
        why = np.empty(n_units, dtype=np.int8)
        ap = np.empty(n_units, dtype=np.bool_)
        cl = np.empty(n_units, dtype=np.bool_)
        _select(s, status3[:, j], value3[:, j], groups, applies[j], missing_reason[j], zero_total_reason[j],
                na_reason, leaf_max_nano[j], v, st, us, p, why, ap, cl)
        _bounds(j, groups, v, why, rel_low, rel_high)
    n_blocks = (n_units + block - 1) // block
    if store:
        for b in prange(n_blocks):
            u0 = b * block
            u1 = min(u0 + block, n_units)
            for j in range(n_leaves):
                _leaf(j, s, status3[:, j, u0:u1], value3[:, j, u0:u1], groups[u0:u1], applies[j], missing_reason[j],
                      zero_total_reason[j], na_reason, leaf_max_nano[j], kind[j], leaf_max[j], value[j, u0:u1],
                      status[j, u0:u1], used[j, u0:u1], pts[j, u0:u1], reason[j, u0:u1], applicable[j, u0:u1],
                      clamped[j, u0:u1], ladder_min, ladder_points, linear_from, linear_to, level_points, deduct_per,
                      points_factor, lower_better, rel_low, rel_high)
        return
    n_nodes = leaf_node.shape[0] + parent_node.shape[0]
    for t in prange(chunks):
        sp = np.empty((n_nodes, block), dtype=np.int64)
        sx = np.empty((n_nodes, block), dtype=np.int64)
        sa = np.empty((n_nodes, block), dtype=np.bool_)
        got = np.empty(widest, dtype=np.int64)
        top = np.empty(widest, dtype=np.int64)
        todo = np.empty(block, dtype=np.int64)
        raws = np.empty(block)
        for b in range(t * n_blocks // chunks, (t + 1) * n_blocks // chunks):
            u0 = b * block
            u1 = min(u0 + block, n_units)
            m = u1 - u0
            grp = groups[u0:u1]
            for j in range(n_leaves):
                n = leaf_node[j]
                errors[b] += leaf_nodes(j, s, status3[s, j, u0:u1], value3[s, j, u0:u1], status3[:, j, u0:u1],
                                         value3[:, j, u0:u1], grp, applies[j],
                                         missing_reason[j], zero_total_reason[j], na_reason, leaf_max_nano[j],
                                         kind[j], leaf_max[j], sp[n, :m], sx[n, :m], sa[n, :m], filled[u0:u1],
                                         ladder_min, ladder_points, linear_from, linear_to, level_points, deduct_per,
                                         points_factor, lower_better, rel_low, rel_high, todo, raws)
            _parents(0, m, parent_node, child_ptr, child_idx, agg, best, cap, floor, sp, sx, sa, got, top)
            for r in range(rows.shape[0]):
                n = rows[r]
                npts[r, u0:u1] = sp[n, :m]
                nmx[r, u0:u1] = sx[n, :m]
                napp[r, u0:u1] = sa[n, :m]


def _tree(leaf_node, leaf_max_nano, leaf_pts, leaf_app, parent_node, child_ptr, child_idx, agg, best, cap, floor,
          widest, pts, mx, app, block):
    """Node points, applicable maxima and applicability (`score.aggregate`) from leaf rows, block by block."""
    n_units = leaf_pts.shape[1]
    n_blocks = (n_units + block - 1) // block
    for b in prange(n_blocks):
        u0 = b * block
        u1 = min(u0 + block, n_units)
        for j in range(leaf_node.shape[0]):
            _leaf_rows(leaf_max_nano[j], leaf_pts[j, u0:u1], leaf_app[j, u0:u1], pts[leaf_node[j], u0:u1],
                       mx[leaf_node[j], u0:u1], app[leaf_node[j], u0:u1])
        got = np.empty(widest, dtype=np.int64)
        top = np.empty(widest, dtype=np.int64)
        _parents(u0, u1, parent_node, child_ptr, child_idx, agg, best, cap, floor, pts, mx, app, got, top)


def _twin(function: Callable[..., object], suffix: str) -> FunctionType:
    """A copy of a function under another name, so that numba's on-disk cache keeps its serial and parallel builds
    apart (the cache is named after the function)."""
    fn = cast(FunctionType, function)
    twin = FunctionType(fn.__code__, fn.__globals__, fn.__name__ + suffix, fn.__defaults__, fn.__closure__)
    twin.__qualname__ = fn.__qualname__ + suffix
    return twin


_top_k_sum = compiled.inlined(_top_k_sum)
_put = compiled.inlined(_put)
_select = compiled.compiled(_select)
_bounds = compiled.compiled(_bounds)
_rule_points = compiled.compiled(_rule_points)
_parents = compiled.compiled(_parents)
_leaf_rows = compiled.compiled(_leaf_rows)
_leaf = compiled.compiled(_leaf)
if numba is not None:
    _passes = (numba.njit(cache=True, nogil=True)(_pass),
               numba.njit(cache=True, nogil=True, parallel=True)(_twin(_pass, "_parallel")))
    _trees = (numba.njit(cache=True, nogil=True)(_tree),
              numba.njit(cache=True, nogil=True, parallel=True)(_twin(_tree, "_parallel")))


def _block(n_units: int, parallel: int) -> int:
    """Units per block: `BLOCK`, or on threads small enough that each thread gets 4 blocks (no thread idles
    while another finishes a long last block)."""
    if not parallel:
        return BLOCK
    return min(BLOCK, max(256, -(-n_units // (4 * numba.get_num_threads()))))


def threads(n_units: int) -> int:
    """How many threads the compiled pass runs on for this many units (1: the calling thread alone)."""
    return numba.get_num_threads() if _parallel(n_units) else 1


def _parallel(n_units: int) -> int:
    """1 to run the blocks on numba's threads, 0 to run them in this thread: threads pay from `PARALLEL_FROM`
    units on (below, starting them costs more than they save). On a busy shared machine the slowest thread sets
    the pace; `NUMBA_NUM_THREADS=1` keeps every pass in the calling thread."""
    return int(n_units >= PARALLEL_FROM and numba.get_num_threads() > 1)


@dataclass(frozen=True)
class Tally:
    """What `score_nodes` keeps of the leaves besides the tree: per unit, the leaves whose points a `missing`
    policy gave (`LeafScores.filled` summed over leaves); the cells under `missing: error`; relative bounds."""

    filled: np.ndarray  # int64 per unit
    errors: int
    rel_low: np.ndarray  # groups × leaves (`LeafScores.rel_low`)
    rel_high: np.ndarray


def score_nodes(c: Compiled, inputs: Inputs, s: int, groups: np.ndarray, rows: np.ndarray | None = None
                ) -> tuple[NodeScores, Tally]:
    """`NodeScores` at stage index `s` (groups: each unit's code) without keeping the leaf arrays: each leaf's
    block is scored in scratch space and summed into the tree at once. `select_and_score` gives the leaves
    (the same arrays, `nodes.points[:, c.leaf_node] == leaves.points`) when they are wanted.

    `rows` (node indices): only these nodes are kept, in this order (units × len(rows) arrays); default every node.
    """
    status3, value3 = inputs.status.T, inputs.value.T  # stages × leaves × units, contiguous
    keep = np.arange(len(c.node_ids), dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)
    out = _run(c, status3, value3, s, groups, c.applies_by_leaf, len(c.group_ids), store=False, rows=keep)
    return out[4], out[5]


def select_and_score(c: Compiled, inputs: Inputs, s: int, groups: np.ndarray) -> tuple[Selected, LeafScores]:
    """`Selected` and `LeafScores` at stage index `s` (groups: each unit's code), in one pass per cell.

    Cells under `missing: error` are found by the caller (`reason == MISSING_ERROR`).
    """
    status3, value3 = inputs.status.T, inputs.value.T  # stages × leaves × units, contiguous
    value, status, used, leaves = _run(c, status3, value3, s, groups, c.applies_by_leaf, len(c.group_ids))[:4]
    adj, adj_used = adjustments_at(inputs, s)
    return Selected(s, value.T, status.T, used.T, adj, adj_used), leaves


def score_values(c: Compiled, value: np.ndarray, status: np.ndarray, groups: np.ndarray, applies_by_leaf: np.ndarray,
                 n_groups: int) -> LeafScores:
    """Leaf points from values already selected (leaves × units, contiguous), e.g. the draws of a Monte Carlo
    stacked as extra units, with `groups` codes among `n_groups` and `applies_by_leaf` leaves × groups."""
    return _run(c, status[None], value[None], 0, groups, applies_by_leaf, n_groups)[3]


def _run(c: Compiled, status3: np.ndarray, value3: np.ndarray, s: int, groups: np.ndarray,
         applies_by_leaf: np.ndarray, n_groups: int, store: bool = True, rows: np.ndarray | None = None
         ) -> tuple[np.ndarray, np.ndarray, np.ndarray, LeafScores, NodeScores, Tally]:
    """Allocate what the pass writes (the leaf arrays when `store`, else the node arrays of `rows`) and run it."""
    n_leaves, n_units = status3.shape[1:]
    shape = (n_leaves, n_units) if store else (0, 0)
    value = np.empty(shape)
    status = np.empty(shape, dtype=np.int8)
    used = np.empty(shape, dtype=np.int8)
    pts = np.empty(shape, dtype=np.int64)
    reason = np.empty(shape, dtype=np.int8)
    applicable = np.empty(shape, dtype=bool)
    clamped = np.empty(shape, dtype=bool)
    rel_low = np.full((n_groups, n_leaves), np.nan)
    rel_high = rel_low.copy()
    keep = np.zeros(0, dtype=np.int64) if store or rows is None else rows
    node_shape = (0, 0) if store else (keep.size, n_units)
    npts = np.empty(node_shape, dtype=np.int64)
    nmx = np.empty(node_shape, dtype=np.int64)
    napp = np.empty(node_shape, dtype=bool)
    filled = np.zeros(0 if store else n_units, dtype=np.int64)
    t = c.tree
    na_reason = int(Reason.NA_ZERO if c.na_zero else Reason.NA_RESCALE)
    parallel = _parallel(n_units)
    block = _block(n_units, parallel) if store else min(_block(n_units, parallel), TREE_BLOCK)
    n_blocks = -(-n_units // block)
    chunks = n_blocks if parallel and DYNAMIC else min(n_blocks, numba.get_num_threads() if parallel else 1)
    errors = np.zeros(0 if store else n_blocks, dtype=np.int64)  # per block
    with numba.parallel_chunksize(1 if parallel and DYNAMIC else 0):
        _passes[parallel](np.ascontiguousarray(status3), np.ascontiguousarray(value3), s,
              np.ascontiguousarray(groups, dtype=np.int64), np.ascontiguousarray(applies_by_leaf), c.kind,
              c.leaf_max, c.leaf_max_nano, c.ladder_min, c.ladder_points, c.linear_from, c.linear_to, c.level_points,
              c.deduct_per, c.points_factor, c.lower_better, c.missing_reason, c.zero_total_reason, na_reason,
              c.relative_leaves, value, status, used, pts, reason, applicable, clamped, rel_low, rel_high,
              c.leaf_node, t.node, t.child_ptr, t.child_idx, t.agg, t.best, t.cap, t.floor, t.widest, keep, npts, nmx,
              napp, filled, errors, store, block, chunks)
    leaves = LeafScores(pts.T, applicable.T, reason.T, clamped.T, rel_low, rel_high)
    return (value, status, used, leaves, NodeScores(npts.T, nmx.T, napp.T),
            Tally(filled, int(errors.sum()), rel_low, rel_high))


def aggregate(c: Compiled, leaves: LeafScores) -> NodeScores:
    """`score.aggregate` in one compiled pass, block by block (identical results: integer sums)."""
    t = c.tree
    shape = (len(c.node_ids), leaves.points.shape[0])
    pts = np.empty(shape, dtype=np.int64)
    mx = np.empty(shape, dtype=np.int64)
    app = np.empty(shape, dtype=bool)
    parallel = _parallel(shape[1])
    _trees[parallel](c.leaf_node, c.leaf_max_nano, np.ascontiguousarray(leaves.points.T),
          np.ascontiguousarray(leaves.applicable.T), t.node, t.child_ptr, t.child_idx, t.agg, t.best, t.cap, t.floor,
          t.widest, pts, mx, app, _block(shape[1], parallel))
    return NodeScores(pts.T, mx.T, app.T)
