"""An improvement plan per unit: the fewest criteria whose full marks lift it to the next band, by rescoring.

`improvement_plan(result, unit_id)` takes a scored `Result` and asks the engine, not a guess: each
criterion (leaf) that applies to the unit and is below its maximum is set to full marks in the unit's
leaf points, the tree is aggregated again (`engine.score.aggregate`), the index recomputed with the
unit's adjustments (`analysis.uncertainty.index_nano`) and every unit graded again with the engine's
own grading (gates, quotas, ranks: `engine.grading.grade`).

- Goal `rise`: the smallest set of criteria whose full marks give the unit the next better band of its
  group. Sets of one and two criteria are searched exhaustively; beyond, criteria are added in order of
  what each alone adds to the index until the band is reached, then any criterion the set does not need
  is dropped. When the points add up (sum parents, no caps nor best-of-k) adding the largest gains first
  is the smallest set; otherwise the engine still checks that the set found reaches the band.
- Goal `keep` (the unit is in its group's best band): the fewest criteria whose loss (0 points) would
  make it fall, i.e. what it must keep, found the same way.
- `reachable` is False when even full marks on every criterion do not reach the band (a gate on a flag,
  a quota, adjustments): `steps` then lists every criterion and `note` says why in both languages.

`steps`: per criterion in the order added: leaf id, code, names, points now, max, points it adds to the
leaf, index points it adds alone, and the index, rank and band once it and those before it are full.
Numbers are unrounded.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from cchc_rules.analysis.uncertainty import index_nano
from cchc_rules.engine.grading import grade
from cchc_rules.engine.result import Result
from cchc_rules.engine.rounding import NANO
from cchc_rules.engine.score import aggregate
from cchc_rules.i18n import pick
from cchc_rules.json_types import JsonObject
from cchc_rules.labels import by_key
from cchc_rules.labels.council import IMPROVEMENT_NOTES

EXHAUSTIVE = 2  # set sizes searched exhaustively
NOTES = by_key(IMPROVEMENT_NOTES)


@dataclass
class Plan:
    unit_id: str
    goal: str  # "rise" or "keep"
    band: str | None
    target: str | None  # the band aimed at (rise) or kept (keep)
    index: float
    target_min: float | None  # the target band's minimum (threshold bands; None for quantile bands)
    reachable: bool
    steps: pd.DataFrame
    note: dict[str, str]

    def to_json(self) -> JsonObject:
        from cchc_rules.analysis.jsonable import json_value

        return {"unit_id": self.unit_id, "goal": self.goal, "band": self.band, "target": self.target,
                "index": self.index, "target_min": self.target_min, "reachable": self.reachable,
                "steps": [{k: json_value(v) for k, v in r.items()} for r in self.steps.to_dict("records")],
                "note": self.note}


class _Rescorer:
    """Scores variants of one unit's leaf points with the engine (every other unit as it is)."""

    def __init__(self, result: Result, row: int):
        self.r, self.row = result, row
        c = result.compiled
        self.c = c
        self.leaf_max = result.node_scores.max[row, c.leaf_node]  # nano, 0 when out
        self.base_points = result.leaves.points[row].copy()
        self.adjust = result.totals.adjustments.sum(axis=1)

    def _leaves(self, sets: list[tuple[int, ...]], fill: str) -> Any:
        lv = self.r.leaves
        k = len(sets)
        pts = np.repeat(self.base_points[None, :], k, axis=0)
        for i, s in enumerate(sets):
            if s:
                pts[i, list(s)] = self.leaf_max[list(s)] if fill == "max" else 0
        take = np.full(k, self.row)
        return replace(lv, points=pts, applicable=lv.applicable[take], reason=lv.reason[take],
                       clamped=lv.clamped[take])

    def indices(self, sets: list[tuple[int, ...]], fill: str) -> np.ndarray:
        """The unit's index (nano) under each set of criteria at full marks (`fill` max) or at 0."""
        ns = aggregate(self.c, self._leaves(sets, fill))
        return index_nano(self.c, ns, np.repeat(self.adjust[self.row], len(sets)))

    def graded(self, s: tuple[int, ...], fill: str) -> tuple[float, int | None, int]:
        """(index, rank or None, band code) of the unit with every unit graded again."""
        r, c = self.r, self.c
        lv = r.leaves
        pts = lv.points.copy()
        if s:
            pts[self.row, list(s)] = self.leaf_max[list(s)] if fill == "max" else 0
        ns = aggregate(c, replace(lv, points=pts))
        index = index_nano(c, ns, self.adjust)
        g = grade(c, index, ns.points, ns.max, ns.applicable, r.group_codes, r.flags, r.unscored)
        rank = int(g.rank[self.row]) if g.ranked[self.row] else None
        return index[self.row] / NANO, rank, int(g.band[self.row])


def improvement_plan(result: Result, unit_id: str) -> Plan:
    """The plan of one unit (see the module's docstring)."""
    row = result.row_of(unit_id)
    c = result.compiled
    unit = result.units.iloc[row]
    band = None if pd.isna(unit["band"]) else str(unit["band"])
    index = float(unit["index"])
    if result.unscored[row]:
        return Plan(str(unit_id), "rise", None, None, index, None, False, _steps(result, row, [], []),
                    NOTES["unscored"])
    table = c.band_tables[int(result.group_codes[row])]
    codes = [b.code for b in table]
    now = int(result.graded.band[row])
    position = codes.index(now) if now in codes else len(codes)
    goal = "rise" if position > 0 else "keep"
    target_pos = position - 1 if goal == "rise" else 0
    target = table[target_pos]
    rescore = _Rescorer(result, row)
    points = result.leaves.points[row]
    app = result.leaves.applicable[row]
    if goal == "rise":
        candidates = np.flatnonzero(app & (points < rescore.leaf_max))
        fill = "max"
    else:
        candidates = np.flatnonzero(app & (points > 0))
        fill = "zero"
    rank_of = {code: i for i, code in enumerate(codes)}

    def reaches(s: tuple[int, ...]) -> bool:
        got = rescore.graded(s, fill)[2]
        ok = got in rank_of and rank_of[got] <= target_pos
        return ok if goal == "rise" else not ok

    base = rescore.indices([()], fill)[0]
    alone = rescore.indices([(int(j),) for j in candidates], fill) - base if len(candidates) else np.array([])
    order = [int(candidates[i]) for i in np.argsort(-np.abs(alone), kind="stable")]
    gain = {int(j): float(g) / NANO for j, g in zip(candidates, alone)}
    chosen = _search(order, reaches, rescore, fill, target.min_nano, goal)
    reachable = chosen is not None
    note = {"vi": "", "en": ""}
    if not reachable:
        chosen = tuple(order) if goal == "rise" else ()
        note = NOTES["unreachable"] if goal == "rise" else NOTES["safe"]
    elif goal == "keep":
        note = NOTES["top"]
    if goal == "rise" and (target.band.quota is not None or target.band.when):
        note = {lang: " ".join(x for x in (note[lang], NOTES["limited"][lang]) if x) for lang in ("vi", "en")}
    picked = list(chosen or ())
    steps = _steps(result, row, picked, [gain[j] for j in picked], rescore, fill)
    target_min = None if target.band.quantile is not None else target.min_nano / NANO
    return Plan(str(unit_id), goal, band, c.band_ids[target.code], index, target_min, reachable, steps, note)


def _search(order: list[int], reaches: Any, rescore: _Rescorer, fill: str, threshold: int,
            goal: str) -> tuple[int, ...] | None:
    """The smallest set found: every set of up to `EXHAUSTIVE` criteria (those the index allows), then the
    largest gains first, pruned."""
    for size in range(1, EXHAUSTIVE + 1):
        sets = list(combinations(order, size))
        if not sets:
            break
        index = rescore.indices(sets, fill)
        near = index >= threshold if goal == "rise" else np.ones(len(sets), dtype=bool)
        for i in np.argsort(-index if goal == "rise" else index, kind="stable"):
            if near[i] and reaches(sets[i]):
                return tuple(sets[i])
    chosen: list[int] = []
    for j in order:
        chosen.append(j)
        if len(chosen) > EXHAUSTIVE and reaches(tuple(chosen)):
            for k in sorted(chosen, key=lambda x: order.index(x), reverse=True):
                rest = tuple(x for x in chosen if x != k)
                if reaches(rest):
                    chosen = list(rest)
            return tuple(chosen)
    return None


def _steps(result: Result, row: int, chosen: list[int], gains: list[float], rescore: _Rescorer | None = None,
           fill: str = "max") -> pd.DataFrame:
    c = result.compiled
    nodes = result.rulebook.nodes()
    rows = []
    for k, j in enumerate(chosen):
        node = nodes[c.leaf_ids[j]]
        now = result.leaves.points[row, j] / NANO
        mx = rescore.leaf_max[j] / NANO if rescore is not None else np.nan
        index, rank, band = rescore.graded(tuple(chosen[: k + 1]), fill) if rescore is not None else (np.nan, None, -1)
        rows.append({"criterion": c.leaf_ids[j], "code": node.label, "name_vi": pick(node.name, "vi"),
                     "name_en": pick(node.name, "en"), "points": now, "max": mx,
                     "leaf_points": (mx - now) if fill == "max" else -now, "index_points": gains[k],
                     "index_after": index, "rank_after": rank, "band_after": c.band_ids[band] if band >= 0 else None})
    return pd.DataFrame(rows, columns=["criterion", "code", "name_vi", "name_en", "points", "max", "leaf_points",
                                       "index_points", "index_after", "rank_after", "band_after"])
