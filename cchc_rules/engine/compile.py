"""Compile a rulebook once into arrays the scorer uses for every unit at once.

Nodes are numbered in the rulebook's depth-first order (`Rulebook.walk`), leaves in
`Rulebook.leaves()` order (the order of `Inputs.leaf_ids`). Every amount is in nano-points
(int64, see `rounding`). Rule parameters are padded arrays per leaf; the tree is kept as, per
depth, the parents at that depth with their children, so aggregation runs bottom-up one depth
at a time over all units.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from cchc_rules.dsl.models import RULE_KINDS, Band, Best, Gate, Node, Rulebook
from cchc_rules.engine.rounding import nano, nano1

KIND = {name: code for code, name in enumerate(RULE_KINDS)}
MISSING = {"zero": 0, "max": 1, "na": 2, "error": 3}
ZERO_TOTAL = {"na": 0, "max": 1, "zero": 2}
AGG_SUM, AGG_CAPPED, AGG_BEST = 0, 1, 2


@dataclass(frozen=True)
class CompiledGate:
    """A band gate: `kind` is flag, min_share, min or max_zero_leaves."""

    gate: Gate
    kind: str
    flag: int = -1  # index in Compiled.flag_ids
    is_: bool = True
    node: int = -1  # index in Compiled.node_ids
    threshold: float = 0.0  # share, or a count of zero leaves
    threshold_nano: int = 0  # points for `min`
    leaves: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # node indices of leaves under `node`


@dataclass(frozen=True)
class CompiledBand:
    band: Band
    code: int  # index in Compiled.band_ids (the categories of Result.units.band)
    min_nano: int  # 0 for a quantile band: its minimum is computed per group (`grading.quantile_minimums`)
    quantile: float | None  # extension: the band starts at this quantile of the group's ranked units
    gates: tuple[CompiledGate, ...]
    max_share: Decimal | None  # the quota, exact
    of: tuple[int, ...] | None  # local indices of the quota's `of` bands in the same table
    keep_ties: bool


@dataclass(frozen=True)
class Level:
    """Parents at one depth and their children, children grouped by parent (for `reduceat`)."""

    parents: np.ndarray
    agg: np.ndarray
    children: np.ndarray
    starts: np.ndarray


@dataclass(frozen=True)
class Compiled:
    rulebook: Rulebook
    node_ids: list[str]
    nodes: list[Node]
    parent: np.ndarray  # int64 per node, -1 for top-level nodes
    top: np.ndarray  # node indices of the top-level nodes
    node_max: np.ndarray  # nano, declared max (for capped and best-k parents)
    node_floor: np.ndarray  # nano
    node_best: np.ndarray  # k for best-k parents, else 0
    levels: tuple[Level, ...]  # deepest first
    leaf_ids: list[str]
    leaf_node: np.ndarray  # node index of each leaf
    kind: np.ndarray  # int8 code per leaf (KIND)
    leaf_max: np.ndarray  # float points
    leaf_max_nano: np.ndarray
    missing: np.ndarray  # int8 code per leaf (MISSING)
    na_zero: bool  # not_applicable: zero
    ladder_min: np.ndarray  # leaves × steps; -inf for a step without min, +inf for padding
    ladder_points: np.ndarray  # leaves × steps, points (share × max resolved)
    linear_from: np.ndarray
    linear_to: np.ndarray
    zero_total: np.ndarray  # int8 code per leaf (ZERO_TOTAL)
    level_points: np.ndarray  # leaves × levels, NaN padding
    deduct_per: np.ndarray
    points_factor: np.ndarray  # points per entered value of a `points` leaf (max ÷ out_of; 1 without)
    lower_better: np.ndarray  # bool per leaf (relative)
    group_ids: list[str]
    applies: np.ndarray  # bool groups × nodes (structural applicability)
    flag_ids: list[str]
    adjustment_ids: list[str]
    adj_sign: np.ndarray
    adj_cap: np.ndarray  # inf when no cap
    adj_each: np.ndarray  # deduct_each p, NaN for points
    scale_nano: int
    decimals: int
    rank_on_published: bool
    band_ids: list[str]
    band_tables: tuple[tuple[CompiledBand, ...], ...]  # per group
    rank_within_group: bool
    tie_break: np.ndarray  # node indices
    exclude_flag: int  # index in flag_ids, -1 when none

    def leaf_index(self, kind: str) -> np.ndarray:
        return np.flatnonzero(self.kind == KIND[kind])


def compile_rulebook(rulebook: Rulebook) -> Compiled:
    """The arrays the scorer needs; the rulebook is assumed validated (`dsl.load`)."""
    walked = list(rulebook.walk())
    node_ids = [n.id for n, _, _ in walked]
    where = {nid: i for i, nid in enumerate(node_ids)}
    nodes = [n for n, _, _ in walked]
    parent = np.array([where[p.id] if p is not None else -1 for _, p, _ in walked], dtype=np.int64)
    depth = np.array([d for _, _, d in walked], dtype=np.int64)
    agg = np.array([_agg(n) for n in nodes], dtype=np.int8)
    leaves = rulebook.leaves()
    leaf_node = np.array([where[leaf.id] for leaf in leaves], dtype=np.int64)
    leaf_max = np.array([leaf.max or 0.0 for leaf in leaves])
    group_ids = list(rulebook.groups)
    flag_ids = list(rulebook.flags)
    band_ids = _band_ids(rulebook)
    tables = tuple(
        _band_table(rulebook.bands_for(g), band_ids, where, nodes, parent, flag_ids) for g in group_ids
    )
    ladder_min, ladder_points = _ladders(leaves)
    adj = rulebook.adjustments
    ranking = rulebook.ranking
    return Compiled(
        rulebook=rulebook,
        node_ids=node_ids,
        nodes=nodes,
        parent=parent,
        top=np.flatnonzero(parent < 0),
        node_max=nano([n.max or 0.0 for n in nodes]),
        node_floor=nano([n.floor for n in nodes]),
        node_best=np.array([n.aggregate.best if isinstance(n.aggregate, Best) else 0 for n in nodes]),
        levels=_levels(parent, depth, agg),
        leaf_ids=[leaf.id for leaf in leaves],
        leaf_node=leaf_node,
        kind=np.array([KIND[leaf.rule.kind] for leaf in leaves], dtype=np.int8),
        leaf_max=leaf_max,
        leaf_max_nano=nano(leaf_max),
        missing=np.array([MISSING[rulebook.missing_for(leaf)] for leaf in leaves], dtype=np.int8),
        na_zero=rulebook.not_applicable == "zero",
        ladder_min=ladder_min,
        ladder_points=ladder_points,
        linear_from=np.array([leaf.rule.linear.from_ if leaf.rule.linear else 0.0 for leaf in leaves]),
        linear_to=np.array([leaf.rule.linear.to if leaf.rule.linear else 1.0 for leaf in leaves]),
        zero_total=np.array(
            [ZERO_TOTAL[leaf.rule.ratio.if_zero_total] if leaf.rule.ratio else 0 for leaf in leaves], dtype=np.int8
        ),
        level_points=_pad([list(leaf.rule.levels.values()) if leaf.rule.levels else [] for leaf in leaves], np.nan),
        deduct_per=np.array([leaf.rule.deduct.per if leaf.rule.deduct else 0.0 for leaf in leaves]),
        points_factor=np.array([leaf.points_factor for leaf in leaves]),
        lower_better=np.array([bool(leaf.rule.relative and leaf.rule.relative.better == "lower") for leaf in leaves]),
        group_ids=group_ids,
        applies=_applies(nodes, parent, group_ids),
        flag_ids=flag_ids,
        adjustment_ids=[a.id for a in adj],
        adj_sign=np.array([a.sign for a in adj], dtype=np.int64),
        adj_cap=np.array([np.inf if a.cap is None else a.cap for a in adj]),
        adj_each=np.array([np.nan if a.rule.deduct_each is None else a.rule.deduct_each for a in adj]),
        scale_nano=nano1(rulebook.scale),
        decimals=rulebook.display.decimals,
        rank_on_published=rulebook.display.rank_on == "published",
        band_ids=band_ids,
        band_tables=tables,
        rank_within_group=ranking.within == "group",
        tie_break=np.array([where[t] for t in ranking.tie_break], dtype=np.int64),
        exclude_flag=flag_ids.index(ranking.exclude_flag) if ranking.exclude_flag in flag_ids else -1,
    )


def _agg(node: Node) -> int:
    if isinstance(node.aggregate, Best):
        return AGG_BEST
    return AGG_CAPPED if node.aggregate == "capped" else AGG_SUM


def _pad(rows: list[list[float]], fill: float) -> np.ndarray:
    width = max((len(r) for r in rows), default=0)
    out = np.full((len(rows), max(width, 1)), fill)
    for i, row in enumerate(rows):
        out[i, : len(row)] = row
    return out


def _ladders(leaves: list[Node]) -> tuple[np.ndarray, np.ndarray]:
    mins, amounts = [], []
    for leaf in leaves:
        steps = leaf.rule.ladder or []
        mins.append([-np.inf if s.min is None else s.min for s in steps])
        amounts.append([s.points if s.points is not None else s.share * (leaf.max or 0.0) for s in steps])
    return _pad(mins, np.inf), _pad(amounts, 0.0)


def _levels(parent: np.ndarray, depth: np.ndarray, agg: np.ndarray) -> tuple[Level, ...]:
    out = []
    for d in range(int(depth.max()) - 1, -1, -1):
        children = np.flatnonzero((depth == d + 1) & (parent >= 0))
        children = children[np.argsort(parent[children], kind="stable")]
        if children.size == 0:
            continue
        owners = parent[children]
        starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
        parents = owners[starts]
        out.append(Level(parents, agg[parents], children, starts))
    return tuple(out)


def _applies(nodes: list[Node], parent: np.ndarray, group_ids: list[str]) -> np.ndarray:
    own = np.array([[n.applies_to is None or g in n.applies_to for n in nodes] for g in group_ids], dtype=bool)
    out = own.copy()
    for i in range(len(nodes)):  # walk order: a parent comes before its children
        if parent[i] >= 0:
            out[:, i] &= out[:, parent[i]]
    return out


def _band_ids(rulebook: Rulebook) -> list[str]:
    ids: list[str] = []
    for band in rulebook.all_bands():
        if band.id not in ids:
            ids.append(band.id)
    return ids


def _band_table(
    bands: list[Band], band_ids: list[str], where: dict[str, int], nodes: list[Node], parent: np.ndarray,
    flag_ids: list[str],
) -> tuple[CompiledBand, ...]:
    local = [b.id for b in bands]
    out = []
    for band in bands:
        quota = band.quota
        out.append(
            CompiledBand(
                band=band,
                code=band_ids.index(band.id),
                min_nano=nano1(band.min) if band.min is not None else 0,
                quantile=band.quantile,
                gates=tuple(_gate(g, where, nodes, parent, flag_ids) for g in band.when),
                max_share=None if quota is None else Decimal(str(quota.max_share)),
                of=None if quota is None or quota.of is None else tuple(local.index(b) for b in quota.of if b in local),
                keep_ties=quota is not None and quota.ties == "keep_all",
            )
        )
    return tuple(out)


def _gate(
    gate: Gate, where: dict[str, int], nodes: list[Node], parent: np.ndarray, flag_ids: list[str]
) -> CompiledGate:
    if gate.flag is not None:
        return CompiledGate(gate, "flag", flag=flag_ids.index(gate.flag), is_=bool(gate.is_))
    node = where[gate.node]
    if gate.min_share is not None:
        return CompiledGate(gate, "min_share", node=node, threshold=gate.min_share)
    if gate.min is not None:
        return CompiledGate(gate, "min", node=node, threshold_nano=nano1(gate.min))
    under = [i for i in range(len(nodes)) if nodes[i].is_leaf and _descends(i, node, parent)]
    return CompiledGate(
        gate, "max_zero_leaves", node=node, threshold=float(gate.max_zero_leaves), leaves=np.array(under, np.int64)
    )


def _descends(i: int, ancestor: int, parent: np.ndarray) -> bool:
    while i >= 0:
        if i == ancestor:
            return True
        i = int(parent[i])
    return False
