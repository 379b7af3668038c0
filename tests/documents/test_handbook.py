"""The criteria handbook: HTML (offline, A4), Markdown, XLSX, and 'what changed' for a derived rulebook."""

from __future__ import annotations

import re

import openpyxl
import pytest

from cchc_rules.cli import main
from cchc_rules.documents.handbook import build_handbook, to_html, to_markdown, write_handbook
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.problems import CchcError

from .conftest import FIXTURES


def test_html_works_offline_and_prints_on_a4(rulebook):
    page = to_html(build_handbook(rulebook, "vi"))
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert "http" not in page.lower()
    assert "<script" not in page and "<link" not in page and "@import" not in page and "url(" not in page
    assert "@page { size: A4;" in page
    assert "table-header-group" in page  # the header row repeats on every printed page


def test_html_holds_the_tree_rules_evidence_guidance_and_references(rulebook):
    page = to_html(build_handbook(rulebook, "vi"))
    assert "TÀI LIỆU MẪU" in page  # illustrative: true shows visibly
    assert "≥ 100 → 2 điểm; 80 – &lt; 100 → 1 điểm; dưới 80 → 0 điểm" in page
    assert "Kế hoạch CCHC năm" in page
    assert "Có kế hoạch ban hành đúng hạn thì đạt." in page
    assert "Quyết định 876/QĐ-BNV (10/11/2022), Phụ lục I" in page
    # total maximum: 5 + 6.5 + 3 + 1 + 6 = 21.5
    assert '<td class="num">21,5</td>' in page


def test_markdown_in_english(rulebook):
    text = to_markdown(build_handbook(rulebook, "en"))
    assert text.startswith("# Test criteria set")
    assert "### **1** Direction (5 points)" in text
    assert "- **1.2** Plan completion rate (2 points)" in text
    assert "≥ 100 → 2 points; 80 – \\< 100 → 1 point; below 80 → 0 points" in text  # "<" escaped for Markdown
    assert "| Excellent | Index ≥ 90 |" in text
    assert "## Grading bands: Districts" in text
    assert "Units not ranked: Not ranked" in text
    assert "What changed" not in text  # not a derived rulebook


def test_xlsx_sheet(rulebook, tmp_path):
    path = write_handbook(rulebook, tmp_path / "hb.xlsx", "vi")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Bộ tiêu chí", "Xếp loại"]
    ws = wb["Bộ tiêu chí"]
    rows = {r[0]: r for r in ws.iter_rows(values_only=True) if r[0]}
    assert rows["2.2"][2] == 2.5
    assert rows["2.2"][3] == "tốt → 2,5 điểm; đầy đủ → 2 điểm; một phần → 1 điểm; không → 0 điểm"
    assert rows["2"][7] == "Sở, ban, ngành"  # applies to departments only
    bands = [r for r in wb["Xếp loại"].iter_rows(min_row=2, values_only=True)]
    assert ("Xếp loại", "Xuất sắc", "Chỉ số ≥ 90") == bands[0][:3]


def test_what_changed_for_a_derived_rulebook(tmp_path):
    draft = load_rulebook(FIXTURES / "draft.yaml")
    book = build_handbook(draft, "en")
    title, lines = book.changes
    assert title == "What changed against docs-small"
    assert len(lines) >= 2
    joined = " ".join(lines)
    assert "4.2" in joined and "92" in joined
    assert "What changed against docs-small" in to_markdown(book)
    wb = openpyxl.load_workbook(write_handbook(draft, tmp_path / "d.xlsx", "en"))
    assert "Changes" in wb.sheetnames


def test_unknown_format_is_refused(rulebook, tmp_path):
    with pytest.raises(CchcError) as err:
        write_handbook(rulebook, tmp_path / "hb.pdf")
    assert err.value.problems[0].code == "W701"
    assert not (tmp_path / "hb.pdf").exists()


def test_command_writes_each_format(tmp_path, capsys):
    for suffix in ("html", "md", "xlsx"):
        out = tmp_path / f"hb.{suffix}"
        assert main(["handbook", str(FIXTURES / "small.yaml"), "--out", str(out), "--lang", "en"]) == 0
        assert out.stat().st_size > 1000
    assert main(["handbook", str(FIXTURES / "small.yaml")]) == 0
    assert "# Bộ tiêu chí thử nghiệm" in capsys.readouterr().out
