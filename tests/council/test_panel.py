"""Panels of many years, on a three-year tiny case with a merger, figures worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cchc_rules.analysis.panel import panel
from cchc_rules.cli import main
from cchc_rules.problems import CchcError

ROOT = Path(__file__).resolve().parents[2]
Y2022 = {"u1": {"a": (3, 3), "b": (0, 0), "c": (9, 9)},  # 12 of 20 → 60
         "u2": {"a": (6, 6), "b": (1, 1), "c": (9, 9)},  # 19 → 95
         "u3": {"a": (1, 1), "b": (0, 0), "c": (1, 1)}}  # 2 → 10
Y2023 = {"a1": {"a": (6, 6), "b": (0, 0), "c": (10, 10)},  # 16 → 80
         "m23": {"a": (4, 4), "b": (0, 0), "c": (10, 10)},  # 14 → 70
         "n": {"a": (4, 4), "b": (1, 1), "c": (10, 10)}}  # 18 → 90


@pytest.fixture
def panel_file(tiny_files, tmp_path):
    rb, d2021 = tiny_files()  # 2021: u1 75, u2 50, u3 45
    _, d2022 = tiny_files(Y2022, "d2022")
    _, d2023 = tiny_files(Y2023, "d2023")
    (tmp_path / "cw.csv").write_text("old_unit_id,new_unit_id\nu1,a1\nu2,m23\nu3,m23\n", encoding="utf-8")
    file = tmp_path / "panel.yaml"
    file.write_text(f"""id: tiny-panel
title: {{vi: Thử, en: Trial}}
rulebooks: [{rb.name}]
years:
  - {{year: 2021, dataset: {d2021.name}}}
  - {{year: 2022, dataset: {d2022.name}}}
  - {{year: 2023, dataset: {d2023.name}, crosswalk: cw.csv}}
""", encoding="utf-8")
    return file


def test_units_and_changes_by_hand(panel_file):
    p = panel(panel_file)
    u = p.units.set_index(["year", "unit_id"])
    assert u.loc[(2021, "u3"), "pct_rank"] == pytest.approx(1.0)  # 3rd of 3
    assert u.loc[(2022, "u2"), "rank"] == 1
    ch = p.changes.set_index(["year", "unit_id"])
    assert ch.loc[(2022, "u1"), "index_delta"] == pytest.approx(-15.0)  # 75 → 60
    assert ch.loc[(2022, "u1"), "rank_shift"] == -1  # 1st → 2nd
    assert ch.loc[(2022, "u2"), "index_delta"] == pytest.approx(45.0)
    # 2023: m23 merges u2 (95) and u3 (10): its 2022 index is their mean, 52.5
    assert ch.loc[(2023, "m23"), "index_prev"] == pytest.approx(52.5)
    assert ch.loc[(2023, "m23"), "index_delta"] == pytest.approx(17.5)
    assert ch.loc[(2023, "a1"), "index_delta"] == pytest.approx(20.0)  # 60 → 80
    assert ch.loc[(2023, "m23"), "predecessors"] == "u2, u3"


def test_lineage_movers_and_warnings_by_hand(panel_file):
    p = panel(panel_file)
    lin = p.lineage.set_index(["unit_id", "year"])
    assert lin.loc[("m23", 2021), "ancestors"] == "u2, u3"
    assert lin.loc[("m23", 2021), "index"] == pytest.approx(47.5)  # (50 + 45) / 2
    assert lin.loc[("m23", 2021), "pct_rank"] == pytest.approx(5 / 6)  # (2/3 + 3/3) / 2
    assert lin.loc[("m23", 2022), "pct_rank"] == pytest.approx(2 / 3)  # (1/3 + 3/3) / 2
    assert lin.loc[("a1", 2021), "ancestors"] == "u1"
    assert lin.loc[("n", 2021), "n_ancestors"] == 0
    movers = p.movers.set_index("unit_id")
    assert list(p.movers["unit_id"]) == ["m23", "a1"]  # n has one year only
    assert movers.loc["m23", "pct_shift"] == pytest.approx(5 / 6 - 1)  # 2nd-3rd on average → 3rd of 3
    assert movers.loc["a1", "pct_shift"] == pytest.approx(1 / 3 - 2 / 3)  # 1st → 2nd of 3
    assert [w.code for w in p.warnings] == ["A846"]


def test_cli_json_and_report(panel_file, tmp_path, capsys):
    out = tmp_path / "report"
    assert main(["panel", str(panel_file), "--json", "--out", str(out)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["years"] == [2021, 2022, 2023]
    assert {p.name for p in out.iterdir()} >= {"report.html", "report.xlsx", "panel.json"}
    assert "Bảng nhiều năm" in (out / "report.html").read_text(encoding="utf-8")


def test_bad_panel_all_problems_at_once(tiny_files, tmp_path):
    rb, ds = tiny_files()
    file = tmp_path / "bad.yaml"
    file.write_text(f"yearz: 1\nyears:\n  - {{year: 2021, dataset: {ds.name}, rulebook: {rb.name}}}\n"
                    f"  - {{year: 2020, dataset: nowhere, rulebook: {rb.name}}}\n", encoding="utf-8")
    with pytest.raises(CchcError) as err:
        panel(file)
    lines = sorted(p.pos.line for p in err.value.problems if p.pos)
    assert [p.code for p in err.value.problems].count("S640") == 2 and lines == [1, 4]


def test_the_shipped_sample_panel_follows_a_district_into_its_communes():
    p = panel(ROOT / "datasets" / "sample-province-2023-2025.panel.yaml")
    assert p.years == [2023, 2024, 2025]
    lin = p.lineage
    communes = set(lin.loc[(lin["year"] == 2023) & (lin["ancestors"] == "h-tay-son"), "unit_id"])
    assert len(communes) == 7 and "xa-cao-son" in communes  # the seat and six more
    u23 = p.units[(p.units["year"] == 2023)].set_index("unit_id")
    row = lin[(lin["unit_id"] == "xa-cao-son") & (lin["year"] == 2023)].iloc[0]
    assert row["index"] == pytest.approx(u23.loc["h-tay-son", "index"])
    assert {w.code for w in p.warnings} == {"A845", "A846"}


def test_card_takes_last_year_from_a_panel(panel_file, tmp_path):
    rb = tmp_path / "tiny.yaml"
    out = tmp_path / "cards"
    assert main(["card", str(rb), str(tmp_path / "d2023"), "m23", "--panel", str(panel_file), "--out", str(out)]) == 0
    (card,) = json.loads((out / "cards.json").read_text(encoding="utf-8"))
    assert card["change"]["index_base"] == pytest.approx(52.5)  # mean of u2 (95) and u3 (10) in 2022
    assert card["change"]["index_delta"] == pytest.approx(17.5)
    assert card["change"]["predecessors"] == "u2, u3"


def test_the_sample_panel_crosswalk_follows_from_the_samples():
    """The panel's crosswalk = the 2025 crosswalk's rows for the province's 2024 units, plus each district → every
    2025 commune made from its old communes (sample-communes-2024's `district` joined with that crosswalk)."""
    import pandas as pd

    d = ROOT / "datasets"
    read = lambda p: pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")  # noqa: E731
    cw, prov, com = (read(d / "sample-province-2025" / "crosswalk.csv"), read(d / "sample-province-2024" / "units.csv"),
                     read(d / "sample-communes-2024" / "units.csv"))
    district = dict(zip(com["unit_id"], com["district"]))
    expected = {(o, n) for o, n in zip(cw["old_unit_id"], cw["new_unit_id"]) if o in set(prov["unit_id"])}
    expected |= {(district[o], n) for o, n in zip(cw["old_unit_id"], cw["new_unit_id"]) if o in district}
    shipped = read(d / "sample-province-2023-2025.crosswalk.csv")
    assert set(zip(shipped["old_unit_id"], shipped["new_unit_id"])) == expected
    assert len(shipped) == len(expected)
