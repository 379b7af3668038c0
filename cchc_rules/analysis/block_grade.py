"""Bands and ranks of a block of Monte Carlo draws at once (draws × units), as `engine.grading.grade` gives them.

`BlockGrader(c, needed, ...)` prepares, once per study, what `grade` reads: the node columns
(`needed`: top-level nodes, tie-breaks, gate nodes and the leaves of `max_zero_leaves` gates, in
that order of use), the pools, the units ranked, each quota's allowed count for every possible
count. `grade(key, pts, mx, app, shift, factor)` then grades K draws in a few array operations:

- ranks: `grading.rank_units` once over every draw's ranked units, each draw's pools kept apart;
- bands: per group, each band's threshold (moved by the draw's `shift` when above 0) and gates
  (a `min` gate's threshold divided by the draw's weight factor of its node and rounded up, as
  `uncertainty.drawn_bands`), the first band qualified, then the quotas best band first with
  their tie rules (`drop_all`, `keep_all`) and the fallen units moved to the next band they
  qualify for, as `grading._quotas`.

Quantile bands and ranking on the published figure are not handled here (`supported`): the
Monte Carlo then grades draw by draw with the engine. A test grades random blocks both ways.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR

import numpy as np

from cchc_rules.analysis import mc_kernels
from cchc_rules.engine import grading
from cchc_rules.engine.compile import Compiled, CompiledGate


def supported(c: Compiled) -> bool:
    """Whether blocks of draws can be graded here (no quantile band, ranks on the unrounded index)."""
    return not c.rank_on_published and not any(b.quantile is not None for t in c.band_tables for b in t)


def needed_columns(c: Compiled) -> np.ndarray:
    """The node columns grading and the index read: the top-level nodes (first, in order), then the tie-breaks, gate
    nodes and zero-leaf gate leaves that are not top-level, ascending."""
    cols = [np.asarray(c.top), np.asarray(c.tie_break, dtype=np.int64)]
    for table in c.band_tables:
        for band in table:
            for g in band.gates:
                if g.kind != "flag":
                    cols.append(np.array([g.node]))
                if g.kind == "max_zero_leaves":
                    cols.append(np.asarray(g.leaves, dtype=np.int64))
    top = np.asarray(c.top, dtype=np.int64)
    rest = np.setdiff1d(np.concatenate(cols).astype(np.int64), top)
    return np.concatenate([top, rest])  # the top-level nodes first, in order: a slice of the narrow arrays


class BlockGrader:
    """Grading of blocks of draws for one study (compiled rulebook, groups, flags, units ranked)."""

    def __init__(self, c: Compiled, needed: np.ndarray, groups: np.ndarray, flags: np.ndarray,
                 unscored: np.ndarray, top_of: np.ndarray):
        self.c = c
        self.col = {int(node): i for i, node in enumerate(needed)}  # node → column in the narrow arrays
        self.groups, self.flags = groups, flags
        self.unscored = unscored
        ranked = ~flags[:, c.exclude_flag] if c.exclude_flag >= 0 else np.ones(groups.size, dtype=bool)
        self.ranked = ranked & ~unscored
        self.sel = np.flatnonzero(self.ranked)
        self.pool = (groups if c.rank_within_group else np.zeros_like(groups))[self.sel]
        self.tie = [self.col[int(t)] for t in c.tie_break]
        self.top_of = top_of
        self.rows = [np.flatnonzero(groups == g) for g in range(len(c.band_tables))]
        self.allowed: dict[tuple[int, int], np.ndarray] = {}
        for g, table in enumerate(c.band_tables):
            for b, band in enumerate(table):
                if band.max_share is not None:
                    self.allowed[g, b] = np.array(
                        [int((band.max_share * k).to_integral_value(rounding=ROUND_FLOOR))
                         for k in range(self.rows[g].size + 1)], dtype=np.int64)

    # ------------------------------------------------------------ ranks
    def rank(self, key: np.ndarray, pts: np.ndarray) -> np.ndarray:
        """Ranks (K × units) within each pool, 0 for units not ranked: `grading.rank_units` for every draw."""
        if mc_kernels.available():
            return mc_kernels.ranks(key, pts[:, :, self.tie], self.sel, self.pool, self.c.scale_nano)
        k, n = key.shape
        rank = np.zeros((k, n), dtype=np.int64)
        m = self.sel.size
        if m == 0:
            return rank
        pools = int(self.pool.max()) + 1
        pool = (np.arange(k)[:, None] * pools + self.pool).ravel()  # each draw's pools apart from the others'
        tie = np.stack([pts[:, self.sel, t].ravel() for t in self.tie], axis=1) if self.tie else np.empty((k * m, 0))
        flat = grading.rank_units(key[:, self.sel].ravel(), tie, pool, np.ones(k * m, dtype=bool))
        rank[:, self.sel] = flat.reshape(k, m)
        return rank

    # ------------------------------------------------------------ bands
    def _gate(self, g: CompiledGate, rows: np.ndarray, pts: np.ndarray, mx: np.ndarray, app: np.ndarray,
              factor: np.ndarray | None) -> np.ndarray:
        """Per draw and unit of `rows`, whether the gate holds (`grading.gate_holds`)."""
        if g.kind == "flag":
            return np.broadcast_to(self.flags[rows, g.flag] == g.is_, (pts.shape[0], rows.size))
        if g.kind == "max_zero_leaves":
            cols = np.array([self.col[int(j)] for j in g.leaves], dtype=np.int64)
            if mc_kernels.available():
                zeros = mc_kernels.zero_leaves(pts, app, cols, rows)
            else:
                zeros = ((pts[:, :, cols] == 0) & app[:, :, cols]).sum(axis=2)[:, rows]
            return ~app[:, rows, self.col[g.node]] | (zeros <= g.threshold)
        j = self.col[g.node]
        out = ~app[:, rows, j]
        p = pts[:, rows, j]
        if g.kind == "min_share":
            with np.errstate(invalid="ignore", divide="ignore"):
                return out | (p / mx[:, rows, j] >= g.threshold)
        if factor is None:
            return out | (p >= g.threshold_nano)
        threshold = np.ceil(g.threshold_nano / factor[:, self.top_of[g.node]]).astype(np.int64)
        return out | (p >= threshold[:, None])

    def grade(self, key: np.ndarray, pts: np.ndarray, mx: np.ndarray, app: np.ndarray, shift: np.ndarray,
              factor: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Band codes (−1: none) and ranks of every unit in each draw (K × units). `key`: index (nano), K × units;
        `pts`, `mx`, `app`: the narrow node columns, K × units × columns; `shift`: per draw, nano-points added to
        every band minimum above 0; `factor`: per draw the top-level weight multipliers (None: unweighted)."""
        k, n = key.shape
        rank = self.rank(key, pts)
        band = np.full((k, n), -1, dtype=np.int64)
        for g, table in enumerate(self.c.band_tables):
            rows = self.rows[g]
            if rows.size == 0:
                continue
            q = []  # per band, K × rows: whether the unit qualifies (threshold and gates)
            kr = key[:, rows]
            for bd in table:
                ok = kr >= (bd.min_nano + shift[:, None] if bd.min_nano > 0 else bd.min_nano)
                for gate in bd.gates:
                    ok &= self._gate(gate, rows, pts, mx, app, factor)
                q.append(ok)
            local = _first(q, 0, np.full((k, rows.size), -1, dtype=np.int64))
            local = self._quotas(g, table, local, q, rank[:, rows], self.ranked[rows])
            codes = np.array([b.code for b in table] + [-1], dtype=np.int64)
            band[:, rows] = codes[local]
        band[:, self.unscored] = -1
        return band, rank

    def _quotas(self, g: int, table: tuple, local: np.ndarray, q: list[np.ndarray], rank: np.ndarray,
                ranked: np.ndarray) -> np.ndarray:
        """`grading._quotas` for every draw: best band first, the holders beyond the allowed count (in rank order,
        rows in order among equal ranks) fall to the next band they qualify for (−1: none)."""
        k, m = local.shape
        for b, band in enumerate(table):
            if band.max_share is None:
                continue
            counted = ranked[None, :] if band.of is None else ranked[None, :] & np.isin(local, band.of)
            count = np.broadcast_to(counted, (k, m)).sum(axis=1)
            allowed = self.allowed[g, b][count]
            holder = ranked[None, :] & (local == b)
            held = holder.sum(axis=1)
            over = np.flatnonzero(held > allowed)
            if over.size == 0:
                continue
            h, a, nh = holder[over], allowed[over], held[over]
            big = np.iinfo(np.int64).max
            order = np.argsort(np.where(h, rank[over], big), axis=1, kind="stable")
            r = np.take_along_axis(np.where(h, rank[over], big), order, axis=1)
            pos = np.arange(m)[None, :]
            is_holder = pos < nh[:, None]
            fall = (pos >= a[:, None]) & is_holder
            boundary_rank = np.take_along_axis(r, np.minimum(a, m - 1)[:, None], axis=1)
            prev_rank = np.take_along_axis(r, np.maximum(a - 1, 0)[:, None], axis=1)
            tie = ((a > 0) & (prev_rank[:, 0] == boundary_rank[:, 0]))[:, None]
            at_boundary = tie & is_holder & (r == boundary_rank)
            fall = fall & ~at_boundary if band.keep_ties else fall | at_boundary
            to = _first(q, b + 1, np.full((over.size, m), -1, dtype=np.int64), over)  # per row: where it would fall
            d, p = np.nonzero(fall)
            unit = order[d, p]
            local[over[d], unit] = to[d, unit]
        return local


def _first(q: list[np.ndarray], start: int, out: np.ndarray, draws: np.ndarray | None = None) -> np.ndarray:
    """Per draw and unit, the first band from `start` on that it qualifies for (`q`: per band, K × rows), else `out`'s
    value (−1); only the draws `draws` when given. The bands are taken from the last up, each overwriting."""
    for b in range(len(q) - 1, start - 1, -1):
        ok = q[b] if draws is None else q[b][draws]
        out = np.where(ok, b, out)
    return out
