"""What a dataset is once read (`Dataset`, rule-independent text tables) and what the engine
scores (`Inputs`, the dataset's values parsed for one rulebook as units × leaves × stages arrays).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import Any, overload

import numpy as np
import pandas as pd

from cchc_rules.data.text_table import TextTable
from cchc_rules.heap import filled
from cchc_rules.problems import Pos, Problem


class CellStatus(IntEnum):
    """Status of a (unit, leaf, stage) cell in `Inputs.status` (stored as int8)."""

    EMPTY = 0  # no value at this stage (an earlier stage's value carries over)
    VALUE = 1  # a value (`Inputs.value` holds it)
    NA = 2  # not applicable to the unit (`NA` in the data)
    ZERO_TOTAL = 3  # a ratio whose total is 0


EMPTY, VALUE, NA, ZERO_TOTAL = CellStatus


@dataclass
class DatasetMeta:
    year: int | None = None
    source: str | None = None
    description: str | None = None
    decimal: str = "."
    crosswalk: pd.DataFrame | None = None  # columns old_unit_id, new_unit_id
    rulebook: str | None = None  # the rulebook the dataset was made for (dataset.yaml `rulebook:`, a file name)


class Dataset:
    """A dataset as read: every cell text (NFC, trimmed; 'NA' kept; None = empty cell).

    `units`: unit_id, name, group, flags (tuple of str), then any other columns as attributes.
    `assessments`: unit_id, criterion_id, one column per stage, optional note_<stage> and
    evidence columns. `survey`: respondent_id, form, unit_id, criterion_id, answer,
    respondent_unit; None when there is no survey. Every table also has `_file` and `_row` (where
    each row was read, the header being row 1) and, from a workbook, `_sheet`; `attrs["header"]`
    keeps the file's column order. Build one in code with `data.load.dataset_from_frames`.

    Assessments and survey read from CSV are kept as the reader holds them (`TextTable`: codes into
    each column's distinct texts), which parsing reads (`source`); the pandas table is built the
    first time `assessments` or `survey` is asked for. A large dataset read in batches (`data.stream`)
    holds its parsed Inputs and leaves these two tables in their files (`OnFile`): each is read when
    first asked for. A dataset's tables are read-only once read (the cache of parsed Inputs and the
    codes rely on it): edit a copy and build a new `Dataset`. `_inputs` caches the parsed Inputs per
    rulebook (see `data.parse.inputs_for`).
    """

    def __init__(self, units: pd.DataFrame, assessments: pd.DataFrame | TextTable | OnFile,
                 survey: pd.DataFrame | TextTable | OnFile | None = None, meta: DatasetMeta | None = None,
                 path: Path | None = None):
        self.units = units
        self._tables: dict[str, pd.DataFrame | TextTable | OnFile | None] = {"assessments": assessments,
                                                                               "survey": survey}
        self.meta = meta if meta is not None else DatasetMeta()
        self.path = path
        self._inputs: dict[Any, Inputs] = {}

    def source(self, name: str) -> pd.DataFrame | TextTable | None:
        """The `assessments` or `survey` table as held: a pandas table, or the reader's codes (`TextTable`); a table
        left in its file is read now."""
        table = self._tables[name]
        if isinstance(table, OnFile):
            table = self._tables[name] = table.read()
        return table

    def _frame(self, name: str) -> pd.DataFrame | None:
        table = self.source(name)
        return table.frame if isinstance(table, TextTable) else table

    @property
    def assessments(self) -> pd.DataFrame:
        table = self._frame("assessments")
        assert table is not None  # a dataset always has assessments
        return table

    @assessments.setter
    def assessments(self, table: pd.DataFrame) -> None:
        self._tables["assessments"] = table

    @property
    def survey(self) -> pd.DataFrame | None:
        return self._frame("survey")

    @survey.setter
    def survey(self, table: pd.DataFrame | None) -> None:
        self._tables["survey"] = table

    def __repr__(self) -> str:
        held = (("units", self.units), *self._tables.items())
        sizes = {name: "…" if isinstance(t, OnFile) else len(t) for name, t in held if t is not None}
        return f"Dataset({self.path or '<memory>'}, rows {sizes})"


@dataclass(frozen=True)
class OnFile:
    """A table left in its file (`data.stream`): `read` reads it whole (raising `CchcError` if the file is no longer
    the one loaded)."""

    file: Path
    read: Callable[[], pd.DataFrame | TextTable]


@dataclass
class Inputs:
    """A dataset's values parsed for one rulebook; row i of `units` is index i of axis 0.

    `value` (float64, units × leaves × stages) holds, by rule kind: binary 1/0; levels the index
    of the level in the rule's `levels` map; ratio done ÷ total; survey the aggregated mean
    weight (the same at every stage); every other kind the number. It is NaN wherever
    `status` (int8 `CellStatus`) is not VALUE. `adjustment` (units × adjustments × stages) is
    NaN where no value.

    Layout: `value`, `status` and `adjustment` are indexed units × leaves × stages but stored
    stage-major: their transpose (`.T`, stages × leaves × units) is C-contiguous, so the engine
    reads one stage of one leaf for every unit as one contiguous row. Arrays given in another
    layout are copied into this one when the Inputs are built (`laid_out`).
    """

    units: pd.DataFrame
    leaf_ids: list[str]
    stages: list[str]
    value: np.ndarray
    status: np.ndarray
    adjustment_ids: list[str]
    adjustment: np.ndarray
    survey_n: np.ndarray  # int32 units × leaves: answers counted for survey leaves, else 0
    notes: list[Problem] = field(default_factory=list)
    unit_pos: UnitPlaces | tuple[Pos, ...] = ()  # where each unit was read (units.csv row), for located warnings
    # Per-unit arrays derived from `units` for one rulebook (group codes, flags), kept by the engine
    # (`engine.score.unit_codes`) so that scoring the same inputs again does not redo them.
    derived: dict[tuple, np.ndarray] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.value = laid_out(self.value, np.float64)
        self.status = laid_out(self.status, np.int8)
        self.adjustment = laid_out(self.adjustment, np.float64)


class UnitPlaces(Sequence[Pos]):
    """Where each unit was read (file, row, the unit_id column, sheet), a `Pos` made when one is asked for."""

    def __init__(self, files: np.ndarray, rows: np.ndarray, column: int | None, sheets: np.ndarray | None):
        self.files, self.rows, self.column, self.sheets = files, rows, column, sheets

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, i: int | np.integer) -> Pos: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Pos]: ...
    def __getitem__(self, i: int | np.integer | slice) -> Pos | Sequence[Pos]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        sheet = self.sheets[i] if self.sheets is not None else None
        return Pos(str(self.files[i]), int(self.rows[i]), self.column, sheet or None)


def laid_out(a: np.ndarray, dtype: type) -> np.ndarray:
    """`a` (units × … × stages) stored stage-major: a view whose `.T` is C-contiguous (no copy when it is)."""
    a = np.asarray(a)
    if a.dtype == dtype and a.T.flags.c_contiguous:
        return a
    return np.ascontiguousarray(a.T, dtype=dtype).T


def stage_major(shape: tuple[int, ...], fill: float, dtype: type) -> np.ndarray:
    """A new units × … × stages array filled with `fill`, already in the `Inputs` layout."""
    return filled(shape[::-1], fill, dtype).T
