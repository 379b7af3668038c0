"""compare(): figures worked out by hand on four departments (fixtures/year-1, fixtures/base.yaml).

Both criteria are linear on a percentage, so points = max × value ÷ 100 and, with maxima
summing to 100, the index is p1 + p2. Final values (criterion 1 %, criterion 2 %):
A 100/50, B 50/100, C 50/50, D 0/25.
Base (maxima 60/40):    A 60+20 = 80, B 30+40 = 70, C 30+20 = 50, D 0+10 = 10 → ranks 1, 2, 3, 4.
Variant (maxima 40/60): A 40+30 = 70, B 20+60 = 80, C 20+30 = 50, D 0+15 = 15 → ranks 2, 1, 3, 4.
Bands: excellent ≥ 75, good ≥ 60, fair ≥ 40, weak ≥ 0.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cchc_rules.analysis.compare import BINS, bins_of, compare
from cchc_rules.cli import main
from cchc_rules.data.load import dataset_from_frames, load_dataset
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.engine.score import score
from cchc_rules.problems import CchcError
from cchc_rules.report import labels
from cchc_rules.report.labels import item_names

HERE = Path(__file__).parent / "fixtures"
BASE, VARIANT, YEAR1 = HERE / "base.yaml", HERE / "variant.yaml", HERE / "year-1"


@pytest.fixture(scope="module")
def rulebooks():
    return load_rulebook(BASE), load_rulebook(VARIANT)


@pytest.fixture(scope="module")
def swapped(rulebooks):
    base, variant = rulebooks
    data = load_dataset(YEAR1, base)
    return compare(score(base, data), score(variant, data))


def by_unit(comparison, column):
    return dict(zip(comparison.units["unit_id"], comparison.units[column]))


def test_deltas_rank_shifts_bands_and_bins(swapped):
    assert by_unit(swapped, "index_delta") == pytest.approx({"A": -10, "B": 10, "C": 0, "D": 5}, abs=1e-9)
    # rank_shift = rank_base − rank_variant: A 1 − 2 = −1, B 2 − 1 = +1.
    assert by_unit(swapped, "rank_shift") == {"A": -1, "B": 1, "C": 0, "D": 0}
    assert by_unit(swapped, "band_base") == {"A": "excellent", "B": "good", "C": "fair", "D": "weak"}
    assert by_unit(swapped, "band_variant") == {"A": "good", "B": "excellent", "C": "fair", "D": "weak"}
    assert by_unit(swapped, "bin") == {"A": "down_1_3", "B": "up_1_3", "C": "unchanged", "D": "unchanged"}
    assert swapped.bins.to_dict() == {"up_gt3": 0, "up_1_3": 1, "unchanged": 2, "down_1_3": 1, "down_gt3": 0,
                                      "not_comparable": 0}
    assert set(swapped.units["present"]) == {"both"}


def test_summary_of_a_known_permutation(swapped):
    s = swapped.summary
    # Ranks 1,2,3,4 → 2,1,3,4: one discordant pair of six, tau = (5 − 1) / 6;
    # Spearman = 1 − 6 Σd² / (n (n² − 1)) = 1 − 6·2 / (4·15) = 0.8.
    assert s["kendall_tau"] == pytest.approx(4 / 6, abs=1e-12)
    assert s["spearman"] == pytest.approx(0.8, abs=1e-12)
    assert s["band_changes"] == 2  # A excellent → good, B good → excellent
    assert s["mean_abs_rank_shift"] == pytest.approx((1 + 1 + 0 + 0) / 4)
    assert s["mean_index_delta"] == pytest.approx((-10 + 10 + 0 + 5) / 4)
    assert [m["unit_id"] for m in s["movers_up"]] == ["B"]
    assert [m["unit_id"] for m in s["movers_down"]] == ["A"]
    assert (s["units_base"], s["units_variant"], s["units_matched"]) == (4, 4, 4)


def test_transition_matrix_lists_every_band_in_order(swapped):
    t = swapped.transitions
    assert list(t.index) == list(t.columns) == ["excellent", "good", "fair", "weak"]
    assert t.loc["excellent", "good"] == 1 and t.loc["good", "excellent"] == 1
    assert t.loc["fair", "fair"] == 1 and t.loc["weak", "weak"] == 1
    assert int(t.to_numpy().sum()) == 4


def test_contributions_of_a_reweighting(swapped):
    rows = swapped.contributions("A").set_index("item")
    # Node 1: 60 → 40 points, node 2: 20 → 30 points, both out of a maximum of 100 on each side.
    assert rows.loc["1", "contribution_base"] == pytest.approx(60)
    assert rows.loc["1", "contribution_variant"] == pytest.approx(40)
    assert rows.loc["1", "delta"] == pytest.approx(-20)
    assert rows.loc["2", "delta"] == pytest.approx(10)
    assert rows.loc[["applicable_max", "adjustments", "clamping"], "delta"].abs().max() < 1e-9
    assert rows["delta"].sum() == pytest.approx(-10, abs=1e-9)


def test_contributions_add_up_for_every_unit(swapped):
    table = swapped.contributions_table("en")
    sums = table.groupby("unit_id", sort=False)["delta"].sum()
    deltas = swapped.units.set_index("unit_id")["index_delta"]
    assert (sums - deltas.loc[sums.index]).abs().max() < 1e-9
    assert set(table["name"]) >= {"Criterion one"}
    assert set(item_names(table, "en")) >= {"Criterion one", "Bonus and penalty points"}  # labels: the report's


def test_unknown_unit_names_the_nearest(swapped):
    with pytest.raises(CchcError) as exc:
        swapped.contributions("AA")
    assert exc.value.problems[0].code == "A805"


def test_the_same_rulebook_has_no_differences(rulebooks):
    base, _ = rulebooks
    data = load_dataset(YEAR1, base)
    result = score(base, data)
    assert compare(result, result).rulebook_diff == []


def test_rulebook_diff_shows_base_beside_variant(swapped):
    maxima = {d.id: (d.base, d.variant) for d in swapped.rulebook_diff if d.kind == "max"}
    assert maxima == {"1": (60, 40), "2": (40, 60)}


# ---------------------------------------------------------------- two years of data
UNITS = ["unit_id", "name", "group", "flags"]
ROWS = ["unit_id", "criterion_id", "self", "appraisal"]


def year2(units, values, crosswalk=None):
    """A dataset from (id, criterion 1 %, criterion 2 %, bonus or None) rows; flags per unit in `units`."""
    u = pd.DataFrame([(i, f"Đơn vị {i}", "department", flags) for i, flags in units], columns=UNITS)
    rows = []
    for unit, v1, v2, bonus in values:
        rows += [(unit, "1", v1, v1), (unit, "2", v2, v2)]
        if bonus is not None:
            rows.append((unit, "bonus", None, bonus))
    meta = {"year": 2024}
    if crosswalk is not None:
        meta["crosswalk"] = pd.DataFrame(crosswalk, columns=["old_unit_id", "new_unit_id"])
    return dataset_from_frames(u, pd.DataFrame(rows, columns=ROWS), meta=meta)


def test_a_merger_through_the_crosswalk(rulebooks):
    base, _ = rulebooks
    before = score(base, load_dataset(YEAR1, base))
    # A and B merged into AB; C continues; D was dissolved (no successor); E is new.
    data = year2([("AB", ""), ("C", ""), ("E", "")], [("AB", 100, 100, None), ("C", 100, 0, None), ("E", 50, 50, None)],
                 crosswalk=[("A", "AB"), ("B", "AB"), ("C", "C")])
    after = score(base, data)  # AB 60+40 = 100, C 60+0 = 60, E 30+20 = 50 → ranks 1, 2, 3
    c = compare(before, after, data.meta.crosswalk)
    u = c.units.set_index("unit_id")
    assert list(u.index) == ["AB", "C", "E", "D"]
    assert u.loc["AB", "predecessors"] == ("A", "B")
    # AB's base index is the mean of A and B: (80 + 70) / 2 = 75, which reaches excellent (≥ 75) by threshold.
    assert u.loc["AB", "index_base"] == pytest.approx(75)
    assert u.loc["AB", "band_base"] == "excellent"
    assert u.loc["AB", "index_delta"] == pytest.approx(25)
    # Base ranks recomputed among the re-expressed units: AB 75 → 1, C 50 → 2, D 10 → 3.
    assert (u.loc["AB", "rank_base"], u.loc["C", "rank_base"], u.loc["D", "rank_base"]) == (1, 2, 3)
    assert u.loc["C", "band_base"] == "fair" and u.loc["C", "band_variant"] == "good"
    assert u.loc["C", "index_delta"] == pytest.approx(10)
    assert dict(u["present"]) == {"AB": "both", "C": "both", "E": "variant", "D": "base"}
    assert pd.isna(u.loc["E", "index_base"]) and pd.isna(u.loc["D", "index_variant"])
    assert u.loc["E", "bin"] == u.loc["D", "bin"] == "not_comparable"
    assert c.summary["units_matched"] == 2 and c.summary["band_changes"] == 1
    # AB's change split per predecessor, then averaged:
    # A → AB: node 1 60 → 60 (0), node 2 20 → 40 (+20); B → AB: node 1 30 → 60 (+30), node 2 40 → 40 (0).
    rows = c.contributions("AB").set_index("item")["delta"]
    assert rows["1"] == pytest.approx(15) and rows["2"] == pytest.approx(10)
    assert rows.sum() == pytest.approx(25, abs=1e-9)
    assert c.contributions("E")["delta"].isna().all()


def test_change_of_applicable_maximum_adjustments_and_clamping(rulebooks):
    base, _ = rulebooks
    before = score(base, load_dataset(YEAR1, base))
    # D: criterion 2 not applicable → maximum 60, 30 points of 60 → index 50 (base: 10 of 100 → 10).
    # A: 100 % and 100 % with a bonus of 5 → 100 + 5 = 105, clamped to 100 (base 80).
    data = year2([("A", ""), ("B", ""), ("C", ""), ("D", "")],
                 [("A", 100, 100, 5), ("B", 50, 100, None), ("C", 50, 50, None), ("D", 50, "NA", None)])
    c = compare(before, score(base, data))
    d = c.contributions("D").set_index("item")["delta"]
    # f = scale ÷ maximum: 100/100 = 1 before, 100/60 = 5/3 after; mean 4/3.
    assert d["1"] == pytest.approx((30 - 0) * 4 / 3)  # 40
    assert d["2"] == pytest.approx((0 - 10) * 4 / 3)  # −13.333…
    assert d["applicable_max"] == pytest.approx((10 + 30) / 2 * (5 / 3 - 1))  # 13.333…
    assert d.sum() == pytest.approx(40, abs=1e-9)
    a = c.contributions("A").set_index("item")["delta"]
    assert a["1"] == pytest.approx(0) and a["2"] == pytest.approx(20)
    assert a["adjustments"] == pytest.approx(5) and a["clamping"] == pytest.approx(-5)
    assert a.sum() == pytest.approx(20, abs=1e-9)


def test_unranked_units_are_not_comparable(rulebooks):
    base, _ = rulebooks
    before = score(base, load_dataset(YEAR1, base))
    data = year2([("A", ""), ("B", "not_ranked"), ("C", ""), ("D", "")],
                 [("A", 100, 50, None), ("B", 50, 100, None), ("C", 50, 50, None), ("D", 0, 25, None)])
    c = compare(before, score(base, data))
    u = c.units.set_index("unit_id")
    assert pd.isna(u.loc["B", "rank_variant"]) and pd.isna(u.loc["B", "rank_shift"])
    assert u.loc["B", "bin"] == "not_comparable"
    # C and D move up one place each (B left the ranking): shifts 0, 1, 1 → tau = 1 on A, C, D.
    assert u.loc["C", "rank_shift"] == 1 and c.summary["kendall_tau"] == pytest.approx(1)
    assert c.to_json()["units"][1]["rank_variant"] is None


def test_bins_boundaries():
    shifts = pd.Series([5, 4, 3, 1, 0, -1, -3, -4, None], dtype="Int64")
    assert list(bins_of(shifts)) == ["up_gt3", "up_gt3", "up_1_3", "up_1_3", "unchanged", "down_1_3", "down_1_3",
                                     "down_gt3", "not_comparable"]
    assert list(bins_of(shifts).categories) == list(BINS)


# ---------------------------------------------------------------- the command
def test_cli_json_shape(capsys):
    assert main(["compare", str(BASE), str(VARIANT), str(YEAR1), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"units", "summary", "transitions", "warnings"}
    assert set(out["units"][0]) == {"unit_id", "index_base", "index_variant", "index_delta", "rank_base",
                                    "rank_variant", "rank_shift", "band_base", "band_variant", "pct_rank_base",
                                    "pct_rank_variant"}
    assert out["warnings"] == []  # same scale, same group sizes, no criterion without data
    assert {"kendall_tau", "spearman", "band_changes", "mean_abs_rank_shift"} <= set(out["summary"])
    a = next(u for u in out["units"] if u["unit_id"] == "A")
    assert (a["index_base"], a["index_variant"], a["rank_shift"]) == (80, 70, -1)
    assert out["transitions"]["excellent"]["good"] == 1


def test_cli_text_in_both_languages(capsys):
    assert main(["compare", str(BASE), str(VARIANT), str(YEAR1), "--lang", "en"]) == 0
    en = capsys.readouterr().out
    assert "Kendall tau of the rankings" in en and "Down 1–3 places" in en and "80.00" in en
    assert "Maximum of criterion 1" in en  # the rulebook difference, base beside variant
    assert main(["compare", str(BASE), str(VARIANT), str(YEAR1), "--lang", "vi"]) == 0
    assert "Xuống 1–3 bậc" in capsys.readouterr().out


def test_cli_reports_every_problem(tmp_path, capsys):
    assert main(["compare", str(BASE), str(tmp_path / "none.yaml"), str(tmp_path / "nodata"), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "none.yaml" in err and "nodata" in err


# ---------------------------------------------------------------- honest comparisons
def test_like_for_like_has_no_warning_and_no_percentile_columns(swapped):
    assert swapped.like_for_like and swapped.warnings == []
    assert "Percentile rank (base)" not in labels.units_table(swapped, "en").columns
    # Every unit ranked in a pool of 4 on both sides: percentile rank = rank ÷ 4 (A: 1/4 → 2/4).
    assert by_unit(swapped, "pct_rank_base")["A"] == 0.25 and by_unit(swapped, "pct_rank_variant")["A"] == 0.5


def test_different_scales_warn_and_show_percentile_ranks(tmp_path, rulebooks):
    base, _ = rulebooks
    text = BASE.read_text(encoding="utf-8").replace("id: analysis-base", "id: analysis-80\nscale: 80")
    (tmp_path / "scale80.yaml").write_text(text, encoding="utf-8")
    eighty = load_rulebook(tmp_path / "scale80.yaml")
    data = load_dataset(YEAR1, base)
    comp = compare(score(base, data), score(eighty, data))
    # Same shares on a scale of 80: A 80 → 64, so the index change −16 is the scale, not the unit.
    assert by_unit(comp, "index_delta")["A"] == pytest.approx(-16)
    assert [p.code for p in comp.warnings] == ["A811"]
    assert "different scales (100 and 80 points)" in comp.warnings[0].what("en")
    assert "thang điểm khác nhau (100 và 80 điểm)" in comp.warnings[0].what("vi")
    table = labels.units_table(comp, "en")
    assert table["Percentile rank (base)"].tolist() == ["25.0%", "50.0%", "75.0%", "100.0%"]
    assert labels.units_table(comp, "vi")["Hạng theo % (gốc)"].iat[0] == "25,0%"


def test_different_group_sizes_warn_and_percentile_ranks_compare_them(rulebooks):
    base, _ = rulebooks
    before = score(base, load_dataset(YEAR1, base))
    # Year 2: six departments; A keeps rank 1 (1/4 → 1/6), D falls from 4th of 4 to 6th of 6 (1.0 → 1.0).
    data = year2([(u, "") for u in "ABCDEF"],
                 [("A", 100, 90, None), ("B", 50, 100, None), ("C", 50, 50, None), ("D", 0, 0, None),
                  ("E", 40, 40, None), ("F", 30, 30, None)])
    comp = compare(before, score(base, data))
    assert [p.code for p in comp.warnings] == ["A812"]
    w = comp.warnings[0]
    assert (w.params["n"], w.params["unit"], w.params["base"], w.params["variant"]) == (4, "A", 4, 6)
    assert by_unit(comp, "rank_shift")["D"] == -2  # looks like a fall, but D is last on both sides
    assert by_unit(comp, "pct_rank_base")["D"] == 1.0 and by_unit(comp, "pct_rank_variant")["D"] == 1.0
    assert by_unit(comp, "pct_rank_variant")["A"] == pytest.approx(1 / 6)


@pytest.fixture(scope="module")
def d_left_out(rulebooks):
    """D is excluded (flag not_ranked) in year 2. Deltas: A 80 → 90 (+10), B 70 → 70 (0), C 50 → 50 (0),
    D 10 → 100 (+90, not ranked in year 2)."""
    base, _ = rulebooks
    before = score(base, load_dataset(YEAR1, base))
    data = year2([("A", ""), ("B", ""), ("C", ""), ("D", "not_ranked")],
                 [("A", 100, 75, None), ("B", 50, 100, None), ("C", 50, 50, None), ("D", 100, 100, None)])
    return compare(before, score(base, data))


def test_summary_leaves_out_units_not_ranked_on_both_sides_and_says_so(d_left_out):
    # Mean of the ranked ones: (10 + 0 + 0) / 3.
    comp = d_left_out
    s = comp.summary
    assert s["mean_index_delta"] == pytest.approx(10 / 3) and s["units_left_out"] == 1
    shown = labels.summary_table(comp, "en").set_index("Figure")["Value"]
    assert shown["Units left out of the means and correlations (not ranked on both sides)"] == "1"


def test_why_it_changed_picks_a_unit_ranked_on_both_sides(d_left_out):
    from cchc_rules.report.html import _largest_mover

    # D changed most (+90) but is not ranked in year 2; A (+10) is the largest change among ranked units.
    assert _largest_mover(d_left_out) == ("A", "Đơn vị A")
