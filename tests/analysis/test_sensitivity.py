"""Remove-one-criterion and dead criteria, against figures worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cchc_rules.analysis.sensitivity import dead_criteria, remove_one, remove_one_units
from cchc_rules.data.load import dataset_from_frames
from cchc_rules.engine.score import score
from cchc_rules.problems import CchcError

from .rulebooks import build_rulebook


def leaf(lid: str, top: float) -> dict:
    return {"id": lid, "name": {"vi": f"Tiêu chí {lid}", "en": f"Criterion {lid}"}, "max": top, "rule": {"points": {}}}


def build(criteria: list[dict], groups: tuple[str, ...] = ("department",)) -> object:
    return build_rulebook(criteria, rulebook_id="sens-test", groups={g: {"vi": g, "en": g} for g in groups},
                          stages=("appraisal",), bands=[
                              {"id": "good", "label": {"vi": "Tốt", "en": "Good"}, "min": 80,
                               "when": [{"node": "F2", "min_share": 0.5}]},
                              {"id": "pass", "label": {"vi": "Đạt", "en": "Pass"}, "min": 0}])


def data(values: dict[str, dict[str, float]], groups: dict[str, str] | None = None):
    ids = list(values)
    units = pd.DataFrame({"unit_id": ids, "name": ids,
                          "group": [(groups or {}).get(u, "department") for u in ids]})
    cells = pd.DataFrame([{"unit_id": u, "criterion_id": c, "appraisal": v}
                          for u, vals in values.items() for c, v in vals.items()])
    return dataset_from_frames(units, cells)


@pytest.fixture(scope="module")
def case():
    rulebook = build([
        {"id": "F1", "name": {"vi": "Lĩnh vực 1", "en": "Field 1"}, "children": [leaf("F1.a", 40), leaf("F1.b", 20)]},
        {"id": "F2", "name": {"vi": "Lĩnh vực 2", "en": "Field 2"}, "children": [leaf("F2.a", 40)]},
    ])
    dataset = data({
        "U1": {"F1.a": 40, "F1.b": 20, "F2.a": 10},  # 70 / 100 → 70, rank 2
        "U2": {"F1.a": 20, "F1.b": 10, "F2.a": 36},  # 66 / 100 → 66, rank 3
        "U3": {"F1.a": 30, "F1.b": 15, "F2.a": 30},  # 75 / 100 → 75, rank 1
    })
    return rulebook, dataset


def test_removing_a_field_renormalises_to_what_is_left(case):
    rulebook, dataset = case
    long = remove_one_units(rulebook, dataset).set_index(["node_id", "unit_id"])
    # without F1 the index is F2.a / 40: U1 10/40 = 25, U2 36/40 = 90 (Good: F2 share 0.9 ≥ 0.5), U3 30/40 = 75
    # ranks U2 1, U3 2, U1 3; shifts (base − without): U1 2 − 3 = −1, U2 3 − 1 = +2, U3 1 − 2 = −1
    f1 = long.loc["F1"]
    assert f1["index_without"].to_dict() == pytest.approx({"U1": 25.0, "U2": 90.0, "U3": 75.0}, abs=1e-9)
    assert f1["rank_without"].tolist() == [3, 1, 2]
    assert f1["rank_shift"].tolist() == [-1, 2, -1]
    assert f1["band_without"].tolist() == ["pass", "good", "pass"]
    # without F1.b, F1's maximum is 40 and the total 80: U1 50/80 = 62.5, U2 56/80 = 70, U3 60/80 = 75
    f1b = long.loc["F1.b"]
    assert f1b["index_without"].to_dict() == pytest.approx({"U1": 62.5, "U2": 70.0, "U3": 75.0}, abs=1e-9)
    assert f1b["rank_shift"].tolist() == [-1, 1, 0]


def test_summary_per_node(case):
    rulebook, dataset = case
    out = remove_one(rulebook, dataset, lang="en").set_index("node_id")
    assert list(out.index) == ["F1", "F1.a", "F1.b", "F2", "F2.a"]  # top level and one level below
    # F1: shifts −1, +2, −1 → mean |shift| 4/3, max 2, one band change (U2 → Good)
    assert out.at["F1", "mean_abs_rank_shift"] == pytest.approx(4 / 3)
    assert out.at["F1", "max_abs_rank_shift"] == 2
    assert out.at["F1", "band_changes"] == 1
    # F2: F1 / 60: U1 60/60 = 100 (Good: the gate on F2, now out of the maximum, holds), U2 30/60 = 50,
    # U3 45/60 = 75 → ranks 1, 3, 2; shifts +1, 0, −1 → mean 2/3, max 1, one band change
    assert out.at["F2", "mean_abs_rank_shift"] == pytest.approx(2 / 3)
    assert out.at["F2", "max_abs_rank_shift"] == 1
    assert out.at["F2", "band_changes"] == 1
    # F1.a: F1 max 20, total 60: U1 30/60 = 50, U2 46/60 = 76.67, U3 45/60 = 75 → ranks 3, 1, 2; shifts −1, +2, −1
    assert out.at["F1.a", "mean_abs_rank_shift"] == pytest.approx(4 / 3)
    assert out.at["F1.a", "band_changes"] == 0
    # index deltas without F1: U1 25 − 70 = −45, U2 90 − 66 = +24, U3 75 − 75 = 0 → mean −21 / 3 = −7
    assert out.at["F1", "mean_index_delta"] == pytest.approx((-45 + 24 + 0) / 3)
    assert out.at["F2", "referenced_by"] == "gate good" and out.at["F1", "referenced_by"] == ""
    assert out.at["F1", "name"] == "Field 1" and out.at["F1", "depth"] == 1 and out.at["F1.a", "parent"] == "F1"
    assert remove_one(rulebook, dataset, lang="vi").set_index("node_id").at["F1", "name"] == "Lĩnh vực 1"


def test_unknown_node_names_the_nearest(case):
    rulebook, dataset = case
    with pytest.raises(CchcError) as caught:
        remove_one(rulebook, dataset, nodes=["F3"])
    assert [p.code for p in caught.value.problems] == ["A890"]
    assert "F1" in caught.value.format("en") or "F2" in caught.value.format("en")


def test_dead_criteria_finds_the_leaf_every_unit_scores_the_same_on():
    rulebook = build([
        {"id": "F1", "name": "F1", "children": [leaf("X", 10), leaf("Y", 10)]},
        {"id": "F2", "name": "F2", "children": [leaf("Z", 10)]},
    ], groups=("department", "district"))
    dataset = data({
        "D1": {"X": 5, "Y": 1, "Z": 7}, "D2": {"X": 5, "Y": 9, "Z": 7}, "D3": {"X": 5, "Y": 4, "Z": 7},
        "H1": {"X": 5, "Y": 2, "Z": 3}, "H2": {"X": 6, "Y": 2, "Z": 8},
    }, groups={"H1": "district", "H2": "district"})
    dead = dead_criteria(score(rulebook, dataset))
    # departments: X is 5 for all three; Z is 7 for all, so F2 (= Z) is too; F1 = X + Y varies.
    # districts: Y is 2 for both; X (5, 6) and Z (3, 8) vary.
    found = {(r.group, r.node_id): r.points for r in dead.itertuples()}
    assert found == {("department", "X"): 5.0, ("department", "F2"): 7.0, ("department", "Z"): 7.0,
                     ("district", "Y"): 2.0}
    top = dead[~dead["parent_dead"]]
    assert set(top["node_id"]) == {"X", "F2", "Y"}  # Z sits under the dead F2


def test_a_unit_left_with_nothing_is_not_scored_without_the_node(case):
    rulebook, _ = case
    # U4's F2.a is not applicable (NA): without F1 nothing of its maximum is left, so it has no index,
    # rank or band; the others are ranked among themselves (U2 90, U3 75, U1 25 → 1, 2, 3).
    dataset = data({
        "U1": {"F1.a": 40, "F1.b": 20, "F2.a": 10}, "U2": {"F1.a": 20, "F1.b": 10, "F2.a": 36},
        "U3": {"F1.a": 30, "F1.b": 15, "F2.a": 30}, "U4": {"F1.a": 30, "F1.b": 20, "F2.a": "NA"},
    })
    f1 = remove_one_units(rulebook, dataset, nodes=["F1"]).set_index("unit_id")
    assert np.isnan(f1.at["U4", "index_without"]) and pd.isna(f1.at["U4", "rank_without"])
    assert pd.isna(f1.at["U4", "band_without"]) and not f1.at["U4", "band_changed"]
    assert f1.loc[["U2", "U3", "U1"], "rank_without"].tolist() == [1, 2, 3]
