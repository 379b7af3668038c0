"""Each rule kind, stages, missing policies and applicability, with hand-worked numbers."""

import numpy as np
import pandas as pd
import pytest

from cchc_rules.problems import CchcError


def leaf(rule, mx, lid="x", **extra):
    return {"id": lid, "name": {"vi": f"Tiêu chí {lid}", "en": f"Criterion {lid}"}, "max": mx, "rule": rule, **extra}


def field(*children, fid="f", **extra):
    return {"id": fid, "name": {"vi": "Lĩnh vực", "en": "Field"}, "children": list(children), **extra}


def indices(eng, rule, mx, values, units=None, **rb):
    """The index of each unit for a rulebook with one leaf `x` (index = points ÷ max × 100)."""
    units = units or [(f"U{i}", "a") for i in range(len(values))]
    rulebook = eng.rulebook([field(leaf(rule, mx))], **rb)
    return list(eng.run(rulebook, units, {"x": values}).units["index"])


def test_binary(eng):
    assert indices(eng, {"binary": {}}, 2, [1, 0]) == [100, 0]


def test_ladder_inclusive_thresholds_share_and_catch_all(eng):
    rule = {"ladder": [{"min": 100, "points": 2}, {"min": 80, "share": 0.5}, {"points": 0}]}
    # 100 → 2/2; 80 → 0.5 × 2 = 1 → 50; 79.9 → the catch-all 0
    assert indices(eng, rule, 2, [100, 80, 79.9, 120]) == [100, 50, 0, 100]


def test_ladder_without_catch_all_gives_zero_below(eng):
    rule = {"ladder": [{"min": 100, "points": 2}, {"min": 80, "points": 1}]}
    assert indices(eng, rule, 2, [50, 90]) == [0, 50]


def test_linear_and_lower_is_better(eng):
    # max 4 × clamp((75 − 50) / 50) = 2 → 50; 40 → 0; 120 → 4 → 100
    assert indices(eng, {"linear": {"from": 50, "to": 100}}, 4, [75, 40, 120]) == [50, 0, 100]
    # from 100 to 50: 60 → 4 × (60 − 100) / (50 − 100) = 3.2 → 80
    assert indices(eng, {"linear": {"from": 100, "to": 50}}, 4, [60]) == [80]


def test_ratio_and_zero_total(eng):
    # 3/4 of max 4 = 3 → 75
    assert indices(eng, {"ratio": {}}, 4, ["3/4"]) == [75]
    assert indices(eng, {"ratio": {"if_zero_total": "max"}}, 4, ["0/0"]) == [100]
    assert indices(eng, {"ratio": {"if_zero_total": "zero"}}, 4, ["0/0"]) == [0]
    # na (default): the leaf leaves the maximum; the other leaf (binary yes, max 1) makes 1/1 → 100
    rb = eng.rulebook([field(leaf({"ratio": {}}, 4), leaf({"binary": {}}, 1, "y"))])
    r = eng.run(rb, [("A", "a")], {"x": ["0/0"], "y": [1]})
    assert r.units["index"][0] == 100
    assert r.units["max"][0] == 1


def test_levels(eng):
    rule = {"levels": {"good": 2.5, "full": 2, "partial": 1, "none": 0}}
    # full = 2 of 2.5 → 80; partial 1/2.5 → 40
    assert indices(eng, rule, 2.5, ["full", "partial", "good", "none"]) == [80, 40, 100, 0]


def test_deduct_floored_at_zero(eng):
    # 1 − 0.25 × 2 = 0.5 → 50; 1 − 0.25 × 10 < 0 → 0
    assert indices(eng, {"deduct": {"per": 0.25}}, 1, [2, 10, 0]) == [50, 0, 100]


def test_points_and_survey(eng):
    # 1.7 / 3 × 100 = 56.666666666… → 56.666666667 at 9 decimals
    assert indices(eng, {"points": {}}, 3, [1.7]) == [56.666666667]
    # survey: max 10 × mean weight 0.85 = 8.5 → 85
    assert indices(eng, {"survey": {"options": {"A": 1, "B": 0.6}}}, 10, [0.85]) == [85]


def test_relative_within_group(eng):
    units = [("A", "a"), ("B", "a"), ("C", "a"), ("D", "b")]
    # group a: worst 10, best 20; C 15 → 4 × 0.5 = 2 → 50; D alone in b → max
    assert indices(eng, {"relative": {}}, 4, [10, 20, 15, 5], units) == [0, 100, 50, 100]
    assert indices(eng, {"relative": {"better": "lower"}}, 4, [10, 20, 15, 5], units) == [100, 0, 50, 100]
    # all equal → max to each
    assert indices(eng, {"relative": {}}, 4, [7, 7], [("A", "a"), ("B", "a")]) == [100, 100]


def test_relative_ignores_units_without_value(eng):
    rb = eng.rulebook([field(leaf({"relative": {}}, 4), leaf({"binary": {}}, 1, "y"))])
    # B has no value (missing: zero): worst/best come from A and C only (10 and 30); A → 0, C → 4
    r = eng.run(rb, [("A", "a"), ("B", "a"), ("C", "a")], {"x": [10, None, 30], "y": [1, 1, 1]})
    assert list(r.node_points[:, r.node_ids.index("x")]) == [0, 0, 4]


def test_stages_final_and_at_stage(eng):
    rb = eng.rulebook([field(leaf({"binary": {}}, 1), leaf({"points": {}}, 4, "y"))])
    units = [("A", "a"), ("B", "a")]
    values = {"x": [(1, 0), (1, None)], "y": [(2, 3), (None, "NA")]}
    final = eng.run(rb, units, values)
    # A: appraisal 0 + 3 = 3/5 → 60; B: x from self (1), y NA (rescale) → 1/1 → 100
    assert list(final.units["index"]) == [60, 100]
    assert final.stage == "appraisal"
    early = eng.run(rb, units, values, stage="self")
    # at self: A 1 + 2 = 3/5 → 60 too, but from other leaves; B: 1 + missing y (zero) → 1/5 → 20
    assert list(early.units["index"]) == [60, 20]
    assert list(early.node_points[0, [1, 2]]) == [1, 2]


def test_unknown_stage_names_the_stages(eng):
    rb = eng.rulebook([field(leaf({"binary": {}}, 1))])
    with pytest.raises(CchcError) as err:
        eng.run(rb, [("A", "a")], {"x": [1]}, stage="apraisal")
    assert err.value.problems[0].code == "E400"
    assert "self, appraisal" in err.value.format("en")
    assert "appraisal" in err.value.problems[0].fix("vi")


@pytest.mark.parametrize(
    ("policy", "index", "maximum"),
    [("zero", 50, 2), ("max", 100, 2), ("na", 100, 1)],  # y (max 1) has no value; x is 1/1
)
def test_missing_policies(eng, policy, index, maximum):
    rb = eng.rulebook([field(leaf({"binary": {}}, 1), leaf({"binary": {}}, 1, "y", missing=policy))])
    r = eng.run(rb, [("A", "a")], {"x": [1], "y": [None]})
    assert r.units["index"][0] == index
    assert r.units["max"][0] == maximum


def test_missing_policy_from_rulebook_default(eng):
    rb = eng.rulebook([field(leaf({"binary": {}}, 1), leaf({"binary": {}}, 1, "y"))], missing="max")
    assert eng.run(rb, [("A", "a")], {"x": [0], "y": [None]}).units["index"][0] == 50


def test_missing_error_lists_every_cell(eng):
    rb = eng.rulebook([field(leaf({"binary": {}}, 1, missing="error"), leaf({"binary": {}}, 1, "y"))])
    with pytest.raises(CchcError) as err:
        eng.run(rb, [("A", "a"), ("B", "a"), ("C", "a")], {"x": [None, 1, None], "y": [1, 1, 1]})
    problems = err.value.problems
    assert [p.code for p in problems] == ["E401", "E401"]
    assert {p.params["unit"] for p in problems} == {"A", "C"}
    first = next(p for p in problems if p.params["unit"] == "A")
    assert first.what("en") == "Unit 'A' has no value for criterion 'x' (its rule says missing: error)"
    assert first.path == "A/x"


def test_na_rescale_versus_zero(eng):
    criteria = [field(leaf({"binary": {}}, 2), leaf({"binary": {}}, 2, "y"))]
    values = {"x": [1], "y": ["NA"]}
    # rescale: 2 / 2 → 100; zero: 2 / 4 → 50
    assert eng.run(eng.rulebook(criteria), [("A", "a")], values).units["index"][0] == 100
    assert eng.run(eng.rulebook(criteria, not_applicable="zero"), [("A", "a")], values).units["index"][0] == 50


def test_applies_to_removes_a_field_from_other_groups(eng):
    criteria = [
        field(leaf({"points": {}}, 6)),
        field(leaf({"points": {}}, 4, "y"), fid="g", applies_to=["a"]),
    ]
    r = eng.run(eng.rulebook(criteria), [("A", "a"), ("B", "b")], {"x": [3, 3], "y": [4, 4]})
    # A: (3 + 4) / 10 → 70; B: field g does not apply → 3 / 6 → 50
    assert list(r.units["index"]) == [70, 50]
    assert r.units["g"].isna().tolist() == [False, True]
    assert r.units["max"].tolist() == [10, 6]


def test_a_unit_with_nothing_applicable_is_unscored_and_the_others_go_on(eng):
    rb = eng.rulebook([field(leaf({"binary": {}}, 1))])
    r = eng.run(rb, [("A", "a"), ("B", "a"), ("C", "a")], {"x": ["NA", 1, 0]})
    # A: its only leaf is NA (rescaled out) → nothing applicable: no index, no band, no rank.
    # B: 1/1 → 100, rank 1; C: 0/1 → 0, rank 2 (A takes no place).
    u = r.units
    assert np.isnan(u["index"].iat[0]) and u["published"].iat[0] == "—"
    assert pd.isna(u["band"].iat[0]) and pd.isna(u["rank"].iat[0])
    assert u["index"].tolist()[1:] == [100, 0] and u["rank"].tolist()[1:] == [1, 2]
    assert u["note"].iat[0].startswith("không được chấm điểm") and u["note"].iat[1] == ""
    assert r.unscored.tolist() == [True, False, False]
    assert [p.code for p in r.warnings] == ["E402"]
    assert r.warnings[0].severity == "warning" and r.warnings[0].params["unit"] == "A"
    assert r.warnings[0].path == "units/A"
    assert r.to_json()["units"][0]["index"] is None
