"""The valid fixture dataset, parsed by hand (tests/data/conftest.py holds the tables)."""

from __future__ import annotations

import numpy as np
import pytest

from cchc_rules.data.load import load_dataset
from cchc_rules.data.model import EMPTY, NA, VALUE, ZERO_TOTAL
from cchc_rules.data.parse import inputs_for


@pytest.fixture
def inputs(make_dataset, rulebook):
    return inputs_for(load_dataset(make_dataset(), rulebook), rulebook)


def cell(inputs, unit, leaf):
    u, j = list(inputs.units["unit_id"]).index(unit), inputs.leaf_ids.index(leaf)
    return inputs.value[u, j].tolist(), inputs.status[u, j].tolist()


def test_axes_follow_the_rulebook_and_the_file(inputs, rulebook):
    assert inputs.leaf_ids == [leaf.id for leaf in rulebook.leaves()]
    assert inputs.stages == ["self", "appraisal"]
    assert list(inputs.units.columns) == ["unit_id", "name", "group", "flags", "district_code"]
    assert list(inputs.units["unit_id"]) == ["D1", "D2", "H1"]
    assert inputs.units["flags"].tolist() == [(), ("discipline",), ("not_ranked", "discipline")]
    assert inputs.units["district_code"].tolist() == ["01", "02", "03"]  # text: the leading zero stays
    assert inputs.value.shape == (3, 10, 2) and inputs.status.dtype == np.int8


def test_values_by_rule_kind(inputs):
    assert cell(inputs, "D1", "A.1") == ([1.0, 1.0], [VALUE, VALUE])  # "có" and "1" are yes
    assert cell(inputs, "D2", "A.1")[0][0] == 0.0  # "không"
    assert cell(inputs, "H1", "A.1")[0][0] == 1.0  # "x" means yes
    assert cell(inputs, "D1", "A.2") == ([100.0, 85.0], [VALUE, VALUE])
    v, st = cell(inputs, "D1", "A.3")
    assert v[0] == 75.0 and np.isnan(v[1]) and st == [VALUE, EMPTY]
    assert cell(inputs, "D1", "A.4") == ([45 / 50, 0.8], [VALUE, VALUE])  # 45/50 = 0.9
    assert cell(inputs, "D1", "A.5") == ([0.0, 1.0], [VALUE, VALUE])  # good is level 0, full level 1
    assert cell(inputs, "D1", "A.6") == ([1.0, 2.0], [VALUE, VALUE])
    assert cell(inputs, "D1", "A.7") == ([1.5, 1.25], [VALUE, VALUE])
    v, st = cell(inputs, "D1", "B.1")
    assert v[0] == 70.0 and np.isnan(v[1]) and st == [VALUE, NA]  # NA is kept
    v, st = cell(inputs, "D2", "A.4")
    assert st[0] == ZERO_TOTAL and np.isnan(v[0])  # 0/0
    v, st = cell(inputs, "H1", "B.1")
    assert st == [NA, EMPTY]  # NA on a leaf that does not apply is fine
    assert np.isnan(inputs.value[inputs.status != VALUE]).all()


def test_adjustments(inputs):
    assert inputs.adjustment_ids == ["bonus", "late"]
    assert inputs.adjustment[0, 0].tolist() == [1.0, 0.5]
    late = inputs.adjustment[0, 1]
    assert late[0] == 2.0 and np.isnan(late[1])  # the count; the engine multiplies by 0.5
    assert np.isnan(inputs.adjustment[1:]).all()


def test_survey_pooled_by_form_and_minimum(inputs):
    # S.1 pooled, forms P01 weight 2, P03 weight 1: answers A (1, P01), B (0.6, P01), C (0.2, P03)
    # (2·1 + 2·0.6 + 1·0.2) / (2 + 2 + 1) = 3.4 / 5 = 0.68, at every stage
    v, st = cell(inputs, "D1", "S.1")
    assert v == pytest.approx([0.68, 0.68], abs=1e-12) and st == [VALUE, VALUE]
    # S.2 by_form, own unit excluded, X skipped: P01 answers A 1, C 0.2 → mean 0.6;
    # P03 answers D 0 (R3); R4 skipped; R5 rates its own unit D1 → dropped; P03 mean 0
    # (2·0.6 + 1·0) / (2 + 1) = 0.4; counted answers 3 ≥ min_respondents 3
    v, st = cell(inputs, "D1", "S.2")
    assert v == pytest.approx([0.4, 0.4], abs=1e-12) and st == [VALUE, VALUE]
    j1, j2 = inputs.leaf_ids.index("S.1"), inputs.leaf_ids.index("S.2")
    assert inputs.survey_n[0, j1] == 3 and inputs.survey_n[0, j2] == 3
    # D2: two counted answers < 3 → no value, so the leaf's missing policy applies
    v, st = cell(inputs, "D2", "S.2")
    assert st == [EMPTY, EMPTY] and inputs.survey_n[1, j2] == 2
    # H1 has no answers for S.1: its mean weight comes from assessments
    v, st = cell(inputs, "H1", "S.1")
    assert v[0] == 0.75 and st == [VALUE, EMPTY]
    assert inputs.survey_n[:, :j1].sum() == 0  # non-survey leaves count nothing


def test_survey_answers_take_precedence_with_a_note(inputs):
    notes = [p for p in inputs.notes if p.code == "D382"]
    assert len(notes) == 1 and notes[0].params == {"n": 1, "criterion": "S.2"}
    assert all(p.severity == "note" for p in inputs.notes)


def test_inputs_are_cached_per_rulebook(make_dataset, rulebook):
    dataset = load_dataset(make_dataset(), rulebook)
    assert inputs_for(dataset, rulebook) is inputs_for(dataset, rulebook)
    assert len([k for k in dataset._inputs if isinstance(k, str)]) == 1
