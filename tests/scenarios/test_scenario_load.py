"""Scenario files are checked like rulebooks: every problem at once, each at its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from cchc_rules.problems import CchcError
from cchc_rules.scenarios import check_scenario, load_scenario
from cchc_rules.scenarios.models import Uncertainty

FIXTURES = Path(__file__).parent / "fixtures"
SHIPPED = Path(__file__).resolve().parents[2] / "scenarios"


def _where(problems) -> set[tuple[str, str, int]]:
    return {(p.code, Path(p.pos.file).name, p.pos.line) for p in problems if p.severity == "error"}


def test_every_problem_of_a_scenario_with_its_line_in_one_run():
    scenario, problems = check_scenario(FIXTURES / "many-problems.yaml")
    assert scenario is None
    assert _where(problems) == {
        ("S602", "many-problems.yaml", 2),  # id: Many Problems (not a slug)
        ("S601", "many-problems.yaml", 4),  # data: no-such-folder
        ("R101", "many-problems.yaml", 6),  # variantz: an unknown key
        ("S603", "many-problems.yaml", 8),  # empty: {} names nothing
        ("X211", "many-problems.yaml", 11),  # set bands/excelent/min: no such band
        ("X210", "many-problems.yaml", 13),  # sweep path criteria/nope/max: no such criterion
        ("R107", "many-problems.yaml", 15),  # draws: 0
        ("S604", "many-problems.yaml", 17),  # weights and thresholds in one vary item
        ("S606", "many-problems.yaml", 18),  # appraisal_noise: loud
        ("R106", "many-problems.yaml", 19),  # outputs: pdf
    }
    paths = {p.code: p.path for p in problems}
    assert paths["X211"] == "variants/bad-change/changes/0"
    assert paths["X210"] == "sweep/0/values/0"


def test_the_error_reads_in_both_languages():
    with pytest.raises(CchcError) as caught:
        load_scenario(FIXTURES / "many-problems.yaml")
    assert "The variant names no rulebook, changes or data" in caught.value.format("en")
    assert "Phương án không nêu bộ tiêu chí, thay đổi hay dữ liệu nào" in caught.value.format("vi")
    assert "Did you mean 'variants'?" in caught.value.format("en")


def test_problems_of_a_named_rulebook_point_into_that_rulebook():
    scenario, problems = check_scenario(FIXTURES / "broken-baseline.yaml")
    assert scenario is None
    # broken.yaml line 10: `rule: {pionts: {}}`; reported once, not again for the variant built on it
    assert _where(problems) == {("R102", "broken.yaml", 10)}


def test_problems_of_the_data_point_into_the_data_files():
    scenario, problems = check_scenario(FIXTURES / "bad-data.yaml")
    assert scenario is None
    # assessments.csv line 2: A,1.1,35 (max 30) at both stages; line 5: criterion 9.9 does not exist
    assert _where(problems) == {("D336", "assessments.csv", 2), ("D321", "assessments.csv", 5)}


def test_a_valid_scenario_comes_with_its_rulebooks_and_data():
    scenario = load_scenario(FIXTURES / "year-on-year.yaml")
    prepared = scenario.prepared
    assert scenario.id == "tiny-year-on-year"
    assert prepared.baseline.rulebook.id == "tiny"
    assert list(prepared.variants) == ["next-year"]
    variant = prepared.variants["next-year"]
    assert variant.rulebook is prepared.baseline.rulebook  # data only: the baseline's rulebook
    assert Path(variant.dataset.path).name == "data-2024"
    assert scenario.outputs == ["html", "csv"]
    assert prepared.notebook.name == "scenario_report.ipynb"


def test_uncertainty_block_maps_to_the_analysis_arguments():
    block = Uncertainty.model_validate(
        {"draws": 50, "seed": 4, "vary": [{"weights": "top", "spread": 0.2}, {"thresholds": 1.5},
                                          {"appraisal_noise": "calibrated"}, {"survey": "bootstrap"}]}
    )
    assert block.arguments() == {"draws": 50, "seed": 4, "weight_spread": 0.2, "threshold_shift": 1.5,
                                 "appraisal_noise": "calibrated", "survey_bootstrap": True}
    # nothing varied but the thresholds: the weights stay put (spread 0), not the analysis default 0.1
    only = Uncertainty.model_validate({"vary": [{"thresholds": 1}]}).arguments()
    assert (only["weight_spread"], only["threshold_shift"], only["draws"]) == (0.0, 1, 1000)


@pytest.mark.parametrize("file", sorted(SHIPPED.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_scenario_is_valid(file):
    scenario, problems = check_scenario(file)
    assert [p.format("en") for p in problems if p.severity == "error"] == []
    assert scenario is not None
    assert scenario.title["vi"] and scenario.title["en"]


def test_seven_scenarios_are_shipped():
    assert len(list(SHIPPED.glob("*.yaml"))) == 7
