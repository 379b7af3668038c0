"""Compile a rulebook once into arrays the scorer uses for every unit at once.

Nodes are numbered in the rulebook's depth-first order (`Rulebook.walk`), leaves in
`Rulebook.leaves()` order (the order of `Inputs.leaf_ids`). Every amount is in nano-points
(int64, see `rounding`). Rule parameters are padded arrays per leaf; the tree is kept as, per
depth, the parents at that depth with their children, so aggregation runs bottom-up one depth
at a time over all units.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property

import numpy as np

from cchc_rules.dsl.models import RULE_KINDS, Band, Best, Gate, Node, Rulebook
from cchc_rules.engine.rounding import nano, nano1
from cchc_rules.engine.vocabulary import MISSING_REASON, ZERO_TOTAL_REASON

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
class Tree:
    """`Compiled.parents` as flat arrays (children of parent q: child_idx[child_ptr[q]:child_ptr[q + 1]])."""

    node: np.ndarray
    child_ptr: np.ndarray
    child_idx: np.ndarray
    agg: np.ndarray
    best: np.ndarray
    cap: np.ndarray
    floor: np.ndarray
    widest: int  # the most children of one parent (scratch space for best-k)

    @classmethod
    def of(cls, parents: tuple[Parent, ...], n_nodes: int) -> Tree:
        kids = [np.arange(n_nodes)[p.children] for p in parents]
        return cls(
            node=np.array([p.node for p in parents], dtype=np.int64),
            child_ptr=np.cumsum([0, *(k.size for k in kids)]).astype(np.int64),
            child_idx=np.concatenate([*kids, np.zeros(0, np.int64)]).astype(np.int64),
            agg=np.array([p.agg for p in parents], dtype=np.int64),
            best=np.array([p.best for p in parents], dtype=np.int64),
            cap=np.array([p.cap for p in parents], dtype=np.int64),
            floor=np.array([p.floor for p in parents], dtype=np.int64),
            widest=max((k.size for k in kids), default=0),
        )


@dataclass(frozen=True)
class Parent:
    """A parent node and how its children add up (`Compiled.parents` lists children's parents first)."""

    node: int
    children: slice | np.ndarray  # node indices of its children: a slice when they are consecutive (a view)
    agg: int  # AGG_SUM, AGG_CAPPED, AGG_BEST
    best: int  # k for best-k
    cap: int  # nano: the declared max (capped)
    floor: int  # nano


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
    parents: tuple[Parent, ...]  # every parent node, each after all of its descendants
    tree: Tree  # the same as flat arrays (for the compiled pass)
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
    leaf_applies: np.ndarray  # bool groups × leaves (structural applicability of each leaf)
    applies_by_leaf: np.ndarray  # the same, leaves × groups, C-contiguous (gathers by unit stay contiguous)
    applies_everywhere: bool  # every leaf applies to every group (no applies_to below the root)
    missing_reason: np.ndarray  # int8 per leaf: the `Reason` of an empty cell (its missing policy)
    zero_total_reason: np.ndarray  # int8 per leaf: the `Reason` of a zero total (ratio leaves)
    missing_error: bool  # some leaf has `missing: error`
    kind_rows: dict[str, np.ndarray | slice] = field(default_factory=dict)  # leaves of each rule kind present
    relative_leaves: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # leaves with relative rules

    def leaf_index(self, kind: str) -> np.ndarray:
        return np.flatnonzero(self.kind == KIND[kind])

    @cached_property
    def graded(self) -> tuple[np.ndarray, Compiled]:
        """The nodes that the index and grading read (top-level nodes, tie-breaks, gates' nodes and leaves), in node
        order, and a twin of this with those node indices renumbered as positions in that list: `index_from` and
        `grading.grade` given the twin and the nodes' columns alone compute what they compute from every node. The
        twin is only for them (its other node indices are still this one's)."""
        return _graded_nodes(self)


_CACHE: dict[int, tuple[weakref.ref, Compiled]] = {}


def compiled_for(rulebook: Rulebook) -> Compiled:
    """The rulebook compiled once (cached while the rulebook object lives).

    A loaded rulebook is not changed in place (variants and edits build new ones), so the
    object's identity is its key.
    """
    key = id(rulebook)
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is rulebook:
        return hit[1]
    compiled = compile_rulebook(rulebook)
    _CACHE[key] = (weakref.ref(rulebook, lambda _ref, k=key, cache=_CACHE: cache.pop(k, None)), compiled)
    return compiled


def compile_rulebook(rulebook: Rulebook) -> Compiled:
    """The arrays the scorer needs; the rulebook is assumed validated (`dsl.load`)."""
    walked = list(rulebook.walk())
    node_ids = [n.id for n, _, _ in walked]
    where = {nid: i for i, nid in enumerate(node_ids)}
    nodes = [n for n, _, _ in walked]
    parent = np.array([where[p.id] if p is not None else -1 for _, p, _ in walked], dtype=np.int64)
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
    applies = _applies(nodes, parent, group_ids)
    parents = _parents(parent, agg, nodes)
    kind = np.array([KIND[leaf.rule.kind] for leaf in leaves], dtype=np.int8)
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
        parents=parents,
        tree=Tree.of(parents, len(nodes)),
        leaf_ids=[leaf.id for leaf in leaves],
        leaf_node=leaf_node,
        kind=kind,
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
        applies=applies,
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
        leaf_applies=applies[:, leaf_node],
        applies_by_leaf=np.ascontiguousarray(applies[:, leaf_node].T),
        applies_everywhere=bool(applies[:, leaf_node].all()),
        missing_reason=np.array([MISSING_REASON[rulebook.missing_for(leaf)] for leaf in leaves], dtype=np.int8),
        zero_total_reason=np.array(
            [ZERO_TOTAL_REASON[leaf.rule.ratio.if_zero_total if leaf.rule.ratio else "na"] for leaf in leaves],
            dtype=np.int8,
        ),
        missing_error=any(rulebook.missing_for(leaf) == "error" for leaf in leaves),
        kind_rows=_kind_rows(kind),
        relative_leaves=np.flatnonzero(kind == KIND["relative"]).astype(np.int64),
    )


def _kind_rows(kind: np.ndarray) -> dict[str, np.ndarray | slice]:
    """The leaves of each rule kind present: a slice when they are consecutive (a view, no copy), else indices."""
    out: dict[str, np.ndarray | slice] = {}
    for name, code in KIND.items():
        rows = np.flatnonzero(kind == code)
        if rows.size:
            consecutive = rows[-1] - rows[0] + 1 == rows.size
            out[name] = slice(int(rows[0]), int(rows[-1]) + 1) if consecutive else rows
    return out


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


def _parents(parent: np.ndarray, agg: np.ndarray, nodes: list[Node]) -> tuple[Parent, ...]:
    """Parents in reverse walk order (a node's descendants follow it in walk order, so they come first here)."""
    out = []
    for i in range(len(nodes) - 1, -1, -1):
        kids = np.flatnonzero(parent == i)
        if kids.size == 0:
            continue
        consecutive = kids[-1] - kids[0] + 1 == kids.size
        node = nodes[i]
        out.append(Parent(
            node=i, children=slice(int(kids[0]), int(kids[-1]) + 1) if consecutive else kids, agg=int(agg[i]),
            best=node.aggregate.best if isinstance(node.aggregate, Best) else 0, cap=nano1(node.max or 0.0),
            floor=nano1(node.floor),
        ))
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


def _graded_nodes(c: Compiled) -> tuple[np.ndarray, Compiled]:
    gates = [g for table in c.band_tables for band in table for g in band.gates]
    rows = np.unique(np.concatenate([c.top, c.tie_break, *([g.node] for g in gates if g.node >= 0),
                                     *(g.leaves for g in gates)]).astype(np.int64))
    at = np.full(len(c.node_ids), -1, dtype=np.int64)
    at[rows] = np.arange(rows.size)

    def gate(g: CompiledGate) -> CompiledGate:
        return replace(g, node=int(at[g.node]) if g.node >= 0 else -1, leaves=at[g.leaves])

    tables = tuple(tuple(replace(b, gates=tuple(map(gate, b.gates))) for b in table) for table in c.band_tables)
    return rows, replace(c, top=at[c.top], tie_break=at[c.tie_break], band_tables=tables)
