"""One self-contained HTML page from report sections, and one XLSX of labelled tables, for the reports
of the appraisal council, the panel and the unit cards.

The page needs no network: tables are escaped HTML, charts PNG data URIs (`report.html.Figure`),
styles inline. Every text comes in as data and is escaped here. The XLSX goes through
`documents.tables.write_tables` (no live formula) with the print layout of `documents.xlsx`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from cchc_rules.display import NO_VALUE, excel_format, number
from cchc_rules.labels import by_key
from cchc_rules.labels.council import PAGES
from cchc_rules.report.html import STYLE, Section, section_html

PRINT = """
@page{size:A4;margin:12mm}
@media print{body{margin:0;max-width:none;font-size:10pt}h2{margin-top:.8rem}.noprint{display:none}}
"""
MADE_BY = by_key(PAGES)["made_by"]


def page(title: str, sections: Sequence[Section], lang: str, style: str = "") -> str:
    """A whole HTML page: the title, the sections, the maker's line."""
    body = "\n".join([f"<h1>{html.escape(title)}</h1>", *(section_html(s) for s in sections)])
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n<style>{STYLE}{PRINT}{style}</style>\n</head>\n<body>\n{body}\n"
            f'<p class="muted">{html.escape(MADE_BY.get(lang, MADE_BY["en"]))}</p>\n</body>\n</html>\n')


def sections_text(title: str, sections: Sequence[Section]) -> str:
    """The sections for the console: the title underlined, each heading, its paragraphs and its tables."""
    blocks = [title, "=" * len(title)]
    for s in sections:
        if s.heading:
            blocks.append(f"\n{s.heading}")
        blocks += s.paragraphs
        blocks += [table.to_string(index=False) for _, table in s.tables]
    return "\n".join(blocks)


def shown(values: pd.Series | Sequence[float | None], lang: str, decimals: int, signed: bool = False) -> list[str]:
    """Numbers for a person: rounded half up, in `lang`'s notation, "—" for none."""
    out = []
    for v in values:
        missing = v is None or v is pd.NA or (isinstance(v, float) and v != v)
        out.append(NO_VALUE if missing else number(float(v), lang, decimals, signed=signed))  # type: ignore[arg-type]
    return out


def write_xlsx(tables: Mapping[str, pd.DataFrame], path: Path, title: str, footer: str, lang: str,
               decimals: int) -> Path:
    """Each table as a printable sheet (numbers kept unrounded, shown with `decimals`)."""
    from cchc_rules.documents.tables import write_tables
    from cchc_rules.documents.xlsx import print_table

    def dress(ws, name: str) -> None:  # noqa: ANN001 - openpyxl's worksheet
        print_table(ws, f"{title} · {name}", footer, lang, excel_format(decimals))

    return write_tables(tables, path, dress=dress)
