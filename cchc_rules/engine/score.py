"""Score every unit at once: stage selection, leaf points, aggregation, index, grading.

`score(rulebook, dataset, stage=None)` is the public entry point; `score_inputs(compiled,
inputs, stage)` skips compiling and parsing for repeated calls. Each array step is its own
function so that a Monte Carlo can reuse them. There is no Python loop over units × leaves:
loops run over stages, rule kinds, tree depths, groups and bands.

Decisions where the spec is silent:
- Stage: per leaf, the last stage (rulebook order) whose cell is not empty, at or before
  `stage`; NA and a zero total count as values.
- `min_respondents` is applied by the data layer (fewer counted answers → an empty cell), so
  the leaf's `missing` policy applies here like for any empty cell.
- `relative`: best and worst are taken among the units of the same group that have a value
  (status VALUE) for the leaf at the chosen stage and to which the leaf applies; a unit whose
  value was filled by a missing policy does not move them.
- A unit whose every top-level node is out of its maximum is unscored (`IndexScores.unscored`):
  index 0 internally, no band, not ranked, not counted by quotas; `Result.warnings` says so (E407).
- A cell filled by a `missing` policy is marked in `LeafScores.filled` (counted in `Result.filled`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cchc_rules.data.model import EMPTY, NA, VALUE, Inputs
from cchc_rules.data.model import ZERO_TOTAL as ST_ZERO_TOTAL
from cchc_rules.dsl.models import Rulebook
from cchc_rules.engine.compile import AGG_BEST, AGG_CAPPED, KIND, MISSING, ZERO_TOTAL, Compiled, compile_rulebook
from cchc_rules.engine.grading import Graded, grade
from cchc_rules.engine.result import Result
from cchc_rules.engine.rounding import NANO, nano
from cchc_rules.problems import Problems, define, nearest

UNKNOWN_STAGE = define(
    "E400",
    "Không có giai đoạn '{stage}' trong bộ tiêu chí (các giai đoạn: {stages})",
    "The rulebook has no stage '{stage}' (its stages: {stages})",
    "Chọn một trong các giai đoạn: {stages}; có thể ý bạn là '{near}'.",
    "Choose one of the stages: {stages}; perhaps you meant '{near}'.",
)
MISSING_ERROR = define(
    "E401",
    "Đơn vị '{unit}' không có giá trị cho tiêu chí '{leaf}' (quy định missing: error)",
    "Unit '{unit}' has no value for criterion '{leaf}' (its rule says missing: error)",
    "Nhập giá trị cho tiêu chí này ở ít nhất một giai đoạn (đến giai đoạn {stage}), hoặc 'NA' nếu không áp dụng.",
    "Enter a value for this criterion at one stage at least (up to stage {stage}), or 'NA' when it does not apply.",
)

MISMATCH = define(
    "E403",
    "Dữ liệu được đọc cho bộ tiêu chí khác: {what}",
    "The data was parsed for another rulebook: {what}",
    "Đọc lại dữ liệu cho bộ tiêu chí này (data.parse.inputs_for).",
    "Parse the data again for this rulebook (data.parse.inputs_for).",
)
UNKNOWN_GROUP = define(
    "E404",
    "Đơn vị '{unit}' thuộc nhóm '{group}' mà bộ tiêu chí không có (các nhóm: {groups})",
    "Unit '{unit}' is in group '{group}', which the rulebook lacks (its groups: {groups})",
    "Dùng một trong các nhóm: {groups}.",
    "Use one of the groups: {groups}.",
)

# Why a leaf has the points it has (`LeafScores.reason`); the ledger names them.
OK, STRUCTURAL, NA_RESCALE, NA_ZERO, ZT_NA, ZT_MAX, ZT_ZERO, MISS_ZERO, MISS_MAX, MISS_NA, MISS_ERROR = range(11)
# Indexed by the codes of compile.MISSING and compile.ZERO_TOTAL (their keys are in code order).
_MISSING_REASON = np.array(
    [{"zero": MISS_ZERO, "max": MISS_MAX, "na": MISS_NA, "error": MISS_ERROR}[k] for k in MISSING]
)
FILLED = (MISS_ZERO, MISS_MAX, MISS_NA)  # reasons where a `missing` policy gave the leaf its value
_ZERO_TOTAL_REASON = np.array([{"na": ZT_NA, "max": ZT_MAX, "zero": ZT_ZERO}[k] for k in ZERO_TOTAL])


@dataclass
class Selected:
    """The value used per unit × leaf at the chosen stage (`stage_used` −1: no value)."""

    stage: int
    value: np.ndarray
    status: np.ndarray
    stage_used: np.ndarray
    adjustment: np.ndarray  # units × adjustments, NaN when no value
    adjustment_stage: np.ndarray


@dataclass
class LeafScores:
    points: np.ndarray  # int64 nano, units × leaves; 0 when out
    applicable: np.ndarray  # bool: counts in the unit's maximum
    reason: np.ndarray  # int8 (OK, STRUCTURAL, ...)
    clamped: np.ndarray  # bool: the rule gave points outside [0, max]
    rel_low: np.ndarray  # groups × leaves: worst/best of relative leaves (NaN elsewhere)
    rel_high: np.ndarray
    filled: np.ndarray | None = None  # bool, units × leaves: no value, a `missing` policy gave one


@dataclass
class NodeScores:
    points: np.ndarray  # int64 nano, units × nodes; 0 when out
    max: np.ndarray  # int64 nano: the applicable maximum
    applicable: np.ndarray  # bool


@dataclass
class IndexScores:
    index: np.ndarray  # int64 nano, clamped to [0, scale]
    earned: np.ndarray  # nano, Σ top-level points
    possible: np.ndarray  # nano, Σ top-level applicable maxima
    adjustments: np.ndarray  # nano, units × adjustments, signed and capped (0 when no value)
    unscored: np.ndarray | None = None  # bool: nothing applicable (index 0, no band, not ranked)


def score(rulebook: Rulebook, dataset: Any, stage: str | None = None) -> Result:
    """Score a dataset (a `Dataset`, or `Inputs` already parsed for this rulebook) at a stage (default: final)."""
    if not isinstance(dataset, Inputs):
        from cchc_rules.data.parse import inputs_for

        dataset = inputs_for(dataset, rulebook)
    return score_inputs(compile_rulebook(rulebook), dataset, stage)


def score_inputs(compiled: Compiled, inputs: Inputs, stage: str | None = None) -> Result:
    """Score inputs with a compiled rulebook; raises `CchcError` listing every problem."""
    groups = group_codes(compiled, inputs)
    selected = select_stage(compiled, inputs, stage)
    leaves = leaf_points(compiled, selected, groups, inputs)
    nodes = aggregate(compiled, leaves)
    totals = index_points(compiled, nodes, selected, inputs)
    graded = grading(compiled, totals.index, nodes, groups, inputs, totals.unscored)
    return Result(compiled, inputs, selected, leaves, nodes, totals, graded, groups)


def group_codes(compiled: Compiled, inputs: Inputs) -> np.ndarray:
    """Each unit's group as an index in `compiled.group_ids`; checks the inputs fit the rulebook."""
    problems = Problems()
    if list(inputs.leaf_ids) != compiled.leaf_ids:
        problems.add(MISMATCH, path="criteria", what="leaf ids differ")
    if list(inputs.stages) != list(compiled.rulebook.stages):
        problems.add(MISMATCH, path="stages", what="stages differ")
    if list(inputs.adjustment_ids) != compiled.adjustment_ids:
        problems.add(MISMATCH, path="adjustments", what="adjustment ids differ")
    codes = pd.Categorical(inputs.units["group"], categories=compiled.group_ids).codes.astype(np.int64)
    for i in np.flatnonzero(codes < 0):
        row = inputs.units.iloc[i]
        problems.add(UNKNOWN_GROUP, path=f"units/{row['unit_id']}", unit=row["unit_id"], group=row["group"],
                     groups=compiled.group_ids)
    problems.raise_if_errors()
    return codes


def stage_index(compiled: Compiled, stage: str | None) -> int:
    stages = list(compiled.rulebook.stages)
    if stage is None:
        return len(stages) - 1
    if stage not in stages:
        problems = Problems()
        problems.add(UNKNOWN_STAGE, compiled.rulebook.field_pos("stages"), "stages", stage=stage, stages=stages,
                     near=nearest(stage, stages, 1)[0])
        problems.raise_if_errors()
    return stages.index(stage)


def select_stage(compiled: Compiled, inputs: Inputs, stage: str | None = None) -> Selected:
    """Per unit × leaf (and adjustment), the value of the last stage with one, at or before `stage`."""
    s = stage_index(compiled, stage)
    used = _last_stage(inputs.status != EMPTY, s)
    value = _at_stage(inputs.value, used)
    status = _at_stage(inputs.status, used)
    used = np.ascontiguousarray(used.T)
    status[used < 0] = EMPTY
    adj_used = _last_stage(~np.isnan(inputs.adjustment), s)
    adj = np.where(adj_used >= 0, _at_stage(inputs.adjustment, adj_used).T, np.nan)
    return Selected(s, value.T, status.T, used.T, adj, adj_used)


def _last_stage(has: np.ndarray, s: int) -> np.ndarray:
    """Per cell, the last stage ≤ s with a value (−1: none); `has` is cells × stages.

    The stages with a value are packed as bits; a table maps each pattern to its highest bit.
    """
    code = np.zeros(has.shape[:-1], dtype=np.min_scalar_type(2 ** (s + 1) - 1))
    for k in range(s + 1):
        code |= has[..., k].view(np.uint8).astype(code.dtype, copy=False) << k
    highest = (np.frexp(np.arange(2 ** (s + 1)))[1] - 1).astype(np.int8)
    return highest[code]


def _at_stage(a: np.ndarray, used: np.ndarray) -> np.ndarray:
    """`a[unit, leaf, used]` per cell (stage 0 where `used` is −1), gathered in one go, returned leaves × units
    (the layout the leaf computations run in)."""
    n_stages = a.shape[-1]
    flat = np.arange(used.size, dtype=np.int64).reshape(used.shape) * n_stages + np.maximum(used, 0)
    return np.ascontiguousarray(np.ascontiguousarray(a).ravel()[flat].T)


def leaf_points(compiled: Compiled, selected: Selected, groups: np.ndarray, inputs: Inputs) -> LeafScores:
    """Each leaf's points (nano), applicability and the reason for them, for every unit.

    Computed leaf-major (leaves × units, contiguous per leaf); the arrays returned are
    units × leaves views of it.
    """
    c = compiled
    value = np.ascontiguousarray(selected.value.T)  # free: select_stage builds them leaf-major
    status = np.ascontiguousarray(selected.status.T)
    structural = c.applies[:, c.leaf_node].T[:, groups]
    has = (status == VALUE) & structural
    raw = _rule_points(c, value, has)
    rel_low, rel_high = _relative(c, value, has, groups, raw)
    mx = c.leaf_max[:, None]
    clamped = has & ((raw < 0) | (raw > mx))
    np.fmax(raw, 0.0, out=raw)  # NaN (no usable value) → 0 too; those cells are set below
    np.minimum(raw, mx, out=raw)
    pts = nano(raw, inplace=True)

    # Only cells without a usable value need a reason; they are few, so work on their positions.
    cells = np.flatnonzero(~has.ravel())
    leaf = cells // status.shape[1]
    st = status.ravel()[cells]
    reason = np.zeros(status.shape, dtype=np.int8)
    why = np.select(
        [~structural.ravel()[cells], st == NA, st == ST_ZERO_TOTAL, st == EMPTY],
        [STRUCTURAL, NA_ZERO if c.na_zero else NA_RESCALE, _ZERO_TOTAL_REASON[c.zero_total[leaf]],
         _MISSING_REASON[c.missing[leaf]]],
        OK,
    ).astype(np.int8)
    reason.ravel()[cells] = why
    _missing_errors(c, cells[why == MISS_ERROR], status.shape, inputs, selected.stage)
    pts.ravel()[cells] = np.where((why == MISS_MAX) | (why == ZT_MAX), c.leaf_max_nano[leaf], 0)
    applicable = np.ones(status.shape, dtype=bool)
    applicable.ravel()[cells] = ~np.isin(why, (STRUCTURAL, NA_RESCALE, ZT_NA, MISS_NA))
    filled = np.zeros(status.shape, dtype=bool)
    filled.ravel()[cells] = np.isin(why, FILLED)
    return LeafScores(pts.T, applicable.T, reason.T, clamped.T, rel_low, rel_high, filled.T)


def _rule_points(c: Compiled, value: np.ndarray, has: np.ndarray) -> np.ndarray:
    """Points by each leaf's rule before clamping (leaves × units); meaningless where `has` is False."""
    raw = np.full(value.shape, np.nan)
    mx = c.leaf_max[:, None]
    for kind, idx in ((k, c.leaf_index(k)) for k in KIND):
        if idx.size == 0 or kind == "relative":
            continue
        v, m = value[idx], mx[idx]
        if kind == "binary":
            out = v * m
        elif kind == "ladder":
            out = np.zeros_like(v)
            lows, amounts = c.ladder_min[idx], c.ladder_points[idx]
            for step in range(lows.shape[1] - 1, -1, -1):  # last step first: a better step overrides
                out = np.where(v >= lows[:, step, None], amounts[:, step, None], out)
        elif kind == "linear":
            lo, hi = c.linear_from[idx, None], c.linear_to[idx, None]
            out = m * np.clip((v - lo) / (hi - lo), 0.0, 1.0)
        elif kind in ("ratio", "survey"):
            out = m * v
        elif kind == "levels":
            level = np.nan_to_num(v).astype(np.int64)
            out = np.take_along_axis(c.level_points[idx], level, axis=1)
        elif kind == "deduct":
            out = m - c.deduct_per[idx, None] * v
        else:  # points
            out = v
        raw[idx] = out
    return raw


def _relative(
    c: Compiled, value: np.ndarray, has: np.ndarray, groups: np.ndarray, raw: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Fill `raw` (leaves × units) for relative leaves: max × position between the group's worst and best."""
    low = np.full((len(c.group_ids), value.shape[0]), np.nan)
    high = low.copy()
    idx = c.leaf_index("relative")
    if idx.size == 0:
        return low, high
    v, ok = value[idx], has[idx]
    for g in range(len(c.group_ids)):
        cols = groups == g
        seen = ok[:, cols].any(axis=1)
        low[g, idx] = np.where(seen, np.where(ok[:, cols], v[:, cols], np.inf).min(axis=1, initial=np.inf), np.nan)
        high[g, idx] = np.where(seen, np.where(ok[:, cols], v[:, cols], -np.inf).max(axis=1, initial=-np.inf), np.nan)
    lo, hi = low[:, idx].T[:, groups], high[:, idx].T[:, groups]
    span = hi - lo
    lower = c.lower_better[idx, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(span > 0, np.where(lower, hi - v, v - lo) / span, 1.0)
    raw[idx] = np.where(ok, c.leaf_max[idx, None] * frac, np.nan)
    return low, high


def _missing_errors(c: Compiled, cells: np.ndarray, shape: tuple[int, int], inputs: Inputs, stage: int) -> None:
    """E401 for every (unit, leaf) without a value under `missing: error` (`cells`: flat leaves × units positions)."""
    if cells.size == 0:
        return
    problems = Problems()
    stage_name = c.rulebook.stages[stage]
    units = inputs.units["unit_id"].to_numpy()
    for leaf, u in zip(*np.unravel_index(cells, shape)):
        node = c.nodes[c.leaf_node[leaf]]
        problems.add(MISSING_ERROR, node.field_pos("missing") if node.missing else node.pos,
                     f"{units[u]}/{node.id}", unit=units[u], leaf=node.label, stage=stage_name)
    problems.raise_if_errors()


def aggregate(compiled: Compiled, leaves: LeafScores) -> NodeScores:
    """Points, applicable maximum and applicability of every node, bottom-up one depth at a time.

    Computed node-major (nodes × units); the arrays returned are units × nodes views of it. A
    node whose leaves are all out has 0 points and maximum 0, so sums need no masking.
    """
    c = compiled
    shape = (len(c.node_ids), leaves.points.shape[0])
    pts = np.zeros(shape, dtype=np.int64)
    mx = np.zeros(shape, dtype=np.int64)
    app = np.zeros(shape, dtype=bool)
    leaf_app = leaves.applicable.T
    pts[c.leaf_node] = leaves.points.T
    mx[c.leaf_node] = np.where(leaf_app, c.leaf_max_nano[:, None], 0)
    app[c.leaf_node] = leaf_app
    for level in c.levels:
        kids, parents = level.children, level.parents
        p = np.add.reduceat(pts[kids], level.starts, axis=0)
        m = np.add.reduceat(mx[kids], level.starts, axis=0)
        app[parents] = np.logical_or.reduceat(app[kids], level.starts, axis=0)
        capped = np.flatnonzero(level.agg == AGG_CAPPED)
        if capped.size:
            declared = c.node_max[parents[capped], None]
            p[capped] = np.minimum(p[capped], declared)
            m[capped] = np.minimum(m[capped], declared)
        ends = np.r_[level.starts[1:], kids.size]
        for j in np.flatnonzero(level.agg == AGG_BEST):
            k = int(c.node_best[parents[j]])
            block = kids[level.starts[j]: ends[j]]
            p[j] = _top_k_sum(np.where(app[block], pts[block], -1), k)
            m[j] = _top_k_sum(np.where(app[block], mx[block], -1), k)
        floor = c.node_floor[parents, None]
        if floor.any():
            p = np.clip(p, np.minimum(floor, m), m)
        pts[parents] = p
        mx[parents] = m
    return NodeScores(pts.T, mx.T, app.T)


def _top_k_sum(x: np.ndarray, k: int) -> np.ndarray:
    """Per column, the sum of the k largest entries (children × units; −1 marks a child out of the maximum)."""
    top = -np.sort(-x, axis=0)[:k]
    return np.where(top > 0, top, 0).sum(axis=0)


def index_points(compiled: Compiled, nodes: NodeScores, selected: Selected, inputs: Inputs) -> IndexScores:
    """Index = earned ÷ applicable maximum × scale + Σ sign × capped adjustment, clamped to [0, scale]."""
    c = compiled
    earned = nodes.points[:, c.top].sum(axis=1)
    possible = nodes.max[:, c.top].sum(axis=1)
    unscored = possible == 0  # nothing applicable: index 0 here, unranked and bandless in grading (E407)
    base = nano(earned / np.where(unscored, 1, possible) * (c.scale_nano / NANO))
    v = selected.adjustment
    amount = np.where(np.isnan(c.adj_each)[None, :], v, v * c.adj_each[None, :])
    adj = nano(np.nan_to_num(np.minimum(amount, c.adj_cap[None, :]))) * c.adj_sign[None, :]
    index = np.where(unscored, 0, np.clip(base + adj.sum(axis=1), 0, c.scale_nano))
    return IndexScores(index, earned, possible, adj, unscored)


def grading(
    compiled: Compiled, index: np.ndarray, nodes: NodeScores, groups: np.ndarray, inputs: Inputs,
    unscored: np.ndarray | None = None,
) -> Graded:
    """Bands (thresholds, gates, quotas) and ranks; unscored units get neither."""
    return grade(compiled, index, nodes.points, nodes.max, nodes.applicable, groups, flag_matrix(compiled, inputs),
                 unscored)


def flag_matrix(compiled: Compiled, inputs: Inputs) -> np.ndarray:
    """Units × flags, True where the unit carries the flag."""
    out = np.zeros((len(inputs.units), len(compiled.flag_ids)), dtype=bool)
    if "flags" not in inputs.units or not compiled.flag_ids:
        return out
    flags = inputs.units["flags"].to_numpy()
    counts = np.fromiter(map(len, flags), dtype=np.int64, count=flags.size)
    rows = np.flatnonzero(counts)
    names = [name for row in flags[rows] for name in row]
    codes = pd.Categorical(names, categories=compiled.flag_ids).codes
    units = np.repeat(rows, counts[rows])
    out[units[codes >= 0], codes[codes >= 0]] = True
    return out
