"""What `reweight` and `transfer` mean (spec §7, docs/LANGUAGE.md): a unit keeps its share of the
scaled node. The golden cases under tests/golden_fixtures/cases/kinds*.yaml work every rule kind by
hand; these tests check the rulebook that results, the note on the change and the data checks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from cchc_rules.data.load import dataset_from_frames
from cchc_rules.dsl.load import check_rulebook, load_rulebook
from cchc_rules.engine.score import score
from cchc_rules.problems import CchcError

RULEBOOKS = Path(__file__).resolve().parents[1] / "golden_fixtures" / "rulebooks"


def _leaf(rulebook, leaf_id):
    return rulebook.node(leaf_id)


def test_points_leaves_keep_their_entry_scale() -> None:
    double = load_rulebook(RULEBOOKS / "kinds-double.yaml")
    p, c1, g1 = _leaf(double, "p"), _leaf(double, "c1"), _leaf(double, "g1")
    assert (p.max, p.rule.points.out_of, p.points_factor) == (8, 4, 2)  # 4 × 2, entered out of 4
    assert (c1.max, c1.rule.points.out_of) == (4, 2)
    assert g1.rule.points.out_of is None and g1.points_factor == 1  # G was not scaled
    assert _leaf(double, "d").rule.deduct.per == 1  # 0.5 × 2
    assert _leaf(double, "v").rule.levels == {"good": 6, "fair": 3, "none": 0}
    assert [s.points for s in _leaf(double, "l").rule.ladder] == [8, 4, None, 0]  # the share step stays a share
    assert double.node("C").max == 4 and double.node("F").max == 48


def test_a_second_reweight_keeps_the_first_entry_scale(tmp_path: Path) -> None:
    shutil.copytree(RULEBOOKS, tmp_path, dirs_exist_ok=True)  # a base outside the file's folder is refused (F110)
    path = tmp_path / "twice.yaml"
    path.write_text("dsl: 1\nid: twice\nextends: kinds-double.yaml\n"
                    "changes:\n  - {reweight: criteria/F, to: 12}\n", encoding="utf-8")
    p = load_rulebook(path).node("p")
    assert (p.max, p.rule.points.out_of) == (2, 4)  # 4 → 8 → 2, values still entered out of 4


def test_the_note_on_the_change_says_what_was_scaled() -> None:
    _, problems = check_rulebook(RULEBOOKS / "kinds-double.yaml")
    notes = [p for p in problems if p.code == "X291"]
    assert [(n.severity, n.pos.line, n.params["id"], n.params["factor"]) for n in notes] == [
        ("note", 6, "F", "2"), ("note", 7, "C", "2")]
    # F holds 1 points leaf (p), 3 ladder steps in points (the share step is not), 3 levels, 1 deduction
    assert notes[0].params["what_en"] == ("1 points leaves (out_of added); 3 ladder steps; 3 level points; "
                                          "1 deductions per fault")
    assert notes[1].params["what_en"] == "1 points leaves (out_of added); 2 level points; 1 caps"
    assert "out_of" in notes[0].format("vi") and "giữ nguyên tỷ lệ" in notes[0].format("vi")


def _frames(values: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    units = pd.DataFrame({"unit_id": ["U"], "name": ["U"], "group": ["unit"]})
    rows = [{"unit_id": "U", "criterion_id": k, "self": None, "appraisal": v} for k, v in values.items()]
    return units, pd.DataFrame(rows, dtype=object)


def test_halving_accepts_values_on_the_old_scale_and_refuses_values_above_it() -> None:
    half = load_rulebook(RULEBOOKS / "kinds-half.yaml")
    result = score(half, dataset_from_frames(*_frames({"p": "4", "g1": "3"})))
    assert result.node_points[0, result.node_ids.index("p")] == 2  # 4 of 4 → the new max 2
    with pytest.raises(CchcError) as caught:
        score(half, dataset_from_frames(*_frames({"p": "4.5"})))
    problem = caught.value.problems[0]
    assert (problem.code, problem.params["high"]) == ("D336", "4")  # the entry scale, not the new max 2
    assert "0 to 4" in problem.format("en")


def test_a_gate_in_points_is_not_scaled_and_says_so(tmp_path: Path) -> None:
    base = (RULEBOOKS / "kinds.yaml").read_text(encoding="utf-8").replace(
        "  - {id: good, label: {vi: \"Tốt\", en: \"Good\"}, min: 70}",
        "  - {id: good, label: {vi: \"Tốt\", en: \"Good\"}, min: 70, when: [{node: \"F\", min: 12}]}")
    (tmp_path / "kinds.yaml").write_text(base, encoding="utf-8")
    path = tmp_path / "double.yaml"
    path.write_text("dsl: 1\nid: d\nextends: kinds.yaml\nchanges:\n  - {reweight: criteria/F, to: 48}\n",
                    encoding="utf-8")
    rulebook, problems = check_rulebook(path)
    warnings = [p for p in problems if p.code == "X292"]
    # F × 2: the gate "at least 12 points of F" stays 12 (the drafter may set it to 24)
    assert [(w.severity, w.pos.line, w.params["gate"], w.params["scaled"]) for w in warnings] == [
        ("warning", 5, "bands/good/when/0", "24")]
    assert rulebook.bands[0].when[0].min == 12


def test_the_handbook_says_on_which_scale_points_are_entered() -> None:
    from cchc_rules.documents.rule_text import rule_text

    double = load_rulebook(RULEBOOKS / "kinds-double.yaml")
    assert rule_text(double.node("p"), "en").startswith(
        "The appraisal council gives points on a scale of 0 to 4, turned into 8 points (points × 8 ÷ 4)")
    assert "0 đến 4, quy về 8 điểm" in rule_text(double.node("p"), "vi")
