"""Where things are in a self-assessment workbook: shared by its writer (documents) and its reader (data).

A unit sheet has a title block (rows 1–7), a header row (8) and one row per node from row 9;
column A holds the node id (hidden), then the columns of `Layout`. The hidden sheet `_cchc` names the
format, the rulebook and the issue id that links the file to the province's issued copy
(`data.issued`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from cchc_rules.dsl.models import Rulebook

FORMAT = "cchc-self-assessment"
VERSION = 2  # version 1 kept the units, flags and survey answers inside the workbook: no longer read
INFO, LISTS = "_cchc", "_lists"
HEADER_ROW, FIRST_ROW = 8, 9
YES_WORDS = ("1", "true", "yes", "có", "đạt", "x")


def rulebook_hash(rulebook: Rulebook) -> str:
    """sha256 of the rulebook's canonical JSON: a changed rulebook gets another hash."""
    return hashlib.sha256(rulebook.model_dump_json().encode("utf-8")).hexdigest()


def cell_ref(col: int, row: int) -> str:
    """An Excel cell name: (6, 12) → "F12"."""
    return f"{get_column_letter(col)}{row}"


@dataclass(frozen=True)
class Layout:
    """Where each column of a unit sheet is (1-based), derived from the stages.

    What a unit fills and signs comes first (code, name, max, a column per stage, points,
    evidence provided, a note per stage: the printed page), then the guidance (how it is
    scored, remark, evidence required), then hidden helper columns.
    """

    stages: tuple[str, ...]

    id, code, name, max, first_stage = 1, 2, 3, 4, 5

    def stage(self, i: int) -> int:
        return self.first_stage + i

    @property
    def points(self) -> int:
        return self.first_stage + len(self.stages)

    @property
    def evidence(self) -> int:
        return self.points + 1

    def note(self, i: int) -> int:
        return self.points + 2 + i

    @property
    def last_printed(self) -> int:
        """The last column printed: the guidance after it is read on screen."""
        return self.note(len(self.stages) - 1)

    @property
    def how(self) -> int:
        return self.note(len(self.stages))

    @property
    def remark(self) -> int:
        return self.how + 1

    @property
    def required(self) -> int:
        return self.how + 2

    @property
    def value(self) -> int:
        return self.how + 3

    @property
    def appl(self) -> int:
        return self.value + 1

    @property
    def extra(self) -> int:
        return self.value + 2

    def inputs(self) -> dict[str, int]:
        """Input column name (as in assessments) → column number."""
        cols = {s: self.stage(i) for i, s in enumerate(self.stages)}
        cols["evidence"] = self.evidence
        cols.update({f"note_{s}": self.note(i) for i, s in enumerate(self.stages)})
        return cols
