"""A returned workbook the unit cannot tamper with: each tampering is refused at its sheet and Excel cell.

The unit controls its input cells only. Group, flags, ranking exclusion, survey answers, the
unit-to-sheet mapping and the layout come from the issued copy the province kept
(`*.issued.json`); any other change to the file is refused.
"""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest

from cchc_rules.cli import main
from cchc_rules.data.issued import manifest_path
from cchc_rules.data.load import load_dataset
from cchc_rules.data.parse import inputs_for
from cchc_rules.data.workbook_layout import FIRST_ROW, HEADER_ROW, INFO, Layout
from cchc_rules.data.workbook_read import read_workbook, read_workbooks
from cchc_rules.documents.workbook import write_unit_workbooks, write_workbook
from cchc_rules.engine.score import score
from cchc_rules.problems import CchcError, column_letter

from .conftest import FIXTURES

LAY = Layout(("self", "appraisal"))
# Every leaf at its best for a department: (2 + 2 + 1) + (3 + 2.5 + 1) + 3 + 1 = 15.5 of 15.5 → index 100.
BEST = {
    "1.1": "có", "1.2": 100, "1.3": 100, "2.1": "1/1", "2.2": "tốt", "2.3": 0,
    "3.1": 2, "3.2": 2, "4.1": "có", "5.1": "NA", "5.2": "NA",
}


def rows_by_id(ws) -> dict[str, int]:
    return {str(ws.cell(row=r, column=1).value): r for r in range(FIRST_ROW, ws.max_row + 1)
            if ws.cell(row=r, column=1).value}


def fill_best(path, sheets):
    wb = openpyxl.load_workbook(path)
    for sheet in sheets:
        rows = rows_by_id(wb[sheet])
        for ident, value in BEST.items():
            wb[sheet].cell(row=rows[ident], column=LAY.stage(0)).value = value
    wb.save(path)


def refusals(path, rulebook, **kwargs) -> set[tuple[str, str | None, str | None]]:
    """(code, sheet, Excel cell) of every error reading a returned workbook."""
    with pytest.raises(CchcError) as err:
        read_workbook(path, rulebook, **kwargs)
    out = set()
    for p in err.value.errors:
        pos = p.pos
        cell = f"{column_letter(pos.col)}{pos.line}" if pos and pos.line and pos.col else None
        out.add((p.code, pos.sheet if pos else None, cell))
    return out


def tamper(path, change):
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)


@pytest.fixture
def disciplined(rulebook, tmp_path):
    """Two departments at index 100; D9 is disciplined (flag in the province's list only)."""
    units = pd.DataFrame({"unit_id": ["D8", "D9"], "name": ["A", "B"], "group": ["department"] * 2,
                          "flags": ["", "discipline"]})
    path = write_workbook(rulebook, tmp_path / "g.xlsx", units=units)
    fill_best(path, ["D8", "D9"])
    return path


def test_the_flag_comes_from_the_issued_copy(rulebook, disciplined):
    # D9 is disciplined: Excellent's gate (discipline is false) fails; it falls to Good (≥ 80).
    result = score(rulebook, load_dataset(disciplined, rulebook))
    assert result.units["band"].astype(str).tolist() == ["excellent", "good"]
    assert "discipline" not in json.dumps([s.title for s in openpyxl.load_workbook(disciplined).worksheets])


def test_a_disciplined_department_cannot_remove_its_flag(rulebook, disciplined):
    # The old way: a hidden `_units` sheet listing the flags; and the running band's formula.
    def drop_flag(wb):
        ws = wb.create_sheet("_units")
        ws.append(["sheet", "unit_id", "name", "group", "flags"])
        ws.append(["D9", "D9", "B", "department", None])
        wb["D9"]["D7"] = '=IF(D4>=90,"Xuất sắc","Tốt")'

    tamper(disciplined, drop_flag)
    found = refusals(disciplined, rulebook)
    assert ("W720", "_units", None) in found
    assert ("W724", "D9", "D7") in found


def test_removing_not_ranked_or_changing_the_group_is_refused(rulebook, tmp_path):
    units = pd.DataFrame({"unit_id": ["D1", "H1"], "name": ["Sở Tư pháp", "UBND huyện A"],
                          "group": ["department", "district"], "flags": ["not_ranked", ""]})
    path = write_workbook(rulebook, tmp_path / "u.xlsx", units=units, lang="en")
    clean = load_dataset(path, rulebook)
    assert clean.units.set_index("unit_id").loc["D1", "flags"] == ("not_ranked",)

    def claim(wb):
        wb[INFO].append(["flags", ""])  # a row added to the hidden information sheet
        wb["H1"]["B3"] = "Unit: UBND huyện A (H1) · Group: Department"

    tamper(path, claim)
    found = refusals(path, rulebook)
    assert ("W724", INFO, "A8") in found and ("W724", INFO, "B8") not in found  # an empty cell is no change
    assert ("W724", "H1", "B3") in found


def test_rewritten_survey_answers_are_refused_and_the_issued_ones_count(rulebook, dataset, tmp_path):
    path = write_workbook(rulebook, tmp_path / "ds.xlsx", dataset=dataset)
    back = score(rulebook, load_dataset(path, rulebook))
    # D1's survey: A (1), B (0.6), C (0.2) counted, X skipped: mean 0.6 → 4 × 0.6 = 2.4 points.
    assert back.node_points[back.row_of("D1"), back.node_ids.index("5.1")] == pytest.approx(2.4)

    def rewrite(wb):
        ws = wb.create_sheet("_survey")
        ws.append(["respondent_id", "form", "unit_id", "criterion_id", "answer"])
        for r in ("R1", "R2", "R3", "R4"):
            ws.append([r, "P01", "D1", "5.1", "A"])

    tamper(path, rewrite)
    assert refusals(path, rulebook) == {("W720", "_survey", None)}


def test_swapped_sheet_mappings_are_refused(rulebook, dataset, tmp_path):
    path = write_workbook(rulebook, tmp_path / "ds.xlsx", dataset=dataset)

    def swap(wb):
        wb["D1"].title, wb["D2"].title = "tmp", "D1"
        wb["tmp"].title = "D2"

    tamper(path, swap)
    found = refusals(path, rulebook)
    assert ("W721", "D2", None) in found  # the second sheet is now called D2
    assert ("W724", "D1", "B3") in found and ("W724", "D2", "B3") in found  # whose sheet it says it is


def test_an_added_unit_is_refused(rulebook, dataset, tmp_path):
    path = write_workbook(rulebook, tmp_path / "ds.xlsx", dataset=dataset)
    tamper(path, lambda wb: wb.copy_worksheet(wb["D2"]).__setattr__("title", "D3"))
    assert refusals(path, rulebook) == {("W720", "D3", None)}


def test_an_inserted_column_is_refused_at_its_header(rulebook, filled_units):
    # Without the header check the self-assessment of 1.2 would be read from the wrong column.
    tamper(filled_units, lambda wb: wb["D1"].insert_cols(LAY.stage(0)))
    found = refusals(filled_units, rulebook)
    assert ("W722", "D1", f"E{HEADER_ROW}") in found
    assert {code for code, sheet, _ in found if sheet == "D1"} == {"W722"}  # no cell-by-cell noise


def test_swapped_stage_columns_are_refused(rulebook, filled_units):
    def swap(wb):
        ws = wb["D1"]
        for r in range(HEADER_ROW, ws.max_row + 1):
            f, g = ws.cell(row=r, column=LAY.stage(0)), ws.cell(row=r, column=LAY.stage(1))
            f.value, g.value = g.value, f.value

    tamper(filled_units, swap)
    found = refusals(filled_units, rulebook)
    assert {("W722", "D1", "E8"), ("W722", "D1", "F8")} <= found


def test_a_deleted_row_is_refused_at_the_first_row_that_moved(rulebook, filled_units):
    rows = rows_by_id(openpyxl.load_workbook(filled_units)["D1"])
    tamper(filled_units, lambda wb: wb["D1"].delete_rows(rows["1.2"]))
    found = refusals(filled_units, rulebook)
    assert ("W723", "D1", f"A{rows['1.2']}") in found


@pytest.mark.parametrize("sheet", ["_lists", "H1"])
def test_a_deleted_sheet_is_refused(rulebook, filled_units, sheet):
    tamper(filled_units, lambda wb: wb.remove(wb[sheet]))
    assert refusals(filled_units, rulebook) == {("W713", sheet, None)}


def test_an_edit_outside_the_input_cells_is_refused_at_its_cell(rulebook, filled_units):
    rows = rows_by_id(openpyxl.load_workbook(filled_units)["D1"])
    r = rows["1.2"]

    def edit(wb):
        wb["D1"].cell(row=r, column=LAY.max).value = 20  # the maximum of 1.2
        wb["D1"].cell(row=r + 1, column=LAY.points).value = 1  # a formula replaced by a number
        wb["Tổng hợp"]["B5"] = "Sở Tư pháp (đã sửa)"

    tamper(filled_units, edit)
    assert refusals(filled_units, rulebook) == {
        ("W724", "D1", f"D{r}"),
        ("W724", "D1", f"{column_letter(LAY.points)}{r + 1}"),
        ("W724", "Tổng hợp", "B5"),
    }


def test_a_workbook_needs_its_own_issued_copy(rulebook, tmp_path):
    units = pd.DataFrame({"unit_id": ["D1"], "name": ["Sở Tư pháp"], "group": ["department"]})
    first = write_workbook(rulebook, tmp_path / "a" / "u.xlsx", units=units)
    second = write_workbook(rulebook, tmp_path / "b" / "u.xlsx", units=units)  # the same units, issued again
    assert refusals(first, rulebook, issued=manifest_path(second)) == {("W719", INFO, None)}
    manifest_path(first).unlink()
    assert refusals(first, rulebook) == {("W717", None, None)}
    manifest_path(second).write_text("{}", encoding="utf-8")
    assert {code for code, _, _ in refusals(second, rulebook)} == {"W718"}


def test_per_unit_returns_missing_or_twice_are_named(rulebook, dataset, tmp_path):
    paths = write_unit_workbooks(rulebook, tmp_path / "out", dataset=dataset)
    assert manifest_path(tmp_path / "out").is_file() and not list((tmp_path / "out").glob("*.json"))
    paths[2].unlink()  # H1 has not sent its workbook back
    with pytest.raises(CchcError) as err:
        load_dataset(tmp_path / "out", rulebook)
    assert [(p.code, p.params["units"]) for p in err.value.errors] == [("W728", ["H1"])]
    paths[2].write_bytes(paths[1].read_bytes())  # ... and D2's file is there twice
    with pytest.raises(CchcError) as err:
        read_workbooks(paths, rulebook)
    assert [p.code for p in err.value.errors] == ["W727"]


def test_positions_read_as_sheet_and_cell_with_hints_about_the_workbook(rulebook, filled_units, capsys):
    rows = rows_by_id(openpyxl.load_workbook(filled_units)["D1"])
    r = rows["1.2"]
    tamper(filled_units, lambda wb: wb["D1"].cell(row=r, column=LAY.stage(0)).__setattr__("value", "85,5"))
    assert main(["score", str(FIXTURES / "small.yaml"), str(filled_units), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert f"sheet 'D1', cell E{r}" in err and "W729" in err
    assert "dataset.yaml" not in err  # the officer never saw one
    assert main(["score", str(FIXTURES / "small.yaml"), str(filled_units), "--lang", "vi"]) == 1
    assert f"trang 'D1', ô E{r}" in capsys.readouterr().err


def test_levels_are_offered_and_read_in_words(tmp_path):
    from cchc_rules.dsl.load import load_rulebook

    rulebook = load_rulebook(FIXTURES.parents[2] / "rulebooks" / "par-province-2024.yaml")
    leaf = next(n for n in rulebook.leaves() if n.rule.kind == "levels")
    group = next(g for g in rulebook.groups if rulebook.applies(leaf.id, g))
    units = pd.DataFrame({"unit_id": ["U1"], "name": ["Sở"], "group": [group]})
    path = write_workbook(rulebook, tmp_path / "l.xlsx", units=units, lang="vi")
    lists = {tuple(c.value for c in col if c.value is not None) for col in openpyxl.load_workbook(path)["_lists"]
             .iter_cols()}
    assert ("Tốt", "Đầy đủ", "Một phần", "Không", "NA") in lists
    wb = openpyxl.load_workbook(path)
    ws = wb["U1"]
    r = rows_by_id(ws)[leaf.id]
    levels = list(leaf.rule.levels)
    for value, level in (("tốt", "good"), ("Partial", "partial"), ("FULL", "full"), ("không", "none")):
        ws.cell(row=r, column=LAY.stage(0)).value = value
        wb.save(path)
        inputs = inputs_for(load_dataset(path, rulebook), rulebook)  # (scoring would want every leaf filled)
        assert inputs.value[0, inputs.leaf_ids.index(leaf.id), 0] == levels.index(level), value


@pytest.fixture
def filled_units(rulebook, tmp_path):
    units = pd.DataFrame({"unit_id": ["D1", "H1"], "name": ["Sở Tư pháp", "UBND huyện A"],
                          "group": ["department", "district"]})
    path = write_workbook(rulebook, tmp_path / "units.xlsx", units=units, lang="vi")
    wb = openpyxl.load_workbook(path)
    rows = rows_by_id(wb["D1"])
    wb["D1"].cell(row=rows["1.2"], column=LAY.stage(0)).value = 85
    wb.save(path)
    return path


def test_the_province_scores_returns_kept_elsewhere_with_its_issued_copy(filled_units, tmp_path, capsys):
    import shutil

    rulebook_file = str(FIXTURES / "small.yaml")
    returns = tmp_path / "returns"
    returns.mkdir()
    moved = shutil.copy(filled_units, returns / "tra-lai-D1.xlsx")  # as saved from an e-mail
    assert main(["score", rulebook_file, str(moved), "--lang", "en"]) == 1
    assert "W717" in capsys.readouterr().err
    issued = manifest_path(filled_units)
    assert main(["score", rulebook_file, str(moved), "--issued", str(issued), "--lang", "en"]) == 0
    # D1 typed 85 for 1.2 only: 1 point (80–<100); 2.3 left empty counts its max (missing: max), 1 point;
    # 2 of 5 + 6.5 + 3 + 1 + 6 = 21.5 applicable → 9.302… → 9.30
    assert "D1  Sở Tư pháp  Departments   9.30" in capsys.readouterr().out


def test_the_workbook_command_says_where_the_issued_copy_is(tmp_path, capsys):
    units = tmp_path / "units.csv"
    units.write_text("unit_id,name,group\nD1,Sở Tư pháp,department\n", "utf-8")
    out = tmp_path / "books"
    assert main(["workbook", str(FIXTURES / "small.yaml"), str(units), "--out", str(out), "--per-unit"]) == 0
    said = capsys.readouterr().out
    assert str(tmp_path / "books.issued.json") in said and (tmp_path / "books.issued.json").is_file()


def test_a_decimal_comma_in_an_xlsx_dataset_is_explained_for_the_workbook(rulebook, tmp_path):
    wb = openpyxl.Workbook()
    units = wb.active
    units.title = "units"
    units.append(["unit_id", "name", "group"])
    units.append(["D1", "Sở Tư pháp", "department"])
    assessments = wb.create_sheet("assessments")
    assessments.append(["unit_id", "criterion_id", "self"])
    assessments.append(["D1", "1.3", "75,5"])  # typed as text
    wb.save(tmp_path / "du-lieu.xlsx")
    with pytest.raises(CchcError) as err:
        load_dataset(tmp_path / "du-lieu.xlsx", rulebook)
    (problem,) = [p for p in err.value.errors if p.code == "W729"]
    assert problem.pos.text("en").endswith("sheet 'assessments', cell C2")
    assert "dataset.yaml" not in problem.fix("en") and "75.5" in problem.fix("en")


def test_a_tampered_return_in_a_folder_is_named_once(rulebook, dataset, tmp_path):
    paths = write_unit_workbooks(rulebook, tmp_path / "out", dataset=dataset)
    tamper(paths[1], lambda wb: wb["D2"].__setitem__("D4", 100))  # the running index overwritten
    with pytest.raises(CchcError) as err:
        load_dataset(tmp_path / "out", rulebook)
    assert [(p.code, p.pos.file, p.pos.sheet, p.pos.line, p.pos.col) for p in err.value.errors] == [
        ("W724", str(paths[1]), "D2", 4, 4)
    ]


def test_positions_in_workbooks_are_excel_cells():
    from cchc_rules.problems import Pos, Problem

    assert Pos("d/units.csv", 4, 2).text("vi") == "d/units.csv:4:2"  # text files keep line:column
    assert Pos("b.xlsx", 12, 6, "so-noi-vu").text("en") == "b.xlsx, sheet 'so-noi-vu', cell F12"
    assert Pos("b.xlsx", 12, None, "units").text("vi") == "b.xlsx, trang 'units', dòng 12"
    assert Pos("b.xlsx", 3, 28, "x").text("en").endswith("cell AB3")  # 28 = 26 + 2 → AB
    assert Problem("W724", {"found": "1"}, Pos("b.xlsx", 3, 28, "x")).row("en")["cell"] == "AB3"
