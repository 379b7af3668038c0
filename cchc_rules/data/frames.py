"""Datasets built in code (tests, generators, the workbook reader) from pandas frames."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from cchc_rules.data.model import Dataset, DatasetMeta
from cchc_rules.data.read import TABLES, cell_text, located, require, shape, tidy
from cchc_rules.problems import Pos, Problems


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
