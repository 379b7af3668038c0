"""The council's view: self-assessed against appraised, checked against figures worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cchc_rules.analysis.appraisal import appraisal
from cchc_rules.cli import main
from cchc_rules.data.load import load_dataset
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.problems import CchcError

ROOT = Path(__file__).resolve().parents[2]
RB = ROOT / "rulebooks" / "par-province-2024.yaml"
DS = ROOT / "datasets" / "sample-province-2023"


def test_units_gap_and_agreement_by_hand(tiny):
    a = appraisal(*tiny)
    u = a.units.set_index("unit_id")
    assert u.loc["u1", "self_index"] == pytest.approx(100.0)
    assert u.loc["u1", "appraised_index"] == pytest.approx(75.0)
    assert u.loc["u1", "gap"] == pytest.approx(25.0)
    assert u.loc["u2", "gap"] == pytest.approx(0.0)
    assert u.loc["u3", "gap"] == pytest.approx(45.0)  # 90 − 45
    assert u.loc["u3", "gap_points"] == pytest.approx(9.0)
    assert (u.loc["u1", "self_band"], u.loc["u1", "appraised_band"]) == ("good", "fair")
    assert (u.loc["u3", "self_band"], u.loc["u3", "appraised_band"]) == ("good", "weak")
    ag = a.agreement
    assert ag["mean_gap"] == pytest.approx(70 / 3)
    assert ag["mean_self"] == pytest.approx(80.0)  # (100 + 50 + 90) / 3
    assert ag["mean_appraised"] == pytest.approx(170 / 3)
    assert (ag["over_claimed"], ag["equal"], ag["under_claimed"], ag["band_changed"]) == (2, 1, 0, 2)
    # self ranks u1 1, u3 2, u2 3; appraised u1 1, u2 2, u3 3: one discordant pair of three
    assert ag["kendall_tau"] == pytest.approx(1 / 3)
    assert ag["spearman"] == pytest.approx(0.5)  # 1 − 6·(0+1+1)/(3·8)


def test_cuts_fields_and_over_claimers(tiny):
    a = appraisal(*tiny)
    cuts = a.cuts.set_index("criterion")
    assert list(a.cuts["criterion"]) == ["a", "c", "b"]  # a cut twice (3 + 3), c twice (2 + 2), b once (4)
    assert cuts.loc["a", "units_cut"] == 2 and cuts.loc["a", "total_cut"] == pytest.approx(6.0)
    assert cuts.loc["a", "mean_cut"] == pytest.approx(3.0)
    assert cuts.loc["b", "largest_cut"] == pytest.approx(4.0)
    f = a.fields.set_index(["unit_id", "field"])
    assert f.loc[("u3", "F1"), "gap"] == pytest.approx(7.0)  # (5 + 4) − (2 + 0)
    assert f.loc[("u1", "F2"), "gap"] == pytest.approx(2.0)
    assert cuts.loc["c", "total_cut"] == pytest.approx(4.0)
    assert list(a.over_claimers()["unit_id"]) == ["u3", "u1"]
    assert set(zip(a.criteria["unit_id"], a.criteria["criterion"])) == {("u1", "a"), ("u1", "c"), ("u3", "a"),
                                                                       ("u3", "b"), ("u3", "c")}


def test_values_never_appraised_are_warned(tiny, make_dataset):
    rb, _ = tiny
    values = {"u1": {"a": (6, None), "b": (1, 1), "c": (10, 8)}, "u2": {"a": (4, 4), "b": (0, 0), "c": (6, 6)}}
    a = appraisal(rb, make_dataset(values))
    assert a.units.set_index("unit_id").loc["u1", "not_appraised"] == 1
    assert [p.code for p in a.warnings] == ["A841"]
    assert a.agreement["values_not_appraised"] == 1
    assert a.units.set_index("unit_id").loc["u1", "appraised_index"] == pytest.approx(90.0)  # 6 + 4 + 8 of 20


def test_one_stage_is_refused(tiny):
    rb, data = tiny
    with pytest.raises(CchcError) as err:
        appraisal(rb, data, "self", "self")
    assert err.value.problems[0].code == "A840"


def test_sample_departments_average_90_26_self_and_87_47_appraised():
    rb = load_rulebook(RB)
    data = load_dataset(DS, rb)
    a = appraisal(rb, data)
    # independently: the engine's own scores at the first and the last stage, averaged over departments
    from cchc_rules.engine.score import score

    def mean(stage: str) -> float:
        u = score(rb, data, stage).units
        return float(u.loc[u["group"] == "department", "index"].mean())

    assert round(mean("self"), 2) == 90.26 and round(mean("appraisal_2"), 2) == 87.47
    g = a.groups.set_index("group")
    assert g.loc["department", "mean_self"] == pytest.approx(mean("self"), abs=1e-9)
    assert g.loc["department", "mean_appraised"] == pytest.approx(mean("appraisal_2"), abs=1e-9)
    assert g.loc["department", "units"] == 19


def test_cli_json_and_report(tmp_path, capsys):
    out = tmp_path / "council"
    assert main(["appraisal", str(RB), str(DS), "--json", "--out", str(out), "--lang", "en"]) == 0
    doc = json.loads(capsys.readouterr().out)
    first = doc["units"][0]
    assert {"unit_id", "self_index", "appraised_index", "gap"} <= set(first)
    assert first["gap"] == pytest.approx(first["self_index"] - first["appraised_index"])
    assert isinstance(first["self_index"], float) and len(repr(first["self_index"])) > 6  # unrounded
    assert {p.name for p in out.iterdir()} >= {"report.html", "report.xlsx", "appraisal.json"}
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Self-assessed and appraised" in html and "http" not in html.split("<body>")[1].split("Made by")[0]
