"""`cchc uncertainty`, `cchc remove-one` and `cchc dead-criteria` on the tiny case, figures worked out by hand."""

from __future__ import annotations

import json

import pytest

from cchc_rules.cli import main

SAME_B = {  # criterion b is 1 (4 points) for every unit at appraisal: it does not discriminate
    "u1": {"a": (6, 3), "b": (1, 1), "c": (10, 8)},
    "u2": {"a": (4, 4), "b": (1, 1), "c": (6, 6)},
    "u3": {"a": (5, 2), "b": (1, 1), "c": (9, 7)},
}


def run_json(capsys, *argv: str):
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_dead_criteria(tiny_files, capsys):
    rb, ds = tiny_files(SAME_B)
    rows = run_json(capsys, "dead-criteria", str(rb), str(ds))
    assert [(r["group"], r["node_id"], r["points"], r["units"]) for r in rows] == [("g", "b", 4.0, 3)]


def test_remove_one_by_hand(tiny_files, capsys):
    rb, ds = tiny_files()
    rows = {r["node_id"]: r for r in run_json(capsys, "remove-one", str(rb), str(ds), "--node", "F1", "--node", "F2")}
    # appraised: u1 75 (fair), u2 50 (weak), u3 45 (weak); ranks u1, u2, u3
    # without F2 (F1 only, of 10): u1 70, u2 40, u3 20: same ranks, same bands
    assert rows["F2"]["mean_index_delta"] == pytest.approx(-40 / 3)
    assert rows["F2"]["mean_abs_rank_shift"] == 0 and rows["F2"]["band_changes"] == 0
    # without F1 (c only, of 10): u1 80 (good), u2 60 (fair), u3 70 (fair): u2 and u3 swap places
    assert rows["F1"]["mean_index_delta"] == pytest.approx(40 / 3)
    assert rows["F1"]["mean_abs_rank_shift"] == pytest.approx(2 / 3)
    assert rows["F1"]["band_changes"] == 3


def test_uncertainty_without_variation_keeps_the_baseline(tiny_files, capsys, tmp_path):
    rb, ds = tiny_files()
    out = tmp_path / "mc"
    rows = run_json(capsys, "uncertainty", str(rb), str(ds), "--draws", "10", "--seed", "3", "--weight-spread", "0",
                    "--out", str(out))
    for r in rows:  # nothing varies: every draw is the baseline
        assert r["rank_median"] == r["rank_p05"] == r["rank_p95"] == r["rank"]
        assert r[f"p_{r['band']}"] == 1.0
    assert {r["unit_id"]: r["index"] for r in rows} == pytest.approx({"u1": 75.0, "u2": 50.0, "u3": 45.0})
    assert {p.name for p in out.iterdir()} >= {"uncertainty.csv", "uncertainty.xlsx", "uncertainty.json"}
    assert json.loads((out / "uncertainty.json").read_text(encoding="utf-8")) == rows


def test_out_refuses_a_foreign_folder(tiny_files, tmp_path, capsys):
    rb, ds = tiny_files()
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
    assert main(["dead-criteria", str(rb), str(ds), "--out", str(foreign)]) == 1
    assert "F101" in capsys.readouterr().err
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_text_output_speaks_the_language(tiny_files, capsys):
    rb, ds = tiny_files(SAME_B)
    assert main(["dead-criteria", str(rb), str(ds), "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "Criteria that do not discriminate" in text and "Group" in text and "Criterion B" in text
