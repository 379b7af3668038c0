"""Executing a scenario in-process: headline figures worked out by hand on the tiny data, and the files written."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cchc_rules.problems import CchcError
from cchc_rules.scenarios.execute import check_parameters, execute
from cchc_rules.scenarios.publish import publish

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def year_on_year():
    return execute(FIXTURES / "year-on-year.yaml")


@pytest.fixture(scope="module")
def swept():
    return execute(FIXTURES / "sweep.yaml")


def test_year_on_year_headline_figures(year_on_year):
    # 2023: A 30+20+40 = 90 (good), B 75 (fair), C 60 (fair), D 40 (weak): ranks A1 B2 C3 D4
    # 2024: A 25+15+30 = 70 (fair), B 30+20+40 = 90 (good), C 60, D 40: ranks B1 A2 C3 D4
    v = year_on_year.variants["next-year"]
    assert v.title == {"vi": "Năm 2024", "en": "2024"}
    f = v.figures
    assert f["band_changes"] == 2  # A good → fair, B fair → good
    # ranks 1,2,3,4 → 2,1,3,4: one discordant pair of six, tau = (5 − 1)/6
    assert f["kendall_tau"] == pytest.approx(4 / 6)
    # Σd² = 1 + 1 = 2: rho = 1 − 6·2/(4·(16 − 1)) = 0.8
    assert f["spearman"] == pytest.approx(0.8)
    assert f["mean_abs_rank_shift"] == pytest.approx((1 + 1 + 0 + 0) / 4)
    assert (f["units_up"], f["units_down"]) == (1, 1)  # B up one place, A down one


def test_sweep_gives_one_variant_per_value(swept):
    # bands/good/min = 70: A 90 and B 75 are good (B was fair) → 1 band change, 2 good units
    # bands/good/min = 95: nobody is good; A 90 falls to fair → 1 band change, 0 good units
    ids = list(swept.variants)
    assert ids == ["bands/good/min = 70", "bands/good/min = 95"]
    assert [swept.variants[i].values for i in ids] == [{"bands/good/min": 70}, {"bands/good/min": 95}]
    assert [swept.variants[i].figures["band_changes"] for i in ids] == [1, 1]
    assert list(swept.sweep_summary["n_good"]) == [2, 0]
    # thresholds do not move ranks
    assert [swept.variants[i].figures["kendall_tau"] for i in ids] == [pytest.approx(1.0)] * 2
    assert [swept.variants[i].figures["mean_abs_rank_shift"] for i in ids] == [0.0, 0.0]


def test_uncertainty_runs_around_the_baseline(swept):
    table = swept.uncertainty["baseline"]
    assert list(table["unit_id"]) == ["A", "B", "C", "D"]
    assert table.attrs["draws"] == 20 and table.attrs["seed"] == 3


def test_publish_gives_tables_workbooks_report_and_summary(swept, tmp_path):
    written = publish(swept, tmp_path, "en")
    for name in ("tables/baseline-units.csv", "tables/sweep.csv", "tables/sweep-summary.csv",
                 "tables/baseline-uncertainty.csv", "tables.xlsx", "results-baseline.xlsx", "report.html"):
        assert (tmp_path / name).is_file(), name
        assert name in written.values()
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["scenario"] == "tiny-sweep" and summary["status"] == "ok"
    assert summary["baseline"]["bands"] == {"good": 1, "fair": 2, "weak": 1}  # A; B, C; D
    assert [v["band_changes"] for v in summary["variants"]] == [1, 1]
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Sweeping the Good threshold" in page
    assert re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page) == []
    assert "data:image/png;base64," in page


def test_outputs_limit_what_is_written(year_on_year, tmp_path):
    publish(year_on_year, tmp_path, "vi")  # outputs: [html, csv]
    assert not list(tmp_path.glob("*.xlsx"))
    assert (tmp_path / "tables" / "next-year-comparison.csv").is_file()
    assert "Hai năm của bộ nhỏ" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_notebook_parameters_are_checked(tmp_path):
    good = check_parameters(str(FIXTURES / "sweep.yaml"), "", "en")
    assert good.out_dir is None and good.lang == "en"
    with pytest.raises(CchcError) as caught:
        check_parameters(str(tmp_path / "missing.yaml"), 3, "fr")
    assert {p.params["name"] for p in caught.value.problems} == {"scenario", "out_dir", "lang"}
