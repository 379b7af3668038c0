"""One unit's sheet of the self-assessment workbook: its rows, input cells, drop-downs and live formulas."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, NamedStyle, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from cchc_rules.data.model import NA, VALUE, ZERO_TOTAL, Dataset, Inputs
from cchc_rules.data.workbook_layout import FIRST_ROW, HEADER_ROW, LISTS, Layout, cell_ref
from cchc_rules.display import NO_VALUE, excel_format, number
from cchc_rules.documents import rule_text as rt
from cchc_rules.documents.workbook_formulas import band_formula, leaf_formula, literal, parent_formulas
from cchc_rules.documents.workbook_labels import LABELS as _L
from cchc_rules.documents.xlsx import CENTRE, GROUP_FILL, INPUT_FILL, THIN, TOP, WRAP, fit_rows, formula, header_row
from cchc_rules.dsl.models import Node, Rulebook
from cchc_rules.engine.result import Result
from cchc_rules.engine.score import score
from cchc_rules.i18n import level_label, pick, stage_label

AT_EXPORT = "(tính khi xuất / computed at export)"

INPUT_STYLE = "cchc-input"


def input_style() -> NamedStyle:
    """Yellow, unlocked, wrapped: a cell the unit types in (one named style: fast to apply)."""
    return NamedStyle(INPUT_STYLE, fill=INPUT_FILL, protection=Protection(locked=False), alignment=WRAP)


# ---------------------------------------------------------------- writing
@dataclass
class Prefill:
    """What a dataset says for each unit: the values to show and the points computed at export."""

    result: Result
    surveyed: set[tuple[str, str]]
    raw: dict[tuple[str, str], dict[str, Any]]

    @property
    def inputs(self) -> Inputs:
        """The parsed values the result was scored from."""
        return self.result.inputs

    @classmethod
    def of(cls, rulebook: Rulebook, dataset: Dataset) -> Prefill:
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


class Lists:
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


class UnitSheet:
    def __init__(
        self,
        ws: Worksheet,
        rulebook: Rulebook,
        unit: dict,
        layout: Layout,
        prefill: Prefill | None,
        lists: Lists,
        lang: str,
    ):
        self.ws, self.rb, self.unit, self.lay = ws, rulebook, unit, layout
        self.pre, self.lists, self.lang, self.lab = prefill, lists, lang, _L[lang]
        self.lists_dv: dict[tuple[str, ...], DataValidation] = {}
        self.inputs: dict[str, list[str]] = {}  # input cell → [criterion id, input column]
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
        columns = {
            lay.id: ("id", 4),
            lay.code: (lab["code"], 8),
            lay.name: (lab["name"], 56),
            lay.max: (lab["max"], 10),
            **{lay.stage(i): (label, 14) for i, label in enumerate(stage_labels)},
            lay.points: (lab["points"], 10),
            lay.evidence: (lab["evidence"], 30),
            **{lay.note(i): (lab["note"].format(stage=stage_label(s, self.lang)), 24) for i, s in enumerate(rb.stages)},
            lay.how: (lab["how"], 42),
            lay.remark: (lab["remark"], 22),
            lay.required: (lab["required"], 44),
            lay.value: (lab["value"], 12),
            lay.appl: (lab["appl"], 12),
        }
        labels, widths = zip(*(columns[c] for c in sorted(columns)))
        header_row(ws, HEADER_ROW, labels, widths)
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
        formula(ws["D4"], f'=IF(D6=0,"",MAX(0,MIN({literal(rb.scale)},D5/D6*{literal(rb.scale)}{adj})))')
        for ref in ("D4", "D5", "D6"):
            ws[ref].number_format = excel_format(rb.display.decimals)
            ws[ref].font = Font(bold=True, size=13 if ref == "D4" else 11)
        formula(ws["D7"], band_formula(rb, self.unit, "D4", row_of, lay, self.lang))
        ws["D7"].font = Font(bold=True)
        if self.pre is not None:
            ws["E7"] = self._graded_at_export()
        for col in (lay.id, lay.value, lay.appl):
            ws.column_dimensions[get_column_letter(col)].hidden = True
        self._for_print()
        ws.freeze_panes = ws.cell(row=FIRST_ROW, column=lay.first_stage)
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False

    def _for_print(self) -> None:
        """A grid on the printed columns, each row as tall as its wrapped texts there."""
        ws, lay = self.ws, self.lay
        taller = fit_rows(ws, FIRST_ROW, [lay.name, lay.evidence, *(lay.note(i) for i in range(len(lay.stages)))])
        for r in range(FIRST_ROW, ws.max_row + 1):
            for col in range(lay.code, lay.last_printed + 1):
                cell = ws.cell(row=r, column=col)
                cell.border = THIN
                if r in taller and not cell.alignment.wrap_text:
                    cell.alignment = TOP

    def _head(self) -> None:
        ws, lab, rb, unit = self.ws, self.lab, self.rb, self.unit
        ws["B1"] = pick(rb.title, self.lang)  # column A holds the hidden ids
        ws["B1"].font = Font(bold=True, size=14)
        if rb.illustrative:
            ws["B2"] = lab["sample"]
            ws["B2"].font = Font(bold=True, color="C00000")
        group = pick(rb.groups.get(str(unit["group"])), self.lang) or str(unit["group"])
        ws["B3"] = lab["unit"].format(name=unit.get("name") or unit["unit_id"], id=unit["unit_id"], group=group)
        ws["B3"].font = Font(bold=True)
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
            index=NO_VALUE if pd.isna(row["index"]) else number(float(row["index"]), self.lang,
                                                                 self.rb.display.decimals),
            band=NO_VALUE if pd.isna(row["band"]) else res.band_label(str(row["band"]), self.lang),
            rank=rank,
        )
        return f"{text} {AT_EXPORT}"

    # -- rows
    def _common(self, r: int, ident: str, code: str, name: str, mx: float | None, how: str, depth: int) -> None:
        ws, lay = self.ws, self.lay
        values = {lay.id: ident, lay.code: code, lay.name: "    " * depth + name, lay.max: mx, lay.how: how}
        for col, value in values.items():
            cell = ws.cell(row=r, column=col, value=value)
            cell.alignment = WRAP
        ws.cell(row=r, column=lay.max).alignment = CENTRE  # "General": 2 and 1.5, never "2."
        ws.cell(row=r, column=lay.points).number_format = "0.00#"

    def _node_row(self, node: Node, depth: int, row_of: dict[str, int]) -> None:
        ws, lay, r = self.ws, self.lay, row_of[node.id]
        how = rt.rule_text(node, self.lang) if node.is_leaf else rt.parent_text(node, self.lang)
        self._common(r, node.id, node.label, pick(node.name, self.lang), node.max, how, depth)
        p, a = ws.cell(row=r, column=lay.points), ws.cell(row=r, column=lay.appl)
        if not node.is_leaf:
            kids = [c for c in node.children if c.id in row_of]
            kids_p = [cell_ref(lay.points, row_of[c.id]) for c in kids]
            kids_a = [cell_ref(lay.appl, row_of[c.id]) for c in kids]
            helper = None
            if not isinstance(node.aggregate, str):
                start = lay.extra
                for j, (kp, ka) in enumerate(zip(kids_p, kids_a)):
                    formula(ws.cell(row=r, column=start + j), f"={kp}")
                    formula(ws.cell(row=r, column=start + len(kids) + j), f"={ka}")
                end = start + len(kids)
                last = end + len(kids) - 1
                helper = (f"{cell_ref(start, r)}:{cell_ref(end - 1, r)}", f"{cell_ref(end, r)}:{cell_ref(last, r)}")
                for col in range(start, end + len(kids)):
                    ws.column_dimensions[get_column_letter(col)].hidden = True
            raw_p, raw_a = parent_formulas(node, kids_p, kids_a, helper)
            ar = cell_ref(lay.appl, r)
            formula(a, f"={raw_a}")
            formula(p, f'=IF({ar}=0,"NA",ROUND(MIN({ar},MAX(MIN({literal(node.floor)},{ar}),{raw_p})),9))')
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
            formula(p, leaf_formula(node, self.rb, cell_ref(lay.value, r), cell_ref(lay.max, r)))
            formula(a, f'=IF({cell_ref(lay.points, r)}="NA",0,{cell_ref(lay.max, r)})')
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
            ref = cell_ref(self.lay.stage(i), r)
            expr = f'IF({ref}<>"",{ref},{expr})'
        return expr

    def _at_export(self, leaf: Node, r: int) -> None:
        """Survey and relative leaves: the points the engine gave when the workbook was made ("" without data).

        Only a value turned into NA is followed by the sheet; anything else waits for scoring.
        """
        ws, lay = self.ws, self.lay
        v, m, pr = cell_ref(lay.value, r), cell_ref(lay.max, r), cell_ref(lay.points, r)
        points, mx = '""', m
        if self.pre is not None:
            res = self.pre.result
            j = res.node_ids.index(leaf.id)
            pts = res.node_points[self.row, j]
            points, mx = ('"NA"' if np.isnan(pts) else literal(pts)), literal(res.node_max[self.row, j])
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
            self.inputs[cell.coordinate] = [leaf.id, name]
            if name in values:
                dv.add(cell.coordinate)
                if leaf.rule.kind == "ratio":
                    cell.number_format = "@"

    def _validation(self, leaf: Node, r: int) -> DataValidation:
        """Drop-downs for yes/no and levels (shared); number limits per row (relative to its first stage cell)."""
        kind, spec = leaf.rule.kind, leaf.rule.spec
        if kind in ("binary", "levels"):
            yes_no = (rt.words(self.lang)["yes"], rt.words(self.lang)["no"])
            items = yes_no if kind == "binary" else tuple(level_label(name, self.lang) for name in spec)
            items += ("NA",)
            if items not in self.lists_dv:
                self.lists_dv[items] = self._dv("list", self.lists.ref(items), self.lab["na_help"])
            return self.lists_dv[items]
        v = cell_ref(self.lay.first_stage, r)
        test = {
            "points": f"AND(ISNUMBER({v}),{v}>=0,{v}<={literal(leaf.entry_max)})",
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
            return level_label(list(leaf.rule.levels)[int(value)], self.lang)
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
            first = cell_ref(lay.first_stage, row)
            dv = self._dv("custom", f'OR({first}="NA",AND(ISNUMBER({first}),{first}>=0))', self.lab["num_help"])
            for i in range(len(lay.stages)):
                ws.cell(row=row, column=lay.stage(i), value=values[i])
                dv.add(cell_ref(lay.stage(i), row))
            for name, col in lay.inputs().items():
                cell = ws.cell(row=row, column=col)
                cell.style = INPUT_STYLE
                self.inputs[cell.coordinate] = [adj.id, name]
            v = cell_ref(lay.value, row)
            formula(ws.cell(row=row, column=lay.value), "=" + self._last_value(row))
            amount = v if adj.rule.deduct_each is None else f"{v}*{literal(adj.rule.deduct_each)}"
            if adj.cap is not None:
                amount = f"MIN({literal(adj.cap)},{amount})"
            sign = "" if adj.sign > 0 else "-"
            formula(ws.cell(row=row, column=lay.points), f'=IF(OR({v}="",{v}="NA"),0,{sign}{amount})')
        return rows

    def _adjustment_prefill(self, k: int) -> list[Any]:
        n = len(self.lay.stages)
        if self.pre is None:
            return [None] * n
        vals = self.pre.inputs.adjustment[self.row, k]
        return [None if np.isnan(x) else (int(x) if float(x).is_integer() else float(x)) for x in vals]
