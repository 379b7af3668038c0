"""Rank correlation of two rankings pooled within groups (ranks of different groups are not comparable).

Kendall's tau-b with S = Σ_g S_g over Σ_g of the pair counts, Spearman as the Pearson correlation of
average ranks centred within each group. With one group they are the textbook tau-b and Spearman rho.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def rank_correlation(units: pd.DataFrame, a: str, b: str, pools: np.ndarray) -> tuple[float | None, float | None]:
    """Kendall's tau-b and Spearman's rho of two rank columns, pooled within `pools` (see the module's docstring).

    Rows where either rank is missing are left out; None when no pool has two ranked units.
    """
    from scipy.stats import kendalltau, rankdata

    ok = (units[a].notna() & units[b].notna()).to_numpy()
    x = units.loc[ok, a].to_numpy(dtype=float)
    y = units.loc[ok, b].to_numpy(dtype=float)
    p = np.asarray(pools)[ok]
    s_sum = nx_sum = ny_sum = 0.0
    sxy = sxx = syy = 0.0
    for g in np.unique(p):
        xs, ys = x[p == g], y[p == g]
        if xs.size < 2:
            continue
        n0 = xs.size * (xs.size - 1) / 2
        dx, dy = n0 - _tied_pairs(xs), n0 - _tied_pairs(ys)
        tau = kendalltau(xs, ys).statistic
        if dx > 0 and dy > 0:
            s_sum += tau * np.sqrt(dx * dy)
        nx_sum, ny_sum = nx_sum + dx, ny_sum + dy
        rx, ry = rankdata(xs), rankdata(ys)
        rx, ry = rx - rx.mean(), ry - ry.mean()
        sxy, sxx, syy = sxy + rx @ ry, sxx + rx @ rx, syy + ry @ ry
    tau = s_sum / np.sqrt(nx_sum * ny_sum) if nx_sum > 0 and ny_sum > 0 else None
    rho = sxy / np.sqrt(sxx * syy) if sxx > 0 and syy > 0 else None
    return (None if tau is None else float(tau)), (None if rho is None else float(rho))


def _tied_pairs(values: np.ndarray) -> float:
    _, counts = np.unique(values, return_counts=True)
    return float((counts * (counts - 1) / 2).sum())
