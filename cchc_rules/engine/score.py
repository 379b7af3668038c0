"""Score every unit at once: stage selection, leaf points, aggregation, index, grading.

`score(rulebook, dataset, stage=None)` is the public entry point; `score_inputs(compiled,
inputs, stage)` skips compiling and parsing for repeated calls. Each array step is its own
function so that a Monte Carlo can reuse them. There is no Python loop over units × leaves:
loops run over stages, rule kinds, tree depths, groups and bands. With the compiled pass
(`fused`), `score_inputs` keeps only the nodes that the index, bands and ranks read
(`Compiled.graded`: top-level nodes, tie-breaks, gates) and grades with them; every
node (`Result.node_scores`), the leaf arrays (`Result.selected`, `Result.leaves`) and the
tables are built when first read.

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

from functools import partial

import numpy as np
import pandas as pd

from cchc_rules.data.model import EMPTY, NA, VALUE, Dataset, Inputs
from cchc_rules.data.model import ZERO_TOTAL as ST_ZERO_TOTAL
from cchc_rules.data.parse import inputs_for
from cchc_rules.dsl.models import Rulebook
from cchc_rules.engine import fused
from cchc_rules.engine.compile import AGG_BEST, AGG_CAPPED, Compiled, compiled_for
from cchc_rules.engine.grading import Graded, grade
from cchc_rules.engine.result import Result
from cchc_rules.engine.rounding import NANO, nano
from cchc_rules.engine.select import adjustments_at, select_at
from cchc_rules.engine.vocabulary import (
    OUT_OF_MAX,
    IndexScores,
    LeafScores,
    NodeScores,
    Reason,
    Selected,
    flag_matrix,
)
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

def score(rulebook: Rulebook, dataset: Dataset | Inputs, stage: str | None = None) -> Result:
    """Score a dataset (a `Dataset`, or `Inputs` already parsed for this rulebook) at a stage (default: final).

    The rulebook is compiled once per rulebook (`compile.compiled_for`), the dataset parsed once per rulebook.
    """
    inputs = dataset if isinstance(dataset, Inputs) else inputs_for(dataset, rulebook)
    return score_inputs(compiled_for(rulebook), inputs, stage)


def score_inputs(compiled: Compiled, inputs: Inputs, stage: str | None = None) -> Result:
    """Score inputs with a compiled rulebook; raises `CchcError` listing every problem."""
    groups = group_codes(compiled, inputs)
    s = stage_index(compiled, stage)
    selected: Selected | None = None
    leaves: LeafScores | None = None
    nodes: NodeScores | None = None
    detail, every_node, filled, top = None, None, None, None
    flags = unit_flags(compiled, inputs)
    if fused.available():  # the nodes grading reads in one pass; the leaf and node arrays are built when asked for
        rows, twin = compiled.graded
        few, tally = fused.score_nodes(compiled, inputs, s, groups, rows)
        detail = partial(fused.select_and_score, compiled, inputs, s, groups)
        every_node = partial(_every_node, compiled, inputs, s, groups)
        if tally.errors:
            reason = detail()[1].reason.T  # leaves × units
            _missing_errors(compiled, np.flatnonzero(reason.ravel() == Reason.MISSING_ERROR), reason.shape, inputs, s)
        totals = index_from(twin, few, adjustments_at(inputs, s)[0])
        graded = grade(twin, totals.index, few.points, few.max, few.applicable, groups, flags, totals.unscored)
        filled = tally.filled
        top = (few.points[:, twin.top], few.applicable[:, twin.top])
    else:
        selected = select_at(inputs, s)
        leaves = leaf_points(compiled, selected, groups, inputs)
        nodes = aggregate(compiled, leaves)
        totals = index_points(compiled, nodes, selected, inputs)
        graded = grade(compiled, totals.index, nodes.points, nodes.max, nodes.applicable, groups, flags,
                       totals.unscored)
    return Result(compiled, inputs, selected, leaves, nodes, totals, graded, groups, flags, stage=s, detail=detail,
                  filled=filled, every_node=every_node, top=top)


def _every_node(compiled: Compiled, inputs: Inputs, s: int, groups: np.ndarray) -> NodeScores:
    """Every node's scores (`Result.node_scores`, built on first use after the compiled pass)."""
    return fused.score_nodes(compiled, inputs, s, groups)[0]


def group_codes(compiled: Compiled, inputs: Inputs) -> np.ndarray:
    """Each unit's group as an index in `compiled.group_ids`; checks the inputs fit the rulebook."""
    problems = Problems()
    if list(inputs.leaf_ids) != compiled.leaf_ids:
        problems.add(MISMATCH, path="criteria", what="leaf ids differ")
    if list(inputs.stages) != list(compiled.rulebook.stages):
        problems.add(MISMATCH, path="stages", what="stages differ")
    if list(inputs.adjustment_ids) != compiled.adjustment_ids:
        problems.add(MISMATCH, path="adjustments", what="adjustment ids differ")
    key = ("groups", id(inputs.units), tuple(compiled.group_ids))
    codes = inputs.derived.get(key)
    if codes is None:
        codes = pd.Categorical(inputs.units["group"], categories=compiled.group_ids).codes.astype(np.int64)
        codes.flags.writeable = False
        inputs.derived[key] = codes
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
    return select_at(inputs, stage_index(compiled, stage))


def leaf_points(compiled: Compiled, selected: Selected, groups: np.ndarray, inputs: Inputs) -> LeafScores:
    """Each leaf's points (nano), applicability and the reason for them, for every unit.

    Computed leaf-major (leaves × units, contiguous per leaf); the arrays returned are
    units × leaves views of it.
    """
    c = compiled
    value = np.ascontiguousarray(selected.value.T)  # free: select_stage builds them leaf-major
    status = np.ascontiguousarray(selected.status.T)
    structural = None if c.applies_everywhere else np.take(c.applies_by_leaf, groups, axis=1)  # C-contiguous
    has = status == VALUE
    if structural is not None:
        has &= structural
    raw = _rule_points(c, value)
    rel_low, rel_high = _relative(c, value, has, groups, raw)
    mx = c.leaf_max[:, None]
    with np.errstate(invalid="ignore"):
        clamped = (raw < 0) | (raw > mx)
    clamped &= has
    np.fmax(raw, 0.0, out=raw)  # NaN (no usable value) → 0 too; those cells are set below
    np.minimum(raw, mx, out=raw)
    pts = nano(raw, inplace=True)

    # Only cells without a usable value need a reason; they are few, so work on their positions.
    cells = np.flatnonzero(~has.ravel())
    leaf = cells // status.shape[1]
    st = status.ravel()[cells]
    reason = np.zeros(status.shape, dtype=np.int8)
    out_of_group = np.zeros(cells.size, dtype=bool) if structural is None else ~structural.ravel()[cells]
    why = np.select(
        [out_of_group, st == NA, st == ST_ZERO_TOTAL, st == EMPTY],
        [Reason.STRUCTURAL, Reason.NA_ZERO if c.na_zero else Reason.NA_RESCALE, c.zero_total_reason[leaf],
         c.missing_reason[leaf]],
        Reason.OK,
    ).astype(np.int8)
    reason.ravel()[cells] = why
    _missing_errors(c, cells[why == Reason.MISSING_ERROR], status.shape, inputs, selected.stage)
    full = (why == Reason.MISSING_MAX) | (why == Reason.ZERO_TOTAL_MAX)
    pts.ravel()[cells] = np.where(full, c.leaf_max_nano[leaf], 0)
    applicable = np.ones(status.shape, dtype=bool)
    applicable.ravel()[cells] = ~np.isin(why, list(OUT_OF_MAX))
    return LeafScores(pts.T, applicable.T, reason.T, clamped.T, rel_low, rel_high)


def _rule_points(c: Compiled, value: np.ndarray) -> np.ndarray:
    """Points by each leaf's rule before clamping (leaves × units); meaningless where the cell has no usable
    value. Relative leaves are left for `_relative`. Leaves of a kind that are consecutive are computed in
    place in a view of the output."""
    raw = np.empty(value.shape)
    mx = c.leaf_max[:, None]
    for kind, rows in c.kind_rows.items():
        if kind == "relative":
            continue
        v, m = value[rows], mx[rows]
        target = raw[rows] if isinstance(rows, slice) else None
        if kind in ("binary", "ratio", "survey"):
            out = np.multiply(v, m, out=target)
        elif kind == "ladder":
            out = _ladder(c.ladder_min[rows], c.ladder_points[rows], v, target)
        elif kind == "linear":
            lo, hi = c.linear_from[rows, None], c.linear_to[rows, None]
            out = np.subtract(v, lo, out=target)
            out /= hi - lo
            np.clip(out, 0.0, 1.0, out=out)
            out *= m
        elif kind == "levels":
            out = np.take_along_axis(c.level_points[rows], np.nan_to_num(v).astype(np.int64), axis=1)
        elif kind == "deduct":  # max − per × value, as m + (−per × value): the same float
            out = np.multiply(v, -c.deduct_per[rows, None], out=target)
            out += m
        else:  # points, entered out of `out_of` when a reweight set one
            out = np.multiply(v, c.points_factor[rows, None], out=target)
        if out is not target:
            raw[rows] = out
    return raw


def _ladder(lows: np.ndarray, amounts: np.ndarray, v: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    """Ladder points: the amount of the first step (in rule order) whose minimum the value reaches, else 0."""
    if out is None:
        out = np.zeros(v.shape)
    else:
        out.fill(0.0)
    for step in range(lows.shape[1] - 1, -1, -1):  # last step first: a better step overrides
        np.copyto(out, amounts[:, step, None], where=v >= lows[:, step, None])
    return out


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
    """Points, applicable maximum and applicability of every node, children before parents.

    Computed node-major (nodes × units); the arrays returned are units × nodes views of it. A
    node whose leaves are all out has 0 points and maximum 0, so sums need no masking. Each
    parent reduces its children's rows (a view when they are consecutive) straight into its own.
    """
    c = compiled
    shape = (len(c.node_ids), leaves.points.shape[0])
    pts = np.empty(shape, dtype=np.int64)  # every row is written: leaves below, parents in the loop
    mx = np.empty(shape, dtype=np.int64)
    app = np.empty(shape, dtype=bool)
    leaf_app = leaves.applicable.T
    pts[c.leaf_node] = leaves.points.T
    mx[c.leaf_node] = np.where(leaf_app, c.leaf_max_nano[:, None], 0)
    app[c.leaf_node] = leaf_app
    for parent in c.parents:
        kids, n = parent.children, parent.node
        p, m = pts[n], mx[n]
        if parent.agg == AGG_BEST:
            applies = app[kids]
            p[...] = _top_k_sum(np.where(applies, pts[kids], -1), parent.best)
            m[...] = _top_k_sum(np.where(applies, mx[kids], -1), parent.best)
        else:
            np.add.reduce(pts[kids], axis=0, out=p)
            np.add.reduce(mx[kids], axis=0, out=m)
            if parent.agg == AGG_CAPPED:
                np.minimum(p, parent.cap, out=p)
                np.minimum(m, parent.cap, out=m)
        np.logical_or.reduce(app[kids], axis=0, out=app[n])
        if parent.floor:
            np.clip(p, np.minimum(parent.floor, m), m, out=p)
    return NodeScores(pts.T, mx.T, app.T)


def _top_k_sum(x: np.ndarray, k: int) -> np.ndarray:
    """Per column, the sum of the k largest entries (children × units; −1 marks a child out of the maximum)."""
    top = -np.sort(-x, axis=0)[:k]
    return np.where(top > 0, top, 0).sum(axis=0)


def index_points(compiled: Compiled, nodes: NodeScores, selected: Selected, inputs: Inputs) -> IndexScores:
    """Index = earned ÷ applicable maximum × scale + Σ sign × capped adjustment, clamped to [0, scale]."""
    return index_from(compiled, nodes, selected.adjustment)


def index_from(compiled: Compiled, nodes: NodeScores, adjustment: np.ndarray) -> IndexScores:
    """`index_points` from the units × adjustments values at the stage (`Selected.adjustment`)."""
    c = compiled
    earned = nodes.points[:, c.top].sum(axis=1)
    possible = nodes.max[:, c.top].sum(axis=1)
    unscored = possible == 0  # nothing applicable: index 0 here, unranked and bandless in grading (E407)
    base = nano(earned / np.where(unscored, 1, possible) * (c.scale_nano / NANO))
    amount = np.where(np.isnan(c.adj_each)[None, :], adjustment, adjustment * c.adj_each[None, :])
    adj = nano(np.nan_to_num(np.minimum(amount, c.adj_cap[None, :]))) * c.adj_sign[None, :]
    index = np.where(unscored, 0, np.clip(base + adj.sum(axis=1), 0, c.scale_nano))
    return IndexScores(index, earned, possible, adj, unscored)


def unit_flags(compiled: Compiled, inputs: Inputs) -> np.ndarray:
    """Units × flags of the rulebook (`vocabulary.flag_matrix`), kept with the inputs."""
    key = ("flags", id(inputs.units), tuple(compiled.flag_ids))
    flags = inputs.derived.get(key)
    if flags is None:
        flags = flag_matrix(compiled.flag_ids, inputs.units)
        flags.flags.writeable = False
        inputs.derived[key] = flags
    return flags


def grading(
    compiled: Compiled, index: np.ndarray, nodes: NodeScores, groups: np.ndarray, inputs: Inputs,
    unscored: np.ndarray | None = None,
) -> Graded:
    """Bands (thresholds, gates, quotas) and ranks; unscored units get neither."""
    flags = unit_flags(compiled, inputs)
    return grade(compiled, index, nodes.points, nodes.max, nodes.applicable, groups, flags, unscored)
