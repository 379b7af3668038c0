"""Builders for engine tests: a rulebook from plain data, and `Inputs` straight from Python values."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest

from cchc_rules.data.model import EMPTY, NA, VALUE, ZERO_TOTAL, Inputs
from cchc_rules.dsl.models import Rulebook
from cchc_rules.engine.compile import compile_rulebook
from cchc_rules.engine.score import score_inputs

PASS = [{"id": "pass", "label": {"vi": "Đạt", "en": "Pass"}, "min": 0}]


def make_rulebook(criteria: list[dict], **extra: Any) -> Rulebook:
    doc = {
        "dsl": 1, "id": "test", "title": {"vi": "Thử", "en": "Test"},
        "groups": {"a": {"vi": "Nhóm A", "en": "Group A"}, "b": {"vi": "Nhóm B", "en": "Group B"}},
        "flags": {"discipline": "Kỷ luật", "not_ranked": "Không xếp hạng"},
        "stages": ["self", "appraisal"], "bands": PASS, "criteria": criteria,
    }
    doc.update(extra)
    return Rulebook.model_validate(doc)


def _cell(rule, value: Any) -> tuple[int, float]:
    """One cell as (status, value) in the encoding of `Inputs`."""
    if value is None:
        return EMPTY, np.nan
    if value == "NA":
        return NA, np.nan
    if isinstance(value, str) and "/" in value:
        done, total = (float(x) for x in value.split("/"))
        return (ZERO_TOTAL, np.nan) if total == 0 else (VALUE, done / total)
    if rule is not None and rule.levels is not None:
        return VALUE, float(list(rule.levels).index(value))
    return VALUE, float(value)


def make_inputs(rulebook: Rulebook, units: list, values: dict[str, list], adjustments: dict | None = None) -> Inputs:
    """`units`: (id, group) or (id, group, [flags]); `values`: leaf id → one cell per unit, a cell being
    the final stage's value, or a tuple with one value per stage (None = empty)."""
    stages = rulebook.stages
    leaves = rulebook.leaves()
    n, n_leaves, n_stages = len(units), len(leaves), len(stages)
    value = np.full((n, n_leaves, n_stages), np.nan)
    status = np.zeros((n, n_leaves, n_stages), dtype=np.int8)
    for j, leaf in enumerate(leaves):
        for i, cell in enumerate(values.get(leaf.id, [None] * n)):
            cells = cell if isinstance(cell, tuple) else (None,) * (n_stages - 1) + (cell,)
            for k, c in enumerate(cells):
                status[i, j, k], value[i, j, k] = _cell(leaf.rule, c)
    adj_ids = [a.id for a in rulebook.adjustments]
    adj = np.full((n, len(adj_ids), n_stages), np.nan)
    for a, aid in enumerate(adj_ids):
        for i, cell in enumerate((adjustments or {}).get(aid, [None] * n)):
            cells = cell if isinstance(cell, tuple) else (None,) * (n_stages - 1) + (cell,)
            adj[i, a, :] = [np.nan if c is None else c for c in cells]
    table = pd.DataFrame({
        "unit_id": [u[0] for u in units],
        "name": [f"Đơn vị {u[0]}" for u in units],
        "group": [u[1] for u in units],
        "flags": [tuple(u[2]) if len(u) > 2 else () for u in units],
    })
    return Inputs(table, [leaf.id for leaf in leaves], list(stages), value, status, adj_ids, adj,
                  np.zeros((n, n_leaves), dtype=np.int64))


def run(rulebook: Rulebook, units: list, values: dict, adjustments: dict | None = None, stage: str | None = None):
    return score_inputs(compile_rulebook(rulebook), make_inputs(rulebook, units, values, adjustments), stage)


@pytest.fixture(scope="session")
def eng() -> SimpleNamespace:
    return SimpleNamespace(rulebook=make_rulebook, inputs=make_inputs, run=run)
