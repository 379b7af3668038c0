"""What the appraisal noise of a Monte Carlo needs (`analysis.uncertainty`): how far a leaf's value moves for
one point, the grain of a rule's points, the calibrated standard deviation, and the sparse map of a cell
to its leaf and every node above it."""

from __future__ import annotations

import numpy as np
from scipy import sparse

from cchc_rules.data.model import VALUE, Inputs
from cchc_rules.engine.compile import KIND, Compiled
from cchc_rules.engine.vocabulary import Selected
from cchc_rules.problems import Problems, define

CANNOT_CALIBRATE = define(
    "A881",
    "Không hiệu chỉnh được nhiễu thẩm định: dữ liệu không có đủ cặp giá trị tự chấm − thẩm định trên các "
    "tiêu chí dạng số (tìm thấy {n})",
    "Cannot calibrate the appraisal noise: the data has too few self − appraisal pairs of values on "
    "numeric criteria (found {n})",
    "Cho độ lệch chuẩn bằng một số (điểm), hoặc dùng dữ liệu có cả giá trị tự chấm và giá trị thẩm định.",
    "Give the standard deviation as a number (points), or use data with both self and appraisal values.",
)

NUMERIC = ("ladder", "linear", "points", "deduct", "relative")


def value_per_point(c: Compiled, selected: Selected) -> np.ndarray:
    """Per leaf, how far the value moves for one point of the leaf (0 where no noise applies).

    points 1 (out_of ÷ max after a reweight); linear |to − from| ÷ max; deduct 1 ÷ per; ladder
    (highest − lowest step minimum) ÷ max, from 0 when the ladder has one minimum; relative
    (largest − smallest value at the stage) ÷ max.
    """
    out = np.zeros(len(c.leaf_ids))
    mx = np.where(c.leaf_max > 0, c.leaf_max, np.nan)
    kind = c.kind
    pts = (kind == KIND["points"]) & (c.points_factor > 0)
    out[pts] = 1.0 / c.points_factor[pts]
    lin = kind == KIND["linear"]
    out[lin] = np.abs(c.linear_to[lin] - c.linear_from[lin]) / mx[lin]
    ded = (kind == KIND["deduct"]) & (c.deduct_per > 0)
    out[ded] = 1.0 / c.deduct_per[ded]
    for j in np.flatnonzero(kind == KIND["ladder"]):
        mins = c.ladder_min[j][np.isfinite(c.ladder_min[j])]
        span = mins.max() - mins.min() if mins.size > 1 else (abs(mins[0]) if mins.size else 0.0)
        out[j] = span / mx[j]
    for j in np.flatnonzero(kind == KIND["relative"]):
        v = selected.value[selected.status[:, j] == VALUE, j]
        out[j] = (v.max() - v.min()) / mx[j] if v.size else 0.0
    return np.nan_to_num(out, nan=0.0, posinf=0.0)


def noise_grain(c: Compiled) -> np.ndarray:
    """Per leaf, the smallest move of its points the appraisal noise makes (0: any amount): a ladder's smallest
    gap between the points of its steps (0 included), a deduct's `per`."""
    out = np.zeros(len(c.leaf_ids))
    for j in np.flatnonzero(c.kind == KIND["ladder"]):
        amounts = np.unique(np.r_[c.ladder_points[j][np.isfinite(c.ladder_min[j]) | np.isneginf(c.ladder_min[j])],
                                  0.0])
        gaps = np.diff(amounts)
        out[j] = gaps[gaps > 0].min() if (gaps > 0).any() else 0.0
    ded = c.kind == KIND["deduct"]
    out[ded] = c.deduct_per[ded]
    return out


def spread(c: Compiled, at: tuple[np.ndarray, ...], n_units: int,
           columns: np.ndarray | None = None) -> sparse.csr_matrix:
    """A sparse matrix (cells × units·nodes): cell (u, leaf) → its leaf node and every ancestor, of unit u.

    With `columns` (node numbers, any order), only those nodes, in that order (cells × units·columns).
    """
    unit, leaf = at
    n_nodes = len(c.node_ids)
    where = np.arange(n_nodes) if columns is None else np.full(n_nodes, -1)
    if columns is not None:
        where[columns] = np.arange(columns.size)
    width = n_nodes if columns is None else columns.size
    rows, cols = [], []
    node = c.leaf_node[leaf].astype(np.int64)
    cell = np.arange(leaf.size)
    while node.size:
        hit = where[node] >= 0
        rows.append(cell[hit])
        cols.append(unit[hit] * width + where[node[hit]])
        up = c.parent[node]
        keep = up >= 0
        cell, unit, node = cell[keep], unit[keep], up[keep]
    r, k = np.concatenate(rows or [np.zeros(0, np.int64)]), np.concatenate(cols or [np.zeros(0, np.int64)])
    return sparse.csr_matrix((np.ones(r.size), (r, k)), shape=(leaf.size, n_units * width))


def calibrate(c: Compiled, inputs: Inputs, selected: Selected, vpp: np.ndarray) -> float:
    """σ in points: sd (ddof 1) of (first-stage value − scored value) ÷ value_per_point, numeric leaves."""
    first = inputs.value[:, :, 0]
    has = (inputs.status[:, :, 0] == VALUE) & (selected.status == VALUE) & (selected.stage_used > 0)
    numeric = np.isin(c.kind, [KIND[k] for k in NUMERIC]) & (vpp > 0)
    has &= numeric[None, :]
    gaps = ((first - selected.value) / np.where(vpp > 0, vpp, 1.0)[None, :])[has]
    if gaps.size < 2:
        problems = Problems()
        problems.add(CANNOT_CALIBRATE, path="uncertainty/appraisal_noise", n=int(gaps.size))
        problems.raise_if_errors()
    return float(np.std(gaps, ddof=1))
