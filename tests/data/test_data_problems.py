"""Every data problem of spec §9: its code, where it is (file, row, column) and what would be right.

Each test starts from the valid fixture dataset (conftest.py) and breaks exactly one thing.
Rows are as a spreadsheet shows them: the header is row 1, the first unit row 2.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cchc_rules.data.load import load_dataset
from cchc_rules.problems import CATALOGUE, CchcError, Problem

BASE = Path(__file__).parent / "fixtures" / "base"
UNITS, ASSESSMENTS = ((BASE / f"{name}.csv").read_text(encoding="utf-8") for name in ("units", "assessments"))


def problems_of(folder: Path, rulebook) -> list[Problem]:
    with pytest.raises(CchcError) as info:
        load_dataset(folder, rulebook)
    return info.value.problems


def one(problems: list[Problem], code: str, file: str | None = None, row: int | None = None,
        column: str | None = None) -> Problem:
    found = [p for p in problems if p.code == code]
    assert len(found) == 1, [p.format("en") for p in problems]
    p = found[0]
    if file is not None:
        assert Path(p.pos.file).name == file
    if row is not None:
        assert p.pos.line == row
    if column is not None:
        assert p.column == column
    for lang in ("vi", "en"):
        assert p.what(lang) and "{" not in p.what(lang) and "{" not in p.fix(lang)
    return p


def only(problems: list[Problem], code: str, **where) -> Problem:
    assert {p.code for p in problems if p.severity == "error"} == {code}, [p.format("en") for p in problems]
    return one(problems, code, **where)


# ---------------------------------------------------------------- files and columns
def test_not_utf8_names_a_likely_encoding(make_dataset, rulebook):
    folder = make_dataset()
    # "Sở Tư pháp" as Windows-1258 writes it: ơ = F5, hook above = D2, ư = FD, á = E1
    (folder / "units.csv").write_bytes(b"unit_id,name,group\nD1,S\xf5\xd2 T\xfd ph\xe1p,department\n")
    p = only(problems_of(folder, rulebook), "D301", file="units.csv", row=2)  # the bad byte is on line 2
    assert "1258" in p.what("en") and "UTF-8" in p.fix("en")


def test_missing_file(make_dataset, rulebook):
    folder = make_dataset(units=None)
    p = only(problems_of(folder, rulebook), "D302")
    assert p.params["name"] == "units.csv"


def test_missing_column(make_dataset, rulebook):
    folder = make_dataset(units="unit_id,name\nD1,Sở Tư pháp\n")
    p = only(problems_of(folder, rulebook), "D303", file="units.csv", row=1, column="group")
    assert "group" in p.fix("en")


def test_not_a_dataset(tmp_path, rulebook):
    (tmp_path / "x.txt").write_text("hello")
    only(problems_of(tmp_path / "x.txt", rulebook), "D304")


def test_unknown_assessments_column_names_the_stages(make_dataset, rulebook):
    folder = make_dataset(assessments=ASSESSMENTS.replace(",appraisal,", ",apraisal,"))
    p = only(problems_of(folder, rulebook), "D305", file="assessments.csv", row=1, column="apraisal")
    assert p.pos.col == 4 and "appraisal" in p.fix("en") and "self" in p.fix("en")


def test_no_stage_column(make_dataset, rulebook):
    folder = make_dataset(assessments="unit_id,criterion_id,evidence\nD1,A.1,QĐ 1\n", survey=None)
    only(problems_of(folder, rulebook), "D306", file="assessments.csv")


def test_dataset_yaml_unknown_key_and_bad_decimal(make_dataset, rulebook):
    folder = make_dataset(meta='year: 2024\ndecimals: ","\n')
    p = only(problems_of(folder, rulebook), "D307", file="dataset.yaml", row=2)
    assert "decimal" in p.fix("en")
    folder = make_dataset(meta='decimal: ";"\n')
    only(problems_of(folder, rulebook), "D308", file="dataset.yaml", row=1)


# ---------------------------------------------------------------- units
def test_unit_without_id(make_dataset, rulebook):
    only(problems_of(make_dataset(units=UNITS + ",Sở Nội vụ,department,,04\n"), rulebook), "D310",
         file="units.csv", row=5, column="unit_id")


def test_duplicate_unit(make_dataset, rulebook):
    p = only(problems_of(make_dataset(units=UNITS + "D2,Sở Nội vụ,department,,04\n"), rulebook), "D311",
             file="units.csv", row=5, column="unit_id")
    assert p.params["first"] == 3


def test_unit_without_group(make_dataset, rulebook):
    only(problems_of(make_dataset(units=UNITS + "D4,Sở Nội vụ,,,04\n"), rulebook), "D312",
         file="units.csv", row=5, column="group")


def test_group_the_rulebook_lacks(make_dataset, rulebook):
    p = only(problems_of(make_dataset(units=UNITS + "D4,Sở Nội vụ,departmnt,,04\n"), rulebook), "D313",
             file="units.csv", row=5, column="group")
    assert p.params["nearest"][0] == "department"


def test_unknown_flag(make_dataset, rulebook):
    p = only(problems_of(make_dataset(units=UNITS + "D4,Sở Nội vụ,department,disciplin,04\n"), rulebook), "D314",
             file="units.csv", row=5, column="flags")
    assert p.pos.col == 4 and p.params["nearest"][0] == "discipline"
    # the column number is the file's, wherever the flags column stands
    units = "flags,unit_id,name,group\n,D1,Sở Tư pháp,department\nx,D2,Sở Tài chính,department\n,H1,UBND,district\n"
    p = only(problems_of(make_dataset(units=units), rulebook), "D314", row=3)
    assert p.pos.col == 1


# ---------------------------------------------------------------- rows
def test_unknown_unit(make_dataset, rulebook):
    p = only(problems_of(make_dataset(extra_assessments="D9,A.1,1,,,\n"), rulebook), "D320",
             file="assessments.csv", row=18, column="unit_id")
    assert p.params["unit"] == "D9"
    only(problems_of(make_dataset(extra_survey="R9,P01,D9,S.1,A,\n"), rulebook), "D320",
         file="survey.csv", row=12, column="unit_id")


def test_unknown_criterion_names_the_nearest(make_dataset, rulebook):
    p = only(problems_of(make_dataset(extra_assessments="D2,A.8,1,,,\n"), rulebook), "D321",
             file="assessments.csv", row=18, column="criterion_id")
    assert "A.7" in p.params["nearest"]


def test_value_on_a_parent(make_dataset, rulebook):
    p = only(problems_of(make_dataset(extra_assessments="D2,B,1,,,\n"), rulebook), "D322", row=18)
    assert p.params["children"] == ["B.1"]


def test_old_id_continued_by_two_criteria(make_dataset, rulebook):
    book = rulebook.model_copy(deep=True)
    book.nodes()["A.1"].was = ["old"]
    book.nodes()["A.2"].was = ["old"]
    p = only(problems_of(make_dataset(extra_assessments="D2,old,1,,,\n"), book), "D323", row=18)
    assert p.params["nodes"] == ["A.1", "A.2"]


def test_duplicate_row(make_dataset, rulebook):
    p = only(problems_of(make_dataset(extra_assessments="D1,A.3,80,,,\n"), rulebook), "D324",
             file="assessments.csv", row=18)
    assert p.params["first"] == 4  # D1,A.3 is the third data row
    problems = problems_of(make_dataset(extra_assessments="D1,A.3,lots,,,\n"), rulebook)
    assert sorted(p.code for p in problems if p.severity == "error") == ["D324", "D330"]  # its bad value too


def test_duplicate_survey_answer(make_dataset, rulebook):
    p = only(problems_of(make_dataset(extra_survey="R2,P01,D1,S.1,C,\n"), rulebook), "D325",
             file="survey.csv", row=12)
    assert p.params["first"] == 3


def test_value_for_a_leaf_that_does_not_apply(make_dataset, rulebook):
    # B applies to departments only; H1 is a district
    p = only(problems_of(make_dataset(assessments=ASSESSMENTS.replace("H1,B.1,NA,", "H1,B.1,5,")), rulebook),
             "D326", file="assessments.csv", row=16, column="self")
    assert p.params["group"] == "district" and p.params["value"] == "5"


def test_survey_answer_for_a_non_survey_leaf(make_dataset, rulebook):
    p = only(problems_of(make_dataset(extra_survey="R1,P01,D2,A.2,A,\n"), rulebook), "D327",
             file="survey.csv", row=12, column="criterion_id")
    assert p.params["kind"] == "ladder" and p.params["survey"] == ["S.1", "S.2"]


def test_empty_criterion_id(make_dataset, rulebook):
    only(problems_of(make_dataset(extra_assessments="D2,,1,,,\n"), rulebook), "D328", row=18,
         column="criterion_id")


def test_crosswalk_new_ids_must_be_units(make_dataset, rulebook):
    folder = make_dataset(meta="crosswalk: crosswalk.csv\n")
    (folder / "crosswalk.csv").write_text("old_unit_id,new_unit_id\nX1,D1\nX2,D7\n", encoding="utf-8")
    p = only(problems_of(folder, rulebook), "D329", file="crosswalk.csv", row=3, column="new_unit_id")
    assert p.params["unit"] == "D7"


# ---------------------------------------------------------------- values
def _with(old: str, new: str) -> str:
    assert old in ASSESSMENTS
    return ASSESSMENTS.replace(old, new)


def test_text_where_a_number_belongs(make_dataset, rulebook):
    p = only(problems_of(make_dataset(assessments=_with("D1,A.2,100,85", "D1,A.2,nhiều,85")), rulebook),
             "D330", file="assessments.csv", row=3, column="self")
    assert p.params["value"] == "nhiều"


def test_decimal_comma_without_the_setting(make_dataset, rulebook):
    p = only(problems_of(make_dataset(assessments=_with("D1,A.3,75,", 'D1,A.3,"75,5",')), rulebook),
             "D331", row=4, column="self")
    assert "75.5" in p.fix("en") and 'decimal: ","' in p.fix("en")


def test_decimal_comma_setting(make_dataset, rulebook):
    from cchc_rules.data.parse import inputs_for

    # with decimal: "," a "1,25" is 1.25 and a "75.5" is an error that says to write 75,5
    text = 'unit_id,criterion_id,self,appraisal\nD1,A.7,"1,25",\nD1,A.3,75.5,\n'
    p = only(problems_of(make_dataset(assessments=text, survey=None, meta='decimal: ","\n'), rulebook), "D332",
             row=3, column="self")
    assert "75,5" in p.fix("en")
    folder = make_dataset(assessments=text.replace("75.5", "75"), survey=None, meta='decimal: ","\n')
    inputs = inputs_for(load_dataset(folder, rulebook), rulebook)
    assert inputs.value[0, inputs.leaf_ids.index("A.7"), 0] == 1.25


def test_not_yes_no(make_dataset, rulebook):
    p = only(problems_of(make_dataset(assessments=_with("D2,A.1,không", "D2,A.1,có lẽ")), rulebook), "D333",
             row=13, column="self")
    assert "chưa đạt" in p.fix("vi")


def test_unknown_level_lists_the_levels(make_dataset, rulebook):
    p = only(problems_of(make_dataset(assessments=_with("good,full", "goood,full")), rulebook), "D334",
             row=6, column="self")
    assert p.params["levels"] == ["good", "full", "partial", "none"] and p.params["nearest"][0] == "good"


def test_unknown_survey_answer(make_dataset, rulebook):
    p = only(problems_of(make_dataset(extra_survey="R6,P01,D2,S.1,E,\n"), rulebook), "D335",
             file="survey.csv", row=12, column="answer")
    assert "A, B, C, D" in p.fix("en") and "X" in p.fix("en")


def test_empty_survey_answer(make_dataset, rulebook):
    only(problems_of(make_dataset(extra_survey="R6,P01,D2,S.1,,\n"), rulebook), "D339", row=12, column="answer")


def test_points_above_max_are_not_clipped(make_dataset, rulebook):
    p = only(problems_of(make_dataset(assessments=_with("1.5,1.25", "1.5,1.75")), rulebook), "D336",
             row=8, column="appraisal")
    assert p.params["high"] == "1.5" and "never clipped" in p.fix("en")


def test_survey_mean_weight_outside_0_1(make_dataset, rulebook):
    only(problems_of(make_dataset(assessments=_with("H1,S.1,0.75", "H1,S.1,75")), rulebook), "D336", row=17)


def test_negative_bonus(make_dataset, rulebook):
    only(problems_of(make_dataset(assessments=_with("D1,bonus,1,", "D1,bonus,-1,")), rulebook), "D336", row=11)


def test_counts_must_be_whole(make_dataset, rulebook):
    only(problems_of(make_dataset(assessments=_with("D1,A.6,1,2", "D1,A.6,1.5,2")), rulebook), "D337", row=7)
    only(problems_of(make_dataset(assessments=_with("D1,late,2,", "D1,late,-2,")), rulebook), "D337", row=12)


@pytest.mark.parametrize("value", ["1.2", "51/50", "2.5/5", "a/5"])
def test_bad_ratio(make_dataset, rulebook, value):
    only(problems_of(make_dataset(assessments=_with("45/50,0.8", f"{value},0.8")), rulebook), "D338",
         row=5, column="self")


# ---------------------------------------------------------------- together, and limited
def test_every_problem_is_reported_at_once(make_dataset, rulebook):
    folder = make_dataset(
        units=UNITS + "D4,Sở Nội vụ,departmnt,,04\n",
        assessments=_with("D1,A.2,100,85", "D1,A.2,nhiều,85").replace("good,full", "goood,full"),
        extra_survey="R6,P01,D2,S.1,E,\n",
        meta="year: 2024\ndecimals: ','\n",
    )
    (folder / "assessments.csv").write_text((folder / "assessments.csv").read_text() + "D9,A.1,1,,,\n")
    codes = sorted(p.code for p in problems_of(folder, rulebook) if p.severity == "error")
    assert codes == ["D307", "D313", "D320", "D330", "D334", "D335"]  # reading and parsing problems together


def test_a_flood_of_one_problem_is_summarised(make_dataset, rulebook):
    rows = "".join(f"U{i},A.1,1,,,\n" for i in range(250))  # 250 different unknown units: 250 groups of one row
    with pytest.raises(CchcError) as info:
        load_dataset(make_dataset(extra_assessments=rows), rulebook)
    problems = info.value.problems
    assert len([p for p in problems if p.code == "D320"]) == 200
    assert one(problems, "D399").params == {"n": 50, "which": "D320", "groups": 50}
    assert info.value.total == 250


def test_every_data_code_has_both_languages():
    codes = [c for c in CATALOGUE if c.startswith("D3")]
    assert len(codes) >= 35
    for code in codes:
        message = CATALOGUE[code]
        assert message.what["vi"] and message.what["en"] and message.what["vi"] != message.what["en"]


def test_crosswalk_file_missing_or_with_empty_ids(make_dataset, rulebook):
    p = only(problems_of(make_dataset(meta="crosswalk: cw.csv\n"), rulebook), "D302", file="dataset.yaml", row=1)
    assert p.params["name"].endswith("cw.csv")
    folder = make_dataset(meta="crosswalk: cw.csv\n")
    (folder / "cw.csv").write_text("old_unit_id,new_unit_id\n,D1\n", encoding="utf-8")
    only(problems_of(folder, rulebook), "D328", file="cw.csv", row=2, column="old_unit_id")


def test_damaged_workbook(tmp_path, rulebook):
    (tmp_path / "book.xlsx").write_bytes(b"not a zip file")
    p = only(problems_of(tmp_path / "book.xlsx", rulebook), "D304", file="book.xlsx")
    assert p.params["reason"]
