"""Reading: text cells (NFC, trimmed, NA kept), BOM, separators, XLSX, frames and writing back."""

from __future__ import annotations

import unicodedata

import numpy as np
import openpyxl
import pandas as pd
import pytest

from cchc_rules.data.load import dataset_from_frames, load_dataset, write_dataset
from cchc_rules.data.model import NA, VALUE
from cchc_rules.data.parse import inputs_for
from cchc_rules.data.read import cell_text
from cchc_rules.problems import CchcError


def same_inputs(a, b):
    assert a.leaf_ids == b.leaf_ids and a.stages == b.stages and a.adjustment_ids == b.adjustment_ids
    pd.testing.assert_frame_equal(a.units, b.units)
    np.testing.assert_array_equal(a.status, b.status)
    np.testing.assert_array_equal(a.value, b.value)  # NaN equal to NaN
    np.testing.assert_array_equal(a.adjustment, b.adjustment)
    np.testing.assert_array_equal(a.survey_n, b.survey_n)


@pytest.fixture
def folder_inputs(make_dataset, rulebook):
    return inputs_for(load_dataset(make_dataset(), rulebook), rulebook)


def test_cell_text_without_float_noise():
    assert [cell_text(v) for v in (2.0, 0.1, 1e-05, 85, True, None, float("nan"), " x ")] == [
        "2", "0.1", "0.00001", "85", "true", "", "", " x "]
    assert cell_text(0.1 + 0.2) == "0.30000000000000004"  # the float itself, not a rounding


def test_bom_and_cells_are_trimmed(make_dataset, rulebook, base, folder_inputs):
    units = "\ufeff" + base["units"].replace("D1,Sở Tư pháp", "  D1 ,  Sở Tư pháp ")
    inputs = inputs_for(load_dataset(make_dataset(units=units), rulebook), rulebook)
    assert inputs.units["unit_id"].iat[0] == "D1" and inputs.units["name"].iat[0] == "Sở Tư pháp"
    same_inputs(inputs, folder_inputs)


def test_decomposed_text_is_read_as_nfc(make_dataset, rulebook, base):
    decomposed = unicodedata.normalize("NFD", "có")
    assert decomposed != "có"
    text = base["assessments"].replace("D2,A.1,không", f"D2,A.1,{decomposed}")
    dataset = load_dataset(make_dataset(assessments=text, units=unicodedata.normalize("NFD", base["units"])),
                           rulebook)
    inputs = inputs_for(dataset, rulebook)
    assert inputs.value[1, 0, 0] == 1.0  # a decomposed "có" is yes
    assert inputs.units["name"].iat[1] == "Sở Tài chính"  # and names are NFC


def test_na_is_kept_as_text(make_dataset, rulebook):
    dataset = load_dataset(make_dataset(), rulebook)
    row = dataset.assessments[(dataset.assessments.unit_id == "D1") & (dataset.assessments.criterion_id == "B.1")]
    assert row["appraisal"].iat[0] == "NA" and row["note_appraisal"].iat[0] is None


def test_blank_lines_keep_spreadsheet_row_numbers(make_dataset, rulebook, base):
    text = base["assessments"].replace("D1,A.3,75,,,\n", "D1,A.3,75,,,\n\n,,,,,\n")
    text += "D2,A.2,nhiều,,,\n"
    with pytest.raises(CchcError) as info:
        load_dataset(make_dataset(assessments=text), rulebook)
    (p,) = info.value.errors
    assert p.code == "D330" and p.pos.line == 20  # 17 lines of the base + 2 blank lines + this one


def test_semicolon_separated_and_trailing_separators(make_dataset, rulebook, base, folder_inputs):
    units = base["units"].replace(",", ";").replace("not_ranked;discipline", '"not_ranked;discipline"')
    units = "".join(line + ";\n" for line in units.splitlines())  # Excel leaves a trailing ';'
    inputs = inputs_for(load_dataset(make_dataset(units=units), rulebook), rulebook)
    same_inputs(inputs, folder_inputs)


def _workbook(path, tables):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, df in tables.items():
        ws = wb.create_sheet(name)
        ws.append(list(df.columns))
        for row in df.itertuples(index=False):
            ws.append([_number(v) for v in row])
    wb.save(path)


def _number(value):
    """Type numbers as a person would in Excel: 85 and 1.5 as numbers, the rest as text."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    try:
        number = float(value)
    except ValueError:
        return value
    return number if cell_text(number) == value else value  # "01" stays text, as a person would type it


def test_xlsx_gives_the_same_inputs_as_the_folder(tmp_path, make_dataset, rulebook, folder_inputs):
    folder = make_dataset()
    tables = {name: pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
              for name in ("units", "assessments", "survey")}
    _workbook(tmp_path / "book.xlsx", {"Units": tables["units"], "assessments": tables["assessments"],
                                       "survey": tables["survey"]})
    dataset = load_dataset(tmp_path / "book.xlsx", rulebook)
    a7 = dataset.assessments[dataset.assessments.criterion_id == "A.7"]
    assert (a7["self"].iat[0], a7["appraisal"].iat[0]) == ("1.5", "1.25")  # typed as numbers, read back as text
    assert dataset.units["district_code"].tolist() == ["01", "02", "03"]
    same_inputs(inputs_for(dataset, rulebook), folder_inputs)


def test_xlsx_problems_name_the_sheet(tmp_path, rulebook):
    _workbook(tmp_path / "book.xlsx", {
        "units": pd.DataFrame({"unit_id": ["D1"], "name": ["Sở Tư pháp"], "group": ["department"]}),
        "assessments": pd.DataFrame({"unit_id": ["D1"], "criterion_id": ["A.7"], "self": ["2"]}),
    })
    with pytest.raises(CchcError) as info:
        load_dataset(tmp_path / "book.xlsx", rulebook)
    (p,) = info.value.errors
    assert (p.code, p.pos.sheet, p.pos.line, p.pos.col, p.column) == ("D336", "assessments", 2, 3, "self")


def test_xlsx_missing_sheet(tmp_path, rulebook):
    _workbook(tmp_path / "book.xlsx", {"units": pd.DataFrame({"unit_id": ["D1"], "name": ["x"], "group": ["d"]})})
    with pytest.raises(CchcError) as info:
        load_dataset(tmp_path / "book.xlsx", rulebook)
    assert [(p.code, p.params["name"]) for p in info.value.errors] == [("D302", "assessments")]


def test_self_assessment_workbook_goes_to_its_reader(tmp_path, rulebook, monkeypatch):
    wb = openpyxl.Workbook()
    wb.create_sheet("_cchc")
    wb.save(tmp_path / "filled.xlsx")
    calls = []

    def fake(paths, book, issued=None, folder=None):
        calls.append((paths, book, issued, folder))
        return "dataset"

    monkeypatch.setattr("cchc_rules.data.load.read_workbooks", fake)
    assert load_dataset(tmp_path / "filled.xlsx", rulebook) == "dataset"
    assert calls == [([tmp_path / "filled.xlsx"], rulebook, None, None)]


def test_frames_built_in_code(rulebook, folder_inputs, make_dataset):
    folder = make_dataset()
    units = pd.read_csv(folder / "units.csv", dtype=str, keep_default_na=False)
    units["flags"] = [[], ["discipline"], ["not_ranked", "discipline"]]
    assessments = pd.read_csv(folder / "assessments.csv", dtype=object, keep_default_na=False)
    assessments.loc[assessments.criterion_id == "A.2", ["self", "appraisal"]] = [100.0, 85]  # numbers, not text
    survey = pd.read_csv(folder / "survey.csv", dtype=object, keep_default_na=False)
    dataset = dataset_from_frames(units, assessments, survey)
    assert dataset.assessments["self"].iat[1] == "100"
    same_inputs(inputs_for(dataset, rulebook), folder_inputs)


def test_frames_keep_the_callers_positions(rulebook):
    units = pd.DataFrame({"unit_id": ["D1"], "name": ["Sở"], "group": ["department"]})
    assessments = pd.DataFrame({"unit_id": ["D1"], "criterion_id": ["A.1"], "self": ["hmm"],
                                "_file": ["book.xlsx"], "_sheet": ["department"], "_row": [7]})
    with pytest.raises(CchcError) as info:
        inputs_for(dataset_from_frames(units, assessments), rulebook)
    (p,) = info.value.errors
    assert (p.code, p.pos.file, p.pos.sheet, p.pos.line) == ("D333", "book.xlsx", "department", 7)


def test_frames_missing_column():
    with pytest.raises(CchcError) as info:
        dataset_from_frames(pd.DataFrame({"unit_id": ["D1"], "name": ["x"]}), pd.DataFrame(
            {"unit_id": ["D1"], "criterion_id": ["A.1"]}))
    assert [p.params["name"] for p in info.value.errors] == ["group"]


def test_write_dataset_round_trip(tmp_path, make_dataset, rulebook, folder_inputs):
    folder = make_dataset(meta='year: 2024\nsource: "Sở Nội vụ"\ncrosswalk: cw.csv\n')
    (folder / "cw.csv").write_text("old_unit_id,new_unit_id\nX1,D1\n", encoding="utf-8")
    dataset = load_dataset(folder, rulebook)
    out = write_dataset(dataset, tmp_path / "copy")
    assert (out / "units.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # BOM, so Excel shows Vietnamese
    again = load_dataset(out, rulebook)
    same_inputs(inputs_for(again, rulebook), folder_inputs)
    assert (again.meta.year, again.meta.source) == (2024, "Sở Nội vụ")
    assert again.meta.crosswalk[["old_unit_id", "new_unit_id"]].values.tolist() == [["X1", "D1"]]
    write_dataset(again, out)  # replacing an existing folder leaves nothing behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy", "ds"]
    assert sorted(p.name for p in out.iterdir()) == [
        "assessments.csv", "crosswalk.csv", "dataset.yaml", "survey.csv", "units.csv"]


def test_values_survive_the_round_trip(folder_inputs):
    assert folder_inputs.status[0, 7].tolist() == [VALUE, NA]
