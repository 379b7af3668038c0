"""Repeated problems are reported once with their rows (or cells), and every count stays right.

Every expected figure below is counted by hand from the rows written in the test.
"""

from __future__ import annotations

import pickle

import openpyxl
import pytest

from cchc_rules.data import problems as dp
from cchc_rules.data.load import load_dataset
from cchc_rules.problems import CchcError, Count, Pos, Problem, Problems, grouped


def _unknown(line: int, criterion: str = "1.9", file: str = "a.csv", sheet: str | None = None,
             col: int | None = 2) -> Problem:
    return Problem(dp.UNKNOWN_CRITERION, {"criterion": criterion, "nearest": ["1.1", "1.2"]},
                   Pos(file, line, col, sheet), column="criterion_id")


# ---------------------------------------------------------------- grouping
def test_one_problem_on_many_rows_is_one_line_with_its_rows():
    rows = [3, 7, 12, 13, 14]
    (p,) = grouped([_unknown(r) for r in reversed(rows)])
    assert (p.count, p.lines, p.pos.line) == (5, (3, 7, 12, 13, 14), 3)
    assert p.places() == "3, 7, 12–14"  # 12, 13 and 14 follow each other: one run
    en = p.format("en")
    assert en.startswith("a.csv [criterion_id]: error D321: Criterion id '1.9' is not in the rulebook")
    assert "— in 5 rows: 3, 7, 12–14" in en
    assert "— ở 5 dòng: 3, 7, 12–14" in p.format("vi")
    assert ":3:" not in en  # the place is the file: its rows follow


def test_a_workbook_problem_lists_its_cells():
    (p,) = grouped([_unknown(r, file="b.xlsx", sheet="so-noi-vu", col=6) for r in (12, 13, 20)])
    assert p.places() == "F12:F13, F20"
    assert "b.xlsx, sheet 'so-noi-vu' [criterion_id]: error D321" in p.format("en")
    assert "in 3 cells: F12:F13, F20" in p.format("en")
    assert "ở 3 ô: F12:F13, F20" in p.format("vi")


def test_only_ten_runs_are_shown_but_all_are_counted():
    (p,) = grouped([_unknown(r) for r in range(2, 200, 2)])  # 2, 4, ..., 198: 99 rows, no two consecutive
    assert p.count == 99
    assert p.repeats("en") == "in 99 rows: 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, …"
    assert p.places().count(",") == 98  # the table keeps every row
    assert p.row("en")["count"] == 99


def test_different_texts_columns_files_and_unlocated_problems_stay_apart():
    problems = [
        _unknown(3), _unknown(4),  # together
        _unknown(5, criterion="2.9"),  # another id: another text
        _unknown(6, file="b.csv"),  # another file
        _unknown(7, col=3),  # another column number
        Problem(dp.UNKNOWN_CRITERION, {"criterion": "1.9", "nearest": ["1.1", "1.2"]}, Pos("a.csv")),  # no line
        Problem(dp.UNKNOWN_CRITERION, {"criterion": "1.9", "nearest": ["1.1", "1.2"]}, Pos("a.csv")),
    ]
    out = grouped(problems)
    assert len(out) == 6
    assert sorted(p.count for p in out) == [1, 1, 1, 1, 1, 2]


def test_grouping_grouped_problems_adds_them_up():
    first = grouped([_unknown(3), _unknown(4)])
    second = grouped([_unknown(9), _unknown(10), _unknown(11)])
    (p,) = grouped(first + second)
    assert (p.count, p.places()) == (5, "3–4, 9–11")


# ---------------------------------------------------------------- the error: totals, plurals, order
def test_the_total_counts_problems_not_lines():
    exc = CchcError([_unknown(r) for r in range(2, 128)] + [_unknown(5, criterion="2.9")])
    assert len(exc.problems) == 2 and exc.total == 127  # 126 rows of '1.9' and one of '2.9'
    assert exc.format("en").startswith("127 errors:\n")
    assert exc.format("vi").startswith("127 lỗi:\n")


def test_plurals_and_thousands_in_the_first_line():
    assert CchcError([_unknown(3)]).format("en").startswith("1 error:\n")
    big = CchcError([_unknown(r) for r in range(2, 1236)])  # 1,234 rows
    assert big.format("en").startswith("1,234 errors:\n")
    assert big.format("vi").startswith("1.234 lỗi:\n")
    warning = Problem(dp.REMOVED_ROWS, {"n": 2, "criterion": "x"}, Pos("a.csv", 1), severity="note")
    assert CchcError([warning, _unknown(3), _unknown(4)]).total == 2  # notes are not errors


def test_a_diagnosis_comes_first_and_counts_of_the_rest_last():
    lead = Problem("D390", {"rulebook": "x"}, Pos("z.csv"), count=0)  # a diagnosis: no problem of its own
    more = Problem(dp.MORE_PROBLEMS, {"n": Count(4676), "which": "D321", "groups": Count(40)}, count=4676)
    exc = CchcError([more, _unknown(3, file="a.csv"), lead])
    assert [p.code for p in exc.problems] == ["D390", "D321", "D399"]
    assert exc.total == 4677
    assert "error D399: 4,676 more D321 problems (40 groups) not listed" in exc.format("en")
    assert "lỗi D399: Còn 4.676 lỗi D321 khác (40 nhóm) không liệt kê: sửa các lỗi đã liệt kê" in exc.format("vi")
    assert "→" not in exc.format("en").splitlines()[-1]  # the last line is the D399 itself, no separate fix


def test_limited_keeps_two_hundred_groups_per_code_and_counts_the_rest():
    problems = Problems()
    for k in range(250):  # 250 ids, each on rows 2k+2 and 2k+3: 250 groups of two rows
        problems.extend([_unknown(2 * k + 2, criterion=f"Z.{k}"), _unknown(2 * k + 3, criterion=f"Z.{k}")])
    out = dp.limited(problems)
    kept = [p for p in out if p.code == "D321"]
    assert len(kept) == 200 and all(p.count == 2 for p in kept)
    (more,) = [p for p in out if p.code == "D399"]
    assert more.params == {"n": 100, "which": "D321", "groups": 50}  # 50 groups of 2 rows left out
    assert CchcError(out.items).total == 500


# ---------------------------------------------------------------- cheap and picklable
def test_the_error_pickles_and_formats_lazily():
    exc = CchcError([_unknown(r) for r in (3, 4, 9)] + [
        Problem(dp.MORE_PROBLEMS, {"n": Count(1234), "which": "D330", "groups": Count(7)}, count=1234)])
    back = pickle.loads(pickle.dumps(exc))
    assert isinstance(back, CchcError) and back.problems == exc.problems
    assert back.total == 1237 and back.format("vi") == exc.format("vi")
    assert str(back) == exc.format("en")
    assert isinstance(back.problems[-1].params["n"], Count)
    assert exc.args == (exc.problems,)  # nothing formatted when raised


# ---------------------------------------------------------------- in a real dataset
def test_an_unknown_id_in_many_rows_of_a_dataset(make_dataset, rulebook):
    # the base assessments.csv has its header and 16 rows (lines 2-17): the four rows added are lines 18-21
    rows = "D1,Z.9,1,,,\nD2,Z.9,1,,,\nH1,Z.9,1,,,\nD1,A.2,abc,,,\n"
    with pytest.raises(CchcError) as info:
        load_dataset(make_dataset(extra_assessments=rows), rulebook)
    exc = info.value
    z9 = next(p for p in exc.problems if p.code == "D321")
    assert (z9.count, z9.lines) == (3, (18, 19, 20))
    assert "in 3 rows: 18–20" in exc.format("en")
    assert exc.total == 5  # three D321, the 'abc' (D330) and D1's second A.2 row (D324)
    assert sorted(p.code for p in exc.errors) == ["D321", "D324", "D330"]
    assert exc.format("en").startswith("5 errors:")


def test_a_repeated_bad_value_in_a_workbook_lists_its_cells(tmp_path, rulebook):
    wb = openpyxl.Workbook()
    units = wb.active
    units.title = "units"
    units.append(["unit_id", "name", "group"])
    units.append(["D1", "Sở Tư pháp", "department"])
    assessments = wb.create_sheet("assessments")
    assessments.append(["unit_id", "criterion_id", "self"])
    for criterion in ("A.2", "A.3", "A.7"):
        assessments.append(["D1", criterion, "nhiều"])  # rows 2-4, column C: not a number
    wb.save(tmp_path / "book.xlsx")
    with pytest.raises(CchcError) as info:
        load_dataset(tmp_path / "book.xlsx", rulebook)
    (p,) = info.value.errors
    assert (p.code, p.count, p.places()) == ("D330", 3, "C2:C4")
    assert "sheet 'assessments' [self]: error D330: 'nhiều' is not a number — in 3 cells: C2:C4" \
        in info.value.format("en")


def test_a_returned_self_assessment_workbook_keeps_every_cell_of_a_group(tmp_path):
    from cchc_rules.data.workbook_read import read_workbook
    from cchc_rules.documents.workbook import write_workbook
    from cchc_rules.dsl.load import load_rulebook

    from ..documents.conftest import FIXTURES as DOCS
    from ..documents.test_workbook import UNITS, fill, rows_by_id

    rulebook = load_rulebook(DOCS / "small.yaml")
    path = write_workbook(rulebook, tmp_path / "u.xlsx", units=UNITS)
    fill(path, {"D1": {"1.1": {"self": "maybe"}, "4.1": {"self": "maybe"}}})  # two yes/no criteria, column E
    rows = rows_by_id(openpyxl.load_workbook(path)["D1"])
    with pytest.raises(CchcError) as info:
        read_workbook(path, rulebook)
    (p,) = info.value.errors
    assert (p.count, p.places()) == (2, f"E{rows['1.1']}, E{rows['4.1']}")
    assert f"in 2 cells: E{rows['1.1']}, E{rows['4.1']}" in info.value.format("en")
