"""The self-assessment workbook: written from a rulebook (and a dataset or a units list), read back as a Dataset.

One sheet per unit, one row per node that applies to the unit's group. The unit types its
values in the yellow cells (one column per stage), its evidence and notes; locked formula cells
show the running points, subtotals and index as the unit types. Survey and relative leaves
depend on other people's answers or other units, so their points are the ones computed when
the workbook was made, marked so. Hidden sheets: `_cchc` (format, rulebook id and sha256 of
its canonical JSON, stages, dataset metadata), `_units` (who each sheet is for), `_survey`
(the dataset's survey answers, so that the workbook scores exactly as the dataset did) and
`_lists` (drop-down lists).

Decisions: a ratio is typed as one text cell "done/total" (the cell is formatted as text so
that Excel does not turn 9/10 into a date) or as a share 0–1; yes/no is typed as có/không
(yes/no in an English workbook); `NA` marks a leaf that does not apply. The reader reads the
input cells only (never cached formula results) and identifies rows by the hidden id column.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, NamedStyle, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from cchc_rules.data.model import NA, VALUE, ZERO_TOTAL
from cchc_rules.documents import rule_text as rt
from cchc_rules.documents.xlsx import (
    GROUP_FILL,
    INPUT_FILL,
    WRAP,
    formula,
    header_row,
    save_workbook,
    sheet_title,
    title_rows,
)
from cchc_rules.dsl.models import Node, Rulebook
from cchc_rules.i18n import pick, resolve_lang, stage_label
from cchc_rules.problems import CchcError, Pos, Problem, Problems, define

FORMAT = "cchc-self-assessment"
VERSION = 1
INFO, UNITS, SURVEY, LISTS = "_cchc", "_units", "_survey", "_lists"
HEADER_ROW, FIRST_ROW = 8, 9
AT_EXPORT = "(tính khi xuất / computed at export)"
YES_WORDS = ("1", "true", "yes", "có", "đạt", "x")
SURVEY_COLUMNS = ("respondent_id", "form", "unit_id", "criterion_id", "answer", "respondent_unit")

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
    "Thiếu trang '{sheet}' của đơn vị {unit}",
    "The sheet '{sheet}' of unit {unit} is missing",
    "Khôi phục trang từ bản gốc của sổ; không đổi tên hay xoá trang của đơn vị.",
    "Restore the sheet from the original workbook; do not rename or delete a unit's sheet.",
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
UNKNOWN_ROW = define(
    "W716",
    "Dòng có mã '{id}' không thuộc bộ tiêu chí",
    "The row with id '{id}' is not in the rulebook",
    "Không sửa cột mã ẩn; khôi phục dòng từ bản gốc của sổ.",
    "Do not edit the hidden id column; restore the row from the original workbook.",
)

_L = {
    "vi": {
        "code": "Mã",
        "name": "Tiêu chí",
        "max": "Điểm tối đa",
        "how": "Cách chấm điểm",
        "points": "Điểm",
        "remark": "Lưu ý",
        "required": "Tài liệu kiểm chứng cần có, hướng dẫn",
        "evidence": "Tài liệu kiểm chứng đã nộp",
        "note": "Ghi chú: {stage}",
        "value": "Giá trị dùng",
        "appl": "Tối đa áp dụng",
        "unit": "Đơn vị: {name} ({id}) · Nhóm: {group}",
        "index": "Chỉ số (tạm tính)",
        "earned": "Điểm đạt",
        "possible": "Tối đa áp dụng",
        "band": "Xếp loại (tạm tính, chưa xét giới hạn số lượng)",
        "at_export": "Khi lập sổ: chỉ số {index}, xếp loại {band}, hạng {rank}",
        "help": (
            "Nhập vào ô màu vàng: giá trị của từng bước chấm điểm (NA nếu tiêu chí không áp dụng), tài liệu kiểm "
            "chứng và ghi chú. Điểm và chỉ số tự tính lại; điểm chính thức do cchc tính khi chấm."
        ),
        "adjustments": "Điểm thưởng, điểm trừ (điểm chỉ số)",
        "guidance": "Hướng dẫn",
        "sample": "TÀI LIỆU MẪU: bộ tiêu chí minh hoạ",
        "na_help": "Chọn trong danh sách, hoặc NA nếu không áp dụng",
        "num_help": "Nhập một số, hoặc NA nếu không áp dụng",
        "bad": "Giá trị không hợp lệ cho tiêu chí này",
        "no_result": "(chưa tính: cần dữ liệu điều tra / các đơn vị khác)",
        "summary": "Tổng hợp",
        "unit_id": "Mã đơn vị",
        "unit_name": "Tên đơn vị",
        "group": "Nhóm",
    },
    "en": {
        "code": "Code",
        "name": "Criterion",
        "max": "Max points",
        "how": "How it is scored",
        "points": "Points",
        "remark": "Remark",
        "required": "Evidence required, guidance",
        "evidence": "Evidence provided",
        "note": "Note: {stage}",
        "value": "Value used",
        "appl": "Applicable max",
        "unit": "Unit: {name} ({id}) · Group: {group}",
        "index": "Index (running)",
        "earned": "Points earned",
        "possible": "Applicable maximum",
        "band": "Band (running, before quotas)",
        "at_export": "When the workbook was made: index {index}, band {band}, rank {rank}",
        "help": (
            "Type in the yellow cells: the value at each stage (NA when the criterion does not apply), the evidence "
            "and notes. Points and index update as you type; the official score is computed by cchc."
        ),
        "adjustments": "Bonus and penalty (index points)",
        "guidance": "Guidance",
        "sample": "SAMPLE DOCUMENT: an illustrative criteria set",
        "na_help": "Pick from the list, or NA when it does not apply",
        "num_help": "Type a number, or NA when it does not apply",
        "bad": "Not a valid value for this criterion",
        "no_result": "(not computed: needs survey data / the other units)",
        "summary": "Summary",
        "unit_id": "Unit id",
        "unit_name": "Unit",
        "group": "Group",
    },
}


INPUT_STYLE = "cchc-input"


def _input_style() -> NamedStyle:
    """Yellow, unlocked, wrapped: a cell the unit types in (one named style: fast to apply)."""
    return NamedStyle(INPUT_STYLE, fill=INPUT_FILL, protection=Protection(locked=False), alignment=WRAP)


def rulebook_hash(rulebook: Rulebook) -> str:
    """sha256 of the rulebook's canonical JSON: a changed rulebook gets another hash."""
    return hashlib.sha256(rulebook.model_dump_json().encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Layout:
    """Where each column of a unit sheet is (1-based), derived from the stages."""

    stages: tuple[str, ...]

    id, code, name, max, how, first_stage = 1, 2, 3, 4, 5, 6

    def stage(self, i: int) -> int:
        return self.first_stage + i

    @property
    def points(self) -> int:
        return self.first_stage + len(self.stages)

    @property
    def remark(self) -> int:
        return self.points + 1

    @property
    def required(self) -> int:
        return self.points + 2

    @property
    def evidence(self) -> int:
        return self.points + 3

    def note(self, i: int) -> int:
        return self.points + 4 + i

    @property
    def value(self) -> int:
        return self.note(len(self.stages))

    @property
    def appl(self) -> int:
        return self.value + 1

    @property
    def extra(self) -> int:
        return self.value + 2

    def inputs(self) -> dict[str, int]:
        """Input column name (as in assessments) → column number."""
        cols = {s: self.stage(i) for i, s in enumerate(self.stages)}
        cols["evidence"] = self.evidence
        cols.update({f"note_{s}": self.note(i) for i, s in enumerate(self.stages)})
        return cols


def _ref(col: int, row: int) -> str:
    return f"{get_column_letter(col)}{row}"


def _q(text: str) -> str:
    """A text as an Excel string literal."""
    return '"' + str(text).replace('"', '""') + '"'


def _n(x: float) -> str:
    """A number as an Excel literal (no float noise)."""
    return rt.num(x, "en")


# ---------------------------------------------------------------- formulas
def leaf_formula(leaf: Node, rulebook: Rulebook, v: str, m: str) -> str:
    """The points of a leaf from its value cell `v` and max cell `m`: a number, or "NA" when out of the maximum."""
    kind, spec = leaf.rule.kind, leaf.rule.spec
    na = '"NA"' if rulebook.not_applicable == "rescale" else "0"
    missing = {"zero": "0", "max": m, "na": '"NA"', "error": "0"}[rulebook.missing_for(leaf)]

    def clamp(expr: str) -> str:
        return f"ROUND(MIN({m},MAX(0,{expr})),9)"

    if kind == "binary":
        test = ",".join([f"{v}=1", f"{v}=TRUE"] + [f"{v}={_q(w)}" for w in YES_WORDS])
        expr = f"IF(OR({test}),{m},0)"
    elif kind == "ladder":
        expr = "0"
        for step in reversed(spec):
            pts = _n(step.points if step.points is not None else step.share * (leaf.max or 0))
            expr = pts if step.min is None else f"IF({v}>={_n(step.min)},{pts},{expr})"
        expr = clamp(expr)
    elif kind == "linear":
        expr = clamp(f"{m}*({v}-({_n(spec.from_)}))/({_n(spec.to - spec.from_)})")
    elif kind == "ratio":
        slash = f'FIND("/",{v})'
        done, total = f"VALUE(LEFT({v},{slash}-1))", f"VALUE(MID({v},{slash}+1,30))"
        zero = {"na": '"NA"', "max": m, "zero": "0"}[spec.if_zero_total]
        expr = (
            f"IF(ISNUMBER({v}),{clamp(f'{m}*{v}')},IF(ISERROR({slash}),{clamp(f'{m}*VALUE({v})')},"
            f"IF({total}=0,{zero},{clamp(f'{m}*{done}/{total}')})))"
        )
    elif kind == "levels":
        expr = "0"
        for name, pts in reversed(list(spec.items())):
            expr = f"IF({v}={_q(name)},{_n(pts)},{expr})"
        expr = clamp(expr)
    elif kind == "deduct":
        expr = clamp(f"{m}-{_n(spec.per)}*{v}")
    elif kind == "points":
        expr = clamp(v)
    else:
        raise ValueError(f"{kind} points are computed at export, not by a formula")
    return f'=IF({v}="NA",{na},IF({v}="",{missing},{expr}))'


def band_formula(rulebook: Rulebook, unit: dict, index: str, row_of: dict[str, int], lay: Layout, lang: str) -> str:
    """The band of the running index and of the gates a sheet can check; quotas need the other units (not here)."""
    flags = set(unit["flags"])
    p, a = (lambda node_id: _ref(lay.points, row_of[node_id])), (lambda node_id: _ref(lay.appl, row_of[node_id]))
    key = f"ROUND({index},{rulebook.display.decimals})" if rulebook.display.rank_on == "published" else index
    expr = '""'
    for band in reversed(rulebook.bands_for(str(unit["group"]))):
        tests = [f"{key}>={_n(band.min)}"]
        for gate in band.when:
            if gate.flag is not None:
                tests.append("TRUE" if (gate.flag in flags) == gate.is_ else "FALSE")
                continue
            if gate.node not in row_of:
                continue  # a gate on a node out of the unit's maximum holds
            node = gate.node
            if gate.min_share is not None:
                tests.append(f"IF({a(node)}=0,TRUE,{p(node)}/{a(node)}>={_n(gate.min_share)})")
            if gate.min is not None:
                tests.append(f"IF({a(node)}=0,TRUE,{p(node)}>={_n(gate.min)})")
            if gate.max_zero_leaves is not None:
                leaves = [leaf.id for leaf, _, _ in rulebook.node(node).walk() if leaf.is_leaf and leaf.id in row_of]
                zeros = "+".join(f"({p(x)}=0)*({a(x)}>0)" for x in leaves) or "0"
                tests.append(f"({zeros})<={gate.max_zero_leaves}")
        expr = f"IF(AND({','.join(tests)}),{_q(pick(band.label, lang))},{expr})"
    return f'=IF({index}="","",{expr})'


def parent_formulas(
    node: Node, kids_p: list[str], kids_a: list[str], helper: tuple[str, str] | None
) -> tuple[str, str]:
    """(points, applicable max) formulas of a parent from its children's cells.

    Best-of-k needs the children in one range: `helper` names two ranges (points, maxima) on
    the parent's own row, in hidden columns, that mirror the children's cells.
    """
    mx = _n(node.max or 0)
    if isinstance(node.aggregate, str):
        raw_p, raw_a = f"SUM({','.join(kids_p)})", f"SUM({','.join(kids_a)})"
        if node.aggregate == "capped":
            raw_p, raw_a = f"MIN({mx},{raw_p})", f"MIN({mx},{raw_a})"
    else:
        k = node.aggregate.best
        hp, ha = helper
        raw_p = "+".join(f"IFERROR(LARGE({hp},{i}),0)" for i in range(1, k + 1))
        raw_a = "+".join(f"IFERROR(LARGE({ha},{i}),0)" for i in range(1, k + 1))
    return raw_p, raw_a


# ---------------------------------------------------------------- writing
@dataclass
class _Prefill:
    """What a dataset says for each unit: the values to show and the points computed at export."""

    result: Any
    surveyed: set[tuple[str, str]]
    raw: dict[tuple[str, str], dict[str, Any]]

    @property
    def inputs(self) -> Any:
        """The parsed values the result was scored from."""
        return self.result.inputs

    @classmethod
    def of(cls, rulebook: Rulebook, dataset: Any) -> _Prefill:
        from cchc_rules.engine.score import score

        result = score(rulebook, dataset)
        surveyed: set[tuple[str, str]] = set()
        if dataset.survey is not None:
            surveyed = set(zip(dataset.survey["unit_id"].astype(str), dataset.survey["criterion_id"].astype(str)))
        a = dataset.assessments
        cols = [c for c in a.columns if c in rulebook.stages or c == "evidence" or c.startswith("note_")]
        raw = {
            (str(u), str(c)): dict(zip(cols, vals))
            for u, c, *vals in zip(a["unit_id"], a["criterion_id"], *(a[c] for c in cols))
        }
        return cls(result, surveyed, raw)


def write_workbook(
    rulebook: Rulebook,
    path: Path | str,
    dataset: Any = None,
    units: pd.DataFrame | None = None,
    lang: str | None = None,
) -> Path:
    """Write the self-assessment workbook of every unit: prefilled from `dataset`, or empty for a `units` table."""
    table, prefill = _source(rulebook, dataset, units)
    return _write(rulebook, Path(path), table, prefill, dataset, resolve_lang(lang))


def write_unit_workbooks(
    rulebook: Rulebook,
    folder: Path | str,
    dataset: Any = None,
    units: pd.DataFrame | None = None,
    lang: str | None = None,
) -> list[Path]:
    """One workbook per unit, named after its id, to send to each unit (`read_workbooks` takes them back).

    Points computed at export (survey, relative) still come from the whole dataset.
    """
    table, prefill = _source(rulebook, dataset, units)
    lang, taken = resolve_lang(lang), set()
    return [
        _write(rulebook, Path(folder) / f"{file_name(str(uid), taken)}.xlsx", table.iloc[[i]], prefill, dataset, lang)
        for i, uid in enumerate(table["unit_id"])
    ]


def file_name(unit_id: str, taken: set[str]) -> str:
    """A unit id made safe as a file name, unique among `taken` (case-insensitive)."""
    base = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in unit_id).strip(".") or "_"
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        name = f"{base}~{n}"
    taken.add(name.lower())
    return name


def _source(rulebook: Rulebook, dataset: Any, units: pd.DataFrame | None) -> tuple[pd.DataFrame, _Prefill | None]:
    if (dataset is None) == (units is None):
        raise ValueError("give either a dataset or a units table")
    if dataset is None:
        from cchc_rules.data.read import split_flags

        return split_flags(units), None  # flags as tuples, as in a Dataset
    return dataset.units, _Prefill.of(rulebook, dataset)


def _write(
    rulebook: Rulebook, path: Path, table: pd.DataFrame, prefill: _Prefill | None, dataset: Any, lang: str
) -> Path:
    layout = Layout(tuple(rulebook.stages))
    wb = Workbook()
    wb.remove(wb.active)
    wb.add_named_style(_input_style())
    lists = _Lists(wb)
    summary = wb.create_sheet(_L[lang]["summary"], 0)
    taken = {INFO, UNITS, SURVEY, LISTS, summary.title}
    sheets = []
    records = table.to_dict("records")  # not itertuples: attribute columns may have any name
    for unit in records:
        title = sheet_title(str(unit["unit_id"]), taken)
        sheets.append(title)
        _UnitSheet(wb.create_sheet(title), rulebook, unit, layout, prefill, lists, lang).write()
    _summary_sheet(summary, rulebook, records, sheets, lang)
    _info_sheet(wb, rulebook, lang, dataset)
    _units_sheet(wb, table, records, sheets)
    if dataset is not None and dataset.survey is not None:
        answers = dataset.survey[dataset.survey["unit_id"].astype(str).isin(table["unit_id"].astype(str))]
        _table_sheet(wb, SURVEY, answers, SURVEY_COLUMNS)
    wb.move_sheet(lists.ws, offset=len(wb.sheetnames))
    wb.security = WorkbookProtection(lockStructure=True)  # no renaming, deleting or unhiding sheets
    return save_workbook(wb, path)


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
        formula(ws.cell(row=k, column=4), f"='{sheet}'!D4").number_format = "0.00"
    ws.freeze_panes = ws.cell(row=head + 1, column=1)
    ws.protection.sheet = True


class _Lists:
    """Drop-down lists kept in a hidden sheet (no 255-character or comma limit)."""

    def __init__(self, wb: Workbook):
        self.ws = wb.create_sheet(LISTS)
        self.ws.sheet_state = "hidden"
        self.cols: dict[tuple[str, ...], str] = {}

    def ref(self, items: tuple[str, ...]) -> str:
        if items not in self.cols:
            col = len(self.cols) + 1
            for r, item in enumerate(items, start=1):
                self.ws.cell(row=r, column=col, value=item)
            letter = get_column_letter(col)
            self.cols[items] = f"'{LISTS}'!${letter}$1:${letter}${len(items)}"
        return self.cols[items]


class _UnitSheet:
    def __init__(
        self,
        ws: Worksheet,
        rulebook: Rulebook,
        unit: dict,
        layout: Layout,
        prefill: _Prefill | None,
        lists: _Lists,
        lang: str,
    ):
        self.ws, self.rb, self.unit, self.lay = ws, rulebook, unit, layout
        self.pre, self.lists, self.lang, self.lab = prefill, lists, lang, _L[lang]
        self.lists_dv: dict[tuple[str, ...], DataValidation] = {}
        self.row = prefill.result.row_of(str(unit["unit_id"])) if prefill is not None else -1  # inputs' row too

    # -- structure
    def _rows(self) -> list[tuple[Node, int]]:
        """The nodes that apply to the unit's group and have a leaf that applies, in tree order, with depth."""
        group = str(self.unit["group"])
        keep: list[tuple[Node, int]] = []

        def visit(node: Node, depth: int) -> bool:
            if node.applies_to is not None and group not in node.applies_to:
                return False
            if node.is_leaf:
                keep.append((node, depth))
                return True
            at = len(keep)
            keep.append((node, depth))
            if not any([visit(child, depth + 1) for child in node.children]):
                del keep[at:]
                return False
            return True

        for top in self.rb.criteria:
            visit(top, 0)
        return keep

    def write(self) -> None:
        ws, lay, lab, rb = self.ws, self.lay, self.lab, self.rb
        stage_labels = [f"{stage_label(s, self.lang)}\n[{s}]" for s in rb.stages]
        labels = [
            "id",
            lab["code"],
            lab["name"],
            lab["max"],
            lab["how"],
            *stage_labels,
            lab["points"],
            lab["remark"],
            lab["required"],
            lab["evidence"],
            *(lab["note"].format(stage=s) for s in rb.stages),
            lab["value"],
            lab["appl"],
        ]
        widths = [4, 8, 46, 9, 42, *([14] * len(rb.stages)), 10, 22, 44, 30, *([24] * len(rb.stages)), 12, 12]
        header_row(ws, HEADER_ROW, labels, widths)
        ws.row_dimensions[HEADER_ROW].height = 32
        self._head()
        rows = self._rows()
        row_of = {node.id: FIRST_ROW + k for k, (node, _) in enumerate(rows)}
        for node, depth in rows:
            self._node_row(node, depth, row_of)
        top = [row_of[n.id] for n in rb.criteria if n.id in row_of]
        r = FIRST_ROW + len(rows) + 1
        adj_rows = self._adjustments(r)
        p, a = get_column_letter(lay.points), get_column_letter(lay.appl)
        sum_p = f"SUM({','.join(f'{p}{t}' for t in top)})"
        sum_a = f"SUM({','.join(f'{a}{t}' for t in top)})"
        adj = f"+SUM({','.join(f'{p}{t}' for t in adj_rows)})" if adj_rows else ""
        formula(ws["D5"], f"={sum_p}"), formula(ws["D6"], f"={sum_a}")
        formula(ws["D4"], f'=IF(D6=0,"",MAX(0,MIN({_n(rb.scale)},D5/D6*{_n(rb.scale)}{adj})))')
        for ref in ("D4", "D5", "D6"):
            ws[ref].number_format = "0.00"
            ws[ref].font = Font(bold=True, size=13 if ref == "D4" else 11)
        formula(ws["D7"], band_formula(rb, self.unit, "D4", row_of, lay, self.lang))
        ws["D7"].font = Font(bold=True)
        if self.pre is not None:
            ws["E7"] = self._graded_at_export()
        for col in (lay.id, lay.value, lay.appl):
            ws.column_dimensions[get_column_letter(col)].hidden = True
        ws.freeze_panes = ws.cell(row=FIRST_ROW, column=lay.first_stage)
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False

    def _head(self) -> None:
        ws, lab, rb, unit = self.ws, self.lab, self.rb, self.unit
        ws["A1"] = pick(rb.title, self.lang)
        ws["A1"].font = Font(bold=True, size=14)
        if rb.illustrative:
            ws["A2"] = lab["sample"]
            ws["A2"].font = Font(bold=True, color="C00000")
        group = pick(rb.groups.get(str(unit["group"])), self.lang) or str(unit["group"])
        ws["A3"] = lab["unit"].format(name=unit.get("name") or unit["unit_id"], id=unit["unit_id"], group=group)
        ws["A3"].font = Font(bold=True)
        for r, key in ((4, "index"), (5, "earned"), (6, "possible"), (7, "band")):
            ws.cell(row=r, column=3, value=lab[key]).alignment = Alignment(horizontal="right")
        ws["E4"] = lab["help"]
        ws["E4"].alignment = WRAP
        ws.merge_cells(start_row=4, start_column=5, end_row=6, end_column=self.lay.points)

    def _graded_at_export(self) -> str:
        """Band and rank as scored when the workbook was made (quotas and the other units included)."""
        res = self.pre.result
        row = res.units.iloc[self.row]
        rank = "—" if pd.isna(row["rank"]) else str(int(row["rank"]))
        text = self.lab["at_export"].format(
            index=row["published"], band=res.band_label(str(row["band"]), self.lang), rank=rank
        )
        return f"{text} {AT_EXPORT}"

    # -- rows
    def _common(self, r: int, ident: str, code: str, name: str, mx: float | None, how: str, depth: int) -> None:
        ws, lay = self.ws, self.lay
        values = {lay.id: ident, lay.code: code, lay.name: "    " * depth + name, lay.max: mx, lay.how: how}
        for col, value in values.items():
            cell = ws.cell(row=r, column=col, value=value)
            cell.alignment = WRAP
        ws.cell(row=r, column=lay.max).number_format = "0.###"
        ws.cell(row=r, column=lay.points).number_format = "0.00#"

    def _node_row(self, node: Node, depth: int, row_of: dict[str, int]) -> None:
        ws, lay, r = self.ws, self.lay, row_of[node.id]
        how = rt.rule_text(node, self.lang) if node.is_leaf else rt.parent_text(node, self.lang)
        self._common(r, node.id, node.label, pick(node.name, self.lang), node.max, how, depth)
        p, a = ws.cell(row=r, column=lay.points), ws.cell(row=r, column=lay.appl)
        if not node.is_leaf:
            kids = [c for c in node.children if c.id in row_of]
            kids_p = [_ref(lay.points, row_of[c.id]) for c in kids]
            kids_a = [_ref(lay.appl, row_of[c.id]) for c in kids]
            helper = None
            if not isinstance(node.aggregate, str):
                start = lay.extra
                for j, (kp, ka) in enumerate(zip(kids_p, kids_a)):
                    formula(ws.cell(row=r, column=start + j), f"={kp}")
                    formula(ws.cell(row=r, column=start + len(kids) + j), f"={ka}")
                end = start + len(kids)
                helper = (f"{_ref(start, r)}:{_ref(end - 1, r)}", f"{_ref(end, r)}:{_ref(end + len(kids) - 1, r)}")
                for col in range(start, end + len(kids)):
                    ws.column_dimensions[get_column_letter(col)].hidden = True
            raw_p, raw_a = parent_formulas(node, kids_p, kids_a, helper)
            ar = _ref(lay.appl, r)
            formula(a, f"={raw_a}")
            formula(p, f'=IF({ar}=0,"NA",ROUND(MIN({ar},MAX(MIN({_n(node.floor)},{ar}),{raw_p})),9))')
            if depth == 0:
                for col in range(1, lay.value):
                    ws.cell(row=r, column=col).fill, ws.cell(row=r, column=col).font = GROUP_FILL, Font(bold=True)
            return
        self._inputs(node, r)
        v = ws.cell(row=r, column=lay.value)
        formula(v, "=" + self._last_value(r))
        kind = node.rule.kind
        if kind in ("survey", "relative"):
            self._at_export(node, r)
        else:
            formula(p, leaf_formula(node, self.rb, _ref(lay.value, r), _ref(lay.max, r)))
            formula(a, f'=IF({_ref(lay.points, r)}="NA",0,{_ref(lay.max, r)})')
        remark = []
        if self.rb.missing_for(node) != "zero":
            remark.append(rt.missing_text(self.rb.missing_for(node), self.lang))
        if kind in ("survey", "relative"):
            remark.append(AT_EXPORT if self.pre is not None else self.lab["no_result"])
        ws.cell(row=r, column=lay.remark, value="; ".join(remark) or None).alignment = WRAP
        required = [f"• {pick(e, self.lang)}" for e in node.evidence]
        if node.guidance:
            required.append(f"{self.lab['guidance']}: {pick(node.guidance, self.lang)}")
        ws.cell(row=r, column=lay.required, value="\n".join(required) or None).alignment = WRAP

    def _last_value(self, r: int) -> str:
        expr = '""'
        for i in range(len(self.lay.stages)):
            ref = _ref(self.lay.stage(i), r)
            expr = f'IF({ref}<>"",{ref},{expr})'
        return expr

    def _at_export(self, leaf: Node, r: int) -> None:
        """Survey and relative leaves: the points the engine gave when the workbook was made ("" without data).

        Only a value turned into NA is followed by the sheet; anything else waits for scoring.
        """
        ws, lay = self.ws, self.lay
        v, m, pr = _ref(lay.value, r), _ref(lay.max, r), _ref(lay.points, r)
        points, mx = '""', m
        if self.pre is not None:
            res = self.pre.result
            j = res.node_ids.index(leaf.id)
            pts = res.node_points[self.row, j]
            points, mx = ('"NA"' if np.isnan(pts) else _n(pts)), _n(res.node_max[self.row, j])
        na = '"NA"' if self.rb.not_applicable == "rescale" else "0"
        formula(ws.cell(row=r, column=lay.points), f'=IF({v}="NA",{na},{points})').font = Font(italic=True)
        formula(ws.cell(row=r, column=lay.appl), f'=IF({pr}="NA",0,IF({v}="NA",{m},{mx}))')

    def _inputs(self, leaf: Node, r: int) -> None:
        """The yellow cells of a leaf: stages (with validation and prefill), evidence, notes."""
        ws, lay = self.ws, self.lay
        dv = self._validation(leaf, r)
        raw = self.pre.raw.get((str(self.unit["unit_id"]), leaf.id), {}) if self.pre else {}
        values = dict(zip(lay.stages, self._prefill(leaf, raw)))
        for name, col in lay.inputs().items():
            cell = ws.cell(row=r, column=col)
            cell.style = INPUT_STYLE
            cell.value = values[name] if name in values else raw.get(name)
            if name in values:
                dv.add(cell.coordinate)
                if leaf.rule.kind == "ratio":
                    cell.number_format = "@"

    def _validation(self, leaf: Node, r: int) -> DataValidation:
        """Drop-downs for yes/no and levels (shared); number limits per row (relative to its first stage cell)."""
        kind, spec, mx = leaf.rule.kind, leaf.rule.spec, leaf.max or 0
        if kind in ("binary", "levels"):
            items = (rt.words(self.lang)["yes"], rt.words(self.lang)["no"]) if kind == "binary" else tuple(spec)
            items += ("NA",)
            if items not in self.lists_dv:
                self.lists_dv[items] = self._dv("list", self.lists.ref(items), self.lab["na_help"])
            return self.lists_dv[items]
        v = _ref(self.lay.first_stage, r)
        test = {
            "points": f"AND(ISNUMBER({v}),{v}>=0,{v}<={_n(mx)})",
            "deduct": f"AND(ISNUMBER({v}),{v}>=0,{v}=INT({v}))",
            "survey": f"AND(ISNUMBER({v}),{v}>=0,{v}<=1)",
            "ratio": f'OR(ISNUMBER(FIND("/",{v})),AND(ISNUMBER({v}),{v}>=0,{v}<=1))',
        }.get(kind, f"ISNUMBER({v})")
        return self._dv("custom", f'OR({v}="NA",{test})', self.lab["num_help"])

    def _dv(self, kind: str, formula: str, prompt: str) -> DataValidation:
        dv = DataValidation(type=kind, formula1=formula, allow_blank=True, prompt=prompt, error=self.lab["bad"])
        dv.errorTitle, dv.showErrorMessage, dv.showInputMessage = "cchc", True, True
        self.ws.add_data_validation(dv)
        return dv

    def _prefill(self, leaf: Node, raw: dict[str, Any]) -> list[Any]:
        """The dataset's values of a leaf for this unit (`raw`: their texts), one per stage, as the unit types them."""
        n = len(self.lay.stages)
        if self.pre is None:
            return [None] * n
        inputs = self.pre.inputs
        unit_id = str(self.unit["unit_id"])
        if leaf.rule.kind == "survey" and (unit_id, leaf.id) in self.pre.surveyed:
            return [None] * n  # the answers travel in the hidden survey sheet
        u, j = self.row, inputs.leaf_ids.index(leaf.id)
        out: list[Any] = []
        for s in range(n):
            status, value = inputs.status[u, j, s], inputs.value[u, j, s]
            if status == NA:
                out.append("NA")
            elif status == ZERO_TOTAL:
                out.append("0/0")
            elif status == VALUE:
                text = raw.get(self.lay.stages[s])
                keep = leaf.rule.kind == "ratio" and isinstance(text, str) and "/" in text
                out.append(text if keep else self._typed(leaf, float(value)))
            else:
                out.append(None)
        return out

    def _typed(self, leaf: Node, value: float) -> Any:
        kind = leaf.rule.kind
        if kind == "binary":
            return rt.words(self.lang)["yes"] if value else rt.words(self.lang)["no"]
        if kind == "levels":
            return list(leaf.rule.levels)[int(value)]
        return int(value) if value.is_integer() else value

    def _adjustments(self, r: int) -> list[int]:
        ws, lay, rb = self.ws, self.lay, self.rb
        if not rb.adjustments:
            return []
        ws.cell(row=r, column=lay.name, value=self.lab["adjustments"]).font = Font(bold=True)
        rows = []
        for k, adj in enumerate(rb.adjustments, start=1):
            row = r + k
            rows.append(row)
            self._common(row, adj.id, "", pick(adj.name, self.lang), adj.cap, rt.adjustment_text(adj, self.lang), 0)
            values = self._adjustment_prefill(k - 1)
            first = _ref(lay.first_stage, row)
            dv = self._dv("custom", f'OR({first}="NA",AND(ISNUMBER({first}),{first}>=0))', self.lab["num_help"])
            for i in range(len(lay.stages)):
                ws.cell(row=row, column=lay.stage(i), value=values[i])
                dv.add(_ref(lay.stage(i), row))
            for col in lay.inputs().values():
                cell = ws.cell(row=row, column=col)
                cell.style = INPUT_STYLE
            v = _ref(lay.value, row)
            formula(ws.cell(row=row, column=lay.value), "=" + self._last_value(row))
            amount = v if adj.rule.deduct_each is None else f"{v}*{_n(adj.rule.deduct_each)}"
            if adj.cap is not None:
                amount = f"MIN({_n(adj.cap)},{amount})"
            sign = "" if adj.sign > 0 else "-"
            formula(ws.cell(row=row, column=lay.points), f'=IF(OR({v}="",{v}="NA"),0,{sign}{amount})')
        return rows

    def _adjustment_prefill(self, k: int) -> list[Any]:
        n = len(self.lay.stages)
        if self.pre is None:
            return [None] * n
        vals = self.pre.inputs.adjustment[self.row, k]
        return [None if np.isnan(x) else (int(x) if float(x).is_integer() else float(x)) for x in vals]


def _info_sheet(wb: Workbook, rulebook: Rulebook, lang: str, dataset: Any) -> None:
    ws = wb.create_sheet(INFO)
    ws.sheet_state = "hidden"
    meta = dataset.meta if dataset is not None else None
    rows = [
        ("format", FORMAT),
        ("version", VERSION),
        ("rulebook_id", rulebook.id),
        ("rulebook_sha256", rulebook_hash(rulebook)),
        ("stages", json.dumps(list(rulebook.stages), ensure_ascii=False)),
        ("lang", lang),
        ("year", meta.year if meta else None),
        ("source", meta.source if meta else None),
        ("description", meta.description if meta else None),
    ]
    for row in rows:
        ws.append(list(row))
    ws.protection.sheet = True


def _units_sheet(wb: Workbook, table: pd.DataFrame, units: list[dict], sheets: list[str]) -> None:
    """Who each sheet is for: id, name, group, flags and the units' other attributes."""
    ws = wb.create_sheet(UNITS)
    ws.sheet_state = "hidden"
    extra = [c for c in table.columns if c not in ("unit_id", "name", "group", "flags") and not str(c).startswith("_")]
    ws.append(["sheet", "unit_id", "name", "group", "flags", *extra])
    for sheet, unit in zip(sheets, units):
        flags = ";".join(unit["flags"]) or None
        ws.append([sheet, unit["unit_id"], unit.get("name"), unit["group"], flags, *(unit.get(c) for c in extra)])
    ws.protection.sheet = True


def _table_sheet(wb: Workbook, title: str, table: pd.DataFrame, columns: tuple[str, ...]) -> None:
    ws = wb.create_sheet(title)
    ws.sheet_state = "hidden"
    ws.append(list(columns))
    for row in table[list(columns)].itertuples(index=False):
        ws.append([None if v is None or (isinstance(v, float) and np.isnan(v)) else v for v in row])
    ws.protection.sheet = True


# ---------------------------------------------------------------- reading
def read_workbook(path: Path | str, rulebook: Rulebook) -> Any:
    """The Dataset a filled workbook holds; every problem at once, located at sheet, row and column.

    Only input cells are read (never the cached results of formulas). The data layer's checks
    then apply, with their positions moved onto this workbook's columns.
    """
    return read_workbooks([path], rulebook)


def read_workbooks(paths: list[Path | str], rulebook: Rulebook) -> Any:
    """One Dataset from several filled workbooks (e.g. one per unit, as `write_unit_workbooks` makes)."""
    from cchc_rules.data.load import dataset_from_frames
    from cchc_rules.data.model import DatasetMeta

    if not paths:
        raise ValueError("no workbook to read")
    problems = Problems()
    layout = Layout(tuple(rulebook.stages))
    digest = rulebook_hash(rulebook)
    parts = [_read_one(Path(p), rulebook, digest, layout, problems) for p in paths]
    if any(part is None for part in parts):
        raise CchcError(problems.items)
    units = pd.concat([p[0] for p in parts], ignore_index=True)
    assessments = pd.concat([p[1] for p in parts], ignore_index=True)
    surveys = [p[2] for p in parts if p[2] is not None]
    survey = pd.concat(surveys, ignore_index=True) if surveys else None
    info = parts[0][3]
    meta = DatasetMeta(
        year=int(info["year"]) if info.get("year") else None,
        source=info.get("source") or None,
        description=info.get("description") or None,
    )
    dataset = dataset_from_frames(units.drop(columns=["sheet"]), assessments, survey, meta, source=str(paths[0]))
    dataset.path = Path(paths[0])
    _check(dataset, rulebook, layout, problems)
    return dataset


def _read_one(
    path: Path, rulebook: Rulebook, digest: str, layout: Layout, problems: Problems
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None, dict[str, Any]] | None:
    """The units, assessments and survey tables of one workbook; None when it is refused (W710–W712)."""
    from cchc_rules.data.read import cell_text, unpacked_size, within_size

    file = str(path)
    try:
        if not within_size(path, path.stat().st_size, problems) or not within_size(path, unpacked_size(path),
                                                                                      problems):
            return None
        wb = load_workbook(path)  # formulas stay formulas: cached results are never used
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        problems.add(NOT_A_WORKBOOK, Pos(file), reason=f"{type(exc).__name__}: {exc}")
        return None
    refused = len(problems.errors)
    info = _read_info(wb, file, rulebook, digest, problems)
    if len(problems.errors) > refused:
        return None
    units = _read_table(wb[UNITS], file)
    lost = [c for c in ("sheet", *UNIT_COLUMNS) if c not in units.columns]
    if lost:  # the hidden units sheet was edited: its header is gone
        problems.add(NOT_A_WORKBOOK, Pos(file, 1, sheet=UNITS), reason=f"{UNITS}: {', '.join(lost)}")
        return None
    leaf_ids = {leaf.id for leaf in rulebook.leaves()}
    parent_ids = set(rulebook.nodes()) - leaf_ids
    known = leaf_ids | parent_ids | {adj.id for adj in rulebook.adjustments}
    inputs = layout.inputs()
    records = []
    for sheet, unit_id in zip(units["sheet"], units["unit_id"]):
        if sheet not in wb.sheetnames:
            problems.add(MISSING_SHEET, Pos(file, sheet=sheet), sheet=sheet, unit=unit_id)
            continue
        ws = wb[sheet]
        # only rows that hold an id: a stray cell at row 1,048,576 must not make a million-row walk
        for r in sorted({r for (r, c) in ws._cells if c == layout.id and r >= FIRST_ROW}):
            ident = ws.cell(row=r, column=layout.id).value
            if ident is None or str(ident) in parent_ids:
                continue
            ident = str(ident)
            if ident not in known:
                problems.add(UNKNOWN_ROW, Pos(file, r, layout.id, sheet), id=ident)
                continue
            record = {"unit_id": unit_id, "criterion_id": ident}
            for name, col in inputs.items():
                value = ws.cell(row=r, column=col).value
                pos = Pos(file, r, col, sheet)
                if ws.cell(row=r, column=col).data_type == "f":  # text beginning with '=' stays text
                    problems.add(FORMULA_INPUT, pos, column=name, formula=value)
                    value = None
                elif isinstance(value, (dt.date, dt.datetime)):
                    problems.add(DATE_INPUT, pos, column=name, value=value.strftime("%d/%m/%Y"))
                    value = None
                record[name] = cell_text(value).strip() or None
            if any(record[s] is not None for s in inputs):
                record.update(_file=file, _row=r, _sheet=sheet)
                records.append(record)
    columns = ["unit_id", "criterion_id", *inputs, "_file", "_row", "_sheet"]
    assessments = pd.DataFrame(records, columns=columns).astype({"_row": "int64"})
    survey = _read_table(wb[SURVEY], file) if SURVEY in wb.sheetnames else None
    needed = SURVEY_COLUMNS[:5]  # respondent_unit may be absent
    if survey is not None and any(c not in survey.columns for c in needed):
        problems.add(NOT_A_WORKBOOK, Pos(file, 1, sheet=SURVEY), reason=f"{SURVEY}: {', '.join(needed)}")
        return None
    return units, assessments, survey, info


def _read_info(wb: Any, file: str, rulebook: Rulebook, digest: str, problems: Problems) -> dict[str, Any]:
    if INFO not in wb.sheetnames or UNITS not in wb.sheetnames:
        problems.add(NOT_A_WORKBOOK, Pos(file), reason=f"{INFO}/{UNITS}")
        return {}
    info = {str(k): v for k, v, *_ in wb[INFO].iter_rows(values_only=True) if k is not None}
    if info.get("format") != FORMAT:
        problems.add(NOT_A_WORKBOOK, Pos(file, sheet=INFO), reason=f"format {info.get('format')!r}")
    elif info.get("rulebook_id") != rulebook.id:
        problems.add(OTHER_RULEBOOK, Pos(file, sheet=INFO), made_for=info.get("rulebook_id"), given=rulebook.id)
    elif info.get("rulebook_sha256") != digest:
        problems.add(
            CHANGED_RULEBOOK,
            Pos(file, sheet=INFO),
            rulebook=rulebook.id,
            made_for=str(info.get("rulebook_sha256"))[:12],
            given=digest[:12],
        )
    return info


UNIT_COLUMNS = ("unit_id", "name", "group")


def _read_table(ws: Worksheet, file: str) -> pd.DataFrame:
    """A hidden table sheet as text, with where each row was read."""
    from cchc_rules.data.read import read_sheet, shape

    table = read_sheet(ws, file)
    needed = ("sheet", *UNIT_COLUMNS) if ws.title == UNITS else SURVEY_COLUMNS[:5]
    if any(c not in table.columns for c in needed):
        return table  # an edited header: `_read_one` refuses the workbook (W710)
    return shape("units", table) if ws.title == UNITS else shape("survey", table)


def _check(dataset: Any, rulebook: Rulebook, layout: Layout, problems: Problems) -> None:
    """Run the data layer's checks now, with their positions moved onto this workbook's columns.

    Raises one error with the workbook's own problems (`problems`) and the data problems together.
    """
    from cchc_rules.data.parse import inputs_for

    found = list(problems)
    try:
        inputs_for(dataset, rulebook)
    except CchcError as exc:
        cols = layout.inputs()
        for p in exc.problems:
            pos = p.pos
            if pos is not None and pos.sheet not in (None, UNITS, SURVEY) and p.column in cols:
                pos = Pos(pos.file, pos.line, cols[p.column], pos.sheet)
            found.append(Problem(p.code, p.params, pos, p.path, p.severity, p.column))
    if any(p.severity == "error" for p in found):
        raise CchcError(found)
