"""Charts build with the expected encodings and labels in Vietnamese and English, and save offline."""

from __future__ import annotations

import json
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from cchc_rules.analysis.compare import compare
from cchc_rules.analysis.sweep import sweep, sweep_summary
from cchc_rules.data.load import dataset_from_frames, load_dataset
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.engine.score import score
from cchc_rules.problems import CchcError
from cchc_rules.report import charts

HERE = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def setting():
    base, variant = load_rulebook(HERE / "base.yaml"), load_rulebook(HERE / "variant.yaml")
    data = load_dataset(HERE / "year-1", base)
    baseline = score(base, data)
    return base, data, baseline, compare(baseline, score(variant, data))


def spec(chart) -> str:
    return json.dumps(chart.to_dict(), ensure_ascii=False)


@pytest.mark.parametrize(("lang", "words"), [("vi", ["Thứ hạng", "Gốc", "Phương án", "Xuống 1–3 bậc"]),
                                             ("en", ["Ranks", "Base", "Variant", "Down 1–3 places"])])
def test_rank_slope(setting, lang, words):
    chart = charts.rank_slope(setting[3], lang)
    d = chart.to_dict()
    text = spec(chart)
    assert all(w in text for w in words)
    layer = d["layer"][0]["encoding"]
    assert layer["y"]["field"] == "rank" and layer["y"]["scale"]["reverse"] is True
    assert layer["detail"]["field"] == "unit_id"


def test_rank_slope_draws_the_largest_movers_only(setting):
    d = charts.rank_slope(setting[3], "en", top=2).to_dict()
    units = {row["unit_id"] for row in next(iter(d["datasets"].values()))}
    assert units == {"A", "B"}  # the two units that moved
    assert "the 2 largest movers of 4" in json.dumps(d["title"])


def test_transition_heatmap(setting):
    chart = charts.transition_heatmap(setting[3], "en")
    assert isinstance(chart, alt.LayerChart)
    d = chart.to_dict()
    enc = d["layer"][0]["encoding"]
    assert (enc["x"]["field"], enc["y"]["field"], enc["color"]["field"]) == ("band_variant", "band_base", "units")
    assert enc["y"]["sort"] == ["Excellent", "Good", "Fair", "Weak"]
    assert "Chuyển đổi xếp loại" in spec(charts.transition_heatmap(setting[3], "vi"))


def test_winners_losers(setting):
    d = charts.winners_losers(setting[3], "vi").to_dict()
    rows = next(iter(d["datasets"].values()))
    assert {r["movement"]: r["count"] for r in rows}["Lên 1–3 bậc"] == 1
    assert d["encoding"]["y"]["field"] == "count"


def test_waterfall_steps_add_up(setting):
    d = charts.waterfall(setting[3], "A", "en").to_dict()
    rows = next(iter(d["datasets"].values()))
    # Base 80, criterion 1 −20, criterion 2 +10, variant 70.
    assert [r["step"] for r in rows] == ["Base index", "1 Criterion one", "2 Criterion two", "Variant index"]
    assert rows[1]["to"] == pytest.approx(60) and rows[2]["to"] == pytest.approx(70)
    assert rows[-1]["to"] == pytest.approx(70)
    assert d["title"] == "Why the index of Sở A changed"


def test_waterfall_needs_both_sides(setting):
    base, _, baseline, _ = setting
    # The next year has A, B and C only: D is on the base side alone.
    units = pd.DataFrame({"unit_id": ["A", "B", "C"], "name": ["Sở A", "Sở B", "Sở C"], "group": ["department"] * 3})
    rows = pd.DataFrame([(u, c, 50) for u in "ABC" for c in "12"], columns=["unit_id", "criterion_id", "appraisal"])
    part = compare(baseline, score(base, dataset_from_frames(units, rows)))
    with pytest.raises(CchcError) as exc:
        charts.waterfall(part, "D", "vi")
    assert exc.value.errors[0].code == "A807"
    assert charts.waterfall(part, "C", "vi").to_dict()["mark"]["type"] == "bar"


def test_sweep_lines(setting):
    base, data, baseline, _ = setting
    summary = sweep_summary(sweep(base, data, {"bands/excellent/min": [70, 75, 85]}), baseline)
    d = charts.sweep_lines(summary, rulebook=base, lang="en").to_dict()
    assert d["encoding"]["x"]["field"] == "value" and d["encoding"]["x"]["type"] == "quantitative"
    assert d["encoding"]["color"]["sort"] == ["Excellent", "Good", "Fair", "Weak"]
    rows = next(iter(d["datasets"].values()))
    # Excellent from 70: A 80 and B 70 → 2; from 75: A → 1; from 85: none.
    assert [r["units"] for r in rows if r["band"] == "Excellent"] == [2, 1, 0]
    assert "Số đơn vị theo xếp loại" in spec(charts.sweep_lines(summary, rulebook=base, lang="vi"))


def test_saved_inline_html_needs_no_network(setting, tmp_path):
    path = tmp_path / "chart.html"
    charts.winners_losers(setting[3], "en").save(str(path), inline=True)
    html = path.read_text(encoding="utf-8")
    assert "Winners and losers" in html
    assert "cdn.jsdelivr" not in html and 'src="http' not in html
