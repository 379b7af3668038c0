"""Bands (thresholds, gates, quotas), per group, and ranks with tie-breaks (spec §5, §6).

Bands and ranks compare the index in nano-points (9 decimals), or the published figure
(back in nano-points) when `display.rank_on: published`. A unit that qualifies for no band
(possible only when the last band has gates) gets no band (−1).

Quantile bands (extension, `quantile: q`): the band's minimum is the q-quantile of the index of
the group's ranked units (`quantile_minimums`), then everything proceeds as with `min`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction

import numpy as np

from cchc_rules.engine.compile import Compiled, CompiledBand, CompiledGate
from cchc_rules.engine.rounding import published_nano


@dataclass(frozen=True)
class Demotion:
    """A unit moved down by a band's quota."""

    unit: int  # row in the inputs
    band_from: int  # code in Compiled.band_ids
    band_to: int  # −1 when no later band qualifies
    allowed: int
    count: int
    rank: int
    tied: bool  # fell because it was tied in rank across the boundary (ties: drop_all)


@dataclass
class Graded:
    key: np.ndarray  # int64 nano: what bands and ranks compare
    band: np.ndarray  # int64 code in Compiled.band_ids, −1 none
    rank: np.ndarray  # int64, 0 when not ranked
    ranked: np.ndarray  # bool
    demotions: list[Demotion]
    minimums: dict[int, np.ndarray] = field(default_factory=dict)  # group → band minima (nano) of quantile tables


def grade(
    c: Compiled, index: np.ndarray, pts: np.ndarray, mx: np.ndarray, app: np.ndarray, groups: np.ndarray,
    flags: np.ndarray, unscored: np.ndarray | None = None,
) -> Graded:
    """Bands and ranks of every unit; an `unscored` unit (nothing applicable) is neither ranked nor banded."""
    key = published_nano(index, c.decimals) if c.rank_on_published else index
    ranked = ~flags[:, c.exclude_flag] if c.exclude_flag >= 0 else np.ones(index.size, dtype=bool)
    if unscored is not None:
        ranked &= ~unscored
    pool = groups if c.rank_within_group else np.zeros_like(groups)
    rank = rank_units(key, pts.T[c.tie_break].T, pool, ranked)  # the columns of the nodes × units layout
    band = np.full(index.size, -1, dtype=np.int64)
    demotions: list[Demotion] = []
    minimums: dict[int, np.ndarray] = {}
    for g, table in enumerate(c.band_tables):
        rows = np.flatnonzero(groups == g)
        if rows.size == 0:
            continue
        mins = None
        if any(b.quantile is not None for b in table):
            among = rows[ranked[rows]] if ranked[rows].any() else rows
            mins = minimums[g] = quantile_minimums(key[among], [b.quantile or 0.0 for b in table])
        by_band = qualify(table, key, pts, mx, app, flags, mins).T[:, rows]  # whole columns, then the group's units
        local = np.full(rows.size, -1, dtype=np.int64)  # the first band each unit qualifies for, −1 none
        for b in range(len(table) - 1, -1, -1):
            local[by_band[b]] = b
        q = by_band.T  # units × bands
        local = _quotas(table, rows, local, q, rank[rows], ranked[rows], demotions)
        codes = np.array([b.code for b in table] + [-1], dtype=np.int64)
        band[rows] = codes[local]
    if unscored is not None:
        band[unscored] = -1
    return Graded(key, band, rank, ranked, demotions, minimums)


def quantile_minimums(keys: np.ndarray, quantiles: Sequence[float]) -> np.ndarray:
    """The minimum (nano-points, inclusive) of each quantile band, from the keys of one group's ranked units.

    The q-quantile is interpolated linearly between the sorted keys at position q × (n − 1) (numpy's
    default, Excel's PERCENTILE.INC), exactly (decimal q, rational interpolation), then rounded up
    to a whole nano-point: a unit whose key is at or above it is in the band. Ties therefore stay
    together, and with 63 units the quartiles (0.75, 0.5, 0.25, 0) give PAPI 2020's 16, 16, 15, 16.
    q = 0 is the lowest key: every unit qualifies. No keys: every minimum is 0.
    """
    ordered = np.sort(np.asarray(keys, dtype=np.int64))
    out = np.zeros(len(quantiles), dtype=np.int64)
    if ordered.size == 0:
        return out
    for b, q in enumerate(quantiles):
        position = Fraction(Decimal(repr(float(q)))) * (ordered.size - 1)
        low = math.floor(position)
        high = min(low + 1, ordered.size - 1)
        cut = int(ordered[low]) + (position - low) * (int(ordered[high]) - int(ordered[low]))
        out[b] = math.ceil(cut)
    return out


def qualify(
    table: tuple[CompiledBand, ...], key: np.ndarray, pts: np.ndarray, mx: np.ndarray, app: np.ndarray,
    flags: np.ndarray, mins: np.ndarray | None = None,
) -> np.ndarray:
    """Units × bands of the table: the threshold (`mins` for quantile bands) is met and every gate holds (a view
    of a bands × units array)."""
    out = np.zeros((len(table), key.size), dtype=bool)
    for b, band in enumerate(table):
        ok = out[b]
        np.greater_equal(key, band.min_nano if mins is None else mins[b], out=ok)
        for gate in band.gates:
            ok &= gate_holds(gate, pts, mx, app, flags)
    return out.T


def gate_holds(gate: CompiledGate, pts: np.ndarray, mx: np.ndarray, app: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """Per unit, whether the gate holds; a gate on a node out of the unit's maximum holds."""
    if gate.kind == "flag":
        return flags[:, gate.flag] == gate.is_
    n = gate.node
    out = ~app[:, n]
    if gate.kind == "min_share":
        with np.errstate(invalid="ignore", divide="ignore"):
            return out | (pts[:, n] / mx[:, n] >= gate.threshold)
    if gate.kind == "min":
        return out | (pts[:, n] >= gate.threshold_nano)
    return out | (zero_leaves(gate, pts, app) <= gate.threshold)


def zero_leaves(gate: CompiledGate, pts: np.ndarray, app: np.ndarray) -> np.ndarray:
    """Applicable leaves with 0 points under a max_zero_leaves gate's node, per unit."""
    return ((pts[:, gate.leaves] == 0) & app[:, gate.leaves]).sum(axis=1)


def rank_units(key: np.ndarray, tie: np.ndarray, pool: np.ndarray, ranked: np.ndarray) -> np.ndarray:
    """Ranks (1 = best) within each pool, ties sharing the best place (1, 2, 2, 4); 0 when not ranked.

    Order: key descending, then each tie-break column descending (`rank_order`).
    """
    rank = np.zeros(key.size, dtype=np.int64)
    sel = np.flatnonzero(ranked)
    if sel.size == 0:
        return rank
    every = sel.size == key.size  # every unit ranked: the columns themselves, no copies
    cols = [key[sel], *(tie[sel, j] for j in range(tie.shape[1]))] if not every else [key, *tie.T]
    order = rank_order(cols[0], tie if every else tie[sel], pool if every else pool[sel])
    ps = pool[order] if every else pool[sel][order]
    pos = np.arange(sel.size)
    new_pool = np.r_[True, ps[1:] != ps[:-1]]
    new_tie = new_pool.copy()
    for col in cols:
        s = col[order]
        new_tie[1:] |= s[1:] != s[:-1]
    pool_start = np.maximum.accumulate(np.where(new_pool, pos, 0))
    tie_start = np.maximum.accumulate(np.where(new_tie, pos, 0))
    rank[order if every else sel[order]] = tie_start - pool_start + 1
    return rank


def rank_order(key: np.ndarray, tie: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """The positions of `key` in rank order: pool ascending, key descending, then each column of `tie` (n × k)
    descending, then position: `np.lexsort` of those keys, which it returns exactly.

    Pool, key and position are packed into one int64 per unit and sorted at once (a plain sort of distinct
    numbers needs no stability); only the runs of units equal in pool and key are then ordered by the
    tie-break columns. Keys too wide to pack (pools × key range × units ≥ 2⁶³) go to `np.lexsort` directly.
    """
    n = key.size
    if n == 0:
        return np.zeros(0, dtype=np.intp)
    lo, hi = int(key.min()), int(key.max())
    p_lo, p_hi = int(pool.min()), int(pool.max())
    if (p_hi - p_lo + 1) * (hi - lo + 1) * n >= 2**63:
        cols = [key, *(tie[:, j] for j in range(tie.shape[1]))]
        return np.lexsort([*(-col for col in reversed(cols)), pool])
    packed = np.sort(((pool - p_lo) * (hi - lo + 1) + (hi - key)) * n + np.arange(n))
    order = packed % n
    if tie.shape[1]:
        level = packed // n
        same = level[1:] == level[:-1]
        if same.any():  # runs of units equal in pool and key: by the tie-break columns, keeping their order
            at = np.flatnonzero(np.r_[False, same] | np.r_[same, False])
            run = np.cumsum(np.r_[True, ~same])[at]
            sub = order[at]
            order[at] = sub[np.lexsort([*(-tie[sub, j] for j in reversed(range(tie.shape[1]))), run])]
    return order


def _quotas(
    table: tuple[CompiledBand, ...], rows: np.ndarray, local: np.ndarray, q: np.ndarray, rank: np.ndarray,
    ranked: np.ndarray, demotions: list[Demotion],
) -> np.ndarray:
    """Apply the table's quotas, best band first, to the ranked units of one group (rank order)."""
    local = local.copy()
    for b, band in enumerate(table):
        if band.max_share is None:
            continue
        counted = ranked if band.of is None else ranked & np.isin(local, band.of)
        count = int(counted.sum())
        allowed = int((band.max_share * count).to_integral_value(rounding=ROUND_FLOOR))
        holders = np.flatnonzero(ranked & (local == b))
        if holders.size <= allowed:
            continue
        holders = holders[np.argsort(rank[holders], kind="stable")]
        r = rank[holders]
        fall = np.arange(holders.size) >= allowed
        tied = np.zeros(holders.size, dtype=bool)
        if allowed > 0 and r[allowed - 1] == r[allowed]:
            at_boundary = r == r[allowed]
            if band.keep_ties:
                fall &= ~at_boundary
            else:
                tied = at_boundary & ~fall
                fall |= at_boundary
        later = q[holders[fall], b + 1:]
        to = np.where(later.any(axis=1), b + 1 + later.argmax(axis=1), -1)
        for unit, dest, was_tied, rk in zip(holders[fall], to, tied[fall], r[fall]):
            dest_code = table[dest].code if dest >= 0 else -1
            demotions.append(Demotion(int(rows[unit]), band.code, dest_code, allowed, count, int(rk), bool(was_tied)))
        local[holders[fall]] = to
    return local
