"""Shared helpers for the documents: atomic writing, text that stays text, and the look of XLSX tables.

Text this program did not compute (names, titles, labels, values from data) must never become a live
formula in a workbook: openpyxl takes any text beginning with `=` as a formula and `#N/A` as an error.
`save_workbook` is the one door: every formula cell not written through `formula()` is turned back
into a text cell (with Excel's quote prefix, so that editing it keeps it text).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from cchc_rules.atomic import atomic_file

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14)
GROUP_FILL = PatternFill("solid", fgColor="DDEBF7")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
WRAP = Alignment(wrap_text=True, vertical="top")
THIN = Border(*(Side(style="thin", color="BFBFBF"),) * 4)


_OURS = "_cchc_formulas"  # attribute of a worksheet: coordinates of the formulas this program wrote


def formula(cell: Cell, text: str) -> Cell:
    """Write a formula this program computed into `cell`; it stays live when the workbook is saved."""
    cell.value = text
    ws = cell.parent
    if not hasattr(ws, _OURS):
        setattr(ws, _OURS, set())
    getattr(ws, _OURS).add(cell.coordinate)
    return cell


def text_stays_text(wb: Workbook) -> int:
    """Every formula or error cell not written by `formula()` becomes a text cell; returns how many."""
    changed = 0
    for ws in wb.worksheets:
        ours = getattr(ws, _OURS, set())
        for cell in ws._cells.values():
            if cell.data_type in ("f", "e") and isinstance(cell.value, str) and cell.coordinate not in ours:
                cell.data_type = "s"
                cell.quotePrefix = True
                changed += 1
    return changed


def save_workbook(wb: Workbook, path: Path | str) -> Path:
    text_stays_text(wb)
    with atomic_file(path) as tmp:
        wb.save(tmp)
    return Path(path)


def header_row(ws: Worksheet, row: int, labels: Sequence[str], widths: Sequence[float]) -> None:
    """Write a styled header row and set the column widths."""
    for col, (label, width) in enumerate(zip(labels, widths), start=1):
        cell = ws.cell(row=row, column=col, value=label)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, THIN
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(col)].width = width


def title_rows(ws: Worksheet, lines: Sequence[str]) -> None:
    """The first lines of a sheet: a title in large bold, then plain lines."""
    for i, line in enumerate(lines, start=1):
        cell = ws.cell(row=i, column=1, value=line)
        if i == 1:
            cell.font = TITLE_FONT


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name (at most 31 characters, none of []:*?/\\)."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name).strip("'") or "_"
    base, n, title = clean[:31], 1, clean[:31]
    while title.lower() in {t.lower() for t in taken}:
        n += 1
        suffix = f"~{n}"
        title = base[: 31 - len(suffix)] + suffix
    taken.add(title)
    return title
