"""Survey aggregation as a pure function over parsed answers (weights worked by hand)."""

from __future__ import annotations

import numpy as np
import pytest

from cchc_rules.data.survey import Answers, aggregate

# one unit, one leaf; answers A, B, C (weights 1, 0.6, 0.2); forms P01 (weight 2), P01, P03 (weight 1)
ANSWERS = Answers(
    unit=np.array([0, 0, 0]), leaf=np.array([0, 0, 0]), respondent=np.array([0, 1, 2]),
    form=np.array([0, 0, 1]), weight=np.array([1.0, 0.6, 0.2]), form_weight=np.array([2.0, 2.0, 1.0]),
    counted=np.array([True, True, True]),
)


def test_pooled():
    mean, n = aggregate(ANSWERS, np.array([False]), 1, 1)
    # (2·1 + 2·0.6 + 1·0.2) / (2 + 2 + 1) = 3.4 / 5 = 0.68
    assert mean[0, 0] == pytest.approx(0.68, abs=1e-12) and n[0, 0] == 3


def test_by_form():
    mean, n = aggregate(ANSWERS, np.array([True]), 1, 1)
    # P01 mean (1 + 0.6) / 2 = 0.8; P03 mean 0.2; (2·0.8 + 1·0.2) / (2 + 1) = 1.8 / 3 = 0.6
    assert mean[0, 0] == pytest.approx(0.6, abs=1e-12) and n[0, 0] == 3


def test_answers_not_counted_and_cells_without_answers():
    answers = Answers(*(getattr(ANSWERS, f) for f in ("unit", "leaf", "respondent", "form", "weight",
                                                     "form_weight")), counted=np.array([True, False, True]))
    mean, n = aggregate(answers, np.array([False, False]), 2, 2)
    # B not counted: (2·1 + 1·0.2) / (2 + 1) = 2.2 / 3
    assert mean[0, 0] == pytest.approx(2.2 / 3, abs=1e-12) and n.tolist() == [[2, 0], [0, 0]]
    assert np.isnan(mean[1]).all() and np.isnan(mean[0, 1])


def test_resampled_respondents():
    # a bootstrap draw that picked respondent 0 twice and respondent 2 once:
    # pooled (2·1 + 2·1 + 1·0.2) / (2 + 2 + 1) = 4.2 / 5 = 0.84
    mean, n = aggregate(ANSWERS.take(np.array([0, 0, 2])), np.array([False]), 1, 1)
    assert mean[0, 0] == pytest.approx(0.84, abs=1e-12) and n[0, 0] == 3


def test_several_units_and_leaves_at_once():
    answers = Answers(
        unit=np.array([0, 1, 1, 0]), leaf=np.array([1, 0, 0, 1]), respondent=np.arange(4),
        form=np.array([0, 0, 1, 1]), weight=np.array([0.0, 1.0, 0.0, 1.0]),
        form_weight=np.array([1.0, 3.0, 1.0, 1.0]), counted=np.ones(4, bool),
    )
    mean, n = aggregate(answers, np.array([False, True]), 2, 2)
    # unit 1, leaf 0 pooled: (3·1 + 1·0) / 4 = 0.75; unit 0, leaf 1 by form: (1·0 + 1·1) / 2 = 0.5
    assert mean[1, 0] == pytest.approx(0.75) and mean[0, 1] == pytest.approx(0.5)
    assert n.tolist() == [[0, 2], [2, 0]]


def test_no_answers():
    mean, n = aggregate(Answers.empty(), np.array([True]), 1, 1)
    assert np.isnan(mean).all() and n.tolist() == [[0]]


def test_resampling_the_parsed_answers_of_a_dataset(make_dataset, rulebook):
    from cchc_rules.data.load import load_dataset
    from cchc_rules.data.parse import answers_for, inputs_for

    dataset = load_dataset(make_dataset(), rulebook)
    inputs, answers = inputs_for(dataset, rulebook), answers_for(dataset, rulebook)
    j = inputs.leaf_ids.index("S.1")
    rows = np.flatnonzero((answers.unit == 0) & (answers.leaf == j))  # D1's answers to S.1: A, B, C
    assert answers.weight[rows].tolist() == [1.0, 0.6, 0.2]
    assert answers.form_weight[rows].tolist() == [2.0, 2.0, 1.0] and answers.counted[rows].all()
    by_form = np.array([leaf == "S.2" for leaf in inputs.leaf_ids])
    mean, n = aggregate(answers.take(rows[[0, 0, 2]]), by_form, len(inputs.units), len(inputs.leaf_ids))
    # A twice (P01, weight 2) and C once (P03, weight 1): (2·1 + 2·1 + 1·0.2) / 5 = 0.84
    assert mean[0, j] == pytest.approx(0.84) and n[0, j] == 3
    # the own-unit answer (R5 about D1) and the skipped one (R4) are parsed but not counted
    s2 = np.flatnonzero((answers.unit == 0) & (answers.leaf == inputs.leaf_ids.index("S.2")))
    assert answers.counted[s2].tolist() == [True, True, True, False, False]
