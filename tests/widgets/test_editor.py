"""The drafter's editor without a kernel: edits become changes, the comparison follows, proposals save.

Numbers refer to the tiny rulebook of conftest.py (baseline: A 80 good, C 68 fair, B 52 fair).
"""

from __future__ import annotations

import pytest

from cchc_rules.data.load import write_dataset
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.engine.score import score
from cchc_rules.problems import CchcError
from cchc_rules.scenarios.load import load_scenario
from cchc_rules.widgets.editor import EditorApp
from cchc_rules.widgets.edits import Editor


@pytest.fixture()
def editor(tiny_path, tiny_data):
    return Editor(tiny_path, tiny_data)


def test_band_minimum_edit_moves_a_unit_down(editor):
    ev = editor.set_band_min("good", 85)
    assert editor.changes == [{"set": "bands/good/min", "to": 85}]
    assert not ev.errors
    units = ev.comparison.units.set_index("unit_id")
    # A's 80 no longer reaches Good (85): one unit changes band, good → fair
    assert (units.at["A", "band_base"], units.at["A", "band_variant"]) == ("good", "fair")
    assert ev.comparison.summary["band_changes"] == 1
    assert ev.comparison.transitions.at["good", "fair"] == 1


def test_reweight_scales_the_field_and_warns(editor):
    ev = editor.set_max("1", 60)
    # field 1 × 1.5: 1.1 → 24, 1.2 → 36 (its ladder's 24 points too); A = 24 + 18 + 20 + 32 = 94 of 120
    a = ev.result.units.set_index("unit_id").loc["A"]
    assert a["index"] == pytest.approx(94 / 120 * 100, abs=1e-9)
    assert a["band"] == "fair"
    # the top-level maxima add up to 120, not 100 (R190); the note says what the reweight scaled (X291)
    assert [(p.code, p.severity) for p in ev.problems] == [("R190", "warning"), ("X291", "note")]
    assert not ev.errors


def test_threshold_and_gate_edits(editor):
    editor.set_threshold("1.2", 1, 90)  # A's 90 keeps half of 1.2, C's 80 now gets nothing: 16 + 0 + 0 + 40 = 56
    ev = editor.set_gates("good", [{"node": "2", "min_share": 0.9}])  # A's field 2: 52 / 60 < 0.9
    units = ev.result.units.set_index("unit_id")
    assert units.at["C", "index"] == pytest.approx(56, abs=1e-9)
    assert units.at["A", "band"] == "fair"
    assert editor.gates("good") == [{"node": "2", "min_share": 0.9}]
    assert [c["set"] for c in editor.changes] == ["criteria/1.2/rule/ladder/1/min", "bands/good/when"]
    editor.set_threshold("1.2", 1, 85)  # the same step again: one change, moved last
    assert [c.get("to") for c in editor.changes][-1] == 85 and len(editor.changes) == 2
    editor.undo()
    assert len(editor.changes) == 1


def test_invalid_edit_shows_the_validator_and_cannot_be_saved(editor, tmp_path):
    ev = editor.set_band_min("fair", 90)  # above good's 80: bands no longer descend
    assert "R145" in [p.code for p in ev.errors]
    with pytest.raises(CchcError) as err:
        editor.save("broken", folder=tmp_path / "proposals")
    assert "B932" in [p.code for p in err.value.problems]
    assert not (tmp_path / "proposals").exists() or not list((tmp_path / "proposals").iterdir())


def test_save_as_proposal_writes_a_valid_derived_rulebook(editor, tiny_path, tiny_data, tmp_path):
    folder = tiny_path.parent / "proposals"
    editor.set_band_min("good", 85)
    path = editor.save("stricter-good", "Tốt cần 85 điểm", "Good needs 85", folder=folder)
    assert path == folder / "stricter-good.yaml"
    assert [p.name for p in folder.iterdir()] == ["stricter-good.yaml"]  # no temporary file left
    text = path.read_text(encoding="utf-8")
    assert "extends: ../tiny.yaml" in text and "Tốt cần 85 điểm" in text
    proposal = load_rulebook(path)
    assert proposal.derivation is not None and proposal.id == "stricter-good"
    assert score(proposal, tiny_data).units.set_index("unit_id").at["A", "band"] == "fair"
    # usable in a scenario as is
    write_dataset(tiny_data, tmp_path / "data")
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(
        "dsl: 1\nid: try-it\ntitle: Try the proposal\ndata: data\nbaseline: rulebooks/tiny.yaml\n"
        "variants:\n  stricter: {rulebook: rulebooks/proposals/stricter-good.yaml}\n", encoding="utf-8")
    assert list(load_scenario(scenario).variants) == ["stricter"]
    with pytest.raises(CchcError) as err:
        editor.save("stricter-good", folder=folder)
    assert [p.code for p in err.value.problems] == ["B933"]
    assert editor.save("stricter-good", folder=folder, overwrite=True) == path


def test_save_refuses_a_bad_name_and_no_edit(editor, tmp_path):
    with pytest.raises(CchcError) as err:
        editor.save("Đề xuất 1", folder=tmp_path)
    assert sorted(p.code for p in err.value.problems) == ["B930", "B931"]


def test_app_apply_button_updates_messages_and_charts(editor):
    app = EditorApp(editor, "en", delay=0)
    assert "The variant is valid." in app.messages.value
    editor.set_band_min("fair", 90)
    app.refresh()
    assert "R145" in app.messages.value and "The variant is valid." not in app.messages.value
    assert app.summary.value == "" and all(image.layout.display == "none" for image in app.images)
    editor.clear()
    editor.set_band_min("good", 85)
    app.refresh()
    assert "<b>1</b>" in app.summary.value  # one unit changes band
    assert all(bytes(image.value).startswith(b"\x89PNG") and image.layout.display is None for image in app.images)


def test_app_controls_make_the_changes(editor):
    """As a drafter clicks: every picker starts on a real choice, Apply and Add write the changes."""
    app = EditorApp(editor, "vi", delay=0)
    maxima, _transfer, thresholds, minima, gates, _add, _structure = app.tabs.children
    node, (amount, apply) = maxima.children[0], maxima.children[1].children
    assert (node.value, amount.value) == ("1", 40)  # field 1: 16 + 24
    lists, bands, (minimum, apply_min) = minima.children[0], minima.children[1], minima.children[2].children
    assert (lists.value, bands.value, minimum.value) == (None, "good", 80)
    minimum.value = 85
    apply_min.click()
    assert editor.changes == [{"set": "bands/good/min", "to": 85}]
    leaf, step = thresholds.children[:2]
    threshold, apply_step = thresholds.children[2].children
    assert (leaf.value, step.value, threshold.value) == ("1.2", 0, 100)
    step.value = 1
    assert threshold.value == 80
    threshold.value = 90
    apply_step.click()
    assert editor.changes[-1] == {"set": "criteria/1.2/rule/ladder/1/min", "to": 90}
    _lists, g_bands, row, kind, subject, last = gates.children
    current, value, add = row.children[0], *last.children
    assert (g_bands.value, current.options) == ("good", ())
    kind.value = "gate_zero"
    subject.value = "2"
    value.value = 0
    add.click()
    assert editor.changes[-1] == {"set": "bands/good/when", "to": [{"node": "2", "max_zero_leaves": 0}]}
    assert current.value == 0 and "2" in current.options[0][0]
    assert "Phương án hợp lệ." in app.messages.value
    node.value = "2"
    assert amount.value == 60  # 20 + 40
    amount.value = 30
    apply.click()
    assert editor.changes[-1] == {"reweight": "criteria/2", "to": 30}
