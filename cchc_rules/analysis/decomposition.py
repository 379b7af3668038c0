"""Each unit's index change split by field, criterion and sub-criterion, adding up exactly (nano-points).

`decompose(comparison)` extends the top-level contributions (`analysis.contributions`) down the
tree. With f = scale ÷ applicable maximum on each side and g = (f_base + f_variant) ÷ 2 (index
points per point, the symmetric factor the top level uses), a node whose points moved by Δq
contributes Δq · g to the index; a top-level node's share is its row of the contributions.
Below a node, its children's shares rarely add up to the node's own: a cap, a floor or best-k
kept part of a child's gain, or rounding to nano-points left a few nano-points over; that rest is
the node's `aggregation` row, so that at every node the children and the rest add up to the
node exactly. At the top, the node rows, `applicable_max`, `adjustments` and `clamping` (which
takes the rounding of the top rows) add up to the index change exactly, in nano-points.

Nodes are matched by id, then through `was` (`dsl.diff.match_nodes`); a node of one side only
counts 0 points on the other. A merged unit's base side is the mean over its predecessors, as in
the contributions. Units present on one side have no rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cchc_rules.analysis.contributions import contributions, mean_by, padded, scored_possible, unit_pairs
from cchc_rules.dsl.diff import match_nodes
from cchc_rules.engine.rounding import NANO

if TYPE_CHECKING:
    from cchc_rules.analysis.paired import Paired
    from cchc_rules.dsl.models import Node, Rulebook
    from cchc_rules.engine.result import Result

COLUMNS = ["unit_id", "item", "kind", "parent", "depth", "base_node", "points_base", "points_variant", "delta_nano",
           "delta"]


@dataclass(frozen=True)
class TreeRow:
    """One node of the aligned trees: its id (the variant's, or the base's when removed), parent, depth."""

    item: str
    base_id: str | None
    variant_id: str | None
    parent: str | None
    depth: int
    has_children: bool


def aligned_tree(base: Rulebook, variant: Rulebook) -> list[TreeRow]:
    """Both trees as one, depth first: the variant's nodes, then below each the base nodes removed there."""
    b_nodes, v_nodes = base.nodes(), variant.nodes()
    matched = match_nodes(b_nodes, v_nodes)
    used = set(matched.values())
    rows: list[TreeRow] = []

    def walk(v_kids: list[Node], b_kids: list[Node], parent: str | None, depth: int) -> None:
        for node in v_kids:
            bid = matched.get(node.id)
            old = list(b_nodes[bid].children or []) if bid else []
            extra = [k for k in old if k.id not in used]
            rows.append(TreeRow(node.id, bid, node.id, parent, depth, bool(node.children or extra)))
            walk(list(node.children or []), extra, node.id, depth + 1)
        for node in b_kids:
            rows.append(TreeRow(node.id, node.id, None, parent, depth, bool(node.children)))
            walk([], list(node.children or []), node.id, depth + 1)

    walk(list(variant.criteria), [n for n in base.criteria if n.id not in used], None, 0)
    return rows


def decompose(comparison: Paired) -> pd.DataFrame:
    """Per unit present and scored on both sides: a row per node (depth first), an `aggregation` row under every parent,
    and the `applicable_max`, `adjustments`, `clamping` rows; columns `COLUMNS`. `delta_nano` (int) adds up:
    children + aggregation = parent, top-level nodes + the three rows = the index change (nano-points)."""
    base, variant = comparison.base, comparison.variant
    tree = aligned_tree(base.rulebook, variant.rulebook)
    top = contributions(comparison, None)
    units = comparison.units
    scored = units["index_base"].notna() & units["index_variant"].notna()  # not unscored on either side
    both = np.flatnonzero(((units["present"] == "both") & scored).to_numpy())
    if both.size == 0:  # no unit on both sides: nothing to split
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "delta_nano" else object) for c in COLUMNS})
    unit_of, bi, vi = unit_pairs(comparison)

    # Points of every aligned node on each side, per pair (0 when out or absent), and the factor g per pair.
    def points(result: Result, rows: np.ndarray, ids: list[str | None]) -> np.ndarray:
        col = {n: j for j, n in enumerate(result.node_ids)}
        pts = np.nan_to_num(result.node_points)
        pts = np.vstack([pts, np.zeros((1, pts.shape[1]))])  # row −1: an absent side
        return np.stack([pts[rows, col[i]] if i is not None else np.zeros(rows.size) for i in ids], axis=1)

    qb = points(base, bi, [r.base_id for r in tree])
    qv = points(variant, vi, [r.variant_id for r in tree])
    fb = float(base.rulebook.scale) / padded(scored_possible(base))[bi]
    fv = float(variant.rulebook.scale) / padded(scored_possible(variant))[vi]
    with np.errstate(invalid="ignore"):
        share = mean_by((qv - qb) * ((fb + fv) / 2)[:, None], unit_of)  # units × tree rows, index points
    qb_unit, qv_unit = mean_by(qb, unit_of), mean_by(qv, unit_of)
    nano_share = np.rint(np.nan_to_num(share) * NANO).astype(np.int64)

    # Top-level rows: the contributions' node deltas; `clamping` takes the rounding so the total is exact.
    top_items = top["item"].to_numpy().reshape(len(units), -1)
    top_delta = np.rint(np.nan_to_num(top["delta"].to_numpy(dtype=float)) * NANO).astype(np.int64)
    top_delta = top_delta.reshape(len(units), -1)
    total = np.rint(np.nan_to_num(units["index_delta"].to_numpy(dtype=float)) * NANO).astype(np.int64)
    position = {r.item: k for k, r in enumerate(tree)}
    special = list(top_items[0, -3:])
    records = []
    for u in both:
        node_nano = nano_share[u].copy()
        for col, item in enumerate(top_items[u, :-3]):
            node_nano[position[item]] = top_delta[u, col]
        rest = top_delta[u, -3:].copy()
        rest[-1] = total[u] - node_nano[[position[i] for i in top_items[u, :-3]]].sum() - rest[:-1].sum()
        children: dict[str | None, int] = {}
        for k, r in enumerate(tree):
            children[r.parent] = children.get(r.parent, 0) + int(node_nano[k])
        uid = units["unit_id"].iat[u]
        for k, r in enumerate(tree):
            records.append((uid, r.item, "node", r.parent, r.depth, r.base_id, float(qb_unit[u, k]),
                            float(qv_unit[u, k]), int(node_nano[k])))
            if r.has_children:
                records.append((uid, r.item, "aggregation", r.item, r.depth + 1, None, np.nan, np.nan,
                                int(node_nano[k]) - children.get(r.item, 0)))
        for name, amount in zip(special, rest):
            records.append((uid, name, name, None, 0, None, np.nan, np.nan, int(amount)))
    table = pd.DataFrame.from_records(records, columns=COLUMNS[:-1])
    table = _in_tree_order(table)
    table["delta"] = table["delta_nano"] / NANO
    return table


def _in_tree_order(table: pd.DataFrame) -> pd.DataFrame:
    """Each parent's aggregation row after its last descendant (records hold it right after the parent)."""
    out = []
    for _, rows in table.groupby("unit_id", sort=False):
        kept = list(rows.itertuples(index=False))
        ordered, pending = [], []  # pending: (depth, aggregation row) waiting for the subtree to end
        for r in kept:
            if r.kind == "aggregation":
                pending.append(r)
                continue
            while pending and (r.kind != "node" or r.depth < pending[-1].depth):
                ordered.append(pending.pop())
            ordered.append(r)
        ordered.extend(reversed(pending))
        out.extend(ordered)
    return pd.DataFrame(out, columns=table.columns)
