"""Datasets in and out: load (read + check + parse), build from frames, write a folder."""

from __future__ import annotations

import os
import resource
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from cchc_rules.atomic import atomic_folder
from cchc_rules.data import problems as dp
from cchc_rules.data.frames import dataset_from_frames
from cchc_rules.data.mismatch import condensed
from cchc_rules.data.model import Dataset
from cchc_rules.data.parse import parse
from cchc_rules.data.read import CROSSWALK, NO_MEMORY, is_self_assessment, read_dataset, split_flags
from cchc_rules.data.stream import stream_folder
from cchc_rules.data.wide import read_wide_folder, wide_folder_meta
from cchc_rules.data.workbook_read import in_workbook, read_workbooks
from cchc_rules.dsl.models import Rulebook
from cchc_rules.heap import lean_heap
from cchc_rules.problems import CchcError, Pos, Problems, nearest

__all__ = ["check_crosswalk", "dataset_from_frames", "load_dataset", "write_dataset"]


def load_dataset(path: Path | str, rulebook: Rulebook, issued: Path | str | None = None) -> Dataset:
    """Read a dataset folder or workbook and check it against `rulebook`.

    Raises one `CchcError` with every reading and data problem; the parsed Inputs are cached
    on the dataset (notes, such as rows of removed criteria, are in `Inputs.notes`). A workbook
    made by `cchc workbook` is read by `data.workbook_read.read_workbooks` against its issued
    copy (`issued`, else found beside it: `data.issued.find_manifest`), and a folder of such
    workbooks (one per unit, `cchc workbook --per-unit`) as one dataset.
    """
    path = Path(path)
    if path.is_dir() and wide_folder_meta(path) is not None:  # dataset.yaml says `layout: wide` (data.wide)
        return read_wide_folder(path, rulebook)
    if path.is_file() and is_self_assessment(path):
        return read_workbooks([path], rulebook, issued)
    if path.is_dir() and not (path / "units.csv").exists():
        books = sorted(p for p in path.glob("*.xlsx") if is_self_assessment(p))
        if books:
            return read_workbooks(books, rulebook, issued, folder=path)
    problems = Problems()
    try:
        with lean_heap():  # a large dataset's temporary arrays leave the process once freed (`heap`)
            dataset = stream_folder(path, rulebook)  # a large, clean folder: read in batches (None: read whole)
            if dataset is None:
                dataset = read_dataset(path, problems)
                if dataset is None:
                    raise CchcError(dp.limited(problems).items)
                parse(dataset, rulebook, problems)
    except MemoryError:  # (Arrow's too) a dataset past the machine's memory: said as a problem, not a traceback
        raise _no_memory(path) from None
    check_crosswalk(dataset, problems)
    if path.suffix.lower() == ".xlsx":
        problems = in_workbook(problems)
    condensed(problems, dataset, rulebook).raise_if_errors()  # a dataset made for another rulebook: said first
    return dataset


def _no_memory(path: Path) -> CchcError:
    files = [path] if path.is_file() else list(path.glob("*.csv"))
    size = sum(f.stat().st_size for f in files if f.is_file())
    problems = Problems()
    memory = memory_allowed()
    problems.add(NO_MEMORY, Pos(str(path)), size=round(size / 2**20), memory=round(memory / 2**20))
    return CchcError(problems.items)


def memory_allowed() -> int:
    """Bytes this process may hold: the machine's memory, or less where the process is bounded (`ulimit -d`, `-v`)."""
    allowed = [os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")]
    for limit in (resource.RLIMIT_DATA, resource.RLIMIT_AS):
        soft = resource.getrlimit(limit)[0]
        if soft != resource.RLIM_INFINITY:
            allowed.append(soft)
    return min(allowed)


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
        doc: dict[str, Any] = {k: getattr(meta, k) for k in ("year", "source", "description", "rulebook")
                               if getattr(meta, k)}
        doc["decimal"] = meta.decimal
        if meta.crosswalk is not None:
            _write_csv(meta.crosswalk, tmp / "crosswalk.csv")
            doc["crosswalk"] = "crosswalk.csv"
        (tmp / "dataset.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def _write_csv(table: pd.DataFrame, path: Path) -> None:
    cells = table[[c for c in table.columns if not str(c).startswith("_")]]
    cells.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")


