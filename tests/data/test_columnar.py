"""The columnar CSV reader and coded parsing give exactly what the plain, cell-by-cell path gives."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cchc_rules.data.coded import coded
from cchc_rules.data.load import dataset_from_frames, load_dataset
from cchc_rules.data.model import Dataset
from cchc_rules.data.parse import parse
from cchc_rules.data.read import read_csv, read_csv_plain
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.problems import CchcError, Problems

ROOT = Path(__file__).resolve().parents[2]

TRICKY = {
    "plain": "unit_id,criterion_id,self\nA,1.1,có\nB,1.1,0\n",
    "bom_and_crlf": "\ufeffunit_id,criterion_id,self\r\nA,1.1,có\r\n",
    "semicolons": "unit_id;criterion_id;self\nA;1.1;8,5\n",
    "tabs": "unit_id\tcriterion_id\tself\nA\t1.1\t1\n",
    "quoted_newline_and_comma": 'unit_id,name,group\nA,"Sở ""Nội"" vụ,\ntỉnh",department\n',
    "padded_and_nfd": "unit_id , criterion_id,self\n A ,1.1\u00a0, Ho\u0302 \n",
    "controls_and_clean_accents": "unit_id,name,group\nA\x01,Sở Nội vụ ,department\nB,x\x7fy\u0090, Đạt\n",
    "trailing_separators": "unit_id,criterion_id,self,\nA,1.1,1,\nB,1.1,0,\n",
    "repeated_header": "unit_id,self,self\nA,1,2\n",
    "empty_cells_and_rows": "unit_id,criterion_id,self\nA,,\n,,\nB,1.1,NA\n",
    "header_only": "unit_id,criterion_id,self\n",
    "blank_line": "unit_id,criterion_id,self\nA,1.1,1\n\nB,1.1,0\n",
    "ragged_short": "unit_id,criterion_id,self\nA,1.1\n",
    "ragged_long": "unit_id,criterion_id,self\nA,1.1,1,9\n",
    "open_quote": 'unit_id,criterion_id,self\nA,"1.1,1\n',
    "whitespace_only": "  \n",
    "no_name_no_cell": ",\n,\n,\n",
}


def _frames_equal(a: pd.DataFrame | None, b: pd.DataFrame | None) -> None:
    assert (a is None) == (b is None)
    if a is not None:
        pd.testing.assert_frame_equal(a, b)
        assert a.attrs == b.attrs


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_csv_reads_as_the_plain_reader_does(tmp_path: Path, name: str) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(TRICKY[name].encode("utf-8"))
    fast, plain = Problems(), Problems()
    _frames_equal(read_csv(path, fast), read_csv_plain(path, plain))
    assert [p.code for p in fast] == [p.code for p in plain]


def test_not_utf8_is_reported_as_before(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes("unit_id,name\nA,Café\n".encode("latin-1"))
    problems = Problems()
    assert read_csv(path, problems) is None
    assert [p.code for p in problems] == [p.code for p in _plain_problems(path)]


def _plain_problems(path: Path) -> Problems:
    problems = Problems()
    read_csv_plain(path, problems)
    return problems


def test_shipped_csv_files_read_identically() -> None:
    files = sorted((ROOT / "datasets").rglob("*.csv"))
    assert len(files) >= 10
    for path in files:
        _frames_equal(read_csv(path, Problems()), read_csv_plain(path, Problems()))


def test_codes_are_what_factorize_gives(tmp_path: Path) -> None:
    # " A" and "A" tidy to the same text; the header's own text is no code; empty cells are −1
    path = tmp_path / "t.csv"
    path.write_text("unit_id,x\n B,1\nA,\n A,2\nB ,\n", encoding="utf-8")
    table = read_csv(path, Problems())
    codes, texts = coded(table, "unit_id")
    assert codes.tolist() == [0, 1, 1, 0] and texts.tolist() == ["B", "A"]
    codes, texts = coded(table, "x")
    assert codes.tolist() == [0, -1, 1, -1] and texts.tolist() == ["1", "2"]
    again = table.copy()  # another table: no reader codes, factorize gives the same
    assert coded(again, "x")[0].tolist() == [0, -1, 1, -1]


def _uncoded(dataset: Dataset) -> Dataset:
    """The same tables as new frames, which the reader did not make: parsing factorizes them."""
    return Dataset(units=dataset.units.copy(), assessments=dataset.assessments.copy(),
                   survey=None if dataset.survey is None else dataset.survey.copy(), meta=dataset.meta,
                   path=dataset.path)


def _same_inputs(a, b) -> None:
    for name in ("value", "status", "adjustment", "survey_n"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    pd.testing.assert_frame_equal(a.units, b.units)
    assert [(p.code, p.params) for p in a.notes] == [(p.code, p.params) for p in b.notes]


@pytest.mark.parametrize(("rulebook", "data"), [
    ("par-province-2024.yaml", "sample-province-2023"),
    ("par-province-2024.yaml", "sample-province-2024"),
    ("par-communes-2024.yaml", "sample-communes-2024"),
    ("par-province-2025.yaml", "sample-province-2025"),
])
def test_coded_parsing_equals_plain_parsing(rulebook: str, data: str) -> None:
    book = load_rulebook(ROOT / "rulebooks" / rulebook)
    dataset = load_dataset(ROOT / "datasets" / data, book)
    found = Problems()
    _same_inputs(parse(dataset, book, Problems()), parse(_uncoded(dataset), book, found))
    assert not found.errors


def test_coded_parsing_reports_bad_cells_as_plain_parsing_does(tmp_path: Path) -> None:
    book = load_rulebook(ROOT / "rulebooks" / "par-province-2024.yaml")
    source = ROOT / "datasets" / "sample-province-2023"
    folder = tmp_path / "bad"
    folder.mkdir()
    for file in source.iterdir():
        (folder / file.name).write_bytes(file.read_bytes())
    lines = (folder / "assessments.csv").read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    for i in (3, 40, 41, 200):  # a cell made bad, an unknown criterion, a repeated row
        cells = lines[i].split(",")
        cells[header.index("self")] = "tám"
        lines[i] = ",".join(cells)
    lines.append(lines[5])
    lines.append(lines[6].replace(lines[6].split(",")[1], "9.99", 1))
    (folder / "assessments.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CchcError) as read:
        load_dataset(folder, book)
    frames = {name: pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
              for name in ("units", "assessments", "survey")}
    with pytest.raises(CchcError) as built:
        load_dataset_from = dataset_from_frames(frames["units"], frames["assessments"], frames["survey"])
        parse_all = Problems()
        parse(load_dataset_from, book, parse_all)
        parse_all.raise_if_errors()
    # a problem repeated on several rows is one grouped problem: counted once per row
    got = sorted((p.code, str(p.params.get("value", ""))) for p in read.value.problems if p.severity == "error"
                 for _ in range(p.count))
    want = sorted((p.code, str(p.params.get("value", ""))) for p in built.value.problems if p.severity == "error"
                  for _ in range(p.count))
    assert got == want and len(got) >= 6


def test_a_lone_quoted_line_break_past_the_first_block_is_read(tmp_path: Path) -> None:
    """The reader is told whether values may hold line breaks by whether the file has a quote anywhere: one far down
    (past the first block Arrow reads) still counts."""
    path = tmp_path / "t.csv"
    path.write_bytes(b"unit_id,criterion_id,note\n" + b"A,1.1,x\n" * 700_000 + b'B,1.1,"two\nlines"\n')
    table = read_csv(path, Problems())
    assert table is not None and len(table) == 700_001
    assert table["note"].iat[-1] == "two\nlines" and table["_row"].iat[-1] == 700_002
