"""Reading returned self-assessment workbooks into a Dataset, trusting their input cells only.

The unit controls its input cells (stage values, evidence, notes), nothing else. The units
(group, flags, attributes), the survey answers, the unit-to-sheet mapping and the layout come
from the issued copy the province kept (`data.issued`). The returned file is compared with it
by header text, row ids and cell content: a missing, added, renamed or reordered sheet, an
inserted, deleted or moved column or row, and any edit outside the input cells are refused,
each at its sheet and Excel cell. Formulas are never evaluated and their cached results never
read. The data layer's checks then apply, located at the input cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from cchc_rules.data import issued as iss
from cchc_rules.data import problems as dp
from cchc_rules.data.frames import dataset_from_frames
from cchc_rules.data.model import Dataset, DatasetMeta
from cchc_rules.data.parse import inputs_for
from cchc_rules.data.read import cell_text, unpacked_size, within_size
from cchc_rules.data.workbook_layout import FIRST_ROW, FORMAT, HEADER_ROW, INFO, VERSION, Layout, rulebook_hash
from cchc_rules.dsl.models import Rulebook
from cchc_rules.problems import CchcError, Pos, Problems, define

CHANGES_LISTED = 10  # changed cells listed per sheet; the rest are counted

NOT_A_WORKBOOK = define(
    "W710",
    "Tệp không phải sổ tự đánh giá do cchc tạo ({reason})",
    "The file is not a self-assessment workbook made by cchc ({reason})",
    "Dùng tệp do lệnh 'cchc workbook' tạo ra, không đổi tên hoặc xoá các trang ẩn.",
    "Use a file made by 'cchc workbook', without renaming or deleting its hidden sheets.",
)
OTHER_RULEBOOK = define(
    "W711",
    "Sổ tự đánh giá này được lập cho bộ tiêu chí '{made_for}', không phải '{given}'",
    "This workbook was made for rulebook '{made_for}', not '{given}'",
    "Chấm điểm sổ với bộ tiêu chí '{made_for}', hoặc lập sổ mới bằng 'cchc workbook' với bộ '{given}'.",
    "Score it with rulebook '{made_for}', or make a new workbook for '{given}' with 'cchc workbook'.",
)
CHANGED_RULEBOOK = define(
    "W712",
    "Bộ tiêu chí '{rulebook}' đã thay đổi từ khi lập sổ này (mã băm {made_for} ≠ {given})",
    "Rulebook '{rulebook}' has changed since this workbook was made (hash {made_for} ≠ {given})",
    "Dùng đúng phiên bản bộ tiêu chí đã dùng để lập sổ, hoặc lập sổ mới và chép số liệu sang.",
    "Use the rulebook version the workbook was made from, or make a new workbook and copy the values over.",
)
MISSING_SHEET = define(
    "W713",
    "Thiếu trang '{sheet}' của sổ đã phát hành",
    "The sheet '{sheet}' of the issued workbook is missing",
    "Khôi phục trang từ bản đã phát hành; không đổi tên hay xoá trang.",
    "Restore the sheet from the issued workbook; do not rename or delete sheets.",
)
FORMULA_INPUT = define(
    "W714",
    "Ô nhập chứa công thức '{formula}'",
    "An input cell holds a formula '{formula}'",
    "Nhập giá trị (số, chữ hoặc NA), không nhập công thức.",
    "Type a value (a number, a word or NA), not a formula.",
)
DATE_INPUT = define(
    "W715",
    "Ô nhập chứa ngày tháng ({value}) thay cho giá trị",
    "An input cell holds a date ({value}) instead of a value",
    'Tỷ lệ ghi dạng "đã thực hiện/tổng số" trong ô định dạng văn bản (Excel đổi 9/10 thành ngày 9/10).',
    'Write a ratio as "done/total" in a text cell (Excel turns 9/10 into a date).',
)
NOT_ISSUED = define(
    "W719",
    "Sổ này (mã phát hành {issue_id}) không có trong bản lưu khi phát hành {manifest}",
    "This workbook (issue {issue_id}) is not in the issued copy {manifest}",
    "Chấm điểm với bản lưu .issued.json được tạo cùng sổ này; không nhận sổ sao chép hoặc lập ở nơi khác.",
    "Score it with the .issued.json copy made with it; a copied workbook or one made elsewhere is not accepted.",
)
EXTRA_SHEET = define(
    "W720",
    "Trang '{sheet}' không có trong sổ đã phát hành",
    "The sheet '{sheet}' was not in the issued workbook",
    "Xoá trang này; số liệu của đơn vị chỉ ghi vào các ô màu vàng.",
    "Delete this sheet; a unit's data go only in the yellow cells.",
)
SHEET_ORDER = define(
    "W721",
    "Các trang đã bị đổi tên hoặc đổi thứ tự: vị trí {n} là '{found}', khi phát hành là '{issued}'",
    "Sheets were renamed or reordered: position {n} holds '{found}', issued as '{issued}'",
    "Khôi phục tên và thứ tự trang như bản đã phát hành.",
    "Restore the sheets' names and order as issued.",
)
COLUMN_CHANGED = define(
    "W722",
    "Tiêu đề cột là '{found}', khi phát hành là '{issued}': có cột bị chèn, xoá hoặc đổi chỗ",
    "The column header is '{found}', issued as '{issued}': a column was inserted, deleted or moved",
    "Khôi phục các cột như bản đã phát hành; chỉ ghi vào các ô màu vàng.",
    "Restore the columns as issued; type only in the yellow cells.",
)
ROW_CHANGED = define(
    "W723",
    "Dòng này có mã '{found}', khi phát hành là '{issued}': có dòng bị chèn, xoá hoặc đổi chỗ ({n} dòng khác đi)",
    "This row holds id '{found}', issued as '{issued}': a row was inserted, deleted or moved ({n} rows differ)",
    "Khôi phục các dòng như bản đã phát hành; chỉ ghi vào các ô màu vàng.",
    "Restore the rows as issued; type only in the yellow cells.",
)
CELL_CHANGED = define(
    "W724",
    "Ô này khác bản đã phát hành (nay là '{found}'); đơn vị chỉ được ghi vào các ô màu vàng",
    "This cell differs from the issued workbook (now '{found}'); a unit types only in the yellow cells",
    "Khôi phục ô như bản đã phát hành (hoặc ghi số liệu vào một bản phát hành mới).",
    "Restore the cell as issued (or type the values into a freshly issued copy).",
)
MORE_CHANGES = define(
    "W726",
    "Còn {n} ô khác bản đã phát hành trong trang '{sheet}'",
    "{n} more cells of sheet '{sheet}' differ from the issued workbook",
    "Khôi phục trang như bản đã phát hành.",
    "Restore the sheet as issued.",
)
DUPLICATE_RETURN = define(
    "W727",
    "Tệp này và '{other}' là cùng một sổ đã phát hành",
    "This file and '{other}' are the same issued workbook",
    "Chỉ giữ bản đơn vị gửi lại sau cùng.",
    "Keep only the copy the unit returned last.",
)
NOT_RETURNED = define(
    "W728",
    "Chưa có sổ '{file}' đã phát hành cho đơn vị {units}",
    "The workbook '{file}' issued to {units} was not returned",
    "Đặt sổ đơn vị gửi lại vào thư mục, hoặc chấm điểm từng tệp đã nhận.",
    "Put the unit's returned workbook in the folder, or score the returned files one by one.",
)
TEXT_DECIMAL_COMMA = define(
    "W729",
    "'{value}' được ghi dạng chữ với dấu phẩy thập phân",
    "'{value}' is typed as text with a decimal comma",
    "Nhập số để Excel lưu là số (máy cài tiếng Việt hiển thị 1,5), hoặc ghi {dotted}.",
    "Type it as a number so that Excel stores a number (shown 1,5 under Vietnamese settings), or write {dotted}.",
)
# Data problems whose hint speaks of files the officer never saw, said of the workbook instead.
_IN_WORKBOOK = {dp.DECIMAL_COMMA: TEXT_DECIMAL_COMMA}


def in_workbook(problems: Problems) -> Problems:
    """The problems of a dataset read from an XLSX file, with hints about the workbook (not `dataset.yaml`)."""
    out = Problems()
    out.extend(replace(p, code=_IN_WORKBOOK.get(p.code, p.code)) for p in problems)  # a group keeps its rows
    return out


def read_workbook(path: Path | str, rulebook: Rulebook, issued: Path | str | None = None) -> Dataset:
    """The Dataset a returned workbook holds; every problem at once, each at its sheet and cell."""
    return read_workbooks([path], rulebook, issued)


def read_workbooks(
    paths: Sequence[Path | str],
    rulebook: Rulebook,
    issued: Path | str | None = None,
    folder: Path | str | None = None,
) -> Dataset:
    """One Dataset from returned workbooks (e.g. one per unit) checked against their issued copy.

    `issued`: the `.issued.json` file; found beside the workbook (or `folder`) when not given.
    With `folder`, every workbook of the issued copy must be there.
    """
    if not paths:
        raise ValueError("no workbook to read")
    paths = [Path(p) for p in paths]
    problems = Problems()
    manifest = Path(issued) if issued is not None else iss.find_manifest(Path(folder or paths[0]), problems)
    books = iss.read_manifest(manifest, problems) if manifest is not None else None
    if books is None:
        raise CchcError(problems.items)
    digest = rulebook_hash(rulebook)
    read: dict[str, tuple[Path, pd.DataFrame]] = {}
    seen: set[str] = set()  # the issues of the files given, refused or not
    refused = False
    for path in paths:
        issue_id, assessments = _read_one(path, rulebook, digest, books, str(manifest), problems)
        seen.add(issue_id)
        if assessments is None:
            refused = True
            continue
        if issue_id in read:
            problems.add(DUPLICATE_RETURN, Pos(str(path)), other=str(read[issue_id][0]))
            refused = True
            continue
        read[issue_id] = (path, assessments)
    if folder is not None:
        for issue_id, book in books.items():
            if issue_id not in seen:
                units = [u["unit_id"] for u in book.units]
                problems.add(NOT_RETURNED, Pos(str(folder)), file=book.file, units=units)
                refused = True
    if refused:  # a file refused as a whole; problems of typed values are raised with the data checks below
        raise CchcError(problems.items)
    chosen = [books[i] for i in read]
    units = pd.DataFrame([u for b in chosen for u in b.units]).drop(columns=["_sheet"])
    survey_rows = [row for b in chosen for row in b.survey]
    survey = pd.DataFrame(survey_rows) if survey_rows else None
    meta = DatasetMeta(**{k: chosen[0].meta.get(k) for k in ("year", "source", "description")})
    assessments = pd.concat([a for _, a in read.values()], ignore_index=True)
    dataset = dataset_from_frames(units, assessments, survey, meta, source=str(manifest))
    dataset.path = paths[0]
    _check(dataset, rulebook, str(manifest), problems)
    return dataset


def _read_one(
    path: Path, rulebook: Rulebook, digest: str, books: dict[str, iss.IssuedWorkbook], manifest: str,
    problems: Problems,
) -> tuple[str, pd.DataFrame | None]:
    """(issue id, assessments) of one returned workbook; assessments None when it is refused."""
    file = str(path)
    try:
        if not within_size(path, path.stat().st_size, problems) or not within_size(path, unpacked_size(path),
                                                                                      problems):
            return "", None
        wb = load_workbook(path)  # formulas stay formulas: cached results are never used
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        problems.add(NOT_A_WORKBOOK, Pos(file), reason=f"{type(exc).__name__}: {exc}")
        return "", None
    before = len(problems.errors)
    issue_id = _read_info(wb, file, rulebook, digest, problems)
    if len(problems.errors) > before:
        return issue_id, None
    book = books.get(issue_id)
    if book is None:
        problems.add(NOT_ISSUED, Pos(file, sheet=INFO), issue_id=issue_id, manifest=manifest)
        return issue_id, None
    intact = _check_sheets(wb, book, file, problems)
    if len(problems.errors) > before:
        return issue_id, None
    return issue_id, _inputs(wb, book, intact, file, problems)


def _read_info(wb: Workbook, file: str, rulebook: Rulebook, digest: str, problems: Problems) -> str:
    """The issue id of a workbook made for this rulebook; problems W710–W712 otherwise."""
    if INFO not in wb.sheetnames:
        problems.add(NOT_A_WORKBOOK, Pos(file), reason=INFO)
        return ""
    info = {str(k): v for k, v, *_ in wb[INFO].iter_rows(values_only=True) if k is not None}
    pos = Pos(file, sheet=INFO)
    if info.get("format") != FORMAT:
        problems.add(NOT_A_WORKBOOK, pos, reason=f"format {info.get('format')!r}")
    elif info.get("version") != VERSION:
        problems.add(NOT_A_WORKBOOK, pos, reason=f"version {info.get('version')!r} ≠ {VERSION}")
    elif info.get("rulebook_id") != rulebook.id:
        problems.add(OTHER_RULEBOOK, pos, made_for=info.get("rulebook_id"), given=rulebook.id)
    elif info.get("rulebook_sha256") != digest:
        problems.add(
            CHANGED_RULEBOOK,
            pos,
            rulebook=rulebook.id,
            made_for=str(info.get("rulebook_sha256"))[:12],
            given=digest[:12],
        )
    return str(info.get("issue_id") or "")


# ---------------------------------------------------------------- the file against its issued copy
def _check_sheets(wb: Workbook, book: iss.IssuedWorkbook, file: str, problems: Problems) -> list[iss.IssuedSheet]:
    """Sheets, columns, rows and cells as issued; the issued sheets found intact."""
    issued = [s.name for s in book.sheets]
    found = wb.sheetnames
    for name in issued:
        if name not in found:
            problems.add(MISSING_SHEET, Pos(file, sheet=name), sheet=name)
    for name in found:
        if name not in issued:
            problems.add(EXTRA_SHEET, Pos(file, sheet=name), sheet=name)
    if set(found) == set(issued) and found != issued:
        n = next(i for i, (a, b) in enumerate(zip(found, issued)) if a != b)
        problems.add(SHEET_ORDER, Pos(file, sheet=found[n]), n=n + 1, found=found[n], issued=issued[n])
    intact = []
    for sheet in book.sheets:
        if sheet.name not in found:
            continue
        ws = wb[sheet.name]
        if _same_columns(ws, sheet, file, problems) & _same_rows(ws, sheet, file, problems):
            _same_cells(ws, sheet, file, problems)
            intact.append(sheet)
    return intact


def _text(ws: Worksheet, row: int, col: int) -> str:
    return cell_text(ws.cell(row=row, column=col).value).strip()


def _same_columns(ws: Worksheet, sheet: iss.IssuedSheet, file: str, problems: Problems) -> bool:
    """The header row holds the issued header texts, column by column."""
    if not sheet.columns:
        return True
    width = max(len(sheet.columns), ws.max_column)
    ok = True
    for col in range(1, width + 1):
        want = sheet.columns[col - 1] if col <= len(sheet.columns) else ""
        got = _text(ws, HEADER_ROW, col)
        if got != want and (want or got):
            problems.add(COLUMN_CHANGED, Pos(file, HEADER_ROW, col, ws.title), found=got, issued=want)
            ok = False
    return ok


def _same_rows(ws: Worksheet, sheet: iss.IssuedSheet, file: str, problems: Problems) -> bool:
    """Column A holds the issued node ids, row by row."""
    if not sheet.ids:
        return True
    # the issued rows and the rows holding a cell in column A: a stray cell at row 1,048,576 must not
    # make a million-row walk
    rows = {int(r) for r in sheet.ids} | {r for (r, c) in ws._cells if c == Layout.id and r >= FIRST_ROW}
    differ = [
        (r, _text(ws, r, Layout.id), sheet.ids.get(str(r), ""))
        for r in sorted(rows)
        if _text(ws, r, Layout.id) != sheet.ids.get(str(r), "")
    ]
    if differ:
        r, got, want = differ[0]
        problems.add(ROW_CHANGED, Pos(file, r, Layout.id, ws.title), found=got, issued=want, n=len(differ))
    return not differ


def _same_cells(ws: Worksheet, sheet: iss.IssuedSheet, file: str, problems: Problems) -> None:
    """Every cell but the input cells as issued (found by their digests)."""
    found = iss.sheet_cells(ws, skip=set(sheet.inputs))
    changed = sorted(
        (c for c in found.keys() | sheet.cells.keys() if found.get(c) != sheet.cells.get(c)),
        key=lambda c: (ws[c].row, ws[c].column),
    )
    for coord in changed[:CHANGES_LISTED]:
        cell = ws[coord]
        shown = cell_text(cell.value)
        shown = shown if len(shown) <= 60 else shown[:57] + "…"
        problems.add(CELL_CHANGED, Pos(file, cell.row, cell.column, ws.title), found=shown)
    if len(changed) > CHANGES_LISTED:
        problems.add(MORE_CHANGES, Pos(file, sheet=ws.title), n=len(changed) - CHANGES_LISTED, sheet=ws.title)


# ---------------------------------------------------------------- the input cells
def _inputs(
    wb: Workbook, book: iss.IssuedWorkbook, intact: list[iss.IssuedSheet], file: str, problems: Problems
) -> pd.DataFrame:
    """The assessments typed in the input cells of the unit sheets, one row per (unit, criterion)."""
    rows: dict[tuple[str, str], dict[str, object]] = {}
    for sheet in intact:
        if sheet.unit_id is None:
            continue
        ws = wb[sheet.name]
        for coord, (criterion, column) in sheet.inputs.items():
            cell = ws[coord]
            value = cell.value
            pos = Pos(file, cell.row, cell.column, ws.title)
            if cell.data_type == "f":  # a text beginning with '=' stays text
                problems.add(FORMULA_INPUT, pos, column=column, formula=value)
                value = None
            elif isinstance(value, (dt.date, dt.datetime, dt.time)):
                shown = value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else str(value)
                problems.add(DATE_INPUT, pos, column=column, value=shown)
                value = None
            record = rows.setdefault(
                (sheet.unit_id, criterion),
                {"unit_id": sheet.unit_id, "criterion_id": criterion, "_file": file, "_row": cell.row,
                 "_sheet": ws.title},
            )
            record[column] = cell_text(value).strip() or None
    columns = list(dict.fromkeys(c for s in intact for _, c in s.inputs.values()))
    typed = [r for r in rows.values() if any(r.get(c) is not None for c in columns)]
    frame = pd.DataFrame(typed, columns=["unit_id", "criterion_id", *columns, "_file", "_row", "_sheet"])
    return frame.astype({"_row": "int64"})


def _check(dataset: Dataset, rulebook: Rulebook, manifest: str, problems: Problems) -> None:
    """Run the data layer's checks now, located at the input cells, with hints about the workbook.

    Raises one error with the workbook's own problems (`problems`) and the data problems together.
    """
    found = list(problems)
    try:
        inputs_for(dataset, rulebook)
    except CchcError as exc:
        cols = Layout(tuple(rulebook.stages)).inputs()
        for p in exc.problems:
            pos, code = p.pos, p.code
            if pos is not None and pos.file != manifest and p.column in cols:
                pos = Pos(pos.file, pos.line, cols[p.column], pos.sheet)
                code = _IN_WORKBOOK.get(code, code)
            found.append(replace(p, code=code, pos=pos))  # a group of cells keeps them all
    if any(p.severity == "error" for p in found):
        raise CchcError(found)
