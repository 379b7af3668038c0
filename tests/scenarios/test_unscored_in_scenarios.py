"""A unit with nothing applicable does not stop a scenario: it is shown unscored, the others are ranked.

The tiny rulebook (1.1 max 30, 1.2 max 20, 2.1 max 50, all `points`; Good ≥ 80, Fair ≥ 60, Weak ≥ 0)
on the 2024 fixture data plus a unit E whose every value is NA (`not_applicable: rescale`, the
default, takes each leaf out of E's maximum, so E's maximum is 0):
    A 25 + 15 + 30 = 70 (Fair), B 30 + 20 + 40 = 90 (Good), C 20 + 10 + 30 = 60 (Fair),
    D 10 + 10 + 20 = 40 (Weak); ranks B 1, A 2, C 3, D 4; E: no index, no band, no rank.
The variant lowers Good to 65: A becomes Good, nothing else moves; E stays unscored on both sides.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from cchc_rules.report.html import sections
from cchc_rules.scenarios.execute import execute
from cchc_rules.scenarios.publish import publish, summary

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("unscored")
    shutil.copy(FIXTURES / "tiny.yaml", root / "tiny.yaml")
    data = root / "data"
    shutil.copytree(FIXTURES / "data-2024", data)
    with (data / "units.csv").open("a", encoding="utf-8") as f:
        f.write("E,Đơn vị E,unit\n")
    with (data / "assessments.csv").open("a", encoding="utf-8") as f:
        f.write("E,1.1,NA,NA\nE,1.2,NA,NA\nE,2.1,NA,NA\n")
    (root / "scenario.yaml").write_text(
        "dsl: 1\nid: unscored\ntitle: {vi: \"Đơn vị không chấm được\", en: \"An unscored unit\"}\n"
        "data: data\nbaseline: tiny.yaml\n"
        "variants:\n  good-65:\n    title: {vi: \"Tốt từ 65\", en: \"Good from 65\"}\n"
        "    changes:\n      - {set: bands/good/min, to: 65}\n"
        "uncertainty:\n  draws: 20\n  seed: 5\n  vary:\n    - {thresholds: 1.0}\n    - {appraisal_noise: 0.5}\n"
        "outputs: [html, csv]\n",
        encoding="utf-8",
    )
    return execute(root / "scenario.yaml"), root


def test_the_others_are_ranked_and_the_unscored_unit_is_shown_so(run):
    r, _ = run
    units = r.baseline.units.set_index("unit_id")
    assert units.loc[["A", "B", "C", "D"], "index"].tolist() == pytest.approx([70, 90, 60, 40], abs=1e-9)
    assert units.loc[["A", "B", "C", "D"], "rank"].tolist() == [2, 1, 3, 4]
    assert units.loc[["A", "B", "C", "D"], "band"].tolist() == ["fair", "good", "fair", "weak"]
    assert units.at["E", "published"] == "—" and pd.isna(units.at["E", "rank"]) and pd.isna(units.at["E", "band"])
    assert r.baseline.unscored.tolist() == [False, False, False, False, True]
    variant = r.variants["good-65"].result.units.set_index("unit_id")
    assert variant.loc[["A", "B", "C", "D"], "band"].tolist() == ["good", "good", "fair", "weak"]
    assert pd.isna(variant.at["E", "rank"]) and pd.isna(variant.at["E", "band"])


def test_summary_warns_and_the_comparison_leaves_the_unit_out(run):
    r, root = run
    figures = summary(r, root)
    assert [w["code"] for w in figures["baseline"]["warnings"]] == ["E402"]
    assert "E" in figures["baseline"]["warnings"][0]["en"]
    units = r.variants["good-65"].comparison.units.set_index("unit_id")
    assert pd.isna(units.at["E", "rank_shift"]) and not bool(units.loc[["B", "C", "D"], "band_changed"].any())
    assert bool(units.at["A", "band_changed"])
    table = r.variants["good-65"].comparison.contributions_table("en")
    assert table[table["unit_id"] == "E"]["delta"].isna().all()  # no decomposition of an unscored unit
    assert table[table["unit_id"] == "A"]["delta"].fillna(0).abs().sum() == 0  # only the band moved


def test_uncertainty_leaves_the_unit_unranked_in_every_draw(run):
    r, _ = run
    table = r.uncertainty["baseline"].set_index("unit_id")
    assert table.loc[["A", "B", "C", "D"], "rank_median"].notna().all()
    assert pd.isna(table.at["E", "rank_median"]) and pd.isna(table.at["E", "rank_p95"])
    band_shares = [c for c in table.columns if c.startswith("p_")]
    assert table.loc["E", band_shares].fillna(0).sum() == 0  # never in a band
    assert table.loc["B", band_shares].sum() == pytest.approx(1.0)


@pytest.mark.parametrize("lang, words", [("en", "unit 'e' is unscored"),
                                         ("vi", "đơn vị 'e' không được chấm điểm")])
def test_the_report_says_why(run, lang, words):
    r, root = run
    texts = [p for s in sections(r, lang) for p in s.paragraphs]
    assert any(t.startswith("⚠") and words in t.lower() for t in texts)
    publish(r, root / f"out-{lang}", lang)
    units = pd.read_csv(root / f"out-{lang}" / "tables" / "baseline-units.csv", dtype=str, encoding="utf-8-sig")
    assert json.loads((root / f"out-{lang}" / "summary.json").read_text(encoding="utf-8"))["scenario"] == "unscored"
    assert len(units) == 5
    row_e = units[units.iloc[:, 0] == "E"].iloc[0].tolist()
    assert "—" in row_e  # its published index; no rank, no band
