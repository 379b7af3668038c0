"""Values filled by a missing policy, criteria without data, unscored units: counts worked out by hand.

Groups a (A, B) and b (C, D). Leaves: 1.1 binary max 2 (missing: zero, the default), 1.2 points
max 3 (missing: max), 2.1 points max 5 (missing: na), 3.1 binary max 1 (field 3 applies to b only).
Values (None = empty at every stage):
    1.1: A 1, B —, C —, D 1     → filled: B (zero), C (zero)
    1.2: A 3, B 3, C —, D 3     → filled: C (max)
    2.1: A 5, B —, C 2, D NA    → filled: B (na); D's NA is data, not a gap
    3.1: C —, D —               → filled: C, D (zero): no unit of group b has data → E410
Per unit: A 0, B 2, C 3, D 1 (6 in all); per criterion: 1.1 2, 1.2 1, 2.1 1, 3.1 2.
C's index: 1.1 0/2 + 1.2 3/3 + 2.1 2/5 + 3.1 0/1 = 5/11 × 100 = 45.454545455.
"""

from __future__ import annotations

import numpy as np
import pytest

from cchc_rules.report.gaps import criterion_table, gap_lines, unit_table


def leaf(lid, rule, mx, **extra):
    return {"id": lid, "name": {"vi": f"Lá {lid}", "en": f"Leaf {lid}"}, "max": mx, "rule": rule, **extra}


CRITERIA = [
    {"id": "1", "name": "Một", "children": [leaf("1.1", {"binary": {}}, 2), leaf("1.2", {"points": {}}, 3,
                                                                                 missing="max")]},
    {"id": "2", "name": "Hai", "children": [leaf("2.1", {"points": {}}, 5, missing="na")]},
    {"id": "3", "name": "Ba", "applies_to": ["b"], "children": [leaf("3.1", {"binary": {}}, 1)]},
]


@pytest.fixture(scope="module")
def result(eng):
    rb = eng.rulebook(CRITERIA)
    values = {"1.1": [1, None, None, 1], "1.2": [3, 3, None, 3], "2.1": [5, None, 2, "NA"],
              "3.1": [None, None, None, None]}
    return eng.run(rb, [("A", "a"), ("B", "a"), ("C", "b"), ("D", "b")], values)


def test_filled_per_unit_and_per_criterion(result):
    assert result.filled.sum(axis=1).tolist() == [0, 2, 3, 1]
    assert result.filled.sum(axis=0).tolist() == [2, 1, 1, 2]  # leaves 1.1, 1.2, 2.1, 3.1
    assert result.units["filled"].tolist() == [0, 2, 3, 1]
    assert result.units["index"].iat[2] == pytest.approx(500 / 11, abs=1e-9)


def test_gaps_per_criterion_and_group(result):
    g = result.gaps
    rows = {(r.leaf_id, r.group): (r.policy, r.filled, r.units) for r in g.itertuples()}
    assert rows == {("1.1", "a"): ("zero", 1, 2), ("2.1", "a"): ("na", 1, 2), ("1.1", "b"): ("zero", 1, 2),
                    ("1.2", "b"): ("max", 1, 2), ("3.1", "b"): ("zero", 2, 2)}
    assert result.no_data[["leaf_id", "group", "filled", "units"]].values.tolist() == [["3.1", "b", 2, 2]]


def test_warning_names_the_criterion_without_data(result):
    assert [p.code for p in result.warnings] == ["E410"]
    w = result.warnings[0]
    assert w.params["n"] == 2 and w.params["total"] == 2 and w.params["groups"] == ["b"]
    assert w.what("en").startswith("3.1: no data for 2 of 2 units")
    assert w.what("vi").startswith("3.1: không có dữ liệu cho 2 trên 2 đơn vị")


@pytest.mark.parametrize("lang, head", [("en", "Note: 6 values filled by the missing policy, in 3 units."),
                                        ("vi", "Lưu ý: 6 giá trị được điền theo quy định khi thiếu dữ liệu")])
def test_console_note(result, lang, head):
    lines = gap_lines(result, lang)
    assert lines[0].startswith(head)
    assert lines[1].endswith("1.1 2, 3.1 2, 1.2 1, 2.1 1")  # largest first, ties in leaf order
    assert lines[2].endswith("C 3, B 2, D 1")
    assert "E410" in lines[3]


def test_report_tables(result):
    t = criterion_table(result, "en")
    assert t["Values filled"].tolist() == ["1", "1", "1", "1", "2"]
    assert t["No data at all"].tolist() == ["no", "no", "no", "no", "yes"]
    u = unit_table(result, "vi")
    assert u["Mã"].tolist() == ["B", "C", "D"] and u["Tiêu chí"].tolist() == ["1.1, 2.1", "1.1, 1.2, 3.1", "3.1"]


def test_nothing_filled_says_nothing(eng):
    rb = eng.rulebook([CRITERIA[0]])
    r = eng.run(rb, [("A", "a")], {"1.1": [1], "1.2": [2]})
    assert not r.filled.any() and r.gaps.empty and r.no_data.empty and r.warnings == []
    assert gap_lines(r, "en") == []
    assert np.array_equal(r.unscored, [False])


def test_score_command_notes_blank_cells_of_one_unit(tmp_path, capsys):
    # The sample province 2023 scored with the 2024 rulebook, every value of one department blanked (except
    # under `missing: error`; its survey answers stay): the default `missing: zero` fills each blank leaf.
    # The note says how many, for which unit.
    import shutil
    from pathlib import Path

    import pandas as pd

    from cchc_rules.cli import main
    from cchc_rules.dsl.load import load_rulebook

    root = Path(__file__).resolve().parents[2]
    data = tmp_path / "data"
    shutil.copytree(root / "datasets" / "sample-province-2023", data)
    table = pd.read_csv(data / "assessments.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    rulebook = root / "rulebooks" / "par-province-2024.yaml"
    rb = load_rulebook(rulebook)
    leaves = {leaf.id for leaf in rb.leaves() if rb.missing_for(leaf) != "error"}  # those stay (else E401)
    mine = (table["unit_id"] == "so-noi-vu") & table["criterion_id"].isin(leaves)
    blanked = int(mine.sum())  # adjustment rows are not leaves: kept
    table.loc[mine, ["self", "appraisal_1", "appraisal_2"]] = ""
    table.to_csv(data / "assessments.csv", index=False)
    assert main(["score", str(rulebook), str(data), "--lang", "en"]) == 0
    err = capsys.readouterr().err
    assert "Note: " in err and "filled by the missing policy" in err
    assert f"by unit: so-noi-vu {blanked}" in err


def test_a_unit_with_nothing_applicable_is_located_and_the_others_go_on(tmp_path, capsys):
    # The four departments of the analysis fixture, D's two criteria marked NA (rescaled out): D is unscored,
    # its row of units.csv (line 5: header, A, B, C, D) is named, A, B, C keep ranks 1, 2, 3 (80, 70, 50).
    import shutil
    from pathlib import Path

    import pandas as pd

    from cchc_rules.cli import main

    fixtures = Path(__file__).resolve().parents[1] / "analysis" / "fixtures"
    data = tmp_path / "data"
    shutil.copytree(fixtures / "year-1", data)
    table = pd.read_csv(data / "assessments.csv", dtype=str, keep_default_na=False)
    table.loc[table["unit_id"] == "D", ["self", "appraisal"]] = "NA"
    table.to_csv(data / "assessments.csv", index=False)
    out_dir = tmp_path / "out"
    assert main(["score", str(fixtures / "base.yaml"), str(data), "--lang", "en", "--out", str(out_dir)]) == 0
    captured = capsys.readouterr()
    assert f"{data / 'units.csv'}:5:1: warning E402 (units/D): Unit 'D' is unscored" in captured.err
    units = pd.read_csv(out_dir / "units.csv", keep_default_na=False)
    assert units["rank"].astype(str).tolist() == ["1", "2", "3", ""]
    assert units["note"].iat[3].endswith("unscored: no criterion counts") and units["published"].iat[3] == "—"
