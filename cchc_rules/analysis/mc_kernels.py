"""Compiled passes of the Monte Carlo's hot loops (numba, the optional `fast` extra), each equal to a numpy path.

Used by `analysis.uncertainty` when `cchc_rules.compiled.available()` (numba installed, `CCHC_KERNEL` not `numpy`):

- `survey_moves`: the survey bootstrap of a block of draws in one pass per asked cell: the sums over the
  drawn respondents' answers (in the order of the sparse matrices' entries, as scipy's product adds
  them, so the same floating-point sums), the mean per form for `by_form` leaves, the value and status
  the data layer would set, the survey leaf's points, and their changes passed up to the needed nodes.
- `noise_moves`: σ·z rounded to each rule's grain, in whole nano-points, added up into the needed nodes of
  each stream, then added to (or taken from) the points of the stream's draws.
- `zero_leaves`: per draw and unit, the applicable leaves at 0 points of a `max_zero_leaves` gate.
- `count`: a block's ranks, bands and index bins added to the tally's histograms.
- `ranks`: every draw's ranks (`grading.rank_units`): each draw sorted on (pool, key ↓) by numpy (the
  pair and the unit's position packed in one integer when they fit: numpy's sort of integers is several
  times faster than a compiled argsort), then ties on the key broken by the tie-break columns.

Integer results are summed as integers, where the numpy path sums whole numbers as floats: the same
values. Tests run the Monte Carlo both ways and compare every draw.

The passes run in the calling thread; `analysis.uncertainty.tally_range` draws the next block's random
numbers in another thread meanwhile, which is what the second core is for. Splitting the passes over
numba's threads too (`prange` over draws and streams) was measured slower on the 2-core machine: 1.1–1.2 s
of processor time for 1,000 draws instead of 0.75 s (OpenMP threads waiting, three threads on two cores),
and a longer wall time.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from cchc_rules import compiled

_NANO = 1e9
_VALUE, _EMPTY = 1, 0


available = compiled.available  # whether the compiled passes run (as the engine's)


def _survey_moves(indptr, indices, num, den, cnt, g_indptr, g_indices, g_sum, g_cnt, gc_indptr, gc_indices, gc_data,
                  by_form, any_by_form, x, asked_cell, asked_min, asked_keep, base_value, base_status, leaf_max,
                  missing_pts, missing_app, base_pts, base_app, max_nano, up_ptr, up_idx, dp, dm, da):
    # dp, dm, da: targets × draws; per asked cell, each draw's change is worked out (loops over the draws, which
    # the compiler vectorises), then added to the targets above the cell
    n_cells, k = indptr.size - 1, x.shape[1]
    asked_of = np.full(n_cells, -1, dtype=np.int64)
    for a in range(asked_cell.size):
        if asked_cell[a] >= 0:
            asked_of[asked_cell[a]] = a
    s_num = np.empty(k)
    s_den = np.empty(k)
    s_cnt = np.empty(k)
    means = np.empty(k)
    bottom = np.empty(k)
    gs = np.empty(k)
    gn = np.empty(k)
    step_p = np.empty(k, dtype=np.int64)
    step_a = np.empty(k, dtype=np.int64)
    for i in range(n_cells):
        a = asked_of[i]
        if a < 0:
            continue
        grouped = any_by_form and by_form[i]
        s_num[:] = 0.0
        s_den[:] = 0.0
        s_cnt[:] = 0.0
        if grouped:  # the count only: the mean is the forms'
            for jj in range(indptr[i], indptr[i + 1]):
                xr, wc = x[indices[jj]], cnt[jj]
                for d in range(k):
                    s_cnt[d] += wc * xr[d]
        else:
            for jj in range(indptr[i], indptr[i + 1]):  # the sums over answers, in the matrices' order
                xr, wa, wb, wc = x[indices[jj]], num[jj], den[jj], cnt[jj]
                for d in range(k):
                    xv = xr[d]
                    s_num[d] += wa * xv
                    s_den[d] += wb * xv
                    s_cnt[d] += wc * xv
        if grouped:  # the mean of the forms' means, weighted by form
            means[:] = 0.0
            bottom[:] = 0.0
            for jj in range(gc_indptr[i], gc_indptr[i + 1]):
                g, w = gc_indices[jj], gc_data[jj]
                gs[:] = 0.0
                gn[:] = 0.0
                for gg in range(g_indptr[g], g_indptr[g + 1]):
                    xr, wa, wb = x[g_indices[gg]], g_sum[gg], g_cnt[gg]
                    for d in range(k):
                        xv = xr[d]
                        gs[d] += wa * xv
                        gn[d] += wb * xv
                for d in range(k):
                    if gn[d] > 0:
                        means[d] += w * (gs[d] / gn[d])
                        bottom[d] += w * 1.0
                    else:
                        means[d] += w * 0.0
                        bottom[d] += w * 0.0
            for d in range(k):
                means[d] = means[d] / bottom[d]
        else:
            for d in range(k):
                means[d] = s_num[d] / s_den[d]
        moved = False
        for d in range(k):
            pts, app = _cell(means[d], s_cnt[d], asked_min[a], asked_keep[a], base_value[a], base_status[a],
                             leaf_max[a], missing_pts[a], missing_app[a], base_pts[a], base_app[a])
            step_p[d] = pts - base_pts[a]
            step_a[d] = app - base_app[a]
            moved = moved or step_a[d] != 0
        _add_up(a, step_p, step_a, moved, max_nano, up_ptr, up_idx, dp, dm, da)
    for a in range(asked_cell.size):  # cells without a counted answer: no value, the same in every draw
        if asked_cell[a] < 0:
            pts, app = _cell(np.nan, 0.0, asked_min[a], asked_keep[a], base_value[a], base_status[a], leaf_max[a],
                             missing_pts[a], missing_app[a], base_pts[a], base_app[a])
            step_p[:] = pts - base_pts[a]
            step_a[:] = app - base_app[a]
            _add_up(a, step_p, step_a, app != base_app[a], max_nano, up_ptr, up_idx, dp, dm, da)


def _add_up(a, step_p, step_a, moved, max_nano, up_ptr, up_idx, dp, dm, da):
    """Asked cell a's changes of points and applicability in each draw, added to the nodes above it."""
    k = step_p.size
    for t in range(up_ptr[a], up_ptr[a + 1]):
        col = up_idx[t]
        for d in range(k):
            dp[col, d] += step_p[d]
        if moved:
            for d in range(k):
                dm[col, d] += step_a[d] * max_nano[a]
                da[col, d] += step_a[d]


def _cell(m, count, minimum, keep, base_value, base_status, mx, missing_pts, missing_app, base_pts, base_app):
    """One asked cell in one draw: its value and status as the data layer sets them (`survey_values`), then its
    points and applicability as the engine scores a survey leaf (`survey_points`)."""
    enough = count >= minimum
    if keep and not enough:
        value, status = base_value, np.int64(base_status)
    elif enough:
        value, status = m, np.int64(_VALUE)
    else:
        value, status = np.nan, np.int64(_EMPTY)
    if status == _VALUE:
        raw = value * mx
        if not raw > 0.0:  # fmax(raw, 0): NaN and negatives → 0
            raw = 0.0
        if raw > mx:
            raw = mx
        return np.int64(np.rint(raw * _NANO)), np.int64(1)
    if status == _EMPTY:
        return np.int64(missing_pts), np.int64(1) if missing_app else np.int64(0)
    return np.int64(base_pts), np.int64(base_app)


def _noise_moves(z, sigma, grain, up_ptr, up_idx, row, sign, pts):
    out = np.empty(pts.shape[1], dtype=np.int64)
    for p in range(z.shape[0]):  # each stream's moves once, added to (or taken from) its draws' rows
        out[:] = 0
        _noise_stream(z[p], sigma, grain, up_ptr, up_idx, out)
        for d in range(row.size):
            if row[d] == p:
                if sign[d] > 0:
                    for j in range(out.size):
                        pts[d, j] += out[j]
                else:
                    for j in range(out.size):
                        pts[d, j] -= out[j]


def _noise_stream(z, sigma, grain, up_ptr, up_idx, out):
    """One stream's moves added to `out`: every cell's move (a vector pass), then added to the nodes above it."""
    step = np.empty(z.size, dtype=np.int64)
    for i in range(z.size):
        move = np.float64(z[i]) * sigma
        g = grain[i]
        grained = g * np.rint(move / (g if g > 0 else 1.0))
        step[i] = np.int64(np.rint((grained if g > 0 else move) * _NANO))
    for i in range(z.size):  # no test of a zero step: adding it costs less than a mispredicted branch
        for t in range(up_ptr[i], up_ptr[i + 1]):
            out[up_idx[t]] += step[i]


def _ranks(comb, order, ties, sel, pool, rank):
    for d in range(comb.shape[0]):
        _rank_draw(comb[d], order[d], ties[d], sel, pool, rank[d])


def _rank_draw(comb, order, ties, sel, pool, rank):
    """One draw of `_ranks`: `order` sorts (pool, key ↓); runs of equal keys are ordered by the tie-breaks."""
    m = sel.size
    n_tie = ties.shape[1]
    if n_tie:
        start = 0
        while start < m:  # runs of equal (pool, key): order them by the tie-breaks, descending
            end = start + 1
            while end < m and comb[order[end]] == comb[order[start]]:
                end += 1
            for a in range(start + 1, end):  # insertion sort of the (short) run
                cur = order[a]
                b = a - 1
                while b >= start:
                    prev = order[b]
                    better = False
                    for t in range(n_tie):
                        vp, vc = ties[sel[prev], t], ties[sel[cur], t]
                        if vc != vp:
                            better = vc > vp
                            break
                    if not better:
                        break
                    order[b + 1] = prev
                    b -= 1
                order[b + 1] = cur
            start = end
    pool_start = 0
    tie_start = 0
    for p in range(m):
        i = order[p]
        if p == 0 or pool[i] != pool[order[p - 1]]:
            pool_start = p
            tie_start = p
        else:
            j = order[p - 1]
            differ = comb[i] != comb[j]
            for t in range(n_tie):
                if differ:
                    break
                differ = ties[sel[i], t] != ties[sel[j], t]
            if differ:
                tie_start = p
        rank[sel[i]] = tie_start - pool_start + 1


def _zero_leaves(pts, app, cols, rows, out):
    for d in range(out.shape[0]):
        for r in range(rows.size):
            u = rows[r]
            n = 0
            for j in cols:
                if pts[d, u, j] == 0 and app[d, u, j]:
                    n += 1
            out[d, r] = n


def _count(hist, column):
    for d in range(column.shape[0]):
        for u in range(column.shape[1]):
            hist[u, column[d, u]] += 1


_count = compiled.compiled(_count)
_zero_leaves = compiled.compiled(_zero_leaves)
_cell = compiled.inlined(_cell, error_model="numpy")
_add_up = compiled.compiled(_add_up)
_survey_moves = compiled.compiled(_survey_moves, error_model="numpy")
_noise_stream = compiled.compiled(_noise_stream, error_model="numpy")
_noise_moves = compiled.compiled(_noise_moves)
_rank_draw = compiled.compiled(_rank_draw)
_ranks = compiled.compiled(_ranks)


def count(hist: np.ndarray, column: np.ndarray) -> None:
    """Add one to hist[unit, column[draw, unit]] for every draw and unit (`analysis.tally`)."""
    _count(hist, np.ascontiguousarray(column, dtype=np.int64))


def zero_leaves(pts: np.ndarray, app: np.ndarray, cols: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Per draw and unit of `rows`, how many of the columns `cols` are applicable with 0 points (draws × rows):
    one pass over each unit's columns (a `max_zero_leaves` gate)."""
    out = np.empty((pts.shape[0], rows.size), dtype=np.int64)
    _zero_leaves(pts, app, cols, rows, out)
    return out


def csr_up(matrix: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Row pointers and column indices of a sparse cells → targets map, as contiguous int64 arrays."""
    m = matrix.tocsr()
    return m.indptr.astype(np.int64), m.indices.astype(np.int64)


def noise_moves(z: np.ndarray, sigma: float, grain: np.ndarray, up: tuple[np.ndarray, np.ndarray], row: np.ndarray,
                sign: np.ndarray, pts: np.ndarray) -> None:
    """Add to `pts` (draws × width, C order) each draw's noise moves: draw d moves by its stream's (`row[d]`, a row
    of the standard normals z, streams × cells) when `sign[d]` is +1, by their opposite when −1."""
    _noise_moves(np.ascontiguousarray(z), float(sigma), grain, up[0], up[1], np.asarray(row, dtype=np.int64),
                 np.asarray(sign, dtype=np.int64), pts)


def ranks(key: np.ndarray, ties: np.ndarray, sel: np.ndarray, pool: np.ndarray, span: int) -> np.ndarray:
    """Ranks (draws × units; 0 when not ranked) of the units `sel` in their pools (`pool`, per unit of `sel`), by key
    (0 … span) descending then the tie-break columns `ties` (draws × units × tie-breaks) descending."""
    rank = np.zeros(key.shape, dtype=np.int64)
    m = sel.size
    if m == 0:
        return rank
    pool, span = pool.astype(np.int64), int(span)
    comb = pool * (span + 1) + (span - key[:, sel])  # per draw: ascending = by pool, then by key descending
    bits = max(int(m - 1).bit_length(), 1)
    if (int(pool.max()) + 1) * (span + 1) < 2 ** (62 - bits):  # numpy's sort of (comb, position) packed in one int64
        order = np.sort((comb << bits) | np.arange(m), axis=1) & ((1 << bits) - 1)
    else:
        order = np.argsort(comb, axis=1)
    _ranks(comb, order, np.ascontiguousarray(ties), sel.astype(np.int64), pool, rank)
    return rank


def survey_moves(args: tuple[np.ndarray | bool, ...], x: np.ndarray,
                 width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Changes of points, maximum and count of applicable leaves per target (draws × width) for multiplicities
    x (respondents × draws); `args`: the study's arrays (`uncertainty.MonteCarlo._survey_args`)."""
    k = x.shape[1]
    dp = np.zeros((width, k), dtype=np.int64)
    dm = np.zeros((width, k), dtype=np.int64)
    da = np.zeros((width, k), dtype=np.int64)
    _survey_moves(*args[:14], np.ascontiguousarray(x, dtype=np.float64), *args[14:], dp, dm, da)  # type: ignore[call-arg]
    return dp.T, dm.T, da.T
