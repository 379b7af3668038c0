"""What a golden file holds once checked: cases, units, expectations (numbers as `Approx`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from cchc_rules.dsl.models import Rulebook
from cchc_rules.problems import Pos

FILE_KEYS = ("rulebook", "cases")
CASE_KEYS = ("name", "unit", "units", "values", "stage", "expect", "groups")
GROUP_KEYS = ("count", "mean", "bands")  # extension: what a case expects of a whole unit group
UNIT_KEYS = ("id", "name", "group", "flags", "values")
EXPECT_KEYS = ("index", "band", "rank", "points", "nodes", "published", "nodes_published", "nodes_percent")
NODE_TEXT_KEYS = ("nodes_published", "nodes_percent")  # extension: a node's published points and percentage
NUMBER_KEYS = ("index", "points")
TOLERANCE = 1e-9
SINGLE_ID = "U"


@dataclass(frozen=True)
class Approx:
    value: float
    tolerance: float = TOLERANCE

    def matches(self, got: Any) -> bool:
        return got is not None and not _isnan(got) and abs(float(got) - self.value) <= self.tolerance + 1e-12

    def __str__(self) -> str:
        return _num(self.value) if self.tolerance == TOLERANCE else f"{_num(self.value)} ± {_num(self.tolerance)}"


@dataclass
class UnitCase:
    id: str
    group: str
    flags: tuple[str, ...]
    values: Any
    name: str = ""


@dataclass
class Case:
    name: str
    pos: Pos
    units: list[UnitCase]
    expect: dict[str, dict[str, Any]]  # unit id → key → expected (numbers as Approx)
    stage: str | None = None
    single: bool = True
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)  # group → count, mean (Approx), bands


@dataclass
class GoldenFile:
    path: Path
    rulebook: Rulebook
    cases: list[Case]

    @cached_property
    def compiled(self) -> Any:
        """The rulebook compiled once for every case of the file."""
        from cchc_rules.engine.compile import compile_rulebook

        return compile_rulebook(self.rulebook)



def _num(x: float) -> str:
    text = repr(float(x))
    return text[:-2] if text.endswith(".0") else text



def _isnan(x: Any) -> bool:
    try:
        import pandas as pd

        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False
