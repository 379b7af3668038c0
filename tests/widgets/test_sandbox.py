"""The trainer's sandbox without a kernel: each control change checked against hand-worked scores.

Numbers refer to the tiny rulebook of conftest.py (its docstring holds the baseline arithmetic).
"""

from __future__ import annotations

import pytest

from cchc_rules.problems import CchcError
from cchc_rules.widgets.debounce import Debouncer
from cchc_rules.widgets.sandbox import open_sandbox
from cchc_rules.widgets.walkthrough import WalkthroughApp


@pytest.fixture()
def sandbox(tiny, tiny_data):
    return open_sandbox(tiny, tiny_data, "A", "en")


def _leaf(outcome, leaf_id):
    rows = outcome.ledger.rows
    return rows[(rows["section"] == "leaf") & (rows["id"] == leaf_id)].iloc[0]


def test_baseline_both_sides(sandbox):
    appraised, own = sandbox.outcome("appraised"), sandbox.outcome("self")
    # appraised 16 + 12 + 20 + 32 = 80 of 100; self 16 + 24 + 20 + 40 = 100
    assert appraised.index == pytest.approx(80, abs=1e-9)
    assert (appraised.band, appraised.band_label, appraised.rank, appraised.peers) == ("good", "Good", 1, 3)
    assert (appraised.stage, own.stage) == ("appraisal", "self")
    assert own.index == pytest.approx(100, abs=1e-9)
    assert appraised.fields["points"].tolist() == pytest.approx([28, 52])  # 16 + 12, 20 + 32


def test_unticking_a_checkbox_changes_index_band_rank_and_ledger(sandbox):
    assert sandbox.leaf_state("1.1").value is True
    sandbox.set_value("1.1", False)
    out = sandbox.outcome()
    # 0 + 12 + 20 + 32 = 64: fair, and C (68) moves ahead of A
    assert out.index == pytest.approx(64, abs=1e-9)
    assert (out.band, out.rank) == ("fair", 2)
    row = _leaf(out, "1.1")
    assert (row["value"], row["points"], row["max"]) == ("no", 0, 16)
    assert "64" in out.ledger.rows.query("section == 'index'")["detail"].iat[0]
    assert sandbox.baseline().index == pytest.approx(80, abs=1e-9)  # the original data are untouched


def test_slider_on_a_ladder(sandbox):
    sandbox.set_value("1.2", 100.0)
    out = sandbox.outcome()
    # 1.2 reaches the top step: 16 + 24 + 20 + 32 = 92
    assert out.index == pytest.approx(92, abs=1e-9)
    assert _leaf(out, "1.2")["matched"] == "≥ 100"
    sandbox.set_value("1.2", 79.9)  # below 80: 0 points → 16 + 0 + 20 + 32 = 68, tied with C
    out = sandbox.outcome()
    assert out.index == pytest.approx(68, abs=1e-9)
    assert (out.band, out.rank) == ("fair", 1)  # ties share the best place


def test_dropdown_on_levels_and_ratio_as_percent(sandbox):
    sandbox.set_value("2.1", "partial")
    sandbox.set_value("2.2", 50.0)
    # 16 + 12 + 8 + 40 × 0.5 = 56
    assert sandbox.outcome().index == pytest.approx(56, abs=1e-9)
    assert sandbox.leaf_state("2.2").value == pytest.approx(50)


def test_evidence_missing_applies_the_leaf_policy(sandbox):
    sandbox.set_missing("2.2")  # missing: na → out of the maximum on both sides
    appraised, own = sandbox.outcome("appraised"), sandbox.outcome("self")
    # appraised 16 + 12 + 20 = 48 of 60 = 80; self 16 + 24 + 20 = 60 of 60 = 100
    assert appraised.index == pytest.approx(80, abs=1e-9)
    assert own.index == pytest.approx(100, abs=1e-9)
    assert _leaf(appraised, "2.2")["out"] == "no value: treated as NA"
    sandbox.set_missing("2.2", False)
    sandbox.set_missing("1.1")  # the rulebook's default, missing: zero → 0 + 12 + 20 + 32 = 64
    out = sandbox.outcome()
    assert out.index == pytest.approx(64, abs=1e-9)
    assert _leaf(out, "1.1")["missing"] == "zero"
    assert sandbox.leaf_state("1.1").missing


def test_self_side_edits_the_first_stage_only(sandbox):
    sandbox.set_side("self")
    assert sandbox.leaf_state("1.2").value == pytest.approx(100)
    sandbox.set_value("1.2", 85.0)
    # self: 16 + 12 + 20 + 40 = 88; the appraised side keeps its own value (90): 80
    assert sandbox.outcome("self").index == pytest.approx(88, abs=1e-9)
    assert sandbox.outcome("appraised").index == pytest.approx(80, abs=1e-9)


def test_appraised_side_falls_back_to_the_self_value(tiny, tiny_data):
    sandbox = open_sandbox(tiny, tiny_data, "B", "vi")
    state = sandbox.leaf_state("2.1")
    assert (state.value, state.status) == ("partial", "value")
    out = sandbox.outcome()
    assert out.index == pytest.approx(52, abs=1e-9)  # 0 + 24 + 8 + 20
    assert (out.band_label, out.rank) == ("Khá", 3)


def test_reset_and_unit_switch_restore_the_data(sandbox):
    sandbox.set_value("1.1", False)
    sandbox.reset()
    assert sandbox.outcome().index == pytest.approx(80, abs=1e-9)
    sandbox.set_value("1.1", False)
    sandbox.unit = "C"
    assert sandbox.outcome().index == pytest.approx(68, abs=1e-9)  # C's own data; A's edit is gone
    assert sandbox.outcome().rank == 2


def test_bad_values_are_refused_in_both_languages(sandbox):
    with pytest.raises(CchcError) as err:
        sandbox.set_value("2.1", "excellent")
    problem = err.value.problems[0]
    assert problem.code == "B902"
    assert "good, partial, none" in problem.fix("en") and "Chọn một trong các mức" in problem.fix("vi")
    with pytest.raises(CchcError) as err:
        sandbox.set_value("2.2", 150.0)
    assert err.value.problems[0].code == "B903"
    with pytest.raises(CchcError) as err:
        sandbox.set_value("9.9", True)
    assert err.value.problems[0].code == "B910"
    with pytest.raises(CchcError) as err:
        sandbox.set_side("council")
    assert err.value.problems[0].code == "B911"


def test_app_control_change_updates_cards_and_ledger(sandbox):
    sandbox.lang = "vi"
    app = WalkthroughApp(sandbox, delay=0)
    assert 'class="cchc-index">80,00<' in app.cards.value and "Tốt" in app.cards.value
    app.inputs["1.1"].value = False  # as a trainer unticks the checkbox
    assert 'class="cchc-index">64,00<' in app.cards.value
    assert 'class="cchc-band">Khá<' in app.cards.value and "2/3 trong nhóm" in app.cards.value
    assert "−16,00" in app.cards.value  # 64 − 80
    assert "<td>1.1</td>" in app.ledger.value
    app.missing["2.2"].value = True  # 0 + 12 + 20 = 32 of 60 = 53.33
    assert 'class="cchc-index">53,33<' in app.cards.value
    assert app.inputs["2.2"].disabled
    app.lang_toggle.value = "en"
    assert 'class="cchc-band">Fair<' in app.cards.value and "Evidence missing" == app.missing["1.1"].description


def test_debouncer_runs_once_after_a_burst():
    calls, pending = [], []

    def schedule(delay, callback):
        pending.append(callback)
        return lambda: pending.remove(callback)

    debouncer = Debouncer(lambda: calls.append(1), 0.15, schedule)
    for _ in range(5):
        debouncer.trigger()
    assert (len(calls), len(pending)) == (0, 1)
    pending[0]()
    assert calls == [1]


def test_app_opens_another_rulebook_and_dataset_of_the_project():
    from cchc_rules.widgets.walkthrough import walkthrough

    bench = walkthrough("rulebooks/par-province-2024.yaml", "datasets/sample-province-2024", "so-noi-vu", "en",
                        delay=0)
    app = bench.app
    assert "rulebooks/par-communes-2024.yaml" in app.rulebook_picker.options
    app.rulebook_picker.value = "rulebooks/par-communes-2024.yaml"  # does not fit the province's data
    app._on_load()
    assert "D3" in app.load_messages.value and bench.sandbox.rulebook.id == "par-province-2024"
    app.rulebook_picker.value = "rulebooks/par-communes-2024.yaml"
    app.dataset_picker.value = "datasets/sample-communes-2024"
    app._on_load()
    assert bench.sandbox.rulebook.id == "par-communes-2024"
    assert bench.sandbox.unit == bench.sandbox.units[0]  # so-noi-vu is not a commune: the first unit
    assert app.unit_picker.value == bench.sandbox.unit and 'class="cchc-index"' in app.cards.value
