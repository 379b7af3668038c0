"""The public Python API: load, score, compare and simulate, each taking a path or an object alike.

A rulebook is a `Rulebook` or the path of its .yaml file; a dataset is a `Dataset` or the path of
its folder or workbook (read against the rulebook). Every function raises one `CchcError` listing
every problem (`error.problems`, each with a code, a place and a text in Vietnamese and English).
`docs/API.md` shows each function at work. Scores are unrounded; rounding is for display only.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Literal

import pandas as pd

from cchc_rules.analysis import appraisal as _appraisal
from cchc_rules.analysis import compare as _compare
from cchc_rules.analysis import improvement as _improvement
from cchc_rules.analysis import panel as _panel
from cchc_rules.analysis import sensitivity as _sensitivity
from cchc_rules.analysis import sweep as _sweep
from cchc_rules.analysis import uncertainty as _uncertainty
from cchc_rules.analysis.appraisal import Appraisal
from cchc_rules.analysis.compare import Comparison
from cchc_rules.analysis.improvement import Plan
from cchc_rules.analysis.panel import Panel
from cchc_rules.analysis.variants import Variant
from cchc_rules.data import load as _data_load
from cchc_rules.data.model import Dataset, Inputs
from cchc_rules.data.parse import inputs_for
from cchc_rules.data.read import read_crosswalk
from cchc_rules.dsl import load as _dsl_load
from cchc_rules.dsl.models import Rulebook
from cchc_rules.engine import score as _score
from cchc_rules.engine.result import Result
from cchc_rules.problems import CchcError, Pos, Problem, Problems

__all__ = [
    "Appraisal", "CchcError", "Comparison", "Dataset", "Panel", "Plan", "Problem", "Result", "Rulebook", "Variant",
    "appraisal", "compare", "dead_criteria", "improvement_plan", "load_dataset", "load_rulebook", "panel",
    "remove_one", "score", "sweep", "sweep_summary", "uncertainty",
]

PathLike = str | os.PathLike[str]
"""A file or folder name: a `str` or a `pathlib.Path`."""
RulebookLike = Rulebook | PathLike
"""A loaded `Rulebook` or the path of a rulebook .yaml file."""
DatasetLike = Dataset | PathLike
"""A loaded `Dataset` or the path of a dataset folder or workbook."""
Scalar = str | int | float | bool | None
"""A value a rulebook path can be set to in a sweep (`{"bands/excellent/min": [88, 90, 92]}`)."""
Change = Mapping[str, object]
"""One change of spec §7 as a mapping, e.g. `{"set": "bands/excellent/min", "to": 92}`."""


def load_rulebook(rulebook: RulebookLike) -> Rulebook:
    """The validated rulebook at a path (a `Rulebook` is returned as it is); raises `CchcError` with every problem."""
    if isinstance(rulebook, Rulebook):
        return rulebook
    return _dsl_load.load_rulebook(Path(rulebook))


def load_dataset(dataset: DatasetLike, rulebook: RulebookLike, issued: PathLike | None = None) -> Dataset:
    """A dataset read and checked against a rulebook; raises `CchcError` with every reading and data problem.

    A `Dataset` already read is checked against the rulebook and returned. `issued`: the issued copy
    of a self-assessment workbook (`cchc workbook`), when it does not lie beside the workbook.
    """
    book = load_rulebook(rulebook)
    if isinstance(dataset, Dataset):
        inputs_for(dataset, book)  # the check (cached per rulebook)
        return dataset
    return _data_load.load_dataset(Path(dataset), book, None if issued is None else Path(issued))


def score(rulebook: RulebookLike, dataset: DatasetLike | Inputs, stage: str | None = None) -> Result:
    """Every unit's index, band and rank at a stage (default: the final stage)."""
    book = load_rulebook(rulebook)
    return _score.score(book, _data(dataset, book), stage)


def compare(base: Result, variant: Result, crosswalk: pd.DataFrame | PathLike | None = None) -> Comparison:
    """How `variant` differs from `base`, unit by unit; `crosswalk` (a table or a .csv with old_unit_id and
    new_unit_id) matches units across a merger, else units are matched by id."""
    if crosswalk is not None and not isinstance(crosswalk, pd.DataFrame):
        problems = Problems()
        table = read_crosswalk(Path(crosswalk), Pos(str(crosswalk)), problems)
        problems.raise_if_errors()
        crosswalk = table
    return _compare.compare(base, variant, crosswalk)


def sweep(
    rulebook: RulebookLike | Variant,
    dataset: DatasetLike,
    values: Mapping[str, Iterable[Scalar]],
    combine: Literal["product", "zip"] = "product",
    stage: str | None = None,
    changes: Sequence[Change] = (),
) -> pd.DataFrame:
    """One scored variant per swept value (or combination of values), one row per variant × unit."""
    base = rulebook if isinstance(rulebook, Rulebook | Variant) else Path(rulebook)
    data = dataset if isinstance(dataset, Dataset) else Path(dataset)
    return _sweep.sweep(base, data, values, combine, stage, changes)


def sweep_summary(table: pd.DataFrame, baseline: Result) -> pd.DataFrame:
    """One row per variant of a `sweep` table: units per band, band changes and rank correlations."""
    return _sweep.sweep_summary(table, baseline)


def uncertainty(
    rulebook: RulebookLike,
    dataset: DatasetLike | Inputs,
    draws: int = 1000,
    seed: int = 0,
    weight_spread: float = 0.1,
    threshold_shift: float = 0.0,
    appraisal_noise: float | str = 0.0,
    survey_bootstrap: bool = False,
    stage: str | None = None,
) -> pd.DataFrame:
    """Per unit the baseline rank, the median rank with its 5–95% interval and each band's probability
    under random weights, thresholds and appraisal noise (seeded: the same seed gives the same table)."""
    book = load_rulebook(rulebook)
    return _uncertainty.uncertainty(
        book, _data(dataset, book), draws=draws, seed=seed, weight_spread=weight_spread,
        threshold_shift=threshold_shift, appraisal_noise=appraisal_noise, survey_bootstrap=survey_bootstrap,
        stage=stage,
    )


def remove_one(
    rulebook: RulebookLike, dataset: DatasetLike | Inputs, stage: str | None = None,
    nodes: list[str] | None = None, lang: str | None = None,
) -> pd.DataFrame:
    """Per criterion removed in turn: the rank shifts and band changes it causes."""
    book = load_rulebook(rulebook)
    return _sensitivity.remove_one(book, _data(dataset, book), stage, nodes, lang)


def dead_criteria(result: Result, tol: float = 1e-9, lang: str | None = None) -> pd.DataFrame:
    """Criteria on which every applicable unit of a group has the same points: they tell no unit apart."""
    return _sensitivity.dead_criteria(result, tol, lang)


def _data(dataset: DatasetLike | Inputs, rulebook: Rulebook) -> Dataset | Inputs:
    return dataset if isinstance(dataset, Dataset | Inputs) else load_dataset(dataset, rulebook)


def appraisal(
    rulebook: RulebookLike, dataset: DatasetLike, self_stage: str | None = None, final_stage: str | None = None,
) -> Appraisal:
    """The council's view: self-assessed (default: the first stage) against appraised (default: the last stage)
    index and points per unit, the gaps per field and criterion, the criteria cut most and agreement figures."""
    book = load_rulebook(rulebook)
    return _appraisal.appraisal(book, load_dataset(dataset, book), self_stage, final_stage)


def panel(panel_file: PathLike) -> Panel:
    """Every year of a panel file scored with the rulebook in force, units followed across years by crosswalks."""
    return _panel.panel(Path(panel_file))


def improvement_plan(result: Result, unit_id: str) -> Plan:
    """The fewest criteria whose full marks lift a unit to the next band (or keep it from falling), rescored."""
    return _improvement.improvement_plan(result, unit_id)
