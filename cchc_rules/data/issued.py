"""The issued copy: what the province keeps of the self-assessment workbooks it sends out.

A returned workbook is trusted for its input cells only. Everything else comes from this copy,
written by `cchc workbook` beside its output and never sent to the units:
- who each sheet is for and what the province's dataset says about the unit (group, flags,
  attributes), the survey answers and the dataset's year and source;
- the layout of every sheet (header texts, the node id of every row, the input cells);
- a digest of every other non-empty cell, so that an edit outside the input cells is found
  and located (a digest kept inside the workbook could be recomputed by whoever edits it).

Where the copy is: for `--out book.xlsx`, `book.issued.json` beside it; for a folder of
per-unit workbooks `--out books/`, `books.issued.json` beside the folder. `find_manifest`
looks there (and for the only `*.issued.json` in the workbook's folder) so that a returned
file saved over the issued one is scored with the same command as before.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from cchc_rules.atomic import write_text
from cchc_rules.problems import Pos, Problems, define

MANIFEST_FORMAT = "cchc-issued"
MANIFEST_VERSION = 1
SUFFIX = ".issued.json"

NO_MANIFEST = define(
    "W717",
    "Không tìm thấy bản lưu khi phát hành sổ ({looked})",
    "The issued copy of this workbook was not found ({looked})",
    "Chỉ định tệp .issued.json do 'cchc workbook' tạo khi phát hành sổ (tuỳ chọn --issued), "
    "hoặc đặt sổ nhận về cạnh tệp đó.",
    "Name the .issued.json file 'cchc workbook' wrote when it issued the workbook (option --issued), "
    "or put the returned workbook beside it.",
)
BAD_MANIFEST = define(
    "W718",
    "Tệp bản lưu khi phát hành không đọc được ({reason})",
    "The issued copy cannot be read ({reason})",
    "Dùng tệp .issued.json do 'cchc workbook' tạo, không sửa tay; nếu mất, phát hành lại sổ.",
    "Use the .issued.json file 'cchc workbook' wrote, unedited; if it is lost, issue the workbooks again.",
)


@dataclass
class IssuedSheet:
    """One sheet as issued. Unit sheets also have their header texts, row ids and input cells."""

    name: str
    cells: dict[str, str]  # cell (e.g. "C12") → digest of its content, every non-empty non-input cell
    unit_id: str | None = None
    columns: list[str] = field(default_factory=list)  # header row texts, from column A
    ids: dict[str, str] = field(default_factory=dict)  # row number (as text) → node id in column A
    inputs: dict[str, list[str]] = field(default_factory=dict)  # cell → [criterion id, input column]


@dataclass
class IssuedWorkbook:
    """One workbook as issued, with the province's data it was made from."""

    issue_id: str
    file: str
    rulebook_id: str
    rulebook_sha256: str
    lang: str
    meta: dict[str, Any]
    sheets: list[IssuedSheet]
    units: list[dict[str, Any]]  # unit_id, name, group, flags (list), attributes, and `_sheet`: its sheet
    survey: list[dict[str, Any]]


# ---------------------------------------------------------------- cell digests
_SPACE = re.compile(r"\s+")


def _formula(text: str) -> str:
    """A formula as Excel or LibreOffice may save it back: no `=`, `$`, `_xlfn.`, quotes or spaces, one case.

    Only the digest uses this spelling: the formulas are never evaluated by cchc.
    """
    parts = text.lstrip("=").split('"')
    for i in range(0, len(parts), 2):  # outside string literals
        parts[i] = _SPACE.sub("", parts[i]).replace("$", "").replace("'", "").upper()
        parts[i] = parts[i].replace("_XLFN.", "").replace("_XLWS.", "").replace("TRUE()", "TRUE")
        parts[i] = parts[i].replace("FALSE()", "FALSE")  # LibreOffice writes the constants as functions
    return '"'.join(parts)


def canonical(value: Any) -> str | None:
    """A cell's content in one spelling whatever program saved it; None for an empty cell."""
    if value is None or (isinstance(value, str) and value == ""):
        return None
    if isinstance(value, bool):
        return f"b:{int(value)}"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return f"n:{float(value):.12g}"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return f"d:{value.isoformat()}"
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n")
    if text.startswith("="):
        return "f:" + _formula(text)
    return "s:" + text


def digest(value: Any) -> str | None:
    """A short digest of a cell's content (64 bits); None for an empty cell."""
    text = canonical(value)
    return None if text is None else hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def sheet_cells(ws: Worksheet, skip: set[str] | frozenset[str] = frozenset()) -> dict[str, str]:
    """The digest of every non-empty cell of `ws` but those in `skip` (the input cells)."""
    out = {}
    for key in sorted(ws._cells):  # only the cells that exist: fast on a wide sheet
        cell = ws._cells[key]
        d = None if cell.coordinate in skip else digest(cell.value)
        if d is not None:
            out[cell.coordinate] = d
    return out


# ---------------------------------------------------------------- the province's data, as JSON
def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    return value if isinstance(value, (int, float, str)) else str(value)


def records(table: pd.DataFrame, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """A table's rows as JSON-ready dicts, without the `_file`/`_row` bookkeeping columns."""
    cols = columns or [c for c in table.columns if not str(c).startswith("_")]
    return [{str(c): _plain(v) for c, v in zip(cols, row)} for row in table[cols].itertuples(index=False)]


# ---------------------------------------------------------------- where the copy is
def manifest_path(out: Path) -> Path:
    """Where `cchc workbook --out OUT` keeps the issued copy: beside the file, or beside the folder."""
    out = Path(out)
    return out.with_suffix(SUFFIX) if out.suffix.lower() == ".xlsx" else out.parent / (out.name + SUFFIX)


def candidates(path: Path) -> list[Path]:
    """Where the issued copy of a returned workbook (or folder of them) may be, most specific first."""
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    out = [path.with_suffix(SUFFIX)] if path.is_file() else []
    out.append(folder.parent / (folder.name + SUFFIX))
    inside = sorted(folder.glob("*" + SUFFIX))
    if len(inside) == 1:
        out.append(inside[0])
    return out


def find_manifest(path: Path, problems: Problems) -> Path | None:
    """The issued copy for a returned workbook or folder; a W717 problem when there is none."""
    for candidate in candidates(path):
        if candidate.is_file():
            return candidate
    looked = ", ".join(str(c) for c in candidates(path)) or str(path)
    problems.add(NO_MANIFEST, Pos(str(path)), looked=looked)
    return None


def write_manifest(path: Path, books: list[IssuedWorkbook]) -> Path:
    doc = {
        "format": MANIFEST_FORMAT,
        "version": MANIFEST_VERSION,
        "workbooks": [asdict(book) for book in books],
    }
    return write_text(path, json.dumps(doc, ensure_ascii=False, separators=(",", ":")))


def read_manifest(path: Path, problems: Problems) -> dict[str, IssuedWorkbook] | None:
    """Issue id → issued workbook; None (and a W718 problem) when the file is not an issued copy."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        if doc.get("format") != MANIFEST_FORMAT or doc.get("version") != MANIFEST_VERSION:
            raise ValueError(f"format {doc.get('format')!r} {doc.get('version')!r}")
        books = {}
        for raw in doc["workbooks"]:
            sheets = [IssuedSheet(**s) for s in raw.pop("sheets")]
            book = IssuedWorkbook(sheets=sheets, **raw)
            books[book.issue_id] = book
        return books
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        problems.add(BAD_MANIFEST, Pos(str(path)), reason=f"{type(exc).__name__}: {exc}")
        return None
