"""Wide tables in: a row per unit, a column per criterion (and stage); scored exactly as the long form."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml

from cchc_rules.cli import main
from cchc_rules.data.load import load_dataset
from cchc_rules.data.wide import read_wide
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.dsl.models import Rulebook
from cchc_rules.engine.score import score
from cchc_rules.problems import CchcError

ROOT = Path(__file__).resolve().parents[2]
RB = ROOT / "rulebooks" / "par-province-2024.yaml"
DS = ROOT / "datasets" / "sample-province-2023"
HEADS = {"self": "{c} tự đánh giá", "appraisal_1": "{c} (Thẩm định vòng 1)", "appraisal_2": "appraisal_2 - {c}"}


def wide_of(folder: Path) -> pd.DataFrame:
    """The long sample pivoted by hand: one row per unit, one column per criterion × stage."""
    units = pd.read_csv(folder / "units.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    long = pd.read_csv(folder / "assessments.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    wide = units.rename(columns={"unit_id": "Mã đơn vị", "name": "Tên đơn vị", "group": "Nhóm", "flags": "Cờ"})
    for stage, head in HEADS.items():
        table = long.pivot(index="unit_id", columns="criterion_id", values=stage)
        table.columns = [head.format(c=c) for c in table.columns]
        wide = wide.merge(table, left_on="Mã đơn vị", right_index=True, how="left")
    return wide


def same_scores(a, b) -> None:
    assert list(a.units["unit_id"]) == list(b.units["unit_id"])
    assert np.array_equal(a.units["index"].to_numpy(), b.units["index"].to_numpy(), equal_nan=True)
    assert np.array_equal(a.node_points, b.node_points, equal_nan=True)
    assert list(a.units["band"].astype(str)) == list(b.units["band"].astype(str))
    assert list(a.units["rank"].astype(str)) == list(b.units["rank"].astype(str))


@pytest.fixture(scope="module")
def long_result():
    rb = load_rulebook(RB)
    return rb, score(rb, load_dataset(DS, rb))


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_imported_wide_table_scores_exactly_as_the_long_form(tmp_path, long_result, suffix, capsys):
    rb, expected = long_result
    table = tmp_path / f"tong-hop{suffix}"
    wide = wide_of(DS)
    if suffix == ".csv":
        wide.to_csv(table, index=False, encoding="utf-8-sig")
    else:
        wide.to_excel(table, index=False, sheet_name="Tổng hợp")
    out = tmp_path / "imported"
    assert main(["import", str(table), "--rulebook", str(RB), "--out", str(out), "--survey", str(DS / "survey.csv"),
                 "--allow-path", str(tmp_path), "--allow-path", str(ROOT)]) == 0
    assert "27 đơn vị" in capsys.readouterr().out
    same_scores(expected, score(rb, load_dataset(out, rb)))


def test_layout_wide_in_dataset_yaml_is_scored_directly(tmp_path, long_result):
    rb, expected = long_result
    folder = tmp_path / "wide-2023"
    folder.mkdir()
    (tmp_path / ".cchc-project").write_text("", encoding="utf-8")
    wide_of(DS).to_csv(folder / "tong-hop.csv", index=False, encoding="utf-8-sig")
    shutil.copy(DS / "survey.csv", folder / "survey.csv")
    (folder / "dataset.yaml").write_text("layout: wide\ntable: tong-hop.csv\nyear: 2023\n", encoding="utf-8")
    data = load_dataset(folder, rb)
    assert data.meta.year == 2023
    same_scores(expected, score(rb, data))


def test_every_bad_header_and_cell_at_once_nothing_written(tmp_path):
    table = tmp_path / "bad.xlsx"
    wide_of(DS).to_excel(table, index=False, sheet_name="Tổng hợp")
    wb = openpyxl.load_workbook(table)
    ws = wb.active
    ws["E1"] = "Ghi chú lạ"  # was "1.1.1 tự đánh giá"
    third = ws["F1"].value
    ws["F3"] = "abc"
    ws["G4"] = "maybe"
    wb.save(table)
    assert third == "1.1.2 tự đánh giá"  # a ladder: "abc" is no number
    out = tmp_path / "out"
    with pytest.raises(CchcError) as err:
        read_wide(table, load_rulebook(RB))
    cells = {(p.code, p.pos.sheet, f"{openpyxl.utils.get_column_letter(p.pos.col)}{p.pos.line}")
             for p in err.value.problems}
    assert {("D370", "Tổng hợp", "E1"), ("D330", "Tổng hợp", "F3"), ("D330", "Tổng hợp", "G4")} <= cells
    assert main(["import", str(table), "--rulebook", str(RB), "--out", str(out), "--allow-path", str(tmp_path)]) == 1
    assert not out.exists()


LEVELS = {
    "dsl": 1, "id": "lv", "title": "Levels", "groups": {"g": "G"}, "stages": ["self", "appraisal"],
    "bands": [{"id": "pass", "label": {"vi": "Đạt", "en": "Pass"}, "min": 0}],
    "criteria": [
        {"id": "q", "code": "1", "name": {"vi": "Chất lượng báo cáo", "en": "Report quality"}, "max": 4,
         "rule": {"levels": {"good": 4, "full": 3, "partial": 1, "none": 0}}},
        {"id": "c", "code": "2", "name": {"vi": "Điểm C", "en": "C points"}, "max": 6, "rule": {"points": {}}},
    ],
}


def test_level_labels_names_and_a_mapping(tmp_path):
    rb = Rulebook.model_validate(LEVELS)
    table = tmp_path / "t.csv"
    table.write_text("ID,Report quality,Điểm số C,Ghi chú\n"
                     "u1,Tốt,6,x\nu2,partial,2,\nu3,Đầy đủ,3,y\n", encoding="utf-8")
    mapping = tmp_path / "map.yaml"
    mapping.write_text(yaml.safe_dump({"group": "g", "stage": "self", "columns": {
        "Điểm số C": "c @ appraisal", "Ghi chú": "ignore"}}, allow_unicode=True), encoding="utf-8")
    data = read_wide(table, rb, mapping)
    result = score(rb, data)
    # q (self stage, from the mapping's stage): Tốt = good 4, partial 1, Đầy đủ = full 3; c at appraisal: 6, 2, 3
    assert list(result.units["points"]) == pytest.approx([10.0, 3.0, 6.0])
    assert list(result.units["index"]) == pytest.approx([100.0, 30.0, 60.0])
    a = data.assessments.set_index(["unit_id", "criterion_id"])
    assert a.loc[("u1", "q"), "self"] == "Tốt" and a.loc[("u1", "c"), "appraisal"] == "6"


def test_unknown_level_is_placed_at_its_cell(tmp_path):
    rb = Rulebook.model_validate(LEVELS)
    table = tmp_path / "t.csv"
    table.write_text("unit_id,group,1,2\nu1,g,Tốt,6\nu2,g,excellent,2\n", encoding="utf-8")
    with pytest.raises(CchcError) as err:
        read_wide(table, rb)
    (p,) = err.value.problems
    assert (p.code, p.pos.line, p.pos.col) == ("D334", 3, 3)  # unknown level, cell C3


def test_a_formula_without_its_saved_result_is_a_problem_not_an_empty_cell(tmp_path):
    rb = Rulebook.model_validate(LEVELS)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws.append(["unit_id", "group", "1", "2"])
    ws.append(["u1", "g", "Tốt", "=2+3"])  # openpyxl saves no result for the formula
    wb.save(tmp_path / "f.xlsx")
    with pytest.raises(CchcError) as err:
        read_wide(tmp_path / "f.xlsx", rb)
    (p,) = err.value.problems
    assert (p.code, p.pos.sheet, p.pos.line, p.pos.col) == ("D362", "S", 2, 4)


def test_row_numbers_are_left_out_and_a_parent_column_is_named(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("STT,unit_id,group,1.1 tự đánh giá,1.1.1\n1,so-noi-vu,department,2,1\n", encoding="utf-8")
    with pytest.raises(CchcError) as err:
        read_wide(table, load_rulebook(RB))
    (p,) = err.value.problems
    assert (p.code, p.pos.line, p.pos.col) == ("D376", 1, 4)
    assert p.params["criterion"] == "1.1" and p.params["leaves"] == ["1.1.1", "1.1.2"]
    table.write_text("STT,unit_id,group,1.1.1\n1,so-noi-vu,department,1\n", encoding="utf-8")
    data = read_wide(table, load_rulebook(RB), stage="self")
    assert list(data.assessments["criterion_id"]) == ["1.1.1"] and data.assessments["self"].iat[0] == "1"
