"""Stage selection: per unit × leaf, the value of the last stage with one at or before the scored stage.

Decisions: NA and a zero total count as values (they stop the look back); a cell with no value
up to the stage keeps status EMPTY, value NaN and stage −1. The stage-major `Inputs` are read one
stage at a time as contiguous leaves × units blocks: the scored stage is copied whole, then only
its empty cells look back to earlier stages.
"""

from __future__ import annotations

import numpy as np

from cchc_rules.data.model import EMPTY, Inputs
from cchc_rules.engine.vocabulary import Selected


def select_at(inputs: Inputs, s: int) -> Selected:
    """`Selected` at stage index `s` (leaf-major arrays, exposed units × leaves)."""
    by_stage_status, by_stage_value = inputs.status.T, inputs.value.T  # stages × leaves × units, contiguous
    status = by_stage_status[s].copy()
    value = by_stage_value[s].copy()
    used = np.full(status.shape, s, dtype=np.int8)
    _look_back(by_stage_status, by_stage_value, s, status, value, used)
    adj, adj_used = adjustments_at(inputs, s)
    return Selected(s, value.T, status.T, used.T, adj, adj_used)


def adjustments_at(inputs: Inputs, s: int) -> tuple[np.ndarray, np.ndarray]:
    """Per unit × adjustment, the value of the last stage with one at or before `s` (NaN and stage −1: none)."""
    by_stage = inputs.adjustment.T  # stages × adjustments × units
    adj = by_stage[s].copy()
    adj_used = np.full(adj.shape, s, dtype=np.int8)
    for k in range(s - 1, -1, -1):
        take = np.isnan(adj) & ~np.isnan(by_stage[k])
        adj[take] = by_stage[k][take]
        adj_used[take] = k
    adj_used[np.isnan(adj)] = -1
    return adj.T, adj_used.T


def _look_back(by_stage_status: np.ndarray, by_stage_value: np.ndarray, s: int, status: np.ndarray,
               value: np.ndarray, used: np.ndarray) -> None:
    """Fill the empty cells of stage `s` (in `status`, `value`, `used`) from the last earlier stage with a value;
    `used` −1 where no stage up to `s` has one. Works on the positions of the empty cells when they are few."""
    flat_status, flat_value, flat_used = status.ravel(), value.ravel(), used.ravel()  # views (contiguous)
    cells = np.flatnonzero(flat_status == EMPTY)
    if cells.size * 4 > flat_status.size:  # mostly empty: whole-array passes are cheaper than positions
        for k in range(s - 1, -1, -1):
            take = (status == EMPTY) & (by_stage_status[k] != EMPTY)
            np.copyto(status, by_stage_status[k], where=take)
            np.copyto(value, by_stage_value[k], where=take)
            used[take] = k
        used[status == EMPTY] = -1
        return
    for k in range(s - 1, -1, -1):
        if cells.size == 0:
            break
        earlier = by_stage_status[k].ravel()[cells]
        hit = earlier != EMPTY
        found = cells[hit]
        flat_status[found] = earlier[hit]
        flat_value[found] = by_stage_value[k].ravel()[found]
        flat_used[found] = k
        cells = cells[~hit]
    flat_used[cells] = -1
