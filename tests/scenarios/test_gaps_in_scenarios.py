"""A proposal whose new criterion has no data says so in summary.json, the report and the batch index.

`digital-proposal` scores the 2024 sample (27 units: 19 departments, 8 districts) with the digital
draft, which adds 7.7; no unit has a value for it, so the default `missing: zero` gives each of the
27 units 0 points for it: 27 values filled, one per unit, "no data for 27 of 27 units".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cchc_rules.report.html import index_html, sections
from cchc_rules.scenarios.execute import execute
from cchc_rules.scenarios.publish import summary

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def run():
    return execute(ROOT / "scenarios" / "digital-proposal.yaml")


def test_summary_json_counts_the_gaps_and_carries_the_warning(run):
    figures = summary(run, ROOT)
    assert figures["baseline"]["gaps"]["filled"] == 0 and figures["baseline"]["warnings"] == []
    variant = figures["variants"][0]
    gaps = variant["gaps"]
    assert gaps["filled"] == 27 and gaps["units_filled"] == 27 and gaps["by_criterion"] == {"7.7": 27}
    assert [(x["criterion"], x["units"]) for x in gaps["no_data"]] == [("7.7", 19), ("7.7", 8)]
    assert [w["code"] for w in variant["warnings"]] == ["A810"]
    assert variant["warnings"][0]["en"].startswith("7.7: no data for 27 of 27 units: this comparison does not show")
    assert variant["warnings"][0]["vi"].startswith("7.7: không có dữ liệu cho 27 trên 27 đơn vị")


@pytest.mark.parametrize("lang, words", [("en", "no data for 27 of 27 units"),
                                         ("vi", "không có dữ liệu cho 27 trên 27 đơn vị")])
def test_report_and_index_show_the_warning(run, lang, words):
    texts = [p for s in sections(run, lang) for p in s.paragraphs]
    assert any(words in t and t.startswith("⚠") for t in texts)
    tables = {c: t for s in sections(run, lang) for c, t in s.tables}
    caption = {"en": "Values filled by the missing policy, by criterion",
               "vi": "Giá trị được điền theo quy định khi thiếu dữ liệu, theo tiêu chí"}[lang]
    by_criterion = tables[caption]
    assert by_criterion.iloc[:, 0].tolist() == ["7.7", "7.7"]  # one row per group: departments, districts
    assert by_criterion.iloc[:, 4].tolist() == ["19", "8"] and by_criterion.iloc[:, 5].tolist() == ["19", "8"]
    page = index_html([("digital-proposal", summary(run, ROOT))], lang)
    assert words in page and 'class="note"' in page
