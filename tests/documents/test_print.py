"""The Excel outputs print on A4: converted to PDF by LibreOffice, their pages counted and read.

Needs LibreOffice (`scripts/install-libreoffice.sh`); skipped without it outside CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from cchc_rules.cli import main
from cchc_rules.data.load import load_dataset
from cchc_rules.data.workbook_layout import FIRST_ROW, Layout
from cchc_rules.documents.handbook import write_handbook
from cchc_rules.documents.results import write_results_workbook
from cchc_rules.documents.workbook import write_workbook
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.engine.score import score

pypdf = pytest.importorskip("pypdf")

ROOT = Path(__file__).resolve().parents[2]
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
if SOFFICE is None and os.environ.get("CI", "").lower() != "true":
    pytest.skip("LibreOffice is not installed (soffice): run scripts/install-libreoffice.sh", allow_module_level=True)

A4 = sorted((595.3, 841.9))  # points, either way round


def convert(path: Path, to: str, profile: Path) -> Path:
    """`path` converted by LibreOffice (`to`: pdf or xlsx) into a folder beside it."""
    out = path.parent / f"converted-{to}"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", to, "--outdir",
         str(out), str(path)],
        check=True, capture_output=True, timeout=300,
    )
    return out / f"{path.stem}.{to}"


def pages(pdf: Path) -> list[tuple[bool, str]]:
    """(landscape, text) of every page; each page checked to be A4."""
    out = []
    for page in pypdf.PdfReader(pdf).pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert sorted((w, h)) == pytest.approx(A4, abs=1), (w, h)
        out.append((w > h, page.extract_text()))
    return out


@pytest.fixture(scope="module")
def profile(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("lo-profile")


@pytest.fixture(scope="module")
def province():
    rulebook = load_rulebook(ROOT / "rulebooks/par-province-2024.yaml")
    return rulebook, load_dataset(ROOT / "datasets/sample-province-2024", rulebook)


def test_the_27_unit_workbook_prints_one_page_per_unit(province, profile, tmp_path):
    rulebook, dataset = province
    path = write_workbook(rulebook, tmp_path / "so-tu-danh-gia.xlsx", dataset=dataset, lang="vi")
    printed = pages(convert(path, "pdf", profile))
    # The summary (27 rows: one upright page), then each of the 27 units on one landscape page.
    assert len(printed) == 1 + 27
    assert not printed[0][0] and all(landscape for landscape, _ in printed[1:])
    first = printed[1][1]
    assert "vp-ubnd" in first and "Văn phòng UBND tỉnh" in first  # the unit it is for, on its page
    assert "Trang 2/28" in first and "par-province-2024" in first and "2024" in first  # page number, rulebook, year
    assert "###" not in "".join(text for _, text in printed)  # no column too narrow for its number


def test_the_ranking_of_19_departments_prints_on_one_page_with_its_signatures(province, profile, tmp_path):
    rulebook, dataset = province
    path = write_results_workbook(score(rulebook, dataset), tmp_path / "ket-qua.xlsx", "vi")
    printed = pages(convert(path, "pdf", profile))
    departments = [i for i, (_, text) in enumerate(printed) if "Sở, ban, ngành" in text or "so-tu-phap" in text]
    assert departments[0] == 0
    first = printed[0][1]
    # all 19 departments (18 ranked and Thanh tra tỉnh, not ranked), then the place, date and signatures
    units = [u for u in dataset.units.itertuples() if u.group == "department"]
    assert len(units) == 19 and all(u.unit_id in first for u in units)
    assert "ngày" in first and "NGƯỜI LẬP BIỂU" in first and "THỦ TRƯỞNG CƠ QUAN" in first
    assert "so-noi-vu" not in printed[1][1]  # the next page is another sheet, not the rest of the ranking


def test_tables_and_handbook_print_on_a4(province, profile, tmp_path, capsys):
    rulebook, _ = province
    out = tmp_path / "out"
    rb, ds = ROOT / "rulebooks/par-province-2024.yaml", ROOT / "datasets/sample-province-2024"
    assert main(["score", str(rb), str(ds), "--out", str(out)]) == 0
    tables = openpyxl.load_workbook(out / "tables.xlsx")
    units = tables["units"]
    assert units.print_title_rows in ("1:1", "$1:$1") and units.freeze_panes == "A2"
    assert str(units.page_setup.paperSize) == units.PAPERSIZE_A4 and units.page_setup.fitToWidth == 1
    index = next(c.column for c in units[1] if c.value == "index")
    assert isinstance(units.cell(row=2, column=index).value, float)
    assert units.cell(row=2, column=index).number_format == "0.00"
    published = next(c.column for c in units[1] if c.value == "published")
    assert isinstance(units.cell(row=2, column=published).value, float)  # not text
    printed = pages(convert(out / "tables.xlsx", "pdf", profile))
    assert all(landscape for landscape, _ in printed)
    handbook = write_handbook(rulebook, tmp_path / "so-tay.xlsx", "vi")
    printed = pages(convert(handbook, "pdf", profile))
    assert printed[0][0] and "Trang 1/" in printed[0][1]


def test_a_workbook_saved_by_libreoffice_reads_back(rulebook, profile, tmp_path):
    import pandas as pd

    units = pd.DataFrame({"unit_id": ["D1"], "name": ["Sở Tư pháp"], "group": ["department"]})
    path = write_workbook(rulebook, tmp_path / "u.xlsx", units=units)
    wb = openpyxl.load_workbook(path)
    ws = wb["D1"]
    row = next(r for r in range(FIRST_ROW, ws.max_row + 1) if ws.cell(row=r, column=1).value == "1.2")
    ws.cell(row=row, column=Layout(("self", "appraisal")).stage(0)).value = 85
    wb.save(path)
    saved = convert(path, "xlsx", profile)  # LibreOffice writes its own spelling of every formula
    shutil.copy(path.with_suffix(".issued.json"), saved.with_suffix(".issued.json"))
    back = load_dataset(saved, rulebook)
    one = back.assessments[back.assessments["criterion_id"] == "1.2"]
    assert one["self"].tolist() == ["85"]
