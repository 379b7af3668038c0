"""Text from the data stays text in every new output; every new command has help in both languages."""

from __future__ import annotations

import json

import openpyxl
import pytest

from cchc_rules.cli import main

HOSTILE = {"u1": {"a": (6, 3), "b": (1, 1), "c": (10, 8)}, "u2": {"a": (4, 4), "b": (0, 0), "c": (6, 6)}}


@pytest.mark.parametrize("command", ["appraisal", "uncertainty", "remove-one", "dead-criteria", "import", "card",
                                     "panel"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_help_in_both_languages(command, lang, capsys):
    with pytest.raises(SystemExit) as end:
        main([command, "--help", "--lang", lang])
    assert end.value.code == 0
    assert ("cách dùng" if lang == "vi" else "usage") in capsys.readouterr().out


def test_names_from_the_data_are_escaped_and_never_formulas(tiny_files, tmp_path):
    rb, ds = tiny_files(HOSTILE)
    units = ds / "units.csv"
    text = units.read_text(encoding="utf-8-sig")
    units.write_text(text.replace("Đơn vị u1", "<script>alert(1)</script>").replace("Đơn vị u2", "=1+2"),
                     encoding="utf-8-sig")
    council, cards = tmp_path / "council", tmp_path / "cards"
    assert main(["appraisal", str(rb), str(ds), "--out", str(council)]) == 0
    assert main(["card", str(rb), str(ds), "--out", str(cards)]) == 0
    for page in (council / "report.html", cards / "u1.html", cards / "index.html"):
        body = page.read_text(encoding="utf-8")
        assert "<script>alert" not in body and "&lt;script&gt;" in body
    for book in (council / "report.xlsx", cards / "cards.xlsx"):
        wb = openpyxl.load_workbook(book)
        cells = [c for ws in wb for row in ws.iter_rows() for c in row
                 if isinstance(c.value, str) and "=1+2" in c.value]
        assert cells and all(c.data_type == "s" for c in cells)
    assert json.loads((cards / "cards.json").read_text(encoding="utf-8"))[1]["name"] == "=1+2"
