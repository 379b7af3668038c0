"""The ledger as a tree: subtotals with caps, best-k and floors applied, and why a unit is not ranked.

Field "c" (capped at 3) over c1, c2 (points, max 2 each); field "b" (best 2 of 3) over b1, b2, b3
(points, max 2 each; max 4); field "f" (floor 1, max 2) over f1 (points, max 2).
Unit A: c1 2, c2 2 → sum 4, capped 3; b1 2, b2 1, b3 0.5 → best two 2 + 1 = 3 (b3 dropped);
        f1 0 → sum 0, floor 1. Index (3 + 3 + 1) / (3 + 4 + 2) × 100 = 77.777777778.
Unit B carries the exclusion flag; unit C has every leaf NA (nothing applicable: unscored).
"""

from __future__ import annotations

import pytest


def leaf(lid, mx=2):
    return {"id": lid, "name": {"vi": f"Lá {lid}", "en": f"Leaf {lid}"}, "max": mx, "rule": {"points": {}},
            "missing": "na"}


CRITERIA = [
    {"id": "c", "name": {"vi": "Trần", "en": "Capped"}, "aggregate": "capped", "max": 3,
     "children": [leaf("c1"), leaf("c2")]},
    {"id": "b", "name": {"vi": "Chọn", "en": "Best"}, "aggregate": {"best": 2},
     "children": [leaf("b1"), leaf("b2"), leaf("b3")]},
    {"id": "f", "name": {"vi": "Sàn", "en": "Floor"}, "floor": 1, "children": [leaf("f1")]},
]


@pytest.fixture(scope="module")
def result(eng):
    rb = eng.rulebook(CRITERIA, ranking={"exclude_flag": "not_ranked"})
    values = {"c1": [2, 2, None], "c2": [2, 2, None], "b1": [2, 2, None], "b2": [1, 1, None],
              "b3": [0.5, 0.5, None], "f1": [0, 0, None]}
    return eng.run(rb, [("A", "a"), ("B", "a", ["not_ranked"]), ("C", "a")], values)


def test_subtotals_show_cap_best_k_and_floor(result):
    assert result.units["index"].iat[0] == pytest.approx(700 / 9, abs=1e-9)
    rows = result.explain("A", "en").rows.set_index("id")
    assert rows.loc["c", "section"] == "node" and rows.loc["c", "points"] == 3 and rows.loc["c", "max"] == 3
    assert "capped at 3: 4 → 3" in rows.loc["c", "detail"]
    assert rows.loc["b", "points"] == 3 and "best 2 of 3 children: kept b1, b2; dropped b3" in rows.loc["b", "detail"]
    assert rows.loc["f", "points"] == 1 and "floor 1: 0 → 1" in rows.loc["f", "detail"]
    assert rows.loc["c1", "depth"] == 1 and rows.loc["c", "depth"] == 0
    vi = result.explain("A", "vi").rows.set_index("id")
    assert "giới hạn tối đa 3: 4 → 3" in vi.loc["c", "detail"] and "điểm sàn 1: 0 → 1" in vi.loc["f", "detail"]


def test_the_tree_reads_top_down(result):
    text = result.explain("A", "en").format().splitlines()
    assert text[1].startswith("  c Capped: 3/3  [subtotal]")
    assert text[2].startswith("    c1 Leaf c1:")


def test_why_a_unit_is_not_ranked(result):
    b = result.explain("B", "en").rows
    assert any(str(d).startswith("not ranked: the unit carries the flag 'Không xếp hạng'") for d in b["detail"])
    c = result.explain("C", "vi").rows
    assert any(str(d).startswith("không được chấm điểm") for d in c["detail"])
    assert c.set_index("id").loc["c", "detail"] == "không tính vào điểm tối đa của đơn vị"
