"""The results workbook a Department of Home Affairs publishes."""

from __future__ import annotations

import openpyxl
import pytest

from cchc_rules.documents.results import write_results_workbook
from cchc_rules.engine.score import score

from .conftest import make_dataset


@pytest.fixture
def book(rulebook, dataset, tmp_path):
    # Last year D2 was strong: 1.3 = 100 (+1), 3.2 = 2 (field 3 → 3), 4.1 yes (+1), survey weight 1 (4 points),
    # relative 20 (the best department: 2; D1's 12 is then the worst: 0).
    last = make_dataset(
        {("D2", "1.3"): "100", ("D2", "3.2"): "2", ("D2", "4.1"): "có", ("D2", "5.1"): "1", ("D2", "5.2"): "20"}
    )
    path = write_results_workbook(score(rulebook, dataset), tmp_path / "r.xlsx", "vi", previous=score(rulebook, last))
    return openpyxl.load_workbook(path)


def table(ws):
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[0] == "Xếp hạng")
    end = next(i for i in range(head + 1, len(rows) + 1) if i == len(rows) or not rows[i][1])
    return rows[head], rows[head + 1 : end]


def test_one_sheet_per_group_and_a_data_sheet(book):
    assert book.sheetnames == ["Sở, ban, ngành", "UBND cấp huyện", "Dữ liệu"]


def test_ranking_table_with_published_index_band_and_change(book):
    ws = book["Sở, ban, ngành"]
    header, rows = table(ws)
    assert header[:9] == (
        "Xếp hạng",
        "Mã đơn vị",
        "Tên đơn vị",
        "Chỉ số",
        "Xếp loại",
        "Chỉ số năm trước",
        "Tăng (+) / giảm (−) chỉ số",
        "Hạng năm trước",
        "Tăng (+) / giảm (−) bậc",
    )
    assert header[9] == "1. Công tác chỉ đạo (%)"
    d1, d2 = rows
    # D1 now: 3.5 + 5.7 + 3 + 0.5 + 4.4 = 17.1 of 21.5 → 79.534883… (+1 bonus −1 late) → 79.53, Khá (50–<80)
    # D1 last year: relative 0 instead of 2 → 15.1 / 21.5 = 70.232558… → change 9.302325… → +9.30; rank 2 → 1: +1
    assert d1[:9] == (1, "D1", "Sở Tư pháp", 79.53, "Khá", 70.23, 9.3, 2, 1)
    # D2 now: 7 of 16 (2.1 total 0 and 2.2 NA are out) = 43.75, Yếu; last year 14 / 16 = 87.5: −43.75, 1 → 2: −1
    assert d2[:9] == (2, "D2", "Sở Tài chính", 43.75, "Yếu", 87.5, -43.75, 1, -1)
    # sub-indices of D1: field 1 3.5/5 = 70%; field 2 5.7/6.5 = 87.692307… → 87.69%; field 5 4.4/6 = 73.33%
    assert d1[9] == 70 and d1[10] == 87.69 and d1[13] == 73.33
    last = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=2).value == "D2")
    assert ws.cell(row=last, column=4).number_format == "0.00"
    assert ws.freeze_panes == "D6"


def test_not_applicable_field_shows_a_dash(book):
    _, (h1,) = table(book["UBND cấp huyện"])
    # H1: 4 of 11 = 36.3636… → 36.36; field 2 does not apply to districts
    assert h1[:5] == (1, "H1", "UBND huyện A", 36.36, "Yếu")
    assert h1[10] == "—"


def test_data_sheet_keeps_unrounded_numbers(book):
    rows = list(book["Dữ liệu"].iter_rows(values_only=True))
    d1 = next(r for r in rows if r[0] == "D1")
    assert d1[3] == pytest.approx(17.1 / 21.5 * 100, abs=1e-9)
    assert d1[4] == 79.53  # the published index: a number (shown with two decimals), not text
    ws = book["Dữ liệu"]
    assert ws.cell(row=next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == "D1"),
                   column=5).number_format == "0.00"


def test_english_without_last_year(rulebook, dataset, tmp_path):
    wb = openpyxl.load_workbook(write_results_workbook(score(rulebook, dataset), tmp_path / "r.xlsx", "en"))
    assert wb.sheetnames == ["Departments", "Districts", "Data"]
    rows = list(wb["Departments"].iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[0] == "Rank")
    assert rows[head][:6] == ("Rank", "Unit id", "Unit", "Index", "Band", "1. Direction (%)")
    assert rows[head + 1][:5] == (1, "D1", "Sở Tư pháp", 79.53, "Fair")
    assert rows[0][0] == "PAR index results: Test criteria set"
