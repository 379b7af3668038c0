"""Units in the order people read a ranking: by group (the rulebook's order), then by rank, unranked last."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def ranked(units: pd.DataFrame, groups: Sequence[str] = (), rank: str = "rank", index: str = "index") -> pd.DataFrame:
    """`units` sorted by group (in `groups`' order, others after in their first order), then `rank`;
    unranked units last in their group, by `index` from the highest. Nothing else changes."""
    if "group" not in units.columns or rank not in units.columns:
        return units
    seen = list(dict.fromkeys([*map(str, groups), *units["group"].astype(str)]))
    keys = pd.DataFrame({
        "group": units["group"].astype(str).map({g: i for i, g in enumerate(seen)}).to_numpy(),
        "unranked": units[rank].isna().to_numpy(),
        "rank": pd.to_numeric(units[rank], errors="coerce").to_numpy(),
        "index": -pd.to_numeric(units[index], errors="coerce").fillna(float("-inf")).to_numpy()
        if index in units.columns else 0.0,
    })
    order = keys.sort_values(["group", "unranked", "rank", "index"], kind="stable").index
    return units.iloc[order.to_numpy()].reset_index(drop=True)
