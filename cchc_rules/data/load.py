"""Datasets in and out: load (read + check + parse), build from frames, write a folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from cchc_rules.atomic import atomic_folder
from cchc_rules.data import problems as dp
from cchc_rules.data.model import Dataset, DatasetMeta
from cchc_rules.data.parse import parse
from cchc_rules.data.read import (
    CROSSWALK,
    TABLES,
    cell_text,
    is_self_assessment,
    located,
    read_dataset,
    require,
    shape,
    split_flags,
    tidy,
)
from cchc_rules.dsl.models import Rulebook
from cchc_rules.problems import CchcError, Pos, Problems, nearest


def load_dataset(path: Path | str, rulebook: Rulebook) -> Dataset:
    """Read a dataset folder or workbook and check it against `rulebook`.

    Raises one `CchcError` with every reading and data problem; the parsed Inputs are cached
    on the dataset (notes, such as rows of removed criteria, are in `Inputs.notes`). A workbook
    made by `cchc workbook` is read by `documents.workbook.read_workbook`, and a folder of such
    workbooks (one per unit, `cchc workbook --per-unit`) as one dataset.
    """
    path = Path(path)
    if path.is_file() and is_self_assessment(path):
        from cchc_rules.documents.workbook import read_workbook

        return read_workbook(path, rulebook)
    if path.is_dir() and not (path / "units.csv").exists():
        books = sorted(p for p in path.glob("*.xlsx") if is_self_assessment(p))
        if books:
            from cchc_rules.documents.workbook import read_workbooks

            return read_workbooks(books, rulebook)
    problems = Problems()
    dataset = read_dataset(path, problems)
    if dataset is None:
        raise CchcError(dp.limited(problems).items)
    parse(dataset, rulebook, problems)
    check_crosswalk(dataset, problems)
    dp.limited(problems).raise_if_errors()
    return dataset


def check_crosswalk(dataset: Dataset, problems: Problems) -> None:
    """Every new id of the crosswalk is a unit of this dataset (old ids belong to last year's)."""
    table = dataset.meta.crosswalk
    if table is None:
        return
    units = dataset.units["unit_id"].dropna()
    for column in CROSSWALK:
        if column not in table.columns:
            continue
        for i in np.flatnonzero(table[column].isna().to_numpy()):
            dp.add_at(problems, dp.EMPTY_ID, table, i, column, name=column)
    if "new_unit_id" in table.columns:
        new = table["new_unit_id"]
        for i in np.flatnonzero((new.notna() & ~new.isin(units)).to_numpy()):
            dp.add_at(problems, dp.CROSSWALK_UNKNOWN, table, i, "new_unit_id", unit=new.iat[i],
                      nearest=nearest(new.iat[i], units))


# ---------------------------------------------------------------- datasets built in code
def dataset_from_frames(
    units: pd.DataFrame,
    assessments: pd.DataFrame,
    survey: pd.DataFrame | None = None,
    meta: DatasetMeta | dict[str, Any] | None = None,
    source: str = "<memory>",
) -> Dataset:
    """A Dataset from frames built in code (tests, generators, the workbook reader).

    Cells may be text or numbers (turned into text as a file would hold them, 2.0 → "2");
    NaN or None is an empty cell. `flags` may be `;`-separated text or a list. Rows keep their
    `_file`, `_row` and `_sheet` columns when the frame has them (so that problems point into
    the caller's file); otherwise they are placed in `source` (sheet = the table's name), the
    first row being row 2. Nothing is checked against a rulebook here: `inputs_for` does it.
    Raises `CchcError` when a required column is missing.
    """
    problems = Problems()
    tables = {}
    for kind, frame in (("units", units), ("assessments", assessments), ("survey", survey)):
        if frame is None:
            continue
        table = _text_frame(frame, source, kind)
        if require(table, TABLES[kind], Pos(source, 1, sheet=kind), problems):
            tables[kind] = shape(kind, table)
    if isinstance(meta, dict):
        meta = DatasetMeta(**meta)
    problems.raise_if_errors()
    return Dataset(tables["units"], tables["assessments"], tables.get("survey"), meta or DatasetMeta())


def _text_frame(frame: pd.DataFrame, source: str, kind: str) -> pd.DataFrame:
    df = frame.reset_index(drop=True)
    flags = df["flags"] if kind == "units" and "flags" in df.columns else None
    out = pd.DataFrame({col: _texts(df[col]) for col in df.columns if not str(col).startswith("_")})
    if flags is not None:
        out["flags"] = [";".join(v) if isinstance(v, (list, tuple)) else cell_text(v) for v in flags]
    rows = df["_row"] if "_row" in df.columns else range(2, len(df) + 2)
    sheet = None if "_file" in df.columns else kind
    out = located(out, source, rows, sheet)
    for col in ("_file", "_sheet"):
        if col in df.columns:
            out[col] = df[col].to_numpy()
    return tidy(out)


def _texts(column: pd.Series) -> np.ndarray:
    """A column as text cells; whole numbers at once (2.0 → "2"), other values one by one."""
    values = column.to_numpy()
    if values.dtype.kind in "iu" or (values.dtype.kind == "f" and np.isfinite(values).all()
                                     and (values == np.floor(values)).all()):
        return values.astype(np.int64).astype(str).astype(object)
    if values.dtype.kind == "O" and pd.api.types.infer_dtype(values, skipna=False) == "string":
        return values
    return np.array([cell_text(v) for v in values], dtype=object)


# ---------------------------------------------------------------- writing the folder form
def write_dataset(dataset: Dataset, folder: Path | str) -> Path:
    """Write the folder form (UTF-8 with BOM, so that Excel shows Vietnamese), replacing `folder` whole.

    Everything is written to a temporary folder beside it and renamed, so a failure leaves
    the old folder (or nothing).
    """
    folder = Path(folder)
    with atomic_folder(folder) as tmp:
        units = split_flags(dataset.units)
        units["flags"] = [";".join(f) for f in units["flags"]]
        _write_csv(units, tmp / "units.csv")
        _write_csv(dataset.assessments, tmp / "assessments.csv")
        if dataset.survey is not None:
            _write_csv(dataset.survey, tmp / "survey.csv")
        meta = dataset.meta
        doc: dict[str, Any] = {k: getattr(meta, k) for k in ("year", "source", "description") if getattr(meta, k)}
        doc["decimal"] = meta.decimal
        if meta.crosswalk is not None:
            _write_csv(meta.crosswalk, tmp / "crosswalk.csv")
            doc["crosswalk"] = "crosswalk.csv"
        (tmp / "dataset.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def _write_csv(table: pd.DataFrame, path: Path) -> None:
    cells = table[[c for c in table.columns if not str(c).startswith("_")]]
    cells.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")


