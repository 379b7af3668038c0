"""The trainer's scoring sandbox, as plain objects (no widgets, no kernel): testable and fast.

A `Sandbox` holds a rulebook, a dataset and one unit. A trainer sets a leaf's value, marks a
leaf's evidence as missing, or switches between the self-assessed and the appraised side; each
`outcome()` rescores the whole dataset (so the rank among peers and `relative` leaves follow)
and gives the unit's index, band, rank and ledger on both sides.

Decisions:
- The self-assessed side scores at the rulebook's first stage, the appraised side at its last
  (the final score). An edit writes the value at the stage of the side being edited.
- "Evidence missing" removes the leaf's value at every stage up to the side's stage, so the
  leaf's `missing` policy applies (on both sides at once: missing evidence is missing for the
  unit and for the appraisal council alike). A `missing: error` leaf then makes the unit
  unscorable: the outcome carries the problem instead of a score.
- Choosing another unit restores the original data (edits belong to the unit being shown).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from cchc_rules.data.model import EMPTY, NA, VALUE, Inputs
from cchc_rules.dsl.models import Node, Rulebook
from cchc_rules.engine.compile import Compiled, compile_rulebook
from cchc_rules.engine.explain import Ledger
from cchc_rules.engine.result import Result
from cchc_rules.engine.score import score_inputs
from cchc_rules.i18n import pick, resolve_lang
from cchc_rules.problems import CchcError, Problem, Problems, define, nearest
from cchc_rules.widgets.controls import Control, control_for

Side = Literal["self", "appraised"]
SIDES: tuple[Side, ...] = ("self", "appraised")

UNKNOWN_LEAF = define(
    "B910",
    "Không có tiêu chí thành phần '{leaf}' trong bộ tiêu chí",
    "The rulebook has no leaf criterion '{leaf}'",
    "Chọn một tiêu chí có cách chấm (không phải nhóm tiêu chí), ví dụ: {near}.",
    "Choose a criterion that has a rule (not a group of criteria), e.g. {near}.",
)
UNKNOWN_SIDE = define(
    "B911",
    "Không có cách chấm '{side}'",
    "There is no side '{side}'",
    "Chọn 'self' (tự đánh giá) hoặc 'appraised' (thẩm định).",
    "Choose 'self' (self-assessed) or 'appraised'.",
)
NOT_FOR_GROUP = define(
    "B912",
    "Tiêu chí {leaf} không áp dụng cho nhóm '{group}' của đơn vị {unit}",
    "Criterion {leaf} does not apply to group '{group}' of unit {unit}",
    "Chọn một tiêu chí áp dụng cho nhóm này.",
    "Choose a criterion that applies to this group.",
)


@dataclass
class Outcome:
    """The unit's score on one side; `index` is None (and `problems` say why) when it cannot be scored."""

    side: Side
    stage: str
    index: float | None = None
    published: str = ""
    band: str | None = None
    band_label: str = ""
    rank: int | None = None
    peers: int = 0
    fields: pd.DataFrame = field(default_factory=pd.DataFrame)  # node_id, code, name, points, max (top level)
    leaf_points: dict[str, tuple[float, float]] = field(default_factory=dict)  # leaf → (points, max); NaN when out
    ledger: Ledger | None = None
    problems: list[Problem] = field(default_factory=list)


@dataclass
class LeafState:
    """What a leaf's control shows now on the side being edited."""

    control: Control
    value: Any  # the control value; None when the leaf has no value (or NA) at the side's stage
    status: str  # "value", "na", "empty" or "structural" (does not apply to the unit's group)
    missing: bool  # the "evidence missing" toggle


class Sandbox:
    """A rulebook, a dataset (parsed `Inputs`) and one unit, with edits on top of the data."""

    def __init__(self, rulebook: Rulebook, inputs: Inputs, unit: str, lang: str | None = None):
        self.rulebook = rulebook
        self.compiled: Compiled = compile_rulebook(rulebook)
        self.original = inputs
        self.lang = resolve_lang(lang)
        self.side: Side = "appraised"
        self._leaf_index = {leaf_id: j for j, leaf_id in enumerate(self.compiled.leaf_ids)}
        self._leaves: dict[str, Node] = {leaf.id: leaf for leaf in rulebook.leaves()}
        observed = inputs.value
        self.controls: dict[str, Control] = {
            leaf_id: control_for(self._leaves[leaf_id], observed[:, j, :].ravel())
            for leaf_id, j in self._leaf_index.items()
        }
        self._units = inputs.units["unit_id"].astype(str).tolist()
        self._baseline = {side: self._score(inputs, side) for side in SIDES}
        self.unit = unit

    # ------------------------------------------------------------ state
    @property
    def unit(self) -> str:
        return self._unit

    @unit.setter
    def unit(self, unit_id: str) -> None:
        """Show another unit (E405 when unknown); its data start from the original."""
        self._row = self._baseline["appraised"].row_of(unit_id)
        self._unit = str(unit_id)
        self.reset()

    @property
    def units(self) -> list[str]:
        return list(self._units)

    @property
    def group(self) -> str:
        return str(self.original.units["group"].iat[self._row])

    def reset(self) -> None:
        """Back to the original data: every edit and every missing-evidence toggle undone."""
        self._value = self.original.value.copy()
        self._status = self.original.status.copy()
        self._missing: set[str] = set()

    def set_side(self, side: str) -> None:
        if side not in SIDES:
            problems = Problems()
            problems.add(UNKNOWN_SIDE, path="side", side=side)
            problems.raise_if_errors()
        self.side = side  # type: ignore[assignment]

    def stage_of(self, side: Side) -> int:
        return 0 if side == "self" else len(self.rulebook.stages) - 1

    def _leaf(self, leaf_id: str) -> int:
        if leaf_id not in self._leaf_index:
            problems = Problems()
            problems.add(UNKNOWN_LEAF, path=f"criteria/{leaf_id}", leaf=leaf_id,
                         near=nearest(leaf_id, self._leaf_index))
            problems.raise_if_errors()
        return self._leaf_index[leaf_id]

    def applies(self, leaf_id: str) -> bool:
        return self.rulebook.applies(leaf_id, self.group)

    def set_value(self, leaf_id: str, value: Any) -> None:
        """Set a leaf's value as its control shows it (yes/no, level name, %, count, number) on the current side."""
        j = self._leaf(leaf_id)
        if not self.applies(leaf_id):
            problems = Problems()
            problems.add(NOT_FOR_GROUP, path=f"criteria/{leaf_id}", leaf=self._leaves[leaf_id].label,
                         group=self.group, unit=self.unit)
            problems.raise_if_errors()
        encoded = self.controls[leaf_id].encode(value)
        s = self.stage_of(self.side)
        self._value[self._row, j, s] = encoded
        self._status[self._row, j, s] = VALUE

    def set_missing(self, leaf_id: str, missing: bool = True) -> None:
        """Toggle "evidence missing": the leaf's value removed so that its `missing` policy applies."""
        self._leaf(leaf_id)
        if missing:
            self._missing.add(leaf_id)
        else:
            self._missing.discard(leaf_id)

    def leaf_state(self, leaf_id: str) -> LeafState:
        j = self._leaf(leaf_id)
        control = self.controls[leaf_id]
        missing = leaf_id in self._missing
        if not self.applies(leaf_id):
            return LeafState(control, None, "structural", missing)
        status = self._status[self._row, j, : self.stage_of(self.side) + 1]
        filled = np.flatnonzero(status != EMPTY)
        if filled.size == 0:
            return LeafState(control, None, "empty", missing)
        s = int(filled[-1])
        if status[s] == VALUE:
            return LeafState(control, control.shown(self._value[self._row, j, s]), "value", missing)
        return LeafState(control, None, "na" if status[s] == NA else "empty", missing)

    # ------------------------------------------------------------ scoring
    def inputs(self, side: Side) -> Inputs:
        """The edited data as scored on a side (missing-evidence leaves emptied up to its stage)."""
        value, status = self._value.copy(), self._status.copy()
        cols = [self._leaf_index[leaf_id] for leaf_id in self._missing]
        if cols:
            upto = self.stage_of(side) + 1
            rows = np.full(len(cols), self._row)
            for s in range(upto):
                value[rows, cols, s] = np.nan
                status[rows, cols, s] = EMPTY
        return replace(self.original, value=value, status=status)

    def _score(self, inputs: Inputs, side: Side) -> Result:
        return score_inputs(self.compiled, inputs, self.rulebook.stages[self.stage_of(side)])

    def outcome(self, side: Side | None = None, ledger: bool = True) -> Outcome:
        """The unit's score on a side (default: the side being edited), with its ledger."""
        side = side or self.side
        stage = self.rulebook.stages[self.stage_of(side)]
        try:
            result = self._score(self.inputs(side), side)
        except CchcError as exc:
            return Outcome(side, stage, problems=exc.problems)
        return self._outcome(result, side, ledger)

    def baseline(self, side: Side | None = None) -> Outcome:
        """The unit's score on the original data."""
        return self._outcome(self._baseline[side or self.side], side or self.side, ledger=False)

    def _outcome(self, result: Result, side: Side, ledger: bool) -> Outcome:
        u, lang, c = self._row, self.lang, self.compiled
        row = result.units.iloc[u]
        band = None if pd.isna(row["band"]) else str(row["band"])
        rank = None if pd.isna(row["rank"]) else int(row["rank"])
        ranked = result.units["rank"].notna().to_numpy().copy()
        if c.rank_within_group:
            ranked &= result.group_codes == result.group_codes[u]
        top = c.top
        nodes = [c.nodes[n] for n in top]
        fields = pd.DataFrame({
            "node_id": [n.id for n in nodes],
            "code": [n.label for n in nodes],
            "name": [pick(n.name, lang) for n in nodes],
            "points": result.node_points[u, top],
            "max": result.node_max[u, top],
        })
        leaf_pts = result.leaf_points[u]
        leaf_max = result.node_max[u, c.leaf_node]
        return Outcome(
            side=side, stage=result.stage, index=float(result.index[u]), published=str(row["published"]),
            band=band, band_label=result.band_label(band, lang) if band else "",
            rank=rank, peers=int(ranked.sum()), fields=fields,
            leaf_points={leaf_id: (float(leaf_pts[j]), float(leaf_max[j])) for leaf_id, j in self._leaf_index.items()},
            ledger=result.explain(self.unit, lang) if ledger else None,
        )


def open_sandbox(rulebook: Rulebook, dataset: Any, unit: str | None = None, lang: str | None = None) -> Sandbox:
    """A sandbox on a loaded rulebook and dataset (a `Dataset` or its `Inputs`); default unit: the first."""
    from cchc_rules.data.parse import inputs_for

    inputs = dataset if isinstance(dataset, Inputs) else inputs_for(dataset, rulebook)
    first = str(inputs.units["unit_id"].iat[0])
    return Sandbox(rulebook, inputs, unit or first, lang)
