"""`cchc score`, `cchc explain` and `cchc test` on a small dataset whose numbers are worked by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cchc_rules.cli import main

FIXTURES = Path(__file__).parent / "golden_fixtures"
RULEBOOK = FIXTURES / "rulebooks" / "mini.yaml"
LEAVES = ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3"]
BEST = ["1", "100", "good", "0", "100", "1", "10", "1", "1"]


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    """Three departments and a district, values at the appraisal stage (self only for D1's 1.1).

    D1 best everywhere: 100. D2 1.1 = 0: 80. D3 3.1 = 5 and 3.3 = 0 (the worst of the
    departments; D1 and D2 have 1): 100 − 5 − 10 = 85. X1 (district, field 2 does not apply):
    70 / 70 × 100 = 100. Quota: floor(0.5 × 3) = 1 excellent among departments → D1 only.
    Only D1 has self values: its best ones except 1.1 = 0, so at stage self D1 scores 100 − 20 = 80
    (its 3.3 is the only relative value at self: max) and the others 0 (missing: zero).
    """
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "units.csv").write_text(
        "unit_id,name,group,flags\nD1,Sở Tư pháp,department,\nD2,Sở Tài chính,department,\n"
        "D3,Sở Y tế,department,\nX1,UBND huyện Ba Bể,district,\n",
        encoding="utf-8",
    )
    rows = ["unit_id,criterion_id,self,appraisal"]
    for unit in ("D1", "D2", "D3", "X1"):
        for leaf, best in zip(LEAVES, BEST):
            if unit == "X1" and leaf.startswith("2."):
                continue
            value = {("D2", "1.1"): "0", ("D3", "3.1"): "5", ("D3", "3.3"): "0"}.get((unit, leaf), best)
            self_value = ("0" if leaf == "1.1" else best) if unit == "D1" else ""
            rows.append(f"{unit},{leaf},{self_value},{value}")
    (folder / "assessments.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def test_score_table_in_english(dataset, capsys):
    assert main(["score", str(RULEBOOK), str(dataset), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Unit" in out and "Band" in out and "Rank" in out
    lines = [line for line in out.splitlines() if line.split()[:1] in (["D1"], ["D2"], ["D3"], ["X1"])]
    # departments by rank: D1 100 (1), D3 85 (2), D2 80 (3); then the district
    assert [line.split()[0] for line in lines] == ["D1", "D3", "D2", "X1"]
    assert "100.00" in lines[0] and "Excellent" in lines[0]
    assert "85.00" in lines[1] and "Good" in lines[1]


def test_score_table_in_vietnamese(dataset, capsys):
    assert main(["score", str(RULEBOOK), str(dataset)]) == 0
    out = capsys.readouterr().out
    assert "Đơn vị" in out and "Xếp loại" in out and "Hạng" in out and "Xuất sắc" in out


def test_score_json(dataset, capsys):
    assert main(["score", str(RULEBOOK), str(dataset), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rulebook"] == "golden-mini"
    units = {u["unit_id"]: u for u in data["units"]}
    assert set(units["D1"]) == {"unit_id", "group", "index", "published", "band", "rank", "nodes"}
    assert units["D3"]["index"] == 85 and units["D3"]["band"] == "good" and units["D3"]["rank"] == 2
    assert units["X1"]["nodes"]["2"] is None and units["X1"]["index"] == 100
    assert units["D2"]["published"] == "80.00"


def test_score_at_a_stage(dataset, capsys):
    assert main(["score", str(RULEBOOK), str(dataset), "--json", "--stage", "self"]) == 0
    units = {u["unit_id"]: u for u in json.loads(capsys.readouterr().out)["units"]}
    assert units["D1"]["index"] == 80
    assert units["D2"]["index"] == 0


def test_score_out_writes_every_table(dataset, tmp_path, capsys):
    out = tmp_path / "results"
    assert main(["score", str(RULEBOOK), str(dataset), "--out", str(out), "--lang", "en"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        ".cchc-output.json", "ledger.csv", "nodes.csv", "results.xlsx", "tables.xlsx", "units.csv"]
    units = pd.read_csv(out / "units.csv")
    assert units.set_index("unit_id").loc["D3", "index"] == 85
    ledger = pd.read_csv(out / "ledger.csv")
    assert set(ledger["unit_id"]) == {"D1", "D2", "D3", "X1"}
    sheets = pd.read_excel(out / "tables.xlsx", sheet_name=None)
    assert list(sheets) == ["units", "nodes", "ledger"]
    assert sheets["units"].set_index("unit_id").loc["D3", "index"] == 85
    assert len(sheets["nodes"]) == len(pd.read_csv(out / "nodes.csv"))
    assert set(sheets["ledger"]["unit_id"]) == {"D1", "D2", "D3", "X1"}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary folder left


def test_bad_data_lists_every_problem_and_writes_nothing(dataset, tmp_path, capsys):
    text = (dataset / "assessments.csv").read_text(encoding="utf-8")
    text = text.replace("D2,1.3,,good", "D2,1.3,,excellent").replace("D3,2.3,,1", "D3,2.3,,7/4")
    (dataset / "assessments.csv").write_text(text, encoding="utf-8")
    out = tmp_path / "results"
    assert main(["score", str(RULEBOOK), str(dataset), "--out", str(out), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "2 errors" in err and "excellent" in err and "7/4" in err
    assert not out.exists()


def test_explain_prints_the_ledger(dataset, capsys):
    assert main(["explain", str(RULEBOOK), str(dataset), "D3", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "3.3" in out and "85" in out


def test_explain_an_unknown_unit_names_the_nearest(dataset, capsys):
    assert main(["explain", str(RULEBOOK), str(dataset), "D4", "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "D4" in err and "D1" in err


def test_cchc_test_passes_and_summarises(capsys):
    assert main(["test", str(FIXTURES / "cases" / "mini.yaml"), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.count("✓") == 15
    assert out.rstrip().endswith("15 passed, 0 failed")


def test_cchc_test_fails_on_a_wrong_expectation(tmp_path, capsys):
    path = tmp_path / "wrong.yaml"
    path.write_text(
        f"rulebook: {RULEBOOK}\ncases:\n  - name: wrong\n    unit: {{group: department}}\n"
        "    values: {base: best, '1.2': 85}\n    expect: {index: 96}\n",
        encoding="utf-8",
    )
    assert main(["test", str(path), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "✗ wrong" in out and "expected 96, got 95" in out and "Ledger of unit U" in out
    assert out.rstrip().endswith("0 passed, 1 failed")


def test_cchc_test_reports_an_invalid_file(capsys):
    assert main(["test", str(FIXTURES / "invalid"), "--lang", "en"]) == 1
    captured = capsys.readouterr()
    assert "G504" in captured.err and "mistakes.yaml:5" in captured.err
    assert "1 invalid golden file\n" in captured.out
