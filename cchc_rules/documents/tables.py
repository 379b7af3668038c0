"""Plain tables written as CSV and as sheets of an XLSX file, with text kept as text.

The one place where data frames leave as files: text cells are cleaned of control characters,
CSV text a spreadsheet would take as a formula gets a leading apostrophe, and no cell of the
workbook becomes a live formula (`xlsx.text_stays_text`). CSV files carry a UTF-8 BOM so that
Excel on Windows reads Vietnamese names right.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from cchc_rules.documents.xlsx import sheet_title, text_stays_text
from cchc_rules.safe_text import clean, csv_cell


def _text_columns(table: pd.DataFrame, fix: Callable[[str], str]) -> pd.DataFrame:
    """Categoricals and lists as text and every text cell passed through `fix`; other cells as they are."""
    out = table.copy()
    for column in out.columns:
        dtype = out[column].dtype
        types = pd.api.types
        if isinstance(dtype, pd.CategoricalDtype) or types.is_object_dtype(dtype) or types.is_string_dtype(dtype):
            values = out[column].astype(object)
            values = values.map(lambda x: "; ".join(map(str, x)) if isinstance(x, (list, tuple)) else x)
            values = values.map(lambda x: fix(x) if isinstance(x, str) else x)
            out[column] = values.where(values.notna(), None)
    out.columns = [fix(str(c)) for c in out.columns]
    return out


def for_excel(table: pd.DataFrame) -> pd.DataFrame:
    """A table openpyxl can write cell by cell: lists and categoricals as text, no control characters."""
    return _text_columns(table, clean)


def write_csv(table: pd.DataFrame, path: Path | str) -> Path:
    """`table` as a UTF-8 CSV file (with BOM), its text cells safe to open in a spreadsheet."""
    _text_columns(table, csv_cell).to_csv(path, index=False, encoding="utf-8-sig")
    return Path(path)


def write_tables(
    tables: Mapping[str, pd.DataFrame],
    path: Path | str,
    dress: Callable[[Worksheet, str], None] | None = None,
) -> Path:
    """Each table as one sheet of an XLSX file (sheet names made valid and unique); no live formula.

    `dress(sheet, name)`, when given, styles each written sheet (e.g. `xlsx.print_table`)."""
    taken: set[str] = set()
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, table in tables.items():
            title = sheet_title(name, taken)
            for_excel(table).to_excel(writer, sheet_name=title, index=False)
            if dress is not None:
                dress(writer.sheets[title], name)
        text_stays_text(writer.book)
    return Path(path)
