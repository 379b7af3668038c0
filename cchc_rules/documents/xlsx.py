"""Shared helpers for the documents: atomic writing, text that stays text, and the look of XLSX tables.

Text this program did not compute (names, titles, labels, values from data) must never become a live
formula in a workbook: openpyxl takes any text beginning with `=` as a formula and `#N/A` as an error.
`save_workbook` is the one door: every formula cell not written through `formula()` is turned back
into a text cell (with Excel's quote prefix, so that editing it keeps it text).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from cchc_rules.atomic import atomic_file
from cchc_rules.display import NO_VALUE

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14)
GROUP_FILL = PatternFill("solid", fgColor="DDEBF7")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
CENTRE = Alignment(horizontal="center", vertical="top")
THIN = Border(*(Side(style="thin", color="BFBFBF"),) * 4)


_OURS = "_cchc_formulas"  # attribute of a worksheet: coordinates of the formulas this program wrote


def published_cell(published: str) -> float | str:
    """A published index (`Result.units`, text) as an Excel cell: a number, or "—" for an unscored unit."""
    return NO_VALUE if published == NO_VALUE else float(published)


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
        ours: set[str] = getattr(ws, _OURS, set())
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
    """Write a styled header row, set the column widths and make the row as tall as its wrapped labels."""
    lines = 1
    for col, (label, width) in enumerate(zip(labels, widths), start=1):
        cell = ws.cell(row=row, column=col, value=label)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, THIN
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(col)].width = width
        lines = max(lines, wrapped_lines(str(label), width * 0.9))  # bold text is wider
    ws.row_dimensions[row].height = 15 * lines + 3


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


# ---------------------------------------------------------------- printing on A4
_PAGE = {"vi": "Trang &P/&N", "en": "Page &P of &N"}
_FOOTER = {"vi": "Bộ tiêu chí {rulebook} · số liệu năm {year}", "en": "Rulebook {rulebook} · data year {year}"}


def footer_text(rulebook_id: str, year: int | None, lang: str) -> str:
    """The line printed under every page: which rulebook and which year's data."""
    return _FOOTER[lang].format(rulebook=rulebook_id, year=year if year else "—")


def _header_text(text: str, limit: int = 120) -> str:
    """Text for a page header or footer: `&` is a code there, and Excel takes at most 255 characters."""
    text = " ".join(text.split())
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return text.replace("&", "&&")


def print_setup(
    ws: Worksheet,
    *,
    title: str,
    footer: str,
    lang: str,
    landscape: bool = False,
    repeat_rows: tuple[int, int] | None = None,
    last_column: int | None = None,
    one_page: bool = False,
) -> None:
    """Make a sheet print on A4: orientation, fit to the page width (and height with `one_page`),
    header rows repeated on every page, the title on top, `footer` (rulebook, data year) and page
    numbers below. `last_column` ends the print area (columns after it are helpers)."""
    setup = ws.page_setup
    setup.paperSize = ws.PAPERSIZE_A4
    setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    setup.fitToWidth = 1
    setup.fitToHeight = 1 if one_page else 0
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.7, bottom=0.7, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    if repeat_rows is not None:
        ws.print_title_rows = f"{repeat_rows[0]}:{repeat_rows[1]}"
    if last_column is not None:
        ws.print_area = f"A1:{get_column_letter(last_column)}{max(ws.max_row, 1)}"
    for part in (ws.oddHeader, ws.evenHeader, ws.firstHeader):
        part.center.text, part.center.size = _header_text(title), 9
    for part in (ws.oddFooter, ws.evenFooter, ws.firstFooter):
        part.left.text, part.left.size = _header_text(footer, 90), 8
        part.right.text, part.right.size = _PAGE[lang], 8


def wrapped_lines(text: str, width: float) -> int:
    """About how many lines `text` takes in a wrapped column `width` characters wide."""
    return sum(max(1, math.ceil(len(line) * 0.9 / max(width - 1, 1))) for line in text.split("\n"))


def fit_rows(ws: Worksheet, first_row: int, columns: Sequence[int] | None = None) -> dict[int, int]:
    """Each row as tall as its wrapped texts in `columns` (all by default): no program fits them on load.

    Returns the rows made taller, with their number of lines."""
    widths: dict[int, float] = {}
    taller = {}
    for row in ws.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            wanted = columns is None or cell.column in columns
            if not wanted or not isinstance(cell.value, str) or cell.value.startswith("="):
                continue
            if cell.column not in widths:
                widths[cell.column] = ws.column_dimensions[get_column_letter(cell.column)].width or 10
            lines = max(lines, wrapped_lines(cell.value, widths[cell.column]))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = 15 * lines
            taller[row[0].row] = lines
    return taller


def fit_columns(ws: Worksheet, header_row: int = 1, widest: float = 50, number_format: str | None = None) -> None:
    """Column widths from their content (at most `widest`, longer texts wrap); numbers get `number_format`."""
    widths: dict[int, float] = {}
    for row in ws.iter_rows(min_row=header_row):
        for cell in row:
            if cell.value is None:
                continue
            if isinstance(cell.value, float) and number_format:
                cell.number_format = number_format
            longest = max((len(line) for line in str(cell.value).split("\n")), default=0)
            widths[cell.column] = max(widths.get(cell.column, 6), min(widest, longest * 1.1 + 2))
            if longest > widest:
                cell.alignment = WRAP
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width


def print_table(ws: Worksheet, title: str, footer: str, lang: str, number_format: str) -> None:
    """A plain data table (header in row 1) made readable and printable: widths, wrapping, number
    formats, the header frozen and repeated, landscape A4 fitted to the width."""
    fit_columns(ws, number_format=number_format)
    for cell in ws[1]:
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, THIN
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    ws.freeze_panes = "A2"
    print_setup(ws, title=title, footer=footer, lang=lang, landscape=True, repeat_rows=(1, 1))
