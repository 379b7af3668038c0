"""What a dataset is once read (`Dataset`, rule-independent text tables) and what the engine
scores (`Inputs`, the dataset's values parsed for one rulebook as units × leaves × stages arrays).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cchc_rules.problems import Pos, Problem

# Status of a (unit, leaf, stage) cell in `Inputs.status`.
EMPTY, VALUE, NA, ZERO_TOTAL = 0, 1, 2, 3


@dataclass
class DatasetMeta:
    year: int | None = None
    source: str | None = None
    description: str | None = None
    decimal: str = "."
    crosswalk: pd.DataFrame | None = None  # columns old_unit_id, new_unit_id


@dataclass
class Dataset:
    """A dataset as read: every cell text (NFC, trimmed; 'NA' kept; None = empty cell).

    `units`: unit_id, name, group, flags (tuple of str), then any other columns as attributes.
    `assessments`: unit_id, criterion_id, one column per stage, optional note_<stage> and
    evidence columns. `survey`: respondent_id, form, unit_id, criterion_id, answer,
    respondent_unit; None when there is no survey. Every table also has `_file` and `_row` (where
    each row was read, the header being row 1) and, from a workbook, `_sheet`; `attrs["header"]`
    keeps the file's column order. Build one in code with `data.load.dataset_from_frames`.
    `_inputs` caches the parsed Inputs per rulebook (see `data.parse.inputs_for`).
    """

    units: pd.DataFrame
    assessments: pd.DataFrame
    survey: pd.DataFrame | None = None
    meta: DatasetMeta = field(default_factory=DatasetMeta)
    path: Path | None = None
    _inputs: dict[Any, Inputs] = field(default_factory=dict, repr=False)


@dataclass
class Inputs:
    """A dataset's values parsed for one rulebook; row i of `units` is index i of axis 0.

    `value` (float64, units × leaves × stages) holds, by rule kind: binary 1/0; levels the index
    of the level in the rule's `levels` map; ratio done ÷ total; survey the aggregated mean
    weight (the same at every stage); every other kind the number. It is NaN wherever
    `status` is not VALUE. `adjustment` (units × adjustments × stages) is NaN where no value.
    """

    units: pd.DataFrame
    leaf_ids: list[str]
    stages: list[str]
    value: np.ndarray
    status: np.ndarray
    adjustment_ids: list[str]
    adjustment: np.ndarray
    survey_n: np.ndarray  # int64 units × leaves: answers counted for survey leaves, else 0
    notes: list[Problem] = field(default_factory=list)
    unit_pos: tuple[Pos, ...] = ()  # where each unit was read (units.csv row), for located warnings
