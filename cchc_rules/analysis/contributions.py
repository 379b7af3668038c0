"""What explains each unit's index change: top-level contributions (`contributions`) that add up to it.

Analysis returns data only: a special row's `name` is None (its label is the report's, `report.labels`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cchc_rules.dsl.diff import match_nodes
from cchc_rules.engine.rounding import NANO
from cchc_rules.i18n import pick

if TYPE_CHECKING:
    from cchc_rules.analysis.paired import Paired
    from cchc_rules.engine.result import Result

SPECIAL_ROWS = ("applicable_max", "adjustments", "clamping")


@dataclass
class _Arrays:
    """One result's figures per row, for the decomposition (an extra NaN row at the end stands for 'absent')."""

    points: np.ndarray  # rows × top-level nodes (0 when out)
    max: np.ndarray
    earned: np.ndarray
    possible: np.ndarray
    adjustment: np.ndarray
    clamping: np.ndarray
    scale: float

    @classmethod
    def of(cls, result: Result) -> _Arrays:
        top = result.compiled.top
        pts = np.nan_to_num(result.node_points[:, top])
        mx = result.node_max[:, top]
        earned = result.totals.earned / NANO
        possible = scored_possible(result)
        adj = result.units["adjustment"].to_numpy(dtype=float)
        scale = float(result.rulebook.scale)
        clamping = result.index - scale * earned / possible - adj

        return cls(padded(pts), padded(mx), padded(earned), padded(possible), padded(adj), padded(clamping), scale)


def scored_possible(result: Result) -> np.ndarray:
    """Each unit's applicable maximum in points; NaN for an unscored unit (nothing to decompose)."""
    return np.where(result.unscored, np.nan, result.totals.possible / NANO)


def padded(a: np.ndarray) -> np.ndarray:
    """`a` with an extra NaN row at the end: the row an absent side (−1) reads."""
    return np.concatenate([a, np.full((1, *a.shape[1:]), np.nan)])


def _node_pairs(base: Result, variant: Result) -> list[tuple[int, int, str, str | None]]:
    """Aligned top-level nodes: (base column or −1, variant column or −1, item id, base id)."""
    b_ids = [base.node_ids[i] for i in base.compiled.top]
    v_ids = [variant.node_ids[i] for i in variant.compiled.top]
    b_nodes, v_nodes = base.rulebook.nodes(), variant.rulebook.nodes()
    matched = match_nodes({i: b_nodes[i] for i in b_ids}, {i: v_nodes[i] for i in v_ids})
    out = [(b_ids.index(matched[v]) if v in matched else -1, j, v, matched.get(v)) for j, v in enumerate(v_ids)]
    used = set(matched.values())
    out += [(i, -1, b, b) for i, b in enumerate(b_ids) if b not in used]
    return out


def contributions(comp: Paired, lang: str | None) -> pd.DataFrame:
    base, variant = comp.base, comp.variant
    B, V = _Arrays.of(base), _Arrays.of(variant)
    nodes = _node_pairs(base, variant)
    unit_of, bi, vi = unit_pairs(comp)

    def cols(a: np.ndarray, rows: np.ndarray, which: int) -> np.ndarray:
        """The aligned node columns of `a` at `rows` (0 for a node the side's rulebook lacks)."""
        return np.stack([a[rows, c] if c >= 0 else np.zeros(rows.size) for c in (n[which] for n in nodes)], 1)

    pb, pv = cols(B.points, bi, 0), cols(V.points, vi, 1)
    mb, mv = cols(B.max, bi, 0), cols(V.max, vi, 1)
    Mb, Mv, Pb, Pv = B.possible[bi], V.possible[vi], B.earned[bi], V.earned[vi]
    # Columns: one per node, then applicable_max, adjustments, clamping; f = scale ÷ applicable maximum.
    fb, fv = B.scale / Mb, V.scale / Mv
    delta = np.column_stack([
        (pv - pb) * ((fb + fv) / 2)[:, None],
        (Pb + Pv) / 2 * (fv - fb),
        V.adjustment[vi] - B.adjustment[bi],
        V.clamping[vi] - B.clamping[bi],
    ])
    delta[np.isnan(Mb) | np.isnan(Mv)] = np.nan  # absent or unscored on a side: no decomposition
    zeros, blank = np.zeros((unit_of.size, 1)), np.full((unit_of.size, 1), np.nan)
    sides = {
        "points": (np.column_stack([pb, Pb, blank, blank]), np.column_stack([pv, Pv, blank, blank])),
        "max": (np.column_stack([mb, Mb, blank, blank]), np.column_stack([mv, Mv, blank, blank])),
        "contribution": (
            np.column_stack([B.scale * pb / Mb[:, None], zeros, B.adjustment[bi], B.clamping[bi]]),
            np.column_stack([V.scale * pv / Mv[:, None], zeros, V.adjustment[vi], V.clamping[vi]]),
        ),
    }
    # Absent sides: NaN everywhere on that side.
    for name, (b, v) in sides.items():
        b[bi < 0], v[vi < 0] = np.nan, np.nan
        sides[name] = (mean_by(b, unit_of), mean_by(v, unit_of))
    delta = mean_by(delta, unit_of)

    n_units, n_items = delta.shape
    items = [n[2] for n in nodes] + list(SPECIAL_ROWS)
    b_nodes, v_nodes = base.rulebook.nodes(), variant.rulebook.nodes()
    names = [pick((v_nodes.get(n[2]) or b_nodes[n[2]]).name, lang) for n in nodes]
    names += [None] * len(SPECIAL_ROWS)  # labelled by the report
    table = {
        "unit_id": np.repeat(comp.units["unit_id"].to_numpy(), n_items),
        "item": np.tile(items, n_units),
        "kind": np.tile(["node"] * len(nodes) + list(SPECIAL_ROWS), n_units),
        "node_base": np.tile([n[3] for n in nodes] + [None] * len(SPECIAL_ROWS), n_units),
        "name": np.tile(names, n_units),
    }
    for name, (b, v) in sides.items():
        table[f"{name}_base"] = b.ravel()
        table[f"{name}_variant"] = v.ravel()
    table["delta"] = delta.ravel()
    return pd.DataFrame(table)


def unit_pairs(comp: Paired) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One pair (comparison unit, base row, variant row) per predecessor, sorted by unit; −1 for an absent side
    (the row of NaN or zeros that the callers pad their arrays with)."""
    b_rows = dict(zip(comp.base_side.table["unit_id"], comp.base_side.table["rows"]))
    v_rows = dict(zip(comp.variant_side.table["unit_id"], comp.variant_side.table["rows"]))
    unit_of, bi, vi = [], [], []
    for u, unit_id in enumerate(comp.units["unit_id"]):
        v = v_rows.get(unit_id, (-1,))[0]
        for b in b_rows.get(unit_id, (-1,)):
            unit_of.append(u)
            bi.append(b)
            vi.append(v)
    return np.array(unit_of, dtype=np.int64), np.array(bi, dtype=np.int64), np.array(vi, dtype=np.int64)


def mean_by(values: np.ndarray, unit_of: np.ndarray) -> np.ndarray:
    """Mean of the rows of each unit (rows sorted by unit)."""
    counts = np.bincount(unit_of)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    return np.add.reduceat(values, starts, axis=0) / counts[:, None]
