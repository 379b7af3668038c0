"""One control per leaf: which widget a rule needs, its range, and the value it shows or sets.

The engine's `Inputs` encode values per rule kind (binary 1/0, a level's index, ratio and survey
as a share in [0, 1], every other kind the number). A control shows what a person enters:
yes/no, a level name, a percentage for ratio and survey, a number or a count otherwise.
Ranges cover the rule's own numbers (ladder minima, the linear span, the count that takes every
point away) and every value the dataset holds for the leaf, so no real value is ever clipped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from cchc_rules.dsl.models import Node
from cchc_rules.numbers import plain
from cchc_rules.problems import Problems, define

_WHAT_VI = "Giá trị '{value}' không dùng được cho tiêu chí {leaf} (cách chấm: {kind})"
_WHAT_EN = "Value '{value}' cannot be used for criterion {leaf} (its rule: {kind})"
# One code per kind of value expected, so that the fix reads right in each language.
BAD_VALUE = {
    "binary": define("B901", _WHAT_VI, _WHAT_EN, "Chọn có hoặc không (True/False).", "Choose yes or no (True/False)."),
    "levels": define("B902", _WHAT_VI, _WHAT_EN, "Chọn một trong các mức: {levels}.",
                     "Choose one of the levels: {levels}."),
    "percent": define("B903", _WHAT_VI, _WHAT_EN, "Nhập một tỷ lệ phần trăm từ 0 đến 100.",
                      "Enter a percentage from 0 to 100."),
    "count": define("B904", _WHAT_VI, _WHAT_EN, "Nhập một số nguyên không âm (số lỗi).",
                    "Enter a whole number of faults, 0 or more."),
    "points": define("B905", _WHAT_VI, _WHAT_EN, "Nhập số điểm từ 0 đến {max}.", "Enter points from 0 to {max}."),
    "number": define("B906", _WHAT_VI, _WHAT_EN, "Nhập một số hữu hạn.", "Enter a finite number."),
}
_EXPECTED = {"binary": "binary", "levels": "levels", "ratio": "percent", "survey": "percent", "deduct": "count",
             "points": "points"}

Widget = Literal["checkbox", "slider", "int_slider", "dropdown"]


@dataclass(frozen=True)
class Control:
    """How a leaf is edited: the widget, its bounds and step (in control units), its options."""

    leaf: Node
    widget: Widget
    low: float = 0.0
    high: float = 1.0
    step: float = 1.0
    options: tuple[str, ...] = ()
    unit: str = ""  # "percent", "count" or ""

    @property
    def kind(self) -> str:
        return self.leaf.rule.kind

    def shown(self, encoded: float) -> Any:
        """The control's value for an engine value."""
        kind = self.kind
        if kind == "binary":
            return bool(encoded >= 1)
        if kind == "levels":
            return self.options[int(encoded)]
        if kind in ("ratio", "survey"):
            return float(encoded) * 100
        if kind == "deduct":
            return int(round(encoded))
        return float(encoded)

    def encode(self, value: Any) -> float:
        """The engine value for a control value; raises `CchcError` (B901) for a value the rule cannot take."""
        kind = self.kind
        out = _encode(self, value)
        if out is None:
            problems = Problems()
            problems.add(BAD_VALUE[_EXPECTED.get(kind, "number")], path=f"criteria/{self.leaf.id}", value=value,
                         leaf=self.leaf.label, kind=kind, levels=list(self.options), max=plain(self.leaf.max or 0))
            problems.raise_if_errors()
        return float(out)


def _encode(control: Control, value: Any) -> float | None:
    kind = control.kind
    if kind == "binary":
        return 1.0 if value is True else 0.0 if value is False else None
    if kind == "levels":
        return float(control.options.index(value)) if value in control.options else None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    if kind in ("ratio", "survey"):
        return value / 100 if 0 <= value <= 100 else None
    if kind == "deduct":
        return float(value) if value >= 0 and float(value).is_integer() else None
    if kind == "points":
        return float(value) if 0 <= value <= (control.leaf.max or 0) else None
    return float(value)


def control_for(leaf: Node, observed: np.ndarray) -> Control:
    """The control of a leaf; `observed` holds the engine values the dataset has for it (any unit, stage)."""
    rule = leaf.rule
    kind = rule.kind
    seen = observed[np.isfinite(observed)]
    mx = leaf.max or 0.0
    if kind == "binary":
        return Control(leaf, "checkbox")
    if kind == "levels":
        return Control(leaf, "dropdown", options=tuple(rule.levels))
    if kind in ("ratio", "survey"):
        return Control(leaf, "slider", 0.0, 100.0, 0.5, unit="percent")
    if kind == "deduct":
        most = max(math.ceil(mx / rule.deduct.per), int(seen.max()) if seen.size else 0, 1)
        return Control(leaf, "int_slider", 0, most, 1, unit="count")
    if kind == "points":
        return Control(leaf, "slider", 0.0, mx, _step(mx))
    if kind == "ladder":
        marks = [s.min for s in rule.ladder if s.min is not None]
    elif kind == "linear":
        marks = [rule.linear.from_, rule.linear.to]
    else:  # relative
        marks = []
    values = [*marks, *seen.tolist()] or [0.0, 100.0]
    low, high = min(0.0, *values), max(values)
    if kind == "ladder" and 1 < high <= 100:
        high = 100.0  # a ladder on a percentage, as most are
    if high <= low:
        high = low + 1
    return Control(leaf, "slider", low, high, _step(high - low))


def _step(span: float) -> float:
    """A step that gives a slider about 100–1000 positions with a round size (0.01, 0.05, 0.1, 0.5...)."""
    for step in (0.01, 0.05, 0.1, 0.5, 1, 5, 10):
        if span / step <= 1000:
            return step
    return span / 1000
