"""The self-assessment workbook: written from a rulebook and a dataset or a units list, with its issued copy.

One sheet per unit, one row per node that applies to the unit's group. The unit types its
values in the yellow cells (one column per stage), its evidence and notes; locked formula cells
show the running points, subtotals and index as the unit types. Survey and relative leaves
depend on other people's answers or other units, so their points are the ones computed when
the workbook was made, marked so. Hidden sheets: `_cchc` (format, rulebook id and sha256 of
its canonical JSON, the issue id) and `_lists` (drop-down lists). Nothing the unit must not
control is read back from the file: the units, flags, survey answers and the layout go to the
issued copy (`data.issued`) the province keeps, and `data.workbook_read` reads returns against it.

Decisions: a ratio is typed as one text cell "done/total" (the cell is formatted as text so
that Excel does not turn 9/10 into a date) or as a share 0–1; yes/no is typed as có/không
(yes/no in an English workbook); a level by its label (an id or a label in either language is
read too); `NA` marks a leaf that does not apply.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from cchc_rules.data import issued as iss
from cchc_rules.data.model import Dataset
from cchc_rules.data.read import split_flags
from cchc_rules.data.workbook_layout import (
    FIRST_ROW,
    FORMAT,
    HEADER_ROW,
    INFO,
    LISTS,
    VERSION,
    Layout,
    rulebook_hash,
)
from cchc_rules.display import excel_format
from cchc_rules.documents.workbook_labels import LABELS as _L
from cchc_rules.documents.workbook_sheet import Lists, Prefill, UnitSheet, input_style
from cchc_rules.documents.xlsx import (
    footer_text,
    formula,
    header_row,
    print_setup,
    save_workbook,
    sheet_title,
    title_rows,
)
from cchc_rules.dsl.models import Rulebook
from cchc_rules.i18n import pick, resolve_lang


def write_workbook(
    rulebook: Rulebook,
    path: Path | str,
    dataset: Dataset | None = None,
    units: pd.DataFrame | None = None,
    lang: str | None = None,
    issued: Path | str | None = None,
    name: str | None = None,
) -> Path:
    """Write the self-assessment workbook of every unit: prefilled from `dataset`, or empty for a `units` table.

    The issued copy the province keeps is written to `issued`, by default beside the workbook
    (`data.issued.manifest_path`). `name` is the workbook's file name as issued (default: that of
    `path`; a command writes to a temporary path first, see `cchc_rules.outputs`).
    """
    table, prefill = _source(rulebook, dataset, units)
    path = Path(path)
    wb, book = _build(rulebook, name or path.name, table, prefill, dataset, resolve_lang(lang))
    iss.write_manifest(Path(issued) if issued is not None else iss.manifest_path(path), [book])
    return save_workbook(wb, path)


def write_unit_workbooks(
    rulebook: Rulebook,
    folder: Path | str,
    dataset: Dataset | None = None,
    units: pd.DataFrame | None = None,
    lang: str | None = None,
    issued: Path | str | None = None,
) -> list[Path]:
    """One workbook per unit, named after its id, to send to each unit (`read_workbooks` takes them back).

    Points computed at export (survey, relative) still come from the whole dataset. One issued
    copy for them all is written to `issued`, by default beside the folder, not in it (the folder
    is what is sent).
    """
    table, prefill = _source(rulebook, dataset, units)
    lang, taken, folder = resolve_lang(lang), set[str](), Path(folder)
    built = []
    for i, uid in enumerate(table["unit_id"]):
        name = f"{file_name(str(uid), taken)}.xlsx"
        built.append((folder / name, *_build(rulebook, name, table.iloc[[i]], prefill, dataset, lang)))
    iss.write_manifest(Path(issued) if issued is not None else iss.manifest_path(folder), [b for _, _, b in built])
    return [save_workbook(wb, path) for path, wb, _ in built]


def file_name(unit_id: str, taken: set[str]) -> str:
    """A unit id made safe as a file name, unique among `taken` (case-insensitive)."""
    base = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in unit_id).strip(".") or "_"
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        name = f"{base}~{n}"
    taken.add(name.lower())
    return name


def _source(
    rulebook: Rulebook, dataset: Dataset | None, units: pd.DataFrame | None
) -> tuple[pd.DataFrame, Prefill | None]:
    if (dataset is None) == (units is None):
        raise ValueError("give either a dataset or a units table")
    if dataset is None:
        return split_flags(units), None  # flags as tuples, as in a Dataset
    return dataset.units, Prefill.of(rulebook, dataset)


def _build(
    rulebook: Rulebook,
    file: str,
    table: pd.DataFrame,
    prefill: Prefill | None,
    dataset: Dataset | None,
    lang: str,
) -> tuple[Workbook, iss.IssuedWorkbook]:
    """The workbook of the units in `table`, and its issued copy."""
    layout = Layout(tuple(rulebook.stages))
    wb = Workbook()
    wb.remove(wb.active)
    wb.add_named_style(input_style())
    lists = Lists(wb)
    summary = wb.create_sheet(_L[lang]["summary"], 0)
    taken = {INFO, LISTS, summary.title}
    sheets = []
    records = table.to_dict("records")  # not itertuples: attribute columns may have any name
    inputs = {}
    for unit in records:
        title = sheet_title(str(unit["unit_id"]), taken)
        sheets.append(title)
        writer = UnitSheet(wb.create_sheet(title), rulebook, unit, layout, prefill, lists, lang)
        writer.write()
        inputs[title] = writer.inputs
    _summary_sheet(summary, rulebook, records, sheets, lang)
    _print_setup(wb, rulebook, dataset, sheets, layout, lang)
    issue_id = uuid.uuid4().hex
    _info_sheet(wb, rulebook, lang, issue_id)
    wb.move_sheet(lists.ws, offset=len(wb.sheetnames))
    wb.security = WorkbookProtection(lockStructure=True)  # no renaming, deleting or unhiding sheets
    return wb, _issued(wb, rulebook, file, issue_id, lang, table, dict(zip(sheets, records)), inputs, dataset)


def _issued(
    wb: Workbook,
    rulebook: Rulebook,
    file: str,
    issue_id: str,
    lang: str,
    table: pd.DataFrame,
    unit_of: dict[str, dict],
    inputs: dict[str, dict[str, list[str]]],
    dataset: Dataset | None,
) -> iss.IssuedWorkbook:
    """What the province keeps of this workbook: its data, the layout and a digest of every other cell."""
    sheets = []
    for ws in wb.worksheets:
        cells = iss.sheet_cells(ws, skip=set(inputs.get(ws.title, {})))
        sheet = iss.IssuedSheet(ws.title, cells)
        if ws.title in unit_of:
            sheet.unit_id = str(unit_of[ws.title]["unit_id"])
            sheet.inputs = inputs[ws.title]
            sheet.columns = [
                str(ws.cell(row=HEADER_ROW, column=c).value or "") for c in range(1, ws.max_column + 1)
            ]
            while sheet.columns and not sheet.columns[-1]:
                sheet.columns.pop()
            sheet.ids = {
                str(r): str(ws.cell(row=r, column=Layout.id).value)
                for r in range(FIRST_ROW, ws.max_row + 1)
                if ws.cell(row=r, column=Layout.id).value is not None
            }
        sheets.append(sheet)
    units = iss.records(table)
    for unit, title in zip(units, unit_of):
        unit["_sheet"] = title  # not a column of the units table (any name may be one)
    survey: list[dict[str, Any]] = []
    if dataset is not None and dataset.survey is not None:
        answers = dataset.survey[dataset.survey["unit_id"].astype(str).isin(table["unit_id"].astype(str))]
        survey = iss.records(answers)
    meta = dataset.meta if dataset is not None else None
    return iss.IssuedWorkbook(
        issue_id=issue_id,
        file=file,
        rulebook_id=rulebook.id,
        rulebook_sha256=rulebook_hash(rulebook),
        lang=lang,
        meta={k: getattr(meta, k) if meta else None for k in ("year", "source", "description")},
        sheets=sheets,
        units=units,
        survey=survey,
    )


def _summary_sheet(ws: Worksheet, rulebook: Rulebook, units: list[dict], sheets: list[str], lang: str) -> None:
    """The first sheet: every unit with its running index, linked to its sheet."""
    lab = _L[lang]
    title_rows(ws, [pick(rulebook.title, lang)] + ([lab["sample"]] if rulebook.illustrative else []))
    head = 4
    header_row(ws, head, [lab["unit_id"], lab["unit_name"], lab["group"], lab["index"]], [14, 44, 24, 16])
    for k, (sheet, unit) in enumerate(zip(sheets, units), start=head + 1):
        link = ws.cell(row=k, column=1, value=str(unit["unit_id"]))
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{sheet}'!A1")
        link.font = Font(color="1F4E79", underline="single")
        ws.cell(row=k, column=2, value=unit.get("name"))
        ws.cell(row=k, column=3, value=pick(rulebook.groups.get(str(unit["group"])), lang) or str(unit["group"]))
        formula(ws.cell(row=k, column=4), f"='{sheet}'!D4").number_format = excel_format(rulebook.display.decimals)
    ws.freeze_panes = ws.cell(row=head + 1, column=1)
    ws.protection.sheet = True


def _print_setup(
    wb: Workbook, rulebook: Rulebook, dataset: Dataset | None, sheets: list[str], layout: Layout, lang: str
) -> None:
    """A4: the summary upright; each unit on one landscape page, its header row on top."""
    year = dataset.meta.year if dataset is not None and dataset.meta.year else rulebook.year
    footer = footer_text(rulebook.id, year, lang)
    title = pick(rulebook.title, lang)
    print_setup(wb.worksheets[0], title=title, footer=footer, lang=lang, repeat_rows=(4, 4))
    for sheet in sheets:
        print_setup(wb[sheet], title=f"{title} · {sheet}", footer=footer, lang=lang, landscape=True,
                    repeat_rows=(HEADER_ROW, HEADER_ROW), last_column=layout.last_printed, one_page=True)


def _info_sheet(wb: Workbook, rulebook: Rulebook, lang: str, issue_id: str) -> None:
    """Which format, rulebook and issue this file is (the rest the province keeps in the issued copy)."""
    ws = wb.create_sheet(INFO)
    ws.sheet_state = "hidden"
    rows = [
        ("format", FORMAT),
        ("version", VERSION),
        ("rulebook_id", rulebook.id),
        ("rulebook_sha256", rulebook_hash(rulebook)),
        ("stages", json.dumps(list(rulebook.stages), ensure_ascii=False)),
        ("lang", lang),
        ("issue_id", issue_id),
    ]
    for row in rows:
        ws.append(list(row))
    ws.protection.sheet = True
