"""Text stays text: a name beginning with = + - @ or a tab never becomes a live formula (issue 11, item 3)."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

from cchc_rules.cli import main
from cchc_rules.data.load import load_dataset
from cchc_rules.data.workbook_read import read_workbook
from cchc_rules.documents.workbook import write_workbook
from cchc_rules.dsl.load import load_rulebook

from .conftest import ATTACKS, RULEBOOK


def _formulas(path: Path) -> list[str]:
    """The formula cells of a workbook (openpyxl reads a stored formula as data type 'f')."""
    wb = openpyxl.load_workbook(path)
    return [f"{ws.title}!{c.coordinate}={c.value}" for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "f"]


def _texts(path: Path) -> set[str]:
    wb = openpyxl.load_workbook(path)
    return {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}


def test_score_outputs_hold_no_formula_and_csv_cells_are_quoted(hostile_dataset: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert main(["score", str(RULEBOOK), str(hostile_dataset), "--out", str(out)]) == 0
    for book in ("tables.xlsx", "results.xlsx"):
        assert _formulas(out / book) == [], book
    # the names are there, as text (the first attack, e.g., is the whole HYPERLINK text)
    assert ATTACKS[0] in _texts(out / "tables.xlsx")
    with open(out / "units.csv", encoding="utf-8-sig", newline="") as f:
        names = [row["name"] for row in csv.DictReader(f)]
    for attack in ATTACKS[:6]:
        # the data layer trims cells (the tab goes); csv_cell puts an apostrophe before = + - @
        text = attack.strip()
        assert ("'" + text if text[0] in "=+-@" else text) in names, attack
    assert not any(name.startswith(("=", "+", "-", "@", "\t")) for name in names)
    assert not any("\x1b" in name for name in names)


def test_self_assessment_workbook_keeps_names_as_text_and_reads_back(hostile_dataset: Path, tmp_path: Path):
    rulebook = load_rulebook(RULEBOOK)
    dataset = load_dataset(hostile_dataset, rulebook)
    path = write_workbook(rulebook, tmp_path / "book.xlsx", dataset=dataset)
    formulas = _formulas(path)
    assert formulas, "the workbook's own formulas must stay live"
    for attack in ATTACKS:
        assert not any(attack in f for f in formulas), attack
    # the tool reads back its own unedited workbook: no W714 (formula in an input cell)
    again = read_workbook(path, rulebook)  # raised CchcError with 41 × W714 before
    assert set(again.units["name"]) >= {a.strip() for a in ATTACKS[:4]}
    notes = again.assessments["note_appraisal_1"].dropna()
    assert (notes == "=SUM(1,2) @note -minus +plus").sum() == 41


def test_markdown_handbook_carries_no_raw_html(tmp_path: Path):
    from cchc_rules.documents.handbook import build_handbook, to_markdown

    source = RULEBOOK.read_text(encoding="utf-8")
    english = 'en: "PAR index of provincial departments and district committees, 2024 (illustrative)"'
    assert english in source
    hostile = source.replace(english, 'en: "<img src=x onerror=alert(1)> [click](http://evil.example)"', 1)
    path = tmp_path / "rb.yaml"
    path.write_text(hostile, encoding="utf-8")
    text = to_markdown(build_handbook(load_rulebook(path), "en"))
    import re

    assert not re.search(r"(?<!\\)<img", text) and not re.search(r"(?<!\\)\]\(http", text)  # no unescaped mark
    assert "\\<img src=x onerror=alert(1)\\> \\[click\\](http://evil.example)" in text


def test_an_edited_hidden_header_is_refused_not_a_traceback(tmp_path: Path):
    """Found by `make fuzz`: a hidden header cell overwritten gave a KeyError. The units now live in the
    issued copy; the hidden sheet left in the file is `_cchc` (format, rulebook, issue id)."""
    import pytest

    from cchc_rules.problems import CchcError

    from .conftest import DATASET

    rulebook = load_rulebook(RULEBOOK)
    path = write_workbook(rulebook, tmp_path / "book.xlsx", dataset=load_dataset(DATASET, rulebook))
    for cell in ("A1", "B1"):  # the `format` key, then its value
        wb = openpyxl.load_workbook(path)
        wb["_cchc"][cell] = 1.4e-45
        wb.save(tmp_path / "edited.xlsx")
        with pytest.raises(CchcError) as exc:
            read_workbook(tmp_path / "edited.xlsx", rulebook, tmp_path / "book.issued.json")
        assert [p.code for p in exc.value.errors] == ["W710"]
