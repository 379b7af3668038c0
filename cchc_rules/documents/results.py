"""The results workbook a Department of Home Affairs publishes: a ranking table per group.

Each group's sheet lists its units by rank with the published index (rounded half up as the
rulebook's `display` says), the band, the change on last year when an earlier result is given
(matched by unit_id), and each field's sub-index in %. A last sheet keeps the unrounded numbers
for analysts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from cchc_rules.display import NO_VALUE, excel_format
from cchc_rules.documents.xlsx import (
    THIN,
    footer_text,
    header_row,
    print_setup,
    published_cell,
    save_workbook,
    sheet_title,
    title_rows,
)
from cchc_rules.engine.rounding import publish1
from cchc_rules.i18n import pick, resolve_lang, stage_label
from cchc_rules.labels import by_language
from cchc_rules.labels.documents import RESULTS

_L = by_language(RESULTS)


def _fmt(decimals: int, signed: bool = False) -> str:
    body = excel_format(decimals)
    return f"+{body};-{body};{body}" if signed else body


def write_results_workbook(result: Any, path: Path | str, lang: str | None = None, previous: Any = None) -> Path:
    """Write the publishable results XLSX of `result` (an engine Result); `previous`: last year's Result."""
    lang = resolve_lang(lang)
    lab = _L[lang]
    rb = result.rulebook
    d = rb.display.decimals
    units = result.units
    prev = previous.units.set_index(previous.units["unit_id"].astype(str)) if previous is not None else None
    top = list(rb.criteria)
    node_col = {nid: j for j, nid in enumerate(result.node_ids)}
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    headers = [lab["rank"], lab["unit_id"], lab["name"], lab["index"], lab["band"]]
    widths = [9, 12, 40, 10, 14]
    if prev is not None:
        headers += [lab["prev_index"], lab["delta_index"], lab["prev_rank"], lab["delta_rank"]]
        widths += [11, 12, 10, 11]
    headers += [lab["sub"].format(code=n.label, name=pick(n.name, lang)) for n in top]
    footer = footer_text(rb.id, rb.year, lang)
    widths += [16] * len(top)
    for group in units["group"].cat.categories:  # the rulebook's group order
        rows = units[units["group"].astype(str) == str(group)]
        if rows.empty:
            continue
        ws = wb.create_sheet(sheet_title(pick(rb.groups.get(str(group)), lang) or str(group), taken))
        lines = [lab["title"].format(title=pick(rb.title, lang)),
                 lab["stage"].format(stage=stage_label(result.stage, lang))]
        if rb.illustrative:
            lines.append(lab["sample"])
        title_rows(ws, lines)
        head = len(lines) + 2
        header_row(ws, head, headers, widths)
        ws.freeze_panes = ws.cell(row=head + 1, column=4)
        order = rows.assign(_r=rows["rank"].astype("Float64").fillna(np.inf)).sort_values(
            ["_r", "index"], ascending=[True, False], kind="stable"
        )
        r = head
        for i in order.index:
            r += 1
            u = units.loc[i]
            ranked = not pd.isna(u["rank"])
            cells: list[tuple[Any, str | None]] = [
                (int(u["rank"]) if ranked else lab["unranked"], None),
                (str(u["unit_id"]), None),
                (str(u["name"]), None),
                (None if pd.isna(u["index"]) else float(u["published"]), _fmt(d)),  # unscored: blank
                (result.band_label(str(u["band"]), lang) if pd.notna(u["band"]) else NO_VALUE, None),
            ]
            if prev is not None:
                cells += _change(u, prev, d)
            row_index = result.row_of(str(u["unit_id"]))
            for n in top:
                j = node_col[n.id]
                pts, mx = result.node_points[row_index, j], result.node_max[row_index, j]
                if np.isnan(pts) or mx == 0:
                    cells.append((lab["out"], None))
                else:
                    cells.append((float(publish1(pts / mx * 100, d)), _fmt(d)))
            for col, (value, fmt) in enumerate(cells, start=1):
                cell = ws.cell(row=r, column=col, value=value)
                cell.border = THIN
                if fmt:
                    cell.number_format = fmt
        ws.cell(row=r + 2, column=1, value=lab["footnote"]).font = Font(italic=True)
        _signature_block(ws, r + 4, len(headers), lab)
        print_setup(ws, title=lines[0], footer=footer, lang=lang, landscape=len(headers) > 8,
                    repeat_rows=(head, head))
    _data_sheet(wb, result, lang, taken)
    print_setup(wb.worksheets[-1], title=f"{lines[0]} · {lab['data']}", footer=footer, lang=lang, landscape=True,
                repeat_rows=(1, 1))
    return save_workbook(wb, path)


def _signature_block(ws: Worksheet, row: int, width: int, lab: dict[str, str]) -> None:
    """Place and date, and who prepared and who approves the table, as a published table has them."""
    right = max(width - 3, 4)
    ws.cell(row=row, column=right, value=lab["place_date"]).font = Font(italic=True)
    for col, (who, how) in ((2, (lab["prepared"], lab["sign"])), (right, (lab["approved"], lab["seal"]))):
        ws.cell(row=row + 1, column=col, value=who).font = Font(bold=True)
        ws.cell(row=row + 2, column=col, value=how).font = Font(italic=True)
    ws.row_dimensions[row + 3].height = 60  # room to sign


def _change(u: pd.Series, prev: pd.DataFrame, d: int) -> list[tuple[Any, str | None]]:
    """Last year's index and rank, and the change (index unrounded until published; places up positive)."""
    uid = str(u["unit_id"])
    if uid not in prev.index:
        return [(None, None)] * 4
    p = prev.loc[uid]
    scored = not (pd.isna(u["index"]) or pd.isna(p["index"]))
    delta = float(publish1(float(u["index"]) - float(p["index"]), d)) if scored else None
    rank, prank = u["rank"], p["rank"]
    both = not pd.isna(rank) and not pd.isna(prank)
    return [
        (None if pd.isna(p["index"]) else float(p["published"]), _fmt(d)),
        (delta, _fmt(d, signed=True)),
        (int(prank) if not pd.isna(prank) else None, None),
        (int(prank) - int(rank) if both else None, "+0;-0;0"),
    ]


def _data_sheet(wb: Workbook, result: Any, lang: str, taken: set[str]) -> None:
    lab = _L[lang]
    rb = result.rulebook
    ws = wb.create_sheet(sheet_title(lab["data"], taken))
    top = [n.id for n in rb.criteria]
    top_names = [f"{n.label}. {pick(n.name, lang)}" for n in rb.criteria]  # words, not bare codes
    headers = [
        lab["unit_id"],
        lab["name"],
        lab["group"],
        lab["exact"],
        lab["index"],
        lab["band"],
        lab["rank"],
        lab["points"],
        lab["max"],
        lab["adjustment"],
        *top_names,
    ]
    header_row(ws, 1, headers, [12, 36, 18, 14, 9, 12, 9, 11, 11, 11, *([16] * len(top))])
    ws.freeze_panes = "C2"
    published = excel_format(rb.display.decimals)
    for _, u in result.units.iterrows():
        ws.append(
            [
                str(u["unit_id"]),
                str(u["name"]),
                pick(rb.groups.get(str(u["group"])), lang) or str(u["group"]),
                None if pd.isna(u["index"]) else float(u["index"]),
                published_cell(str(u["published"])),
                result.band_label(str(u["band"]), lang) if pd.notna(u["band"]) else NO_VALUE,
                None if pd.isna(u["rank"]) else int(u["rank"]),
                float(u["points"]),
                float(u["max"]),
                float(u["adjustment"]),
                *(None if pd.isna(u[t]) else float(u[t]) for t in top),
            ]
        )
        ws.cell(row=ws.max_row, column=5).number_format = published  # a number, shown as published
