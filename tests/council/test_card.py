"""Report cards and the improvement plan, on hand-built cases whose every figure is worked out by hand."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from cchc_rules.analysis.appraisal import appraisal
from cchc_rules.analysis.cards import unit_card
from cchc_rules.analysis.improvement import improvement_plan
from cchc_rules.cli import main
from cchc_rules.data.frames import dataset_from_frames
from cchc_rules.dsl.models import Rulebook
from cchc_rules.engine.score import score


def test_plan_one_criterion_lifts_a_unit(tiny):
    rb, data = tiny
    result = score(rb, data)  # appraised: u1 3 + 4 + 8 = 15 of 20 → 75 (fair; good from 80)
    plan = improvement_plan(result, "u1")
    assert (plan.goal, plan.band, plan.target, plan.reachable, plan.target_min) == ("rise", "fair", "good", True, 80)
    (step,) = plan.steps.to_dict("records")  # a to 6 gives 18 → 90, c to 10 gives 17 → 85: one is enough
    assert step["criterion"] == "a"
    assert step["leaf_points"] == pytest.approx(3.0)
    assert step["index_points"] == pytest.approx(15.0)  # 3 of 20 points × 100
    assert step["index_after"] == pytest.approx(90.0)
    assert step["band_after"] == "good" and step["rank_after"] == 1


def test_plan_for_the_weakest(tiny):
    rb, data = tiny
    plan = improvement_plan(score(rb, data), "u3")  # 2 + 0 + 7 = 9 → 45 (weak); fair from 60 = 12 points
    (step,) = plan.steps.to_dict("records")  # a (+4 → 65) or b (+4 → 65) or c (+3 → 60): a first
    assert (plan.target, step["criterion"], step["index_after"], step["band_after"]) == ("fair", "a", 65.0, "fair")


def test_plan_keep_for_the_best_band(tiny):
    rb, data = tiny
    plan = improvement_plan(score(rb, data, "self"), "u1")  # self: 20 of 20 → 100, good
    assert (plan.goal, plan.target) == ("keep", "good")
    (step,) = plan.steps.to_dict("records")  # losing c (10) → 50, a (6) → 70: both fall; c falls furthest
    assert step["criterion"] == "c" and step["leaf_points"] == pytest.approx(-10.0)
    assert step["index_after"] == pytest.approx(50.0) and step["band_after"] == "weak"


FIVE = {
    "dsl": 1, "id": "five", "title": "Five", "groups": {"g": "G"}, "stages": ["appraisal"],
    "bands": [{"id": "top", "label": {"vi": "Đạt", "en": "Top"}, "min": 70},
              {"id": "low", "label": {"vi": "Chưa đạt", "en": "Low"}, "min": 0}],
    "criteria": [{"id": k, "name": k, "max": m, "rule": {"points": {}}}
                 for k, m in (("p", 1), ("q", 2), ("r", 3), ("s", 4), ("t", 10))],
}


def test_plan_finds_the_smallest_set():
    rb = Rulebook.model_validate(FIVE)  # max 20; "top" from 70 = 14 points
    units = pd.DataFrame({"unit_id": ["x"], "name": ["X"], "group": ["g"]})
    rows = [{"unit_id": "x", "criterion_id": k, "appraisal": v} for k, v in
            (("p", 0), ("q", 0), ("r", 0), ("s", 0), ("t", 6))]  # 6 → 30; 8 points short
    plan = improvement_plan(score(rb, dataset_from_frames(units, pd.DataFrame(rows))), "x")
    # t +4 and s +4 = 8 reach 14 with two criteria: the exhaustive search finds them
    assert set(plan.steps["criterion"]) == {"t", "s"}
    assert plan.steps["index_after"].iat[-1] == pytest.approx(70.0)
    rows[4]["appraisal"] = 10  # t full: 10 → 50; 4 short: s alone
    plan = improvement_plan(score(rb, dataset_from_frames(units, pd.DataFrame(rows))), "x")
    assert list(plan.steps["criterion"]) == ["s"]
    rows[4]["appraisal"], rows[3]["appraisal"] = 0, 4  # t 0, s 4 → 20; 10 short: t alone (+10)
    plan = improvement_plan(score(rb, dataset_from_frames(units, pd.DataFrame(rows))), "x")
    assert list(plan.steps["criterion"]) == ["t"]
    rows[4]["appraisal"], rows[3]["appraisal"] = 5, 0  # t 5 → 25; 9 short: t +5, then s +4: two
    plan = improvement_plan(score(rb, dataset_from_frames(units, pd.DataFrame(rows))), "x")
    assert list(plan.steps["criterion"]) == ["t", "s"]
    assert list(plan.steps["index_after"]) == pytest.approx([50.0, 70.0])
    rows[4]["appraisal"], rows[3]["appraisal"], rows[2]["appraisal"] = 0, 0, 3  # r 3 → 15; 11 short
    plan = improvement_plan(score(rb, dataset_from_frames(units, pd.DataFrame(rows))), "x")
    # without t at most 1 + 2 + 4 = 7 more: t is needed, and one more criterion (t + s gives the most: 17 → 85)
    assert list(plan.steps["criterion"]) == ["t", "s"]
    assert list(plan.steps["index_after"]) == pytest.approx([65.0, 85.0])


def test_plan_of_more_than_two_criteria_by_greedy_search():
    five = dict(FIVE, bands=[{"id": "top", "label": "Top", "min": 100}, {"id": "low", "label": "Low", "min": 0}])
    rb = Rulebook.model_validate(five)
    units = pd.DataFrame({"unit_id": ["x"], "name": ["X"], "group": ["g"]})
    rows = [{"unit_id": "x", "criterion_id": k, "appraisal": 0} for k in "pqrst"]
    plan = improvement_plan(score(rb, dataset_from_frames(units, pd.DataFrame(rows))), "x")
    # 100 needs every point: all five, the largest first (t 10, s 4, r 3, q 2, p 1 of 20)
    assert list(plan.steps["criterion"]) == ["t", "s", "r", "q", "p"]
    assert list(plan.steps["index_after"]) == pytest.approx([50.0, 70.0, 85.0, 95.0, 100.0])
    assert plan.steps["band_after"].iat[-1] == "top" and plan.reachable


def test_card_figures_by_hand(tiny):
    rb, data = tiny
    result = score(rb, data)
    card = unit_card(result, "u1", appraisal(rb, data))
    assert (card.index, card.band, card.rank, card.ranked_in_group) == (75.0, "fair", 1, 3)
    assert card.percentile == pytest.approx(1 / 3)
    f = card.fields.set_index("field")
    # F1 sub-indices: u1 7/10 → 70, u2 4/10 → 40, u3 2/10 → 20; mean 130/3
    assert f.loc["F1", "sub_index"] == pytest.approx(70.0)
    assert f.loc["F1", "group_mean"] == pytest.approx(130 / 3)
    assert f.loc["F2", "difference"] == pytest.approx(10.0)  # 80 against (80 + 60 + 70) / 3
    assert list(card.weakest["criterion"]) == ["a", "c"] and list(card.weakest["short"]) == [3.0, 2.0]
    assert card.strongest["criterion"].iat[0] == "b"
    assert card.gap["gap"] == pytest.approx(25.0)
    assert [(x["field"], x["gap"]) for x in card.gap["fields"]] == [("F1", 3.0), ("F2", 2.0)]


def test_card_command_with_last_year(tiny_files, tmp_path):
    rb, ds = tiny_files()
    last = {"u1": {"a": (3, 3), "b": (0, 0), "c": (9, 9)}, "u2": {"a": (6, 6), "b": (1, 1), "c": (9, 9)},
            "u3": {"a": (1, 1), "b": (0, 0), "c": (1, 1)}}  # u1 12 → 60 (2nd), u2 19 → 95 (1st), u3 2 → 10
    _, prev = tiny_files(last, "last-year")
    out = tmp_path / "cards"
    assert main(["card", str(rb), str(ds), "u1", "u3", "--previous", str(prev), "--out", str(out)]) == 0
    assert {p.name for p in out.iterdir()} >= {"u1.html", "u3.html", "cards.xlsx", "cards.json", "index.html"}
    cards = {c["unit_id"]: c for c in json.loads((out / "cards.json").read_text(encoding="utf-8"))}
    assert cards["u1"]["change"]["index_delta"] == pytest.approx(15.0)  # 60 → 75
    assert cards["u1"]["change"]["rank_shift"] == 1  # 2nd → 1st
    assert cards["u1"]["plan"]["steps"][0]["criterion"] == "a"
    page = (out / "u1.html").read_text(encoding="utf-8")
    assert "Kế hoạch cải thiện" in page and "Improvement plan" in page and "@page{size:A4" in page


def test_card_unknown_unit(tiny_files, tmp_path, capsys):
    rb, ds = tiny_files()
    assert main(["card", str(rb), str(ds), "u9", "--out", str(tmp_path / "x")]) == 1
    assert "u9" in capsys.readouterr().err and not (tmp_path / "x").exists()
