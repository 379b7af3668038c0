"""Numbers, ranks and report tables as a Vietnamese (or English) reader reads them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cchc_rules import display
from cchc_rules.analysis.compare import compare
from cchc_rules.data.load import load_dataset
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.engine.score import score
from cchc_rules.report import charts, labels
from cchc_rules.report.html import project_path
from cchc_rules.report.order import ranked
from cchc_rules.scenarios.publish import relative

FIXTURES = Path(__file__).resolve().parents[1] / "analysis" / "fixtures"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def comparison():
    base, variant = load_rulebook(FIXTURES / "base.yaml"), load_rulebook(FIXTURES / "variant.yaml")
    data = load_dataset(FIXTURES / "year-1", base)
    return compare(score(base, data), score(variant, data))


def test_published_figures_in_each_notation_digit_for_digit():
    assert display.decimal_text("95.71", "vi") == "95,71"
    assert display.decimal_text("95.71", "en") == "95.71"
    assert display.decimal_text("1234.50", "vi") == "1.234,50"  # trailing zero kept: it is published so
    assert display.decimal_text("9.415", "vi") == "9,415"  # never rounded again
    assert display.decimal_text("—", "vi") == "—"


def test_ranks_and_places_in_words():
    assert display.rank(pd.NA, "vi") == "Không xếp hạng"
    assert display.rank(float("nan"), "en") == "Not ranked"
    assert display.rank(None, "vi") == "Không xếp hạng"
    assert display.rank(np.float64(3), "vi", 19) == "hạng 3/19"
    assert display.rank(3, "en", 19) == "3 of 19"
    assert display.rank(1234, "vi") == "1.234"


def test_charts_carry_the_number_locale_of_their_language(comparison):
    vi = charts.rank_slope(comparison, "vi").to_dict()["config"]["locale"]["number"]
    en = charts.transition_heatmap(comparison, "en").to_dict()["config"]["locale"]["number"]
    assert (vi["decimal"], vi["thousands"]) == (",", ".")
    assert (en["decimal"], en["thousands"]) == (".", ",")


def test_chart_numbers_are_drawn_with_a_decimal_comma(comparison):
    import re

    import vl_convert

    svg = vl_convert.vegalite_to_svg(charts.waterfall(comparison, "A", "vi").to_dict())
    ticks = re.findall(r">(-?\d+(?:[.,]\d+)?)<", svg)
    assert ticks and not any("." in t for t in ticks)


def test_transitions_table_is_flat_with_one_header_row(comparison):
    # A (Excellent → Good) and B (Good → Excellent) swap; C stays Fair and D stays Weak.
    table = labels.transitions_table(comparison, "vi")
    assert list(table.columns) == ["Xếp loại (gốc) ↓ · Xếp loại (phương án) →", "Xuất sắc", "Tốt", "Khá", "Yếu"]
    assert table.iloc[:, 0].tolist() == ["Xuất sắc", "Tốt", "Khá", "Yếu"]
    assert table.iloc[:, 1:].to_numpy().tolist() == [[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
    html = table.to_html(index=False)
    assert "<th></th>" not in html and ">index<" not in html


def test_comparison_tables_use_the_decimal_comma(comparison):
    units = labels.units_table(comparison, "vi").set_index("Mã")
    assert units.loc["A", "Chỉ số (gốc)"] == "80,00" and units.loc["A", "Chênh lệch chỉ số"] == "-10,00"
    assert units.loc["D", "Chênh lệch chỉ số"] == "+5,00"
    summary = dict(labels.summary_table(comparison, "vi").to_numpy().tolist())
    # 4 units, A and B swap: 5 concordant pairs and 1 discordant of 6 → tau = 4/6; Σd² = 2 → rho = 1 − 12/60.
    assert summary["Hệ số Kendall tau giữa hai thứ hạng"] == "0,6667"
    assert summary["Hệ số Spearman giữa hai thứ hạng"] == "0,8000"
    assert summary["Chênh lệch chỉ số trung bình"] == "1,2500"  # (−10 + 10 + 0 + 5) / 4
    english = dict(labels.summary_table(comparison, "en").to_numpy().tolist())
    assert english["Kendall tau of the rankings"] == "0.6667"


def test_units_sorted_by_group_then_rank_unranked_last():
    units = pd.DataFrame({"unit_id": list("abcdef"), "group": ["district", "department", "department", "district",
                                                              "department", "department"],
                          "rank": [2, None, 2, 1, 1, None], "index": [50.0, 60.0, 70.0, 80.0, 90.0, 65.0]})
    order = ranked(units, ["department", "district"])["unit_id"].tolist()
    assert order == ["e", "c", "f", "b", "d", "a"]  # unranked f (65) before b (60)


def test_no_absolute_path_in_what_a_report_shows(tmp_path):
    assert project_path(ROOT / "datasets" / "sample-province-2023") == "datasets/sample-province-2023"
    out = tmp_path / "out"
    assert relative(out / "a" / "report.html", out) == "a/report.html"
    shown = relative(ROOT / "scenarios" / "heavier-survey.yaml", out)
    assert shown == "scenarios/heavier-survey.yaml" and not shown.startswith("..")
    assert json.dumps(shown).count("/work") == 0


def test_rank_axis_starts_at_the_first_rank(comparison):
    """Ranks 1–4: the axis of the slope chart shows no rank 0 (nobody holds it) and no half ranks."""
    import re

    import vl_convert

    svg = vl_convert.vegalite_to_svg(charts.rank_slope(comparison, "vi").to_dict())
    ticks = re.findall(r'text-anchor="end"[^>]*>([^<]+)<', svg)
    assert ticks and "0" not in ticks and not any("," in t for t in ticks)
    assert {"1", "4"} <= set(ticks)


def test_swept_parameters_in_words():
    from cchc_rules.report.change_text import parameter_words

    rb = load_rulebook(ROOT / "rulebooks" / "par-province-2024.yaml")
    assert parameter_words("bands/excellent/min", rb, "vi") == "Ngưỡng Xuất sắc (danh sách chung)"
    assert parameter_words("bands_by_group/district/good/min", rb, "en") == (
        "Minimum of Good (group District people's committees)")
    assert parameter_words("criteria/8/max", rb, "vi").startswith("Điểm tối đa của tiêu chí 8 «")
    assert parameter_words("display/decimals", rb, "en") == "display/decimals"  # another shape: as written
