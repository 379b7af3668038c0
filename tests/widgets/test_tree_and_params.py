"""The criteria tree table and the notebooks' parameter checks."""

from __future__ import annotations

import pytest

from cchc_rules.problems import CchcError
from cchc_rules.report.tree import criteria_tree
from cchc_rules.widgets import params
from cchc_rules.widgets.uncertainty import uncertainty_report
from cchc_rules.widgets.walkthrough import walkthrough


def test_tree_has_every_node_with_max_rule_in_words_and_is_bilingual(tiny):
    vi = criteria_tree(tiny, "vi").html
    en = criteria_tree(tiny, "en").html
    for code in ("1", "1.1", "1.2", "2", "2.1", "2.2"):
        assert f"<td>{code}</td>" in vi
    # 1.2's ladder in words: ≥ 100 → 24; 80 – < 100 → half of 24 = 12; below 80 → 0
    assert "≥ 100 → 24 điểm; 80 – &lt; 100 → 12 điểm; dưới 80 → 0 điểm" in vi
    assert "≥ 100 → 24 points; 80 – &lt; 100 → 12 points; below 80 → 0 points" in en
    assert "Điểm tối đa" in vi and "Max points" in en
    assert '<td class="num">40</td>' in vi  # field 1: 16 + 24
    assert criteria_tree(tiny, "en")._repr_html_() == en


def test_tree_for_a_group_leaves_out_what_does_not_apply(tiny):
    from cchc_rules.dsl.load import load_rulebook

    rulebook = load_rulebook(params.project_root() / "rulebooks" / "par-province-2024.yaml")
    department = criteria_tree(rulebook, "en", "department").html
    district = criteria_tree(rulebook, "en", "district").html
    assert "<td>4.5</td>" in district and "<td>4.5</td>" not in department  # 4.5 applies to districts only


def test_paths_are_relative_to_the_project_root():
    root = params.project_root()
    assert (root / "rulebooks").is_dir()
    assert params.resolve_path("rulebooks/x.yaml") == root / "rulebooks" / "x.yaml"
    assert params.resolve_path("/abs/x.yaml").as_posix() == "/abs/x.yaml"
    assert params.resolve_path("  ") is None


def test_every_parameter_problem_at_once():
    with pytest.raises(CchcError) as err:
        walkthrough("rulebooks/none.yaml", "datasets/none", "x", "fr")
    assert sorted(p.code for p in err.value.problems) == ["B920", "B921", "B922"]
    with pytest.raises(CchcError) as err:
        walkthrough("rulebooks/par-province-2024.yaml", "datasets/sample-province-2024", "so-noi-vuu", "vi")
    problem = err.value.problems[0]
    assert problem.code == "B923" and "so-noi-vu" in problem.fix("en")
    with pytest.raises(CchcError) as err:
        uncertainty_report("rulebooks/par-province-2024.yaml", "datasets/sample-province-2024", 0, -1, "en")
    assert [p.params["name"] for p in err.value.problems] == ["draws", "seed"]


def test_a_repeated_problem_shows_its_rows_in_the_apps():
    from cchc_rules.data import problems as dp
    from cchc_rules.problems import Pos, Problem, grouped
    from cchc_rules.widgets.render import problems_html

    same = [Problem(dp.UNKNOWN_CRITERION, {"criterion": "1.9", "nearest": "1.1"}, Pos("assessments.csv", line))
            for line in (12, 3, 7)]
    html = problems_html(grouped(same), "en")
    assert html.count("<li>") == 1  # three rows, one problem
    assert "3 rows: 3, 7, 12" in html
