"""Sensitivity: what each criterion does to the ranking, and criteria that do not discriminate.

`remove_one(rulebook, dataset)`: for each top-level node and each node one level below it (or
the nodes asked for), the dataset is scored again without the node, and the rank shift and band
changes are summarised per node; `remove_one_units` gives the same per unit × node. Removing a
node takes its leaves out of every unit's applicable maximum, so the index is renormalised to
the remaining maximum, as the `remove` change does (sum and best-of-k parents take their maxima
from what remains; a capped parent keeps its declared cap). Where the real `remove` change would
be refused because a gate or a tie-break names the node (or a node under it), the node counts
here as out of the unit's maximum (the gate holds, the tie-break counts 0) and `referenced_by`
says so.

`dead_criteria(result)`: nodes on which every applicable unit of a group has the same points
(within `tol`): they do not discriminate between the units of that group.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from cchc_rules.analysis.uncertainty import index_nano
from cchc_rules.data.model import Dataset, Inputs
from cchc_rules.dsl.models import Rulebook
from cchc_rules.engine.grading import grade
from cchc_rules.engine.result import Result
from cchc_rules.engine.rounding import NANO
from cchc_rules.engine.score import aggregate, score
from cchc_rules.i18n import pick
from cchc_rules.problems import Problems, define, nearest

UNKNOWN_NODE = define(
    "A890",
    "Không có tiêu chí '{node}' trong bộ tiêu chí",
    "The rulebook has no criterion '{node}'",
    "Chọn một mã tiêu chí có trong bộ tiêu chí, ví dụ: {near}.",
    "Choose a criterion id of the rulebook, e.g. {near}.",
)


def remove_one(
    rulebook: Rulebook, dataset: Dataset | Inputs, stage: str | None = None, nodes: list[str] | None = None,
    lang: str | None = None,
) -> pd.DataFrame:
    """Per removed node: node_id, code, name, depth (1 = top level), parent, max, units (to which it
    applies), mean_abs_rank_shift, max_abs_rank_shift, band_changes, mean_index_delta, referenced_by."""
    base, long = _removals(rulebook, dataset, stage, nodes)
    c = base.compiled
    ids = list(dict.fromkeys(long["node_id"]))
    shift = long["rank_shift"].astype("Float64").abs()
    per = long.assign(abs_shift=shift, applies=long["applicable"]).groupby("node_id", sort=False)
    where = {nid: i for i, nid in enumerate(c.node_ids)}
    refs = _references(rulebook)
    depth = _depths(c)
    rows = []
    for nid in ids:
        node = c.nodes[where[nid]]
        g = per.get_group(nid)
        parent = c.parent[where[nid]]
        rows.append({
            "node_id": nid,
            "code": str(node.code) if node.code is not None else nid,
            "name": pick(node.name, lang),
            "depth": int(depth[where[nid]]) + 1,
            "parent": c.node_ids[parent] if parent >= 0 else None,
            "max": node.max,
            "units": int(g["applies"].sum()),
            "mean_abs_rank_shift": float(g["abs_shift"].mean()) if g["abs_shift"].notna().any() else np.nan,
            "max_abs_rank_shift": g["abs_shift"].max() if g["abs_shift"].notna().any() else pd.NA,
            "band_changes": int(g["band_changed"].sum()),
            "mean_index_delta": float(g["index_delta"].mean()),
            "referenced_by": ", ".join(refs.get(nid, [])),
        })
    out = pd.DataFrame(rows)
    out["max_abs_rank_shift"] = out["max_abs_rank_shift"].astype("Int64")
    return out


def remove_one_units(rulebook: Rulebook, dataset: Dataset | Inputs, stage: str | None = None,
                     nodes: list[str] | None = None) -> pd.DataFrame:
    """One row per node × unit: node_id, unit_id, applicable (the node counted for the unit),
    index_base, index_without, index_delta, rank_base, rank_without, rank_shift (positive = up),
    band_base, band_without, band_changed. A unit left with nothing applicable is not scored (NA)."""
    return _removals(rulebook, dataset, stage, nodes)[1]


def _removals(
    rulebook: Rulebook, dataset: Dataset | Inputs, stage: str | None, nodes: list[str] | None,
) -> tuple[Result, pd.DataFrame]:
    base = score(rulebook, dataset, stage)
    c = base.compiled
    targets = _targets(base, nodes)
    flags = base.flags
    leaves = base.leaves
    under = _leaves_under(c)
    units = base.units
    frames = []
    for n in targets:
        mask = under[n][None, :]
        without = replace(leaves, points=np.where(mask, 0, leaves.points),
                          applicable=np.where(mask, False, leaves.applicable))
        ns = aggregate(c, without)
        index = index_nano(c, ns, base.totals.adjustments.sum(axis=1))
        scored = ns.max[:, c.top].sum(axis=1) > 0
        g = grade(c, index, ns.points, ns.max, ns.applicable, base.group_codes, flags, ~scored)  # as the engine
        rank = pd.array(g.rank, dtype="Int64")
        rank[~(g.ranked & scored)] = pd.NA
        band = pd.Categorical.from_codes(np.where(scored, g.band, -1), categories=c.band_ids)
        index_without = np.where(scored, index / NANO, np.nan)
        frames.append(pd.DataFrame({
            "node_id": c.node_ids[n],
            "unit_id": units["unit_id"].to_numpy(),
            "applicable": base.node_scores.applicable[:, n],
            "index_base": units["index"].to_numpy(),
            "index_without": index_without,
            "index_delta": index_without - units["index"].to_numpy(),
            "rank_base": units["rank"].to_numpy(),
            "rank_without": rank,
            "rank_shift": units["rank"].array - rank,
            "band_base": units["band"].to_numpy(),
            "band_without": band,
            "band_changed": (np.asarray(band.codes) != units["band"].cat.codes.to_numpy()) & scored,
        }))
    return base, pd.concat(frames, ignore_index=True)


def dead_criteria(result: Result, tol: float = 1e-9, lang: str | None = None) -> pd.DataFrame:
    """Nodes on which every applicable unit of a group (two units at least) has the same points.

    Columns: group, node_id, code, name, depth, leaf, units, points (the common points), max,
    parent_dead (its parent is dead in the group too: filter on False for the topmost ones).
    """
    c = result.compiled
    pts = result.node_points
    depth = _depths(c)
    rows = []
    for g, group in enumerate(c.group_ids):
        sel = pts[result.group_codes == g]
        seen = np.isfinite(sel)
        count = seen.sum(axis=0)
        common = np.where(seen, sel, np.inf).min(axis=0, initial=np.inf)
        dead = (count >= 2) & (np.where(seen, sel, -np.inf).max(axis=0, initial=-np.inf) - common <= tol)
        for n in np.flatnonzero(dead):
            node = c.nodes[n]
            parent = c.parent[n]
            rows.append({
                "group": group, "node_id": c.node_ids[n], "code": str(node.code) if node.code is not None else node.id,
                "name": pick(node.name, lang), "depth": int(depth[n]) + 1, "leaf": node.is_leaf,
                "units": int(count[n]), "points": float(common[n]), "max": node.max,
                "parent_dead": bool(parent >= 0 and dead[parent]),
            })
    columns = ["group", "node_id", "code", "name", "depth", "leaf", "units", "points", "max", "parent_dead"]
    return pd.DataFrame(rows, columns=columns)


# ---------------------------------------------------------------- helpers
def _targets(base: Result, nodes: list[str] | None) -> list[int]:
    c = base.compiled
    if nodes is None:
        return [int(i) for i in np.flatnonzero(_depths(c) <= 1)]
    problems = Problems()
    for nid in nodes:
        if nid not in c.node_ids:
            problems.add(UNKNOWN_NODE, path=f"criteria/{nid}", node=nid, near=nearest(nid, c.node_ids))
    problems.raise_if_errors()
    return [c.node_ids.index(nid) for nid in nodes]


def _depths(c: Any) -> np.ndarray:
    """Per node (compiled order), its depth: 0 for top-level nodes."""
    return np.array([d for _, _, d in c.rulebook.walk()], dtype=np.int64)


def _leaves_under(c: Any) -> np.ndarray:
    """nodes × leaves: the leaf is the node or lies under it."""
    out = np.zeros((len(c.node_ids), len(c.leaf_ids)), dtype=bool)
    ancestor = c.leaf_node.copy()
    while (ancestor >= 0).any():
        ok = ancestor >= 0
        out[ancestor[ok], np.flatnonzero(ok)] = True
        ancestor = np.where(ok, c.parent[np.maximum(ancestor, 0)], -1)
    return out


def _references(rulebook: Any) -> dict[str, list[str]]:
    """Node id → what names it or an ancestor (gates, tie-breaks), e.g. ["gate excellent", "tie_break"]."""
    direct: dict[str, list[str]] = {}
    bands = rulebook.all_bands()
    for band in bands:
        for gate in band.when:
            if gate.node is not None:
                direct.setdefault(gate.node, []).append(f"gate {band.id}")
    for nid in rulebook.ranking.tie_break:
        direct.setdefault(nid, []).append("tie_break")
    out: dict[str, list[str]] = {}
    for node, _, _ in rulebook.walk():
        found = [r for n, _, _ in node.walk() for r in direct.get(n.id, [])]
        if found:
            out[node.id] = list(dict.fromkeys(found))
    return out
