"""What a Monte Carlo study keeps of its draws, flat in their number, and how partial tallies add up.

Per unit: a histogram of ranks, counts of bands, a histogram of the index (to the nearest scale ÷
10,000) with its exact minimum and maximum. Tallies of disjoint sets of draws merge exactly
(`Tally.merge`: counts add, minima and maxima combine), so draws may be counted in any order, in
any number of pieces, on any machine: the table is the same.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cchc_rules.analysis import mc_kernels
from cchc_rules.engine.compile import Compiled
from cchc_rules.engine.result import Result
from cchc_rules.engine.rounding import NANO

INDEX_BINS = 10_000


@dataclass(frozen=True)
class Packed:
    """A tally's non-zero counts, (rows, columns, counts) per array, with its minima, maxima and draws."""

    ranks: tuple[np.ndarray, np.ndarray, np.ndarray]
    bands: tuple[np.ndarray, np.ndarray, np.ndarray]
    hist: tuple[np.ndarray, np.ndarray, np.ndarray]
    low: np.ndarray
    high: np.ndarray
    draws: int


class Tally:
    """Per unit: rank histogram, band counts, index histogram with exact min and max.

    Counts are 16-bit up to 65,535 draws (32-bit beyond): units × (largest group + bands + 10,002) × 2
    bytes, whatever the number of draws: about 15 MB for 700 units, 400 MB for 10,000 communes in one group.
    `draws` is the study's total (it sets the width of the counts, the same in every partial tally).
    """

    def __init__(self, c: Compiled, base: Result, draws: int):
        n = len(base.units)
        self.n = n
        self.draws = 0
        pool = base.group_codes if c.rank_within_group else np.zeros(n, dtype=np.int64)
        self.max_rank = int(np.bincount(pool[base.graded.ranked], minlength=1).max())  # the largest pool
        count = np.uint16 if draws < 2**16 else np.uint32
        self.ranks = np.zeros((n, self.max_rank + 1), dtype=count)
        self.bands = np.zeros((n, len(c.band_ids) + 1), dtype=count)  # last column: no band
        self.bin = max(c.scale_nano // INDEX_BINS, 1)
        self.hist = np.zeros((n, INDEX_BINS + 1), dtype=count)
        self.low = np.full(n, np.iinfo(np.int64).max)
        self.high = np.full(n, np.iinfo(np.int64).min)

    def add(self, index: np.ndarray, band: np.ndarray, rank: np.ndarray) -> None:
        """Count one chunk (arrays draws × units)."""
        _count(self.ranks, rank)
        _count(self.bands, np.where(band < 0, self.bands.shape[1] - 1, band))
        _count(self.hist, np.minimum((index + self.bin // 2) // self.bin, INDEX_BINS))  # nearest bin
        self.low = np.minimum(self.low, index.min(axis=0))
        self.high = np.maximum(self.high, index.max(axis=0))
        self.draws += index.shape[0]

    def pack(self) -> Packed:
        """The counts as (row, column, count) of their non-zero cells: what a Dask task sends back (a few MB where
        the full arrays of 3,400 units weigh 92 MB)."""
        def cells(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            rows, cols = np.nonzero(a)
            return rows.astype(np.int32), cols.astype(np.int32), a[rows, cols]

        return Packed(cells(self.ranks), cells(self.bands), cells(self.hist), self.low, self.high, self.draws)

    def merge(self, other: Tally | Packed) -> None:
        """Add the counts of another tally of the same study (other draws), whole or packed."""
        if isinstance(other, Packed):
            for mine, (rows, cols, counts) in ((self.ranks, other.ranks), (self.bands, other.bands),
                                               (self.hist, other.hist)):
                mine[rows, cols] += counts  # each (row, column) once per packed tally
        else:
            self.ranks += other.ranks
            self.bands += other.bands
            self.hist += other.hist
        self.low = np.minimum(self.low, other.low)
        self.high = np.maximum(self.high, other.high)
        self.draws += other.draws

    def table(self, c: Compiled, base: Result) -> pd.DataFrame:
        """Per unit the baseline, rank and index quantiles (median, 5 %, 95 %) and each band's share."""
        u = base.units
        out = u[["unit_id", "name", "group", "index", "band", "rank"]].copy()
        ranked = base.graded.ranked
        names = ("median", "p05", "p95")
        for name, r in zip(names, _quantiles(self.ranks, (0.5, 0.05, 0.95)), strict=True):
            r = pd.array(r, dtype="Int64")
            r[~ranked] = pd.NA
            out[f"rank_{name}"] = r
        for name, b in zip(names, _quantiles(self.hist, (0.5, 0.05, 0.95), averaged=True), strict=True):
            out[f"index_{name}"] = np.clip(b * self.bin, self.low, self.high) / NANO
        share = self.bands / max(self.draws, 1)
        for j, bid in enumerate(c.band_ids):
            out[f"p_{bid}"] = share[:, j]
        if any(table[-1].gates for table in c.band_tables):
            out["p_none"] = share[:, -1]
        return out


def _count(hist: np.ndarray, column: np.ndarray) -> None:
    """Add one to hist[unit, column[draw, unit]] for every draw and unit (one bin per unit and draw)."""
    if mc_kernels.available():
        mc_kernels.count(hist, column)
        return
    units = np.arange(hist.shape[0])
    for row in column:
        hist[units, row] += 1


def _quantiles(hist: np.ndarray, qs: tuple[float, ...], averaged: bool = False) -> list[np.ndarray]:
    """Per row, for each q the smallest bin whose cumulative count reaches q × total (inverted CDF); with
    `averaged`, where q × total is whole, the mean of that bin and the next value's (numpy's
    `averaged_inverted_cdf`): the median of a sample symmetric around a value is then that value."""
    cum = np.cumsum(hist, axis=1, dtype=hist.dtype)
    total = cum[:, -1:].astype(np.int64)
    out = []
    for q in qs:
        k = q * total
        low = (cum < np.ceil(k).clip(min=1)).sum(axis=1)
        if averaged:
            whole = (k == np.floor(k)).ravel() & (k.ravel() < total.ravel())
            high = (cum < (np.floor(k) + 1).clip(min=1)).sum(axis=1)
            low = np.where(whole, (low + high) / 2, low)
        out.append(low)
    return out
