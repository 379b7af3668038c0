"""The self-assessment workbook: written, filled, read back and scored; its formulas agree with the engine."""

from __future__ import annotations

import datetime as dt

import formulas
import numpy as np
import openpyxl
import pandas as pd
import pytest

from cchc_rules.cli import main
from cchc_rules.data.load import load_dataset
from cchc_rules.data.parse import inputs_for
from cchc_rules.data.workbook_layout import FIRST_ROW, INFO, Layout
from cchc_rules.data.workbook_read import read_workbook, read_workbooks
from cchc_rules.documents.workbook import file_name, write_unit_workbooks, write_workbook
from cchc_rules.documents.workbook_sheet import AT_EXPORT
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.engine.score import score
from cchc_rules.problems import CchcError

from .conftest import FIXTURES

UNITS = pd.DataFrame(
    {"unit_id": ["D1", "H1"], "name": ["Sở Tư pháp", "UBND huyện A"], "group": ["department", "district"]}
)


def rows_by_id(ws) -> dict[str, int]:
    return {
        str(ws.cell(row=r, column=1).value): r
        for r in range(FIRST_ROW, ws.max_row + 1)
        if ws.cell(row=r, column=1).value
    }


def fill(path, values: dict[str, dict[str, dict[str, object]]]):
    """Type values as a unit would: {sheet: {row id: {stage: value}}}."""
    wb = openpyxl.load_workbook(path)
    lay = Layout(("self", "appraisal"))
    for sheet, by_id in values.items():
        ws = wb[sheet]
        rows = rows_by_id(ws)
        for ident, by_stage in by_id.items():
            for stage, value in by_stage.items():
                ws.cell(row=rows[ident], column=lay.inputs()[stage]).value = value
    wb.save(path)


def computed(path) -> dict[tuple[str, str], object]:
    """Every formula of the workbook computed by an independent evaluator (the `formulas` package)."""
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    out = {}
    for key, value in solution.items():
        if "]" not in key or ":" in key.split("!")[-1]:
            continue
        sheet, cell = key.split("]", 1)[1].rsplit("!", 1)
        v = value.value[0, 0] if hasattr(value, "value") else value
        out[(sheet.strip("'").upper(), cell.upper())] = v
    return out


def number(v):
    """A computed cell as a float, or None when it shows "NA" or nothing."""
    if isinstance(v, str) or v is None or type(v).__name__ == "XlError" or str(v) == "empty":
        return None
    return float(v)


# ------------------------------------------------------------------ a units list, filled by hand
D1_VALUES = {
    "1.1": {"self": "có"},
    "1.2": {"self": 85},
    "1.3": {"self": 75},
    "2.1": {"self": "9/10"},
    "2.2": {"self": "đầy đủ"},
    "2.3": {"appraisal": 2},
    "3.1": {"self": 1.5},
    "3.2": {"self": 2},
    "4.1": {"self": "không"},
    "4.2": {"self": 30},
    "bonus": {"self": 1},
    "late": {"appraisal": 3},
}
H1_VALUES = {"1.1": {"self": "có"}, "1.2": {"self": "NA"}, "3.1": {"self": 2}, "5.2": {"self": 10}}


@pytest.fixture
def filled(rulebook, tmp_path):
    path = write_workbook(rulebook, tmp_path / "units.xlsx", units=UNITS, lang="vi")
    fill(path, {"D1": D1_VALUES, "H1": H1_VALUES})
    return path


def test_filled_workbook_scores_the_hand_worked_index(rulebook, filled):
    result = score(rulebook, load_dataset(filled, rulebook))
    idx = dict(zip(result.units["unit_id"], result.units["index"]))
    # D1: field 1 = 2 (có) + 1 (85 in 80–<100) + 0.5 ((75−50)/50) = 3.5
    #     field 2 = 3 × 9/10 = 2.7, + 2 (đầy đủ) + (1 − 0.25 × 2 = 0.5) = 5.2
    #     field 3 = min(3, 1.5 + 2) = 3;  field 4 = best 1 of (0, 0.5 for 30 in 20–<50) = 0.5;  field 5 = 0
    #     12.2 / (5 + 6.5 + 3 + 1 + 6 = 21.5) × 100 = 56.744186…; bonus +min(2, 1) = 1; late −min(1, 3 × 0.5) = −1
    assert idx["D1"] == pytest.approx(12.2 / 21.5 * 100, abs=1e-9)
    # H1 (district: field 2 does not apply): field 1 = 2 of 3 (1.2 is NA: out of the maximum; 1.3 empty: 0 of 1)
    #     field 3 = 2 of 3; field 4 = 0 of 1; field 5 = 0 of 4 + 2 of 2 (the only district: relative gives the max)
    #     (2 + 2 + 0 + 2) / (3 + 3 + 1 + 6) × 100 = 6 / 13 × 100 = 46.153846…
    assert idx["H1"] == pytest.approx(6 / 13 * 100, abs=1e-9)


def test_score_command_reads_the_filled_workbook_without_conversion(filled, capsys):
    assert main(["score", str(FIXTURES / "small.yaml"), str(filled), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "56.74" in out and "46.15" in out


def test_formulas_of_a_filled_workbook_agree_with_the_engine(rulebook, filled):
    result = score(rulebook, load_dataset(filled, rulebook))
    cells = computed(filled)
    lay = Layout(("self", "appraisal"))
    pts_col = openpyxl.utils.get_column_letter(lay.points)
    wb = openpyxl.load_workbook(filled)
    for unit in ("D1", "H1"):
        u = result.row_of(unit)
        for ident, r in rows_by_id(wb[unit]).items():
            if (
                ident not in result.node_ids
                or rulebook.node(ident).is_leaf
                and rulebook.node(ident).rule.kind in ("survey", "relative")
            ):
                continue
            if ident in ("5",):  # holds the relative leaf, shown as not computed in a units-list workbook
                continue
            want = result.node_points[u, result.node_ids.index(ident)]
            got = number(cells[(unit, f"{pts_col}{r}")])
            assert (got is None) == bool(np.isnan(want)), (unit, ident)
            if got is not None:
                assert got == pytest.approx(want, abs=1e-9), (unit, ident)
    # D1 has no survey or relative value: its running index is the engine's index.
    assert number(cells[("D1", "D4")]) == pytest.approx(result.index[result.row_of("D1")], abs=1e-9)


# ------------------------------------------------------------------ a workbook made from a dataset
def test_workbook_from_a_dataset_scores_exactly_as_the_dataset(rulebook, dataset, tmp_path):
    path = write_workbook(rulebook, tmp_path / "ds.xlsx", dataset=dataset, lang="en")
    back = load_dataset(path, rulebook)
    a, b = inputs_for(dataset, rulebook), inputs_for(back, rulebook)
    np.testing.assert_array_equal(a.status, b.status)
    np.testing.assert_array_equal(a.value, b.value)
    np.testing.assert_array_equal(a.adjustment, b.adjustment)
    one, two = score(rulebook, dataset).units, score(rulebook, back).units
    for col in ("unit_id", "index", "published", "band", "rank", "points", "max"):
        assert one[col].astype(object).tolist() == two[col].astype(object).tolist(), col
    assert back.units.set_index("unit_id").loc["D2", "flags"] == ("discipline",)
    d1 = back.assessments[(back.assessments["unit_id"] == "D1") & (back.assessments["criterion_id"] == "1.1")]
    assert d1["evidence"].iat[0] == "Kế hoạch số 12/KH" and d1["note_self"].iat[0] == "đủ"
    assert back.meta.year == 2024


def test_formulas_of_a_dataset_workbook_agree_with_the_engine_for_every_unit(rulebook, dataset, tmp_path):
    path = write_workbook(rulebook, tmp_path / "ds.xlsx", dataset=dataset, lang="vi")
    result = score(rulebook, dataset)
    cells = computed(path)
    pts_col = openpyxl.utils.get_column_letter(Layout(("self", "appraisal")).points)
    wb = openpyxl.load_workbook(path)
    for unit in ("D1", "D2", "H1"):
        u = result.row_of(unit)
        for ident, r in rows_by_id(wb[unit]).items():
            if ident not in result.node_ids:
                continue
            want = result.node_points[u, result.node_ids.index(ident)]
            v = cells.get(
                (unit, f"{pts_col}{r}"), wb[unit].cell(row=r, column=Layout(("self", "appraisal")).points).value
            )
            got = number(v)
            assert (got is None) == bool(np.isnan(want)), (unit, ident, v)
            if got is not None:
                assert got == pytest.approx(want, abs=1e-9), (unit, ident)
        assert number(cells[(unit, "D4")]) == pytest.approx(result.index[u], abs=1e-9), unit
        # no quota bites here, so the running band is the engine's band
        assert cells[(unit, "D7")] == result.band_label(str(result.units["band"].iat[u]), "vi"), unit


def test_survey_and_relative_points_are_marked_as_computed_at_export(rulebook, dataset, tmp_path):
    path = write_workbook(rulebook, tmp_path / "ds.xlsx", dataset=dataset)
    ws = openpyxl.load_workbook(path)["D1"]
    rows = rows_by_id(ws)
    lay = Layout(("self", "appraisal"))
    # D1's survey: A (1), B (0.6), C (0.2) counted, X skipped: mean 0.6 → 4 × 0.6 = 2.4 points.
    r, v = rows["5.1"], openpyxl.utils.get_column_letter(lay.value)
    assert ws.cell(row=r, column=lay.points).value == f'=IF({v}{r}="NA","NA",2.4)'  # follows only a change to NA
    # relative 5.2 among departments: D1 12 (best), D2 8 (worst) → D1 gets the max, 2.
    assert ws.cell(row=rows["5.2"], column=lay.points).value.endswith(',"NA",2)')
    assert ws.cell(row=rows["5.2"], column=lay.remark).value.endswith(AT_EXPORT)
    # band and rank with quotas and the other units: 17.1 / 21.5 → 79.53, Khá (50–<80), first of two departments
    assert ws["E7"].value == f"Khi lập sổ: chỉ số 79,53, xếp loại Khá, hạng 1 {AT_EXPORT}"  # Vietnamese decimal comma


# ------------------------------------------------------------------ the sheet itself
def test_sheets_protection_and_validation(rulebook, tmp_path):
    path = write_workbook(rulebook, tmp_path / "u.xlsx", units=UNITS, lang="vi")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:3] == ["Tổng hợp", "D1", "H1"]
    assert wb["Tổng hợp"]["D5"].value == "='D1'!D4" and wb["Tổng hợp"]["A6"].hyperlink.location == "'H1'!A1"
    assert wb.security.lockStructure
    assert all(wb[s].sheet_state == "hidden" for s in ("_cchc", "_lists"))
    assert "_units" not in wb.sheetnames and "_survey" not in wb.sheetnames  # the province keeps them
    ws = wb["D1"]
    rows = rows_by_id(ws)
    lay = Layout(("self", "appraisal"))
    assert "2.1" in rows and "2.1" not in rows_by_id(wb["H1"])  # field 2 applies to departments only
    assert ws.protection.sheet
    stage = ws.cell(row=rows["1.2"], column=lay.stage(0))
    points = ws.cell(row=rows["1.2"], column=lay.points)
    assert not stage.protection.locked and points.protection.locked
    assert str(points.value).startswith("=")
    assert ws.cell(row=rows["2.1"], column=lay.stage(1)).number_format == "@"  # 9/10 stays text, not a date
    lists = {tuple(c.value for c in col if c.value is not None) for col in wb["_lists"].iter_cols()}
    assert ("có", "không", "NA") in lists and ("tốt", "đầy đủ", "một phần", "không", "NA") in lists
    checks = {dv.formula1 for dv in ws.data_validations.dataValidation}
    r = rows["3.1"]
    assert f'OR(E{r}="NA",AND(ISNUMBER(E{r}),E{r}>=0,E{r}<=2))' in checks  # points: 0 to max 2 (E: self)


# ------------------------------------------------------------------ refusals and located problems
def test_a_workbook_for_another_rulebook_is_refused(rulebook, tmp_path):
    path = write_workbook(rulebook, tmp_path / "u.xlsx", units=UNITS)
    wb = openpyxl.load_workbook(path)
    wb[INFO]["B3"] = "par-departments-2024"
    wb.save(path)
    with pytest.raises(CchcError) as err:
        read_workbook(path, rulebook)
    (problem,) = err.value.problems
    assert problem.code == "W711"
    assert "par-departments-2024" in problem.what("en") and "docs-small" in problem.what("en")


def test_a_workbook_for_a_changed_rulebook_is_refused(rulebook, tmp_path):
    path = write_workbook(rulebook, tmp_path / "u.xlsx", units=UNITS)
    changed = rulebook.model_copy(deep=True)
    changed.bands[0].min = 91
    with pytest.raises(CchcError) as err:
        read_workbook(path, changed)
    assert [p.code for p in err.value.problems] == ["W712"]
    draft = load_rulebook(FIXTURES / "draft.yaml")
    with pytest.raises(CchcError) as err:
        read_workbook(path, draft)
    assert [p.code for p in err.value.problems] == ["W711"]


def test_bad_values_are_located_at_sheet_row_and_column(rulebook, tmp_path):
    path = write_workbook(rulebook, tmp_path / "u.xlsx", units=UNITS)
    fill(
        path,
        {"D1": {"2.2": {"appraisal": "rất tốt"}, "1.2": {"self": "=1+1"}, "2.1": {"self": dt.datetime(2024, 10, 9)}}},
    )
    rows = rows_by_id(openpyxl.load_workbook(path)["D1"])
    with pytest.raises(CchcError) as err:
        read_workbook(path, rulebook)
    found = {(p.code, p.pos.sheet, p.pos.line, p.pos.col) for p in err.value.problems}
    assert ("W714", "D1", rows["1.2"], 5) in found  # a formula typed in the self column (E)
    assert ("W715", "D1", rows["2.1"], 5) in found  # 9/10 turned into a date by Excel
    assert any(code.startswith("D3") and line == rows["2.2"] for code, _, line, _ in found)  # all at once
    fill(path, {"D1": {"1.2": {"self": None}, "2.1": {"self": "9/10"}}})
    with pytest.raises(CchcError) as err:
        read_workbook(path, rulebook)
    (problem,) = err.value.errors
    assert (problem.pos.sheet, problem.pos.line, problem.pos.col, problem.column) == ("D1", rows["2.2"], 6, "appraisal")
    assert problem.code.startswith("D3")


def test_workbook_command_from_units_list_and_dataset(tmp_path, capsys):
    units = tmp_path / "units.csv"
    units.write_text("unit_id,name,group,flags\nD1,Sở Tư pháp,department,\nH1,UBND huyện A,district,\n", "utf-8")
    out = tmp_path / "wb.xlsx"
    assert main(["workbook", str(FIXTURES / "small.yaml"), str(units), "--out", str(out)]) == 0
    assert openpyxl.load_workbook(out).sheetnames[:3] == ["Tổng hợp", "D1", "H1"]
    units.write_text("unit_id,name,group\nD1,Sở Tư pháp,dept\n", "utf-8")
    assert main(["workbook", str(FIXTURES / "small.yaml"), str(units), "--out", str(tmp_path / "no.xlsx")]) == 1
    assert not (tmp_path / "no.xlsx").exists()
    assert "D313" in capsys.readouterr().err


# ------------------------------------------------------------------ one workbook per unit
def test_one_workbook_per_unit_taken_back_scores_as_the_dataset(rulebook, dataset, tmp_path):
    paths = write_unit_workbooks(rulebook, tmp_path / "out", dataset=dataset)
    assert [p.name for p in paths] == ["D1.xlsx", "D2.xlsx", "H1.xlsx"]
    assert openpyxl.load_workbook(paths[0]).sheetnames[:2] == ["Tổng hợp", "D1"]
    back = read_workbooks(paths, rulebook)
    one, two = score(rulebook, dataset).units, score(rulebook, back).units
    assert one["index"].tolist() == two["index"].tolist()  # relative 5.2 again sees both departments
    assert one["rank"].tolist() == two["rank"].tolist()
    # The folder of filled workbooks is itself a dataset: `cchc score RULEBOOK FOLDER` takes it back.
    folder = score(rulebook, load_dataset(tmp_path / "out", rulebook)).units
    assert folder["index"].tolist() == one["index"].tolist()


def test_a_refused_workbook_among_several_is_named(rulebook, dataset, tmp_path):
    paths = write_unit_workbooks(rulebook, tmp_path / "out", dataset=dataset)
    wb = openpyxl.load_workbook(paths[1])
    wb[INFO]["B3"] = "other-rulebook"
    wb.save(paths[1])
    with pytest.raises(CchcError) as err:
        read_workbooks(paths, rulebook)
    assert [(p.code, p.pos.file) for p in err.value.problems] == [("W711", str(paths[1]))]


def test_file_names_of_unit_ids():
    taken: set[str] = set()
    assert [file_name(u, taken) for u in ("so-tp", "a/b", "A/B", "x y")] == ["so-tp", "a_b", "A_B~2", "x_y"]


def test_command_per_unit(tmp_path):
    units = tmp_path / "units.csv"
    units.write_text("unit_id,name,group\nD1,Sở Tư pháp,department\nH1,UBND huyện A,district\n", "utf-8")
    out = tmp_path / "books"
    assert main(["workbook", str(FIXTURES / "small.yaml"), str(units), "--out", str(out), "--per-unit"]) == 0
    assert sorted(p.name for p in out.iterdir() if p.name != ".cchc-output.json") == ["D1.xlsx", "H1.xlsx"]


def test_running_band_applies_the_gates_a_sheet_can_check(rulebook, tmp_path):
    units = pd.DataFrame(
        {"unit_id": ["D8", "D9"], "name": ["A", "B"], "group": ["department"] * 2, "flags": ["", "discipline"]}
    )
    path = write_workbook(rulebook, tmp_path / "g.xlsx", units=units)
    best = {
        "1.1": "có",
        "1.2": 100,
        "1.3": 100,
        "2.1": "1/1",
        "2.2": "tốt",
        "2.3": 0,
        "3.1": 2,
        "3.2": 2,
        "4.1": "có",
        "5.1": "NA",
        "5.2": "NA",
    }
    fill(path, {u: {k: {"self": v} for k, v in best.items()} for u in ("D8", "D9")})
    cells = computed(path)
    # Both: (5 + 6.5 + 3 + 1) / 15.5 (field 5 all NA: out) = 100.
    assert number(cells[("D8", "D4")]) == pytest.approx(100) and number(cells[("D9", "D4")]) == pytest.approx(100)
    # D9 is disciplined: the gate of Xuất sắc fails, it falls to Tốt (≥ 80).
    assert (cells[("D8", "D7")], cells[("D9", "D7")]) == ("Xuất sắc", "Tốt")
    result = score(rulebook, load_dataset(path, rulebook))
    # Engine: D8 keeps Excellent: the quota allows floor(0.5 × 2 units in [excellent, good]) = 1.
    assert result.units["band"].astype(str).tolist() == ["excellent", "good"]


def test_unit_attributes_with_any_column_name_travel_with_the_workbook(rulebook, tmp_path):
    units = UNITS.assign(**{"huyện cũ": ["Văn Lãng", None], "sheet": ["tờ 1", "tờ 2"]})
    path = write_workbook(rulebook, tmp_path / "a.xlsx", units=units)
    fill(path, {"D1": {"1.1": {"self": "có"}}})
    back = read_workbook(path, rulebook)
    assert back.units["huyện cũ"].tolist()[0] == "Văn Lãng"
    assert back.units["sheet"].tolist() == ["tờ 1", "tờ 2"]  # an attribute named like the issued copy's own keys
    assert back.units["flags"].tolist() == [(), ()]
